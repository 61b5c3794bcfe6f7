"""Bookkeeping of ingestion: runs, quarantined records and per-source cursors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse.sql import load_sql

SOURCE_STATUS = load_sql("source_status.sql")


@dataclass(frozen=True)
class RunCounts:
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0


def start_run(
    con: duckdb.DuckDBPyConnection,
    source: str,
    launch_key: str | None,
    window: tuple[datetime, datetime],
    started_at: datetime,
) -> int:
    """Record that a source began collecting a window; returns the run id."""
    return con.execute(
        "INSERT INTO ingest_runs (source, launch_key, window_start, window_end, started_at, status) "
        "VALUES (?, ?, ?, ?, ?, 'running') RETURNING run_id",
        [source, launch_key, window[0], window[1], started_at],
    ).fetchone()[0]


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    counts: RunCounts,
    finished_at: datetime,
    error: str | None = None,
) -> None:
    con.execute(
        "UPDATE ingest_runs SET finished_at = ?, fetched = ?, inserted = ?, updated = ?, "
        "quarantined = ?, status = ?, error = ? WHERE run_id = ?",
        [
            finished_at,
            counts.fetched,
            counts.inserted,
            counts.updated,
            counts.quarantined,
            "failed" if error else "ok",
            error,
            run_id,
        ],
    )


def close_interrupted(con: duckdb.DuckDBPyConnection, at: datetime) -> int:
    """Mark runs left 'running' by a process that died as 'interrupted'; returns how many.

    There is one writer at a time, so a run still 'running' when a new run starts is one whose
    process was killed. Its posts were never committed: the load is one transaction.
    """
    rows = con.execute(
        "UPDATE ingest_runs SET status = 'interrupted', finished_at = ?, "
        "error = 'the process stopped before this run finished; nothing of it was loaded' "
        "WHERE status = 'running' RETURNING run_id",
        [at],
    ).fetchall()
    return len(rows)


def quarantine(
    con: duckdb.DuckDBPyConnection,
    run_id: int | None,
    source: str,
    records: list[tuple[Any, str]],
    at: datetime,
) -> int:
    """Keep records that could not be loaded, each with the reason; returns how many failed.

    A record already in quarantine (a rerun, or a second launch's search finding it) is not
    stored twice: the first sighting keeps its run id and reason.
    """
    rows = []
    for payload, reason in records:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        rows.append([run_id, source, text, hashlib.sha256(text.encode("utf-8")).hexdigest(), reason, at])
    if rows:
        con.executemany(
            "INSERT INTO quarantine (run_id, source, payload, payload_sha256, reason, quarantined_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            rows,
        )
    return len(rows)


def get_cursor(con: duckdb.DuckDBPyConnection, source: str, launch_key: str) -> datetime | None:
    row = con.execute(
        "SELECT cursor_at FROM source_cursors WHERE source = ? AND launch_key = ?", [source, launch_key]
    ).fetchone()
    return row[0] if row else None


def advance_cursor(
    con: duckdb.DuckDBPyConnection, source: str, launch_key: str, cursor_at: datetime, at: datetime
) -> None:
    """Move the cursor forward to `cursor_at`; it never moves back (a backfill leaves it alone)."""
    con.execute(
        "INSERT INTO source_cursors VALUES (?, ?, ?, ?) ON CONFLICT (source, launch_key) DO UPDATE SET "
        "cursor_at = greatest(source_cursors.cursor_at, excluded.cursor_at), updated_at = excluded.updated_at",
        [source, launch_key, cursor_at, at],
    )


@dataclass(frozen=True)
class SourceStatus:
    source: str
    launch_key: str | None
    cursor_at: datetime | None  # newest post collected; the next run starts here (less an overlap)
    status: str | None  # of the last run: ok, failed, running, interrupted; None if never run
    started_at: datetime | None
    counts: RunCounts | None
    error: str | None


def source_status(con: duckdb.DuckDBPyConnection) -> list[SourceStatus]:
    """Each source and launch's cursor and last run, ordered by source then launch."""
    return [
        SourceStatus(
            source, launch_key, cursor_at, status, started_at,
            RunCounts(fetched, inserted, updated, quarantined) if status is not None else None, error,
        )
        for source, launch_key, cursor_at, status, started_at, fetched, inserted, updated, quarantined, error
        in con.execute(SOURCE_STATUS).fetchall()
    ]


def set_window(con: duckdb.DuckDBPyConnection, run_id: int, window: tuple[datetime, datetime]) -> None:
    """Record the time span a run covered once it is known (an import learns it from the file)."""
    con.execute("UPDATE ingest_runs SET window_start = ?, window_end = ? WHERE run_id = ?", [window[0], window[1], run_id])
