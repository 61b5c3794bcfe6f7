"""Queries behind the dashboard: filtered timelines, the posts table with search, facets, and
what the About page says about the data.

Every query reads the snapshot the dashboard has open and takes the user's choices only as bound
parameters. The filtered timelines and the posts table read `launch_post_facts` (stored sorted by
launch and time), so one launch's queries scan only its row groups, and they read the labels of
the active classifier version only, as the rest of the warehouse does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

from models.prediction import CLAIMS
from warehouse import timeline as wt
from warehouse.sql import load_sql

RELATIVE_COLUMNS = ("t_hours", *wt.TIMELINE_COLUMNS[1:-1])
POST_COLUMNS = (
    "post_id", "created_at", "platform", "lang", "author", "title", "text", "url", "score", "replies",
    "sentiment", "claims", "evidence", "model_version",
)
# The only ways a caller's sort choice reaches SQL: fixed ORDER BY clauses. post_id breaks ties
# so pages never overlap.
POST_ORDERS = {
    "newest": "created_at DESC, post_id",
    "oldest": "created_at, post_id",
    "score": "score DESC NULLS LAST, created_at, post_id",
}
MAX_PAGE = 500


@dataclass(frozen=True)
class PostFilter:
    """Which of a launch's posts to count or list. None means no restriction."""

    platforms: tuple[str, ...] | None = None
    langs: tuple[str, ...] | None = None
    claims: tuple[str, ...] | None = None  # posts making at least one of these claims
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive

    def __post_init__(self):
        if self.claims is not None:
            unknown = [c for c in self.claims if c not in CLAIMS]
            if unknown:
                raise ValueError(f"unknown claim type {', '.join(map(repr, unknown))}; expected some of {', '.join(CLAIMS)}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be a timezone-aware UTC time; got {value!r}")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError(f"since ({self.since:%Y-%m-%d %H:%M}) must be before until ({self.until:%Y-%m-%d %H:%M})")

    def params(self, launch_key: str) -> dict[str, Any]:
        # An empty selection is passed as an empty list, which matches nothing (not "all").
        return {
            "launch": launch_key,
            "platforms": None if self.platforms is None else list(self.platforms),
            "langs": None if self.langs is None else list(self.langs),
            "claims": None if self.claims is None else list(self.claims),
            "since": self.since,
            "until": self.until,
        }


def snapshot_time(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the snapshot `con` reads was published (None for a database never published)."""
    row = con.execute("SELECT max(published_at) FROM snapshot_info").fetchone()
    return row[0] if row else None


def launches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Catalogued launches with their post counts, the most discussed first."""
    # Counted before the join: grouping the million fact rows by key alone is the cheap part.
    return con.execute(
        "SELECT l.launch_key, l.name, l.organization, l.released_at, coalesce(n.posts, 0) AS posts FROM launches l "
        "LEFT JOIN (SELECT launch_key, count(*) AS posts FROM launch_post_facts GROUP BY launch_key) n USING (launch_key) "
        "ORDER BY posts DESC, l.released_at DESC, l.launch_key"
    ).fetchdf()


def facets(con: duckdb.DuckDBPyConnection, launch_key: str) -> dict[str, Any]:
    """platforms, langs (lists), first_post, last_post and posts of a launch."""
    wt.require_launch(con, launch_key)
    cursor = con.execute(load_sql("dashboard_facets.sql"), {"launch": launch_key})
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone()))


def filtered_timeline(
    con: duckdb.DuckDBPyConnection, launch_key: str, bucket: str = "day", where: PostFilter = PostFilter()
) -> pd.DataFrame:
    """Counts per UTC bucket (the columns of warehouse.timeline.timeline) for the filtered posts,
    every bucket from the first to the last included, with the events of each bucket."""
    if bucket not in wt.BUCKETS:
        raise ValueError(f"bucket must be one of {', '.join(map(repr, wt.BUCKETS))}; got {bucket!r}")
    wt.require_launch(con, launch_key)
    counts = _counts(con, launch_key, where, unit=bucket).drop(columns="t_hours")
    if counts.empty:
        return wt.empty_timeline()
    labels = con.execute(
        "SELECT bucket, events FROM event_buckets(?) WHERE launch_key = ?", [bucket, launch_key]
    ).fetchdf()
    return wt.fill_buckets(counts, labels, wt.BUCKETS[bucket]["freq"])


