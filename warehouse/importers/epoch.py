"""Epoch AI's own benchmark runs (epoch-research/benchmark-stitching `benchmarks_runs.csv`) as events.

`started_at` reads like "8 April 2025 6:17am" and states no time zone, so only its date is
trusted: the event is placed at the start of that day (precision `day`) and the original text is
kept in the note. The value is the task and the best score (a fraction in the file, shown as a
percentage in the label).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from warehouse.catalogue import Catalogue
from warehouse.events import Event, make_event
from warehouse.importers.files import expect_columns, open_csv

COLUMNS = ("id", "task", "model", "Best score (across scorers)", "log viewer", "job", "started_at", "Status")
SOURCE = "Epoch AI benchmark run (epoch-research/benchmark-stitching)"


def read(path: Path, catalogue: Catalogue) -> tuple[list[Event], int, list[tuple[str, str]]]:
    """(events, data rows read, rejected rows with reasons)."""
    with open_csv(path) as reader:
        expect_columns(reader, COLUMNS, path)
        rows = list(reader)
    events, rejected = [], []
    for line, row in enumerate(rows, start=2):
        try:
            events.append(_event(row, catalogue, path.name))
        except ValueError as exc:
            rejected.append((json.dumps(row, ensure_ascii=False), f"{path.name} line {line}: {exc}"))
    return events, len(rows), rejected


def _event(row: dict[str, str], catalogue: Catalogue, origin: str) -> Event:
    started = row["started_at"].strip()
    try:
        day = datetime.strptime(started, "%d %B %Y %I:%M%p").replace(tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(f"started_at {started!r} is not a time like '8 April 2025 6:17am'") from None
    score = float(row["Best score (across scorers)"])
    task, model = row["task"].strip(), row["model"].strip()
    if not task or not model:
        raise ValueError("task and model must be non-empty")
    return make_event(
        catalogue,
        origin_file=origin,
        model_name=model,
        kind="benchmark_result",
        event_time=day.replace(hour=0, minute=0),
        time_precision="day",
        source=SOURCE,
        value=f"{task}: {score:g}",
        url=(row["log viewer"] or row["job"] or "https://epoch.ai/data/ai-benchmarking-dashboard").strip(),
        note=f"run {row['id']}; status {row['Status']}; started_at {started} (time zone not stated)",
        figure=f"{task} {score * 100:.1f}%",
        key=row["id"],
    )
