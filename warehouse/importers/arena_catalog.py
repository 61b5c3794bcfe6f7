"""LMArena's own rating files (lmarena/arena-catalog), `full` category, as events.

Input: `arena_catalog_full_text_ratings_history.csv`, one row per model and committed version of
the leaderboard JSON (`variant, commit, commit_time_utc, rank_by_rating, model_key, rating, ...`).
The plain and style-controlled boards are separate histories (the legacy `leaderboard-data.json`
files continue the same two boards). `rank_by_rating` is the position after sorting by rating,
not LMArena's published rank, so values and labels say "position". Event times are commit times.
Entries, moves and exits follow the rule in `history.py`.
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

COLUMNS = ("variant", "commit", "commit_time_utc", "rank_by_rating", "model_key", "rating")
REPO = "https://github.com/lmarena/arena-catalog"
# The file's variant column -> the board it belongs to.
BOARDS = {
    "text": "text",
    "text(legacy leaderboard-data.json)": "text",
    "text_style_control": "text, style control",
    "text_style_control(legacy)": "text, style control",
}


def read(path: Path, catalogue: Catalogue) -> tuple[list[Event], int, list[tuple[str, str]]]:
    """(events, data rows read, rejected rows with reasons)."""
    boards: dict[str, dict[str, tuple[datetime, list[history.Listing]]]] = defaultdict(dict)
    rejected: list[tuple[str, str]] = []
    with open_csv(path) as reader:
        expect_columns(reader, COLUMNS, path)
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        try:
            board = BOARDS.get(row["variant"])
            if board is None:
                raise ValueError(f"variant {row['variant']!r} is not one of {', '.join(BOARDS)}")
            at = datetime.fromisoformat(row["commit_time_utc"])
            if at.tzinfo is None:
                raise ValueError("commit_time_utc must be a UTC time like 2025-04-07T20:15:05Z")
            listing = history.Listing(row["model_key"].strip(), int(row["rank_by_rating"]), float(row["rating"]))
        except (ValueError, TypeError) as exc:
            rejected.append((json.dumps(row, ensure_ascii=False), f"{path.name} line {line}: {exc}"))
            continue
        boards[board].setdefault(row["commit"], (at, []))[1].append(listing)
    events = []
    for board, commits in boards.items():
        ordered = sorted(commits.items(), key=lambda item: (item[1][0], item[0]))
        snapshots = [
            (history.Snapshot(commit, at, f"{REPO}/commit/{commit}"), listings)
            for commit, (at, listings) in ordered
        ]
        events += [_event(change, board, catalogue, path.name) for change in history.changes(snapshots)]
    return events, len(rows), rejected


def _event(change: history.Change, board: str, catalogue: Catalogue, origin: str) -> Event:
    now, before = change.listing, change.before
    if change.kind == "leaderboard_exit":
        value = f"no longer listed; last position {before.rank} by rating; rating {before.score:g}"
        figure = f"dropped ({board})"
    elif change.kind == "leaderboard_change":
        value = (f"position {now.rank} by rating; rating {now.score:g}; "
                 f"was position {before.rank}; rating {before.score:g}")
        moved = f"pos. {before.rank}→{now.rank}" if now.rank != before.rank else f"pos. {now.rank}, {before.score:g}→{now.score:g}"
        figure = f"{moved} ({board})"
    else:
        value, figure = f"position {now.rank} by rating; rating {now.score:g}", f"pos. {now.rank} ({board})"
    return make_event(
        catalogue,
        origin_file=origin,
        model_name=change.model,
        kind=change.kind,
        event_time=change.snapshot.at,
        time_precision="second",
        source=f"LMArena ratings, {board} (lmarena/arena-catalog)",
        value=value,
        url=change.snapshot.url,
        note=f"commit {change.snapshot.version}",
        figure=figure,
        key=f"{board} {change.snapshot.version}",
    )
