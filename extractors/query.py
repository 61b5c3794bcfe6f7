"""What an extractor is asked to find: the search terms and the threads already known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[str, ...]  # full-text search terms, from the catalogue's sources.<name>.queries
    thread_ids: tuple[str, ...] = ()  # native ids of threads known to be about the launch; new replies are fetched too
    label: str = ""  # what the query is for (usually the launch key), for logs and provenance
    scopes: tuple[str, ...] = ()  # where to search inside the source (subreddits); empty: the extractor's default

    def __post_init__(self) -> None:
        for field_name in ("terms", "thread_ids", "scopes"):
            value = getattr(self, field_name)
            if isinstance(value, str) or not all(isinstance(item, str) for item in value):
                raise TypeError(
                    f"SearchQuery.{field_name} must be a tuple of str, found {value!r}; "
                    f"wrap a single value as ({value!r},)"
                )
        if not self.terms and not self.thread_ids:
            raise ValueError("SearchQuery needs at least one search term or one thread id, found neither")
