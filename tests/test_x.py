"""X extractor: tweepy's Client against a loopback X API v2 (tests/fakes/x.py), and the normalizer.

tweepy builds its URLs on https://api.twitter.com; the extractor's `host` mounts a requests
adapter on tweepy's session that sends them to the fake, so tweepy's own request, error and
pagination code runs unchanged.

Golden files: `tests/fixtures/x/<name>.json` and `<name>.expected.json`; regenerate with
`LAUNCHWATCH_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_x.py -k golden` and review the diff.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import deque
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from fakes.x import BEARER, FakeX, problem, tweet

from extractors import REGISTRY, NormalizeError, RawItem, SearchQuery
from extractors.http import AuthError, SourceError
from extractors.x import XExtractor, flatten_page, normalize
from flows import steps
from flows.config import settings

FIXTURES = Path(__file__).parent / "fixtures" / "x"
REGEN = os.environ.get("LAUNCHWATCH_REGEN_GOLDEN") == "1"
COLLECTED = datetime(2025, 4, 9, 12, 0, tzinfo=timezone.utc)
LAUNCH = 1743879644
SINCE = datetime.fromtimestamp(LAUNCH, timezone.utc)
UNTIL = SINCE + timedelta(days=3)
NOW = UNTIL + timedelta(days=1)  # the windows below are within X's 7-day recent search


def extractor(fake: FakeX, httpserver, token: str = BEARER, sleeps: list | None = None, now: datetime = NOW, **options) -> XExtractor:
    recorded = sleeps if sleeps is not None else []
    return XExtractor(token, host=fake.install(httpserver), max_results=10, sleep=recorded.append, clock=lambda: now, **options)


def fetch_all(ex: XExtractor, *terms: str, since=SINCE, until=UNTIL) -> list[RawItem]:
    with ex:
        return list(ex.fetch(SearchQuery(terms=terms), since, until))


def launch_tweets() -> FakeX:
    tweets = [tweet(1908600000000000000 + i, LAUNCH + 600 * i, f"llama 4 take {i}", author="1001" if i % 2 else "1002") for i in range(25)]
    tweets.append(tweet(1908500000000000000, LAUNCH - 100, "llama 4 before the window"))
    tweets.append(tweet(1908700000000000000, LAUNCH + 3 * 86400 + 5, "llama 4 after the window"))
    tweets.append(tweet(1908600000000000099, LAUNCH + 700, "unrelated gemini talk"))
    return FakeX(tweets=tweets)


@pytest.mark.parametrize("payload_path", sorted(p for p in FIXTURES.glob("*.json") if not p.name.endswith(".expected.json")), ids=lambda p: p.stem)
def test_normalize_matches_golden_file(payload_path: Path) -> None:
    payload = json.loads(payload_path.read_text(encoding="utf-8"))
    raw = RawItem(source="x", payload=payload, query="llama 4", fetched_at=COLLECTED)
    try:
        result = {"post": json.loads(json.dumps(asdict(normalize(raw, COLLECTED)), default=str))}
    except NormalizeError as error:
        result = {"error": str(error)}
    expected_path = payload_path.with_name(payload_path.stem + ".expected.json")
    if REGEN:
        expected_path.write_text(json.dumps(result, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"missing {expected_path.name}; run with LAUNCHWATCH_REGEN_GOLDEN=1"
    assert result == json.loads(expected_path.read_text(encoding="utf-8"))
    assert json.loads(payload_path.read_text(encoding="utf-8")) == payload


def test_flatten_page_attaches_authors_from_includes() -> None:
    page = {"data": [tweet(5, LAUNCH, "a", author="1002"), tweet(6, LAUNCH, "b", author="999")],
            "includes": {"users": [{"id": "1002", "username": "lmarena_ai", "name": "LMArena"}]}, "meta": {"result_count": 2}}
    flat = list(flatten_page(page))
    assert flat[0]["author"]["username"] == "lmarena_ai" and "author" not in flat[1]
    assert "author" not in page["data"][0]


def test_fetch_pages_to_the_end_within_the_window(httpserver) -> None:
    fake = launch_tweets()
    items = fetch_all(extractor(fake, httpserver), "llama 4")
    ids = [item.payload["id"] for item in items]
    assert ids == [str(1908600000000000000 + i) for i in reversed(range(25))]
    assert all(item.payload["author"]["username"] in ("ada_bench", "lmarena_ai") for item in items)
    assert len(fake.requests) == 3 and "/2/tweets/search/recent" in fake.requests[0]
    first = fake.requests[0]
    for expected in ("query=%28llama+4%29+-is%3Aretweet", "expansions=author_id", "conversation_id", "public_metrics", "referenced_tweets", "start_time=2025-04-05T19%3A00%3A44Z"):
        assert expected in first
    assert "next_token=b26v89c19zqg8o3f10" in fake.requests[1]


def test_old_windows_use_full_archive_search(httpserver) -> None:
    fake = launch_tweets()
    items = fetch_all(extractor(fake, httpserver, now=SINCE + timedelta(days=30)), "llama 4")
    assert len(items) == 25 and "/2/tweets/search/all" in fake.requests[0]


def test_full_archive_refused_by_the_tier_says_what_to_do(httpserver) -> None:
    fake = launch_tweets()
    fake.full_archive = False
    with pytest.raises(SourceError, match="client-not-enrolled.*needs full-archive search.*launchwatch import"):
        fetch_all(extractor(fake, httpserver, now=SINCE + timedelta(days=30)), "llama 4")


def test_a_429_waits_until_the_stated_reset_bounded_and_logged(httpserver, caplog) -> None:
    fake = launch_tweets()
    reset = int(NOW.timestamp()) + 5
    headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    fake.failures = deque([(429, headers, problem(429, "Too Many Requests", "Too Many Requests"))] * 2)
    sleeps: list[float] = []
    with caplog.at_level(logging.WARNING):
        items = fetch_all(extractor(fake, httpserver, sleeps=sleeps, max_wait=3), "llama 4")
    assert len(items) == 25
    assert sleeps == [3, 3]  # 6 s asked for (reset + 1), capped at max_wait
    assert "HTTP 429" in caplog.text and "waiting 3.0s (x-rate-limit-reset" in caplog.text


def test_server_errors_are_retried_then_the_source_fails(httpserver) -> None:
    fake = launch_tweets()
    fake.failures = deque([(503, {}, problem(503, "Service Unavailable", "Service Unavailable"))] * 3)
    sleeps: list[float] = []
    with pytest.raises(SourceError, match="failed 3 times, last with HTTP 503"):
        fetch_all(extractor(fake, httpserver, sleeps=sleeps, max_attempts=3), "llama 4")
    assert sleeps == [2.0, 4.0]


def test_a_timeout_is_retried(httpserver) -> None:
    fake = launch_tweets()
    base = fake.install(httpserver)
    calls = []

    def slow_then_fine(request):
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.6)
        return fake._search(request)

    httpserver.clear()
    httpserver.expect_request("/2/tweets/search/recent").respond_with_handler(slow_then_fine)
    sleeps: list[float] = []

    def backoff(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(0.5)  # the one-threaded fake finishes the stalled answer before the retry

    ex = XExtractor(BEARER, host=base, max_results=10, timeout=0.3, sleep=backoff, clock=lambda: NOW)
    assert len(fetch_all(ex, "llama 4")) == 25 and sleeps == [2.0]


def test_a_refused_token_stops_at_once_without_printing_it(httpserver, caplog) -> None:
    fake = launch_tweets()
    wrong = BEARER + "x"
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError):
        fetch_all(extractor(fake, httpserver, token=wrong), "llama 4")
    assert "Making API request" in caplog.text  # tweepy's debug log ran, with the token redacted
    assert BEARER not in caplog.text and len(fake.requests) == 1


def test_registry_knows_x() -> None:
    assert REGISTRY["x"] is XExtractor


def x_config(httpserver, db: Path, fake: FakeX, token: str = BEARER):
    config = settings(db, environ={"X_BEARER_TOKEN": token, "LAUNCHWATCH_X_URL": fake.install(httpserver)})
    steps.prepare(config)
    return config


def test_the_next_run_resumes_from_the_cursor_without_duplicates_or_gaps(httpserver, tmp_path) -> None:
    fake = launch_tweets()
    config = x_config(httpserver, tmp_path / "lw.duckdb", fake)
    # By the real clock this window is more than 7 days old, so it goes through full-archive search.
    first = steps.collect(config, "x", "llama-4", SINCE, UNTIL)
    fake.tweets.append(tweet(1908800000000000000, LAUNCH + 3 * 86400 + 60, "llama 4 one more"))
    second = steps.collect(config, "x", "llama-4", None, UNTIL + timedelta(days=1))
    assert first.status == "ok", first.error
    assert second.status == "ok", second.error
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        ids = [row[0] for row in con.execute("SELECT post_id FROM posts").fetchall()]
    assert len(ids) == len(set(ids)) == 27
    assert second.counts.inserted == 2  # the tweet after the first window, and the new one


def test_a_refused_token_fails_the_source_naming_the_variable(httpserver, tmp_path, caplog, capsys) -> None:
    wrong = BEARER + "x"
    config = x_config(httpserver, tmp_path / "lw.duckdb", launch_tweets(), token=wrong)
    with caplog.at_level(logging.DEBUG):
        result = steps.collect(config, "x", "llama-4", SINCE, UNTIL)
    assert result.status == "failed" and "X_BEARER_TOKEN" in result.error
    output = capsys.readouterr()
    for text in (result.error, caplog.text, output.out, output.err):
        assert BEARER not in text


def test_malformed_tweets_go_to_quarantine_and_the_batch_goes_on(httpserver, tmp_path) -> None:
    fake = launch_tweets()
    fake.tweets.append(tweet(1908600000000000098, LAUNCH + 800, "llama 4 broken", created_at="April 6th"))
    config = x_config(httpserver, tmp_path / "lw.duckdb", fake)
    result = steps.collect(config, "x", "llama-4", SINCE, UNTIL)
    assert result.status == "ok" and result.counts.quarantined == 1 and result.counts.inserted == 25
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        assert "created_at" in con.execute("SELECT reason FROM quarantine").fetchone()[0]
