"""The `daily` Prefect flow: a thin adapter over flows.steps.

One task per (source, launch) batch and one per later step, never one per post: a task costs
about 10 ms of orchestration.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import steps
from flows.config import settings
from warehouse import catalogue as cat

# Connections and classifiers are not hashable inputs; every step is cheap to redo.
collect_task = task(steps.collect, name="collect", cache_policy=NO_CACHE)
prepare_task = task(steps.prepare, name="prepare", cache_policy=NO_CACHE)
classify_task = task(steps.classify, name="classify", cache_policy=NO_CACHE)
publish_task = task(steps.publish, name="publish", cache_policy=NO_CACHE)
analyze_task = task(steps.analyze, name="analyze", cache_policy=NO_CACHE)


@flow(name="daily")
def daily(
    db: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    replay: str | None = None,
    sources: list[str] | None = None,
    launches: list[str] | None = None,
) -> steps.RunReport:
    """Collect every source for every launch, classify the new posts, publish the snapshot."""
    config = settings(db)
    replay_dir = Path(replay) if replay else None
    until = until or steps.utcnow()
    events = prepare_task(config)
    results = [
        collect_task(config, source, launch_key, since, until, replay_dir)
        for source in steps.sources_for(config, replay_dir, sources or ())
        for launch_key in launches or cat.load_catalogue().keys()
    ]
    classified = classify_task(config)
    analyze_task(config)
    snapshot = publish_task(config)
    return steps.RunReport(results, events, classified, snapshot)


def deployment(name: str, cron: str, db: str):
    """The daily flow as a deployment on a UTC cron, ready for `prefect.serve`."""
    from prefect.schedules import Cron

    try:
        schedule = Cron(cron, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"{exc}; expected five fields like '0 6 * * *' (minute hour day month weekday)") from None
    return daily.to_deployment(name=name, schedule=schedule, parameters={"db": db})