def relative_timeline(
    con: duckdb.DuckDBPyConnection, launch_key: str, bucket_hours: int = 6, where: PostFilter = PostFilter()
) -> pd.DataFrame:
    """Counts per bucket of hours since release (t_hours), every bucket between the first and the
    last post included (0 posts, no share)."""
    if isinstance(bucket_hours, bool) or not isinstance(bucket_hours, int) or bucket_hours < 1:
        raise ValueError(f"bucket_hours must be a positive whole number of hours; got {bucket_hours!r}")
    wt.require_launch(con, launch_key)
    counts = _counts(con, launch_key, where, bucket_hours=bucket_hours).drop(columns="bucket")
    if counts.empty:
        return pd.DataFrame({name: pd.Series(dtype="float64" if name == "negative_share" else "int64") for name in RELATIVE_COLUMNS})
    grid = pd.RangeIndex(int(counts["t_hours"].min()), int(counts["t_hours"].max()) + bucket_hours, bucket_hours, name="t_hours")
    frame = counts.set_index("t_hours").reindex(grid)
    for name in RELATIVE_COLUMNS[1:]:
        if name != "negative_share":
            frame[name] = frame[name].fillna(0).astype("int64")
    frame["negative_share"] = frame["negative_share"].astype("float64")
    return frame.reset_index()[list(RELATIVE_COLUMNS)]


def _counts(
    con: duckdb.DuckDBPyConnection, launch_key: str, where: PostFilter, unit: str | None = None,
    bucket_hours: int | None = None,
) -> pd.DataFrame:
    """The filtered posts counted per UTC `unit` bucket, or per `bucket_hours` since release."""
    params = {**where.params(launch_key), "unit": unit, "bucket_hours": bucket_hours}
    return con.execute(load_sql("dashboard_counts.sql"), params).fetchdf()


def relative_events(con: duckdb.DuckDBPyConnection, launch_key: str) -> pd.DataFrame:
    """The launch's events (the columns of warehouse.timeline.events) with hours_since_release."""
    wt.require_launch(con, launch_key)
    return con.execute(
        f"SELECT {', '.join(wt.EVENT_COLUMNS)}, hours_since_release FROM events_relative "
        "WHERE launch_key = ? ORDER BY event_time, event_id",
        [launch_key],
    ).fetchdf()


def search_pattern(words: str | None) -> str | None:
    """An ILIKE pattern matching `words` literally anywhere (None for no search)."""
    text = (words or "").strip()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def posts(
    con: duckdb.DuckDBPyConnection,
    launch_key: str,
    where: PostFilter = PostFilter(),
    search: str | None = None,
    order: str = "newest",
    limit: int = 50,
    offset: int = 0,
) -> tuple[pd.DataFrame, int]:
    """One page of the filtered posts whose title or text contains `search` (case-insensitive),
    and how many posts match on all pages."""
    wt.require_launch(con, launch_key)
    if order not in POST_ORDERS:
        raise ValueError(f"order must be one of {', '.join(map(repr, POST_ORDERS))}; got {order!r}")
    for name, value, low, high in (("limit", limit, 1, MAX_PAGE), ("offset", offset, 0, None)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ValueError(f"{name} must be a whole number {bound}; got {value!r}")
    frame = con.execute(
        load_sql("dashboard_posts.sql").replace("{order}", POST_ORDERS[order]),
        {**where.params(launch_key), "pattern": search_pattern(search), "limit": limit, "offset": offset},
    ).fetchdf()
    total = int(frame["matches"].iloc[0]) if len(frame) else _count_beyond_page(con, launch_key, where, search, offset)
    frame["evidence"] = [json.loads(value) if isinstance(value, str) else {} for value in frame["evidence"]]
    frame["claims"] = [list(value) if value is not None and not _missing(value) else [] for value in frame["claims"]]
    return frame[list(POST_COLUMNS)], total


def _count_beyond_page(
    con: duckdb.DuckDBPyConnection, launch_key: str, where: PostFilter, search: str | None, offset: int
) -> int:
    # A page past the end has no row to carry the total; ask for the first page's instead.
    if offset == 0:
        return 0
    return posts(con, launch_key, where, search, limit=1, offset=0)[1]


def _missing(value: Any) -> bool:
    return isinstance(value, float) and pd.isna(value)


def post_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Posts per platform and language: all, linked to a launch, labelled by the active classifier."""
    return con.execute(load_sql("dashboard_post_counts.sql")).fetchdf()


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """The latest ingest runs, newest first."""
    return con.execute(load_sql("dashboard_runs.sql"), {"limit": limit}).fetchdf()


def active_classifier(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """model_id, model_version and activated_at of the version the timeline reads, and how many
    posts it has labelled; None before any classification."""
    row = con.execute(
        "SELECT v.model_id, v.model_version, v.activated_at, "
        "(SELECT count(*) FROM current_classifications) AS labelled "
        "FROM classifier_versions v ORDER BY v.activated_at DESC, v.model_id, v.model_version LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("model_id", "model_version", "activated_at", "labelled"), row))


def model_card(model_id: str, model_version: str) -> dict[str, Any] | None:
    """The bundled model card (models/artifacts/<id>-<version>/model_card.json) of a classifier
    version, or None when that version is not bundled with this install."""
    card = resources.files("models") / "artifacts" / f"{model_id}-{model_version}" / "model_card.json"
    if not card.is_file():
        return None
    return json.loads(card.read_text(encoding="utf-8"))
