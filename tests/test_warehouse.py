"""Warehouse core: migrations, the posts schema, upserts, runs, quarantine, cursors, snapshots."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from extractors.post import POST_COLUMNS, Post, RawItem
from models.prediction import Prediction
from warehouse import classifications, runs, snapshot
from warehouse.db import WarehouseError, connect, migrate, migrations
from warehouse.posts import known_threads, upsert_posts

T0 = datetime(2025, 4, 6, 12, 0, tzinfo=timezone.utc)


def make_post(native_id: str, **changes) -> Post:
    post = Post(
        post_id=f"hackernews:{native_id}",
        platform="hackernews",
        native_id=native_id,
        url=f"https://news.ycombinator.com/item?id={native_id}",
        source="hackernews",
        thread_id=None,
        parent_id=None,
        author="someone",
        title="Llama 4 is out",
        text="Meta released Llama 4 Scout and Maverick.",
        lang="en",
        created_at=T0,
        collected_at=T0 + timedelta(hours=1),
        score=10,
        replies=3,
        collector="hackernews/test",
    )
    return dataclasses.replace(post, **changes)


def raw_for(post: Post) -> RawItem:
    return RawItem(source="hackernews", payload={"objectID": post.native_id}, query="llama 4", fetched_at=post.collected_at)


@pytest.fixture
def con():
    connection = connect(":memory:")
    yield connection
    connection.close()


def test_posts_columns_follow_the_post_fields(con):
    columns = [row[0] for row in con.execute("DESCRIBE posts").fetchall()]
    bookkeeping = ["first_seen_at", "last_seen_at"]
    # Columns added by later migrations (ALTER TABLE) come after the bookkeeping ones.
    assert tuple(column for column in columns if column not in bookkeeping) == POST_COLUMNS
    assert set(bookkeeping) <= set(columns)


def test_migrations_are_applied_once_and_recorded(con):
    recorded = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert [name for _, name in recorded] == [name for _, name, _ in migrations()]
    assert migrate(con) == []


def test_upsert_inserts_then_updates_engagement_only(con):
    first = [make_post("1"), make_post("2")]
    assert upsert_posts(con, first, [raw_for(p) for p in first]) == (2, 0)
    later = T0 + timedelta(days=1)
    again = [make_post("1", score=99, replies=40, collected_at=later), make_post("3")]
    assert upsert_posts(con, again, [raw_for(p) for p in again]) == (1, 1)
    score, replies, first_seen, last_seen = con.execute(
        "SELECT score, replies, first_seen_at, last_seen_at FROM posts WHERE post_id = 'hackernews:1'"
    ).fetchone()
    assert (score, replies) == (99, 40)
    assert first_seen == T0 + timedelta(hours=1) and last_seen == later
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM raw_items").fetchone()[0] == 3


def test_a_tombstone_blanks_the_stored_post_and_an_older_copy_cannot_restore_it(con):
    live = make_post("1")
    upsert_posts(con, [live], [RawItem("hackernews", {"objectID": "1", "text": live.text}, "llama 4", T0)])
    later = T0 + timedelta(days=1)
    tombstone = make_post("1", author=None, title=None, text="", deleted=True, score=7, collected_at=later)
    upsert_posts(con, [tombstone], [RawItem("hackernews", {"objectID": "1", "text": "[deleted]"}, "llama 4", later)])
    stale = make_post("1", collected_at=later + timedelta(days=1))
    upsert_posts(con, [stale], [RawItem("hackernews", {"objectID": "1", "text": live.text}, "dump", later)])

    row = con.execute("SELECT author, title, text, deleted, score FROM posts").fetchone()
    assert row == (None, None, "", True, stale.score)
    assert con.execute("SELECT payload->>'text' FROM raw_items").fetchone()[0] == "[deleted]"


def test_a_tombstone_keeps_its_labels_but_loses_the_quoted_evidence(con):
    live = make_post("1")
    upsert_posts(con, [live], [raw_for(live)])
    quoted = Prediction("negative", ("contamination",), {"contamination": 0.9}, {"contamination": "trained on test"}, "m", "1")
    classifications.save_predictions(con, ["hackernews:1"], [quoted], T0)
    later = T0 + timedelta(days=1)
    tombstone = make_post("1", author=None, title=None, text="", deleted=True, collected_at=later)
    upsert_posts(con, [tombstone], [RawItem("hackernews", {"objectID": "1", "text": "[deleted]"}, "llama 4", later)])

    sentiment, claims, evidence = con.execute("SELECT sentiment, claims, evidence::VARCHAR FROM classifications").fetchone()
    assert (sentiment, claims, evidence) == ("negative", ["contamination"], "{}")


def test_duplicates_in_one_batch_keep_the_last_sighting(con):
    batch = [make_post("1", score=1), make_post("1", score=5)]
    assert upsert_posts(con, batch, [raw_for(p) for p in batch]) == (1, 0)
    assert con.execute("SELECT score FROM posts").fetchone()[0] == 5


def test_upsert_needs_a_raw_item_per_post(con):
    with pytest.raises(ValueError, match="one raw item per post"):
        upsert_posts(con, [make_post("1")], [])


def test_a_failed_transaction_leaves_nothing(con):
    con.execute("BEGIN TRANSACTION")
    upsert_posts(con, [make_post("1")], [raw_for(make_post("1"))])
    con.execute("ROLLBACK")
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_runs_quarantine_and_cursor(con):
    run_id = runs.start_run(con, "hackernews", "llama-4", (T0, T0 + timedelta(days=1)), T0)
    assert runs.quarantine(con, run_id, "hackernews", [({"objectID": None}, "missing objectID")], T0) == 1
    runs.finish_run(con, run_id, runs.RunCounts(fetched=3, inserted=2, quarantined=1), T0)
    assert con.execute("SELECT status, fetched, inserted, quarantined FROM ingest_runs").fetchone() == ("ok", 3, 2, 1)
    assert con.execute("SELECT reason, payload::JSON->>'objectID' FROM quarantine").fetchone() == ("missing objectID", None)
    runs.advance_cursor(con, "hackernews", "llama-4", T0, T0)
    runs.advance_cursor(con, "hackernews", "llama-4", T0 - timedelta(days=3), T0)
    assert runs.get_cursor(con, "hackernews", "llama-4") == T0
    assert runs.get_cursor(con, "hackernews", "qwen3") is None


def test_failed_run_keeps_its_error(con):
    run_id = runs.start_run(con, "hackernews", "llama-4", (T0, T0), T0)
    runs.finish_run(con, run_id, runs.RunCounts(), T0, error="429 after 5 attempts")
    assert con.execute("SELECT status, error FROM ingest_runs").fetchone() == ("failed", "429 after 5 attempts")


def test_the_target_of_a_post_is_its_one_launch_or_its_one_variant(con):
    """A target-aware classifier reads the model a post is about: the variant when the post names
    exactly one, else the launch; nothing when the post is linked to two launches."""
    from warehouse import catalogue as cat

    cat.sync_catalogue(con, cat.load_catalogue())
    posts = [make_post(n) for n in ("1", "2", "3", "4")]
    upsert_posts(con, posts, [raw_for(p) for p in posts])
    con.execute(
        """INSERT INTO post_launches VALUES
           ('hackernews:1', 'llama-4', [], ['llama 4'], 'alias'),
           ('hackernews:2', 'llama-4', ['llama-4-maverick'], ['maverick'], 'alias'),
           ('hackernews:3', 'llama-4', ['llama-4-maverick', 'llama-4-scout'], ['llama 4'], 'alias'),
           ('hackernews:4', 'llama-4', [], ['llama 4'], 'alias'),
           ('hackernews:4', 'qwen3', [], ['qwen3'], 'alias')"""
    )
    targets = {post_id: target for post_id, _, target in classifications.unclassified(con, "m", "1")}
    assert targets == {
        "hackernews:1": "Llama 4",
        "hackernews:2": "Llama-4-Maverick-17B-128E-Instruct",
        "hackernews:3": "Llama 4",
        "hackernews:4": None,
    }


def test_predictions_are_stored_per_version_and_activated(con):
    posts = [make_post("1"), make_post("2")]
    upsert_posts(con, posts, [raw_for(p) for p in posts])
    con.execute(
        "INSERT INTO post_launches VALUES ('hackernews:1', 'llama-4', [], ['llama 4'], 'alias')"
    )
    assert classifications.unclassified(con, "m", "1") == [("hackernews:1", "Llama 4 is out\nMeta released Llama 4 Scout and Maverick.", None)]
    assert len(classifications.unclassified(con, "m", "1", all_posts=True)) == 2
    prediction = Prediction("negative", ("contamination",), {"contamination": 0.9}, {"contamination": "trained on test"}, "m", "1")
    assert classifications.save_predictions(con, ["hackernews:1"], [prediction], T0) == 1
    assert classifications.unclassified(con, "m", "1") == []
    assert classifications.unclassified(con, "m", "2") != []
    assert classifications.activate(con, "m", "1", T0) is True
    assert classifications.activate(con, "m", "1", T0) is False
    row = con.execute("SELECT sentiment, claims, evidence->>'contamination' FROM classifications").fetchone()
    assert row == ("negative", ["contamination"], "trained on test")


def test_known_threads_are_roots_linked_to_the_launch(con):
    posts = [make_post("1"), make_post("2", thread_id="hackernews:1", parent_id="hackernews:1", title=None), make_post("3")]
    upsert_posts(con, posts, [raw_for(p) for p in posts])
    con.execute(
        "INSERT INTO post_launches VALUES ('hackernews:1', 'llama-4', [], [], 'alias'), ('hackernews:2', 'llama-4', [], [], 'thread')"
    )
    assert known_threads(con, "llama-4", "hackernews", T0 - timedelta(days=1)) == ["1"]
    assert known_threads(con, "llama-4", "hackernews", T0 + timedelta(days=1)) == []


def test_snapshot_is_readable_while_the_writer_holds_the_database(tmp_path):
    db = tmp_path / "lw.duckdb"
    writer = connect(db)
    upsert_posts(writer, [make_post("1")], [raw_for(make_post("1"))])
    path = snapshot.publish(writer, db, T0)
    upsert_posts(writer, [make_post("2")], [raw_for(make_post("2"))])
    reader = snapshot.open_snapshot(db)
    assert path == snapshot.snapshot_path(db)
    assert reader.execute("SELECT count(*) FROM posts").fetchone()[0] == 1
    assert reader.execute("SELECT published_at FROM snapshot_info").fetchone()[0] == T0
    with pytest.raises(duckdb.Error):
        reader.execute("DELETE FROM posts")
    reader.close()
    snapshot.publish(writer, db, T0 + timedelta(hours=1))
    assert snapshot.open_snapshot(db).execute("SELECT count(*) FROM posts").fetchone()[0] == 2
    writer.close()


def test_every_publish_rebuilds_the_launch_facts_the_timeline_reads(tmp_path):
    # Posts loaded without a classify/analyze step (`import --load-only`, then `events import`)
    # must still reach the published timeline, which reads the stored launch_post_facts.
    db = tmp_path / "lw.duckdb"
    writer = connect(db)
    upsert_posts(writer, [make_post("1")], [raw_for(make_post("1"))])
    writer.execute("INSERT INTO post_launches VALUES ('hackernews:1', 'llama-4', [], [], 'alias')")
    snapshot.publish(writer, db, T0)
    writer.close()
    with snapshot.open_snapshot(db) as reader:
        assert reader.execute("SELECT launch_key, posts, negative_share FROM timeline_day_all").fetchall() == [
            ("llama-4", 1, None)
        ]


def test_missing_snapshot_says_what_to_run(tmp_path):
    with pytest.raises(WarehouseError, match="launchwatch run"):
        snapshot.open_snapshot(tmp_path / "none.duckdb")


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path):
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_text("this is not a database")
    with pytest.raises(WarehouseError, match="not a DuckDB database"):
        connect(bogus)


def test_a_record_quarantined_twice_is_kept_once(con):
    bad = [({"objectID": "7", "points": {"value": 3}}, "points is an object")]
    assert runs.quarantine(con, 1, "hackernews", bad, T0) == 1
    assert runs.quarantine(con, 2, "hackernews", bad, T0 + timedelta(days=1)) == 1
    assert con.execute("SELECT run_id, count(*) OVER () FROM quarantine").fetchall() == [(1, 1)]
