"""V2EX extractor against a loopback V2EX API 2.0.

`FakeV2ex` serves nodes/{name}/topics, topics/{id} and topics/{id}/replies with `p` pages of 20,
the `{"success", "message", "result", "pagination"}` envelope, Bearer-token checks and the
X-Rate-Limit-* headers, as https://www.v2ex.com/help/api documents them.
"""

from __future__ import annotations

import json
import logging
import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import httpx
import pytest
from werkzeug import Request, Response

from extractors import SearchQuery
from extractors.http import SourceError
from extractors.v2ex import V2exExtractor, normalize
from flows import steps
from flows.config import MissingCredentials, settings
from golden import check_golden, payload_files

FIXTURES = Path(__file__).parent / "fixtures" / "v2ex"
COLLECTED = datetime(2025, 4, 9, 12, 0, tzinfo=timezone.utc)
SINCE = datetime(2025, 4, 5, 19, 0, tzinfo=timezone.utc)
UNTIL = datetime(2025, 4, 8, tzinfo=timezone.utc)
TOKEN = "bd1f2c67-cc7f-48e3-a48a-e5b88b427146"
NOW = 1_744_000_000.0  # the fake's and the extractor's clock in the rate-limit tests
PAGE = 20


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


def member(name: str) -> dict:
    return {"id": abs(hash(name)) % 100000, "username": name, "bio": "", "website": "", "github": "",
            "url": f"https://www.v2ex.com/member/{name}", "avatar": "https://cdn.v2ex.com/avatars/x.png", "created": 1500000000}


class FakeV2ex:
    def __init__(self) -> None:
        self.nodes: dict[str, list[dict]] = {}
        self.replies: dict[int, list[dict]] = {}
        self.requests: list[str] = []
        self.remaining = 600

    def add_topic(self, node: str, topic_id: int, created: datetime, title: str, content: str = "", replies: list[datetime] = ()) -> None:
        reply_rows = [
            {"id": topic_id * 1000 + n, "content": f"回复 {n}", "content_rendered": f"回复 {n}", "created": ts(at), "member": member(f"u{n}")}
            for n, at in enumerate(replies, start=1)
        ]
        touched = max([created, *replies])
        self.nodes.setdefault(node, []).append({
            "id": topic_id, "title": title, "content": content, "content_rendered": f"<p>{content}</p>" if content else "",
            "syntax": 0, "url": f"https://www.v2ex.com/t/{topic_id}", "replies": len(reply_rows),
            "last_reply_by": reply_rows[-1]["member"]["username"] if reply_rows else "", "created": ts(created),
            "last_modified": ts(created), "last_touched": ts(touched),
        })
        self.replies[topic_id] = reply_rows

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        presented = request.headers.get("Authorization", "")
        if presented != f"Bearer {TOKEN}":
            # Echoing the token back is the worst case a server could do; it must not reach the logs.
            return self.respond({"success": False, "message": f"Invalid token: {presented.removeprefix('Bearer ')}"}, 401)
        page = int(request.args.get("p", "1"))
        path = request.path.removeprefix("/api/v2/")
        if match := re.fullmatch(r"nodes/([a-z0-9]+)/topics", path):
            if match.group(1) not in self.nodes:
                return self.respond({"success": False, "message": "Node not found"}, 404)
            listed = sorted(self.nodes[match.group(1)], key=lambda t: t["last_touched"], reverse=True)
            return self.respond(self.paged(listed, page, "Node topics found"))
        if match := re.fullmatch(r"topics/(\d+)", path):
            for node, topics in self.nodes.items():
                for topic in topics:
                    if topic["id"] == int(match.group(1)):
                        return self.respond({"success": True, "message": "Topic found", "result": {
                            **topic, "member": member("author"), "node": {"id": 1, "name": node, "title": node, "url": f"https://www.v2ex.com/go/{node}",
                                                                          "header": "", "footer": "", "avatar": "", "topics": len(topics), "created": 1, "last_modified": 1},
                            "supplements": []}})
            return self.respond({"success": False, "message": "Topic not found"}, 404)
        if match := re.fullmatch(r"topics/(\d+)/replies", path):
            return self.respond(self.paged(self.replies.get(int(match.group(1)), []), page, "Replies found"))
        return self.respond({"success": False, "message": "Not found"}, 404)

    def paged(self, rows: list[dict], page: int, message: str) -> dict:
        return {"success": True, "message": message, "result": rows[(page - 1) * PAGE : page * PAGE],
                "pagination": {"per_page": PAGE, "total": len(rows), "pages": max(1, math.ceil(len(rows) / PAGE))}}

    def respond(self, body: dict, status: int = 200) -> Response:
        self.remaining -= 1
        headers = {"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": str(self.remaining), "X-Rate-Limit-Reset": str(int(NOW) + 5)}
        return Response(json.dumps(body, ensure_ascii=False), status=status, headers=headers, content_type="application/json;charset=UTF-8")


