"""Storing classifier output, one row per post and model version."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Sequence

import duckdb
import pandas as pd

from models.prediction import Prediction
from warehouse.sql import load_sql

UNCLASSIFIED = load_sql("unclassified_posts.sql")


def unclassified(
    con: duckdb.DuckDBPyConnection, model_id: str, model_version: str, *, all_posts: bool = False
) -> list[tuple[str, str, str | None]]:
    """(post_id, text, target) of launch-linked posts that this model version has not labelled
    yet; `target` names the model the post is about when it is linked to one launch (its one
    variant's name, else the launch's), None otherwise.

    `all_posts` includes posts matched to no launch (a reclassification of the whole history).
    """
    return con.execute(UNCLASSIFIED, [model_id, model_version, all_posts]).fetchall()


def save_predictions(
    con: duckdb.DuckDBPyConnection,
    post_ids: Sequence[str],
    predictions: Sequence[Prediction],
    classified_at: datetime,
) -> int:
    """Store predictions (replacing this version's earlier rows for the same posts); returns how many."""
    if len(post_ids) != len(predictions):
        raise ValueError(f"got {len(post_ids)} post ids for {len(predictions)} predictions")
    if not predictions:
        return 0
    frame = pd.DataFrame(
        {
            "post_id": list(post_ids),
            "model_id": [p.model_id for p in predictions],
            "model_version": [p.model_version for p in predictions],
            "sentiment": [p.sentiment for p in predictions],
            "claims": [list(p.claims) for p in predictions],
            "scores": [json.dumps(p.scores) for p in predictions],
            "evidence": [json.dumps(p.evidence, ensure_ascii=False) for p in predictions],
            "classified_at": pd.to_datetime([classified_at] * len(predictions), utc=True),
        }
    )
    con.register("incoming_predictions", frame)
    try:
        con.execute(
            "INSERT OR REPLACE INTO classifications BY NAME "
            "SELECT * REPLACE (scores::JSON AS scores, evidence::JSON AS evidence, claims::VARCHAR[] AS claims) "
            "FROM incoming_predictions"
        )
    finally:
        con.unregister("incoming_predictions")
    return len(frame)


def activate(con: duckdb.DuckDBPyConnection, model_id: str, model_version: str, at: datetime) -> bool:
    """Make this version the one the timeline reads, if it is not already; True when it changed."""
    current = con.execute(
        "SELECT model_id, model_version FROM classifier_versions ORDER BY activated_at DESC LIMIT 1"
    ).fetchone()
    if current == (model_id, model_version):
        return False
    con.execute(
        "INSERT INTO classifier_versions VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET activated_at = excluded.activated_at",
        [model_id, model_version, at],
    )
    return True
