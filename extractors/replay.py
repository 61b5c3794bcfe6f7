"""Replay: answer the extractors' HTTP requests from recorded payloads instead of the network.

Layout of a replay directory (one folder per source, any number of files):

    <directory>/
      hackernews/
        *.jsonl        one Algolia HN hit per line, exactly as `hits[]` carries it

`ReplayTransport(directory)` is an `httpx.BaseTransport`, so
`HackerNewsExtractor(transport=ReplayTransport(directory))` runs the production code, request
for request, over the recordings. Hits are served by `AlgoliaIndex`, which reproduces the part of
Algolia's search semantics the extractor relies on (see `AlgoliaIndex.search_by_date`).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

PAGINATION_LIMIT = 1000  # Algolia's paginationLimitedTo: hits reachable through page/hitsPerPage
DEFAULT_HITS_PER_PAGE = 20
MAX_HITS_PER_PAGE = 1000
NUMERIC_FIELDS = ("created_at_i", "points", "num_comments")  # the ones the HN API documents
# Attributes the HN index searches (algolia/hn-search, attributesToIndex). story_title is only
# highlighted, not searched, so a comment matches by its own text, not its story's title.
SEARCHABLE = ("title", "story_text", "comment_text", "url", "author")

_NUMERIC_FILTER = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|!=|<|>|=)\s*(-?\d+(?:\.\d+)?)\s*$")
# Algolia splits words on anything but letters and digits, except the separators the HN index
# keeps ('+#$', so "c++" and "c#" stay searchable).
_WORD = re.compile(r"[^\W_]+[+#$]*|[+#$]+")
_OPERATORS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class AlgoliaQueryError(ValueError):
    """A request Algolia itself would reject with HTTP 400; the message is Algolia-style."""


class AlgoliaIndex:
    """Recorded HN hits searchable the way `/api/v1/search_by_date` searches them.

    Semantics reproduced: `tags` is a comma-separated AND of tags, where a parenthesised group is
    an OR (`comment,(story_1,story_2)`); `numericFilters` is a comma-separated AND of
    `field op number` on created_at_i, points or num_comments (a hit without the field does
    not match); `query` words must all appear, case-insensitively, among the words of title,
    story_text, comment_text, url or author, the last word matching as a prefix (Algolia's
    default prefixLast); no typo tolerance. Results are newest first, paginated by
    page/hitsPerPage, with only the first 1000 hits reachable, as Algolia's paginationLimitedTo.
    """

    def __init__(self, hits: Iterable[Mapping[str, Any]]) -> None:
        self._hits = sorted(hits, key=_newest_first)
        self._words = [_searchable_words(hit) for hit in self._hits]

    def __len__(self) -> int:
        return len(self._hits)

    def search_by_date(self, params: Mapping[str, str]) -> dict[str, Any]:
        started = time.perf_counter()
        query = params.get("query", "")
        tag_filter = _parse_tags(params.get("tags", ""))
        numeric_filter = _parse_numeric_filters(params.get("numericFilters", ""))
        page = _parse_int(params, "page", 0, minimum=0)
        hits_per_page = min(_parse_int(params, "hitsPerPage", DEFAULT_HITS_PER_PAGE, minimum=0), MAX_HITS_PER_PAGE)
        words = [word.lower() for word in _WORD.findall(query)]
        matches = [
            hit
            for hit, hit_words in zip(self._hits, self._words)
            if _tags_match(hit, tag_filter) and _numbers_match(hit, numeric_filter) and _words_match(words, hit_words)
        ]
        if hits_per_page and page * hits_per_page >= PAGINATION_LIMIT:
            raise AlgoliaQueryError(
                f"you can only fetch the {PAGINATION_LIMIT} hits for this query. You can extend the number of "
                "hits returned via the paginationLimitedTo index parameter or use the browse method."
            )
        reachable = min(len(matches), PAGINATION_LIMIT)
        nb_pages = math.ceil(reachable / hits_per_page) if hits_per_page else 0
        start = page * hits_per_page
        page_hits = matches[start : min(start + hits_per_page, reachable)]
        return {
            "hits": [dict(hit) for hit in page_hits],
            "nbHits": len(matches),
            "page": page,
            "nbPages": nb_pages,
            "hitsPerPage": hits_per_page,
            "exhaustiveNbHits": True,
            "exhaustiveTypo": True,
            "exhaustive": {"nbHits": True, "typo": True},
            "query": query,
            "params": urlencode({**params, "advancedSyntax": "true", "analyticsTags": "backend"}),
            "processingTimeMS": round((time.perf_counter() - started) * 1000),
        }


class ReplayTransport(httpx.BaseTransport):
    """Serves `GET .../search_by_date` from `<directory>/hackernews/*.jsonl`; anything else is a 404."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.index = AlgoliaIndex(load_hits(self.directory / "hackernews"))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" or not request.url.path.rstrip("/").endswith("/search_by_date"):
            return _error(404, f"{request.method} {request.url.path} is not served by the replay")
        try:
            body = self.index.search_by_date(dict(request.url.params))
        except AlgoliaQueryError as error:
            return _error(400, str(error))
        return httpx.Response(200, json=body, request=request)


