"""Hacker News, through the Algolia HN Search API (https://hn.algolia.com/api).

Fetching uses only `search_by_date` (newest first) with a `created_at_i` window: since is
inclusive, until exclusive (`created_at_i>=since,created_at_i<until`, both rounded up to whole
seconds), so consecutive windows [a, b) and [b, c) never overlap and never leave a gap.

Algolia returns at most 1000 hits per query however many pages are asked for. When a query
matches more, the window's upper bound moves down to the oldest second already seen and the
query runs again; that second is fetched twice on purpose (hits sharing it may straddle the
cut) and the repeats are dropped by objectID.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

import httpx

from extractors.http import SourceError, get_json, make_client
from extractors.lang import detect_lang
from extractors.post import NormalizeError, Post, RawItem
from extractors.query import SearchQuery, check_window
from extractors.text import html_to_text

logger = logging.getLogger(__name__)

VERSION = "1.0.0"
DEFAULT_BASE_URL = "https://hn.algolia.com/api/v1"
PERMALINK = "https://news.ycombinator.com/item?id={}"
MAX_HITS_PER_PAGE = 1000  # Algolia's own ceiling for hitsPerPage
STORIES_PER_REQUEST = 20  # story_<id> tags per comments request; keeps the URL short


class HackerNewsExtractor:
    """Stories and comments matching search terms, plus the comments of the matched stories."""

    name = "hackernews"
    collector = f"hackernews/{VERSION}"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        hits_per_page: int = 100,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= hits_per_page <= MAX_HITS_PER_PAGE:
            raise ValueError(f"hits_per_page must be between 1 and {MAX_HITS_PER_PAGE}, found {hits_per_page}")
        self._client = make_client(base_url, transport=transport)
        self._hits_per_page = hits_per_page
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HackerNewsExtractor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, query: SearchQuery, since: datetime, until: datetime) -> Iterator[RawItem]:
        """Every hit created in [since, until) for the query's terms and threads, each objectID once."""
        window = _window(since, until)
        story_ids = [_thread_id(value) for value in query.thread_ids]
        seen: set[str] = set()
        for term in query.terms:
            for tags in ("story", "comment"):
                for hit, fetched_at in self._search(term, tags, window):
                    story_id = _object_id(hit)
                    if tags == "story" and story_id is not None:
                        story_ids.append(story_id)
                    if _first_sighting(hit, seen):
                        yield RawItem(source=self.name, payload=hit, query=term, fetched_at=fetched_at)
        unique_story_ids = list(dict.fromkeys(story_ids))
        for start in range(0, len(unique_story_ids), STORIES_PER_REQUEST):
            chunk = unique_story_ids[start : start + STORIES_PER_REQUEST]
            tags = "comment,(" + ",".join(f"story_{story_id}" for story_id in chunk) + ")"
            for hit, fetched_at in self._search("", tags, window):
                if _first_sighting(hit, seen):
                    story_id = hit.get("story_id") if isinstance(hit, Mapping) else None
                    yield RawItem(source=self.name, payload=hit, query=f"thread:{story_id}", fetched_at=fetched_at)

    def normalize(self, raw: RawItem, collected_at: datetime) -> Post:
        """The Post for one Algolia hit; pure, raises NormalizeError with the reason when it cannot."""
        return normalize(raw, collected_at)

    def _search(self, text: str, tags: str, window: tuple[int, int]) -> Iterator[tuple[dict[str, Any], datetime]]:
        since, upper = window
        while True:
            received, oldest, nb_hits = 0, None, 0
            page = 0
            while True:
                body = self._page(text, tags, since, upper, page)
                fetched_at = datetime.now(timezone.utc)
                hits, nb_hits, nb_pages = _envelope(body)
                for hit in hits:
                    received += 1
                    created = hit.get("created_at_i") if isinstance(hit, Mapping) else None
                    if _is_int(created):
                        oldest = created if oldest is None else min(oldest, created)
                    yield hit, fetched_at
                page += 1
                if page >= nb_pages or not hits:
                    break
            if received >= nb_hits or oldest is None:
                return
            upper = self._next_upper(text, tags, upper, oldest, nb_hits - received)

    def _next_upper(self, text: str, tags: str, upper: int, oldest: int, missing: int) -> int:
        if oldest + 1 < upper:
            return oldest + 1
        # Over a thousand hits in one second cannot be split by time; skip the second, loudly.
        logger.warning(
            "hackernews: %r tags=%s: more hits than Algolia returns at created_at_i=%d; "
            "up to %d hits in that second are not fetched",
            text, tags, oldest, missing,
        )
        return oldest

    def _page(self, text: str, tags: str, since: int, upper: int, page: int) -> dict[str, Any]:
        params = {
            "query": text,
            "tags": tags,
            "numericFilters": f"created_at_i>={since},created_at_i<{upper}",
            "hitsPerPage": self._hits_per_page,
            "page": page,
        }
        return get_json(self._client, "search_by_date", params, source=self.name, sleep=self._sleep, log=logger)


