"""Event impact, launch-relative time, spikes and first posts on small hand-made warehouses."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone

import pytest

from warehouse import alerts, facts
from warehouse.catalogue import link_posts, load_catalogue
from warehouse.comparison import compare
from warehouse.impact import impact

RELEASE = datetime(2025, 4, 5, 19, 0, 44, tzinfo=timezone.utc)  # llama-4 in the catalogue
EVENT = datetime(2025, 4, 7, 12, tzinfo=timezone.utc)
CATALOGUE = load_catalogue()


def add_posts(con, posts):
    """posts: (post_id, created_at, text, platform, lang, sentiment or None, claims, score)."""
    seen = datetime(2025, 5, 1, tzinfo=timezone.utc)
    for post_id, created, text, platform, lang, sentiment, claims, score in posts:
        con.execute(
            "INSERT INTO posts VALUES (?, ?, ?, ?, 'test', NULL, NULL, 'someone', NULL, ?, ?, ?, ?, ?, 0, "
            "'test/1', ?, ?, false)",
            [post_id, platform, post_id, f"https://e.org/{post_id}", text, lang, created, seen, score, seen, seen],
        )
        if sentiment:
            con.execute(
                "INSERT INTO classifications VALUES (?, 'm', 'v1', ?, ?, ?, '{}', ?)",
                [post_id, sentiment, claims, json.dumps({c: 0.9 for c in claims}), seen],
            )
    con.execute("INSERT OR IGNORE INTO classifier_versions VALUES ('m', 'v1', ?)", [seen])


def link(con):
    link_posts(con, CATALOGUE)
    facts.refresh(con)


def add_event(con, when, label, precision="second"):
    con.execute(
        "INSERT INTO benchmark_events VALUES (?, 'llama-4', NULL, ?, ?, 'official_statement', 'Llama 4', 's', NULL, "
        "'https://e.org', NULL, 'test.csv', ?, ?)",
        [label, when, precision, when, label],
    )


def record_collection(con, start, end):
    con.execute(
        "INSERT INTO ingest_runs (source, launch_key, window_start, window_end, started_at, status) "
        "VALUES ('hackernews', 'llama-4', ?, ?, ?, 'ok')",
        [start, end, end],
    )


def post(n, when, *, sentiment="neutral", claims=(), lang="en", platform="hackernews", score=1):
    return (f"p{n}", when, f"Llama 4 post {n}", platform, lang, sentiment, list(claims), score)


def wilson(k, n, z=1.959964):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def metric_row(frame, metric):
    return frame[frame["metric"] == metric].iloc[0]


def test_wilson_macro_matches_the_textbook_values(con):
    # Newcombe (1998), table I: 0/10 -> [0, 0.2775]; 1/29 -> [0.0061, 0.1718].
    assert con.execute("SELECT wilson_low(0, 10), round(wilson_high(0, 10), 4)").fetchone() == (0.0, 0.2775)
    assert con.execute("SELECT round(wilson_low(1, 29), 4), round(wilson_high(1, 29), 4)").fetchone() == (0.0061, 0.1718)
    assert con.execute("SELECT wilson_low(5, 0), wilson_high(7, 7)").fetchone() == (None, 1.0)


def test_impact_counts_rate_ratio_and_shares(con):
    before = [post(i, EVENT - timedelta(hours=2 + i), sentiment="negative" if i < 1 else "neutral") for i in range(4)]
    after = [post(10 + i, EVENT + timedelta(hours=i), sentiment="negative" if i < 6 else "positive",
                  claims=["contamination"]) for i in range(8)]
    outside = [post(30, EVENT + timedelta(hours=30), sentiment="negative", claims=["contamination"])]
    add_posts(con, before + after + outside)
    link(con)
    add_event(con, EVENT, "Meta denial")
    record_collection(con, EVENT - timedelta(days=2), EVENT + timedelta(days=2))
    frame = impact(con, "llama-4", 24)
    posts = metric_row(frame, "posts")
    assert (posts.before, posts.after, posts.covered) == (4, 8, True)
    low, high = wilson(8, 12)
    assert posts.change == pytest.approx(2.0)
    assert (posts.change_low, posts.change_high) == (pytest.approx(low / (1 - low)), pytest.approx(high / (1 - high)))
    share = metric_row(frame, "negative_share")
    assert (share.before, share.after) == (0.25, 0.75)
    assert (share.after_low, share.after_high) == tuple(pytest.approx(v) for v in wilson(6, 8))
    assert share.change == pytest.approx(0.5) and share.change_low < 0.5 < share.change_high
    # No contamination before, 8 after: the ratio and its upper bound are open, the lower bound is not.
    claim = metric_row(frame, "contamination")
    assert (claim.before, claim.after) == (0, 8)
    assert math.isinf(claim.change) and math.isinf(claim.change_high) and claim.change_low > 1
    # Nothing either side: no ratio and no interval, not an error.
    praise = metric_row(frame, "praise")
    assert (praise.before, praise.after) == (0, 0) and praise[["change", "change_low", "change_high"]].isna().all()
    # A shorter window counts fewer posts.
    assert metric_row(impact(con, "llama-4", 3), "posts")[["before", "after"]].tolist() == [2, 3]


def test_impact_marks_windows_collection_did_not_cover(con):
    add_posts(con, [post(1, EVENT + timedelta(hours=1))])
    link(con)
    add_event(con, EVENT, "Meta denial")
    record_collection(con, EVENT, EVENT + timedelta(days=2))
    assert not metric_row(impact(con, "llama-4", 24), "posts").covered


def test_events_at_the_same_instant_are_one_row(con):
    add_event(con, EVENT, "LMArena #32 (Maverick)")
    add_event(con, EVENT, "LMArena dropped (Maverick Exp.)")
    frame = impact(con, "llama-4", 24, ("posts",))
    assert frame["label"].tolist() == ["LMArena #32 (Maverick); LMArena dropped (Maverick Exp.)"]


def test_impact_rejects_what_it_cannot_compute(con):
    with pytest.raises(ValueError, match="positive whole number of hours"):
        impact(con, "llama-4", 0)
    with pytest.raises(ValueError, match="unknown metric sarcasm"):
        impact(con, "llama-4", 24, ("sarcasm",))


def test_compare_puts_launches_on_hours_since_release(con):
    add_posts(con, [
        post(1, RELEASE + timedelta(hours=1), sentiment="negative"),
        post(2, RELEASE + timedelta(hours=5), sentiment="positive"),
        post(3, RELEASE + timedelta(hours=13), sentiment="negative"),
        post(4, RELEASE - timedelta(hours=2), sentiment="positive"),
    ])
    link(con)
    frame = compare(con, ["llama-4", "qwen3"], "negative_share", bucket_hours=6, from_hours=-6, until_hours=18)
    assert frame["t_hours"].tolist() == [-6, 0, 6, 12]
    assert frame["llama-4"].tolist()[1:] == [0.5, pytest.approx(float("nan"), nan_ok=True), 1.0]
    assert frame["qwen3"].isna().all()
    counts = compare(con, ["llama-4"], "posts", bucket_hours=6, from_hours=-6, until_hours=18)
    assert counts["llama-4"].tolist() == [1, 2, 0, 1]
    with pytest.raises(ValueError, match="unknown metric 'vibes'"):
        compare(con, ["llama-4"], "vibes")


def flat_hours(start, hours, per_hour, first_id=0):
    return [post(first_id + h * per_hour + i, start + timedelta(hours=h, minutes=5 * i), claims=["praise"])
            for h in range(hours) for i in range(per_hour)]


def test_flat_data_raises_no_alert(con):
    add_posts(con, flat_hours(RELEASE, 72, 3))
    link(con)
    assert alerts.detect(con) == 0


def test_an_injected_spike_is_found_with_its_top_posts(con):
    start = RELEASE
    spike_hour = start + timedelta(hours=48)
    injected = [post(10_000 + i, spike_hour + timedelta(minutes=i), sentiment="negative", claims=["contamination"],
                     score=i) for i in range(12)]
    add_posts(con, flat_hours(start, 72, 3) + injected)
    link(con)
    found = alerts.detect(con, alerts.SpikeRule(threshold=3, baseline_hours=24, min_count=5, top_posts=2))
    frame = alerts.alerts(con, "llama-4")
    assert found == 2
    assert sorted(frame["metric"]) == ["contamination", "posts"]
    assert set(frame["hour"]) == {datetime(2025, 4, 7, 19, tzinfo=timezone.utc)}
    contamination = frame[frame["metric"] == "contamination"].iloc[0]
    assert (contamination["count"], contamination["baseline"], math.isinf(contamination["ratio"])) == (12, 0.0, True)
    # Equal claim scores: the most engaged posts first.
    assert [p["post_id"] for p in contamination["top_posts"]] == ["p10011", "p10010"]
    volume = frame[frame["metric"] == "posts"].iloc[0]
    assert (volume["count"], volume["baseline"], volume["ratio"]) == (15, 3.0, 5.0)
    # A higher threshold keeps only the claim spike; detection replaces the table each time.
    assert alerts.detect(con, alerts.SpikeRule(threshold=6)) == 1


def test_spike_rule_rejects_nonsense():
    with pytest.raises(ValueError, match="threshold must be above 1"):
        alerts.SpikeRule(threshold=0.5)
    with pytest.raises(ValueError, match="baseline_hours must be a positive whole number"):
        alerts.SpikeRule(baseline_hours=0)


def test_first_post_of_each_claim_per_platform_and_language(con):
    add_posts(con, [
        post(1, RELEASE + timedelta(hours=3), claims=["contamination"], platform="reddit", lang="en"),
        post(2, RELEASE + timedelta(hours=1), claims=["contamination"], platform="hackernews", lang="zh"),
        post(3, RELEASE + timedelta(hours=2), claims=["contamination"], platform="hackernews", lang="en"),
        post(4, RELEASE + timedelta(hours=0.5), claims=["praise"], platform="reddit", lang="en"),
    ])
    link(con)
    firsts = con.execute(
        "SELECT scope, value, post_id, round(hours_since_release, 2) FROM claim_first_posts "
        "WHERE claim = 'contamination' ORDER BY scope, value"
    ).fetchall()
    assert firsts == [
        ("lang", "en", "p3", 2.0), ("lang", "zh", "p2", 1.0),
        ("platform", "hackernews", "p2", 1.0), ("platform", "reddit", "p1", 3.0),
    ]
