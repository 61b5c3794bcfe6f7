"""Spikes: hours when a launch's posts, or the posts making one claim, jump above the recent rate.

For each launch and metric (all posts, and each claim type) the hourly counts are compared with
the mean of the `baseline_hours` hours before (empty hours count as 0). An hour is a spike when
its count is at least `min_count` and at least `threshold` times that mean. An hour is compared
only once a full trailing window of the launch's posts exists, so the first burst of a launch
(no baseline yet) is not an alert. Detection replaces the `alerts` table: it is recomputed from
all posts at the end of every run (after classification, before publishing) and by
`launchwatch alerts --detect`, so a late-collected post or a new classifier version is reflected.
It reads launch_post_facts, so refresh that first (warehouse/facts.py; flows.steps.analyze does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pandas as pd

from warehouse.db import transaction
from warehouse.sql import load_sql

ALERT_COLUMNS = ("launch_key", "metric", "hour", "count", "baseline", "ratio", "top_posts")


@dataclass(frozen=True)
class SpikeRule:
    threshold: float = 3.0  # count must be at least this many times the trailing mean
    baseline_hours: int = 24  # length of the trailing window
    min_count: int = 5  # and at least this many posts, so 1 -> 3 posts is no spike
    top_posts: int = 3  # posts kept with each alert

    def __post_init__(self):
        if not self.threshold > 1:
            raise ValueError(f"threshold must be above 1 (a multiple of the baseline); got {self.threshold}")
        for name in ("baseline_hours", "min_count", "top_posts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive whole number; got {value!r}")


def detect(con: duckdb.DuckDBPyConnection, rule: SpikeRule = SpikeRule(), now: datetime | None = None) -> int:
    """Recompute the alerts table under `rule`; returns how many spikes were found."""
    with transaction(con):
        con.execute("DELETE FROM alerts")
        con.execute(
            load_sql("detect_alerts.sql"),
            {
                "threshold": rule.threshold,
                "baseline_hours": rule.baseline_hours,
                "min_count": rule.min_count,
                "top_posts": rule.top_posts,
                "now": now or datetime.now(timezone.utc),
            },
        )
        return con.execute("SELECT count(*) FROM alerts").fetchone()[0]


def alerts(con: duckdb.DuckDBPyConnection, launch_key: str | None = None) -> pd.DataFrame:
    """The alerts, newest hour first (of one launch when given)."""
    return con.execute(
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE ? IS NULL OR launch_key = ? "
        "ORDER BY hour DESC, launch_key, metric",
        [launch_key, launch_key],
    ).fetchdf()
