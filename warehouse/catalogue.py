"""The launch catalogue: which launches we follow, their variants, and how posts name them.

Matching works on normalized text (`normalize_for_match`): NFKC, lowercase, and spaces, hyphens,
underscores and dots folded into one space, so "Llama-4", "llama 4" and "LLaMA_4" are all
"llama 4". A dot between two digits is kept: "Llama 4.1" is a different (point) release, not a
mention of Llama 4, and "gemini 2.5" must not become "gemini 2 5" and match "gemini 2". Spaces
next to CJK characters are dropped, since Chinese writers put them there or not at random
("千问 3" is "千问3").

An alias end made of a Latin letter or digit must sit on a word boundary ("llama 4" does not match
"llama 40", "llama 4o" or "llama 4.1"; it does match "llama 4's" and "用llama 4跑"). An end made of a
CJK character needs no boundary, so pure CJK aliases match as substrings ("羊驼4" still does not
match "羊驼40", its Latin end needs a boundary).

At each position the longest spelling wins, so "llama 4 maverick" names the variant rather than
just the launch. An optional `not_aliases` list on a launch holds longer spellings of other models
that contain one of its aliases ("gemini 2.5 flash" contains "gemini 2.5"): where one of those is
found, the text there names nothing.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import duckdb
import pyarrow as pa

from warehouse.db import transaction

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
SUBREDDIT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = "0-9a-z\u00c0-\u024f"
# The patterns start with a literal so the regex engine can skip ahead to candidates.
_LOOSE_DOT = re.compile(r"\.(?!(?<=\d\.)\d)")
_SPACE_BY_CJK = re.compile(rf" (?:(?=[{_CJK}])|(?<=[{_CJK}] ))")
_DASHES = re.compile(r"[_\-\u2010-\u2015]")
_WORD_CHAR = re.compile(rf"[{_WORD}]")
_END = ""


class CatalogueError(ValueError):
    """launches.toml does not describe launches the way catalogue.py expects."""


class UnknownLaunch(LookupError):
    """A launch key that is not in the catalogue."""

    def __init__(self, key: str, known: Iterable[str]):
        self.key = key
        self.known = sorted(known)
        super().__init__(
            f"unknown launch {key!r}; known launches: {', '.join(self.known) or '(none)'}. "
            "Add it to warehouse/launches.toml (and sync the catalogue) or use one of those keys."
        )


@dataclass(frozen=True)
class Variant:
    key: str  # stable id, e.g. "llama-4-maverick-exp"
    name: str  # the model's own name, e.g. "Llama-4-Maverick-03-26-Experimental"
    released_at: datetime | None  # UTC; None when never released (announced only)
    aliases: tuple[str, ...]  # spellings that name this variant anywhere
    context_aliases: tuple[str, ...]  # spellings that name it only in a post already on the launch


@dataclass(frozen=True)
class Launch:
    key: str  # stable id, e.g. "llama-4"
    name: str  # display name
    organization: str  # who released it
    released_at: datetime  # UTC
    url: str | None  # the announcement
    aliases: tuple[str, ...]  # spellings that name the launch (any variant)
    variants: tuple[Variant, ...]
    not_aliases: tuple[str, ...]  # longer spellings of other models that contain an alias ("gemini 2.5 flash")
    queries: dict[str, tuple[str, ...]]  # extractor name -> search terms for this launch
    # extractor name -> its other per-launch lists (e.g. v2ex "nodes"), by setting name
    source_options: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    launch_key: str
    variant_keys: tuple[str, ...]  # variants the text names, in catalogue order
    matched: tuple[str, ...]  # normalized aliases found, in order of first appearance
    direct: bool = True  # False when the launch came from `context` and the text does not name it


@dataclass(frozen=True)
class _Target:
    alias: str  # normalized
    launch_key: str | None  # None for a not_alias: the text names another model
    variant_key: str | None
    context_only: bool


def normalize_for_match(text: str) -> str:
    """The form aliases and post text are compared in (see the module docstring)."""
    folded = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).lower()
    folded = _DASHES.sub(" ", _LOOSE_DOT.sub(" ", folded))
    folded = " ".join(folded.split())
    return folded if folded.isascii() else _SPACE_BY_CJK.sub("", folded)


def _alias_regex(aliases: Iterable[str]) -> re.Pattern[str]:
    """One regex for all aliases, shaped as a trie so each text position costs one branch.

    At each position the longest alias wins ("llama 4 maverick" over "llama 4"), as the
    deeper branches are tried before an alias ends. Word-boundary checks follow the first
    character instead of preceding it, which keeps the engine's fast scan for first characters.
    """
    trie: dict[str, dict] = {}
    for alias in aliases:
        node = trie
        for char in alias:
            node = node.setdefault(char, {})
        node[_END] = {}
    starts = []
    for char, child in sorted(trie.items()):
        start = re.escape(char)
        if _WORD_CHAR.match(char):
            start += rf"(?<![{_WORD}]{start})(?<!\d\.{start})"
        starts.append(start + _trie_branches(child, char))
    return re.compile("|".join(starts))


def _trie_branches(node: dict[str, dict], last: str) -> str:
    branches = [re.escape(char) + _trie_branches(child, char) for char, child in sorted(node.items()) if char]
    if _END in node:
        branches.append(rf"(?![{_WORD}]|\.\d)" if _WORD_CHAR.match(last) else "")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


class Catalogue:
    """Launches and their compiled alias matcher."""

    def __init__(self, launches: Iterable[Launch]):
        self.launches: tuple[Launch, ...] = tuple(launches)
        self._by_key = {launch.key: launch for launch in self.launches}
        self._variant_order = {
            variant.key: index
            for index, variant in enumerate(v for launch in self.launches for v in launch.variants)
        }
        self._targets = _alias_targets(self.launches)
        self._pattern = _alias_regex(self._targets)

    def keys(self) -> list[str]:
        return [launch.key for launch in self.launches]

    def get(self, key: str) -> Launch:
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownLaunch(key, self._by_key) from None

    def match(self, *texts: str | None, context: Iterable[str] = ()) -> list[Match]:
        """Launches the texts name, plus the `context` launches the post already belongs to.

        Context aliases ("maverick") resolve a variant only for a launch that is named directly
        in the texts or given in `context` (e.g. inherited from the thread).
        """
        hits: list[tuple[str, _Target]] = []
        for text in texts:
            if text:
                normalized = normalize_for_match(text)
                found = (self._targets[alias] for alias in self._pattern.findall(normalized))
                hits.extend((target.alias, target) for target in found if target.launch_key)
        direct = {target.launch_key for _, target in hits if not target.context_only}
        context_keys = [key for key in context if key not in direct]
        results = []
        for launch in self.launches:
            if launch.key not in direct and launch.key not in context_keys:
                continue
            found = [(alias, t) for alias, t in hits if t.launch_key == launch.key]
            variants = sorted({t.variant_key for _, t in found if t.variant_key}, key=self._variant_order.__getitem__)
            matched = tuple(dict.fromkeys(alias for alias, _ in found))
            results.append(Match(launch.key, tuple(variants), matched, launch.key in direct))
        return results

    def alias_rows(self) -> list[tuple[str, str, str, str | None, bool]]:
        """(alias, normalized, launch_key, variant_key, context_only) for every catalogued spelling."""
        rows = []
        for launch in self.launches:
            rows.extend((a, normalize_for_match(a), launch.key, None, False) for a in launch.aliases)
            for variant in launch.variants:
                rows.extend((a, normalize_for_match(a), launch.key, variant.key, False) for a in variant.aliases)
                rows.extend(
                    (a, normalize_for_match(a), launch.key, variant.key, True) for a in variant.context_aliases
                )
        return rows


def _alias_targets(launches: tuple[Launch, ...]) -> dict[str, _Target]:
    """normalized alias -> what it names; a variant alias overrides the same spelling on its launch."""
    targets: dict[str, _Target] = {}
    for launch in launches:
        entries = [(a, launch.key, None, False) for a in launch.aliases]
        for variant in launch.variants:
            entries += [(a, launch.key, variant.key, False) for a in variant.aliases]
            entries += [(a, launch.key, variant.key, True) for a in variant.context_aliases]
        for alias, launch_key, variant_key, context_only in entries:
            normalized = normalize_for_match(alias)
            target = _Target(normalized, launch_key, variant_key, context_only)
            previous = targets.get(normalized)
            if previous and previous.launch_key != launch.key:
                raise CatalogueError(
                    f"alias {alias!r} of launch {launch.key!r} is also an alias of {previous.launch_key!r}; "
                    "a spelling must name one launch. Remove it from one of them in launches.toml."
                )
            if previous and previous.variant_key and variant_key not in (None, previous.variant_key):
                raise CatalogueError(
                    f"alias {alias!r} names both variant {previous.variant_key!r} and {variant_key!r} "
                    f"of launch {launch.key!r}; variants must stay distinct. Remove one in launches.toml."
                )
            # The most specific reading wins: a variant over its launch, a direct alias over a context one.
            if previous and previous.variant_key and (variant_key is None or not previous.context_only):
                continue
            targets[normalized] = target
    for launch in launches:
        for spelling in launch.not_aliases:
            normalized = normalize_for_match(spelling)
            if normalized in targets:
                raise CatalogueError(
                    f"not_alias {spelling!r} of launch {launch.key!r} is also an alias of "
                    f"{targets[normalized].launch_key!r}; remove it from one of the two lists in launches.toml."
                )
            targets[normalized] = _Target(normalized, None, None, False)
    return targets


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate launches.toml (the bundled one by default)."""
    if path is None:
        source = resources.files("warehouse") / "launches.toml"
        where = "warehouse/launches.toml"
    else:
        source = Path(path)
        where = str(path)
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"no launch catalogue at {where}; pass the path of a launches.toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{where} is not valid TOML: {exc}") from exc
    entries = document.get("launch")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{where}: expected one or more [[launch]] tables, found none")
    launches = [_launch(entry, index, where) for index, entry in enumerate(entries)]
    _require_unique([launch.key for launch in launches], "launch key", where)
    _require_unique([v.key for launch in launches for v in launch.variants], "variant key", where)
    try:
        return Catalogue(launches)
    except CatalogueError as exc:
        raise CatalogueError(f"{where}: {exc}") from None


