"""Reddit through praw: search subreddits for a launch's terms, newest first, with the comments.

Reddit has no date-range search. Search results sorted "new" are read until one is older than
`since`; a listing stops near 1,000 items, so older windows come from archive dumps
(`launchwatch import`). Each submission found (and each known thread) is fetched with its
comment tree, whose "load more comments" stubs are expanded at most `replace_more_limit` times:
each expansion is one request against a budget of about 100 requests a minute.

Errors. prawcore already retries 5xx and dropped connections twice (sleeping up to 4 s). On
top of that, this client waits out a 429 for the time Reddit states (`Retry-After`, else
`x-ratelimit-reset`), bounded by `max_wait` and logged, and retries transient failures up to
`max_attempts` times; then the source fails for this run with one `SourceError`. A refused
credential raises `AuthError` at once and never includes the secret.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any, TypeVar

import praw
import prawcore
import requests
from praw.models import Comment, Redditor, Subreddit

from extractors.http import AuthError, SourceError
from extractors.post import Post, RawItem
from extractors.query import SearchQuery, check_window
from extractors.reddit.normalize import COLLECTOR, normalize

logger = logging.getLogger(__name__)

DEFAULT_SUBREDDITS = ("LocalLLaMA", "singularity", "MachineLearning", "OpenAI", "ChatGPT", "artificial")
# praw attributes that are its own bookkeeping, not fields of Reddit's object.
_PRAW_ATTRIBUTES = frozenset({"comment_limit", "comment_sort", "submission"})
T = TypeVar("T")


class RedditExtractor:
    """Submissions matching search terms in the configured subreddits, and their comments."""

    name = "reddit"
    collector = COLLECTOR

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        user_agent: str | None = None,
        site: str | None = None,
        replace_more_limit: int = 8,
        max_attempts: int = 4,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        **praw_settings: Any,
    ) -> None:
        """Credentials come as arguments, or from the praw.ini section `site`.

        `praw_settings` go to `praw.Reddit` unchanged: `oauth_url`, `reddit_url` and
        `requestor_kwargs` point it at another server (tests use a loopback one).
        """
        if replace_more_limit < 0:
            raise ValueError(f"replace_more_limit must be 0 or more, found {replace_more_limit}")
        options = {k: v for k, v in (("client_id", client_id), ("client_secret", client_secret), ("user_agent", user_agent)) if v}
        # Our own session, so close() can release its connections without reaching into praw.
        self._session = requests.Session()
        requestor = {**praw_settings.pop("requestor_kwargs", {}), "session": self._session}
        self._reddit = praw.Reddit(
            site, check_for_updates=False, check_for_async=False, requestor_kwargs=requestor, **options, **praw_settings
        )
        self._reddit.read_only = True
        self._replace_more_limit = replace_more_limit
        self._max_attempts = max_attempts
        self._max_wait = max_wait
        self._sleep = sleep

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> RedditExtractor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, query: SearchQuery, since: datetime, until: datetime) -> Iterator[RawItem]:
        """Submissions and comments created in [since, until), each fullname once."""
        low, high = _window(since, until)
        subreddits = "+".join(query.options.get("subreddits") or DEFAULT_SUBREDDITS)
        seen: set[str] = set()
        # Known threads come as Post native ids ("t3_1jsafqw"); praw wants the bare base36 id.
        threads = [thread.removeprefix("t3_") for thread in query.thread_ids]
        for term in query.terms:
            phrase = f'"{term}"' if " " in term else term
            results = self._reddit.subreddit(subreddits).search(phrase, sort="new", time_filter="all", limit=None)
            while (submission := self._call(lambda: next(results, None), f"search {phrase!r} in r/{subreddits}")) is not None:
                created = _created(submission)
                if created is not None and created < low:
                    break  # sorted newest first: everything after this is older still
                if created is not None and created >= high:
                    continue
                threads.append(submission.id)
                if submission.fullname not in seen:
                    seen.add(submission.fullname)
                    yield self._raw(submission, f"search:{term}")
        for thread in dict.fromkeys(threads):
            yield from self._thread(thread, low, high, seen)

    def normalize(self, raw: RawItem, collected_at: datetime) -> Post:
        """The Post for one submission or comment object; pure, raises NormalizeError with the reason."""
        return normalize(raw, collected_at)

    def _thread(self, submission_id: str, low: float, high: float, seen: set[str]) -> Iterator[RawItem]:
        submission = self._reddit.submission(submission_id)
        submission.comment_sort = "new"
        what = f"comments of t3_{submission_id}"
        self._call(lambda: submission.comments.replace_more(limit=self._replace_more_limit), what)
        for comment in submission.comments.list():
            if not isinstance(comment, Comment):
                continue  # a "load more" stub left beyond replace_more_limit
            created = _created(comment)
            if (created is None or low <= created < high) and comment.fullname not in seen:
                seen.add(comment.fullname)
                yield self._raw(comment, f"thread:t3_{submission_id}")

    def _raw(self, thing: Any, query: str) -> RawItem:
        return RawItem(source=self.name, payload=payload_of(thing), query=query, fetched_at=datetime.now(timezone.utc))

    def _call(self, action: Callable[[], T], what: str) -> T:
        """Run one praw request, waiting out rate limits and retrying transient failures, bounded."""
        for attempt in range(1, self._max_attempts + 1):
            try:
                return action()
            except (prawcore.OAuthException, prawcore.InvalidToken) as error:
                raise AuthError(self.name, f"Reddit refused the app's credentials ({type(error).__name__})") from None
            except prawcore.ResponseException as error:
                status = error.response.status_code
                if status == 401:
                    raise AuthError(self.name, f"HTTP 401 for {what}: Reddit refused the app's credentials") from None
                if status == 403:
                    raise SourceError(
                        self.name,
                        f"HTTP 403 for {what}: Reddit refused access; a configured subreddit may be private, banned or "
                        "quarantined (check sources.reddit.subreddits in launches.toml)",
                    ) from None
                if status != 429 and status < 500:
                    raise SourceError(self.name, f"HTTP {status} for {what}; the request itself is wrong, retrying will not help") from None
                problem, wait = f"HTTP {status}", _stated_wait(error.response.headers)
            except prawcore.RequestException as error:
                problem, wait = f"connection failed ({type(error.original_exception).__name__})", None
            if attempt == self._max_attempts:
                raise SourceError(
                    self.name,
                    f"{what} still failed after {attempt} attempt(s), each retried by prawcore, last with {problem}; Reddit may be down or rate-limiting "
                    "this client (about 100 requests a minute): retry later",
                )
            seconds = min(wait if wait is not None else 2.0**attempt, self._max_wait)
            logger.warning(
                "reddit: %s for %s, waiting %.1fs (%s; attempt %d of %d)",
                problem, what, seconds, "rate-limit header" if wait is not None else "backoff", attempt, self._max_attempts,
            )
            self._sleep(seconds)
        raise AssertionError("unreachable: the loop returns or raises")


def payload_of(thing: Any) -> dict[str, Any]:
    """The object's fields as Reddit sent them: praw sets each JSON field as an attribute.

    praw turns `author` and `subreddit` into objects and moves `replies` into a comment forest
    (each reply is collected as its own item); they are turned back into the names Reddit sent.
    """
    payload: dict[str, Any] = {}
    for key, value in vars(thing).items():
        if key.startswith("_") or key in _PRAW_ATTRIBUTES:
            continue
        if key == "author":
            value = "[deleted]" if value is None else str(value)
        elif isinstance(value, (Redditor, Subreddit)):
            value = str(value)
        payload[key] = value
    return payload


def _created(thing: Any) -> float | None:
    """created_utc when usable; None lets the item through for normalize to quarantine with the reason."""
    value = getattr(thing, "created_utc", None)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _stated_wait(headers: Mapping[str, str]) -> float | None:
    for header in ("retry-after", "x-ratelimit-reset"):
        value = headers.get(header)
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue
    return None


def _window(since: datetime, until: datetime) -> tuple[float, float]:
    check_window(since, until)
    return since.timestamp(), until.timestamp()
