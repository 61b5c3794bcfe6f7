"""The `launchwatch` command line: the operator's and the analyst's entry point."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import click

from flows import config as cfg
from flows.render import print_frame, print_run_report, print_summary
from warehouse.catalogue import UnknownLaunch
from warehouse.db import WarehouseError
from warehouse.importers import SOURCES as EVENT_SOURCES

EXPECTED_ERRORS = (WarehouseError, UnknownLaunch, LookupError, ValueError, FileNotFoundError)


class UtcTime(click.ParamType):
    """A UTC instant from `2025-04-05`, `2025-04-05T19:00` or `2025-04-05T19:00:00Z`."""

    name = "UTC time"

    def __init__(self, end_of_day: bool = False):
        self.end_of_day = end_of_day

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                # A bare date as the end of a window means "through that day".
                moment = datetime.combine(day + timedelta(days=1) if self.end_of_day else day, time())
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"expected a date like 2025-04-05 or a UTC time like 2025-04-05T19:00:00Z, got {text!r}",
                param,
                ctx,
            )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)


class Cli(click.Group):
    """Turns the errors a user can fix into one line and exit status 1, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EXPECTED_ERRORS as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=Cli)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Warehouse file (env LAUNCHWATCH_DB, default {cfg.DEFAULT_DB}). Reads use its published snapshot.",
)
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Track what communities say about AI model launches, next to the benchmark events."""
    ctx.obj = cfg.settings(db)


@cli.command()
@click.option("--since", type=UtcTime(), help="Window start (UTC). Default: each source's cursor.")
@click.option("--until", type=UtcTime(end_of_day=True), help="Window end (UTC, a bare date includes that day). Default: now.")
@click.option("--replay", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Serve recorded payloads from this directory instead of the live APIs.")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--launch", "launches", multiple=True, help="Only this launch key (repeatable).")
@click.pass_obj
def run(settings: cfg.Settings, since, until, replay, sources, launches) -> None:
    """Run the daily flow once: collect, classify, publish the snapshot."""
    if since and until and since >= until:
        raise click.BadParameter(f"--since ({since:%Y-%m-%dT%H:%M}Z) must be before --until ({until:%Y-%m-%dT%H:%M}Z)")
    # Fail on a wrong name now, in one line, rather than inside the flow run.
    from flows.steps import sources_for
    from warehouse.catalogue import load_catalogue

    catalogue = load_catalogue()
    for key in launches:
        catalogue.get(key)
    sources_for(settings, replay, sources)
    cfg.quiet_prefect()
    from flows.daily import daily

    report = daily(
        db=str(settings.db_path),
        since=since,
        until=until,
        replay=str(replay) if replay else None,
        sources=list(sources) or None,
        launches=list(launches) or None,
    )
    print_run_report(report, settings.db_path)
    if report.failed:
        sys.exit(2)


@cli.command()
@click.option("--cron", default=cfg.DEFAULT_CRON, show_default=True, help="When to run (UTC).")
@click.option("--name", default="launchwatch-daily", show_default=True, help="Deployment name.")
@click.pass_obj
def schedule(settings: cfg.Settings, cron: str, name: str) -> None:
    """Serve the daily flow on a cron schedule until interrupted."""
    cfg.quiet_prefect()
    from prefect import serve

    from flows.daily import deployment

    # Absolute, so the scheduled runs write the same file whatever directory they start in.
    served = deployment(name, cron, str(settings.db_path.resolve()))
    click.echo(f"serving flow 'daily' as {name!r} on cron {cron!r} (UTC) for {settings.db_path}; Ctrl-C stops")
    serve(served)


@cli.command()
@click.argument("launch")
@click.option("--bucket", type=click.Choice(["day", "hour"]), default="day", show_default=True)
@click.option("--platform", help="Only posts from this platform.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_obj
def timeline(settings: cfg.Settings, launch: str, bucket: str, platform: str | None, as_csv: bool) -> None:
    """Posts, sentiment and claims per bucket for LAUNCH, next to the benchmark events."""
    from warehouse import snapshot
    from warehouse import timeline as wt

    with snapshot.open_snapshot(settings.db_path) as con:
        print_frame(wt.timeline(con, launch, bucket=bucket, platform=platform), as_csv)


@cli.command()
@click.argument("query")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_obj
def sql(settings: cfg.Settings, query: str, as_csv: bool) -> None:
    """Run read-only SQL on the published snapshot."""
    import duckdb

    from warehouse import snapshot

    with snapshot.open_snapshot(settings.db_path) as con:
        # The snapshot is opened read-only; also keep ad-hoc SQL from reading or writing other files.
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        try:
            frame = con.execute(query).df()
        except duckdb.Error as exc:
            raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    print_frame(frame, as_csv)


@cli.command()
@click.argument("launch")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"), show_default=True)
@click.option("--bucket", type=click.Choice(["day", "hour"]), default="day", show_default=True)
@click.pass_obj
def report(settings: cfg.Settings, launch: str, out: Path, bucket: str) -> None:
    """Write a self-contained HTML report for LAUNCH (no network needed to open it)."""
    from dashboards.report import write_report
    from warehouse import snapshot
    from warehouse import timeline as wt

    with snapshot.open_snapshot(settings.db_path) as con:
        print_summary(wt.launch_summary(con, launch), launch)
        path = write_report(con, launch, out, bucket=bucket)
    click.echo(f"report:   {path.resolve()}")
    click.echo(f"database: {Path(settings.db_path).resolve()}")


@cli.command()
@click.pass_obj
def sources(settings: cfg.Settings) -> None:
    """The configured sources: credentials present, base URL, cursor and last run per launch."""
    from flows.render import print_sources
    from warehouse import runs, snapshot
    from warehouse.db import connect

    # The snapshot, like every read; before the first publish, the database itself read-only.
    published = snapshot.snapshot_path(settings.db_path)
    if published.exists():
        where = f"snapshot {published}"
        with snapshot.open_snapshot(settings.db_path) as con:
            statuses = runs.source_status(con)
    elif Path(settings.db_path).exists():
        where = f"database {settings.db_path} (no snapshot published yet)"
        with connect(settings.db_path, read_only=True) as con:
            statuses = runs.source_status(con)
    else:
        where, statuses = None, []
    print_sources(settings, statuses, where)


@cli.group()
def models() -> None:
    """The claim and sentiment classifier."""


@models.command("predict")
@click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="JSON lines with id and text.")
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="JSON lines with sentiment, claims and scores added.")
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False, path_type=Path), help="A trained model directory (env LAUNCHWATCH_MODEL, default: the active one).")
@click.pass_obj
def models_predict(settings: cfg.Settings, input_path: Path, output_path: Path, model_path: Path | None) -> None:
    """Classify texts from a JSON lines file."""
    from models.predict import load_model, predict_jsonl

    model = load_model(model_path or settings.model_path, encoder_path=settings.encoder_path, runtime=settings.runtime)
    count = predict_jsonl(input_path, output_path, model=model)
    click.echo(f"classified {count} texts -> {output_path}")


# 0.8.0's recipe from the plain MiniLM (README, "Options measured"); 0 keeps the encoder frozen.
# Four epochs took 12 min on the quiet 2-core machine for 2,872 rows, 51 min for 8,086 rows
# beside other jobs, 22 + 49 min (alignment, then 4 epochs) for 10,745 rows, 84 min in all, and
# 29 + 66 min for 13,487 rows, 117 min in all (29 min in all, target-aware, on a later
# machine with AVX512-BF16). 0.9.0 continued 0.8.0's encoder for 2
# target-aware epochs instead (40 min, 54 in all), 0.10.0 refitted only the heads on 0.9.0's
# encoder (75 s), and the active 0.11.0 averages two such 2-epoch runs, seeds 0 and 1
# (--finetune-members 2; README, "How well it does").
FINETUNE_EPOCHS = 4
FINETUNE_MEMBERS = 1
ALIGN_EPOCHS = 2


@models.command("train")
@click.option("--data", "data_path", type=click.Path(exists=True, path_type=Path), default=Path("models/data"), show_default=True, help="Labeled JSON lines: a file, or a directory whose *.jsonl files are all read.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("models/artifacts"), show_default=True, help="Where the versioned model directory is written.")
@click.option("--encoder", "encoder_path", help="Encoder: a Hugging Face id (already in the local cache) or a local directory (env LAUNCHWATCH_ENCODER, default the bundled all-MiniLM-L6-v2).")
@click.option("--encoder-kind", type=click.Choice(["static", "transformer"]), default="transformer", show_default=True, help="transformer: the full encoder (the active model); static: token vectors distilled from it (fast, less accurate).")
@click.option("--c", "c", type=float, default=4.0, show_default=True, help="Inverse regularisation of the logistic heads.")
@click.option("--embedding-weight", type=float, default=1.0, show_default=True, help="Scale of the embedding columns against the n-gram columns.")
@click.option("--finetune-epochs", type=int, default=FINETUNE_EPOCHS, show_default=True, help="Fine-tune the transformer end to end for this many epochs first (0: keep it frozen); the tuned encoder is stored in the model directory.")
@click.option("--finetune-members", type=int, default=FINETUNE_MEMBERS, show_default=True, help="Fine-tuning runs (seeds SEED, SEED+1, ...) whose weights are averaged into the stored encoder: inference costs the same, training this many times as long.")
@click.option("--cjk-min-count", type=int, default=2, show_default=True, help="With fine-tuning: Chinese characters the encoder's vocabulary lacks and the training split uses this often become tokens, started from their CC-CEDICT glosses (0: none).")
@click.option("--gloss-chinese/--no-gloss-chinese", default=False, show_default=True, help="Chinese texts reach the encoder followed by a word-by-word English gloss from CC-CEDICT, in training and in every later prediction.")
@click.option("--align-epochs", type=int, default=ALIGN_EPOCHS, show_default=True, help="With fine-tuning: epochs that first pull each Chinese training text to where the base encoder puts its English translation (0: none).")
@click.option("--parallel", "parallel_path", type=click.Path(exists=True, path_type=Path), help="English translations of the Chinese rows for --align-epochs: {zh, en} JSON lines, a file or a directory (default: models/data/parallel).")
@click.option("--target-aware/--no-target-aware", default=True, show_default=True, help="The encoder reads each row's target model (its 'model' field) before the text, in training and in every later prediction that gives one; sentiment is toward that model.")
@click.option("--target-pooling/--no-target-pooling", default=False, show_default=True, help="With --target-aware: read the target name and the text as a pair and pool the name's token states beside the text's (twice the encoder's width).")
@click.option("--other-targets", "other_targets_path", type=click.Path(exists=True, path_type=Path), help="Also train on the sentiment toward other models the rows' texts judge: {id, others} JSON lines, a file or a directory (models/data/others holds them). Off by default: it lowered validation sentiment (README).")
@click.option("--max-length", type=int, default=128, show_default=True, help="Tokens the encoder reads per text (a glossed Chinese text is about twice its own length; 256 scored the same as 128 without the gloss).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--activate", is_flag=True, help="Also write the new version's name into OUT/ACTIVE.")
@click.option("--overwrite", is_flag=True, help="Replace a model of the same id and version (same code version and data) in OUT; the old one stays until the new one is complete.")
@click.pass_obj
def models_train(settings: cfg.Settings, data_path: Path, out_dir: Path, encoder_path: str | None, encoder_kind: str, c: float, embedding_weight: float, finetune_epochs: int, finetune_members: int, cjk_min_count: int, gloss_chinese: bool, align_epochs: int, parallel_path: Path | None, target_aware: bool, target_pooling: bool, other_targets_path: Path | None, max_length: int, seed: int, activate: bool, overwrite: bool) -> None:
    """Train a classifier version from labeled data (reproducible for the same data and seed)."""
    from models.train import TrainOptions, train

    options = TrainOptions(
        encoder_kind=encoder_kind,
        encoder_path=encoder_path or settings.encoder_path,
        c_sentiment=c,
        c_claim=c,
        embedding_weight=embedding_weight,
        # A static table has no layers to tune.
        finetune_epochs=finetune_epochs if encoder_kind == "transformer" else 0,
        finetune_members=finetune_members,
        cjk_min_count=cjk_min_count,
        gloss_chinese=gloss_chinese,
        align_epochs=align_epochs if encoder_kind == "transformer" else 0,
        parallel_path=parallel_path and str(parallel_path),
        target_aware=target_aware,
        target_pooling=target_pooling and target_aware,
        other_targets_path=other_targets_path and str(other_targets_path),
        max_length=max_length,
    )
    try:
        directory = train(data_path, out_dir, options=options, seed=seed, log=click.echo, overwrite=overwrite)
    except FileExistsError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"trained {directory.name} -> {directory}")
    click.echo((directory / "MODEL_CARD.md").read_text(encoding="utf-8"))
    if activate:
        (out_dir / "ACTIVE").write_text(directory.name + "\n", encoding="utf-8")
        click.echo(f"active model: {directory.name}")
    else:
        click.echo(f"to make it the active model: echo {directory.name} > {out_dir}/ACTIVE")


@models.command("eval")
@click.option("--data", "data_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Labeled JSON lines (text, lang, sentiment, claims).")
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False, path_type=Path), help="A trained model directory (env LAUNCHWATCH_MODEL, default: the active one).")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.pass_obj
def models_eval(settings: cfg.Settings, data_path: Path, model_path: Path | None, as_json: bool) -> None:
    """Per-label P/R/F1, macro-F1 per language and the confusion matrix, beside the baselines."""
    import json

    from models.evaluate import evaluate, format_report
    from models.predict import load_model

    model = load_model(model_path or settings.model_path, encoder_path=settings.encoder_path, runtime=settings.runtime)
    result = evaluate(data_path, model=model)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else format_report(result))


@models.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file under models/data/ to (re)write, e.g. models/data/real_en.jsonl.")
@click.option("--dev", "dev_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The dev set that must stay out of training.")
def models_import(source: Path, target: Path, dev_path: Path) -> None:
    """Admit an annotator's labeled file into the training data, leaving out bad and leaked rows."""
    from models.dataset import import_labels

    result = import_labels(source, target, dev_path=dev_path, data_dir=target.parent)
    for lineno, reason in result.dropped:
        click.echo(f"{source}:{lineno}: left out: {reason}")
    click.echo(f"kept {result.kept} rows -> {target}; left out {len(result.dropped)}")