def _launch(entry: Any, index: int, where: str) -> Launch:
    label = f"{where}: launch #{index + 1}"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{label}: expected a table, found {type(entry).__name__}")
    key = _key(entry, label)
    label = f"{where}: launch {key!r}"
    variants = entry.get("variant", [])
    if not isinstance(variants, list):
        raise CatalogueError(f"{label}: field 'variant' must be [[launch.variant]] tables")
    return Launch(
        key=key,
        name=_text(entry, "name", label),
        organization=_text(entry, "organization", label),
        released_at=_time(entry, "released_at", label, required=True),
        url=_text(entry, "url", label, required=False),
        aliases=_strings(entry, "aliases", label, required=True),
        variants=tuple(_variant(v, f"{label} variant #{i + 1}") for i, v in enumerate(variants)),
        not_aliases=_strings(entry, "not_aliases", label, required=False),
        queries=_queries(entry, label),
        source_options=_source_options(entry, label),
    )


def _variant(entry: Any, label: str) -> Variant:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{label}: expected a table, found {type(entry).__name__}")
    key = _key(entry, label)
    label = f"{label.rsplit(' variant', 1)[0]} variant {key!r}"
    return Variant(
        key=key,
        name=_text(entry, "name", label),
        released_at=_time(entry, "released_at", label, required=False),
        aliases=_strings(entry, "aliases", label, required=True),
        context_aliases=_strings(entry, "context_aliases", label, required=False),
    )


