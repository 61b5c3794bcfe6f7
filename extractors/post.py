"""The central record: one post or comment, as collected from one platform.

Every other representation (table columns, JSON lines, report rows) derives from
these fields, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Mapping


@dataclass(frozen=True)
class Post:
    # Identity
    post_id: str  # "<platform>:<native_id>", unique across platforms; the upsert key
    platform: str  # where it was published: "hackernews", "reddit", "x", ...
    native_id: str  # the platform's own id, as a string
    url: str  # permalink a reader can open to check the post
    # Where it was found
    source: str  # extractor that collected it (may differ from platform, e.g. an archive dump)
    thread_id: str | None  # post_id of the thread's root (a story, a submission); None for a root
    parent_id: str | None  # post_id of the item it directly answers; None for a root
    # Author and content
    author: str | None  # display handle at collection; None when deleted or unknown
    title: str | None  # thread title; None for comments
    text: str  # plain text (HTML stripped); may be empty for link-only roots with a title
    lang: str  # ISO 639-1 code detected from title and text ("en", "zh"), "und" if unknown
    # Time, both timezone-aware UTC
    created_at: datetime  # when the author published it
    collected_at: datetime  # when we fetched it; passed in, never read from the clock
    # Engagement at collection time
    score: int | None  # points / upvotes / likes; None where the platform does not expose it
    replies: int | None  # number of direct or total replies as the platform reports it
    # Provenance
    collector: str  # "<extractor>/<version>" that produced this record
    # Deletion at the source (Reddit's and X's terms require honouring it)
    deleted: bool = False  # a tombstone: deleted or removed at the source; author, title and text are blanked


POST_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Post))


@dataclass(frozen=True)
class RawItem:
    """A payload exactly as the platform returned it, kept beside the post it becomes."""

    source: str  # extractor name that fetched it, the key of the extractor registry
    payload: Mapping[str, Any]  # the platform's record, untouched
    query: str  # the search term or request that found it, for provenance
    fetched_at: datetime  # timezone-aware UTC time of the HTTP response


class NormalizeError(ValueError):
    """A raw payload that cannot become a Post; the record goes to quarantine with this reason."""
