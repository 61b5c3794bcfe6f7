"""X through tweepy's API v2 `Client`: recent search, or full-archive search for older windows.

X's recent search covers the last 7 days. A window starting earlier goes to
`search_all_tweets`, which only some access tiers include; a tier that lacks it answers 403
(`client-not-enrolled`), reported as such with what to do instead. Pages are walked with
`tweepy.Paginator` (`meta.next_token`) and each tweet is yielded with its author user from
`includes.users`, in the flattened shape twarc2 writes (see normalize.py).

tweepy's own `wait_on_rate_limit` would sleep until `x-rate-limit-reset` however far away that
is; this client waits itself, bounded by `max_wait` and logged, and retries 5xx, timeouts and
dropped connections with backoff, then fails the source for this run.

tweepy builds every URL on https://api.twitter.com. `host` mounts a transport adapter on
tweepy's requests session that sends those requests to another server instead (tests use a
loopback one); the same adapter gives requests the timeout tweepy does not set.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from extractors.http import AuthError, SourceError
from extractors.post import Post, RawItem
from extractors.query import SearchQuery
from extractors.x.normalize import COLLECTOR, flatten_page, normalize

logger = logging.getLogger(__name__)

API_HOST = "https://api.twitter.com"
RECENT_SEARCH_DAYS = 7
# X refuses an end_time less than 10 seconds before the request.
END_TIME_MARGIN = timedelta(seconds=10)
TWEET_FIELDS = ["created_at", "public_metrics", "lang", "conversation_id", "referenced_tweets", "author_id"]
USER_FIELDS = ["username", "name"]
_BEARER = re.compile(r"(Bearer )[^\s'\"]+")


class _Redact(logging.Filter):
    """tweepy logs request headers at DEBUG, bearer token included; this blanks the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _BEARER.sub(r"\1[redacted]", record.getMessage())
        record.args = ()
        return True


logging.getLogger("tweepy.client").addFilter(_Redact())


class _Redirect(HTTPAdapter):
    """Sends api.twitter.com requests to `host` (when set) with a default timeout."""

    def __init__(self, host: str | None, timeout: float) -> None:
        super().__init__()
        self._host = urlsplit(host) if host else None
        self._timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self._host is not None:
            parts = urlsplit(request.url)
            request.url = urlunsplit((self._host.scheme, self._host.netloc, self._host.path.rstrip("/") + parts.path, parts.query, ""))
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


class XExtractor:
    """Tweets matching the launch's search terms (retweets left out), with their authors."""

    name = "x"
    collector = COLLECTOR

    def __init__(
        self,
        bearer_token: str,
        host: str | None = None,
        max_results: int = 100,
        timeout: float = 30.0,
        max_attempts: int = 4,
        max_wait: float = 900.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        if not 10 <= max_results <= 100:
            raise ValueError(f"max_results must be between 10 and 100 (X's bounds for both searches), found {max_results}")
        self._client = tweepy.Client(bearer_token=bearer_token, return_type=dict, wait_on_rate_limit=False)
        self._client.session.mount(API_HOST, _Redirect(host, timeout))
        self._max_results = max_results
        self._max_attempts = max_attempts
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock

    def close(self) -> None:
        self._client.session.close()

    def __enter__(self) -> XExtractor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, query: SearchQuery, since: datetime, until: datetime) -> Iterator[RawItem]:
        """Tweets created in [since, until) (whole seconds), each id once."""
        for label, value in (("since", since), ("until", until)):
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise ValueError(f"{label} must be a timezone-aware datetime, found {value!r}")
        now = self._clock()
        until = min(until, now - END_TIME_MARGIN)
        if since >= until:
            raise ValueError(f"since must be before until (and X's end_time 10 s before now), found since={since.isoformat()} until={until.isoformat()}")
        full_archive = since < now - timedelta(days=RECENT_SEARCH_DAYS)
        method = self._client.search_all_tweets if full_archive else self._client.search_recent_tweets
        seen: set[str] = set()
        for term in query.terms:
            pages = iter(tweepy.Paginator(
                method,
                query=f"({term}) -is:retweet",
                start_time=since,
                end_time=until,
                max_results=self._max_results,
                tweet_fields=TWEET_FIELDS,
                expansions=["author_id"],
                user_fields=USER_FIELDS,
            ))
            what = f"{method.__name__} {term!r}"
            while (page := self._call(lambda: next(pages, None), what, full_archive)) is not None:
                for error in page.get("errors") or ():
                    logger.warning("x: %s: partial error in the page: %s", what, error)
                fetched_at = datetime.now(timezone.utc)
                for tweet in flatten_page(page):
                    tweet_id = tweet.get("id") if isinstance(tweet, dict) else None
                    if tweet_id is not None and tweet_id in seen:
                        continue
                    if tweet_id is not None:
                        seen.add(tweet_id)
                    yield RawItem(source=self.name, payload=tweet, query=term, fetched_at=fetched_at)

    def normalize(self, raw: RawItem, collected_at: datetime) -> Post:
        """The Post for one flattened tweet; pure, raises NormalizeError with the reason."""
        return normalize(raw, collected_at)

    def _call(self, action: Callable[[], Any], what: str, full_archive: bool) -> Any:
        for attempt in range(1, self._max_attempts + 1):
            try:
                return action()
            except tweepy.Unauthorized:
                raise AuthError(self.name, f"HTTP 401 for {what}: X refused the bearer token") from None
            except tweepy.Forbidden as error:
                raise SourceError(self.name, _forbidden(error, what, full_archive)) from None
            except tweepy.TooManyRequests as error:
                problem = "HTTP 429"
                reset = error.reset_time
                wait = max(0.0, reset - self._clock().timestamp()) + 1 if reset is not None else None
            except tweepy.TwitterServerError as error:
                problem, wait = f"HTTP {error.response.status_code}", None
            except tweepy.HTTPException as error:
                raise SourceError(
                    self.name, f"HTTP {error.response.status_code} for {what}: {_messages(error)}; the request itself is wrong, retrying will not help"
                ) from None
            except requests.RequestException as error:
                problem, wait = f"connection failed ({type(error).__name__})", None
            if attempt == self._max_attempts:
                raise SourceError(
                    self.name, f"{what} failed {attempt} times, last with {problem}; X may be down or rate-limiting this token: retry later"
                )
            seconds = min(wait if wait is not None else 2.0**attempt, self._max_wait)
            logger.warning(
                "x: %s for %s, waiting %.1fs (%s; attempt %d of %d)",
                problem, what, seconds, "x-rate-limit-reset" if wait is not None else "backoff", attempt, self._max_attempts,
            )
            self._sleep(seconds)
        raise AssertionError("unreachable: the loop returns or raises")


def _forbidden(error: tweepy.Forbidden, what: str, full_archive: bool) -> str:
    try:
        body = error.response.json()
    except ValueError:
        body = {}
    reason = body.get("reason") if isinstance(body, dict) else None
    if full_archive:
        return (
            f"HTTP 403 for {what} ({reason or _messages(error)}): the window starts more than {RECENT_SEARCH_DAYS} days ago, "
            "which needs full-archive search, and this token's access tier does not include it. Collect the last "
            f"{RECENT_SEARCH_DAYS} days only (a later --since), or load older tweets from an archive with `launchwatch import`"
        )
    return f"HTTP 403 for {what} ({reason or _messages(error)}): the token's app lacks access to this endpoint; check its project and tier in the X developer portal"


def _messages(error: tweepy.HTTPException) -> str:
    return "; ".join(error.api_messages) or "no message"