@cli.command()
@click.option("--reclassify", is_flag=True, help="Label every post, linked to a launch or not, that the active version has not labelled (a new version relabels the whole history).")
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False, path_type=Path), help="A trained model directory (env LAUNCHWATCH_MODEL, default: the active one).")
@click.pass_obj
def classify(settings: cfg.Settings, reclassify: bool, model_path: Path | None) -> None:
    """Classify the posts the configured model version has not labelled, make it the version the timeline reads, publish."""
    from dataclasses import replace

    from flows import steps

    if model_path:
        settings = replace(settings, model_path=model_path)
    classifier = steps.default_classifier(settings)
    done = steps.classify(settings, classifier, reclassify=reclassify)
    # New labels change the claim counts the spike alerts are computed from.
    steps.analyze(settings)
    snapshot = steps.publish(settings)
    click.echo(f"classified {done} posts with {classifier.model_id} {classifier.model_version}; the timeline now reads this version")
    click.echo(f"snapshot: {snapshot}")


# --- Benchmark events, launch comparison and spike alerts ---------------------------------------

UNMATCHED_SHOWN = 15


@cli.group()
def events() -> None:
    """Benchmark and leaderboard events: import them, list them, measure what changed around them."""


@events.command("import")
@click.argument("source", type=click.Choice(EVENT_SOURCES))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--all-unmatched", is_flag=True, help="List every model name no launch claims, not the first few.")
@click.pass_obj
def events_import(settings: cfg.Settings, source: str, path: Path, all_unmatched: bool) -> None:
    """Import SOURCE's file (for aider: the folder of YAML files) into the warehouse, then publish."""
    from flows import steps

    result = steps.import_events(settings, source, path)
    steps.publish(settings)
    click.echo(
        f"{source}: {result.read} rows read, {result.inserted} events new, {result.updated} updated, "
        f"{result.quarantined} rows quarantined"
    )
    if result.unmatched:
        shown = result.unmatched if all_unmatched else result.unmatched[:UNMATCHED_SHOWN]
        more = len(result.unmatched) - len(shown)
        stored = "not stored" if result.skipped else "stored without a launch"
        click.echo(
            f"{len(result.unmatched)} model names match no catalogued launch ({result.skipped or 'their'} events {stored}): "
            + "; ".join(shown)
            + (f"; and {more} more (--all-unmatched lists them)" if more else "")
        )


