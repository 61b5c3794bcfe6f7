import json
import math
from datetime import datetime, timezone

import pandas as pd
import pytest

from models.prediction import CLAIMS
from warehouse import facts
from warehouse.catalogue import UnknownLaunch, link_posts, load_catalogue, sync_catalogue
from warehouse.db import connect
from warehouse.events import import_timeline
from warehouse.timeline import (
    EVENT_COLUMNS,
    TIMELINE_COLUMNS,
    TOP_POST_COLUMNS,
    events,
    launch_info,
    launch_summary,
    timeline,
    top_posts,
)

EVENTS_CSV = """event_time,model,kind,source,value,url,note
2025-04-06T11:18:20Z,Llama-4-Maverick-03-26-Experimental,leaderboard_entry,LMArena text leaderboard snapshot,rank 2; score 1417,https://e.org/1,
2025-04-07T17:49:31.484Z,Llama 4 Maverick; Llama 4 Scout,official_statement,"Ahmad Al-Dahle (VP GenAI, Meta) on X",,https://e.org/2,"Denial: not true"
2026-01,Llama 4,controversy,Yann LeCun to the Financial Times,,https://e.org/3,
"""

# post_id, platform, thread_id, created_at, text, score, classification as (sentiment, claims, scores, evidence)
POSTS = [
    ("hn:1", "hackernews", None, (2025, 4, 5, 20, 10), "Llama 4 is out and it is great", 120,
     ("positive", ["praise"], {"praise": 0.9}, {"praise": "it is great"})),
    ("hn:2", "hackernews", "hn:1", (2025, 4, 5, 21, 30), "Maverick is worse than Qwen at code", 30,
     ("negative", ["regression", "comparison"], {"regression": 0.8, "comparison": 0.7}, {"regression": "worse"})),
    ("reddit:1", "reddit", None, (2025, 4, 7, 18, 5), "Was Llama 4 trained on the test set?", 10,
     ("negative", ["contamination", "benchmark_gaming"], {"contamination": 0.95, "benchmark_gaming": 0.6},
      {"contamination": "trained on the test set", "benchmark_gaming": "trained on the test set"})),
    ("reddit:2", "reddit", None, (2025, 4, 7, 18, 40), "Llama 4 contamination, again", 50,
     ("negative", ["contamination"], {"contamination": 0.95}, {"contamination": "contamination, again"})),
    ("reddit:3", "reddit", None, (2025, 4, 7, 19, 10), "Llama 4 not classified yet", 5, None),
    ("hn:3", "hackernews", None, (2025, 4, 7, 23, 59), "Llama 4 weights are on HF", 3, ("neutral", [], {}, {})),
]


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    catalogue = load_catalogue()
    con = connect(":memory:")
    sync_catalogue(con, catalogue)
    seen = utc(2025, 4, 9, 6)
    for post_id, platform, thread_id, created, text, score, label in POSTS:
        con.execute(
            "INSERT INTO posts VALUES (?, ?, ?, 'https://e.org', ?, ?, ?, 'someone', NULL, ?, 'en', ?, ?, ?, 0, "
            "'test/1', ?, ?, false)",
            [post_id, platform, post_id.split(":")[1], platform, thread_id, thread_id, text, utc(*created), seen,
             score, seen, seen],
        )
        # An older classifier called everything negative; only the newest activated version counts.
        con.execute(
            "INSERT INTO classifications VALUES (?, 'minilm', 'v1', 'negative', [], '{}', '{}', ?)", [post_id, seen]
        )
        if label:
            sentiment, claims, scores, evidence = label
            con.execute(
                "INSERT INTO classifications VALUES (?, 'minilm', 'v2', ?, ?, ?, ?, ?)",
                [post_id, sentiment, claims, json.dumps(scores), json.dumps(evidence), seen],
            )
    con.execute("INSERT INTO classifier_versions VALUES ('minilm', 'v1', ?), ('minilm', 'v2', ?)",
                [utc(2025, 4, 1), utc(2025, 4, 8)])
    link_posts(con, catalogue)
    path = tmp_path_factory.mktemp("events") / "events.csv"
    path.write_text(EVENTS_CSV, encoding="utf-8")
    import_timeline(con, catalogue, path)
    # What every run does after classifying: the timeline reads the stored launch_post_facts.
    facts.refresh(con)
    yield con
    con.close()


def rows(frame, *columns):
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row) for row in frame[list(columns)].itertuples(index=False)]


def test_day_timeline_counts_shares_gaps_and_events(con):
    frame = timeline(con, "llama-4")
    assert tuple(frame.columns) == TIMELINE_COLUMNS
    assert TIMELINE_COLUMNS[6:-1] == CLAIMS
    assert str(frame["bucket"].dtype) == "datetime64[ns, UTC]"
    assert rows(frame, "bucket", "posts", "positive", "neutral", "negative", "negative_share", "events") == [
        (pd.Timestamp("2025-04-05", tz="UTC"), 2, 1, 0, 1, 0.5, ""),
        (pd.Timestamp("2025-04-06", tz="UTC"), 0, 0, 0, 0, None, "LMArena #2 (Maverick Exp.)"),
        (pd.Timestamp("2025-04-07", tz="UTC"), 4, 0, 1, 2, 2 / 3, "Meta denial"),
    ]
    assert rows(frame, *CLAIMS) == [(0, 0, 1, 1, 1, 0), (0, 0, 0, 0, 0, 0), (2, 1, 0, 0, 0, 0)]


