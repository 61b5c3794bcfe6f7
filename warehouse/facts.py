"""The stored, launch-sorted copy of post_facts that impact, T+h, spike and first-post queries read.

post_facts is a view joining posts, their launch links and the current labels on text keys;
at millions of posts that join costs seconds per query. `launch_post_facts` holds its result
sorted by launch and time, so one launch's query reads only that launch's blocks. The daily run
refreshes it after classifying (before detecting spikes and publishing), so the snapshot readers
see always carries a copy as current as its posts and labels.
"""

from __future__ import annotations

import duckdb

from warehouse.db import transaction
from warehouse.sql import load_sql


def refresh(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild launch_post_facts from post_facts; returns its rows."""
    with transaction(con):
        con.execute("DELETE FROM launch_post_facts")
        con.execute(load_sql("refresh_launch_post_facts.sql"))
        return con.execute("SELECT count(*) FROM launch_post_facts").fetchone()[0]
