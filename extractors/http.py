"""A small, polite JSON-over-HTTP client shared by the extractors.

Rate limits, not CPU, bound ingestion (DESIGN.md), so every wait is bounded, honours what the
server asks for (`Retry-After`), and is logged so it shows in the run's log. Failures that
retrying cannot fix (a refused credential, a bad request) surface at once; transient ones
(429, 5xx, timeouts, dropped connections) are retried with exponential backoff, and after the
last attempt the caller gets one `SourceError` that says what happened and what to do.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Mapping

import httpx
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)

USER_AGENT = "launchwatch (research tool tracking reactions to AI model launches)"
DEFAULT_TIMEOUT = 30.0
_BODY_EXCERPT = 300


class SourceError(RuntimeError):
    """A source could not be read; the message says what was tried and how to fix it."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class CredentialsRefused(SourceError):
    """The service refused the credentials; flows/ adds which environment variables hold them."""


class _Transient(Exception):
    """A failure worth retrying; carries the server's requested wait, if any."""

    def __init__(self, description: str, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.retry_after = retry_after


def make_client(
    base_url: str,
    transport: httpx.BaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> httpx.Client:
    """An httpx client for one source; pass `transport` to replay recordings instead of the network."""
    return httpx.Client(
        base_url=base_url,
        transport=transport,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=True,
    )


def get_json(
    client: httpx.Client,
    path: str,
    params: Mapping[str, Any],
    *,
    source: str | None = None,
    max_attempts: int = 5,
    max_wait: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    log: logging.Logger = logger,
) -> dict[str, Any]:
    """GET `path` and return its JSON object, retrying transient failures.

    `source` names the service in logs and errors (default: the client's host). Waits are
    `Retry-After` when the server sends it, else 1, 2, 4... seconds, never more than `max_wait`.
    """
    name = source or client.base_url.host or "http"
    backoff = wait_exponential(multiplier=1, min=1, max=max_wait)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Transient) and error.retry_after is not None:
            return min(error.retry_after, max_wait)
        return backoff(state)

    def announce(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        seconds = state.next_action.sleep if state.next_action else 0.0
        reason = "Retry-After" if isinstance(error, _Transient) and error.retry_after is not None else "backoff"
        log.warning(
            "%s: %s, waiting %.1fs (%s; attempt %d of %d)",
            name, error, seconds, reason, state.attempt_number, max_attempts,
        )

    retrying = Retrying(
        stop=stop_after_attempt(max_attempts),
        wait=wait,
        retry=retry_if_exception_type(_Transient),
        sleep=sleep,
        before_sleep=announce,
    )
    try:
        return retrying(_get_once, client, path, params, name)
    except RetryError as exhausted:
        last = exhausted.last_attempt.exception()
        raise SourceError(
            name,
            f"GET {path} failed {max_attempts} times, last with {last}; the service may be down or "
            "rate-limiting this address: retry later, or lower the request rate",
        ) from last


def _get_once(client: httpx.Client, path: str, params: Mapping[str, Any], name: str) -> dict[str, Any]:
    try:
        response = client.get(path, params=params)
    except httpx.TimeoutException as error:
        raise _Transient(f"timeout ({type(error).__name__})") from error
    except httpx.TransportError as error:
        raise _Transient(f"connection error ({type(error).__name__}: {error})") from error
    status = response.status_code
    if status == 429 or status >= 500:
        raise _Transient(str(status), _retry_after(response.headers.get("Retry-After")))
    if status in (401, 403):
        raise SourceError(
            name,
            f"HTTP {status} for GET {response.request.url}: the credentials were refused or lack "
            f"permission ({_excerpt(response)}); check the key or token given to the extractor",
        )
    if status >= 400:
        raise SourceError(
            name,
            f"HTTP {status} for GET {response.request.url}: {_excerpt(response)}; "
            "the request itself is wrong (path or parameters), retrying will not help",
        )
    return _json_object(response, name)


def _json_object(response: httpx.Response, name: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise SourceError(
            name,
            f"expected a JSON object from GET {response.request.url}, found "
            f"{response.headers.get('content-type', 'no content-type')}: {_excerpt(response)}",
        ) from error
    if not isinstance(body, dict):
        raise SourceError(
            name, f"expected a JSON object from GET {response.request.url}, found a {type(body).__name__}"
        )
    return body


def _retry_after(value: str | None) -> float | None:
    """Seconds asked for by a Retry-After header: either a number of seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _excerpt(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:_BODY_EXCERPT] + ("..." if len(text) > _BODY_EXCERPT else "") if text else "empty body"
