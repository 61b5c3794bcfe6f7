"""Benchmark and leaderboard events: the Event record, its labels and storage, and the sourced
timeline's importer (the other sources' importers are in warehouse/importers/ and build their
events with `make_event` and store them with `store_events`).

Model names map to launches and variants through the catalogue aliases. A row naming several
models ("Llama 4 Maverick; Llama 4 Scout") becomes one event per model, so filtering by variant
finds each; its value is split too when each part is tagged with its model ("235B: 48.0%;
32B: 36.4%"). One model name that reads as several variants of its launch (e.g.
"Llama-4-Maverick (experimental chat version)") gets the launch with variant NULL: the name
alone cannot say which it is. A name no launch claims keeps launch_key NULL and is reported.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from dataclasses import astuple, dataclass, field, fields
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Iterable

import duckdb
import pyarrow as pa

from warehouse import runs
from warehouse.catalogue import Catalogue, normalize_for_match
from warehouse.db import transaction

log = logging.getLogger(__name__)

TIMELINE_COLUMNS = ("event_time", "model", "kind", "source", "value", "url", "note")
KINDS = ("release", "leaderboard_entry", "benchmark_result", "official_statement", "controversy")
DEFAULT_TIMELINE = "llama4_april2025_event_timeline.csv"
# How long before its release a model can show up on a board (anonymous arena testing).
PRE_RELEASE = timedelta(days=30)
QUARANTINE_SOURCE = "timeline"

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Board names as the `source` column spells them, most specific first.
_BOARDS = (
    ("aider polyglot", "Aider polyglot"),
    ("aider", "Aider"),
    ("lmarena", "LMArena"),
    ("chatbot arena", "LMArena"),
    ("livebench", "LiveBench"),
    ("epoch ai", "Epoch AI"),
)
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")
_RANK = re.compile(r"^rank (\d+)(?![\d.]| by)")
_POSITION = re.compile(r"^(?:rank|position) (\d+) by rating")
_AVERAGE = re.compile(r"global average ([\d.]+)")
_NOTE_TAG = re.compile(r"^([A-Z][a-z]+):")
_SPEAKER_END = re.compile(r" \(| on X\b| to |, | story\b| blog\b")
_VALUE_TAG = re.compile(r"^\s*([^:;]+):\s*(.+?)\s*$")


class TimelineError(ValueError):
    """A timeline file that cannot be read at all (missing, or not the expected columns)."""


@dataclass(frozen=True)
class Event:
    event_id: str
    launch_key: str | None
    variant_key: str | None
    event_time: datetime
    time_precision: str
    kind: str
    model_name: str
    source: str
    value: str | None
    url: str
    note: str | None
    origin_file: str
    label: str


EVENT_COLUMNS = tuple(f.name for f in fields(Event))


@dataclass(frozen=True)
class ImportResult:
    read: int  # data rows in the file
    inserted: int  # events new to the warehouse
    updated: int  # events already there whose fields changed
    unmatched: list[str] = field(default_factory=list)  # model names no launch claims, sorted
    quarantined: int = 0  # rows that could not become events (recorded in quarantine)
    # Events of models no catalogued launch claims that a bulk importer did not store (their
    # names are in `unmatched`); the sourced timeline stores them with launch_key NULL instead.
    skipped: int = 0


def parse_event_time(text: str) -> tuple[datetime, str]:
    """(start of the period in UTC, precision) for "2025-04-06T11:18:20Z", "2025-04-06" or "2026-01"."""
    value = text.strip()
    try:
        if _MONTH.match(value):
            return datetime.strptime(value, "%Y-%m").replace(tzinfo=timezone.utc), "month"
        if _DAY.match(value):
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc), "day"
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(
            f"event_time {text!r} is not an ISO 8601 UTC time; expected a time like "
            "2025-04-06T11:18:20Z, a date like 2025-04-06 or a month like 2026-01"
        )
    return parsed.astimezone(timezone.utc), "second"


def resolve_model(catalogue: Catalogue, model_name: str) -> tuple[str | None, str | None]:
    """(launch_key, variant_key) a model name denotes; None where it names none, or several."""
    matches = catalogue.match(model_name)
    if len(matches) != 1:
        return None, None
    variants = matches[0].variant_keys
    return matches[0].launch_key, variants[0] if len(variants) == 1 else None


def variant_short_name(launch_key: str, variant_key: str) -> str:
    """The part of a variant key that tells it from its launch, for labels: "Maverick Exp."."""
    rest = variant_key.removeprefix(f"{launch_key}-")
    words: list[str] = []
    for token in rest.split("-"):
        if token.isdigit() and words and words[-1].isdigit():
            words[-1] = f"{words[-1]}-{token}"
        elif token == "exp":
            words.append("Exp.")
        else:
            words.append(token.upper() if any(c.isdigit() for c in token) else token.capitalize())
    return " ".join(words)


def event_label(
    catalogue: Catalogue,
    *,
    kind: str,
    source: str,
    value: str | None,
    note: str | None,
    model_name: str,
    launch_key: str | None,
    variant_key: str | None,
    figure: str | None = None,
) -> str:
    """A short, specific chart label derived from the event's fields.

    `figure` is what a result or listing shows ("#2", "15.6%"); by default it is read from `value`.
    """
    launch = catalogue.get(launch_key) if launch_key else None
    short = variant_short_name(launch_key, variant_key) if launch_key and variant_key else None
    if kind == "release":
        name = f"{launch.name} {short}" if launch and short else launch.name if launch else model_name
        return f"{name} release"
    speaker = _speaker(source, launch.organization if launch else None)
    if kind == "official_statement":
        if value and value.startswith("claimed "):
            return f"{speaker} claim: {value.removeprefix('claimed ')}"
        tag = _NOTE_TAG.match(note or "")
        return f"{speaker} {tag.group(1).lower() if tag else 'statement'}"
    if kind == "controversy":
        return f"Controversy: {speaker}"
    figure = figure or (_figure(value) if value else None)
    if figure is None:
        lowered = source.lower()
        figure = "blog" if "blog" in lowered else "post" if " on x" in lowered else "result"
    subject = short or (launch.name if launch else model_name)
    return f"{speaker} {figure} ({subject})"


def _board(source: str) -> str | None:
    lowered = source.lower()
    return next((name for key, name in _BOARDS if key in lowered), None)


def _speaker(source: str, organization: str | None) -> str:
    board = _board(source)
    if board:
        return board
    if organization and re.search(rf"\b{re.escape(organization)}\b", source):
        return organization
    person = re.sub(r"^\w+ post by ", "", source)
    return _SPEAKER_END.split(person, maxsplit=1)[0].strip()


def _figure(value: str) -> str | None:
    for pattern, shape in ((_RANK, "#{}"), (_POSITION, "pos. {}"), (_PERCENT, "{}"), (_AVERAGE, "{}")):
        found = pattern.search(value)
        if found:
            return shape.format(found.group(found.lastindex or 0))
    first = value.split(";")[0].replace("(computed)", "").strip()
    return first or None


def event_id(origin_file: str, model_name: str, kind: str, event_time: str, value: str | None) -> str:
    """Stable id: the same row of the same file always hashes the same."""
    key = "\x1f".join((origin_file, model_name, kind, event_time.strip(), value or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def make_event(
    catalogue: Catalogue,
    *,
    origin_file: str,
    model_name: str,
    kind: str,
    event_time: datetime,
    time_precision: str,
    source: str,
    value: str | None,
    url: str,
    note: str | None = None,
    figure: str | None = None,
    key: str = "",
) -> Event:
    """An event of an importer's file: the model resolved to its launch and variant, a stable id,
    and its chart label (`figure` as in event_label). `key` tells apart two events of one file
    that share model, kind, time and value (two runs of one model in one commit)."""
    launch_key, variant_key = resolve_model(catalogue, model_name)
    if launch_key and event_time < catalogue.get(launch_key).released_at - PRE_RELEASE:
        # A result long before a launch is about an older model of the same name ("QwQ" on
        # Aider in December 2024 was QwQ-32B-Preview), so it is not this launch's event.
        launch_key = variant_key = None
    return Event(
        event_id=event_id(origin_file, model_name, kind, event_time.isoformat(), f"{value or ''}\x1f{key}"),
        launch_key=launch_key,
        variant_key=variant_key,
        event_time=event_time,
        time_precision=time_precision,
        kind=kind,
        model_name=model_name,
        source=source,
        value=value,
        url=url,
        note=note,
        origin_file=origin_file,
        label=event_label(
            catalogue, kind=kind, source=source, value=value, note=note,
            model_name=model_name, launch_key=launch_key, variant_key=variant_key, figure=figure,
        ),
    )


def events_from_row(row: dict[str, str], catalogue: Catalogue, origin_file: str) -> list[Event]:
    """The events one timeline row describes; ValueError says what is wrong with the row."""
    missing = [name for name in ("event_time", "model", "kind", "source", "url") if not (row.get(name) or "").strip()]
    if missing:
        raise ValueError(f"empty {', '.join(missing)}; every timeline row needs a time, model, kind, source and url")
    kind = row["kind"].strip()
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    event_time, precision = parse_event_time(row["event_time"])
    models = [name.strip() for name in row["model"].split(";") if name.strip()]
    values = _values_per_model(models, (row.get("value") or "").strip() or None)
    note = (row.get("note") or "").strip() or None
    events = []
    for model_name, value in zip(models, values):
        launch_key, variant_key = resolve_model(catalogue, model_name)
        events.append(
            Event(
                event_id=event_id(origin_file, model_name, kind, row["event_time"], value),
                launch_key=launch_key,
                variant_key=variant_key,
                event_time=event_time,
                time_precision=precision,
                kind=kind,
                model_name=model_name,
                source=row["source"].strip(),
                value=value,
                url=row["url"].strip(),
                note=note,
                origin_file=origin_file,
                label=event_label(
                    catalogue, kind=kind, source=row["source"].strip(), value=value, note=note,
                    model_name=model_name, launch_key=launch_key, variant_key=variant_key,
                ),
            )
        )
    return events


def _values_per_model(models: list[str], value: str | None) -> list[str | None]:
    """Split "235B: 48.0%; 32B: 36.4%" over its models when every part names exactly one of them."""
    if value is None or len(models) < 2:
        return [value] * len(models)
    parts = [_VALUE_TAG.match(part) for part in value.split(";")]
    if len(parts) != len(models) or not all(parts):
        return [value] * len(models)
    names = [normalize_for_match(model) for model in models]
    assigned: dict[int, str] = {}
    for part in parts:
        tag = normalize_for_match(part.group(1))
        owners = [i for i, name in enumerate(names) if re.search(rf"(?<![0-9a-z]){re.escape(tag)}(?![0-9a-z])", name)]
        if len(owners) != 1 or owners[0] in assigned:
            return [value] * len(models)
        assigned[owners[0]] = part.group(0).strip()
    return [assigned[i] for i in range(len(models))]


def read_timeline(path: Path) -> list[dict[str, str]]:
    """The rows of a timeline CSV; TimelineError when the file or its header is not as expected."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            missing = [name for name in TIMELINE_COLUMNS if name not in header]
            if missing:
                raise TimelineError(
                    f"{path}: expected columns {', '.join(TIMELINE_COLUMNS)}; found {', '.join(header) or 'no header'} "
                    f"(missing {', '.join(missing)}). Fix the header row of the file."
                )
            return list(reader)
    except FileNotFoundError:
        raise TimelineError(f"no timeline file at {path}; pass the path of an event timeline CSV") from None


