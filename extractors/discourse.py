"""Discourse forums, through any Discourse site's JSON API (https://docs.discourse.org).

Each site is its own source (`discourse-huggingface`, `discourse-openai`), so each keeps its own
cursor and credentials and one site being down does not fail the other. A site is a subclass
naming its source and its address; the address it is read through can be changed by
configuration (a mirror, a proxy), while ids and permalinks keep naming the site itself.

Fetching: `/search.json?q=<term> after:<date> before:<date> order:latest&page=N` finds the posts
that mention a term, newest first. `after:`/`before:` take whole days, so the window is widened
to whole days there and cut exactly on `created_at` here. Every topic with a hit, and every topic
already known to be about the launch (its root post's id), is then read in full: `/t/{id}.json`
holds the first posts and the ids of all of them (`post_stream.stream`); the rest come from
`/t/{id}/posts.json?post_ids[]=...`, twenty ids at a time. Only posts created in
[since, until) are yielded, each once.

A post's id here is `<host>/t/<topic id>/<post number>`, its permalink's path: the topic and
position are what replies point at (`reply_to_post_number`), and a known thread's id then names
the topic to poll without another request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser

from extractors.http import NotFound, SourceError, get_json, make_client
from extractors.lang import detect_lang
from extractors.post import NormalizeError, Post, RawItem
from extractors.query import SearchQuery, check_window
from extractors.text import html_to_text

logger = logging.getLogger(__name__)

VERSION = "1.0.0"
POSTS_PER_REQUEST = 20  # Discourse serves topic posts in chunks of this size
LIKE_ACTION = 2  # post_action_types: 2 is "like" in actions_summary
SMALL_ACTION = 3  # post_type of "closed this topic"-style notices, not something anyone wrote
# Topic fields kept beside each post; the rest of /t/{id}.json is per-viewer state or the posts.
TOPIC_FIELDS = ("id", "title", "fancy_title", "slug", "posts_count", "created_at", "category_id", "tags", "archetype")


class DiscourseExtractor:
    """Posts mentioning the search terms on one Discourse site, plus the rest of their topics."""

    name = "discourse"
    default_base_url = ""
    collector = f"discourse/{VERSION}"

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        api_username: str | None = None,
        transport: httpx.BaseTransport | None = None,
        max_pages: int = 20,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        api = (base_url or self.default_base_url).rstrip("/")
        if not urlsplit(api).hostname:
            raise ValueError(f"{self.name}: base_url must be a site's address like https://discuss.huggingface.co, found {api!r}")
        # Ids and permalinks name the site itself even when it is read through another address
        # (a mirror, a proxy, a test server).
        site = (self.default_base_url or api).rstrip("/")
        if bool(api_key) != bool(api_username):
            raise ValueError(
                f"{self.name}: an API key needs its user name and the other way round "
                f"(api_key {'set' if api_key else 'unset'}, api_username {'set' if api_username else 'unset'})"
            )
        headers = {"Api-Key": api_key, "Api-Username": api_username} if api_key and api_username else {}
        self.site = site
        self._host = urlsplit(site).hostname
        self._client = make_client(api, transport=transport, headers=headers)
        self._max_pages = max_pages
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> DiscourseExtractor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, query: SearchQuery, since: datetime, until: datetime) -> Iterator[RawItem]:
        """Every post created in [since, until) in the topics the terms find or the query names."""
        check_window(since, until)
        topics: dict[int, str] = {}
        for thread in query.thread_ids:
            topics.setdefault(self._topic_of_thread(thread), f"thread:{thread}")
        for term in query.terms:
            for topic_id in self._search(term, since, until):
                topics.setdefault(topic_id, term)
        seen: set[object] = set()
        for topic_id, found_by in topics.items():
            for payload, fetched_at in self._topic_posts(topic_id, found_by):
                post = payload["post"] if isinstance(payload["post"], Mapping) else {}
                if post.get("id") is not None:
                    if post["id"] in seen:
                        continue
                    seen.add(post["id"])
                created = _parse_time(post.get("created_at"))
                # A post without a readable time is yielded so normalize quarantines it with the reason.
                if created is not None and not since <= created < until:
                    continue
                yield RawItem(source=self.name, payload=payload, query=found_by, fetched_at=fetched_at)

    def normalize(self, raw: RawItem, collected_at: datetime) -> Post:
        return normalize(raw, collected_at)

    def _search(self, term: str, since: datetime, until: datetime) -> Iterator[int]:
        after = (since - timedelta(days=1)).date().isoformat()
        before = (until + timedelta(days=1)).date().isoformat()
        q = f"{term} after:{after} before:{before} order:latest"
        for page in range(1, self._max_pages + 1):
            body = get_json(self._client, "/search.json", {"q": q, "page": page}, source=self.name, sleep=self._sleep, log=logger)
            posts = body.get("posts", [])
            grouped = body.get("grouped_search_result")
            if not isinstance(posts, list) or not isinstance(grouped, (dict, type(None))):
                raise SourceError(
                    self.name,
                    f"expected a Discourse search result (posts list, grouped_search_result) from {self.site}/search.json, "
                    f"found keys {sorted(body)}; is the base URL a Discourse site's root?",
                )
            older = 0
            for hit in posts:
                topic_id = hit.get("topic_id") if isinstance(hit, Mapping) else None
                created = _parse_time(hit.get("created_at")) if isinstance(hit, Mapping) else None
                if created is not None and created < since:
                    older += 1
                    continue
                if _is_int(topic_id):
                    yield topic_id
            # Newest first: a page that reached posts older than the window is the last one needed.
            if not posts or older or not (grouped or {}).get("more_full_page_results"):
                return
        logger.warning("%s: search %r still had more results after %d pages; later pages not read", self.name, q, self._max_pages)

    def _topic_posts(self, topic_id: int, found_by: str) -> Iterator[tuple[dict[str, Any], datetime]]:
        try:
            topic = get_json(self._client, f"/t/{topic_id}.json", {}, source=self.name, sleep=self._sleep, log=logger)
        except NotFound as gone:
            logger.warning("%s: topic %d (found by %r) is gone or private, skipped: %s", self.name, topic_id, found_by, gone.message)
            return
        fetched_at = datetime.now(timezone.utc)
        stream = topic.get("post_stream")
        if not isinstance(stream, Mapping) or not isinstance(stream.get("posts"), list):
            raise SourceError(self.name, f"expected /t/{topic_id}.json to hold post_stream.posts, found keys {sorted(topic)}")
        summary = {key: topic.get(key) for key in TOPIC_FIELDS}
        posts = list(stream["posts"])
        have = {post.get("id") for post in posts if isinstance(post, Mapping)}
        missing = [post_id for post_id in stream.get("stream") or [] if post_id not in have]
        for start in range(0, len(missing), POSTS_PER_REQUEST):
            chunk = missing[start : start + POSTS_PER_REQUEST]
            more = get_json(
                self._client, f"/t/{topic_id}/posts.json", {"post_ids[]": chunk}, source=self.name, sleep=self._sleep, log=logger
            )
            extra = (more.get("post_stream") or {}).get("posts") if isinstance(more.get("post_stream"), Mapping) else None
            if not isinstance(extra, list):
                raise SourceError(self.name, f"expected /t/{topic_id}/posts.json to hold post_stream.posts, found keys {sorted(more)}")
            posts.extend(extra)
        for post in posts:
            yield {"site": self.site, "topic": summary, "post": post}, fetched_at

    def _topic_of_thread(self, thread: str) -> int:
        host, _, path = thread.partition("/t/")
        topic = path.split("/", 1)[0]
        if host != self._host or not topic.isdigit():
            raise ValueError(f"{self.name}: thread ids must look like {self._host}/t/<topic id>/1, found {thread!r}")
        return int(topic)


class HuggingFaceForum(DiscourseExtractor):
    name = "discourse-huggingface"
    default_base_url = "https://discuss.huggingface.co"


class OpenAICommunity(DiscourseExtractor):
    name = "discourse-openai"
    default_base_url = "https://community.openai.com"


def normalize(raw: RawItem, collected_at: datetime) -> Post:
    """The Post for one Discourse post with its site and topic; pure, never mutates `raw`."""
    if collected_at.tzinfo is None:
        raise ValueError("collected_at must be timezone-aware UTC, found a naive datetime")
    payload = raw.payload
    site = payload.get("site") if isinstance(payload, Mapping) else None
    topic = payload.get("topic") if isinstance(payload, Mapping) else None
    post = payload.get("post") if isinstance(payload, Mapping) else None
    if not isinstance(site, str) or not isinstance(topic, Mapping) or not isinstance(post, Mapping):
        raise NormalizeError("expected {site, topic, post} with a Discourse post object, found something else")
    host = urlsplit(site).hostname
    post_id = post.get("id")
    if not host or not _is_int(post_id):
        raise NormalizeError(f"post has no usable id (found {post_id!r}) or site {site!r} has no host")
    topic_id, number = post.get("topic_id"), post.get("post_number")
    if not _is_int(topic_id) or not _is_int(number) or number < 1:
        raise NormalizeError(f"post {post_id}: expected topic_id and post_number >= 1 as integers, found {topic_id!r}, {number!r}")
    if post.get("post_type") == SMALL_ACTION:
        raise NormalizeError(f"post {post_id} is a small action (post_type 3, e.g. 'closed this topic'), not something a person wrote")
    if post.get("deleted_at") or post.get("user_deleted"):
        raise NormalizeError(f"post {post_id} was deleted (deleted_at {post.get('deleted_at')!r}); its text is gone")
    cooked = post.get("cooked")
    if not isinstance(cooked, str):
        raise NormalizeError(f"post {post_id}: expected cooked HTML as a string, found {type(cooked).__name__}")
    text = html_to_text(_own_words(cooked))
    title = topic.get("title") if number == 1 else None
    if title is not None and not isinstance(title, str):
        raise NormalizeError(f"topic {topic_id}: expected title as a string, found {type(title).__name__}")
    if not text and not title:
        raise NormalizeError(f"post {post_id} has no text (cooked is {cooked!r}); nothing to analyse")
    created = _parse_time(post.get("created_at"))
    if created is None:
        raise NormalizeError(f"post {post_id}: created_at {post.get('created_at')!r} is not an ISO 8601 time with a zone")
    author = post.get("username")
    if author is not None and not isinstance(author, str):
        raise NormalizeError(f"post {post_id}: expected username as a string, found {type(author).__name__}")
    replies = post.get("reply_count")
    if replies is not None and not _is_int(replies):
        raise NormalizeError(f"post {post_id}: expected reply_count as an integer, found {replies!r}")
    slug = post.get("topic_slug") or topic.get("slug")
    root = f"{host}/t/{topic_id}/1"
    reply_to = post.get("reply_to_post_number")
    return Post(
        post_id=f"discourse:{host}/t/{topic_id}/{number}",
        platform="discourse",
        native_id=f"{host}/t/{topic_id}/{number}",
        url=f"{site.rstrip('/')}/t/{slug + '/' if isinstance(slug, str) and slug else ''}{topic_id}/{number}",
        source=raw.source,
        thread_id=None if number == 1 else f"discourse:{root}",
        parent_id=None if number == 1 else f"discourse:{host}/t/{topic_id}/{reply_to if _is_int(reply_to) else 1}",
        author=author,
        title=title,
        text=text,
        lang=detect_lang(" ".join(part for part in (title, text) if part)),
        created_at=created,
        collected_at=collected_at.astimezone(timezone.utc),
        score=_likes(post),
        replies=replies,
        collector=DiscourseExtractor.collector,
    )


def _own_words(cooked: str) -> str:
    """The cooked HTML without quotes of other posts and link previews (oneboxes): not the author's words."""
    if "<aside" not in cooked:
        return cooked
    tree = LexborHTMLParser(cooked)
    for aside in tree.css("aside.quote, aside.onebox"):
        aside.decompose()
    return tree.body.html if tree.body is not None else ""


def _likes(post: Mapping[str, Any]) -> int | None:
    actions = post.get("actions_summary")
    if isinstance(actions, list):
        for action in actions:
            if isinstance(action, Mapping) and action.get("id") == LIKE_ACTION and _is_int(action.get("count")):
                return action["count"]
        return 0  # the summary lists only actions someone took: no like entry, no likes
    count = post.get("like_count")
    return count if _is_int(count) else None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