def _key(entry: dict, label: str) -> str:
    key = _text(entry, "key", label)
    if not KEY_PATTERN.match(key):
        raise CatalogueError(
            f"{label}: field 'key' must be lowercase letters, digits, dots and hyphens, found {key!r}"
        )
    return key


def _text(entry: dict, field: str, label: str, required: bool = True) -> Any:
    value = entry.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        found = "nothing" if value is None else repr(value)
        raise CatalogueError(f"{label}: field {field!r} must be a non-empty string, found {found}")
    return value


def _time(entry: dict, field: str, label: str, required: bool) -> datetime | None:
    value = _text(entry, field, label, required)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise CatalogueError(
            f"{label}: field {field!r} must be an ISO 8601 time with a zone, like "
            f"\"2025-04-05T19:00:44Z\", found {value!r}"
        )
    return parsed


def _strings(entry: dict, field: str, label: str, required: bool) -> tuple[str, ...]:
    value = entry.get(field)
    if value is None and not required:
        return ()
    valid = isinstance(value, list) and value and all(isinstance(v, str) and normalize_for_match(v) for v in value)
    if not valid:
        raise CatalogueError(
            f"{label}: field {field!r} must be a non-empty list of non-blank strings, found {value!r}"
        )
    return tuple(value)


def _queries(entry: dict, label: str) -> dict[str, tuple[str, ...]]:
    sources = entry.get("sources", {})
    if not isinstance(sources, dict):
        raise CatalogueError(f"{label}: field 'sources' must be a table of extractor tables")
    return {
        name: _strings(table if isinstance(table, dict) else {}, "queries", f"{label} sources.{name}", True)
        for name, table in sources.items()
    }