def import_timeline(
    con: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    path: str | Path | None = None,
    *,
    now: datetime | None = None,
) -> ImportResult:
    """Upsert the events of a timeline CSV (the bundled one by default) into benchmark_events.

    Re-importing the same file changes nothing. Rows that cannot become events go to
    quarantine with their reason (once per distinct row); the rest are imported.
    """
    bundled = resources.files("warehouse") / "events_data" / DEFAULT_TIMELINE
    file = Path(path) if path is not None else Path(str(bundled))
    rows = read_timeline(file)
    imported_at = now or datetime.now(timezone.utc)
    events: dict[str, Event] = {}
    rejected: list[tuple[str, str]] = []
    for line, row in enumerate(rows, start=2):
        try:
            for event in events_from_row(row, catalogue, file.name):
                events.setdefault(event.event_id, event)
        except ValueError as exc:
            rejected.append((json.dumps(row, ensure_ascii=False), f"{file.name} line {line}: {exc}"))
    unmatched = sorted({e.model_name for e in events.values() if e.launch_key is None})
    if unmatched:
        log.warning(
            "%s: %d model names match no catalogued launch: %s", file.name, len(unmatched), "; ".join(unmatched)
        )
    with transaction(con):
        inserted, updated = _upsert(con, list(events.values()), imported_at)
        _quarantine(con, rejected, imported_at, QUARANTINE_SOURCE)
    return ImportResult(
        read=len(rows), inserted=inserted, updated=updated, unmatched=unmatched, quarantined=len(rejected)
    )


