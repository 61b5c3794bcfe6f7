"""Bluesky extractor (atproto SDK) against a loopback XRPC server.

`FakeBluesky` serves `app.bsky.feed.searchPosts` (q, since, until, sort=latest, limit, cursor)
and `com.atproto.server.createSession` in the lexicons' JSON shapes, with XRPC error bodies
(`{"error", "message"}`) and the `ratelimit-*` headers the AppView sends.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import httpx
import pytest
from werkzeug import Request, Response

from extractors import SearchQuery
from extractors.bluesky import BlueskyExtractor, normalize
from extractors.http import AuthError, SourceError
from flows import steps
from flows.config import MissingCredentials, settings
from golden import check_golden, payload_files

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
COLLECTED = datetime(2025, 4, 9, 12, 0, tzinfo=timezone.utc)
SINCE = datetime(2025, 4, 5, 19, 0, tzinfo=timezone.utc)
UNTIL = datetime(2025, 4, 8, tzinfo=timezone.utc)
HANDLE, PASSWORD = "launchwatch.bsky.social", "abcd-efgh-ijkl-mnop"


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_post(n: int, created: datetime, text: str) -> dict:
    did = f"did:plc:user{n % 7}"
    return {
        "uri": f"at://{did}/app.bsky.feed.post/3lm{n:07d}",
        "cid": f"bafyreicid{n}",
        "author": {"did": did, "handle": f"user{n % 7}.bsky.social", "displayName": "", "labels": [], "createdAt": "2023-01-01T00:00:00.000Z"},
        "record": {"$type": "app.bsky.feed.post", "createdAt": iso(created), "langs": ["en"], "text": text},
        "replyCount": 0, "repostCount": 0, "likeCount": n % 5, "quoteCount": 0,
        "indexedAt": iso(created + timedelta(seconds=2)), "labels": [],
    }


def reply_to(post: dict, root: dict, n: int, created: datetime, text: str) -> dict:
    reply = make_post(n, created, text)
    reply["record"]["reply"] = {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": {"uri": post["uri"], "cid": post["cid"]}}
    post["replyCount"] = post.get("replyCount", 0) + 1
    return reply


def jwt(did: str) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    now = int(time.time())
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part({'scope': 'com.atproto.appPass', 'sub': did, 'iat': now, 'exp': now + 7200, 'aud': 'did:web:bsky.social'})}.c2ln"


class FakeBluesky:
    PAGE_LIMIT = 100

    def __init__(self, require_login: bool = False) -> None:
        self.posts: list[dict] = []
        self.require_login = require_login
        self.searches: list[dict] = []
        self.threads: list[str] = []

    def __call__(self, request: Request) -> Response:
        if request.path == "/xrpc/com.atproto.server.createSession":
            body = request.get_json()
            if (body.get("identifier"), body.get("password")) != (HANDLE, PASSWORD):
                return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
            did = "did:plc:launchwatch"
            return xrpc({"did": did, "handle": HANDLE, "accessJwt": jwt(did), "refreshJwt": jwt(did), "active": True})
        if request.path == "/xrpc/app.bsky.feed.getPostThread":
            self.threads.append(request.args["uri"])
            root = next((post for post in self.posts if post["uri"] == request.args["uri"]), None)
            if root is None:
                return xrpc_error(400, "NotFound", f"Post not found: {request.args['uri']}")
            return xrpc({"thread": self.thread_view(root, int(request.args.get("depth", 6)))})
        if request.path == "/xrpc/app.bsky.feed.searchPosts":
            if self.require_login and not request.headers.get("Authorization", "").startswith("Bearer "):
                return xrpc_error(403, "Forbidden", "Search is only available to logged-in users")
            return xrpc(self.search(request.args.to_dict()))
        return xrpc_error(501, "MethodNotImplemented", f"Method Not Implemented: {request.path}")

    def thread_view(self, post: dict, depth: int) -> dict:
        children = [p for p in self.posts if (p["record"].get("reply") or {}).get("parent", {}).get("uri") == post["uri"]]
        view = {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, "threadContext": {}}
        if depth > 0:
            view["replies"] = [self.thread_view(child, depth - 1) for child in children]
            view["replies"].append({"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://did:plc:blocked/app.bsky.feed.post/1",
                                    "blocked": True, "author": {"did": "did:plc:blocked", "viewer": {"blockedBy": True}}})
        return view

    def search(self, params: dict) -> dict:
        self.searches.append(params)
        words = params["q"].casefold().split()
        since = datetime.fromisoformat(params["since"].replace("Z", "+00:00"))
        until = datetime.fromisoformat(params["until"].replace("Z", "+00:00"))
        hits = [
            post for post in self.posts
            if all(word in post["record"]["text"].casefold() for word in words)
            and since <= datetime.fromisoformat(post["indexedAt"].replace("Z", "+00:00")) - timedelta(seconds=2) < until
        ]
        hits.sort(key=lambda post: post["indexedAt"], reverse=True)
        start, limit = int(params.get("cursor") or 0), min(int(params.get("limit", 25)), self.PAGE_LIMIT)
        page = hits[start : start + limit]
        body = {"hitsTotal": len(hits), "posts": page}
        if start + limit < len(hits):
            body["cursor"] = str(start + limit)
        return body


def xrpc(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    limits = {"ratelimit-limit": "3000", "ratelimit-remaining": "2999", "ratelimit-reset": str(int(time.time()) + 300), "ratelimit-policy": "3000;w=300"}
    return Response(json.dumps(body), status=status, headers={**limits, **(headers or {})}, content_type="application/json; charset=utf-8")


def xrpc_error(status: int, error: str, message: str, headers: dict | None = None) -> Response:
    return xrpc({"error": error, "message": message}, status, headers)


def extractor_for(httpserver, fake: FakeBluesky, **kwargs) -> BlueskyExtractor:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    return BlueskyExtractor(base_url=httpserver.url_for("/"), sleep=kwargs.pop("sleep", RecordingSleep()), **kwargs)


# Golden files ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload_path", payload_files(FIXTURES), ids=lambda p: p.stem)
def test_normalize_matches_golden_file(payload_path: Path) -> None:
    check_golden(payload_path, "bluesky", normalize, COLLECTED)


def test_replies_point_at_their_thread_and_urls_open_on_bsky_app() -> None:
    root = check_golden(FIXTURES / "post_root.json", "bluesky", normalize, COLLECTED)["post"]
    reply = check_golden(FIXTURES / "post_reply.json", "bluesky", normalize, COLLECTED)["post"]
    assert root["url"] == "https://bsky.app/profile/aiwatcher.bsky.social/post/3lm5ttxygz22k"
    assert (root["score"], root["replies"], root["thread_id"]) == (154, 12, None)
    assert reply["thread_id"] == reply["parent_id"] == f"bluesky:{root['native_id']}"
    assert reply["url"] == "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/3lm5uaa2c3k2b", "an invalid handle falls back to the DID"


# fetch -----------------------------------------------------------------------------------


def test_search_follows_the_cursor_to_the_end_and_keeps_each_post_once(httpserver) -> None:
    fake = FakeBluesky()
    fake.posts = [make_post(n, SINCE + timedelta(minutes=n), f"llama 4 take number {n}") for n in range(250)]
    fake.posts.append(make_post(999, SINCE - timedelta(hours=1), "llama 4 before the window"))
    extractor = extractor_for(httpserver, fake)

    items = list(extractor.fetch(SearchQuery(terms=("llama 4", "llama")), SINCE, UNTIL))

    uris = [item.payload["uri"] for item in items]
    assert len(uris) == len(set(uris)) == 250
    first_term = [s for s in fake.searches if s["q"] == "llama 4"]
    assert [s.get("cursor") for s in first_term] == [None, "100", "200"]
    assert first_term[0]["sort"] == "latest" and first_term[0]["limit"] == "100"
    assert first_term[0]["since"] == "2025-04-05T19:00:00.000Z" and first_term[0]["until"] == "2025-04-08T00:00:00.000Z"


def test_replies_under_matched_and_known_threads_are_collected_even_without_the_terms(httpserver) -> None:
    fake = FakeBluesky()
    root = make_post(1, SINCE + timedelta(hours=1), "llama 4 is out")
    first = reply_to(root, root, 2, SINCE + timedelta(hours=2), "meh, benchmarks look gamed")
    nested = reply_to(first, root, 3, SINCE + timedelta(hours=3), "agreed")
    late = reply_to(root, root, 4, UNTIL + timedelta(hours=1), "after the window")
    known = make_post(10, SINCE - timedelta(days=2), "an older thread")
    answer = reply_to(known, known, 11, SINCE + timedelta(hours=5), "still true today")
    quiet = make_post(20, SINCE + timedelta(hours=6), "llama 4 without replies")
    fake.posts = [root, first, nested, late, known, answer, quiet]
    extractor = extractor_for(httpserver, fake)

    items = list(extractor.fetch(SearchQuery(terms=("llama 4",), thread_ids=(known["uri"], "at://did:plc:gone/app.bsky.feed.post/x")), SINCE, UNTIL))

    by_uri = {item.payload["uri"]: item.query for item in items}
    assert set(by_uri) == {root["uri"], quiet["uri"], first["uri"], nested["uri"], answer["uri"]}
    assert by_uri[nested["uri"]] == f"thread:{root['uri']}" and by_uri[answer["uri"]] == f"thread:{known['uri']}"
    assert sorted(fake.threads) == sorted([known["uri"], "at://did:plc:gone/app.bsky.feed.post/x", root["uri"]]), "a post without replies is not walked"


def test_login_uses_the_handle_and_app_password(httpserver) -> None:
    fake = FakeBluesky(require_login=True)
    fake.posts = [make_post(1, SINCE + timedelta(hours=1), "qwen3 is fast")]
    extractor = extractor_for(httpserver, fake, handle=HANDLE, app_password=PASSWORD)
    items = list(extractor.fetch(SearchQuery(terms=("qwen3",)), SINCE, UNTIL))
    assert len(items) == 1


def test_anonymous_search_refused_says_to_log_in(httpserver) -> None:
    extractor = extractor_for(httpserver, FakeBluesky(require_login=True))
    with pytest.raises(AuthError, match="refused anonymous access; log in with a handle and an app password"):
        list(extractor.fetch(SearchQuery(terms=("qwen3",)), SINCE, UNTIL))


def test_429_waits_for_the_ratelimit_reset_and_says_so(httpserver, caplog) -> None:
    fake = FakeBluesky()
    fake.posts = [make_post(1, SINCE + timedelta(hours=1), "gemini 2.5 is good")]
    httpserver.expect_oneshot_request("/xrpc/app.bsky.feed.searchPosts").respond_with_response(
        xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded", {"ratelimit-remaining": "0", "ratelimit-reset": str(int(time.time()) + 3)})
    )
    sleep = RecordingSleep()
    extractor = extractor_for(httpserver, fake, sleep=sleep)
    with caplog.at_level(logging.WARNING):
        items = list(extractor.fetch(SearchQuery(terms=("gemini 2.5",)), SINCE, UNTIL))
    assert len(items) == 1 and len(sleep.waits) == 1 and 1.0 <= sleep.waits[0] <= 3.0
    assert "bluesky: 429 RateLimitExceeded: Rate Limit Exceeded, waiting" in caplog.text and "RateLimit-Reset" in caplog.text


def test_5xx_is_retried_with_backoff_then_fails_the_source(httpserver) -> None:
    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_response(xrpc_error(503, "InternalServerError", "upstream down"))
    sleep = RecordingSleep()
    extractor = BlueskyExtractor(base_url=httpserver.url_for("/"), sleep=sleep)
    with pytest.raises(SourceError, match="failed 5 times, last with 503 InternalServerError"):
        list(extractor.fetch(SearchQuery(terms=("qwq",)), SINCE, UNTIL))
    assert sleep.waits == [1.0, 2.0, 4.0, 8.0]


# through the pipeline ----------------------------------------------------------------------


def configure(httpserver, tmp_path, fake: FakeBluesky, **environ: str):
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    config = settings(tmp_path / "lw.duckdb", environ={"LAUNCHWATCH_BLUESKY_URL": httpserver.url_for("/"), **environ})
    steps.prepare(config)
    return config


def test_the_next_run_resumes_from_the_cursor_without_duplicates_or_gaps(httpserver, tmp_path) -> None:
    fake = FakeBluesky()
    fake.posts = [make_post(n, SINCE + timedelta(hours=n), f"qwen3 note {n}") for n in range(1, 41)]
    config = configure(httpserver, tmp_path, fake)
    middle = SINCE + timedelta(hours=20, minutes=30)
    first = steps.collect(config, "bluesky", "qwen3", SINCE, middle)
    second = steps.collect(config, "bluesky", "qwen3", None, SINCE + timedelta(days=5))
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        stored = con.execute("SELECT count(*), count(DISTINCT native_id) FROM posts").fetchone()
    assert first.counts.inserted == 20 and second.counts.inserted == 20
    assert second.window[0] == SINCE + timedelta(hours=20) - steps.CURSOR_OVERLAP
    assert stored == (40, 40)


def test_a_wrong_app_password_stops_the_source_naming_the_variables_and_never_the_password(httpserver, tmp_path, caplog, capsys) -> None:
    wrong = "zzzz-wrong-pass-word"
    config = configure(httpserver, tmp_path, FakeBluesky(), BLUESKY_HANDLE=HANDLE, BLUESKY_APP_PASSWORD=wrong)
    with caplog.at_level(logging.DEBUG):
        result = steps.collect(config, "bluesky", "qwen3", SINCE, UNTIL)
    assert result.status == "failed" and "BLUESKY_APP_PASSWORD" in result.error and "Invalid identifier or password" in result.error
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        stored = con.execute("SELECT error FROM ingest_runs").fetchone()[0]
    out = capsys.readouterr()
    for text in (result.error, caplog.text, stored, out.out, out.err):
        assert wrong not in text


def test_a_handle_without_its_app_password_is_named(tmp_path) -> None:
    config = settings(tmp_path / "lw.duckdb", environ={"BLUESKY_HANDLE": HANDLE})
    with pytest.raises(MissingCredentials, match="BLUESKY_APP_PASSWORD"):
        config.options("bluesky")


def test_malformed_posts_go_to_quarantine_and_the_rest_load(httpserver, tmp_path) -> None:
    fake = FakeBluesky()
    fake.posts = [make_post(n, SINCE + timedelta(hours=n), f"qwen3 note {n}") for n in range(1, 5)]
    fake.posts[1]["likeCount"] = "many"
    fake.posts[2]["uri"] = "at://did:plc:x/app.bsky.feed.like/3abc"
    config = configure(httpserver, tmp_path, fake)
    result = steps.collect(config, "bluesky", "qwen3", SINCE, UNTIL)
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        reasons = sorted(row[0] for row in con.execute("SELECT reason FROM quarantine").fetchall())
    assert result.status == "ok" and (result.counts.inserted, result.counts.quarantined) == (2, 2)
    assert any("likeCount" in r for r in reasons) and any("expected uri like" in r for r in reasons)


def test_timeouts_are_retried_with_backoff_then_fail_the_source() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    sleep = RecordingSleep()
    extractor = BlueskyExtractor(transport=httpx.MockTransport(time_out), sleep=sleep)
    with pytest.raises(SourceError, match="failed 5 times, last with InvokeTimeoutError"):
        list(extractor.fetch(SearchQuery(terms=("qwq",)), SINCE, UNTIL))
    assert sleep.waits == [1.0, 2.0, 4.0, 8.0]


def test_a_failing_source_is_recorded_while_the_next_source_completes(httpserver, tmp_path) -> None:
    fake = FakeBluesky()
    fake.posts = [make_post(1, SINCE + timedelta(hours=1), "qwen3 first look")]
    httpserver.expect_request(re.compile("/api/v2/.*")).respond_with_json(
        {"success": False, "message": "Service Unavailable"}, status=503, headers={"Retry-After": "0"}
    )
    config = configure(httpserver, tmp_path, fake, V2EX_TOKEN="6c1f0b1e-1d0e-4a5e-9c61-2f3d2c1b0a99", LAUNCHWATCH_V2EX_URL=httpserver.url_for("/api/v2"))

    failed = steps.collect(config, "v2ex", "qwen3", SINCE, UNTIL)
    done = steps.collect(config, "bluesky", "qwen3", SINCE, UNTIL)

    assert failed.status == "failed" and "failed 5 times, last with 503" in failed.error
    assert done.status == "ok" and done.counts.inserted == 1
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        assert con.execute("SELECT source, status FROM ingest_runs ORDER BY run_id").fetchall() == [("v2ex", "failed"), ("bluesky", "ok")]
