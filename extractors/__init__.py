"""Extractors: fetch raw payloads from a source (I/O) and normalize them into `Post`s (pure).

Every extractor registers here by name; flows and the CLI look it up with `get_extractor`.
"""

from __future__ import annotations

from typing import Any

from extractors.bluesky import BlueskyExtractor
from extractors.discourse import HuggingFaceForum, OpenAICommunity
from extractors.hackernews import HackerNewsExtractor
from extractors.post import POST_COLUMNS, NormalizeError, Post, RawItem
from extractors.query import SearchQuery
from extractors.reddit import RedditExtractor
from extractors.v2ex import V2exExtractor
from extractors.x import XExtractor

REGISTRY: dict[str, type] = {
    HackerNewsExtractor.name: HackerNewsExtractor,
    HuggingFaceForum.name: HuggingFaceForum,
    OpenAICommunity.name: OpenAICommunity,
    V2exExtractor.name: V2exExtractor,
    BlueskyExtractor.name: BlueskyExtractor,
    RedditExtractor.name: RedditExtractor,
    XExtractor.name: XExtractor,
}


def get_extractor(name: str, **kwargs: Any) -> Any:
    """A new extractor registered under `name`, built with `kwargs` (base_url, transport, credentials...)."""
    try:
        extractor_class = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY)) or "none"
        raise LookupError(f"no extractor named {name!r}; known extractors: {known}") from None
    return extractor_class(**kwargs)


__all__ = [
    "POST_COLUMNS",
    "REGISTRY",
    "HackerNewsExtractor",
    "NormalizeError",
    "Post",
    "RawItem",
    "RedditExtractor",
    "SearchQuery",
    "XExtractor",
    "get_extractor",
]