# The sources a replay can play, by the sub-folder their recordings sit in.
SERVED: dict[str, type[httpx.BaseTransport]] = {"hackernews": ReplayTransport}


def load_hits(folder: Path) -> list[dict[str, Any]]:
    """Every hit of every `*.jsonl` under `folder`, in file then line order."""
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no replay folder {folder}: expected one Algolia hit per line in {folder}/*.jsonl"
        )
    hits: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    hits.append(_hit_line(path, number, line))
    return hits


def replay_sources(directory: str | Path) -> list[str]:
    """Names of the sources recorded under `directory`, without reading the recordings."""
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"replay directory {root} does not exist; expected {root}/<source>/*.jsonl")
    return [name for name in SERVED if any((root / name).glob("*.jsonl"))]


def replay_transports(directory: str | Path) -> dict[str, httpx.BaseTransport]:
    """A replay transport for each source recorded under `directory` (by sub-folder name)."""
    return {name: SERVED[name](Path(directory)) for name in replay_sources(directory)}


def _hit_line(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        hit = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}:{number}: expected one JSON object per line, found invalid JSON ({error})") from error
    if not isinstance(hit, dict):
        raise ValueError(f"{path}:{number}: expected a JSON object (an Algolia hit), found {type(hit).__name__}")
    return hit


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"message": message, "status": status})


def _newest_first(hit: Mapping[str, Any]) -> tuple[int, int]:
    created = hit.get("created_at_i")
    object_id = str(hit.get("objectID", ""))
    return (
        -created if isinstance(created, int) and not isinstance(created, bool) else 0,
        -int(object_id) if object_id.isdigit() else 0,
    )


def _searchable_words(hit: Mapping[str, Any]) -> frozenset[str]:
    words: set[str] = set()
    for attribute in SEARCHABLE:
        value = hit.get(attribute)
        if isinstance(value, str):
            words.update(word.lower() for word in _WORD.findall(value))
    return frozenset(words)


def _words_match(query_words: list[str], hit_words: frozenset[str]) -> bool:
    if not query_words:
        return True
    *whole, last = query_words
    return all(word in hit_words for word in whole) and any(word.startswith(last) for word in hit_words)


def _parse_tags(tags: str) -> list[frozenset[str]]:
    """The tags parameter as an AND list of OR groups: "a,(b,c)" -> [{a}, {b, c}]."""
    groups: list[frozenset[str]] = []
    for part in re.findall(r"\([^()]*\)|[^,()]+", tags):
        names = [name.strip() for name in part.strip("()").split(",") if name.strip()]
        if names:
            groups.append(frozenset(names))
    if tags.count("(") != tags.count(")"):
        raise AlgoliaQueryError(f"Unbalanced parentheses in tags: {tags!r}")
    return groups


def _tags_match(hit: Mapping[str, Any], groups: list[frozenset[str]]) -> bool:
    hit_tags = hit.get("_tags")
    present = set(hit_tags) if isinstance(hit_tags, list) else set()
    return all(group & present for group in groups)


def _parse_numeric_filters(filters: str) -> list[tuple[str, str, float]]:
    parsed = []
    for condition in filter(None, (part.strip() for part in filters.split(","))):
        match = _NUMERIC_FILTER.match(condition)
        if not match or match.group(1) not in NUMERIC_FIELDS:
            raise AlgoliaQueryError(
                f"Invalid numericFilters {condition!r}: expected <field><op><number> with field in "
                f"{', '.join(NUMERIC_FIELDS)} and op in <, <=, =, !=, >=, >"
            )
        parsed.append((match.group(1), match.group(2), float(match.group(3))))
    return parsed


def _numbers_match(hit: Mapping[str, Any], conditions: list[tuple[str, str, float]]) -> bool:
    for field, operator, bound in conditions:
        value = hit.get(field)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not _OPERATORS[operator](value, bound):
            return False
    return True


def _parse_int(params: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise AlgoliaQueryError(f"Invalid value for {name}: expected an integer, found {raw!r}") from None
    if value < minimum:
        raise AlgoliaQueryError(f"Invalid value for {name}: expected >= {minimum}, found {value}")
    return value
