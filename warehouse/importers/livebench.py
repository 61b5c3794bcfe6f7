"""LiveBench: when each model first appeared on the leaderboard, as events.

Input: `livebench_model_added_dates.csv`, one row per release table and model with the commit
that added the row. A new release table carries old models over in its creating commit, so the
event time is `first_seen_any_table_utc` (the model's first commit on any table), and the URL is
that commit when one of the model's rows names it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from warehouse.catalogue import Catalogue
from warehouse.events import Event, make_event
from warehouse.importers.files import expect_columns, open_csv

COLUMNS = ("table_file", "model", "added_commit", "added_commit_date_utc", "first_seen_any_table_utc")
REPO = "https://github.com/LiveBench/livebench.github.io"
SOURCE = "LiveBench leaderboard (LiveBench/livebench.github.io)"


def read(path: Path, catalogue: Catalogue) -> tuple[list[Event], int, list[tuple[str, str]]]:
    """(events, data rows read, rejected rows with reasons)."""
    with open_csv(path) as reader:
        expect_columns(reader, COLUMNS, path)
        rows = list(reader)
    first: dict[str, tuple[datetime, str, str]] = {}
    rejected: list[tuple[str, str]] = []
    for line, row in enumerate(rows, start=2):
        try:
            model = row["model"].strip()
            seen = datetime.fromisoformat(row["first_seen_any_table_utc"])
            if not model or seen.tzinfo is None:
                raise ValueError("model must be non-empty and first_seen_any_table_utc a UTC time like 2025-04-07T20:23:54Z")
        except (ValueError, TypeError) as exc:
            rejected.append((json.dumps(row, ensure_ascii=False), f"{path.name} line {line}: {exc}"))
            continue
        table = row["table_file"].rsplit("/", 1)[-1]
        url = f"{REPO}/commits/main/{row['table_file']}"
        if row["added_commit_date_utc"] == row["first_seen_any_table_utc"]:
            url = f"{REPO}/commit/{row['added_commit']}"
        known = first.get(model)
        # The row whose own commit is the first sighting names the commit; keep that one.
        if known is None or "/commit/" in url and "/commit/" not in known[2]:
            first[model] = (seen, table, url)
    events = [
        make_event(
            catalogue,
            origin_file=path.name,
            model_name=model,
            kind="leaderboard_entry",
            event_time=seen,
            time_precision="second",
            source=SOURCE,
            value=f"first listed in {table}",
            url=url,
            figure="listed",
        )
        for model, (seen, table, url) in first.items()
    ]
    return events, len(rows), rejected
