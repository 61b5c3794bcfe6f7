"""Hacker News extractor, HTTP layer, HTML-to-text and language detection.

The Algolia API is played by a loopback server (pytest-httpserver) answering with
`extractors.replay.AlgoliaIndex`, i.e. responses in the real `search_by_date` shape.

Golden files: `tests/fixtures/hackernews/<name>.json` holds one hit and
`<name>.expected.json` what `normalize` makes of it. After an intended change in normalization,
regenerate them with `LAUNCHWATCH_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_hackernews.py -k golden`
and review the diff before committing.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import socket
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from werkzeug import Request, Response

from extractors import REGISTRY, NormalizeError, RawItem, SearchQuery, get_extractor
from extractors.hackernews import HackerNewsExtractor, normalize
from extractors.http import SourceError, get_json, make_client
from extractors.lang import detect_lang
from extractors.replay import AlgoliaIndex
from extractors.text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "hackernews"
REGEN = os.environ.get("LAUNCHWATCH_REGEN_GOLDEN") == "1"
COLLECTED = datetime(2025, 4, 9, 12, 0, tzinfo=timezone.utc)
LAUNCH = 1743879644  # 2025-04-05T19:00:44Z
SINCE = datetime.fromtimestamp(LAUNCH, timezone.utc)
UNTIL = SINCE + timedelta(days=3)
API = "/api/v1/search_by_date"


def story(object_id: int, created: int, title: str = "Llama 4 is out", **extra: object) -> dict:
    hit = {
        "_highlightResult": {"title": {"value": title, "matchLevel": "none", "matchedWords": []}},
        "_tags": ["story", "author_alice", f"story_{object_id}"],
        "author": "alice",
        "children": [],
        "created_at": datetime.fromtimestamp(created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "created_at_i": created,
        "num_comments": 0,
        "objectID": str(object_id),
        "points": 1,
        "story_id": object_id,
        "title": title,
        "updated_at": "2025-04-20T00:00:00Z",
        "url": f"https://example.com/{object_id}",
    }
    return {**hit, **extra}


def comment(object_id: int, created: int, text: str, story_id: int, parent_id: int | None = None) -> dict:
    return {
        "_highlightResult": {"comment_text": {"value": text, "matchLevel": "none", "matchedWords": []}},
        "_tags": ["comment", "author_bob", f"story_{story_id}"],
        "author": "bob",
        "children": [],
        "comment_text": text,
        "created_at": datetime.fromtimestamp(created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "created_at_i": created,
        "objectID": str(object_id),
        "parent_id": parent_id or story_id,
        "points": None,
        "story_id": story_id,
        "story_title": "Llama 4 is out",
        "updated_at": "2025-04-20T00:00:00Z",
    }


def serve(httpserver, hits: list[dict]) -> str:
    """Base URL of a loopback Algolia answering search_by_date over `hits`."""
    index = AlgoliaIndex(hits)

    def handler(request: Request) -> Response:
        body = index.search_by_date(request.args.to_dict())
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request(API).respond_with_handler(handler)
    return httpserver.url_for("/api/v1")


def requests_made(httpserver) -> list[dict[str, str]]:
    return [{key: values[0] for key, values in parse_qs(urlsplit(req.url).query, keep_blank_values=True).items()} for req, _ in httpserver.log]


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


# Golden files for normalize ---------------------------------------------------------------


def _post_json(post) -> dict:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in asdict(post).items()}


@pytest.mark.parametrize(
    "payload_path", sorted(p for p in FIXTURES.glob("*.json") if not p.name.endswith(".expected.json")), ids=lambda p: p.stem
)
def test_normalize_matches_golden_file(payload_path: Path) -> None:
    hit = json.loads(payload_path.read_text(encoding="utf-8"))
    before = copy.deepcopy(hit)
    raw = RawItem(source="hackernews", payload=hit, query="llama 4", fetched_at=COLLECTED)
    try:
        actual = {"post": _post_json(normalize(raw, COLLECTED))}
    except NormalizeError as error:
        actual = {"error": str(error)}
    assert hit == before, "normalize must not mutate its input"
    expected_path = payload_path.with_name(payload_path.stem + ".expected.json")
    if REGEN:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"missing {expected_path.name}; run with LAUNCHWATCH_REGEN_GOLDEN=1"
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))
    assert payload_path.stem.startswith("bad_") == ("error" in actual)


def test_normalize_story_and_comment_fields() -> None:
    link = normalize(RawItem("hackernews", json.loads((FIXTURES / "story_link.json").read_text()), "q", COLLECTED), COLLECTED)
    assert (link.post_id, link.thread_id, link.parent_id, link.text) == ("hackernews:43595585", None, None, "")
    assert link.url == "https://news.ycombinator.com/item?id=43595585"  # the discussion, not the article
    assert (link.score, link.replies, link.lang) == (1312, 600, "en")
    assert link.created_at == datetime(2025, 4, 5, 19, 20, 44, tzinfo=timezone.utc)
    reply = normalize(RawItem("hackernews", json.loads((FIXTURES / "comment_chinese.json").read_text()), "q", COLLECTED), COLLECTED)
    assert (reply.thread_id, reply.parent_id, reply.title, reply.replies) == ("hackernews:43595585", "hackernews:43596001", None, None)
    assert reply.url == "https://news.ycombinator.com/item?id=43597002"
    assert reply.lang == "zh" and reply.collector == HackerNewsExtractor.collector


@pytest.mark.parametrize(
    "name, reason",
    [
        ("bad_missing_object_id", "no usable objectID"),
        ("bad_poll_tags", "neither a story nor a comment"),
        ("bad_points_dict", "expected points to be int or null, found dict"),
        ("bad_created_at_i_string", "expected created_at_i as positive Unix seconds"),
        ("bad_created_at_unparseable", "not an ISO 8601 time"),
        ("bad_no_time", "no creation time"),
        ("bad_deleted_comment", "no text and no title"),
        ("bad_text_only_markup", "no text and no title"),
        ("bad_missing_parent", "expected parent_id to be a positive item id"),
        ("bad_title_number", "expected title to be str or null, found int"),
    ],
)
def test_normalize_rejects_malformed_hits_with_reason(name: str, reason: str) -> None:
    hit = json.loads((FIXTURES / f"{name}.json").read_text())
    with pytest.raises(NormalizeError, match=reason):
        normalize(RawItem("hackernews", hit, "q", COLLECTED), COLLECTED)


# fetch --------------------------------------------------------------------------------------


def test_fetch_paginates_through_every_page(httpserver) -> None:
    hits = [story(1000 + i, LAUNCH + i) for i in range(250)]
    extractor = HackerNewsExtractor(base_url=serve(httpserver, hits), hits_per_page=100)
    items = [item for item in extractor.fetch(SearchQuery(terms=("llama 4",)), SINCE, UNTIL) if "story" in item.payload["_tags"]]
    assert sorted(int(item.payload["objectID"]) for item in items) == list(range(1000, 1250))
    story_pages = [r["page"] for r in requests_made(httpserver) if r["tags"] == "story"]
    assert story_pages == ["0", "1", "2"]
    assert all(item.query == "llama 4" and item.fetched_at.tzinfo is not None for item in items)


def test_fetch_walks_the_window_past_algolias_1000_hit_cap(httpserver) -> None:
    # Three hits per second, so window cuts fall inside a second: nothing may be lost there.
    hits = [comment(5000 + i, LAUNCH + i // 3, "llama 4 take", story_id=1) for i in range(2600)]
    extractor = HackerNewsExtractor(base_url=serve(httpserver, hits), hits_per_page=500)
    items = list(extractor.fetch(SearchQuery(terms=("llama 4",)), SINCE, UNTIL))
    ids = [int(item.payload["objectID"]) for item in items if item.query == "llama 4"]
    assert sorted(ids) == list(range(5000, 7600)), "every hit exactly once"
    comment_filters = [r["numericFilters"] for r in requests_made(httpserver) if r["tags"] == "comment"]
    uppers = sorted({f.split("created_at_i<")[1] for f in comment_filters}, key=int, reverse=True)
    assert len(uppers) == 3 and int(uppers[0]) == int(UNTIL.timestamp())
    assert all(f.startswith(f"created_at_i>={LAUNCH},") for f in comment_filters)


def test_fetch_collects_comments_of_matched_and_known_stories(httpserver) -> None:
    hits = [
        story(100, LAUNCH + 10, "Llama 4 launch"),
        story(200, LAUNCH + 20, "Unrelated knitting"),
        story(300, LAUNCH + 30, "Also unrelated"),
        comment(101, LAUNCH + 40, "Nice weights.", story_id=100),
        comment(201, LAUNCH + 50, "Nice wool.", story_id=200),
        comment(301, LAUNCH + 60, "Known thread reply.", story_id=300),
        comment(102, LAUNCH - 60, "Before the window.", story_id=100),
    ]
    extractor = HackerNewsExtractor(base_url=serve(httpserver, hits))
    items = list(extractor.fetch(SearchQuery(terms=("llama 4",), thread_ids=("300",)), SINCE, UNTIL))
    assert {item.payload["objectID"]: item.query for item in items} == {
        "100": "llama 4",
        "101": "thread:100",
        "301": "thread:300",
    }
    thread_request = [r for r in requests_made(httpserver) if r["tags"].startswith("comment,(")]
    assert thread_request[0]["tags"] == "comment,(story_300,story_100)" and thread_request[0]["query"] == ""


def test_fetch_deduplicates_hits_found_by_several_terms(httpserver) -> None:
    hits = [story(100, LAUNCH + 10, "Llama 4 launch, llama4 weights"), comment(101, LAUNCH + 40, "llama4 llama 4", story_id=100)]
    extractor = HackerNewsExtractor(base_url=serve(httpserver, hits))
    items = list(extractor.fetch(SearchQuery(terms=("llama 4", "llama4")), SINCE, UNTIL))
    assert sorted(item.payload["objectID"] for item in items) == ["100", "101"]


def test_malformed_hits_fail_alone_while_good_hits_in_the_page_come_through(httpserver) -> None:
    payloads = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json")) if not p.name.endswith(".expected.json")]
    body = {"hits": payloads, "nbHits": len(payloads), "page": 0, "nbPages": 1, "hitsPerPage": 100,
            "exhaustiveNbHits": True, "query": "", "params": "", "processingTimeMS": 1}
    httpserver.expect_request(API).respond_with_json(body)
    extractor = HackerNewsExtractor(base_url=httpserver.url_for("/api/v1"))
    posts, reasons = [], []
    for raw in extractor.fetch(SearchQuery(terms=(), thread_ids=("43595585",)), SINCE, UNTIL):
        try:
            posts.append(extractor.normalize(raw, COLLECTED))
        except NormalizeError as error:
            reasons.append(str(error))
    assert len(posts) == 6 and len(reasons) == 10
    assert all(reason for reason in reasons)


def test_fetch_rejects_a_response_that_is_not_a_search_result(httpserver) -> None:
    httpserver.expect_request(API).respond_with_json({"message": "unexpected"})
    extractor = HackerNewsExtractor(base_url=httpserver.url_for("/api/v1"))
    with pytest.raises(SourceError, match="expected an Algolia search response"):
        list(extractor.fetch(SearchQuery(terms=("llama 4",)), SINCE, UNTIL))


def test_fetch_validates_its_window() -> None:
    extractor = HackerNewsExtractor(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    with pytest.raises(ValueError, match="since must be before until"):
        list(extractor.fetch(SearchQuery(terms=("x",)), UNTIL, SINCE))
    with pytest.raises(ValueError, match="timezone-aware"):
        list(extractor.fetch(SearchQuery(terms=("x",)), SINCE.replace(tzinfo=None), UNTIL))


# HTTP layer ---------------------------------------------------------------------------------


def test_429_waits_the_retry_after_seconds_then_succeeds(httpserver, caplog) -> None:
    httpserver.expect_oneshot_request("/ok").respond_with_json(
        {"message": "rate limited", "status": 429}, status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/ok").respond_with_json({"hits": []})
    sleep = RecordingSleep()
    with make_client(httpserver.url_for("/")) as client, caplog.at_level(logging.WARNING):
        body = get_json(client, "ok", {}, source="hackernews", sleep=sleep)
    assert body == {"hits": []} and sleep.waits == [7.0]
    assert "hackernews: 429, waiting 7.0s (Retry-After" in caplog.text


def test_retry_after_as_http_date_and_capped_at_max_wait(httpserver) -> None:
    in_30s = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    httpserver.expect_ordered_request("/x").respond_with_data("", status=429, headers={"Retry-After": in_30s})
    httpserver.expect_ordered_request("/x").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": True})
    sleep = RecordingSleep()
    with make_client(httpserver.url_for("/")) as client:
        assert get_json(client, "x", {}, sleep=sleep, max_wait=60.0) == {"ok": True}
    assert 27.0 <= sleep.waits[0] <= 30.0 and sleep.waits[1] == 60.0


def test_5xx_is_retried_with_backoff_then_raises_source_error(httpserver) -> None:
    httpserver.expect_request("/down").respond_with_json({"message": "unavailable", "status": 503}, status=503)
    sleep = RecordingSleep()
    with make_client(httpserver.url_for("/")) as client, pytest.raises(SourceError) as raised:
        get_json(client, "down", {}, source="hackernews", max_attempts=3, sleep=sleep)
    assert len(httpserver.log) == 3 and sleep.waits == [1.0, 2.0]
    assert raised.value.source == "hackernews" and "failed 3 times, last with 503" in str(raised.value)


def test_refused_credentials_fail_at_once(httpserver) -> None:
    httpserver.expect_request("/private").respond_with_json({"message": "Invalid API key", "status": 403}, status=403)
    sleep = RecordingSleep()
    with make_client(httpserver.url_for("/")) as client, pytest.raises(SourceError, match="credentials were refused"):
        get_json(client, "private", {}, source="hackernews", sleep=sleep)
    assert len(httpserver.log) == 1 and sleep.waits == []


def test_bad_request_fails_at_once_with_the_servers_message(httpserver) -> None:
    httpserver.expect_request("/bad").respond_with_json({"message": "Invalid numericFilters", "status": 400}, status=400)
    with make_client(httpserver.url_for("/")) as client, pytest.raises(SourceError, match="HTTP 400.*Invalid numericFilters"):
        get_json(client, "bad", {}, sleep=RecordingSleep())
    assert len(httpserver.log) == 1


def test_connection_errors_are_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    sleep = RecordingSleep()
    with make_client(f"http://127.0.0.1:{closed_port}/", timeout=2.0) as client:
        with pytest.raises(SourceError, match="connection error") as raised:
            get_json(client, "x", {}, source="hackernews", max_attempts=2, sleep=sleep)
    assert sleep.waits == [1.0] and "failed 2 times" in str(raised.value)


def test_non_json_body_is_a_clear_error(httpserver) -> None:
    httpserver.expect_request("/html").respond_with_data("<html>maintenance</html>", content_type="text/html")
    with make_client(httpserver.url_for("/")) as client, pytest.raises(SourceError, match="expected a JSON object.*text/html"):
        get_json(client, "html", {}, sleep=RecordingSleep())


# Registry and query -------------------------------------------------------------------------


def test_registry_builds_extractors_by_name() -> None:
    assert REGISTRY["hackernews"] is HackerNewsExtractor
    assert isinstance(get_extractor("hackernews", hits_per_page=50), HackerNewsExtractor)
    with pytest.raises(LookupError, match="no extractor named 'mastodon'; known extractors: .*hackernews"):
        get_extractor("mastodon")


def test_search_query_rejects_a_bare_string_and_an_empty_query() -> None:
    with pytest.raises(TypeError, match="tuple of str"):
        SearchQuery(terms="llama 4")
    with pytest.raises(ValueError, match="at least one search term or one thread id"):
        SearchQuery(terms=())


# HTML to text and language -------------------------------------------------------------------


@pytest.mark.parametrize(
    "html, text",
    [
        ("It&#x27;s &quot;fine&quot; &gt; 2 &amp; 3", "It's \"fine\" > 2 & 3"),
        ("First.<p>Second.<p>Third.", "First.\n\nSecond.\n\nThird."),
        ("<p>Wrapped</p>\n<p>  spaced   out\n text </p>", "Wrapped\n\nspaced out text"),
        (
            '<a href="https:&#x2F;&#x2F;example.com&#x2F;a&#x2F;long&#x2F;path" rel="nofollow">https:&#x2F;&#x2F;example.com&#x2F;a&#x2F;...</a>',
            "https://example.com/a/long/path",
        ),
        ('see <a href="https://example.com/page">the paper</a>.', "see the paper."),
        ("Run:<p><pre><code>  x = 1\n  if x &gt; 0:\n      print(x)\n</code></pre>Done.", "Run:\n\n  x = 1\n  if x > 0:\n      print(x)\n\nDone."),
        ("line one<br>line two", "line one\nline two"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Llama 4 Maverick is a regression compared to Llama 3.3", "en"),
        ("Llama-4-Maverick 在 LMArena 上的排名和开源版本完全不一样", "zh"),
        ("An English post that names 通义千问3 once in passing.", "en"),
        ("ラマ4の性能はひどい", "ja"),
        ("Это русский текст", "und"),
        ("15.6% !!!", "und"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_timeouts_are_retried_like_server_errors() -> None:
    calls: list[int] = []

    def slow_then_ok(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("read timed out", request=request)
        return httpx.Response(200, json={"ok": True})

    sleep = RecordingSleep()
    with make_client("https://hn.algolia.com/api/v1", transport=httpx.MockTransport(slow_then_ok)) as client:
        assert get_json(client, "search_by_date", {}, sleep=sleep) == {"ok": True}
    assert len(calls) == 2 and sleep.waits == [1.0]
