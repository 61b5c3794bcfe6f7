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

    model = load_model(model_path or settings.model_path, encoder_path=settings.encoder_path)
    count = predict_jsonl(input_path, output_path, model=model)
    click.echo(f"classified {count} texts -> {output_path}")


@models.command("train")
@click.option("--data", "data_path", type=click.Path(exists=True, path_type=Path), default=Path("models/data"), show_default=True, help="Labeled JSON lines: a file, or a directory whose *.jsonl files are all read.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("models/artifacts"), show_default=True, help="Where the versioned model directory is written.")
@click.option("--encoder", "encoder_path", help="Encoder: a Hugging Face id (already in the local cache) or a local directory (env LAUNCHWATCH_ENCODER, default the bundled all-MiniLM-L6-v2).")
@click.option("--encoder-kind", type=click.Choice(["static", "transformer"]), default="static", show_default=True, help="static: token vectors distilled from the encoder (fast); transformer: the full encoder.")
@click.option("--c", "c", type=float, default=16.0, show_default=True, help="Inverse regularisation of the logistic heads.")
@click.option("--embedding-weight", type=float, default=2.0, show_default=True, help="Scale of the embedding columns against the n-gram columns.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--activate", is_flag=True, help="Also write the new version's name into OUT/ACTIVE.")
@click.pass_obj
def models_train(settings: cfg.Settings, data_path: Path, out_dir: Path, encoder_path: str | None, encoder_kind: str, c: float, embedding_weight: float, seed: int, activate: bool) -> None:
    """Train a classifier version from labeled data (reproducible for the same data and seed)."""
    from models.train import TrainOptions, train

    options = TrainOptions(
        encoder_kind=encoder_kind,
        encoder_path=encoder_path or settings.encoder_path,
        c_sentiment=c,
        c_claim=c,
        embedding_weight=embedding_weight,
    )
    directory = train(data_path, out_dir, options=options, seed=seed)
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

    model = load_model(model_path or settings.model_path, encoder_path=settings.encoder_path)
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
    snapshot = steps.publish(settings)
    click.echo(f"classified {done} posts with {classifier.model_id} {classifier.model_version}; the timeline now reads this version")
    click.echo(f"snapshot: {snapshot}")


def main() -> None:
    cli(prog_name="launchwatch")


if __name__ == "__main__":
    main()
