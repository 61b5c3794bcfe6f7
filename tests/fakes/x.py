"""A loopback X API v2 for tweepy: recent and full-archive search with users expansion.

Shapes follow the v2 documentation: a search page is `{"data": [tweet...], "includes":
{"users": [user...]}, "meta": {"newest_id", "oldest_id", "result_count", "next_token"}}` (no
`data` and `result_count: 0` when nothing matches); errors are problem objects
(`{"title", "detail", "type", "status"}`), a rate limit is HTTP 429 with `x-rate-limit-limit`,
`x-rate-limit-remaining` and `x-rate-limit-reset` (Unix seconds), and an app whose tier lacks
an endpoint gets 403 with `"reason": "client-not-enrolled"`.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from werkzeug import Request, Response

BEARER = "AAAAAAAAAAAAAAAAAAAAAfake%2Bbearer%3Dtoken-never-print-me"


def tweet(tweet_id: int, created: int, text: str, author: str = "1001", conversation: int | None = None,
          replied_to: int | None = None, likes: int = 12, replies: int = 2, **extra: Any) -> dict:
    data = {
        "id": str(tweet_id),
        "text": text,
        "created_at": datetime.fromtimestamp(created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "author_id": author,
        "conversation_id": str(conversation or tweet_id),
        "lang": "en",
        "public_metrics": {"retweet_count": 3, "reply_count": replies, "like_count": likes, "quote_count": 0,
                           "bookmark_count": 1, "impression_count": 4210},
        "edit_history_tweet_ids": [str(tweet_id)],
    }
    if replied_to:
        data["referenced_tweets"] = [{"type": "replied_to", "id": str(replied_to)}]
        data["in_reply_to_user_id"] = "1002"
    data.update(extra)
    return data


USERS = {
    "1001": {"id": "1001", "name": "Ada Benchmarks", "username": "ada_bench"},
    "1002": {"id": "1002", "name": "LMArena", "username": "lmarena_ai"},
}


def problem(status: int, title: str, detail: str, **extra: Any) -> str:
    return json.dumps({"title": title, "detail": detail, "type": "about:blank", "status": status, **extra})


NOT_ENROLLED = json.dumps({
    "client_id": "29184706",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a "
              "Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
})


@dataclass
class FakeX:
    tweets: list[dict] = field(default_factory=list)
    failures: deque = field(default_factory=deque)  # (status, headers, body) answered before serving
    full_archive: bool = True  # whether the token's tier includes /2/tweets/search/all
    requests: list[str] = field(default_factory=list)

    def install(self, httpserver) -> str:
        httpserver.expect_request(re.compile(r"^/2/tweets/search/(recent|all)$")).respond_with_handler(self._search)
        return httpserver.url_for("").rstrip("/")

    def _search(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        if request.headers.get("Authorization") != f"Bearer {BEARER}":
            return _problem(401, problem(401, "Unauthorized", "Unauthorized"))
        if request.path.endswith("/all") and not self.full_archive:
            return _problem(403, NOT_ENROLLED)
        if self.failures:
            status, headers, body = self.failures.popleft()
            return Response(body, status=status, headers=headers, content_type="application/problem+json")
        words = [w.lower() for w in re.sub(r"-is:retweet|[()\"]", " ", request.args["query"]).split()]
        start = _time(request.args.get("start_time"))
        end = _time(request.args.get("end_time"))
        hits = sorted(
            (t for t in self.tweets
             if all(w in t["text"].lower() for w in words) and _within(t, start, end)),
            key=lambda t: -int(t["id"]),
        )
        offset = int(request.args.get("next_token", "0").removeprefix("b26v89c19zqg8o3f") or 0)
        size = int(request.args.get("max_results", 10))
        page = hits[offset : offset + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if offset + size < len(hits):
            meta["next_token"] = f"b26v89c19zqg8o3f{offset + size}"
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = page
            authors = {t.get("author_id") for t in page}
            body["includes"] = {"users": [USERS[a] for a in sorted(authors) if a in USERS]}
        return Response(json.dumps(body), content_type="application/json; charset=utf-8")


def _within(item: dict, start: datetime | None, end: datetime | None) -> bool:
    try:
        created = _time(item["created_at"])
    except ValueError:
        return True  # a malformed record planted by a test is served whatever the window
    return (start is None or created >= start) and (end is None or created < end)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _problem(status: int, body: str) -> Response:
    return Response(body, status=status, content_type="application/problem+json")
