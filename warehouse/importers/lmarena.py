"""LMArena text leaderboard history (daily scrapes by fboulnois/llm-leaderboard-csv) as events.

Input: `fboulnois_lmsys_text_leaderboard_history.csv`, one row per model and scraped version
(`snapshot_version, commit_time_utc, rank, ..., model, arena_score, ...`). `rank` is LMArena's
published Rank (UB). Event times are the commit times of the scrape: the listing appeared at
most a day earlier (the scraper ran daily at 11:00 UTC). Entries, moves and exits follow the rule
in `history.py`. `fboulnois_lmsys_snapshot_index.csv` beside the file, when present, gives each
version's commit, so an event links to the exact snapshot.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from warehouse.catalogue import Catalogue
from warehouse.events import Event, make_event
from warehouse.importers import history
from warehouse.importers.files import expect_columns, open_csv

COLUMNS = ("snapshot_version", "commit_time_utc", "rank", "model", "arena_score")
INDEX_FILE = "fboulnois_lmsys_snapshot_index.csv"
REPO = "https://github.com/fboulnois/llm-leaderboard-csv"
SOURCE = "LMArena text leaderboard snapshot (fboulnois/llm-leaderboard-csv)"


def read(path: Path, catalogue: Catalogue) -> tuple[list[Event], int, list[tuple[str, str]]]:
    """(events, data rows read, rejected rows with reasons)."""
    commits = _commits(path.with_name(INDEX_FILE))
    per_version: dict[str, list[history.Listing]] = defaultdict(list)
    times: dict[str, datetime] = {}
    rejected: list[tuple[str, str]] = []
    with open_csv(path) as reader:
        expect_columns(reader, COLUMNS, path)
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        try:
            listing = history.Listing(row["model"].strip(), int(row["rank"]), float(row["arena_score"]))
            at = datetime.fromisoformat(row["commit_time_utc"])
            if not listing.model or at.tzinfo is None:
                raise ValueError("model must be non-empty and commit_time_utc a UTC time like 2025-04-06T11:18:20Z")
        except (ValueError, TypeError) as exc:
            rejected.append((json.dumps(row, ensure_ascii=False), f"{path.name} line {line}: {exc}"))
            continue
        per_version[row["snapshot_version"]].append(listing)
        times.setdefault(row["snapshot_version"], at)
    snapshots = [
        (history.Snapshot(version, times[version], _url(commits.get(version))), per_version[version])
        for version in sorted(per_version, key=lambda v: times[v])
    ]
    events = [_event(change, catalogue, path.name) for change in history.changes(snapshots)]
    return events, len(rows), rejected


def _commits(index: Path) -> dict[str, str]:
    if not index.exists():
        return {}
    with open_csv(index) as reader:
        expect_columns(reader, ("snapshot_version", "commit"), index)
        return {row["snapshot_version"]: row["commit"] for row in reader}


def _url(commit: str | None) -> str:
    return f"{REPO}/blob/{commit}/csv/lmsys.csv" if commit else f"{REPO}/commits/main/csv/lmsys.csv"


def _event(change: history.Change, catalogue: Catalogue, origin: str) -> Event:
    now, before = change.listing, change.before
    if change.kind == "leaderboard_exit":
        value, figure = f"no longer listed; last rank {before.rank}; score {before.score:g}", "dropped"
    elif change.kind == "leaderboard_change":
        value = f"rank {now.rank}; score {now.score:g}; was rank {before.rank}; score {before.score:g}"
        figure = f"#{before.rank}→#{now.rank}" if now.rank != before.rank else f"#{now.rank}, {before.score:g}→{now.score:g}"
    else:
        value, figure = f"rank {now.rank}; score {now.score:g}", f"#{now.rank}"
    return make_event(
        catalogue,
        origin_file=origin,
        model_name=change.model,
        kind=change.kind,
        event_time=change.snapshot.at,
        time_precision="second",
        source=SOURCE,
        value=value,
        url=change.snapshot.url,
        note=f"scrape version {change.snapshot.version}",
        figure=figure,
    )