def serve(httpserver, fake: FakeV2ex) -> str:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    return httpserver.url_for("/api/v2")


# Golden files ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload_path", payload_files(FIXTURES), ids=lambda p: p.stem)
def test_normalize_matches_golden_file(payload_path: Path) -> None:
    check_golden(payload_path, "v2ex", normalize, COLLECTED)


def test_topics_and_replies_are_linked_and_chinese() -> None:
    topic = check_golden(FIXTURES / "topic_with_supplement.json", "v2ex", normalize, COLLECTED)["post"]
    reply = check_golden(FIXTURES / "reply.json", "v2ex", normalize, COLLECTED)["post"]
    assert (topic["post_id"], topic["lang"], topic["url"]) == ("v2ex:1123456", "zh", "https://www.v2ex.com/t/1123456")
    assert "实验版" in topic["text"], "supplements (附言) are part of the topic's text"
    assert (reply["thread_id"], reply["parent_id"]) == ("v2ex:1123456", "v2ex:1123456")
    assert reply["url"] == "https://www.v2ex.com/t/1123456#r_15877001" and reply["author"] == "lsk569937453"


# fetch -----------------------------------------------------------------------------------


def test_scan_reads_nodes_back_to_the_window_keeps_matching_topics_and_pages_their_replies(httpserver) -> None:
    fake = FakeV2ex()
    fake.add_topic("openai", 1, SINCE + timedelta(hours=1), "Llama 4 发布", replies=[SINCE + timedelta(minutes=90 + n) for n in range(25)])
    fake.add_topic("openai", 2, SINCE + timedelta(hours=2), "新模型", content="羊驼4 的中文怎么样")
    fake.add_topic("openai", 3, SINCE - timedelta(days=3), "LLaMA-4 预测", replies=[SINCE - timedelta(days=3), SINCE + timedelta(hours=5)])
    for n in range(40):  # unrelated chatter between the matches and the old topics
        fake.add_topic("openai", 100 + n, SINCE + timedelta(minutes=n), f"闲聊 {n}")
    for n in range(30):  # old, untouched since before the window: never read
        fake.add_topic("openai", 500 + n, SINCE - timedelta(days=10, minutes=n), "llama 4 旧闻")
    extractor = V2exExtractor(token=TOKEN, base_url=serve(httpserver, fake), sleep=RecordingSleep())

    items = list(extractor.fetch(SearchQuery(terms=("llama 4", "羊驼4"), options={"nodes": ("openai",)}), SINCE, UNTIL))

    topics = sorted(item.payload["topic"]["id"] for item in items if "topic" in item.payload)
    replies = [item.payload["reply"]["id"] for item in items if "reply" in item.payload]
    assert topics == [1, 2, 3]
    assert sorted(replies) == [1000 + n for n in range(1, 26)] + [3002], "replies in the window, over two pages"
    node_pages = [r for r in fake.requests if "/nodes/openai/topics" in r]
    assert node_pages == ["/api/v2/nodes/openai/topics?p=1", "/api/v2/nodes/openai/topics?p=2", "/api/v2/nodes/openai/topics?p=3"]
    assert [r for r in fake.requests if "/topics/1/replies" in r] == ["/api/v2/topics/1/replies?p=1", "/api/v2/topics/1/replies?p=2"]


def test_an_unknown_node_is_skipped_with_a_warning(httpserver, caplog) -> None:
    fake = FakeV2ex()
    fake.add_topic("programmer", 1, SINCE + timedelta(hours=1), "qwq 32b 本地部署")
    extractor = V2exExtractor(token=TOKEN, base_url=serve(httpserver, fake), sleep=RecordingSleep())
    with caplog.at_level(logging.WARNING):
        items = list(extractor.fetch(SearchQuery(terms=("qwq",), options={"nodes": ("nosuchnode", "programmer")}), SINCE, UNTIL))
    assert [item.payload["topic"]["id"] for item in items] == [1]
    assert "node 'nosuchnode' does not exist" in caplog.text


def test_a_used_up_quota_waits_for_the_reset_and_says_so(httpserver, caplog) -> None:
    fake = FakeV2ex()
    fake.remaining = 2  # the second answer says 0 left
    fake.add_topic("openai", 1, SINCE + timedelta(hours=1), "Qwen3 来了")
    sleep = RecordingSleep()
    extractor = V2exExtractor(token=TOKEN, base_url=serve(httpserver, fake), sleep=sleep, clock=lambda: NOW)
    with caplog.at_level(logging.WARNING):
        items = list(extractor.fetch(SearchQuery(terms=("qwen3",), options={"nodes": ("openai",)}), SINCE, UNTIL))
    assert len(items) == 1 and sleep.waits == [5.0]
    assert "X-Rate-Limit-Remaining 0), waiting 5.0s for X-Rate-Limit-Reset" in caplog.text


