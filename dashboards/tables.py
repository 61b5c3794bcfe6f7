"""Event-impact and alert tables for reading, shared by the CLI and the dashboard, so a
journalist sees in the browser exactly what `launchwatch events impact` and `alerts` print."""

from __future__ import annotations

import math

import pandas as pd


def _bound(value: float) -> str:
    return "∞" if math.isinf(value) else f"{value:.2f}"


def _interval(low, high) -> str:
    if low is None or high is None or (isinstance(low, float) and math.isnan(low)):
        return ""
    return f"[{_bound(low)}, {_bound(high)}]"


def impact_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Event impact for reading: counts as counts, shares with their intervals, change with its CI."""
    rows = []
    for row in frame.itertuples(index=False):
        if row.metric == "negative_share":
            before = "" if pd.isna(row.before) else f"{row.before:.2f} {_interval(row.before_low, row.before_high)}"
            after = "" if pd.isna(row.after) else f"{row.after:.2f} {_interval(row.after_low, row.after_high)}"
            change = "" if pd.isna(row.change) else f"{row.change:+.2f}"
        else:
            before, after = f"{row.before:.0f}", f"{row.after:.0f}"
            change = "" if pd.isna(row.change) else f"×{_bound(row.change)}"
        rows.append(
            {
                "event_time": row.event_time,
                "event": row.label,
                "metric": row.metric,
                "before": before,
                "after": after,
                "change": change,
                "95% CI": _interval(row.change_low, row.change_high),
                "collected": "both windows" if row.covered else "partly",
            }
        )
    return pd.DataFrame(rows, columns=["event_time", "event", "metric", "before", "after", "change", "95% CI", "collected"])


def alerts_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Alerts for reading: the spike and the links of its top posts."""
    table = frame[["hour", "launch_key", "metric", "count", "baseline", "ratio"]].copy()
    table["ratio"] = [_bound(value) for value in frame["ratio"]]
    table["top posts"] = [" ".join(post["url"] for post in posts) for posts in frame["top_posts"]]
    return table
