"""Event impact: what people posted in the hours before and after each benchmark event.

Reads the `event_impact(launch, window_hours)` macro (migration 004), which documents the
statistics: rate ratios of counts with a conditional-binomial Wilson interval, negative share
per window with Wilson intervals and the difference with Newcombe's interval.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from models.prediction import CLAIMS
from warehouse.timeline import require_launch

METRICS = ("posts", "negative_share", *CLAIMS)
IMPACT_COLUMNS = (
    "event_time", "time_precision", "kind", "label", "covered", "metric", "before", "after",
    "before_low", "before_high", "after_low", "after_high", "change_kind", "change", "change_low", "change_high",
)


def impact(
    con: duckdb.DuckDBPyConnection,
    launch_key: str,
    window_hours: int = 24,
    metrics: tuple[str, ...] = METRICS,
) -> pd.DataFrame:
    """One row per event of the launch and metric, in time order."""
    require_launch(con, launch_key)
    if isinstance(window_hours, bool) or not isinstance(window_hours, int) or window_hours < 1:
        raise ValueError(f"the window must be a positive whole number of hours; got {window_hours}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric {', '.join(unknown)}; expected some of {', '.join(METRICS)}")
    return con.execute(
        f"SELECT {', '.join(IMPACT_COLUMNS)} FROM event_impact(?, ?) WHERE list_contains(?, metric) "
        "ORDER BY event_time, label, ord",
        [launch_key, window_hours, list(metrics)],
    ).fetchdf()