@events.command("list")
@click.argument("launch")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_obj
def events_list(settings: cfg.Settings, launch: str, as_csv: bool) -> None:
    """The benchmark events of LAUNCH in time order, with their sources."""
    from warehouse import snapshot
    from warehouse import timeline as wt

    with snapshot.open_snapshot(settings.db_path) as con:
        frame = wt.events(con, launch)
    print_frame(frame[["event_time", "time_precision", "kind", "variant_key", "label", "value", "source", "url"]], as_csv)


@events.command("impact")
@click.argument("launch")
@click.option("--hours", type=click.IntRange(min=1), default=24, show_default=True, help="Window before and after each event.")
@click.option("--metric", "metrics", multiple=True, help="posts, negative_share or a claim type (repeatable; default all).")
@click.option("--any-precision", is_flag=True, help="Also events dated only to the day or month.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (all columns) instead of a table.")
@click.pass_obj
def events_impact(settings: cfg.Settings, launch: str, hours: int, metrics: tuple[str, ...], any_precision: bool, as_csv: bool) -> None:
    """Posts, negative share and claims before and after each event of LAUNCH, with 95% intervals."""
    from dashboards.tables import impact_table
    from warehouse import impact as wi
    from warehouse import snapshot

    with snapshot.open_snapshot(settings.db_path) as con:
        frame = wi.impact(con, launch, hours, metrics or wi.METRICS)
    if not any_precision:
        # A window of hours around an event known only to the day measures nothing real.
        dropped = frame.loc[frame["time_precision"] != "second", "label"].nunique()
        frame = frame[frame["time_precision"] == "second"]
        if dropped:
            click.echo(f"{dropped} events dated only to the day or month are left out (--any-precision shows them)", err=True)
    print_frame(frame if as_csv else impact_table(frame), as_csv)


