"""The whole `daily` flow, run by Prefect over the bundled replay data into a temporary warehouse."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from flows.daily import daily  # noqa: E402
from warehouse import snapshot  # noqa: E402
from warehouse import timeline as wt  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "extractors" / "demo_data"
SINCE = datetime(2025, 4, 3, tzinfo=timezone.utc)
UNTIL = datetime(2025, 4, 15, tzinfo=timezone.utc)


def demo_hits() -> dict[str, dict]:
    hits = {}
    for path in sorted((DEMO / "hackernews").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            hit = json.loads(line)
            hits[hit["objectID"]] = hit
    return hits


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from prefect.testing.utilities import prefect_test_harness

    db = tmp_path_factory.mktemp("flow") / "launchwatch.duckdb"
    # A throwaway Prefect server and database, stopped before pytest closes its output streams.
    # Its default 30 s startup wait is too short on a loaded 2-core machine (40-44 s measured at
    # load 8-11); a slow start is not what this test is about.
    with prefect_test_harness(server_startup_timeout=180):
        first = daily(db=str(db), since=SINCE, until=UNTIL, replay=str(DEMO))
        second = daily(db=str(db), since=SINCE, until=UNTIL, replay=str(DEMO))
    return first, second, db


@pytest.fixture
def con(demo):
    # Closed after each test: the CLI tests below open the same snapshot with their own settings.
    with snapshot.open_snapshot(demo[2]) as connection:
        yield connection


def test_every_recorded_item_is_loaded_or_quarantined(demo, con):
    first, _, _ = demo
    hits = demo_hits()
    assert not first.failed
    posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    assert posts + quarantined == len(hits)
    assert quarantined == 3
    assert sum(r.counts.inserted for r in first.collected) == posts
    reasons = " | ".join(row[0] for row in con.execute("SELECT reason FROM quarantine ORDER BY reason").fetchall())
    assert "no text" in reasons and "points" in reasons and "parent_id" in reasons


def test_rerunning_the_window_inserts_nothing_and_refreshes_engagement(demo, con):
    first, second, _ = demo
    assert sum(r.counts.inserted for r in second.collected) == 0
    assert sum(r.counts.updated for r in second.collected) == sum(r.counts.inserted + r.counts.updated for r in first.collected)
    assert second.classified == 0
    runs = con.execute("SELECT count(*), count(*) FILTER (status = 'ok') FROM ingest_runs").fetchone()
    assert runs[0] == runs[1] == len(first.collected) + len(second.collected)


def test_posts_are_linked_to_launches_and_comments_inherit_their_thread(con):
    per_launch = dict(con.execute("SELECT launch_key, count(*) FROM post_launches GROUP BY ALL").fetchall())
    assert per_launch["llama-4"] >= 450
    assert {"deepseek-v3-0324", "gemini-2.5-pro", "qwq-32b"} <= set(per_launch)
    unlinked_comment = con.execute(
        "SELECT count(*) FROM posts p WHERE thread_id IN (SELECT post_id FROM post_launches) "
        "AND post_id NOT IN (SELECT post_id FROM post_launches)"
    ).fetchone()[0]
    assert unlinked_comment == 0
    via = dict(con.execute("SELECT via, count(*) FROM post_launches WHERE launch_key = 'llama-4' GROUP BY ALL").fetchall())
    assert via["thread"] > 0 and via["alias"] > 0


def test_every_linked_post_is_classified_by_the_active_version(demo, con):
    first, _, _ = demo
    linked = con.execute("SELECT count(DISTINCT post_id) FROM post_launches").fetchone()[0]
    assert first.classified == linked
    versions = con.execute("SELECT DISTINCT model_id, model_version FROM classifications").fetchall()
    active = con.execute("SELECT model_id, model_version FROM classifier_versions ORDER BY activated_at DESC LIMIT 1").fetchone()
    assert versions == [active]
    labels = dict(con.execute("SELECT sentiment, count(*) FROM current_classifications GROUP BY ALL").fetchall())
    assert set(labels) <= {"positive", "neutral", "negative"} and len(labels) >= 2


def test_the_real_events_are_on_the_llama4_timeline(con):
    events = wt.events(con, "llama-4")
    by_time = {row.event_time.isoformat(): row for row in events.itertuples()}
    assert "2025-04-06T20:12:37+00:00" in by_time  # Aider polyglot 15.6%
    assert "15.6" in by_time["2025-04-06T20:12:37+00:00"].value
    assert by_time["2025-04-07T17:49:31.484000+00:00"].label == "Meta denial"
    assert by_time["2025-04-08T00:08:09.229000+00:00"].label == "LMArena statement"
    assert by_time["2025-04-13T11:17:45+00:00"].label == "LMArena #32 (Maverick)"
    timeline = wt.timeline(con, "llama-4", bucket="day")
    day = {row.bucket.strftime("%Y-%m-%d"): row for row in timeline.itertuples()}
    assert day["2025-04-07"].posts > 3 * day["2025-04-04"].posts
    assert "Aider" in day["2025-04-06"].events
    claims = timeline[["contamination", "benchmark_gaming", "regression", "praise", "comparison", "deployment_issue"]].sum()
    assert (claims > 0).sum() >= 4


def test_cursor_is_the_newest_post_collected(con):
    cursor = con.execute("SELECT cursor_at FROM source_cursors WHERE source = 'hackernews' AND launch_key = 'llama-4'").fetchone()[0]
    newest = con.execute(
        "SELECT max(p.created_at) FROM posts p JOIN post_launches pl USING (post_id) WHERE pl.launch_key = 'llama-4'"
    ).fetchone()[0]
    assert cursor >= newest


@pytest.fixture(scope="module")
def db_path(demo):
    return demo[2]


def invoke(*args):
    from click.testing import CliRunner

    from flows.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_timeline_prints_the_table(db_path):
    result = invoke("--db", str(db_path), "timeline", "llama-4", "--bucket", "day", "--csv")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.strip().splitlines()
    assert header.split(",")[:3] == ["bucket", "posts", "positive"]
    assert any(row.startswith("2025-04-07") for row in rows)


def test_cli_sql_is_read_only(db_path):
    result = invoke("--db", str(db_path), "sql", "SELECT launch_key, count(*) AS n FROM post_launches GROUP BY 1 ORDER BY 1", "--csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "launch_key,n"
    assert "llama-4," in result.output
    denied = invoke("--db", str(db_path), "sql", "DELETE FROM posts")
    assert denied.exit_code == 1 and "read-only" in denied.output
    outside = invoke("--db", str(db_path), "sql", "SELECT * FROM read_csv('/etc/passwd')")
    assert outside.exit_code == 1


def test_cli_report_writes_one_self_contained_file(db_path, tmp_path):
    out = tmp_path / "report.html"
    result = invoke("--db", str(db_path), "report", "llama-4", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "contamination" in result.output and str(out) in result.output
    html = out.read_text(encoding="utf-8")
    assert "<script src=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "<script>alert(1)" not in html


def test_cli_errors_are_one_line_with_a_fix(db_path, tmp_path):
    unknown = invoke("--db", str(db_path), "timeline", "llama-5")
    assert unknown.exit_code == 1 and "llama-4" in unknown.output
    missing = invoke("--db", str(tmp_path / "none.duckdb"), "timeline", "llama-4")
    assert missing.exit_code == 1 and "launchwatch run" in missing.output
    bad_date = invoke("--db", str(db_path), "run", "--since", "2025-13-40")
    assert bad_date.exit_code == 2 and "2025-04-05" in bad_date.output


def test_schedule_serves_daily_on_a_utc_cron():
    from flows.daily import deployment

    served = deployment("launchwatch-daily", "0 6 * * *", "data/x.duckdb")
    (schedule,) = served.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 6 * * *", "UTC")
    assert served.parameters == {"db": "data/x.duckdb"}
    assert served.name == "launchwatch-daily"
    with pytest.raises(ValueError, match="five fields"):
        deployment("x", "61 6 * * *", "data/x.duckdb")


def test_cli_run_rejects_unknown_names_before_starting(tmp_path):
    db = tmp_path / "lw.duckdb"
    launch = invoke("--db", str(db), "run", "--launch", "llama-5", "--replay", str(DEMO))
    assert launch.exit_code == 1 and "llama-4" in launch.output
    source = invoke("--db", str(db), "run", "--source", "myspace", "--replay", str(DEMO))
    assert source.exit_code == 1 and "hackernews" in source.output
    assert not db.exists()
