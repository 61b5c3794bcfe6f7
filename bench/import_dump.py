"""Benchmark: `launchwatch import` of a Pushshift comment dump against DuckDB's own read_json.

Generates a Pushshift-format NDJSON file of N Reddit comments (default 1,000,000) with the field
set of 2023-era Pushshift / Arctic Shift comment records (about 40 fields, ~1 KB a line) and
bodies of realistic length (log-normal, median ~110 characters, long tail to a few thousand).
MENTION_SHARE of the comments name a catalogued launch ("llama 4", "Gemini 2.5 Pro", "qwen3",
...), and NEAR_MISS_SHARE name a neighbouring model the catalogue must not match ("llama 3.1",
"gemini flash"), so the prefilter's false positives cost what they cost in a real dump.

Then, in the same run and on the same file:
- DuckDB: `CREATE TABLE comments AS SELECT * FROM read_json(file)` into a fresh database file;
- launchwatch: `launchwatch --db <fresh file> import <file> --load-only`, as a child process
  (the real command: prefilter, parse, normalize, match, batch upserts, links, run record;
  classification is left to the next `launchwatch run`, as --load-only says), whose peak RSS is
  read with resource.getrusage(RUSAGE_CHILDREN).

Prints both times, the ratio (goal: at most 3x) and the import's peak memory (goal: < 1 GB).

    .venv/bin/python bench/import_dump.py            # 1,000,000 comments
    .venv/bin/python bench/import_dump.py --comments 100000 --keep /tmp/rc.ndjson
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import orjson

MENTION_SHARE = 0.02
NEAR_MISS_SHARE = 0.02
LAUNCH_MENTIONS = ["llama 4", "Llama-4 Maverick", "llama4 scout", "Gemini 2.5 Pro", "gemini-2.5-pro", "qwen3", "Qwen 3",
                   "DeepSeek-V3-0324", "deepseek v3 0324", "QwQ-32B", "羊驼4"]
NEAR_MISSES = ["llama 3.1", "llama 3.3 70b", "gemini flash", "gemini 2.0", "qwen2.5", "deepseek r1", "llama.cpp"]
WORDS = ("the model is not bad but i think the benchmarks are cherry picked and nobody runs it locally "
         "anyway quantized weights context window tokens per second gpu vram inference prompt eval "
         "honestly this release feels rushed compared to last year open source community fine tune "
         "license commercial use apache leaderboard arena elo coding math reasoning hallucination").split()
SUBREDDITS = ["LocalLLaMA", "singularity", "MachineLearning", "OpenAI", "ChatGPT", "artificial"]
START = 1743465600  # 2025-04-01


def body_pool(rng: random.Random, size: int = 50_000) -> list[str]:
    """Comment bodies of log-normal length (median ~110 characters, capped at 5,000)."""
    pool = []
    for _ in range(size):
        length = min(int(rng.lognormvariate(math.log(110), 1.0)), 5000)
        words: list[str] = []
        total = 0
        while total < length:
            word = rng.choice(WORDS)
            words.append(word)
            total += len(word) + 1
        pool.append(" ".join(words))
    return pool


def comment(rng: random.Random, index: int, bodies: list[str]) -> dict:
    body = rng.choice(bodies)
    roll = rng.random()
    if roll < MENTION_SHARE + NEAR_MISS_SHARE:
        name = rng.choice(LAUNCH_MENTIONS if roll < MENTION_SHARE else NEAR_MISSES)
        cut = body.find(" ", rng.randrange(len(body) + 1))
        body = f"{body} {name}" if cut < 0 else f"{body[:cut]} {name}{body[cut:]}"
    sub = rng.choice(SUBREDDITS)
    base36 = _base36(2_000_000_000 + index)
    link = _base36(60_000_000 + rng.randrange(200_000))
    created = START + index * 2 + rng.randrange(2)
    return {
        "all_awardings": [], "archived": False, "associated_award": None, "author": f"user{rng.randrange(300_000)}",
        "author_flair_background_color": None, "author_flair_css_class": None, "author_flair_richtext": [],
        "author_flair_template_id": None, "author_flair_text": None, "author_flair_text_color": None,
        "author_flair_type": "text", "author_fullname": f"t2_{_base36(rng.randrange(10**9))}", "author_patreon_flair": False,
        "author_premium": False, "awarders": [], "body": body, "can_gild": True, "collapsed": False,
        "collapsed_because_crowd_control": None, "collapsed_reason": None, "collapsed_reason_code": None,
        "comment_type": None, "controversiality": 0, "created_utc": created, "distinguished": None, "edited": False,
        "gilded": 0, "gildings": {}, "id": base36, "is_submitter": False, "link_id": f"t3_{link}", "locked": False,
        "name": f"t1_{base36}", "no_follow": True, "parent_id": f"t3_{link}",
        "permalink": f"/r/{sub}/comments/{link}/comment/{base36}/", "retrieved_on": created + 3600, "score": rng.randrange(-5, 200),
        "score_hidden": False, "send_replies": True, "stickied": False, "subreddit": sub, "subreddit_id": "t5_81eyvm",
        "subreddit_name_prefixed": f"r/{sub}", "subreddit_type": "public", "top_awarded_type": None,
        "total_awards_received": 0, "treatment_tags": [], "unrepliable_reason": None,
    }


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def generate(path: Path, count: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    bodies = body_pool(rng)
    with path.open("wb", buffering=1 << 20) as out:
        for index in range(count):
            out.write(orjson.dumps(comment(rng, index, bodies), option=orjson.OPT_APPEND_NEWLINE))


def duckdb_load(path: Path, db: Path) -> float:
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE comments AS SELECT * FROM read_json('{path}', format = 'newline_delimited')")
        rows = con.execute("SELECT count(*) FROM comments").fetchone()[0]
    elapsed = time.perf_counter() - started
    print(f"duckdb read_json:     {elapsed:7.2f} s  ({rows:,} rows)")
    return elapsed


def launchwatch_import(path: Path, db: Path) -> tuple[float, float]:
    command = [sys.executable, "-m", "flows.cli", "--db", str(db), "import", str(path), "--format", "pushshift", "--load-only"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"launchwatch import failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux reports KiB
    counts = [line for line in done.stdout.splitlines() if "read " in line]
    print(f"launchwatch import:   {elapsed:7.2f} s  ({counts[0].strip() if counts else done.stdout.strip()})")
    return elapsed, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Write the generated dump here and keep it (reused when present).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lw-bench-"))
    try:
        dump = args.keep or work / "RC_2025-04.ndjson"
        if not dump.exists():
            started = time.perf_counter()
            generate(dump, args.comments)
            print(f"generated {args.comments:,} comments, {dump.stat().st_size / 2**20:,.0f} MiB, in {time.perf_counter() - started:.1f} s")
        print(f"launch mentions: {MENTION_SHARE:.0%} of comments; near misses (other models): {NEAR_MISS_SHARE:.0%}")
        raw = duckdb_load(dump, work / "duckdb.duckdb")
        imported, peak_mb = launchwatch_import(dump, work / "launchwatch.duckdb")
        print(f"ratio import / duckdb: {imported / raw:.2f}x  (goal <= 3x)")
        print(f"import peak RSS:      {peak_mb:,.0f} MiB  (goal < 1024 MiB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
