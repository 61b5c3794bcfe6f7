"""`launchwatch import`: load an archive dump into the warehouse, keeping the posts about launches.

The file is streamed and every line parsed (orjson). A record is kept when its text names a
catalogued launch (a cheap prefilter, extractors/dumps/prefilter.py, spares the full matcher
most records) or when it answers in a thread about one (known in the warehouse, or kept earlier
in this file); kept records are normalized by the same code as the live sources (Reddit's for
Pushshift, X's for twarc2), so normalization, and its language detection, is spent only on them. Kept posts are
loaded in batches, each batch one transaction (posts, raw payloads, launch links, quarantine),
so a crash leaves whole batches only and a rerun completes the rest: posts are upserted by id.
Records deleted at the source (`[deleted]` / `[removed]`) that name no launch are still
looked up: when the warehouse holds that post, the tombstone blanks it (deletion compliance).
The import is recorded in ingest_runs like a collection run.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from extractors import reddit, x
from extractors.reddit.normalize import TOMBSTONE_TEXTS
from extractors.dumps import FORMATS, CsvMapping, TextPrefilter, detect_format, lines, open_dump
from extractors.post import NormalizeError, Post, RawItem
from flows import steps
from flows.config import Settings
from warehouse import catalogue as cat
from warehouse import runs
from warehouse.db import connect, transaction
from warehouse.posts import linked_roots, stored_post_ids, upsert_posts

log = logging.getLogger("launchwatch")

BATCH_SIZE = 5000  # posts per transaction: large enough for DataFrame inserts, small enough to redo
PROGRESS_EVERY = 20000  # lines between progress updates
PLATFORM = {"pushshift": "reddit", "twarc2": "x"}


@dataclass
class ImportReport:
    path: Path
    format: str
    run_id: int
    read: int = 0  # records read: lines or CSV rows; a twarc2 page counts each of its tweets
    loaded: int = 0  # new posts written
    duplicate: int = 0  # posts already in the warehouse, or repeated in the file (engagement refreshed)
    unmatched: int = 0  # records about no catalogued launch, skipped
    quarantined: int = 0  # records that could not be read or normalized, kept in quarantine with the reason


def import_dump(
    config: Settings,
    path: Path,
    fmt: str | None = None,
    csv_mapping: CsvMapping | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportReport:
    """Import `path` (format detected when `fmt` is None); `progress(done_bytes, total_bytes)` is called now and then."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown dump format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "csv" and csv_mapping is None:
        raise ValueError("a CSV import needs a column mapping: pass --platform (and --column FIELD=COLUMN where names differ)")
    steps.prepare(config)
    catalogue = cat.load_catalogue()
    platform = csv_mapping.platform if fmt == "csv" else PLATFORM[fmt]
    normalize = csv_mapping.normalize if fmt == "csv" else (reddit.normalize if fmt == "pushshift" else x.normalize)
    texts, thread_of = _locators(fmt, csv_mapping)
    started = steps.utcnow()
    with closing(connect(config.db_path)) as con:
        run_id = runs.start_run(con, fmt, None, (started, started), started)
        report = ImportReport(path, fmt, run_id)
        loader = _BatchLoader(con, catalogue, fmt, run_id, report, batch_size, started, normalize, texts, thread_of)
        loader.threads.update(post_id for post_id, _ in linked_roots(con, platform))
        try:
            records = _csv_records(path, csv_mapping, report) if fmt == "csv" else _json_records(path, fmt, loader, progress, progress_every)
            for record in records:
                loader.take(record)
            loader.flush()
        except BaseException as exc:
            runs.finish_run(con, run_id, loader.counts(), steps.utcnow(), error=f"import stopped: {exc!r}")
            raise
        if loader.span:
            runs.set_window(con, run_id, loader.span)
        runs.finish_run(con, run_id, loader.counts(), steps.utcnow())
    return report


