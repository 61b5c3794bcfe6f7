"""What every page of the dashboard shares: the snapshot connection, the sidebar filters and the
time of the data.

The dashboard reads only the published snapshot, read-only, so it never blocks the writer and
never sees half a run. Publishing renames a new file over the snapshot, so the file's inode and
modification time tell when a newer one is there: the next rerun of any page opens it, and the
old connection keeps reading the old file until it is dropped.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from dashboards.charts import CLAIM_TITLES
from warehouse import dashboard as wd
from warehouse import snapshot
from warehouse.db import missing_migrations

DB_ENV = "LAUNCHWATCH_DB"

_lock = threading.Lock()
_open: dict[Path, tuple[tuple[int, int, int], duckdb.DuckDBPyConnection]] = {}


class NoData(RuntimeError):
    """The dashboard has nothing to read; the message says how to fix that."""


@dataclass(frozen=True)
class Context:
    con: duckdb.DuckDBPyConnection
    snapshot: Path
    published_at: datetime | None
    launch: str
    launch_name: str
    facets: dict[str, Any]
    where: wd.PostFilter


def database_path() -> Path:
    value = os.environ.get(DB_ENV)
    if not value:
        raise NoData(
            f"{DB_ENV} is not set, so the dashboard does not know which warehouse to read. "
            "Start it with `launchwatch dashboard` (which sets it from --db or LAUNCHWATCH_DB), "
            f"or set {DB_ENV} to the warehouse file whose published snapshot it should show."
        )
    return Path(value)


def connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on the current published snapshot of `db_path` (reopened when a newer one appears)."""
    target = snapshot.snapshot_path(db_path)
    if not target.exists():
        snapshot.open_snapshot(db_path).close()  # raises the WarehouseError that says how to publish one
    stat = target.stat()
    identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    with _lock:
        held = _open.get(target)
        if held is None or held[0] != identity:
            if held is not None:
                # DuckDB shares one database instance per path within a process: while the old
                # connection lives, opening the path again would return the old file's instance.
                # Closing it also closes the cursors of reruns still holding it.
                held[1].close()
            con = snapshot.open_snapshot(db_path)
            missing = missing_migrations(con)
            if missing:
                con.close()
                raise NoData(
                    f"The snapshot {target} was published by an older launchwatch: it lacks the tables "
                    f"of migrations {', '.join(missing)}, and a read-only snapshot cannot be migrated. "
                    "Run `launchwatch run` or `make demo` (any command that publishes) to republish it "
                    "with this version's tables."
                )
            # Read-only already; also keep the dashboard's connection away from every other file.
            con.execute("SET enable_external_access = false")
            _open[target] = (identity, con)
            held = _open[target]
        # One cursor per rerun: a DuckDB connection must not be used by two threads at once,
        # and each browser session reruns in its own thread.
        return held[1].cursor()


def context() -> Context:
    """The connection and filters the app set up for this rerun (see dashboards/app.py)."""
    return st.session_state["_context"]


def sidebar(con: duckdb.DuckDBPyConnection, snapshot_file: Path) -> Context:
    """Draw the shared sidebar (data time, launch, filters) and return this rerun's context."""
    published_at = wd.snapshot_time(con)
    st.sidebar.markdown(f"**Snapshot published:** {when(published_at)}")
    st.sidebar.caption(f"Reading {snapshot_file.name} (read-only). A newer snapshot is picked up on the next click.")
    launches = wd.launches(con)
    if launches.empty:
        raise NoData("The snapshot has no launches: run `launchwatch run` (or `make demo`) to write the catalogue and collect posts.")
    names = dict(zip(launches["launch_key"], launches["name"]))
    counts = dict(zip(launches["launch_key"], launches["posts"]))
    launch = st.sidebar.selectbox(
        "Launch", list(names), key="launch", format_func=lambda key: f"{names[key]} ({counts[key]:,} posts)"
    )
    facets = wd.facets(con, launch)
    st.sidebar.subheader("Filters")
    platforms = st.sidebar.multiselect("Platform", facets["platforms"], key=f"platforms:{launch}", placeholder="all platforms")
    langs = st.sidebar.multiselect("Language", facets["langs"], key=f"langs:{launch}", placeholder="all languages")
    claims = st.sidebar.multiselect(
        "Claim type", list(CLAIM_TITLES), key=f"claims:{launch}", format_func=CLAIM_TITLES.get,
        placeholder="any post (no claim filter)",
    )
    since, until = _date_range(facets, launch)
    where = wd.PostFilter(
        platforms=tuple(platforms) or None,
        langs=tuple(langs) or None,
        claims=tuple(claims) or None,
        since=since,
        until=until,
    )
    return Context(con, snapshot_file, published_at, launch, names[launch], facets, where)


def _date_range(facets: dict[str, Any], launch: str) -> tuple[datetime | None, datetime | None]:
    first, last = facets["first_post"], facets["last_post"]
    if first is None:
        return None, None
    first_day, last_day = _utc_day(first), _utc_day(last)
    chosen = st.sidebar.date_input(
        "Date range (UTC)", value=(first_day, last_day), min_value=first_day, max_value=last_day,
        key=f"dates:{launch}",
    )
    # While a range is being picked the widget holds only its start: filter from it on.
    days = tuple(chosen) if isinstance(chosen, (tuple, list)) else (chosen,)
    if not days:
        return None, None
    since = datetime.combine(days[0], time(), timezone.utc)
    until = datetime.combine(days[-1] + timedelta(days=1), time(), timezone.utc) if len(days) > 1 else None
    return since, until


def _utc_day(value: datetime) -> date:
    return value.astimezone(timezone.utc).date()


def when(value: Any) -> str:
    """A time as `YYYY-MM-DD HH:MM UTC` (or 'unknown')."""
    if value is None:
        return "unknown"
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return f"{stamp.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
