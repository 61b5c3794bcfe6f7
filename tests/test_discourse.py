"""Discourse extractor against a loopback forum serving Discourse's JSON shapes.

`FakeDiscourse` answers /search.json (with the after:/before:/order:latest filters and page),
/t/{id}.json (the first 20 posts and the stream of all post ids) and /t/{id}/posts.json
(post_ids[]), as https://docs.discourse.org documents them. Golden files: see tests/golden.py.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from extractors import SearchQuery
from extractors.discourse import HuggingFaceForum, normalize
from extractors.http import SourceError
from flows import steps
from flows.config import settings
from golden import check_golden, payload_files

FIXTURES = Path(__file__).parent / "fixtures" / "discourse"
COLLECTED = datetime(2025, 4, 9, 12, 0, tzinfo=timezone.utc)
SINCE = datetime(2025, 4, 5, 19, 0, tzinfo=timezone.utc)
UNTIL = datetime(2025, 4, 8, tzinfo=timezone.utc)
HOST = "discuss.huggingface.co"
WORD = re.compile(r"[^\W_]+")


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def make_post(topic_id: int, number: int, created: datetime, text: str, reply_to: int | None = None) -> dict:
    return {
        "id": topic_id * 1000 + number,
        "name": "",
        "username": f"user{number}",
        "avatar_template": f"/user_avatar/{HOST}/user{number}/{{size}}/1_2.png",
        "created_at": iso(created),
        "cooked": f"<p>{text}</p>",
        "post_number": number,
        "post_type": 1,
        "updated_at": iso(created),
        "reply_count": 0,
        "reply_to_post_number": reply_to,
        "quote_count": 0,
        "incoming_link_count": 0,
        "reads": 10,
        "readers_count": 9,
        "score": 1.0,
        "yours": False,
        "topic_id": topic_id,
        "topic_slug": f"topic-{topic_id}",
        "display_username": "",
        "version": 1,
        "actions_summary": [{"id": 2, "count": number % 3}] if number % 3 else [],
        "moderator": False,
        "admin": False,
        "staff": False,
        "user_id": 100 + number,
        "hidden": False,
        "trust_level": 1,
        "deleted_at": None,
        "user_deleted": False,
        "edit_reason": None,
        "can_view_edit_history": True,
        "wiki": False,
    }


class FakeDiscourse:
    """A Discourse site in memory: topics are (title, posts); search pages hold PAGE posts."""

    PAGE = 50

    def __init__(self) -> None:
        self.topics: dict[int, tuple[str, list[dict]]] = {}
        self.requests: list[str] = []

    def add_topic(self, topic_id: int, title: str, posts: list[dict]) -> None:
        self.topics[topic_id] = (title, posts)

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        path = re.sub(r"^/(hf|oa)", "", request.path)
        if path == "/search.json":
            return _json(self.search(request.args.get("q", ""), int(request.args.get("page", "1"))))
        topic = re.fullmatch(r"/t/(\d+)\.json", path)
        if topic and int(topic.group(1)) in self.topics:
            return _json(self.topic(int(topic.group(1))))
        chunk = re.fullmatch(r"/t/(\d+)/posts\.json", path)
        if chunk and int(chunk.group(1)) in self.topics:
            wanted = {int(value) for value in request.args.getlist("post_ids[]")}
            posts = [p for p in self.topics[int(chunk.group(1))][1] if p["id"] in wanted]
            return _json({"post_stream": {"posts": posts}, "id": int(chunk.group(1))})
        return _json({"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}, 404)

    def search(self, q: str, page: int) -> dict:
        words, after, before = [], date.min, date.max
        for token in q.split():
            if token.startswith("after:"):
                after = date.fromisoformat(token[6:])
            elif token.startswith("before:"):
                before = date.fromisoformat(token[7:])
            elif token != "order:latest":
                words.extend(WORD.findall(token.casefold()))
        hits = []
        for topic_id, (title, posts) in self.topics.items():
            for post in posts:
                created = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
                text = set(WORD.findall(((post["cooked"] or "") + (" " + title if post["post_number"] == 1 else "")).casefold()))
                if after < created.date() < before and all(word in text for word in words):
                    hits.append((created, topic_id, post))
        hits.sort(key=lambda hit: hit[0], reverse=True)
        page_hits = hits[(page - 1) * self.PAGE : page * self.PAGE]
        return {
            "posts": [
                {
                    "id": post["id"], "name": post["name"], "username": post["username"],
                    "avatar_template": post["avatar_template"], "created_at": post["created_at"],
                    "like_count": 0, "blurb": re.sub("<[^>]+>", "", post["cooked"])[:200],
                    "post_number": post["post_number"], "topic_title_headline": self.topics[topic_id][0],
                    "topic_id": topic_id,
                }
                for _, topic_id, post in page_hits
            ],
            "topics": [
                {"id": topic_id, "title": self.topics[topic_id][0], "fancy_title": self.topics[topic_id][0],
                 "slug": f"topic-{topic_id}", "posts_count": len(self.topics[topic_id][1]), "archetype": "regular"}
                for topic_id in dict.fromkeys(topic_id for _, topic_id, _ in page_hits)
            ],
            "users": [], "categories": [], "tags": [], "groups": [],
            "grouped_search_result": {
                "more_posts": None, "more_users": None, "more_categories": None, "term": q, "search_log_id": 1,
                "more_full_page_results": len(hits) > page * self.PAGE or None, "can_create_topic": False,
                "error": None, "post_ids": [post["id"] for _, _, post in page_hits],
                "user_ids": [], "category_ids": [], "tag_ids": [], "group_ids": [],
            },
        }

    def topic(self, topic_id: int) -> dict:
        title, posts = self.topics[topic_id]
        return {
            "post_stream": {"posts": posts[:20], "stream": [post["id"] for post in posts]},
            "timeline_lookup": [[1, 0]], "suggested_topics": [], "tags": [], "id": topic_id, "title": title,
            "fancy_title": title, "posts_count": len(posts), "created_at": posts[0]["created_at"], "views": 100,
            "reply_count": len(posts) - 1, "like_count": 0, "last_posted_at": posts[-1]["created_at"],
            "visible": True, "closed": False, "archived": False, "has_summary": False, "archetype": "regular",
            "slug": f"topic-{topic_id}", "category_id": 5, "word_count": 100, "deleted_at": None, "user_id": 101,
            "chunk_size": 20, "bookmarked": False, "details": {"can_create_post": False, "participants": []},
        }


def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json; charset=utf-8")


def thread(topic_id: int, start: datetime, count: int, first_text: str, every: timedelta = timedelta(minutes=30)) -> list[dict]:
    return [make_post(topic_id, n, start + every * (n - 1), first_text if n == 1 else f"reply {n}", 1 if n > 1 else None) for n in range(1, count + 1)]


# Golden files ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload_path", payload_files(FIXTURES), ids=lambda p: p.stem)
def test_normalize_matches_golden_file(payload_path: Path) -> None:
    check_golden(payload_path, "discourse-huggingface", normalize, COLLECTED)


def test_normalize_links_replies_and_drops_quoted_text() -> None:
    reply = check_golden(FIXTURES / "reply_to_reply.json", "discourse-huggingface", normalize, COLLECTED)["post"]
    assert reply["post_id"] == f"discourse:{HOST}/t/148512/4"
    assert reply["thread_id"] == f"discourse:{HOST}/t/148512/1" and reply["parent_id"] == f"discourse:{HOST}/t/148512/2"
    assert "vLLM 0.8.3" not in reply["text"], "a quote of another post is not this author's text"
    assert reply["url"] == f"https://{HOST}/t/llama-4-scout-gives-garbage-output-with-long-context/148512/4"
    first = check_golden(FIXTURES / "first_post.json", "discourse-huggingface", normalize, COLLECTED)["post"]
    assert first["title"].startswith("Llama 4 Scout") and first["thread_id"] is None and first["score"] == 5


# fetch -----------------------------------------------------------------------------------


def test_fetch_pages_search_to_the_end_reads_long_topics_and_cuts_the_window(httpserver) -> None:
    fake = FakeDiscourse()
    fake.add_topic(1, "Llama 4 long thread", thread(1, SINCE + timedelta(hours=1), 45, "llama 4 thoughts"))
    for topic_id in range(100, 160):
        fake.add_topic(topic_id, f"Question {topic_id}", [make_post(topic_id, 1, SINCE + timedelta(minutes=topic_id), "is llama 4 good?")])
    fake.add_topic(7, "Known thread", thread(7, SINCE - timedelta(days=2), 3, "old") + [make_post(7, 4, SINCE + timedelta(hours=2), "new reply")])
    fake.add_topic(8, "Llama 4 before the window", [make_post(8, 1, SINCE - timedelta(hours=3), "llama 4 day one")])
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    extractor = HuggingFaceForum(base_url=httpserver.url_for("/hf"), sleep=RecordingSleep())

    items = list(extractor.fetch(SearchQuery(terms=("llama 4",), thread_ids=(f"{HOST}/t/7/1",)), SINCE, UNTIL))

    ids = [item.payload["post"]["id"] for item in items]
    assert len(ids) == len(set(ids)) == 45 + 60 + 1, "every post of the window exactly once"
    assert 7004 in ids and 7001 not in ids and 8001 not in ids
    searches = [r for r in fake.requests if r.startswith("/hf/search.json")]
    assert len(searches) == 2 and "page=2" in searches[1]
    assert "after%3A2025-04-04" in searches[0] and "order%3Alatest" in searches[0]
    chunks = [r for r in fake.requests if r.startswith("/hf/t/1/posts.json")]
    assert len(chunks) == 2 and chunks[0].count("post_ids") == 20 and chunks[1].count("post_ids") == 5
    assert {item.query for item in items} == {"llama 4", f"thread:{HOST}/t/7/1"}


def test_a_deleted_topic_is_skipped_with_a_warning(httpserver, caplog) -> None:
    fake = FakeDiscourse()
    fake.add_topic(1, "Llama 4", [make_post(1, 1, SINCE + timedelta(hours=1), "llama 4")])
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    extractor = HuggingFaceForum(base_url=httpserver.url_for("/hf"), sleep=RecordingSleep())
    with caplog.at_level(logging.WARNING):
        items = list(extractor.fetch(SearchQuery(terms=("llama 4",), thread_ids=(f"{HOST}/t/99/1",)), SINCE, UNTIL))
    assert [item.payload["post"]["id"] for item in items] == [1001]
    assert "topic 99" in caplog.text and "skipped" in caplog.text


def test_429_waits_the_retry_after_seconds_and_says_so(httpserver, caplog) -> None:
    fake = FakeDiscourse()
    fake.add_topic(1, "Llama 4", [make_post(1, 1, SINCE + timedelta(hours=1), "llama 4")])
    httpserver.expect_oneshot_request("/hf/search.json").respond_with_json(
        {"errors": ["You’ve performed this action too many times. Please wait 3 seconds before trying again."],
         "error_type": "rate_limit", "extras": {"wait_seconds": 3, "time_left": "3 seconds"}},
        status=429, headers={"Retry-After": "3"},
    )
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    sleep = RecordingSleep()
    extractor = HuggingFaceForum(base_url=httpserver.url_for("/hf"), sleep=sleep)
    with caplog.at_level(logging.WARNING):
        items = list(extractor.fetch(SearchQuery(terms=("llama 4",)), SINCE, UNTIL))
    assert len(items) == 1 and sleep.waits == [3.0]
    assert "discourse-huggingface: 429, waiting 3.0s (Retry-After" in caplog.text


def test_5xx_is_retried_with_backoff_then_fails_the_source(httpserver) -> None:
    httpserver.expect_request("/hf/search.json").respond_with_data("<h1>502 Bad Gateway</h1>", status=502)
    sleep = RecordingSleep()
    extractor = HuggingFaceForum(base_url=httpserver.url_for("/hf"), sleep=sleep)
    with pytest.raises(SourceError, match="failed 5 times, last with 502"):
        list(extractor.fetch(SearchQuery(terms=("llama 4",)), SINCE, UNTIL))
    assert sleep.waits == [1.0, 2.0, 4.0, 8.0]


def test_api_key_needs_its_user_name() -> None:
    with pytest.raises(ValueError, match="api_username unset"):
        HuggingFaceForum(api_key="k")


# through the pipeline ----------------------------------------------------------------------


def configure(httpserver, tmp_path, fake: FakeDiscourse, **environ: str):
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    config = settings(tmp_path / "lw.duckdb", environ={
        "LAUNCHWATCH_DISCOURSE_HUGGINGFACE_URL": httpserver.url_for("/hf"),
        "LAUNCHWATCH_DISCOURSE_OPENAI_URL": httpserver.url_for("/oa"),
        **environ,
    })
    steps.prepare(config)
    return config


def test_the_next_run_resumes_from_the_cursor_without_duplicates_or_gaps(httpserver, tmp_path) -> None:
    fake = FakeDiscourse()
    fake.add_topic(1, "Llama 4 is out", thread(1, SINCE + timedelta(hours=1), 30, "llama 4 first impressions", timedelta(hours=2)))
    config = configure(httpserver, tmp_path, fake)
    middle = SINCE + timedelta(hours=30)
    first = steps.collect(config, "discourse-huggingface", "llama-4", SINCE, middle)
    fake.add_topic(2, "Llama 4 contamination?", thread(2, middle + timedelta(hours=1), 5, "llama 4 trained on the test set?"))
    second = steps.collect(config, "discourse-huggingface", "llama-4", None, UNTIL + timedelta(days=2))

    with duckdb.connect(str(config.db_path), read_only=True) as con:
        stored = [row[0] for row in con.execute("SELECT native_id FROM posts ORDER BY created_at").fetchall()]
        linked = con.execute("SELECT count(*) FROM post_launches WHERE launch_key = 'llama-4'").fetchone()[0]
    expected = [f"{HOST}/t/1/{n}" for n in range(1, 31)] + [f"{HOST}/t/2/{n}" for n in range(1, 6)]
    assert first.status == second.status == "ok"
    assert first.counts.inserted == 15 and second.window[0] == SINCE + timedelta(hours=29) - steps.CURSOR_OVERLAP
    assert sorted(stored) == sorted(expected), "no gap and no duplicate"
    assert second.counts.inserted == 20 and linked == 35


def test_a_failing_site_is_recorded_and_the_other_site_completes(httpserver, tmp_path) -> None:
    fake = FakeDiscourse()
    fake.add_topic(1, "Gemini 2.5 vs o3", [make_post(1, 1, SINCE + timedelta(hours=1), "gemini 2.5 beats it")])
    httpserver.expect_request("/hf/search.json").respond_with_json({"errors": ["down"]}, status=503, headers={"Retry-After": "0"})
    config = configure(httpserver, tmp_path, fake)

    failed = steps.collect(config, "discourse-huggingface", "gemini-2.5-pro", SINCE, UNTIL)
    done = steps.collect(config, "discourse-openai", "gemini-2.5-pro", SINCE, UNTIL)

    assert failed.status == "failed" and "503" in failed.error
    assert done.status == "ok" and done.counts.inserted == 1


def test_a_refused_api_key_stops_the_source_naming_the_variables_and_never_the_key(httpserver, tmp_path, caplog, capsys) -> None:
    secret = "d3adb33f-s3cr3t-api-key"
    fake = FakeDiscourse()

    def refuse(request: Request) -> Response:
        assert request.headers.get("Api-Key") == secret and request.headers.get("Api-Username") == "bot"
        return _json({"errors": ["You are not permitted to view the requested resource. The API username or key is invalid."],
                      "error_type": "invalid_access"}, 403)

    httpserver.expect_request("/hf/search.json").respond_with_handler(refuse)
    config = configure(httpserver, tmp_path, fake, DISCOURSE_HUGGINGFACE_API_KEY=secret, DISCOURSE_HUGGINGFACE_API_USERNAME="bot")
    with caplog.at_level(logging.DEBUG):
        result = steps.collect(config, "discourse-huggingface", "llama-4", SINCE, UNTIL)
    assert result.status == "failed" and "DISCOURSE_HUGGINGFACE_API_KEY" in result.error
    assert len([r for r in httpserver.log if r[0].path == "/hf/search.json"]) == 1, "an auth failure is not retried"
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        stored = con.execute("SELECT error FROM ingest_runs").fetchone()[0]
    out = capsys.readouterr()
    for text in (result.error, caplog.text, stored, out.out, out.err):
        assert secret not in text


def test_malformed_posts_go_to_quarantine_and_the_rest_load(httpserver, tmp_path) -> None:
    fake = FakeDiscourse()
    posts = thread(1, SINCE + timedelta(hours=1), 4, "llama 4 thread")
    posts[2] = {**posts[2], "post_type": 3, "cooked": "", "action_code": "closed.enabled"}
    posts[3] = {**posts[3], "cooked": None}
    fake.add_topic(1, "Llama 4 thread", posts)
    config = configure(httpserver, tmp_path, fake)
    result = steps.collect(config, "discourse-huggingface", "llama-4", SINCE, UNTIL)
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        reasons = [row[0] for row in con.execute("SELECT reason FROM quarantine ORDER BY reason").fetchall()]
    assert result.status == "ok" and (result.counts.inserted, result.counts.quarantined) == (2, 2)
    assert any("small action" in reason for reason in reasons) and any("expected cooked HTML" in reason for reason in reasons)