@cli.command()
@click.argument("launches", nargs=-1, required=True)
@click.option("--metric", default="negative_share", show_default=True, help="posts, positive, neutral, negative, negative_share or a claim type.")
@click.option("--bucket-hours", type=click.IntRange(min=1), default=6, show_default=True)
@click.option("--from-hours", type=int, default=0, show_default=True, help="First T+h shown (negative: before release).")
@click.option("--until-hours", type=int, default=168, show_default=True, help="T+h where the table stops.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_obj
def compare(settings: cfg.Settings, launches: tuple[str, ...], metric: str, bucket_hours: int, from_hours: int, until_hours: int, as_csv: bool) -> None:
    """METRIC for several LAUNCHES on one clock: hours since each one's release (T+h)."""
    from warehouse import snapshot
    from warehouse.comparison import compare as compare_launches

    with snapshot.open_snapshot(settings.db_path) as con:
        frame = compare_launches(con, list(launches), metric, bucket_hours, from_hours, until_hours)
    print_frame(frame, as_csv)


@cli.command()
@click.option("--launch", help="Only this launch.")
@click.option("--detect", is_flag=True, help="Recompute the alerts now (the daily run does it after classifying), then publish.")
@click.option("--threshold", type=float, default=3.0, show_default=True, help="With --detect: a spike is this many times the trailing mean...")
@click.option("--baseline-hours", type=click.IntRange(min=1), default=24, show_default=True, help="...of this many hours before...")
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True, help="...and at least this many posts in the hour.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_obj
def alerts(settings: cfg.Settings, launch: str | None, detect: bool, threshold: float, baseline_hours: int, min_count: int, as_csv: bool) -> None:
    """Hours when posts, or posts making one claim, spiked above their trailing baseline."""
    from dashboards.tables import alerts_table
    from warehouse import alerts as wa
    from warehouse import snapshot

    if detect:
        from flows import steps

        found = steps.analyze(settings, wa.SpikeRule(threshold, baseline_hours, min_count))
        steps.publish(settings)
        click.echo(f"{found} spikes found (threshold {threshold:g}x the mean of {baseline_hours} h, at least {min_count} posts)")
    with snapshot.open_snapshot(settings.db_path) as con:
        if launch:
            from warehouse.timeline import require_launch

            require_launch(con, launch)
        frame = wa.alerts(con, launch)
    print_frame(frame if as_csv else alerts_table(frame), as_csv)


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["pushshift", "twarc2", "csv"]), help="Dump format. Default: detected from the content.")
@click.option("--platform", help="CSV only: the platform the rows come from (post ids are <platform>:<id>).")
@click.option("--column", "columns", multiple=True, metavar="FIELD=COLUMN", help="CSV only: the column holding a Post field (repeatable); default: a column named like the field.")
@click.option("--load-only", is_flag=True, help="Load and stop; the next `launchwatch run` classifies the new posts and publishes.")
@click.pass_obj
def import_(settings: cfg.Settings, file: Path, fmt: str | None, platform: str | None, columns: tuple[str, ...], load_only: bool) -> None:
    """Load an archive dump (Pushshift/Arctic Shift NDJSON, twarc2 JSONL, CSV; plain or .zst), keeping posts about launches."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from extractors.dumps import CsvMapping, detect_format
    from flows import dump_import, steps

    fmt = fmt or detect_format(file)
    mapping = CsvMapping.from_options(platform, columns) if fmt == "csv" else None
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(f"importing {file.name} ({fmt})", total=file.stat().st_size)
        report = dump_import.import_dump(
            settings, file, fmt, mapping, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    click.echo(
        f"{file.name} ({fmt}): read {report.read}, loaded {report.loaded}, duplicate {report.duplicate}, "
        f"unmatched {report.unmatched}, quarantined {report.quarantined} (ingest run {report.run_id})"
    )
    if load_only:
        click.echo("not classified: the next `launchwatch run` labels the new posts and publishes the snapshot")
        return
    classified = steps.classify(settings)
    spikes = steps.analyze(settings)
    snapshot = steps.publish(settings)
    click.echo(f"classified {classified} posts; {spikes} spike alerts; snapshot published to {snapshot}")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only).")
@click.pass_obj
def dashboard(settings: cfg.Settings, port: int, host: str) -> None:
    """Serve the Streamlit dashboard over the published snapshot (Ctrl+C stops it)."""
    import os
    import subprocess

    import dashboards
    from warehouse import snapshot

    app = Path(dashboards.__file__).with_name("app.py")
    database = Path(settings.db_path).resolve()
    published = snapshot.snapshot_path(database)
    if not published.exists():
        click.echo(f"no snapshot at {published} yet: the dashboard says so until `launchwatch run` (or `make demo`) publishes one", err=True)
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port), "--server.address", host, "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
    ]
    click.echo(f"dashboard: http://{host}:{port}  (reading {published}, read-only)")
    # The app learns the warehouse from the environment, as every launchwatch reader does.
    child = subprocess.Popen(command, env={**os.environ, "LAUNCHWATCH_DB": str(database)})
    try:
        status = child.wait()
    except KeyboardInterrupt:
        # The terminal's Ctrl+C reached Streamlit too; let it shut down cleanly.
        status = child.wait()
    raise SystemExit(status)


def main() -> None:
    cli(prog_name="launchwatch")


if __name__ == "__main__":
    main()
