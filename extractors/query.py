"""What an extractor is asked to find: the search terms and the threads already known."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[str, ...]  # full-text search terms, from the catalogue's sources.<name>.queries
    thread_ids: tuple[str, ...] = ()  # native ids of threads known to be about the launch; new replies are fetched too
    label: str = ""  # what the query is for (usually the launch key), for logs and provenance
    # Source-specific lists from the catalogue's sources.<name> table (e.g. V2EX "nodes").
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for field_name in ("terms", "thread_ids"):
            value = getattr(self, field_name)
            if isinstance(value, str) or not all(isinstance(item, str) for item in value):
                raise TypeError(
                    f"SearchQuery.{field_name} must be a tuple of str, found {value!r}; "
                    f"wrap a single value as ({value!r},)"
                )
        for key, value in self.options.items():
            if isinstance(value, str) or not all(isinstance(item, str) for item in value):
                raise TypeError(f"SearchQuery.options[{key!r}] must be a tuple of str, found {value!r}")
        if not self.terms and not self.thread_ids:
            raise ValueError("SearchQuery needs at least one search term or one thread id, found neither")


def check_window(since: datetime, until: datetime) -> None:
    """Every extractor's `fetch` window: timezone-aware instants, `since` before `until`."""
    for label, value in (("since", since), ("until", until)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"{label} must be a timezone-aware datetime, found {value!r}")
    if since >= until:
        raise ValueError(f"since must be before until, found since={since.isoformat()} until={until.isoformat()}")
