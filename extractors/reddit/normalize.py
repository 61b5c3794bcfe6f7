"""Reddit submissions (t3) and comments (t1) to Posts; pure.

The same data objects arrive from the live API (the `data` of a Listing's t3/t1 children, as
praw receives them) and from Pushshift / Arctic Shift archive dumps, which store exactly those
objects one per line. So one normalizer serves both, and tells submissions from comments by the
fullname prefix in `name` when present, else by `title` (submissions) or `body` (comments).

Native ids are fullnames ("t3_1jsafqw", "t1_mll3xz0"): base36 ids of submissions and comments
are separate sequences and can collide, their fullnames cannot.

`[deleted]` (by the author) and `[removed]` (by moderators or Reddit) bodies make a tombstone:
the post keeps its id, time, thread links and counts, and loses author, title and text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from extractors.lang import detect_lang
from extractors.post import NormalizeError, Post, RawItem

VERSION = "1.0.0"
COLLECTOR = f"reddit/{VERSION}"
SITE = "https://www.reddit.com"
TOMBSTONE_TEXTS = frozenset({"[deleted]", "[removed]"})
DELETED_AUTHOR = "[deleted]"


def normalize(raw: RawItem, collected_at: datetime) -> Post:
    """The Post for one Reddit submission or comment object; never mutates `raw`."""
    if collected_at.tzinfo is None:
        raise ValueError("collected_at must be timezone-aware UTC, found a naive datetime")
    thing = raw.payload
    if not isinstance(thing, Mapping):
        raise NormalizeError(f"expected a Reddit t3 or t1 object (JSON object), found {type(thing).__name__}")
    if isinstance(thing.get("data"), Mapping) and "kind" in thing:
        thing = thing["data"]  # a whole Listing child ({"kind": "t3", "data": {...}})
    kind = _kind(thing)
    base36 = _base36(thing, "id", f"{kind} object")
    native_id = f"{kind}_{base36}"
    body_key = "selftext" if kind == "t3" else "body"
    body = _optional_str(thing, body_key, native_id)
    title = _optional_str(thing, "title", native_id) if kind == "t3" else None
    if kind == "t3" and not (title and title.strip()) and body not in TOMBSTONE_TEXTS:
        raise NormalizeError(f"submission {native_id} has no title (found {thing.get('title')!r}); every submission has one")
    if kind == "t1" and body is None:
        raise NormalizeError(f"comment {native_id} has no body (found {thing.get('body')!r}); every comment has one")
    deleted = (body or "").strip() in TOMBSTONE_TEXTS
    author = _optional_str(thing, "author", native_id)
    if deleted or author == DELETED_AUTHOR:
        author = None
    text = "" if deleted else (body or "").strip()
    if deleted:
        title = None
    elif kind == "t1" and not text:
        raise NormalizeError(f"comment {native_id} has an empty body; nothing to analyse")
    subreddit = _optional_str(thing, "subreddit", native_id)
    thread_id = parent_id = None
    if kind == "t1":
        link = _fullname(thing, "link_id", "t3", native_id)
        thread_id = f"reddit:{link}"
        parent = thing.get("parent_id")
        parent_id = f"reddit:{_fullname(thing, 'parent_id', ('t1', 't3'), native_id)}" if parent is not None else thread_id
    return Post(
        post_id=f"reddit:{native_id}",
        platform="reddit",
        native_id=native_id,
        url=_permalink(thing, kind, base36, subreddit, native_id, slug=not deleted),
        source=raw.source,
        thread_id=thread_id,
        parent_id=parent_id,
        author=author,
        title=title,
        text=text,
        lang=detect_lang(" ".join(part for part in (title, text) if part)),
        created_at=_created_at(thing, native_id),
        collected_at=collected_at.astimezone(timezone.utc),
        score=_optional_int(thing, "score", native_id),
        replies=_optional_int(thing, "num_comments", native_id) if kind == "t3" else None,
        collector=COLLECTOR,
        deleted=deleted,
    )


def _kind(thing: Mapping[str, Any]) -> str:
    name = thing.get("name")
    if isinstance(name, str) and name[:3] in ("t1_", "t3_"):
        return name[:2]
    if "title" in thing:
        return "t3"
    if "body" in thing:
        return "t1"
    raise NormalizeError(
        f"expected a submission (t3: title, selftext) or a comment (t1: body, link_id), found keys {sorted(thing)[:12]}"
    )


def _base36(thing: Mapping[str, Any], key: str, what: str) -> str:
    value = thing.get(key)
    if isinstance(value, str) and value.isascii() and value.isalnum() and value == value.lower():
        return value
    raise NormalizeError(f"{what}: expected {key} as a base36 Reddit id (like '1jsafqw'), found {value!r}")


def _fullname(thing: Mapping[str, Any], key: str, prefixes: str | tuple[str, ...], native_id: str) -> str:
    value = thing.get(key)
    allowed = (prefixes,) if isinstance(prefixes, str) else prefixes
    if isinstance(value, str) and value[:2] in allowed and value[2:3] == "_" and value[3:].isalnum():
        return value
    expected = " or ".join(f"'{p}_<id>'" for p in allowed)
    raise NormalizeError(f"comment {native_id}: expected {key} as a fullname {expected}, found {value!r}")


def _permalink(thing: Mapping[str, Any], kind: str, base36: str, subreddit: str | None, native_id: str, slug: bool) -> str:
    permalink = thing.get("permalink")
    if permalink is not None and not (isinstance(permalink, str) and permalink.startswith("/r/")):
        raise NormalizeError(f"{native_id}: expected permalink as a path like '/r/<sub>/comments/...', found {permalink!r}")
    if permalink and slug:
        return SITE + permalink
    # Older archive comments carry no permalink, and a tombstone's permalink would keep its
    # title in the slug; Reddit resolves these slug-free forms all the same.
    if subreddit is None:
        raise NormalizeError(f"{native_id}: no permalink and no subreddit to build a link from")
    if kind == "t3":
        return f"{SITE}/r/{subreddit}/comments/{base36}/"
    link = _fullname(thing, "link_id", "t3", native_id)
    return f"{SITE}/r/{subreddit}/comments/{link[3:]}/_/{base36}/"


def _created_at(thing: Mapping[str, Any], native_id: str) -> datetime:
    value = thing.get("created_utc")
    # Some archive eras store created_utc as a string of digits.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise NormalizeError(f"{native_id}: expected created_utc as positive Unix seconds, found {value!r}")
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError) as error:
        raise NormalizeError(f"{native_id}: created_utc {value!r} is not a representable time") from error


def _optional_str(thing: Mapping[str, Any], key: str, native_id: str) -> str | None:
    value = thing.get(key)
    if value is None or isinstance(value, str):
        return value
    raise NormalizeError(f"{native_id}: expected {key} to be a string or null, found {type(value).__name__} {value!r}")


def _optional_int(thing: Mapping[str, Any], key: str, native_id: str) -> int | None:
    value = thing.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise NormalizeError(f"{native_id}: expected {key} to be an integer or null, found {value!r}")
    return int(value)