def store_events(
    con: duckdb.DuckDBPyConnection,
    events: Iterable[Event],
    *,
    read: int,
    rejected: list[tuple[str, str]],
    quarantine_source: str,
    now: datetime | None = None,
) -> ImportResult:
    """Upsert the events of catalogued launches in one transaction; report the others by name.

    A bulk file (a whole leaderboard's history) names hundreds of models we do not follow: their
    events are counted and named in the result, not stored. Rejected rows go to quarantine.
    """
    imported_at = now or datetime.now(timezone.utc)
    unique: dict[str, Event] = {}
    for event in events:
        unique.setdefault(event.event_id, event)
    kept = [event for event in unique.values() if event.launch_key is not None]
    unmatched = sorted({event.model_name for event in unique.values() if event.launch_key is None})
    if unmatched:
        log.info("%d model names match no catalogued launch: %s", len(unmatched), "; ".join(unmatched))
    with transaction(con):
        inserted, updated = _upsert(con, kept, imported_at) if kept else (0, 0)
        _quarantine(con, rejected, imported_at, quarantine_source)
    return ImportResult(
        read=read, inserted=inserted, updated=updated, unmatched=unmatched,
        quarantined=len(rejected), skipped=len(unique) - len(kept),
    )


def _upsert(con: duckdb.DuckDBPyConnection, events: list[Event], imported_at: datetime) -> tuple[int, int]:
    incoming = pa.Table.from_pylist([dict(zip(EVENT_COLUMNS, astuple(e))) for e in events], schema=_schema())
    con.register("incoming_events", incoming)
    try:
        existing = {
            row[0]: row
            for row in con.execute(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM benchmark_events "
                "WHERE event_id IN (SELECT event_id FROM incoming_events)"
            ).fetchall()
        }
        changed = [e for e in events if e.event_id not in existing or existing[e.event_id] != astuple(e)]
        if changed:
            rows = pa.Table.from_pylist(
                [dict(zip(EVENT_COLUMNS, astuple(e)), imported_at=imported_at) for e in changed],
                schema=_schema().append(pa.field("imported_at", pa.timestamp("us", "UTC"))),
            )
            con.register("changed_events", rows)
            try:
                con.execute("INSERT OR REPLACE INTO benchmark_events BY NAME SELECT * FROM changed_events")
            finally:
                con.unregister("changed_events")
    finally:
        con.unregister("incoming_events")
    inserted = sum(1 for e in changed if e.event_id not in existing)
    return inserted, len(changed) - inserted


def _schema() -> pa.Schema:
    return pa.schema(
        [
            pa.field(name, pa.timestamp("us", "UTC") if name == "event_time" else pa.string())
            for name in EVENT_COLUMNS
        ]
    )


def _quarantine(
    con: duckdb.DuckDBPyConnection, rejected: Iterable[tuple[str, str]], at: datetime, source: str
) -> None:
    runs.quarantine(con, None, source, list(rejected), at)