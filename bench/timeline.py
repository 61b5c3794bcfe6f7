"""Timeline, event impact and compare over 5,000,000 classified posts across 20 launches.

Generates the warehouse with DuckDB SQL (posts, their launch links, one classification each,
ten benchmark events and a collection window per launch) in a temporary file, then times each
query at warm cache (one untimed run first) and prints the medians. Impact and compare read
the stored launch_post_facts (refreshed once, as a run does); the timeline reads the post_facts
view, which joins posts, links and labels at query time. The goal is each under
100 ms. For scale, it also times a baseline in the same run: counting each launch's posts
straight from post_launches, the least any of these queries must do; the ratio to it says how
much the views add.

    .venv/bin/python bench/timeline.py [--posts 5000000] [--launches 20] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from warehouse import facts
from warehouse.comparison import compare
from warehouse.db import connect
from warehouse.impact import impact
from warehouse.timeline import timeline

GENERATE = """
INSERT INTO launches
SELECT printf('bench-%02d', i), printf('Bench %02d', i), 'Bench Labs',
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_days(i * 15), NULL
FROM range($launches) t(i);

INSERT INTO classifier_versions VALUES ('bench', '1', TIMESTAMPTZ '2025-01-01 00:00:00+00');

-- Each launch's posts fall from 2 days before its release to 12 days after, denser early on.
CREATE TEMP TABLE gen AS
SELECT i, i % $launches AS l,
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_days((i % $launches) * 15)
         + to_seconds((pow(random(), 2) * 14 * 86400 - 2 * 86400)::BIGINT) AS created_at,
       random() AS r1, random() AS r2
FROM range($posts) t(i);

INSERT INTO posts
SELECT 'bench:' || i, CASE WHEN r1 < 0.5 THEN 'hackernews' ELSE 'reddit' END, i::VARCHAR,
       'https://e.org/' || i, 'bench', NULL, NULL, 'user' || (i % 50000), NULL,
       'post number ' || i, CASE WHEN r2 < 0.2 THEN 'zh' ELSE 'en' END, created_at, created_at,
       (r1 * 100)::BIGINT, 0, 'bench/1', created_at, created_at
FROM gen;

INSERT INTO post_launches
SELECT 'bench:' || i, printf('bench-%02d', l), [], [], 'alias' FROM gen;

INSERT INTO classifications
SELECT 'bench:' || i, 'bench', '1',
       CASE WHEN r2 < 0.4 THEN 'negative' WHEN r2 < 0.7 THEN 'neutral' ELSE 'positive' END,
       list_filter(['contamination', 'benchmark_gaming', 'regression', 'praise', 'comparison', 'deployment_issue'],
                   (c, k) -> ((r1 * 1000)::BIGINT // (k * 7)) % 5 = 0),
       '{}', '{}', created_at
FROM gen;

INSERT INTO benchmark_events
SELECT printf('ev-%02d-%d', l, k), printf('bench-%02d', l), NULL,
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_days(l * 15) + to_hours(k * 17 + 3), 'second',
       'leaderboard_entry', 'Bench', 'bench', NULL, 'https://e.org', NULL, 'bench',
       TIMESTAMPTZ '2025-06-01 00:00:00+00', 'Event ' || k
FROM range($launches) a(l), range(10) b(k);

INSERT INTO ingest_runs (source, launch_key, window_start, window_end, started_at, status)
SELECT 'bench', launch_key, released_at - to_days(3), released_at + to_days(13), released_at, 'ok' FROM launches;
"""


def median_ms(run, repeat: int) -> float:
    run()  # warm the cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=5_000_000)
    parser.add_argument("--launches", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        start = time.perf_counter()
        for statement in GENERATE.split(";\n"):
            if statement.strip():
                con.execute(statement.replace("$launches", str(args.launches)).replace("$posts", str(args.posts)))
        print(f"generated {args.posts:,} posts across {args.launches} launches in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        facts.refresh(con)
        con.execute("CHECKPOINT")
        print(f"refreshed launch_post_facts (what each run does after classifying) in {time.perf_counter() - start:.1f} s")
        launch = "bench-07"
        queries = {
            "baseline: posts per launch from post_launches": lambda: con.execute(
                "SELECT launch_key, count(*) FROM post_launches GROUP BY launch_key").fetchall(),
            "timeline (day buckets, one launch)": lambda: timeline(con, launch, bucket="day"),
            "timeline (hour buckets, one launch)": lambda: timeline(con, launch, bucket="hour"),
            "event impact (24 h windows, one launch)": lambda: impact(con, launch, 24),
            "compare (3 launches, negative_share, 6 h buckets)": lambda: compare(
                con, ["bench-03", "bench-07", "bench-11"], "negative_share"),
        }
        medians = {name: median_ms(run, args.repeat) for name, run in queries.items()}
        baseline = next(iter(medians.values()))
        print(f"{'query':<52} {'median ms':>10} {'x baseline':>11}  goal < 100 ms")
        for name, ms in medians.items():
            verdict = "" if name.startswith("baseline") else ("met" if ms < 100 else "MISSED")
            print(f"{name:<52} {ms:>10.1f} {ms / baseline:>11.1f}  {verdict}")
        con.close()


if __name__ == "__main__":
    main()
