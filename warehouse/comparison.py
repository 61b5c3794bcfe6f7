"""Launches side by side on one clock: hours since each launch's release (T+h)."""

from __future__ import annotations

import duckdb
import pandas as pd

from models.prediction import CLAIMS
from warehouse.timeline import require_launch

METRICS = ("posts", "positive", "neutral", "negative", "negative_share", *CLAIMS)


def compare(
    con: duckdb.DuckDBPyConnection,
    launch_keys: list[str],
    metric: str = "negative_share",
    bucket_hours: int = 6,
    from_hours: int = 0,
    until_hours: int = 168,
) -> pd.DataFrame:
    """`metric` per T+h bucket (rows) and launch (columns), every bucket of the range listed.

    Counts are 0 in a bucket without posts; negative_share is empty there (no posts, no share).
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    if isinstance(bucket_hours, bool) or not isinstance(bucket_hours, int) or bucket_hours < 1:
        raise ValueError(f"bucket_hours must be a positive whole number of hours; got {bucket_hours!r}")
    if from_hours >= until_hours:
        raise ValueError(f"from_hours ({from_hours}) must be before until_hours ({until_hours})")
    if not launch_keys:
        raise ValueError("name at least one launch to compare")
    for key in launch_keys:
        require_launch(con, key)
    # `metric` is one of METRICS, so it is a column name, never caller text.
    # One placeholder per launch: an IN list reaches the table scan, so only those launches' blocks are read.
    marks = ", ".join("?" * len(launch_keys))
    long = con.execute(
        f"SELECT launch_key, t_hours, {metric} AS value FROM relative_timeline(?) "
        f"WHERE launch_key IN ({marks}) AND t_hours >= ? AND t_hours < ?",
        [bucket_hours, *launch_keys, from_hours, until_hours],
    ).fetchdf()
    start = from_hours - from_hours % bucket_hours
    grid = pd.RangeIndex(start, until_hours, bucket_hours, name="t_hours")
    wide = long.pivot(index="t_hours", columns="launch_key", values="value").reindex(index=grid, columns=launch_keys)
    if metric != "negative_share":
        wide = wide.fillna(0).astype("int64")
    wide.columns.name = None
    return wide.reset_index()
