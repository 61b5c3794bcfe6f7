"""Timeline, event impact and compare over 5,000,000 classified posts across 20 launches.

Generates the warehouse with DuckDB SQL (bench/timeline_data.sql: posts, their launch links,
one classification each, ten benchmark events and a collection window per launch) in a
temporary file, then times each query at warm cache (one untimed run first) and prints the medians. All
three read the stored launch_post_facts, refreshed once first, as each run does after
classifying and before publishing. The goal is each under 100 ms. For scale, it also times a baseline in the same run: counting each launch's posts
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

GENERATE = (Path(__file__).with_name("timeline_data.sql")).read_text(encoding="utf-8")


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
