"""The pipeline's steps as plain functions: the Prefect flow and the CLI both call these.

Each step opens the warehouse itself, so a step is a unit Prefect can retry, and the one-writer
rule holds because steps run one after another.
"""

from __future__ import annotations

import logging
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import duckdb

import extractors
from extractors.http import AuthError, SourceError
from extractors.post import NormalizeError, Post, RawItem
from extractors.replay import replay_sources, replay_transports
from flows.config import DEFAULT_LOOKBACK_HOURS, Settings
from warehouse import catalogue as cat
from warehouse import alerts, classifications, events, facts, runs, snapshot
from warehouse.db import connect, transaction
from warehouse.posts import known_threads, upsert_posts

log = logging.getLogger("launchwatch")

# Items indexed late by a source (an edited story, a delayed search index) are still caught when
# the next run starts this far before the cursor; the upsert makes the overlap harmless.
CURSOR_OVERLAP = timedelta(hours=1)
# Comments keep arriving on threads for days; threads this old are still polled for new comments.
THREAD_WATCH = timedelta(days=7)
CLASSIFY_BATCH = 512


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class CollectResult:
    source: str
    launch_key: str
    window: tuple[datetime, datetime]
    status: str  # "ok" or "failed"
    counts: runs.RunCounts = field(default_factory=runs.RunCounts)
    error: str | None = None


def build_extractor(name: str, config: Settings, replay: Path | None):
    """The extractor `name`, talking to the live API, or to the recorded payloads under `replay`."""
    if replay is None:
        return extractors.get_extractor(name, **config.options(name))
    transports = replay_transports(replay)
    if name not in transports:
        raise ValueError(
            f"no recorded payloads for source {name!r} under {replay}: expected {replay}/{name}/*.jsonl"
        )
    return extractors.get_extractor(name, transport=transports[name])


def sources_for(config: Settings, replay: Path | None, wanted: Sequence[str] = ()) -> list[str]:
    """Sources to run: the ones asked for, or every registered one (every recorded one in a replay)."""
    available = replay_sources(replay) if replay else sorted(extractors.REGISTRY)
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; available here: {available}")
    if replay:
        return list(wanted) or available
    if wanted:
        for name in wanted:
            config.options(name)  # a source asked for by name must have its credentials
        return list(wanted)
    ready = []
    for name in available:
        missing = config.missing_credentials(name)
        if missing:
            log.warning("skipping source %s: %s not set", name, ", ".join(missing))
        else:
            ready.append(name)
    return ready


def normalize_all(
    extractor, raws: Iterable[RawItem], collected_at: datetime
) -> tuple[list[Post], list[RawItem], list[tuple[object, str]]]:
    """Posts with their raw items, and the (payload, reason) of every record that failed."""
    posts, kept, failed = [], [], []
    for raw in raws:
        try:
            posts.append(extractor.normalize(raw, collected_at))
            kept.append(raw)
        except NormalizeError as exc:
            failed.append((raw.payload, f"{raw.source}: {exc}"))
    return posts, kept, failed


def collect(
    config: Settings,
    source: str,
    launch_key: str,
    since: datetime | None,
    until: datetime,
    replay: Path | None = None,
) -> CollectResult:
    """Fetch one source's posts about one launch and load them, all or nothing.

    With `since` None the window starts at the source's cursor for the launch (less a small
    overlap), or DEFAULT_LOOKBACK_HOURS back on a first run. A source that fails is recorded as a
    failed run and writes no posts; the caller goes on with the other sources.
    """
    catalogue = cat.load_catalogue()
    launch = catalogue.get(launch_key)
    terms = launch.queries.get(source, ())
    with closing(build_extractor(source, config, replay)) as extractor, closing(connect(config.db_path)) as con:
        if since is None:
            cursor = runs.get_cursor(con, source, launch_key)
            since = cursor - CURSOR_OVERLAP if cursor else until - timedelta(hours=DEFAULT_LOOKBACK_HOURS)
        window = (since, until)
        run_id = runs.start_run(con, source, launch_key, window, utcnow())
        if not terms:
            # The catalogue gives this source nothing to search for this launch.
            runs.finish_run(con, run_id, runs.RunCounts(), utcnow())
            return CollectResult(source, launch_key, window, "ok")
        query = extractors.SearchQuery(
            terms=terms,
            thread_ids=tuple(known_threads(con, launch_key, source, since - THREAD_WATCH)),
            label=launch_key,
            options=launch.source_options.get(source, {}),
        )
        try:
            raws = list(extractor.fetch(query, since, until))
        except SourceError as exc:
            error = str(exc)
            if isinstance(exc, AuthError):
                names = [name for name, _ in config.credentials(source)]
                error += f"; check {', '.join(names) or 'the source (it takes no credentials)'} (see the README's section on {source})"
            runs.finish_run(con, run_id, runs.RunCounts(), utcnow(), error=error)
            log.error("%s for %s failed: %s", source, launch_key, error)
            return CollectResult(source, launch_key, window, "failed", error=error)
        collected_at = utcnow()
        posts, kept, failed = normalize_all(extractor, raws, collected_at)
        counts = load_batch(con, catalogue, source, launch_key, run_id, posts, kept, failed, collected_at)
        return CollectResult(source, launch_key, window, "ok", counts)


