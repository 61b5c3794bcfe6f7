"""The published snapshot: a read-only copy of the warehouse for dashboards and ad-hoc SQL.

DuckDB lets one process write a file, and no other process may open it meanwhile, not even
read-only. So the writer publishes a copy at the end of each run; readers open the copy. The copy
is written beside the target and renamed over it, so a reader sees the old snapshot or the new
one, never half of one.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse import facts
from warehouse.db import WarehouseError, connect


def snapshot_path(db_path: str | Path) -> Path:
    """Where the snapshot of the database at `db_path` is published."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}.snapshot{path.suffix or '.duckdb'}")


def publish(con: duckdb.DuckDBPyConnection, db_path: str | Path, published_at: datetime) -> Path:
    """Rebuild launch_post_facts, checkpoint the writer's database and atomically replace the
    snapshot with a copy of it."""
    source = Path(db_path)
    if str(db_path) == ":memory:":
        raise WarehouseError("an in-memory warehouse cannot be published: give a database file path")
    # The timeline and event queries read this stored copy, not the posts and labels it comes
    # from; rebuilding it here keeps every publishing path (run, import, events import, alerts
    # --detect) from shipping a copy older than the posts beside it.
    facts.refresh(con)
    con.execute("DELETE FROM snapshot_info")
    con.execute("INSERT INTO snapshot_info VALUES (?)", [published_at])
    # After a checkpoint the file alone holds every committed change (the WAL is empty), and this
    # process is the only writer, so a byte copy is a consistent database.
    con.execute("CHECKPOINT")
    target = snapshot_path(source)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    return target


def open_snapshot(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the published snapshot of `db_path` read-only."""
    target = snapshot_path(db_path)
    if not target.exists():
        raise WarehouseError(
            f"no published snapshot at {target}: run `launchwatch run` (or `make demo`) to collect "
            "and publish, or set LAUNCHWATCH_DB to the database you meant"
        )
    return connect(target, read_only=True)