def test_hour_timeline_has_every_hour_between_first_and_last_post(con):
    frame = timeline(con, "llama-4", bucket="hour")
    assert len(frame) == 52
    assert frame["bucket"].iloc[0] == pd.Timestamp("2025-04-05 20:00", tz="UTC")
    assert frame["bucket"].iloc[-1] == pd.Timestamp("2025-04-07 23:00", tz="UTC")
    assert frame["posts"].sum() == 6
    denial = frame[frame["bucket"] == pd.Timestamp("2025-04-07 17:00", tz="UTC")]
    assert rows(denial, "posts", "events") == [(0, "Meta denial")]


def test_platform_filter(con):
    reddit = timeline(con, "llama-4", platform="reddit")
    assert rows(reddit, "bucket", "posts", "negative", "negative_share", "contamination", "events") == [
        (pd.Timestamp("2025-04-07", tz="UTC"), 3, 2, 1.0, 2, "Meta denial")
    ]
    assert timeline(con, "llama-4", platform="hackernews")["posts"].tolist() == [2, 0, 1]


def test_buckets_are_utc_whatever_the_session_time_zone(con):
    con.execute("SET TimeZone = 'America/Los_Angeles'")
    try:
        frame = timeline(con, "llama-4")
    finally:
        con.execute("SET TimeZone = 'UTC'")
    assert frame["bucket"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2025-04-05 00:00", "2025-04-06 00:00", "2025-04-07 00:00"]
    assert frame["posts"].tolist() == [2, 0, 4]


def test_launch_without_posts_gives_an_empty_frame(con):
    frame = timeline(con, "qwen3")
    assert frame.empty and tuple(frame.columns) == TIMELINE_COLUMNS


def test_bad_input_is_explained(con):
    with pytest.raises(ValueError, match="bucket must be one of 'day', 'hour'; got 'week'"):
        timeline(con, "llama-4", bucket="week")
    with pytest.raises(UnknownLaunch, match="'llama-5'; known launches: deepseek-v3-0324, gemini-2.5-pro, llama-4"):
        timeline(con, "llama-5")
    with pytest.raises(UnknownLaunch):
        launch_summary(con, "llama-5")
    with pytest.raises(ValueError, match="per_claim must be a positive integer; got 0"):
        top_posts(con, "llama-4", per_claim=0)


def test_events_of_a_launch(con):
    frame = events(con, "llama-4")
    assert tuple(frame.columns) == EVENT_COLUMNS
    assert rows(frame, "time_precision", "variant_key", "label") == [
        ("second", "llama-4-maverick-exp", "LMArena #2 (Maverick Exp.)"),
        ("second", "llama-4-maverick", "Meta denial"),
        ("second", "llama-4-scout", "Meta denial"),
        ("month", None, "Controversy: Yann LeCun"),
    ]
    assert events(con, "qwen3").empty


def test_top_posts_rank_by_claim_score_then_score(con):
    frame = top_posts(con, "llama-4", per_claim=5)
    assert tuple(frame.columns) == TOP_POST_COLUMNS
    assert rows(frame, "claim", "post_id", "claim_score", "evidence", "model_version") == [
        ("contamination", "reddit:2", 0.95, "contamination, again", "v2"),
        ("contamination", "reddit:1", 0.95, "trained on the test set", "v2"),
        ("benchmark_gaming", "reddit:1", 0.6, "trained on the test set", "v2"),
        ("regression", "hn:2", 0.8, "worse", "v2"),
        ("praise", "hn:1", 0.9, "it is great", "v2"),
        ("comparison", "hn:2", 0.7, None, "v2"),
    ]
    assert top_posts(con, "llama-4", per_claim=1)["post_id"].tolist() == ["reddit:2", "reddit:1", "hn:2", "hn:1", "hn:2"]


def test_launch_info_and_summary(con):
    assert launch_info(con, "llama-4") == {
        "key": "llama-4", "name": "Llama 4", "organization": "Meta", "released_at": utc(2025, 4, 5, 19, 0, 44)
    }
    summary = launch_summary(con, "llama-4")
    assert summary == {
        "posts": 6, "first_post": utc(2025, 4, 5, 20, 10), "last_post": utc(2025, 4, 7, 23, 59),
        "contamination": 2, "benchmark_gaming": 1, "regression": 1, "praise": 1, "comparison": 1,
        "deployment_issue": 0, "positive": 1, "neutral": 1, "negative": 3, "model_version": "v2",
        "data_time": utc(2025, 4, 9, 6),
    }
    empty = launch_summary(con, "qwen3")
    assert (empty["posts"], empty["first_post"], empty["data_time"], empty["praise"]) == (0, None, None, 0)


def test_views_for_analysts(con):
    day_all = con.execute(
        "SELECT bucket, posts, events FROM timeline_day_all WHERE launch_key = 'llama-4' ORDER BY bucket"
    ).fetchall()
    assert [(b.date().isoformat(), p, e) for b, p, e in day_all] == [
        ("2025-04-05", 2, ""),
        ("2025-04-06", 0, "LMArena #2 (Maverick Exp.)"),
        ("2025-04-07", 4, "Meta denial"),
        ("2026-01-01", 0, "Controversy: Yann LeCun"),
    ]
    by_platform = con.execute(
        "SELECT platform, sum(posts), sum(negative) FROM timeline_hour WHERE launch_key = 'llama-4' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert by_platform == [("hackernews", 3, 1), ("reddit", 3, 2)]
    assert con.execute("SELECT count(*), count(sentiment) FROM post_facts").fetchone() == (6, 5)
    assert con.execute("SELECT DISTINCT model_version FROM current_classifications").fetchall() == [("v2",)]
