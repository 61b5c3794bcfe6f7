"""Opening the warehouse and applying its migrations."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or is not in the expected state."""


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file at `path` (":memory:" for tests); a writer also gets migrated."""
    target = str(path)
    if target != ":memory:":
        file = Path(target)
        if read_only and not file.exists():
            raise WarehouseError(
                f"no database at {file}: run `launchwatch run` (or `make demo`) first, "
                "or point LAUNCHWATCH_DB at an existing file"
            )
        if not read_only:
            file.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        raise WarehouseError(
            f"cannot open {target}{' read-only' if read_only else ''}: {exc}. "
            "Another launchwatch process may be writing it (one writer at a time; readers use the "
            "published snapshot), or the file is not a DuckDB database."
        ) from exc
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
    return con


def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every bundled migration, in order."""
    found = []
    for entry in (resources.files("warehouse") / "migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise WarehouseError(f"two migrations share a number: {[name for _, name, _ in found]}")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded, each in its own transaction; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    done = []
    for number, name, sql in migrations():
        if number in applied:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [number, name, datetime.now(timezone.utc)],
            )
        done.append(name)
    return done


def missing_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the bundled migrations `con`'s database has not applied: a read-only copy (a
    snapshot) cannot apply them, so its reader has to say so instead of failing on a missing table."""
    recorded = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()} if recorded else set()
    return [name for number, name, _ in migrations() if number not in applied]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in a transaction, or inside the caller's when one is already open."""
    if _in_transaction(con):
        # The caller's transaction decides commit or rollback for the whole batch.
        yield
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    # Outside an explicit transaction every statement runs in its own, so the id moves on; a
    # failed BEGIN cannot be the probe, as it aborts the caller's transaction.
    ids = [con.execute("SELECT current_transaction_id()").fetchone()[0] for _ in range(2)]
    return ids[0] == ids[1]
