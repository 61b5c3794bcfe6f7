"""Upserting posts and their raw payloads."""

from __future__ import annotations

import json
from dataclasses import astuple
from datetime import datetime
from typing import Sequence

import duckdb
import pandas as pd

from extractors.post import POST_COLUMNS, Post, RawItem
from warehouse.sql import load_sql

UPSERT_POSTS = load_sql("upsert_posts.sql")
UPSERT_RAW = load_sql("upsert_raw_items.sql")
FORGET_DELETED_EVIDENCE = load_sql("forget_deleted_evidence.sql")


def posts_frame(posts: Sequence[Post]) -> pd.DataFrame:
    """The posts as a DataFrame whose columns are the Post fields, in order."""
    frame = pd.DataFrame([astuple(post) for post in posts], columns=list(POST_COLUMNS))
    for column in ("created_at", "collected_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("score", "replies"):
        frame[column] = frame[column].astype("Int64")
    return frame


def upsert_posts(
    con: duckdb.DuckDBPyConnection, posts: Sequence[Post], raws: Sequence[RawItem]
) -> tuple[int, int]:
    """Insert new posts, refresh engagement and last_seen_at of known ones; (inserted, updated).

    `raws[i]` is the payload `posts[i]` came from. Duplicates within the batch keep the last
    sighting. The caller owns the transaction, so a failed run writes nothing.
    """
    if len(posts) != len(raws):
        raise ValueError(f"upsert_posts needs one raw item per post, got {len(posts)} posts and {len(raws)} raw items")
    if not posts:
        return 0, 0
    latest = {post.post_id: index for index, post in enumerate(posts)}
    kept = sorted(latest.values())
    frame = posts_frame([posts[i] for i in kept])
    raw_frame = pd.DataFrame(
        {
            "post_id": [posts[i].post_id for i in kept],
            "source": [raws[i].source for i in kept],
            "query": [raws[i].query for i in kept],
            "fetched_at": pd.to_datetime([raws[i].fetched_at for i in kept], utc=True),
            "payload": [json.dumps(raws[i].payload, ensure_ascii=False, default=str) for i in kept],
        }
    )
    con.register("incoming_posts", frame)
    con.register("incoming_raw", raw_frame)
    try:
        known = con.execute(
            "SELECT count(*) FROM incoming_posts i JOIN posts p USING (post_id)"
        ).fetchone()[0]
        con.execute(UPSERT_POSTS)
        con.execute(UPSERT_RAW)
        con.execute(FORGET_DELETED_EVIDENCE)
    finally:
        con.unregister("incoming_posts")
        con.unregister("incoming_raw")
    return len(kept) - known, known


def known_threads(
    con: duckdb.DuckDBPyConnection, launch_key: str, source: str, since: datetime
) -> list[str]:
    """Native ids of thread roots from `source` about the launch, started at or after `since`.

    Their new comments are fetched on each run even when the comments never name the model.
    """
    rows = con.execute(
        "SELECT p.native_id FROM posts p JOIN post_launches pl USING (post_id) "
        "WHERE pl.launch_key = ? AND p.source = ? AND p.thread_id IS NULL AND p.created_at >= ? "
        "ORDER BY p.created_at",
        [launch_key, source, since],
    ).fetchall()
    return [row[0] for row in rows]


def linked_roots(con: duckdb.DuckDBPyConnection, platform: str) -> list[tuple[str, str]]:
    """(post_id, native_id) of the thread roots from `platform` that are about some launch.

    An archive import keeps the replies in these threads even when a reply never names the model.
    """
    rows = con.execute(
        "SELECT DISTINCT p.post_id, p.native_id FROM posts p JOIN post_launches pl USING (post_id) "
        "WHERE p.platform = ? AND p.thread_id IS NULL ORDER BY p.post_id",
        [platform],
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def stored_post_ids(con: duckdb.DuckDBPyConnection, post_ids: Sequence[str]) -> set[str]:
    """Which of `post_ids` the warehouse holds."""
    if not post_ids:
        return set()
    rows = con.execute("SELECT post_id FROM posts WHERE post_id IN (SELECT unnest(?))", [list(post_ids)]).fetchall()
    return {row[0] for row in rows}
