"""Flow steps against a loopback Algolia: a failing source is recorded and the others complete."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from werkzeug import Response

from extractors.replay import AlgoliaIndex, load_hits
from flows import steps
from flows.config import settings

DEMO = Path(__file__).resolve().parents[1] / "extractors" / "demo_data"
SINCE = datetime(2025, 4, 5, tzinfo=timezone.utc)
UNTIL = datetime(2025, 4, 8, tzinfo=timezone.utc)


def algolia_handler(index: AlgoliaIndex, failing_query: str | None):
    """Serve the demo hits like Algolia, but answer 503 to every search for `failing_query` (if any)."""

    def handle(request):
        if failing_query is not None and request.args.get("query") == failing_query:
            return Response(json.dumps({"message": "Service Unavailable", "status": 503}), status=503, headers={"Retry-After": "0"}, content_type="application/json")
        return Response(json.dumps(index.search_by_date(dict(request.args))), content_type="application/json")

    return handle


def serve_demo(httpserver, db: Path, failing_query: str | None = None):
    """Point a prepared warehouse at a loopback Algolia serving the demo hits."""
    index = AlgoliaIndex(load_hits(DEMO / "hackernews"))
    httpserver.expect_request("/api/v1/search_by_date").respond_with_handler(algolia_handler(index, failing_query))
    config = settings(db, environ={"LAUNCHWATCH_HN_URL": httpserver.url_for("/api/v1")})
    steps.prepare(config)
    return config


def test_a_failing_source_is_recorded_and_the_next_one_completes(httpserver, tmp_path):
    config = serve_demo(httpserver, tmp_path / "lw.duckdb", failing_query="qwq")

    failed = steps.collect(config, "hackernews", "qwq-32b", SINCE, UNTIL)
    done = steps.collect(config, "hackernews", "llama-4", SINCE, UNTIL)

    assert failed.status == "failed" and "503" in failed.error
    assert done.status == "ok" and done.counts.inserted > 100
    con = duckdb.connect(str(config.db_path), read_only=True)
    runs = con.execute("SELECT launch_key, status, inserted, error IS NOT NULL FROM ingest_runs ORDER BY run_id").fetchall()
    assert runs == [("qwq-32b", "failed", 0, True), ("llama-4", "ok", done.counts.inserted, False)]
    assert con.execute("SELECT count(*) FROM source_cursors WHERE launch_key = 'qwq-32b'").fetchone()[0] == 0


def test_without_a_window_collection_starts_at_the_cursor(httpserver, tmp_path):
    config = serve_demo(httpserver, tmp_path / "lw.duckdb")
    first = steps.collect(config, "hackernews", "llama-4", SINCE, UNTIL)
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        cursor = con.execute("SELECT cursor_at FROM source_cursors WHERE launch_key = 'llama-4'").fetchone()[0]
        newest = con.execute("SELECT max(created_at) FROM posts").fetchone()[0]
    resumed = steps.collect(config, "hackernews", "llama-4", None, datetime(2025, 4, 10, tzinfo=timezone.utc))

    assert cursor == newest < UNTIL
    assert resumed.window[0] == cursor - steps.CURSOR_OVERLAP
    assert resumed.counts.inserted > 0
    with duckdb.connect(str(config.db_path), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM posts").fetchone()[0]
        assert con.execute("SELECT cursor_at FROM source_cursors WHERE launch_key = 'llama-4'").fetchone()[0] > cursor
    assert total == first.counts.inserted + resumed.counts.inserted


CRASHING_RUN = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from flows import steps
from flows.config import settings

config = settings(Path(sys.argv[1]), environ={"LAUNCHWATCH_HN_URL": sys.argv[2]})
steps.prepare(config)
steps.collect(config, "hackernews", "llama-4", datetime(2025, 4, 5, tzinfo=timezone.utc), datetime(2025, 4, 8, tzinfo=timezone.utc))
"""


def test_a_run_killed_mid_collection_leaves_nothing_half_written_and_the_rerun_completes(httpserver, tmp_path):
    index = AlgoliaIndex(load_hits(DEMO / "hackernews"))
    stalled, release = threading.Event(), threading.Event()

    def stall_on_thread_comments(request):
        # Stories and matching comments are served; the thread-comment request hangs until the
        # writer process has been killed, so the kill lands between fetching and loading.
        if request.args.get("tags", "").startswith("comment,("):
            stalled.set()
            release.wait(30)
        return Response(json.dumps(index.search_by_date(dict(request.args))), content_type="application/json")

    httpserver.expect_request("/api/v1/search_by_date").respond_with_handler(stall_on_thread_comments)
    db = tmp_path / "lw.duckdb"
    writer = subprocess.Popen([sys.executable, "-c", CRASHING_RUN, str(db), httpserver.url_for("/api/v1")])
    try:
        assert stalled.wait(120), "the writer never reached the thread-comment request"
        writer.send_signal(signal.SIGKILL)
        writer.wait(30)
    finally:
        release.set()
        if writer.poll() is None:
            writer.kill()

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM ingest_runs").fetchall() == [("running",)]
        assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0

    httpserver.clear()
    config = serve_demo(httpserver, db)
    rerun = steps.collect(config, "hackernews", "llama-4", SINCE, UNTIL)

    with duckdb.connect(str(db), read_only=True) as con:
        statuses = con.execute("SELECT status FROM ingest_runs ORDER BY run_id").fetchall()
        posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert statuses == [("interrupted",), ("ok",)]
    assert rerun.status == "ok" and posts == rerun.counts.inserted > 100
