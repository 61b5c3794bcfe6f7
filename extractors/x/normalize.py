"""X (Twitter) API v2 tweets to Posts; pure.

A tweet arrives flattened, the way twarc2 writes it: the v2 tweet object (`id`, `text`,
`created_at`, `author_id`, `conversation_id`, `referenced_tweets`, `public_metrics`, `lang`)
with its author's user object from `includes.users` under `author`. The live extractor builds
that shape from each response page, and `flatten_page` does the same for archived pages, so
live and archived tweets normalize alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

from extractors.lang import detect_lang
from extractors.post import NormalizeError, Post, RawItem

VERSION = "1.0.0"
COLLECTOR = f"x/{VERSION}"


def flatten_page(page: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Each tweet of a v2 response page (`data`, `includes.users`) with its author attached."""
    data = page.get("data") or []
    if not isinstance(data, list):
        raise NormalizeError(f"expected data as a list of tweets in the response page, found {type(data).__name__}")
    includes = page.get("includes") or {}
    users = includes.get("users") if isinstance(includes, Mapping) else None
    by_id = {u.get("id"): u for u in users or () if isinstance(u, Mapping)}
    for tweet in data:
        if isinstance(tweet, Mapping) and "author" not in tweet and tweet.get("author_id") in by_id:
            yield {**tweet, "author": by_id[tweet["author_id"]]}
        else:
            yield tweet


def normalize(raw: RawItem, collected_at: datetime) -> Post:
    """The Post for one flattened v2 tweet; never mutates `raw`."""
    if collected_at.tzinfo is None:
        raise ValueError("collected_at must be timezone-aware UTC, found a naive datetime")
    tweet = raw.payload
    if not isinstance(tweet, Mapping):
        raise NormalizeError(f"expected an X API v2 tweet (JSON object), found {type(tweet).__name__}")
    native_id = _snowflake(tweet.get("id"), "id", "tweet")
    text = tweet.get("text")
    if not isinstance(text, str) or not text.strip():
        raise NormalizeError(f"tweet {native_id}: expected text as a non-empty string, found {text!r}")
    note = tweet.get("note_tweet")
    if isinstance(note, Mapping) and isinstance(note.get("text"), str):
        text = note["text"]  # a long post: `text` holds only its first 280 characters
    author = tweet.get("author")
    username = None
    if author is not None:
        username = author.get("username") if isinstance(author, Mapping) else None
        if not isinstance(username, str) or not username:
            raise NormalizeError(f"tweet {native_id}: expected author.username as a string, found {author!r}")
    conversation = tweet.get("conversation_id")
    conversation_id = _snowflake(conversation, "conversation_id", f"tweet {native_id}") if conversation is not None else native_id
    replied_to = _replied_to(tweet, native_id)
    thread_id = f"x:{conversation_id}" if conversation_id != native_id else None
    parent_id = f"x:{replied_to}" if replied_to else thread_id
    metrics = tweet.get("public_metrics")
    if metrics is not None and not isinstance(metrics, Mapping):
        raise NormalizeError(f"tweet {native_id}: expected public_metrics as an object, found {metrics!r}")
    metrics = metrics or {}
    return Post(
        post_id=f"x:{native_id}",
        platform="x",
        native_id=native_id,
        url=f"https://x.com/{username}/status/{native_id}" if username else f"https://x.com/i/web/status/{native_id}",
        source=raw.source,
        thread_id=thread_id,
        parent_id=parent_id,
        author=username,
        title=None,
        text=text.strip(),
        lang=detect_lang(text),
        created_at=_created_at(tweet, native_id),
        collected_at=collected_at.astimezone(timezone.utc),
        score=_count(metrics, "like_count", native_id),
        replies=_count(metrics, "reply_count", native_id),
        collector=COLLECTOR,
    )


def _snowflake(value: Any, key: str, what: str) -> str:
    if isinstance(value, str) and value.isdigit():
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    raise NormalizeError(f"{what}: expected {key} as a numeric id string (X sends ids as strings), found {value!r}")


def _replied_to(tweet: Mapping[str, Any], native_id: str) -> str | None:
    references = tweet.get("referenced_tweets")
    if references is None:
        return None
    if not isinstance(references, list):
        raise NormalizeError(f"tweet {native_id}: expected referenced_tweets as a list, found {references!r}")
    for reference in references:
        if isinstance(reference, Mapping) and reference.get("type") == "replied_to":
            return _snowflake(reference.get("id"), "referenced_tweets[].id", f"tweet {native_id}")
    return None


def _created_at(tweet: Mapping[str, Any], native_id: str) -> datetime:
    value = tweet.get("created_at")
    if not isinstance(value, str):
        raise NormalizeError(f"tweet {native_id}: expected created_at as an ISO 8601 string (ask for tweet.fields=created_at), found {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise NormalizeError(f"tweet {native_id}: created_at {value!r} is not an ISO 8601 time") from error
    if parsed.tzinfo is None:
        raise NormalizeError(f"tweet {native_id}: created_at {value!r} has no time zone; X sends UTC with 'Z'")
    return parsed.astimezone(timezone.utc)


def _count(metrics: Mapping[str, Any], key: str, native_id: str) -> int | None:
    value = metrics.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise NormalizeError(f"tweet {native_id}: expected public_metrics.{key} as a count, found {value!r}")
    return value