def load_batch(
    con: duckdb.DuckDBPyConnection,
    catalogue: cat.Catalogue,
    source: str,
    launch_key: str,
    run_id: int,
    posts: list[Post],
    raws: list[RawItem],
    failed: list[tuple[object, str]],
    collected_at: datetime,
) -> runs.RunCounts:
    """Write one run's posts, quarantine, links, cursor and run record in one transaction."""
    try:
        with transaction(con):
            inserted, updated = upsert_posts(con, posts, raws)
            quarantined = runs.quarantine(con, run_id, source, failed, collected_at)
            cat.link_posts(con, catalogue, [post.post_id for post in posts])
            if posts:
                runs.advance_cursor(con, source, launch_key, max(p.created_at for p in posts), collected_at)
            counts = runs.RunCounts(len(posts) + len(failed), inserted, updated, quarantined)
            runs.finish_run(con, run_id, counts, utcnow())
    except Exception as exc:
        runs.finish_run(con, run_id, runs.RunCounts(), utcnow(), error=f"load failed: {exc}")
        raise
    return counts


def batched(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def classify(config: Settings, classifier=None, *, reclassify: bool = False) -> int:
    """Label every linked post the classifier's version has not labelled; returns how many.

    `classifier` defaults to the active model; `reclassify` extends the work to every post.
    """
    classifier = classifier or default_classifier(config)
    con = connect(config.db_path)
    try:
        pending = classifications.unclassified(
            con, classifier.model_id, classifier.model_version, all_posts=reclassify
        )
        done = 0
        for chunk in batched(pending, CLASSIFY_BATCH):
            # A target-aware model reads the launch a post is about (sentiment is toward it).
            predictions = classifier.predict([text for _, text, _ in chunk], [target for _, _, target in chunk])
            with transaction(con):
                done += classifications.save_predictions(
                    con, [post_id for post_id, _, _ in chunk], predictions, utcnow()
                )
        classifications.activate(con, classifier.model_id, classifier.model_version, utcnow())
        return done
    finally:
        con.close()


def prepare(config: Settings) -> events.ImportResult:
    """Close runs a killed process left open, write the launch catalogue, load the event timeline.

    Every part is idempotent, so each run can start with it.
    """
    catalogue = cat.load_catalogue()
    con = connect(config.db_path)
    try:
        interrupted = runs.close_interrupted(con, utcnow())
        if interrupted:
            log.warning("%d earlier run(s) had been interrupted; their windows are collected again", interrupted)
        cat.sync_catalogue(con, catalogue)
        return events.import_timeline(con, catalogue)
    finally:
        con.close()


def analyze(config: Settings, rule: alerts.SpikeRule = alerts.SpikeRule()) -> int:
    """Refresh the stored launch facts and recompute the spike alerts from all posts; returns the
    spikes found. Runs after classify and before publish, so the snapshot is current."""
    with closing(connect(config.db_path)) as con:
        facts.refresh(con)
        return alerts.detect(con, rule, utcnow())


def import_events(config: Settings, source: str, path: Path) -> events.ImportResult:
    """Import one benchmark source's file into the warehouse (idempotent)."""
    from warehouse.importers import import_source

    catalogue = cat.load_catalogue()
    with closing(connect(config.db_path)) as con:
        cat.sync_catalogue(con, catalogue)
        return import_source(con, catalogue, source, path, now=utcnow())


def publish(config: Settings) -> Path:
    con = connect(config.db_path)
    try:
        return snapshot.publish(con, config.db_path, utcnow())
    finally:
        con.close()


@dataclass(frozen=True)
class RunReport:
    collected: list[CollectResult]
    events: events.ImportResult
    classified: int
    snapshot: Path

    @property
    def failed(self) -> list[CollectResult]:
        return [result for result in self.collected if result.status != "ok"]


def default_classifier(config: Settings):
    """The configured classifier: LAUNCHWATCH_MODEL / LAUNCHWATCH_ENCODER, else the active model."""
    import models

    return models.load_model(
        config.model_path, encoder_path=config.encoder_path, runtime=config.runtime
    )
