"""Queries behind the timeline chart, the CLI and the report; each returns plain pandas/dicts.

Buckets are UTC. `posts` counts every post linked to the launch; sentiment counts, claim counts
and negative_share count only posts the current classifier has labelled, so a backlog of
unclassified posts shows as volume without skewing the shares. Events are placed in the bucket
of their `event_time`, which for a date- or month-precision event is the start of that period.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from models.prediction import CLAIMS
from warehouse.catalogue import UnknownLaunch

COUNT_COLUMNS = ("posts", "positive", "neutral", "negative")
TIMELINE_COLUMNS = ("bucket", *COUNT_COLUMNS, "negative_share", *CLAIMS, "events")
EVENT_COLUMNS = (
    "event_id", "event_time", "time_precision", "kind", "model_name", "variant_key", "source",
    "value", "url", "note", "label",
)
TOP_POST_COLUMNS = (
    "claim", "post_id", "url", "platform", "author", "title", "text", "created_at", "score",
    "replies", "sentiment", "claim_score", "evidence", "model_version",
)
# The only way a caller's `bucket` reaches SQL: a fixed view name and pandas frequency.
BUCKETS = {
    "day": {"all": "timeline_day_all", "platform": "timeline_day", "freq": "D"},
    "hour": {"all": "timeline_hour_all", "platform": "timeline_hour", "freq": "h"},
}


def timeline(
    con: duckdb.DuckDBPyConnection, launch_key: str, bucket: str = "day", platform: str | None = None
) -> pd.DataFrame:
    """Counts per UTC bucket from the first to the last post, empty buckets included."""
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {', '.join(map(repr, BUCKETS))}; got {bucket!r}")
    require_launch(con, launch_key)
    shape = BUCKETS[bucket]
    measures = ", ".join(TIMELINE_COLUMNS[:-1])
    if platform is None:
        counts = con.execute(
            f"SELECT {measures} FROM {shape['all']} WHERE launch_key = ? AND posts > 0", [launch_key]
        ).fetchdf()
    else:
        counts = con.execute(
            f"SELECT {measures} FROM {shape['platform']} WHERE launch_key = ? AND platform = ?",
            [launch_key, platform],
        ).fetchdf()
    if counts.empty:
        return empty_timeline()
    labels = con.execute(
        "SELECT bucket, events FROM event_buckets(?) WHERE launch_key = ?", [bucket, launch_key]
    ).fetchdf()
    return fill_buckets(counts, labels, shape["freq"])


def fill_buckets(counts: pd.DataFrame, labels: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Every bucket from the first to the last of `counts`, empty ones as 0, with the event labels."""
    counts = counts.set_index(_utc(counts["bucket"])).drop(columns="bucket")
    span = pd.date_range(counts.index.min(), counts.index.max(), freq=freq, name="bucket")
    frame = counts.reindex(span)
    for name in (*COUNT_COLUMNS, *CLAIMS):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["negative_share"] = frame["negative_share"].astype("float64")
    events = pd.Series(labels["events"].to_numpy(), index=_utc(labels["bucket"]), dtype="object")
    frame["events"] = events.reindex(span).fillna("").astype("object")
    return frame.reset_index()[list(TIMELINE_COLUMNS)]


def empty_timeline() -> pd.DataFrame:
    """A timeline with no buckets, in the columns and dtypes of a full one."""
    return pd.DataFrame({name: pd.Series(dtype=_dtype(name)) for name in TIMELINE_COLUMNS})


def _utc(values: pd.Series) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("ns")


def _dtype(name: str) -> str:
    if name == "bucket":
        return "datetime64[ns, UTC]"
    if name == "negative_share":
        return "float64"
    return "object" if name == "events" else "int64"


def events(con: duckdb.DuckDBPyConnection, launch_key: str) -> pd.DataFrame:
    """The launch's benchmark events in time order."""
    require_launch(con, launch_key)
    return con.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM benchmark_events WHERE launch_key = ? "
        "ORDER BY event_time, event_id",
        [launch_key],
    ).fetchdf()


def top_posts(con: duckdb.DuckDBPyConnection, launch_key: str, per_claim: int = 5) -> pd.DataFrame:
    """Up to `per_claim` posts per claim, highest claim score first, then highest post score."""
    if isinstance(per_claim, bool) or not isinstance(per_claim, int) or per_claim < 1:
        raise ValueError(f"per_claim must be a positive integer; got {per_claim!r}")
    require_launch(con, launch_key)
    frame = con.execute("SELECT * FROM top_claim_posts(?, ?)", [launch_key, per_claim]).fetchdf()
    return frame[list(TOP_POST_COLUMNS)]


def launch_info(con: duckdb.DuckDBPyConnection, launch_key: str) -> dict:
    """key, name, organization and released_at of a catalogued launch."""
    require_launch(con, launch_key)
    cursor = con.execute(
        "SELECT launch_key AS key, name, organization, released_at FROM launches WHERE launch_key = ?",
        [launch_key],
    )
    return _row_dict(cursor)


def launch_summary(con: duckdb.DuckDBPyConnection, launch_key: str) -> dict:
    """Totals for a launch: posts, first/last post, claim and sentiment counts, model_version, data_time."""
    require_launch(con, launch_key)
    return _row_dict(con.execute("SELECT * FROM launch_totals(?)", [launch_key]))


def _row_dict(cursor: duckdb.DuckDBPyConnection) -> dict:
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone()))


def require_launch(con: duckdb.DuckDBPyConnection, launch_key: str) -> None:
    known = [row[0] for row in con.execute("SELECT launch_key FROM launches ORDER BY launch_key").fetchall()]
    if launch_key not in known:
        raise UnknownLaunch(launch_key, known)
