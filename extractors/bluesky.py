"""Bluesky, through the atproto SDK's XRPC client and `app.bsky.feed.searchPosts`.

Search runs with `sort=latest`, `since`/`until` (inclusive/exclusive) and `limit=100`, following
`cursor` until the server gives none. The server filters on a post's `sortAt` (the earlier of
createdAt and indexedAt), so the window is cut again on `record.createdAt` here, and posts are
kept once per at-uri across terms. Then the replies under every matched root post that has
replies, and under every root already known to be about the launch, are read with
`app.bsky.feed.getPostThread` (replies that never name the model included), cut to the window
the same way.

Without credentials the public AppView (https://public.api.bsky.app) is searched; it has at times
refused anonymous search, in which case the source fails naming the variables to set. With a
handle and an app password the client logs in (`com.atproto.server.createSession`, on
https://bsky.social unless another base URL is given) and searches through the account's PDS.

The raw XRPC JSON is kept (`invoke_query`), not the SDK's parsed models, so a single malformed
post is quarantined instead of failing its whole page. Rate limits: 429 answers carry
`ratelimit-reset` (Unix seconds); the wait honours it, bounded, and is logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

import httpx
from atproto import Client, exceptions, models
from atproto_client.request import Request

from extractors.http import AuthError, SourceError, Transient, requested_wait, with_retries
from extractors.lang import detect_lang
from extractors.post import NormalizeError, Post, RawItem
from extractors.query import SearchQuery, check_window

logger = logging.getLogger(__name__)

VERSION = "1.0.0"
PUBLIC_APPVIEW = "https://public.api.bsky.app"
ENTRYWAY = "https://bsky.social"  # where accounts on Bluesky's own PDSes log in
PAGE_SIZE = 100  # the lexicon's maximum for searchPosts
POST_COLLECTION = "app.bsky.feed.post"
THREAD_DEPTH = 100  # reply levels read under a thread root (the lexicon allows up to 1000)


class BlueskyExtractor:
    """Posts matching the search terms, newest first, through the atproto SDK."""

    name = "bluesky"
    collector = f"bluesky/{VERSION}"

    def __init__(
        self,
        base_url: str | None = None,
        handle: str | None = None,
        app_password: str | None = None,
        transport: httpx.BaseTransport | None = None,
        max_pages: int = 100,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if bool(handle) != bool(app_password):
            raise ValueError(
                "bluesky: a login needs both the handle and the app password "
                f"(handle {'set' if handle else 'unset'}, app password {'set' if app_password else 'unset'})"
            )
        self._secret = app_password
        kwargs: dict[str, Any] = {"timeout": 30.0}
        if transport is not None:
            kwargs["transport"] = transport
        self._client = Client(base_url=base_url or (ENTRYWAY if handle else PUBLIC_APPVIEW), request=Request(**kwargs))
        self._handle = handle
        self._logged_in = False
        self._max_pages = max_pages
        self._max_wait = max_wait
        self._sleep = sleep

    def close(self) -> None:
        self._client.request.close()

    def __enter__(self) -> BlueskyExtractor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, query: SearchQuery, since: datetime, until: datetime) -> Iterator[RawItem]:
        """Every post created in [since, until) that search finds for a term, each at-uri once."""
        check_window(since, until)
        if self._handle and not self._logged_in:
            self._call("login", lambda: self._client.login(self._handle, self._secret, fetch_bsky_profile=False))
            self._logged_in = True
        seen: set[str] = set()
        threads = dict.fromkeys(query.thread_ids)
        for term in query.terms:
            for post, fetched_at in self._search(term, since, until):
                if not self._first_sighting(post, seen, since, until):
                    continue
                if _is_root_with_replies(post):
                    threads[post["uri"]] = None
                yield RawItem(source=self.name, payload=post, query=term, fetched_at=fetched_at)
        for root in threads:
            for post, fetched_at in self._thread(root):
                if self._first_sighting(post, seen, since, until):
                    yield RawItem(source=self.name, payload=post, query=f"thread:{root}", fetched_at=fetched_at)

    def normalize(self, raw: RawItem, collected_at: datetime) -> Post:
        return normalize(raw, collected_at)

    @staticmethod
    def _first_sighting(post: Any, seen: set[str], since: datetime, until: datetime) -> bool:
        """Whether to yield `post`: not seen before and created in the window.

        A post without a readable uri or time is yielded, so normalize quarantines it with the reason.
        """
        uri = post.get("uri") if isinstance(post, Mapping) else None
        if isinstance(uri, str):
            if uri in seen:
                return False
            seen.add(uri)
        created = _created_at(post) if isinstance(post, Mapping) else None
        return created is None or since <= created < until

    def _thread(self, root: str) -> Iterator[tuple[Any, datetime]]:
        """Every reply under `root` (replies that never name the model included), depth first."""
        params = models.AppBskyFeedGetPostThread.Params(uri=root, depth=THREAD_DEPTH, parent_height=0)
        try:
            response = self._call(
                "app.bsky.feed.getPostThread", lambda: self._client.invoke_query("app.bsky.feed.getPostThread", params=params)
            )
        except SourceError as error:
            if "NotFound" not in error.message:
                raise
            logger.warning("bluesky: thread %s is gone (deleted or hidden), skipped", root)
            return
        fetched_at = datetime.now(timezone.utc)
        body = response.content
        pending = list(body.get("thread", {}).get("replies") or []) if isinstance(body, Mapping) and isinstance(body.get("thread"), Mapping) else []
        while pending:
            node = pending.pop()
            # notFoundPost and blockedPost entries carry no post; their replies are not shown either.
            if isinstance(node, Mapping) and "post" in node:
                yield node["post"], fetched_at
                pending.extend(node.get("replies") or [])

    def _search(self, term: str, since: datetime, until: datetime) -> Iterator[tuple[Any, datetime]]:
        cursor = None
        for _ in range(self._max_pages):
            params = models.AppBskyFeedSearchPosts.Params(
                q=term, since=_iso(since), until=_iso(until), sort="latest", limit=PAGE_SIZE, cursor=cursor
            )
            response = self._call(
                "app.bsky.feed.searchPosts", lambda: self._client.invoke_query("app.bsky.feed.searchPosts", params=params)
            )
            fetched_at = datetime.now(timezone.utc)
            body = response.content
            posts = body.get("posts") if isinstance(body, Mapping) else None
            if not isinstance(posts, list):
                found = sorted(body) if isinstance(body, Mapping) else type(body).__name__
                raise SourceError(self.name, f"expected a searchPosts response with a posts list, found {found}")
            for post in posts:
                yield post, fetched_at
            cursor = body.get("cursor")
            if not posts or not isinstance(cursor, str) or not cursor:
                return
        logger.warning("bluesky: search %r still had a cursor after %d pages; later pages not read", term, self._max_pages)

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        def once() -> Any:
            try:
                return call()
            except exceptions.UnauthorizedError as error:
                raise AuthError(self.name, self._refused(what, error)) from None
            except exceptions.RequestErrorBase as error:
                response = error.response
                status = response.status_code if response is not None else None
                if status is None or status == 429 or status >= 500 or isinstance(error, exceptions.NetworkError):
                    wait = requested_wait(response.headers, status) if response is not None else None
                    raise Transient(self._scrub(f"{status or type(error).__name__} {_details(error)}"), wait) from None
                raise SourceError(self.name, self._scrub(f"{what} answered HTTP {status}: {_details(error)}")) from None

        return with_retries(once, source=self.name, what=what, max_wait=self._max_wait, sleep=self._sleep, log=logger)

    def _refused(self, what: str, error: exceptions.RequestErrorBase) -> str:
        status = error.response.status_code if error.response is not None else "?"
        if self._handle:
            advice = "check the handle and the app password (create one in Settings > App passwords)"
        else:
            advice = "the public AppView refused anonymous access; log in with a handle and an app password"
        return self._scrub(f"{what} answered HTTP {status} ({_details(error)}): {advice}")

    def _scrub(self, text: str) -> str:
        # App passwords are 19 characters; a few characters could not be told apart from words.
        return text.replace(self._secret, "[app password]") if self._secret and len(self._secret) >= 8 else text


def normalize(raw: RawItem, collected_at: datetime) -> Post:
    """The Post for one `app.bsky.feed.defs#postView`; pure, never mutates `raw`."""
    if collected_at.tzinfo is None:
        raise ValueError("collected_at must be timezone-aware UTC, found a naive datetime")
    post = raw.payload
    if not isinstance(post, Mapping):
        raise NormalizeError(f"expected a postView (JSON object), found {type(post).__name__}")
    uri = post.get("uri")
    did, rkey = _uri_parts(uri)
    author = post.get("author")
    handle = author.get("handle") if isinstance(author, Mapping) else None
    if not isinstance(handle, str) or not handle:
        raise NormalizeError(f"post {uri}: expected author.handle as a string, found {author!r}")
    record = post.get("record")
    if not isinstance(record, Mapping):
        raise NormalizeError(f"post {uri}: expected record as an object, found {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise NormalizeError(f"post {uri}: expected record.text as a string, found {type(text).__name__}")
    if not text.strip():
        raise NormalizeError(f"post {uri} has no text (an image or a quote without words); nothing to analyse")
    created = _created_at(post)
    if created is None:
        raise NormalizeError(f"post {uri}: record.createdAt {record.get('createdAt')!r} is not an ISO 8601 time with a zone")
    reply = record.get("reply")
    thread_id = parent_id = None
    if reply is not None:
        root, parent = (reply.get(key) if isinstance(reply, Mapping) else None for key in ("root", "parent"))
        root_uri, parent_uri = (ref.get("uri") if isinstance(ref, Mapping) else None for ref in (root, parent))
        if not isinstance(root_uri, str) or not isinstance(parent_uri, str):
            raise NormalizeError(f"post {uri}: expected record.reply with root.uri and parent.uri, found {reply!r}")
        thread_id, parent_id = f"bluesky:{root_uri}", f"bluesky:{parent_uri}"
    lang = detect_lang(text)
    langs = record.get("langs")
    if lang == "und" and isinstance(langs, list) and langs and isinstance(langs[0], str):
        lang = langs[0].split("-")[0].lower()  # the author's client declared it; better than nothing
    # "handle.invalid" is what the AppView shows when a handle no longer verifies; the DID stays.
    profile = did if handle == "handle.invalid" else handle
    return Post(
        post_id=f"bluesky:{uri}",
        platform="bluesky",
        native_id=uri,
        url=f"https://bsky.app/profile/{profile}/post/{rkey}",
        source=raw.source,
        thread_id=thread_id,
        parent_id=parent_id,
        author=profile,
        title=None,
        text=text,
        lang=lang,
        created_at=created,
        collected_at=collected_at.astimezone(timezone.utc),
        score=_count(post, "likeCount", uri),
        replies=_count(post, "replyCount", uri),
        collector=BlueskyExtractor.collector,
    )


def _is_root_with_replies(post: Any) -> bool:
    record = post.get("record") if isinstance(post, Mapping) else None
    replies = post.get("replyCount") if isinstance(post, Mapping) else None
    return (
        isinstance(record, Mapping) and record.get("reply") is None and isinstance(post.get("uri"), str)
        and isinstance(replies, int) and replies > 0
    )


def _uri_parts(uri: Any) -> tuple[str, str]:
    """(did, rkey) of an at://<did>/app.bsky.feed.post/<rkey> uri."""
    parts = uri[len("at://") :].split("/") if isinstance(uri, str) and uri.startswith("at://") else []
    if len(parts) != 3 or parts[1] != POST_COLLECTION or not parts[0] or not parts[2]:
        raise NormalizeError(f"expected uri like at://<did>/{POST_COLLECTION}/<rkey>, found {uri!r}")
    return parts[0], parts[2]


def _count(post: Mapping[str, Any], key: str, uri: str) -> int | None:
    value = post.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise NormalizeError(f"post {uri}: expected {key} as a non-negative integer, found {value!r}")
    return value


def _created_at(post: Mapping[str, Any]) -> datetime | None:
    record = post.get("record")
    value = record.get("createdAt") if isinstance(record, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else None


def _details(error: exceptions.RequestErrorBase) -> str:
    content = error.response.content if error.response is not None else None
    name, message = getattr(content, "error", None), getattr(content, "message", None)
    return ": ".join(str(part) for part in (name, message) if part) or "no error body"


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
