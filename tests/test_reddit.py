"""Reddit extractor: praw against a loopback Reddit (tests/fakes/reddit.py), and the normalizer.

praw is pointed at the fake through its documented `oauth_url` and `reddit_url` settings, so
every request (token, search, comment tree, morechildren) is real HTTP that praw builds itself.

Golden files: `tests/fixtures/reddit/<name>.json` holds one object and `<name>.expected.json`
what `normalize` makes of it. Regenerate with
`LAUNCHWATCH_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_reddit.py -k golden` and review the diff.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from fakes.reddit import CLIENT_ID, CLIENT_SECRET, FakeReddit, t1, t3

from extractors import REGISTRY, NormalizeError, RawItem, SearchQuery
from extractors.http import AuthError, SourceError
from extractors.reddit import DEFAULT_SUBREDDITS, RedditExtractor, normalize
from flows import steps
from flows.config import settings

FIXTURES = Path(__file__).parent / "fixtures" / "reddit"
REGEN = os.environ.get("LAUNCHWATCH_REGEN_GOLDEN") == "1"
COLLECTED = datetime(2025, 4, 9, 12, 0, tzinfo=timezone.utc)
LAUNCH = 1743879644  # 2025-04-05T19:00:44Z
SINCE = datetime.fromtimestamp(LAUNCH, timezone.utc)
UNTIL = SINCE + timedelta(days=3)
USER_AGENT = "launchwatch-tests/1.0 (by u/launchwatch)"


def extractor(fake: FakeReddit, httpserver, secret: str = CLIENT_SECRET, sleeps: list | None = None, **options) -> RedditExtractor:
    recorded = sleeps if sleeps is not None else []
    return RedditExtractor(CLIENT_ID, secret, USER_AGENT, sleep=recorded.append, **fake.install(httpserver), **options)


def fetch_all(ex: RedditExtractor, *terms: str, since=SINCE, until=UNTIL, **query) -> list[RawItem]:
    with ex:
        return list(ex.fetch(SearchQuery(terms=terms, **query), since, until))


# --- normalizer -----------------------------------------------------------------------------

@pytest.mark.parametrize("payload_path", sorted(p for p in FIXTURES.glob("*.json") if not p.name.endswith(".expected.json")), ids=lambda p: p.stem)
def test_normalize_matches_golden_file(payload_path: Path) -> None:
    payload = json.loads(payload_path.read_text(encoding="utf-8"))
    raw = RawItem(source="reddit", payload=payload, query="llama 4", fetched_at=COLLECTED)
    try:
        result = {"post": json.loads(json.dumps(asdict(normalize(raw, COLLECTED)), default=str))}
    except NormalizeError as error:
        result = {"error": str(error)}
    expected_path = payload_path.with_name(payload_path.stem + ".expected.json")
    if REGEN:
        expected_path.write_text(json.dumps(result, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"missing {expected_path.name}; run with LAUNCHWATCH_REGEN_GOLDEN=1"
    assert result == json.loads(expected_path.read_text(encoding="utf-8"))
    assert json.loads(payload_path.read_text(encoding="utf-8")) == payload  # never mutated


def test_tombstones_keep_id_time_and_counts_but_lose_author_title_and_text() -> None:
    payload = json.loads((FIXTURES / "submission_deleted.json").read_text(encoding="utf-8"))
    post = normalize(RawItem("reddit", payload, "llama 4", COLLECTED), COLLECTED)
    assert post.deleted and (post.author, post.title, post.text) == (None, None, "")
    assert (post.post_id, post.score, post.replies) == ("reddit:t3_1jt0a1b", 31, 12)
    comment = normalize(RawItem("reddit", t1("c9", LAUNCH, "[removed]", "abc", author="mod_target"), "q", COLLECTED), COLLECTED)
    assert comment.deleted and comment.author is None and comment.thread_id == "reddit:t3_abc"


def test_normalize_accepts_a_whole_listing_child() -> None:
    thing = t3("abc1", LAUNCH, "Llama 4 is out")
    assert normalize(RawItem("reddit", {"kind": "t3", "data": thing}, "q", COLLECTED), COLLECTED) == normalize(
        RawItem("reddit", thing, "q", COLLECTED), COLLECTED
    )


# --- fetching through praw --------------------------------------------------------------------

def launch_thread() -> FakeReddit:
    submissions = [t3(f"s{i}", LAUNCH + 1000 * i, f"Llama 4 take number {i}", "thoughts on llama 4") for i in range(7)]
    submissions.append(t3("old1", LAUNCH - 5000, "Llama 4 rumours", "before the launch"))
    submissions.append(t3("late1", LAUNCH + 4 * 86400, "Llama 4 a week later", "after the window"))
    submissions.append(t3("other", LAUNCH + 50, "Llama 4 elsewhere", "wrong subreddit", subreddit="pics"))
    comments = [t1(f"c{i}", LAUNCH + 2000 + i, f"comment {i} on llama", "s0") for i in range(5)]
    comments += [t1("r1", LAUNCH + 2100, "a reply", "s0", parent="c0"), t1("r2", LAUNCH + 2200, "a reply to the reply", "s0", parent="r1")]
    comments.append(t1("cold", LAUNCH - 10, "before the window", "s0"))
    return FakeReddit(submissions=submissions, comments=comments, page_cap=3)


def test_fetch_pages_through_search_stops_at_since_and_expands_comment_trees(httpserver) -> None:
    fake = launch_thread()
    items = fetch_all(extractor(fake, httpserver), "llama 4")

    names = [item.payload["name"] for item in items]
    assert names[:7] == [f"t3_s{i}" for i in reversed(range(7))]  # newest first, window only
    assert sorted(names[7:]) == sorted(["t1_c0", "t1_c1", "t1_c2", "t1_c3", "t1_c4", "t1_r1", "t1_r2"])
    assert len(names) == len(set(names))
    searches = [r for r in fake.requests if "/search" in r]
    # 3 per page: late1 (after the window), s6, s5; s4..s2; then s1, s0 and old1, where the search stops.
    assert len(searches) == 3 and "after=t3_s5" in searches[1] and "after=t3_s2" in searches[2]
    assert any(r.startswith("POST /api/morechildren") for r in fake.requests)
    assert "+".join(DEFAULT_SUBREDDITS) in searches[0] and "q=%22llama+4%22" in searches[0]


def test_payloads_are_the_objects_reddit_sent(httpserver) -> None:
    fake = launch_thread()
    items = {item.payload["name"]: item.payload for item in fetch_all(extractor(fake, httpserver), "llama 4")}
    served = {s["name"]: s for s in fake.submissions} | {c["name"]: c for c in fake.comments}
    for name, payload in items.items():
        expected = {k: v for k, v in served[name].items() if k not in ("replies", "depth")}
        assert {k: v for k, v in payload.items() if k not in ("replies", "depth")} == expected


def test_configured_subreddits_and_known_threads(httpserver) -> None:
    fake = launch_thread()
    items = fetch_all(extractor(fake, httpserver), "llama 4", thread_ids=("s0",), options={"subreddits": ("pics",)})
    names = {item.payload["name"] for item in items}
    assert "t3_other" in names and "t3_s3" not in names and "t1_c0" in names
    assert any("/r/pics/search" in r for r in fake.requests)


def test_a_429_waits_the_stated_time_then_goes_on(httpserver, caplog) -> None:
    fake = launch_thread()
    fake.failures = deque([(429, {"Retry-After": "7"}, json.dumps({"message": "Too Many Requests", "error": 429}))])
    sleeps: list[float] = []
    with caplog.at_level(logging.WARNING):
        items = fetch_all(extractor(fake, httpserver, sleeps=sleeps), "llama 4")
    assert sleeps == [7.0] and len(items) == 14
    assert "HTTP 429" in caplog.text and "waiting 7.0s" in caplog.text


def test_a_429_wait_is_bounded(httpserver) -> None:
    fake = launch_thread()
    # Without x-ratelimit-remaining, prawcore's own limiter ignores the header (it would sleep
    # the full 600 s); our wait reads the reset and caps it.
    fake.failures = deque([(429, {"x-ratelimit-reset": "600"}, "{}")])
    sleeps: list[float] = []
    fetch_all(extractor(fake, httpserver, sleeps=sleeps, max_wait=30), "llama 4")
    assert sleeps == [30]


def test_server_errors_are_retried_then_the_source_fails(httpserver) -> None:
    fake = launch_thread()
    # prawcore tries each request 3 times itself (sleeping 0-2 s, then 2-4 s); each of our
    # attempts adds 3 more, so one attempt keeps this test short.
    fake.failures = deque([(503, {}, "{}")] * 3)
    with pytest.raises(SourceError, match=r"after 1 attempt\(s\), each retried by prawcore, last with HTTP 503"):
        fetch_all(extractor(fake, httpserver, max_attempts=1), "llama 4")
    assert len([r for r in fake.requests if "/search" in r]) == 3


def test_refused_credentials_stop_at_once_without_the_secret(httpserver, caplog) -> None:
    fake = launch_thread()
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as refused:
        fetch_all(extractor(fake, httpserver, secret="wrong-" + CLIENT_SECRET), "llama 4")
    assert "refused" in str(refused.value)
    assert CLIENT_SECRET not in str(refused.value) and CLIENT_SECRET not in caplog.text


def test_registry_knows_reddit() -> None:
    assert REGISTRY["reddit"] is RedditExtractor


# --- through the pipeline steps -----------------------------------------------------------------

def reddit_config(httpserver, db: Path, fake: FakeReddit, secret: str = CLIENT_SECRET):
    praw_urls = fake.install(httpserver)
    config = settings(db, environ={
        "REDDIT_CLIENT_ID": CLIENT_ID, "REDDIT_CLIENT_SECRET": secret, "REDDIT_USER_AGENT": USER_AGENT,
        "LAUNCHWATCH_REDDIT_OAUTH_URL": praw_urls["oauth_url"], "LAUNCHWATCH_REDDIT_URL": praw_urls["reddit_url"],
    })
    steps.prepare(config)
    return config


def test_the_next_run_resumes_from_the_cursor_without_duplicates_or_gaps(httpserver, tmp_path) -> None:
    fake = launch_thread()
    config = reddit_config(httpserver, tmp_path / "lw.duckdb", fake)
    first = steps.collect(config, "reddit", "llama-4", SINCE, UNTIL)
    # New activity after the first run: a submission and a comment, plus one inside the overlap.
    fake.submissions.append(t3("snew", LAUNCH + 3 * 86400 + 100, "Llama 4 follow-up", "more on llama 4"))
    fake.comments.append(t1("cnew", LAUNCH + 3 * 86400 + 200, "late comment", "s6"))
    second = steps.collect(config, "reddit", "llama-4", None, UNTIL + timedelta(days=1))

    assert first.status == second.status == "ok" and first.counts.inserted == 14
    assert second.window[0] == SINCE + timedelta(seconds=6000) - steps.CURSOR_OVERLAP
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        ids = [row[0] for row in con.execute("SELECT post_id FROM posts").fetchall()]
        linked = con.execute("SELECT count(*) FROM post_launches WHERE launch_key = 'llama-4'").fetchone()[0]
    assert len(ids) == len(set(ids)) == 16
    assert {"reddit:t3_snew", "reddit:t1_cnew"} <= set(ids)
    assert second.counts.inserted == 2 and linked >= 8


def test_wrong_credentials_fail_the_source_naming_the_variables_never_the_secret(httpserver, tmp_path, caplog, capsys) -> None:
    wrong = "wrong-" + CLIENT_SECRET
    config = reddit_config(httpserver, tmp_path / "lw.duckdb", launch_thread(), secret=wrong)
    with caplog.at_level(logging.DEBUG):
        result = steps.collect(config, "reddit", "llama-4", SINCE, UNTIL)
    assert result.status == "failed"
    assert "REDDIT_CLIENT_SECRET" in result.error and "REDDIT_SITE" in result.error
    output = capsys.readouterr()
    for text in (result.error, caplog.text, output.out, output.err):
        assert wrong not in text and CLIENT_SECRET not in text


def test_malformed_objects_go_to_quarantine_and_the_batch_goes_on(httpserver, tmp_path) -> None:
    fake = launch_thread()
    fake.comments.append(t1("bad1", LAUNCH + 2500, "ok", "s0", created_utc="yesterday"))
    config = reddit_config(httpserver, tmp_path / "lw.duckdb", fake)
    result = steps.collect(config, "reddit", "llama-4", SINCE, UNTIL)
    assert result.status == "ok" and result.counts.quarantined == 1 and result.counts.inserted == 14
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        reason = con.execute("SELECT reason FROM quarantine").fetchone()[0]
    assert "created_utc" in reason and "t1_bad1" in reason


def test_credentials_come_from_the_three_variables_or_a_praw_ini_site() -> None:
    assert settings(environ={}).missing_credentials("reddit") == ["REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT"]
    assert settings(environ={"REDDIT_SITE": "launchwatch"}).missing_credentials("reddit") == []
    full = {"REDDIT_CLIENT_ID": "a", "REDDIT_CLIENT_SECRET": "b", "REDDIT_USER_AGENT": "c"}
    assert settings(environ=full).options("reddit") == {"client_id": "a", "client_secret": "b", "user_agent": "c"}


def test_a_failed_source_is_recorded_and_the_next_source_completes(httpserver, tmp_path) -> None:
    from fakes.x import BEARER, FakeX
    from fakes.x import tweet as x_tweet

    fake = launch_thread()
    praw_urls = fake.install(httpserver)
    x_fake = FakeX(tweets=[x_tweet(1908600000000000001, LAUNCH + 60, "llama 4 is out")])
    config = settings(tmp_path / "lw.duckdb", environ={
        "REDDIT_CLIENT_ID": CLIENT_ID, "REDDIT_CLIENT_SECRET": "wrong", "REDDIT_USER_AGENT": USER_AGENT,
        "LAUNCHWATCH_REDDIT_OAUTH_URL": praw_urls["oauth_url"], "LAUNCHWATCH_REDDIT_URL": praw_urls["reddit_url"],
        "X_BEARER_TOKEN": BEARER, "LAUNCHWATCH_X_URL": x_fake.install(httpserver),
    })
    steps.prepare(config)
    failed = steps.collect(config, "reddit", "llama-4", SINCE, UNTIL)
    done = steps.collect(config, "x", "llama-4", SINCE, UNTIL)
    assert failed.status == "failed" and done.status == "ok" and done.counts.inserted == 1
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        statuses = con.execute("SELECT source, status FROM ingest_runs ORDER BY run_id").fetchall()
        platforms = con.execute("SELECT DISTINCT platform FROM posts").fetchall()
    assert statuses == [("reddit", "failed"), ("x", "ok")] and platforms == [("x",)]


def test_a_forbidden_subreddit_is_named_as_such(httpserver) -> None:
    fake = launch_thread()
    fake.failures = deque([(403, {}, json.dumps({"reason": "private", "message": "Forbidden", "error": 403}))])
    with pytest.raises(SourceError, match="403.*private, banned or quarantined") as refused:
        fetch_all(extractor(fake, httpserver), "llama 4")
    assert not isinstance(refused.value, AuthError)
