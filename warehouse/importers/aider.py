"""Aider's LLM leaderboards (Aider-AI/aider, `aider/website/_data/*.yml`) as events.

Input: a directory holding the leaderboard YAML files and `aider_leaderboard_entries_added_all.csv`
(or one YAML file with that CSV beside it). The YAML gives each result; the CSV gives the commit
that first added the entry to `main`, whose time is the event time (the earliest verifiable
public trace of the result). Entries the CSV does not cover (pages such as `qwq.yml`) fall back
to the YAML `date`, with precision `day`. Entries the CSV lists as removed from `main` become a
result at their adding commit and a `leaderboard_exit` at their removing commit.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import yaml

from warehouse.catalogue import Catalogue
from warehouse.events import Event, make_event
from warehouse.importers.files import ImportFileError, expect_columns, open_csv

ADDED_FILE = "aider_leaderboard_entries_added_all.csv"
ADDED_COLUMNS = (
    "leaderboard_file", "model_when_added", "dirname", "pass_rate_1", "pass_rate_2", "result_date",
    "added_commit", "added_commit_date_utc", "in_main_head", "removed_commit", "removed_commit_date_utc",
)
REPO = "https://github.com/Aider-AI/aider"
SNAPSHOT = "5dc9490bb35f9729ef2c95d00a19ccd30c26339c"
BOARDS = {
    "polyglot_leaderboard.yml": "Aider polyglot leaderboard",
    "edit_leaderboard.yml": "Aider code editing leaderboard",
    "refactor_leaderboard.yml": "Aider refactoring leaderboard",
    "qwen3_leaderboard.yml": "Aider polyglot, Qwen3 results page",
    "o1_polyglot_leaderboard.yml": "Aider polyglot, o1 results page",
    "qwq.yml": "Aider QwQ results page",
    "deepseek-down.yml": "Aider DeepSeek providers page",
}


def read(path: Path, catalogue: Catalogue) -> tuple[list[Event], int, list[tuple[str, str]]]:
    """(events, entries read, rejected entries with reasons)."""
    folder = path if path.is_dir() else path.parent
    files = sorted(folder.glob("*.yml")) if path.is_dir() else [path]
    if not files or not all(f.exists() for f in files):
        raise ImportFileError(f"no Aider leaderboard YAML at {path}; pass the folder holding polyglot_leaderboard.yml etc.")
    added = _added(folder / ADDED_FILE)
    events: list[Event] = []
    rejected: list[tuple[str, str]] = []
    read_count = 0
    for file in files:
        try:
            entries = yaml.safe_load(file.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise ImportFileError(f"{file} is not valid YAML: {exc}") from None
        if not isinstance(entries, list):
            raise ImportFileError(f"{file}: expected a list of leaderboard entries, found {type(entries).__name__}")
        in_head = set()
        for number, entry in enumerate(entries, start=1):
            read_count += 1
            try:
                if not isinstance(entry, dict) or not entry.get("dirname") or not entry.get("model"):
                    raise ValueError("an entry needs a dirname and a model")
                in_head.add(entry["dirname"])
                events.append(_result(file.name, entry, added.get((file.name, entry["dirname"])), catalogue))
            except (ValueError, TypeError) as exc:
                rejected.append((json.dumps(entry, ensure_ascii=False, default=str), f"{file.name} entry {number}: {exc}"))
        for (board_file, dirname), row in added.items():
            if board_file == file.name and dirname not in in_head and row["in_main_head"] == "no":
                read_count += 1
                events += _removed(file.name, row, catalogue)
    return events, read_count, rejected


def _added(csv_path: Path) -> dict[tuple[str, str], dict[str, str]]:
    if not csv_path.exists():
        raise ImportFileError(
            f"no {ADDED_FILE} beside the YAML files in {csv_path.parent}; it gives each entry's commit time. "
            "Copy it there (it ships in warehouse/events_data/aider/)."
        )
    with open_csv(csv_path) as reader:
        expect_columns(reader, ADDED_COLUMNS, csv_path)
        return {(row["leaderboard_file"].rsplit("/", 1)[-1], row["dirname"]): row for row in reader}


def _score(pass_rate_2, pass_rate_1) -> str:
    if pass_rate_2 not in (None, ""):
        return f"pass_rate_2={float(pass_rate_2):g}%"
    if pass_rate_1 not in (None, ""):
        return f"pass_rate_1={float(pass_rate_1):g}%"
    raise ValueError("an entry needs pass_rate_2 or pass_rate_1")


def _result(file: str, entry: dict, row: dict[str, str] | None, catalogue: Catalogue) -> Event:
    if row and row["added_commit_date_utc"]:
        at, precision = datetime.fromisoformat(row["added_commit_date_utc"]), "second"
        url = f"{REPO}/commit/{row['added_commit']}"
    else:
        run = entry.get("date")
        if not isinstance(run, date):
            raise ValueError(f"no commit time for {entry['dirname']!r} and its date {run!r} is not a date like 2025-04-06")
        at, precision = datetime(run.year, run.month, run.day, tzinfo=timezone.utc), "day"
        url = f"{REPO}/blob/{SNAPSHOT}/aider/website/_data/{file}"
    return make_event(
        catalogue,
        origin_file=file,
        model_name=str(entry["model"]),
        kind="benchmark_result",
        event_time=at,
        time_precision=precision,
        source=BOARDS.get(file, f"Aider {file}"),
        value=_score(entry.get("pass_rate_2"), entry.get("pass_rate_1")),
        url=url,
        note=f"run {entry['dirname']}; edit format {entry.get('edit_format')}; run date {entry.get('date')}",
        key=entry["dirname"],
    )


def _removed(file: str, row: dict[str, str], catalogue: Catalogue) -> list[Event]:
    common = dict(origin_file=file, model_name=row["model_when_added"], source=BOARDS.get(file, f"Aider {file}"), key=row["dirname"])
    value = _score(row["pass_rate_2"], row["pass_rate_1"])
    note = f"run {row['dirname']}; run date {row['result_date']}; later removed from main"
    events = [
        make_event(
            catalogue, kind="benchmark_result", event_time=datetime.fromisoformat(row["added_commit_date_utc"]),
            time_precision="second", value=value, url=f"{REPO}/commit/{row['added_commit']}", note=note, **common,
        )
    ]
    if row["removed_commit_date_utc"]:
        events.append(
            make_event(
                catalogue, kind="leaderboard_exit", event_time=datetime.fromisoformat(row["removed_commit_date_utc"]),
                time_precision="second", value=f"removed; was {value}", url=f"{REPO}/commit/{row['removed_commit']}",
                note=note, figure="removed", **common,
            )
        )
    return events