def normalize(raw: RawItem, collected_at: datetime) -> Post:
    """The Post for one Algolia hit (story or comment); never mutates `raw`."""
    if collected_at.tzinfo is None:
        raise ValueError("collected_at must be timezone-aware UTC, found a naive datetime")
    hit = raw.payload
    if not isinstance(hit, Mapping):
        raise NormalizeError(f"expected an Algolia hit (JSON object), found {type(hit).__name__}")
    native_id = _object_id(hit)
    if native_id is None:
        raise NormalizeError(f"hit has no usable objectID (found {hit.get('objectID')!r}); every Algolia hit carries one")
    kind = _kind(hit, native_id)
    title = _optional(hit, "title", str) if kind == "story" else None
    body_field = "story_text" if kind == "story" else "comment_text"
    body = _optional(hit, body_field, str)
    text = html_to_text(body) if body else ""
    if not text and not (title and title.strip()):
        raise NormalizeError(f"{kind} {native_id} has no text and no title ({body_field} is {body!r}); nothing to analyse")
    author = _optional(hit, "author", str)
    score = _optional(hit, "points", int)
    replies = _optional(hit, "num_comments", int) if kind == "story" else None
    thread_id = parent_id = None
    if kind == "story":
        # Validated, but the Post links to the HN discussion a reader can check, not the
        # article it points at; the article URL stays in the raw payload.
        _optional(hit, "url", str)
    else:
        thread_id = f"hackernews:{_comment_story_id(hit, native_id)}"
        parent_id = f"hackernews:{_required_id(hit, 'parent_id', native_id)}"
    return Post(
        post_id=f"hackernews:{native_id}",
        platform="hackernews",
        native_id=native_id,
        url=PERMALINK.format(native_id),
        source=raw.source,
        thread_id=thread_id,
        parent_id=parent_id,
        author=author,
        title=title,
        text=text,
        lang=detect_lang(" ".join(part for part in (title, text) if part)),
        created_at=_created_at(hit, native_id),
        collected_at=collected_at.astimezone(timezone.utc),
        score=score,
        replies=replies,
        collector=HackerNewsExtractor.collector,
    )


def _window(since: datetime, until: datetime) -> tuple[int, int]:
    check_window(since, until)
    return math.ceil(since.timestamp()), math.ceil(until.timestamp())


def _envelope(body: dict[str, Any]) -> tuple[list[Any], int, int]:
    hits, nb_hits, nb_pages = body.get("hits"), body.get("nbHits"), body.get("nbPages")
    if not isinstance(hits, list) or not _is_int(nb_hits) or not _is_int(nb_pages):
        raise SourceError(
            "hackernews",
            "expected an Algolia search response with hits (list), nbHits and nbPages (integers), "
            f"found keys {sorted(body)}; is base_url pointing at the HN Search API (.../api/v1)?",
        )
    return hits, nb_hits, nb_pages


def _first_sighting(hit: Any, seen: set[str]) -> bool:
    object_id = _object_id(hit)
    if object_id is None:
        return True  # cannot be de-duplicated; normalize will quarantine it with the reason
    if object_id in seen:
        return False
    seen.add(object_id)
    return True


def _thread_id(value: str) -> str:
    if not value.isdigit():
        raise ValueError(f"thread ids must be native Hacker News item ids (digits, e.g. '43595585'), found {value!r}")
    return value


def _object_id(hit: Any) -> str | None:
    value = hit.get("objectID") if isinstance(hit, Mapping) else None
    if _is_int(value) and value > 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None


def _kind(hit: Mapping[str, Any], native_id: str) -> str:
    tags = hit.get("_tags")
    if not isinstance(tags, list):
        raise NormalizeError(f"hit {native_id}: expected _tags as a list of strings, found {type(tags).__name__}")
    if "story" in tags:
        return "story"
    if "comment" in tags:
        return "comment"
    raise NormalizeError(f"hit {native_id} is neither a story nor a comment (_tags {tags!r}); polls and jobs are not collected")


def _optional(hit: Mapping[str, Any], key: str, expected: type) -> Any:
    value = hit.get(key)
    if value is None:
        return None
    if expected is int and _is_int(value):
        return value
    if expected is str and isinstance(value, str):
        return value
    raise NormalizeError(
        f"hit {hit.get('objectID')}: expected {key} to be {expected.__name__} or null, found {type(value).__name__} {value!r}"
    )


def _required_id(hit: Mapping[str, Any], key: str, native_id: str) -> str:
    value = hit.get(key)
    if _is_int(value) and value > 0:
        return str(value)
    if isinstance(value, str) and value.isdigit():
        return value
    raise NormalizeError(f"comment {native_id}: expected {key} to be a positive item id, found {value!r}")


def _comment_story_id(hit: Mapping[str, Any], native_id: str) -> str:
    if hit.get("story_id") is None:
        # Some old comment hits lack story_id but always carry the story_<id> tag.
        for tag in hit.get("_tags") or ():
            if isinstance(tag, str) and tag.startswith("story_") and tag[6:].isdigit():
                return tag[6:]
    return _required_id(hit, "story_id", native_id)


def _created_at(hit: Mapping[str, Any], native_id: str) -> datetime:
    seconds = hit.get("created_at_i")
    if seconds is not None:
        if not _is_int(seconds) or seconds <= 0:
            raise NormalizeError(f"hit {native_id}: expected created_at_i as positive Unix seconds, found {seconds!r}")
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError) as error:
            raise NormalizeError(f"hit {native_id}: created_at_i {seconds} is not a representable time") from error
    text = hit.get("created_at")
    if not isinstance(text, str):
        raise NormalizeError(f"hit {native_id}: no creation time (created_at_i and created_at are both missing)")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise NormalizeError(f"hit {native_id}: created_at {text!r} is not an ISO 8601 time") from error
    if parsed.tzinfo is None:
        raise NormalizeError(f"hit {native_id}: created_at {text!r} has no time zone; Algolia sends UTC with 'Z'")
    return parsed.astimezone(timezone.utc)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
