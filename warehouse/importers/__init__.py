"""Importers of benchmark and leaderboard files into benchmark_events, one module per source.

Each `read(path, catalogue)` is pure over its files: it returns the events (resolved to launches
and variants through the catalogue), the number of rows read and the rows it rejected with their
reasons. `import_source` stores them in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from warehouse import events
from warehouse.catalogue import Catalogue
from warehouse.importers import aider, arena_catalog, epoch, livebench, lmarena

READERS = {
    "aider": aider.read,
    "lmarena": lmarena.read,
    "arena-catalog": arena_catalog.read,
    "livebench": livebench.read,
    "epoch": epoch.read,
}
SOURCES = (*READERS, "timeline")
# The files bundled under warehouse/events_data/ that `make demo` imports (see its ORIGIN.md).
BUNDLED = {
    "timeline": "llama4_april2025_event_timeline.csv",
    "aider": "aider",
    "lmarena": "lmarena/fboulnois_lmsys_text_leaderboard_history_2025-03_2025-05.csv",
    "arena-catalog": "arena_catalog/arena_catalog_full_text_ratings_history_2025-03_2025-05.csv",
    "livebench": "livebench/livebench_model_added_dates_2025-03_2025-05.csv",
    "epoch": "epoch_ai/benchmarks_runs.csv",
}


def import_source(
    con: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    source: str,
    path: str | Path,
    *,
    now: datetime | None = None,
) -> events.ImportResult:
    """Import one source's file (or folder, for aider) into benchmark_events; idempotent."""
    if source == "timeline":
        return events.import_timeline(con, catalogue, path, now=now)
    if source not in READERS:
        raise ValueError(f"unknown event source {source!r}; expected one of {', '.join(SOURCES)}")
    found, read, rejected = READERS[source](Path(path), catalogue)
    return events.store_events(
        con, found, read=read, rejected=rejected, quarantine_source=f"events:{source}", now=now
    )
