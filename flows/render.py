"""Printing tables and run summaries on the terminal."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from flows.config import SOURCES, Settings
from flows.steps import RunReport
from models.prediction import CLAIMS

# Tables are wider than 80 columns; a pipe (make, CI logs) would otherwise squeeze them to 80.
console = Console(width=max(Console().width, 120))


def cell(value, date_only: bool = False) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC")
        return value.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M") + ("" if value.tzinfo is None or date_only else "Z")
    return str(value)


def print_frame(frame: pd.DataFrame, as_csv: bool = False) -> None:
    """A query result as a table (numbers right-aligned, long text wrapped) or as CSV."""
    if as_csv:
        frame.to_csv(sys.stdout, index=False)
        return
    table = Table(box=box.SIMPLE_HEAD)
    date_only = {}
    for column in frame.columns:
        values = frame[column]
        is_time = pd.api.types.is_datetime64_any_dtype(values)
        is_number = pd.api.types.is_numeric_dtype(values) and not is_time
        # A day bucket reads better as a date than as midnight.
        date_only[column] = is_time and values.notna().any() and bool((values.dropna().dt.floor("D") == values.dropna()).all())
        table.add_column(
            str(column),
            justify="right" if is_number else "left",
            no_wrap=is_number or is_time,
            max_width=None if is_number or is_time else 60,
            overflow="fold",
        )
    for row in frame.itertuples(index=False):
        table.add_row(*(cell(value, date_only[column]) for column, value in zip(frame.columns, row)))
    # As wide as the table needs: a terminal scrolls sideways more gracefully than columns of
    # one-letter-wide cells.
    needed = Measurement.get(console, console.options.update(width=1000), table).maximum
    Console(width=max(console.width, min(needed, 1000))).print(table)
    console.print(f"{len(frame)} rows")


def print_run_report(report: RunReport, db_path: Path) -> None:
    table = Table(title="collected")
    table.add_column("source", no_wrap=True)
    table.add_column("launch", no_wrap=True)
    table.add_column("window (UTC)", no_wrap=True)
    table.add_column("status")
    for column in ("fetched", "new", "updated", "quarantined"):
        table.add_column(column, justify="right")
    for result in report.collected:
        start, end = result.window
        counts = result.counts
        table.add_row(
            result.source,
            result.launch_key,
            f"{start:%Y-%m-%d %H:%M} .. {end:%m-%d %H:%M}",
            result.status,
            str(counts.fetched),
            str(counts.inserted),
            str(counts.updated),
            str(counts.quarantined),
        )
    console.print(table)
    for result in report.failed:
        console.print(f"{result.source} / {result.launch_key} failed: {result.error}")
    events = report.events
    console.print(
        f"events: {events.read} read, {events.inserted} new, {events.updated} updated, "
        f"{len(events.unmatched)} model names matched no launch"
    )
    console.print(f"classified: {report.classified} new posts")
    console.print(f"database: {Path(db_path).resolve()}")
    console.print(f"snapshot: {report.snapshot.resolve()}")


def print_summary(summary: dict, launch: str) -> None:
    """Per-claim counts of a launch, as the demo ends with."""
    console.print(f"{launch}: {summary['posts']} posts, classifier {summary.get('model_version') or 'none'}")
    table = Table()
    table.add_column("claim")
    table.add_column("posts", justify="right")
    for claim in CLAIMS:
        table.add_row(claim, str(summary.get(claim, 0)))
    console.print(table)
    sentiments = ", ".join(f"{name} {summary.get(name, 0)}" for name in ("positive", "neutral", "negative"))
    console.print(f"sentiment: {sentiments}")


def print_sources(settings: Settings, statuses: list, where: str | None) -> None:
    """One row per source and launch: credentials (set or not, never values), base URL, cursor, last run."""
    table = Table(title="sources")
    for column in ("source", "credentials", "base URL", "launch", "cursor (UTC)", "last run"):
        table.add_column(column, no_wrap=column != "credentials", max_width=48 if column == "credentials" else None)
    for column in ("fetched", "new", "updated", "quarantined"):
        table.add_column(column, justify="right")
    by_source: dict[str, list] = {}
    for status in statuses:
        by_source.setdefault(status.source, []).append(status)
    for name in sorted(set(SOURCES) | set(by_source)):
        options = settings.source_options.get(name, {})
        credentials = settings.credentials(name)
        missing = settings.missing_credentials(name)
        described = ", ".join(f"{var} {'set' if present else 'unset'}" for var, present in credentials) or "none needed"
        if missing:
            described += f" (missing: {', '.join(missing)})"
        rows = by_source.get(name) or [None]
        for index, status in enumerate(rows):
            first = index == 0
            counts = status.counts if status else None
            table.add_row(
                name if first else "",
                described if first else "",
                (options.get("base_url") or "the extractor's default") if first else "",
                (status.launch_key or "") if status else "",
                cell(pd.Timestamp(status.cursor_at)) if status and status.cursor_at else "",
                f"{status.status} {cell(pd.Timestamp(status.started_at))}" if status and status.status else "never run",
                *(str(value) for value in ((counts.fetched, counts.inserted, counts.updated, counts.quarantined) if counts else ("",) * 4)),
            )
    needed = Measurement.get(console, console.options.update(width=1000), table).maximum
    Console(width=max(console.width, min(needed, 1000))).print(table)
    for status in statuses:
        if status.error:
            console.print(f"{status.source} / {status.launch_key} last run {status.status}: {status.error}", soft_wrap=True)
    if where is None:
        console.print(
            f"no warehouse at {settings.db_path} yet: no cursors or runs to show. "
            "`launchwatch run` collects from the sources whose credentials are set.",
            soft_wrap=True,
        )
    else:
        console.print(f"read from the {where}", soft_wrap=True)