class _BatchLoader:
    """Normalizes records, keeps the ones about launches, writes them a batch per transaction."""

    def __init__(self, con, catalogue: cat.Catalogue, fmt: str, run_id: int, report: ImportReport, batch_size: int,
                 at: datetime, normalize: Callable[[RawItem, datetime], Post], texts, thread_of):
        self.con, self.catalogue, self.fmt, self.run_id = con, catalogue, fmt, run_id
        self.report, self.batch_size, self.at = report, batch_size, at
        self.normalize, self.texts, self.thread_of = normalize, texts, thread_of
        self.prefilter = TextPrefilter(_direct_aliases(catalogue))
        self.threads: set[str] = set()  # post ids of thread roots about a launch
        self.posts: list[Post] = []
        self.raws: list[RawItem] = []
        self.failed: list[tuple[Any, str]] = []
        # Tombstones about no launch: applied at the next flush to the posts the warehouse holds.
        self.tombstones: list[RawItem] = []
        self.span: tuple[datetime, datetime] | None = None
        self.query = f"import:{report.path.name}"

    def reject(self, payload: Any, reason: str) -> None:
        self.failed.append((payload, f"{self.fmt}: {reason}"))
        if len(self.failed) >= self.batch_size:
            self.flush()

    def take(self, payload: Any) -> None:
        if not isinstance(payload, dict):
            self.reject(payload, f"expected a JSON object per record, found {type(payload).__name__}")
            return
        found = self.texts(payload)
        raw = RawItem(source=self.fmt, payload=payload, query=self.query, fetched_at=self.at)
        in_thread = self.thread_of(payload) in self.threads
        if not in_thread and not (self.prefilter.could_match(*found) and self.catalogue.match(*found)):
            if isinstance(found[1], str) and found[1].strip() in TOMBSTONE_TEXTS:
                self.tombstones.append(raw)
                if len(self.tombstones) >= self.batch_size:
                    self.flush()
            else:
                self.report.unmatched += 1
            return
        try:
            post = self.normalize(raw, self.at)
        except NormalizeError as exc:
            self.reject(payload, str(exc))
            return
        self.keep(post, raw)

    def keep(self, post: Post, raw: RawItem) -> None:
        if post.thread_id is None:
            self.threads.add(post.post_id)
        self.posts.append(post)
        self.raws.append(raw)
        low, high = self.span or (post.created_at, post.created_at)
        self.span = (min(low, post.created_at), max(high, post.created_at))
        if len(self.posts) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        self._apply_tombstones()
        if not self.posts and not self.failed:
            return
        with transaction(self.con):
            inserted, updated = upsert_posts(self.con, self.posts, self.raws)
            quarantined = runs.quarantine(self.con, self.run_id, self.fmt, self.failed, self.at)
            cat.link_posts(self.con, self.catalogue, [post.post_id for post in self.posts])
        self.report.loaded += inserted
        self.report.duplicate += len(self.posts) - inserted
        self.report.quarantined += quarantined
        self.posts, self.raws, self.failed = [], [], []

    def _apply_tombstones(self) -> None:
        """Deletion compliance: a post deleted at the source is blanked if the warehouse holds it."""
        posts = []
        for raw in self.tombstones:
            try:
                posts.append((self.normalize(raw, self.at), raw))
            except NormalizeError:
                self.report.unmatched += 1  # a broken record about no launch: nothing to blank
        self.tombstones = []
        held = stored_post_ids(self.con, [post.post_id for post, _ in posts])
        for post, raw in posts:
            if post.post_id in held:
                self.posts.append(post)
                self.raws.append(raw)
            else:
                self.report.unmatched += 1

    def counts(self) -> runs.RunCounts:
        r = self.report
        return runs.RunCounts(fetched=r.read, inserted=r.loaded, updated=r.duplicate, quarantined=r.quarantined)


def _direct_aliases(catalogue: cat.Catalogue) -> list[str]:
    # Context-only aliases never match a post on their own; thread membership covers those posts.
    return [normalized for _, normalized, _, _, context_only in catalogue.alias_rows() if not context_only]


def _locators(fmt: str, mapping: CsvMapping | None):
    """Where a record of this format keeps its title and text, and its thread's post id.

    They are read before normalization so that only records about launches are normalized;
    the fields are the ones the format's normalizer reads.
    """
    if fmt == "pushshift":
        def texts(record: dict) -> tuple[Any, Any]:
            return record.get("title"), record.get("selftext") if "title" in record else record.get("body")

        def thread_of(record: dict) -> str | None:
            link = record.get("link_id")
            return f"reddit:{link}" if isinstance(link, str) else None
    elif fmt == "twarc2":
        def texts(record: dict) -> tuple[Any, Any]:
            note = record.get("note_tweet")
            return None, note.get("text") if isinstance(note, dict) else record.get("text")

        def thread_of(record: dict) -> str | None:
            conversation = record.get("conversation_id")
            return f"x:{conversation}" if conversation is not None and conversation != record.get("id") else None
    else:
        def texts(record: dict) -> tuple[Any, Any]:
            return record.get(mapping.columns["title"]), record.get(mapping.columns["text"])

        def thread_of(record: dict) -> str | None:
            thread = (record.get(mapping.columns["thread_id"]) or "").strip()
            return f"{mapping.platform}:{thread}" if thread else None
    return texts, thread_of


def _json_records(
    path: Path, fmt: str, loader: _BatchLoader, progress: Callable[[int, int], None] | None, every: int
) -> Iterator[Any]:
    total = path.stat().st_size
    report = loader.report
    with open_dump(path) as (stream, raw_file):
        for number, line in enumerate(lines(stream), start=1):
            if progress and number % every == 0:
                progress(raw_file.tell(), total)
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                report.read += 1
                loader.reject(line.decode("utf-8", errors="replace").rstrip("\n"), f"{path.name} line {number}: not JSON ({exc})")
                continue
            if fmt == "twarc2" and isinstance(record, dict) and "data" in record:
                try:
                    tweets = list(x.flatten_page(record))
                except NormalizeError as exc:
                    report.read += 1
                    loader.reject(record, f"{path.name} line {number}: {exc}")
                    continue
                report.read += len(tweets)
                yield from tweets
            else:
                report.read += 1
                yield record
        if progress:
            progress(total, total)


def _csv_records(path: Path, mapping: CsvMapping, report: ImportReport) -> Iterator[dict[str, str]]:
    with open_dump(path) as (stream, _):
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        rows = csv.DictReader(text)
        mapping.check_header(rows.fieldnames)
        for row in rows:
            report.read += 1
            yield row