def test_a_quota_reset_beyond_the_bound_fails_the_source_clearly(httpserver) -> None:
    fake = FakeV2ex()
    fake.remaining = 1
    fake.add_topic("openai", 1, SINCE + timedelta(hours=1), "Qwen3 来了")
    extractor = V2exExtractor(token=TOKEN, base_url=serve(httpserver, fake), sleep=RecordingSleep(), clock=lambda: NOW - 3600, max_wait=60)
    with pytest.raises(SourceError, match=r"quota is used up .* resets in 3605s, longer than the 60s"):
        list(extractor.fetch(SearchQuery(terms=("qwen3",), options={"nodes": ("openai",)}), SINCE, UNTIL))


def test_timeouts_are_retried_with_backoff_then_fail_the_source() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    sleep = RecordingSleep()
    extractor = V2exExtractor(token=TOKEN, transport=httpx.MockTransport(time_out), sleep=sleep)
    with pytest.raises(SourceError, match="failed 5 times, last with timeout"):
        list(extractor.fetch(SearchQuery(terms=("qwen3",)), SINCE, UNTIL))
    assert sleep.waits == [1.0, 2.0, 4.0, 8.0]


# through the pipeline ----------------------------------------------------------------------


def configure(httpserver, tmp_path, fake: FakeV2ex, token: str = TOKEN):
    config = settings(tmp_path / "lw.duckdb", environ={"LAUNCHWATCH_V2EX_URL": serve(httpserver, fake), "V2EX_TOKEN": token})
    steps.prepare(config)
    return config


def test_the_next_run_resumes_from_the_cursor_without_duplicates_or_gaps(httpserver, tmp_path) -> None:
    fake = FakeV2ex()
    middle = SINCE + timedelta(hours=10)
    fake.add_topic("openai", 1, SINCE + timedelta(hours=1), "Llama 4 实测", replies=[SINCE + timedelta(hours=2 + n) for n in range(20)])
    config = configure(httpserver, tmp_path, fake)
    first = steps.collect(config, "v2ex", "llama-4", SINCE, middle)
    fake.add_topic("programmer", 2, middle + timedelta(hours=30), "llama4 的 benchmark 刷榜？")
    second = steps.collect(config, "v2ex", "llama-4", None, UNTIL + timedelta(days=1))

    with duckdb.connect(str(config.db_path), read_only=True) as con:
        stored = sorted(row[0] for row in con.execute("SELECT native_id FROM posts").fetchall())
        linked = con.execute("SELECT count(*) FROM post_launches WHERE launch_key = 'llama-4'").fetchone()[0]
    expected = sorted(["1", "2"] + [f"1#r_{1000 + n}" for n in range(1, 21)])
    assert first.status == second.status == "ok" and first.counts.inserted == 9  # topic and the first 8 replies
    assert stored == expected and linked == len(expected), "no gap, no duplicate; replies inherit the topic's launch"


def test_a_refused_token_stops_the_source_naming_the_variable_and_never_the_token(httpserver, tmp_path, caplog, capsys) -> None:
    wrong = "0000aaaa-wrong-token-1234"
    fake = FakeV2ex()
    config = configure(httpserver, tmp_path, fake, token=wrong)
    with caplog.at_level(logging.DEBUG):
        result = steps.collect(config, "v2ex", "llama-4", SINCE, UNTIL)
    assert result.status == "failed" and "HTTP 401" in result.error and "V2EX_TOKEN" in result.error
    assert "Invalid token: [token]" in result.error, "the echoed token is replaced"
    assert len(fake.requests) == 1, "an auth failure is not retried"
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        stored = con.execute("SELECT error FROM ingest_runs").fetchone()[0]
    out = capsys.readouterr()
    for text in (result.error, caplog.text, stored, out.out, out.err):
        assert wrong not in text


def test_a_missing_token_is_named_before_anything_runs(tmp_path) -> None:
    config = settings(tmp_path / "lw.duckdb", environ={})
    with pytest.raises(MissingCredentials, match="V2EX_TOKEN"):
        steps.sources_for(config, None, ["v2ex"])
    assert "v2ex" not in steps.sources_for(config, None)


def test_malformed_replies_go_to_quarantine_and_the_rest_load(httpserver, tmp_path) -> None:
    fake = FakeV2ex()
    fake.add_topic("openai", 1, SINCE + timedelta(hours=1), "Llama 4 实测", replies=[SINCE + timedelta(hours=2 + n) for n in range(3)])
    fake.replies[1][1] = {**fake.replies[1][1], "member": None, "content": "", "content_rendered": ""}
    fake.replies[1][2] = {**fake.replies[1][2], "created": "昨天"}
    config = configure(httpserver, tmp_path, fake)
    result = steps.collect(config, "v2ex", "llama-4", SINCE, UNTIL)
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        reasons = sorted(row[0] for row in con.execute("SELECT reason FROM quarantine").fetchall())
    assert result.status == "ok" and (result.counts.inserted, result.counts.quarantined) == (2, 2)
    assert any("has no content" in r for r in reasons) and any("expected created as positive Unix seconds" in r for r in reasons)
