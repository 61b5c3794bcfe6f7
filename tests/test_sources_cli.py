"""`launchwatch sources`: credentials present or not (never their values), base URL, cursors, last runs."""

from __future__ import annotations

from datetime import datetime, timezone

from click.testing import CliRunner

from flows import steps
from flows.cli import cli
from flows.config import settings
from warehouse import runs
from warehouse.db import connect

SECRET = "v2ex-token-that-must-not-show"
T0 = datetime(2025, 4, 6, 12, 0, tzinfo=timezone.utc)
T1 = datetime(2025, 4, 7, 12, 0, tzinfo=timezone.utc)


def invoke(db, **environ: str):
    result = CliRunner().invoke(cli, ["--db", str(db), "sources"], env={"V2EX_TOKEN": None, "BLUESKY_HANDLE": None, **environ})
    assert result.exit_code == 0, result.output
    return result.output


def test_on_a_new_install_it_lists_the_sources_and_says_there_is_no_warehouse(tmp_path) -> None:
    output = invoke(tmp_path / "lw.duckdb", V2EX_TOKEN=SECRET)
    assert "no warehouse at" in output and "never run" in output
    for source in ("hackernews", "discourse-huggingface", "discourse-openai", "v2ex", "bluesky"):
        assert source in output
    assert "V2EX_TOKEN set" in output and "BLUESKY_HANDLE unset" in output
    assert "https://discuss.huggingface.co" in output and SECRET not in output


def test_it_shows_cursors_and_last_runs_from_the_database_then_from_the_snapshot(tmp_path) -> None:
    db = tmp_path / "lw.duckdb"
    config = settings(db, environ={})
    steps.prepare(config)
    con = connect(db)
    older = runs.start_run(con, "v2ex", "llama-4", (T0, T1), T0)
    runs.finish_run(con, older, runs.RunCounts(7, 7, 0, 0), T0)
    latest = runs.start_run(con, "v2ex", "llama-4", (T0, T1), T1)
    runs.finish_run(con, latest, runs.RunCounts(12, 5, 6, 1), T1)
    runs.advance_cursor(con, "v2ex", "llama-4", T1, T1)
    failed = runs.start_run(con, "bluesky", "qwen3", (T0, T1), T1)
    runs.finish_run(con, failed, runs.RunCounts(), T1, error="bluesky: GET failed 5 times, last with 503")
    con.close()

    before_publish = invoke(db)
    assert "no snapshot published yet" in before_publish
    assert "2025-04-07 12:00Z" in before_publish and "ok 2025-04-07 12:00Z" in before_publish
    row = next(line for line in before_publish.splitlines() if "llama-4" in line)
    assert [cell.strip() for cell in row.split("│")[-5:-1]] == ["12", "5", "6", "1"], "the last run's counts, not the first's"
    assert "bluesky / qwen3 last run failed: bluesky: GET failed 5 times" in before_publish

    steps.publish(config)
    after_publish = invoke(db)
    assert "read from the snapshot" in after_publish and "llama-4" in after_publish