def _source_options(entry: dict, label: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Every list in sources.<name> besides `queries`: where the extractor looks (nodes, subreddits...)."""
    options = {
        name: {
            key: _strings(table, key, f"{label} sources.{name}", True)
            for key in table
            if key != "queries"
        }
        for name, table in entry.get("sources", {}).items()
        if isinstance(table, dict)
    }
    for name, table in options.items():
        bad = [s for s in table.get("subreddits", ()) if not SUBREDDIT_PATTERN.match(s)]
        if bad:
            raise CatalogueError(
                f"{label} sources.{name}: subreddits are names without the r/ prefix "
                f"(letters, digits, underscores, like \"LocalLLaMA\"), found {bad}"
            )
    return options


def _require_unique(keys: list[str], what: str, where: str) -> None:
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise CatalogueError(
            f"{where}: {what} {', '.join(map(repr, repeated))} used more than once; keys must be unique"
        )


def sync_catalogue(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    """Make launches, launch_variants and launch_aliases hold exactly this catalogue."""
    launches = pa.table(
        {
            "launch_key": [l.key for l in catalogue.launches],
            "name": [l.name for l in catalogue.launches],
            "organization": [l.organization for l in catalogue.launches],
            "released_at": pa.array([l.released_at for l in catalogue.launches], pa.timestamp("us", "UTC")),
            "url": [l.url for l in catalogue.launches],
        }
    )
    variants = [(v, l.key) for l in catalogue.launches for v in l.variants]
    variant_table = pa.table(
        {
            "variant_key": pa.array([v.key for v, _ in variants], pa.string()),
            "launch_key": pa.array([key for _, key in variants], pa.string()),
            "name": pa.array([v.name for v, _ in variants], pa.string()),
            "released_at": pa.array([v.released_at for v, _ in variants], pa.timestamp("us", "UTC")),
        }
    )
    alias_rows = catalogue.alias_rows()
    aliases = pa.table(
        {
            name: pa.array([row[i] for row in alias_rows], kind)
            for i, (name, kind) in enumerate(
                [("alias", pa.string()), ("normalized", pa.string()), ("launch_key", pa.string()),
                 ("variant_key", pa.string()), ("context_only", pa.bool_())]
            )
        }
    )
    with transaction(con):
        for table, data in (("launches", launches), ("launch_variants", variant_table), ("launch_aliases", aliases)):
            con.execute(f"DELETE FROM {table}")
            con.register("catalogue_rows", data)
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM catalogue_rows")
            finally:
                con.unregister("catalogue_rows")


def link_posts(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, post_ids: Iterable[str] | None = None
) -> int:
    """Recompute post_launches for `post_ids` (every post when None); return the rows written.

    A post is linked to the launches its title or text names (via 'alias'); a comment also to
    every launch its thread root names (via 'thread'). Comments of the given posts are
    recomputed too, so a root collected after its comments still passes its launches down.
    Variants are the post's own: a comment names a variant itself or through a context alias.
    A post deleted at the source keeps the links it had, and passes them down to its replies.
    """
    ids = None if post_ids is None else list(dict.fromkeys(post_ids))
    scope = con.execute("SELECT * FROM post_link_scope(?)", [ids]).fetchall()
    root_launches: dict[str, list[str]] = {}
    columns: dict[str, list] = {name: [] for name in ("post_id", "launch_key", "variant_keys", "matched", "via")}
    kept: set[str] = set()
    for post_id, title, text, thread_id, root_title, root_text, kept_launches, root_kept in scope:
        if kept_launches:
            # A tombstone's text is gone; it stays linked as it was when it could be read.
            kept.add(post_id)
            continue
        inherited: list[str] = []
        if thread_id is not None and (root_title is not None or root_text is not None):
            if thread_id not in root_launches:
                matched_root = root_kept if root_kept is not None else [m.launch_key for m in catalogue.match(root_title, root_text)]
                root_launches[thread_id] = list(matched_root)
            inherited = root_launches[thread_id]
        for match in catalogue.match(title, text, context=inherited):
            columns["post_id"].append(post_id)
            columns["launch_key"].append(match.launch_key)
            columns["variant_keys"].append(list(match.variant_keys))
            columns["matched"].append(list(match.matched))
            columns["via"].append("alias" if match.direct else "thread")
    strings = pa.list_(pa.string())
    rows = pa.table(
        {
            name: pa.array(values, strings if name in ("variant_keys", "matched") else pa.string())
            for name, values in columns.items()
        }
    )
    scope_ids = pa.table({"post_id": pa.array([row[0] for row in scope if row[0] not in kept], pa.string())})
    with transaction(con):
        con.register("link_scope_ids", scope_ids)
        con.register("link_rows", rows)
        try:
            con.execute("DELETE FROM post_launches WHERE post_id IN (SELECT post_id FROM link_scope_ids)")
            con.execute("INSERT INTO post_launches BY NAME SELECT * FROM link_rows")
        finally:
            con.unregister("link_scope_ids")
            con.unregister("link_rows")
    return rows.num_rows
