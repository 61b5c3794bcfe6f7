"""V2EX, the Chinese developers' forum, through its API 2.0 (https://www.v2ex.com/help/api).

V2EX has no full-text search API, so collection scans nodes: `/nodes/{node}/topics?p=N` lists a
node's topics, most recently active first, and the scan stops after the page that reaches a topic
neither created nor replied to since the window's start. A topic is kept when its title,
content or supplements contain one of the search terms (the launch's English and Chinese names,
compared case- and separator-insensitively); kept topics, and topics already known to be about
the launch, are read in full (`/topics/{id}`, for the author and node) with all their replies
(`/topics/{id}/replies?p=N`). The nodes come from the catalogue (`sources.v2ex.nodes`), else
DEFAULT_NODES.

API 2.0 needs a personal access token (Bearer) and allows 600 requests an hour; each response
says how many are left (`X-Rate-Limit-Remaining`) and when the hour resets (`X-Rate-Limit-Reset`,
Unix seconds). When none are left the extractor waits for the reset, if that is within
`max_wait`, and says so in the log; otherwise the source fails for this run and the next run
resumes from its cursor.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

import httpx

from extractors.http import NotFound, SourceError, get_json, make_client
from extractors.lang import detect_lang
from extractors.post import NormalizeError, Post, RawItem
from extractors.query import SearchQuery, check_window
from extractors.text import html_to_text

logger = logging.getLogger(__name__)

VERSION = "1.0.0"
DEFAULT_BASE_URL = "https://www.v2ex.com/api/v2"
SITE = "https://www.v2ex.com"
# Where AI model launches are discussed on V2EX: OpenAI, 程序员, 分享发现, 问与答, 分享创造.
DEFAULT_NODES = ("openai", "programmer", "share", "qna", "create")
MAX_REPLY_PAGES = 100  # a topic's replies past this many pages are not read (a runaway server)
_SEPARATORS = re.compile(r"[\s\-_.·]+")


class V2exExtractor:
    """Topics whose text names a search term in the scanned nodes, with all their replies."""

    name = "v2ex"
    collector = f"v2ex/{VERSION}"

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        max_pages: int = 20,
        max_wait: float = 900.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not token or not token.strip():
            raise ValueError("v2ex: a personal access token is required (API 2.0 answers nothing without one)")
        self._token = token
        self._client = make_client(base_url, transport=transport, headers={"Authorization": f"Bearer {token}"})
        self._client.event_hooks["response"].append(self._note_rate_limit)
        self._max_pages = max_pages
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._remaining: int | None = None
        self._reset_at: float | None = None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> V2exExtractor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, query: SearchQuery, since: datetime, until: datetime) -> Iterator[RawItem]:
        """Matching topics created before `until`, and their replies created in [since, until)."""
        check_window(since, until)
        start, end = since.timestamp(), until.timestamp()
        terms = [_fold(term) for term in query.terms if _fold(term)]
        topics: dict[int, str] = {}
        for thread in query.thread_ids:
            if not thread.isdigit():
                raise ValueError(f"v2ex: thread ids must be topic ids (digits), found {thread!r}")
            topics.setdefault(int(thread), f"thread:{thread}")
        for node in query.options.get("nodes") or DEFAULT_NODES:
            for topic, term in self._scan(node, terms, start):
                topics.setdefault(topic["id"], f"{term} in {node}")
        for topic_id, found_by in topics.items():
            try:
                detail = self._get(f"topics/{topic_id}", {})
            except NotFound as gone:
                logger.warning("v2ex: topic %d (found by %r) is gone, skipped: %s", topic_id, found_by, gone.message)
                continue
            fetched_at = datetime.now(timezone.utc)
            topic = detail.get("result")
            created = topic.get("created") if isinstance(topic, Mapping) else None
            if not _is_int(created) or created < end:
                yield RawItem(source=self.name, payload={"topic": topic}, query=found_by, fetched_at=fetched_at)
            yield from self._replies(topic_id, found_by, start, end)

    def normalize(self, raw: RawItem, collected_at: datetime) -> Post:
        return normalize(raw, collected_at)

    def _scan(self, node: str, terms: list[str], start: float) -> Iterator[tuple[dict[str, Any], str]]:
        for page in range(1, self._max_pages + 1):
            try:
                body = self._get(f"nodes/{node}/topics", {"p": page})
            except NotFound:
                logger.warning("v2ex: node %r does not exist (HTTP 404), skipped; check sources.v2ex.nodes in launches.toml", node)
                return
            listed = body.get("result")
            if not isinstance(listed, list):
                raise SourceError(self.name, f"expected result as a list of topics from nodes/{node}/topics, found {type(listed).__name__}")
            reached_older = False
            for topic in listed:
                if not isinstance(topic, Mapping) or not _is_int(topic.get("id")):
                    continue  # no id to fetch it by; the node listing is only a pointer
                latest = max((v for v in (topic.get("created"), topic.get("last_touched")) if _is_int(v)), default=None)
                if latest is not None and latest < start:
                    reached_older = True
                    continue
                term = _matching_term(topic, terms)
                if term:
                    yield dict(topic), term
            # Most recently active first: past the first topic untouched since `start`, all are.
            if not listed or reached_older or page >= _pages(body, page):
                return
        logger.warning("v2ex: node %s still had active topics after %d pages; older pages not read", node, self._max_pages)

    def _replies(self, topic_id: int, found_by: str, start: float, end: float) -> Iterator[RawItem]:
        page = 1
        while True:
            body = self._get(f"topics/{topic_id}/replies", {"p": page})
            fetched_at = datetime.now(timezone.utc)
            replies = body.get("result")
            if not isinstance(replies, list):
                raise SourceError(self.name, f"expected result as a list of replies from topics/{topic_id}/replies, found {type(replies).__name__}")
            for reply in replies:
                created = reply.get("created") if isinstance(reply, Mapping) else None
                if _is_int(created) and not start <= created < end:
                    continue
                yield RawItem(source=self.name, payload={"topic_id": topic_id, "reply": reply}, query=found_by, fetched_at=fetched_at)
            if not replies or page >= min(_pages(body, page), MAX_REPLY_PAGES):
                return
            page += 1

    def _get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self._wait_for_quota()
        try:
            body = get_json(self._client, path, params, source=self.name, sleep=self._sleep, log=logger)
        except SourceError as error:
            # The token is never echoed, even if a server put it in an error body. (Real tokens are
            # UUIDs; a few characters could not be told apart from ordinary words.)
            message = error.message.replace(self._token, "[token]") if len(self._token) >= 8 else error.message
            raise type(error)(self.name, message) from None
        if body.get("success") is False:
            raise SourceError(self.name, f"GET {path} answered success=false: {str(body.get('message'))[:200]}")
        return body

    def _note_rate_limit(self, response: httpx.Response) -> None:
        remaining, reset = response.headers.get("X-Rate-Limit-Remaining"), response.headers.get("X-Rate-Limit-Reset")
        if remaining is not None and remaining.strip().isdigit():
            self._remaining = int(remaining)
        if reset is not None and reset.strip().isdigit():
            self._reset_at = float(reset)

    def _wait_for_quota(self) -> None:
        if self._remaining != 0 or self._reset_at is None:
            return
        wait = self._reset_at - self._clock()
        if wait <= 0:
            return
        if wait > self._max_wait:
            raise SourceError(
                self.name,
                f"the hourly request quota is used up (X-Rate-Limit-Remaining 0) and resets in {wait:.0f}s, "
                f"longer than the {self._max_wait:.0f}s this run may wait; the next run resumes from the cursor",
            )
        logger.warning("v2ex: request quota used up (X-Rate-Limit-Remaining 0), waiting %.1fs for X-Rate-Limit-Reset", wait)
        self._sleep(wait)
        self._remaining = None


def normalize(raw: RawItem, collected_at: datetime) -> Post:
    """The Post for one V2EX topic (`{"topic": ...}`) or reply (`{"topic_id": ..., "reply": ...}`)."""
    if collected_at.tzinfo is None:
        raise ValueError("collected_at must be timezone-aware UTC, found a naive datetime")
    payload = raw.payload
    if isinstance(payload, Mapping) and "topic" in payload:
        return _topic_post(raw, payload["topic"], collected_at)
    if isinstance(payload, Mapping) and "reply" in payload:
        return _reply_post(raw, payload.get("topic_id"), payload["reply"], collected_at)
    raise NormalizeError("expected {topic: ...} or {topic_id, reply: ...} from the V2EX API, found neither")


def _topic_post(raw: RawItem, topic: Any, collected_at: datetime) -> Post:
    if not isinstance(topic, Mapping):
        raise NormalizeError(f"expected a topic object, found {type(topic).__name__}")
    topic_id = topic.get("id")
    if not _is_int(topic_id):
        raise NormalizeError(f"topic has no usable id (found {topic_id!r})")
    title = topic.get("title")
    if not isinstance(title, str):
        raise NormalizeError(f"topic {topic_id}: expected title as a string, found {type(title).__name__}")
    parts = [_body(topic, f"topic {topic_id}")]
    for supplement in topic.get("supplements") or ():
        if isinstance(supplement, Mapping):
            parts.append(_body(supplement, f"topic {topic_id} supplement"))
    text = "\n\n".join(part for part in parts if part)
    if not text and not title.strip():
        raise NormalizeError(f"topic {topic_id} has no title and no content; nothing to analyse")
    replies = topic.get("replies")
    return Post(
        post_id=f"v2ex:{topic_id}",
        platform="v2ex",
        native_id=str(topic_id),
        url=f"{SITE}/t/{topic_id}",
        source=raw.source,
        thread_id=None,
        parent_id=None,
        author=_author(topic, f"topic {topic_id}"),
        title=title,
        text=text,
        lang=detect_lang(f"{title} {text}"),
        created_at=_created(topic, f"topic {topic_id}"),
        collected_at=collected_at.astimezone(timezone.utc),
        score=None,  # API 2.0 exposes no votes or thanks count
        replies=replies if _is_int(replies) else None,
        collector=V2exExtractor.collector,
    )


def _reply_post(raw: RawItem, topic_id: Any, reply: Any, collected_at: datetime) -> Post:
    if not _is_int(topic_id):
        raise NormalizeError(f"reply envelope has no usable topic_id (found {topic_id!r})")
    if not isinstance(reply, Mapping):
        raise NormalizeError(f"expected a reply object in topic {topic_id}, found {type(reply).__name__}")
    reply_id = reply.get("id")
    if not _is_int(reply_id):
        raise NormalizeError(f"reply in topic {topic_id} has no usable id (found {reply_id!r})")
    label = f"reply {reply_id}"
    text = _body(reply, label)
    if not text:
        raise NormalizeError(f"{label} has no content; nothing to analyse")
    return Post(
        post_id=f"v2ex:{topic_id}#r_{reply_id}",
        platform="v2ex",
        native_id=f"{topic_id}#r_{reply_id}",
        url=f"{SITE}/t/{topic_id}#r_{reply_id}",
        source=raw.source,
        # V2EX replies are flat: each answers the topic (mentions by @name are only text).
        thread_id=f"v2ex:{topic_id}",
        parent_id=f"v2ex:{topic_id}",
        author=_author(reply, label),
        title=None,
        text=text,
        lang=detect_lang(text),
        created_at=_created(reply, label),
        collected_at=collected_at.astimezone(timezone.utc),
        score=None,
        replies=None,
        collector=V2exExtractor.collector,
    )


def _body(item: Mapping[str, Any], label: str) -> str:
    rendered, plain = item.get("content_rendered"), item.get("content")
    for value, name in ((rendered, "content_rendered"), (plain, "content")):
        if value is not None and not isinstance(value, str):
            raise NormalizeError(f"{label}: expected {name} as a string, found {type(value).__name__}")
    if rendered and rendered.strip():
        return html_to_text(rendered)
    return (plain or "").strip()


def _author(item: Mapping[str, Any], label: str) -> str | None:
    member = item.get("member")
    if member is None:
        return None
    username = member.get("username") if isinstance(member, Mapping) else None
    if not isinstance(username, str):
        raise NormalizeError(f"{label}: expected member.username as a string, found {member!r}")
    return username


def _created(item: Mapping[str, Any], label: str) -> datetime:
    created = item.get("created")
    if not _is_int(created) or created <= 0:
        raise NormalizeError(f"{label}: expected created as positive Unix seconds, found {created!r}")
    return datetime.fromtimestamp(created, tz=timezone.utc)


def _matching_term(topic: Mapping[str, Any], terms: list[str]) -> str | None:
    texts = [topic.get("title"), topic.get("content")]
    texts += [s.get("content") for s in topic.get("supplements") or () if isinstance(s, Mapping)]
    folded = _fold(" ".join(text for text in texts if isinstance(text, str)))
    return next((term for term in terms if term in folded), None)


def _fold(text: str) -> str:
    """Lowercase with separators dropped: "Llama-4", "llama 4" and "LLaMA4" all read "llama4"."""
    return _SEPARATORS.sub("", text.casefold())


def _pages(body: Mapping[str, Any], page: int) -> int:
    """The page count the response reports, or one more than `page` when it reports none."""
    pagination = body.get("pagination")
    pages = pagination.get("pages") if isinstance(pagination, Mapping) else None
    return pages if _is_int(pages) else page + 1


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
