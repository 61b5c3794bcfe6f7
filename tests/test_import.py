"""`launchwatch import`: Pushshift NDJSON (plain and .zst), twarc2 JSONL, CSV, into a real warehouse."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
import zstandard
from click.testing import CliRunner
from fakes.reddit import t1, t3
from fakes.x import USERS, tweet

from extractors.dumps import CsvMapping, DumpFormatError, TextPrefilter, detect_format
from flows import dump_import
from flows.cli import cli
from flows.config import settings

LAUNCH = 1743879644


def pushshift_lines() -> list[str]:
    """A launch thread, comments naming launches or not, a reply in the thread, a tombstone, bad lines."""
    records = [
        t3("root1", LAUNCH + 60, "Llama 4 is out", "Scout and Maverick"),
        t3("other1", LAUNCH + 70, "Best GPU for the money?", "asking for a friend"),
        t1("c1", LAUNCH + 100, "LLaMA-4 Maverick looks strong", "other1"),
        t1("c2", LAUNCH + 110, "gemini 2.5 pro beats it", "other1"),
        t1("c3", LAUNCH + 120, "no model named here", "other1"),
        t1("c4", LAUNCH + 130, "this thread is about it, but I do not say its name", "root1"),
        t1("c5", LAUNCH + 140, "[deleted]", "root1", author="[deleted]"),
        t1("c6", LAUNCH + 150, "羊驼4 的表现一般", "other1"),
        t1("c7", LAUNCH + 160, "cats are nice", "other1"),
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.append(json.dumps(t1("c8", LAUNCH + 170, "\u7f8a\u9a7c4 escaped", "other1")))  # \\u escapes, as some dumps write
    lines.append('{"id": "broken", "body": "llama 4 but the line is cut')  # names a launch: parsed, fails, quarantined
    lines.append(json.dumps(t1("c9", LAUNCH, "llama 4 but created_utc is bad", "other1", created_utc="soon")))
    lines.append('{"not json at all and no launch named')  # quarantined too
    return lines


def write(path: Path, lines: list[str], compress: bool = False) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(zstandard.ZstdCompressor(level=3).compress(data) if compress else data)
    return path


def db_rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "zst"])
def test_pushshift_import_keeps_launch_posts_and_their_threads(tmp_path, compress) -> None:
    dump = write(tmp_path / ("RC.ndjson" + (".zst" if compress else "")), pushshift_lines(), compress)
    config = settings(tmp_path / "lw.duckdb", environ={})
    assert detect_format(dump) == "pushshift"

    report = dump_import.import_dump(config, dump)

    assert (report.read, report.loaded, report.duplicate, report.unmatched, report.quarantined) == (13, 7, 0, 3, 3)
    posts = dict(db_rows(config.db_path, "SELECT native_id, deleted FROM posts"))
    assert set(posts) == {"t3_root1", "t1_c1", "t1_c2", "t1_c4", "t1_c5", "t1_c6", "t1_c8"}
    assert posts["t1_c5"] is True  # the tombstone in the launch thread is kept as a tombstone
    links = db_rows(config.db_path, "SELECT post_id, launch_key, via FROM post_launches ORDER BY post_id, launch_key")
    assert ("reddit:t1_c4", "llama-4", "thread") in links and ("reddit:t1_c2", "gemini-2.5-pro", "alias") in links
    reasons = sorted(r[0] for r in db_rows(config.db_path, "SELECT reason FROM quarantine"))
    assert "line 11: not JSON" in reasons[0] and "line 13: not JSON" in reasons[1]
    assert reasons[2].startswith("pushshift: t1_c9: expected created_utc")
    run = db_rows(config.db_path, "SELECT source, status, fetched, inserted, quarantined, window_start, window_end FROM ingest_runs")[0]
    assert run[:5] == ("pushshift", "ok", 13, 7, 3)
    assert run[6] - run[5] == timedelta(seconds=110)
    assert db_rows(config.db_path, "SELECT DISTINCT source FROM posts") == [("pushshift",)]


def test_a_rerun_loads_nothing_new(tmp_path) -> None:
    dump = write(tmp_path / "RC.ndjson", pushshift_lines())
    config = settings(tmp_path / "lw.duckdb", environ={})
    dump_import.import_dump(config, dump)
    again = dump_import.import_dump(config, dump)
    assert (again.loaded, again.duplicate, again.quarantined) == (0, 7, 3)
    assert db_rows(config.db_path, "SELECT count(*) FROM posts")[0][0] == 7
    assert db_rows(config.db_path, "SELECT count(*) FROM quarantine")[0][0] == 3  # kept once


def test_a_crash_mid_import_leaves_whole_batches_and_the_rerun_completes(tmp_path) -> None:
    lines = [json.dumps(t1(f"k{i}", LAUNCH + i, f"llama 4 comment {i}", "other1")) for i in range(1000)]
    dump = write(tmp_path / "RC.ndjson", lines)
    clean = settings(tmp_path / "clean.duckdb", environ={})
    dump_import.import_dump(clean, dump)
    config = settings(tmp_path / "lw.duckdb", environ={})
    calls = []

    def crash(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt  # what Ctrl-C or a dying worker looks like from inside

    with pytest.raises(KeyboardInterrupt):
        dump_import.import_dump(config, dump, batch_size=70, progress=crash, progress_every=100)

    partial = db_rows(config.db_path, "SELECT count(*) FROM posts")[0][0]
    assert partial % 70 == 0 and 0 < partial < 1000  # whole batches only
    orphans = db_rows(config.db_path, "SELECT count(*) FROM posts p ANTI JOIN raw_items r USING (post_id)")[0][0]
    unlinked = db_rows(config.db_path, "SELECT count(*) FROM posts p ANTI JOIN post_launches l USING (post_id)")[0][0]
    assert orphans == unlinked == 0
    assert db_rows(config.db_path, "SELECT status FROM ingest_runs") == [("failed",)]

    rerun = dump_import.import_dump(config, dump)
    assert rerun.loaded == 1000 - partial and rerun.duplicate == partial
    query = "SELECT post_id, text, created_at FROM posts ORDER BY post_id"
    assert db_rows(config.db_path, query) == db_rows(clean.db_path, query)


def twarc_page(tweets: list[dict]) -> dict:
    return {
        "data": tweets,
        "includes": {"users": list(USERS.values())},
        "meta": {"result_count": len(tweets), "newest_id": tweets[0]["id"], "oldest_id": tweets[-1]["id"]},
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all?query=llama", "version": "2.14.0", "retrieved_at": "2025-04-09T12:00:00+00:00"},
    }


def test_twarc2_pages_and_flattened_tweets(tmp_path) -> None:
    root = tweet(1908601011989782976, LAUNCH + 60, "Llama 4 Maverick is #2 on Arena", author="1002")
    reply = tweet(1908601011989782977, LAUNCH + 90, "that is not the released model", conversation=1908601011989782976, replied_to=1908601011989782976)
    off = tweet(1908601011989782978, LAUNCH + 95, "my cat is asleep")
    pages = write(tmp_path / "search.jsonl", [json.dumps(twarc_page([root, reply, off])), json.dumps({"data": "oops", "meta": {}})])
    flat = write(tmp_path / "flat.jsonl", [json.dumps({**t, "author": USERS[t["author_id"]]}) for t in (root, reply, off)])
    assert detect_format(pages) == detect_format(flat) == "twarc2"

    first = dump_import.import_dump(settings(tmp_path / "a.duckdb", environ={}), pages, "twarc2")
    second = dump_import.import_dump(settings(tmp_path / "b.duckdb", environ={}), flat)

    assert (first.read, first.loaded, first.unmatched, first.quarantined) == (4, 2, 1, 1)
    assert (second.read, second.loaded, second.unmatched, second.quarantined) == (3, 2, 1, 0)
    rows = db_rows(tmp_path / "a.duckdb", "SELECT post_id, author, thread_id FROM posts ORDER BY post_id")
    assert rows == [("x:1908601011989782976", "lmarena_ai", None), ("x:1908601011989782977", "ada_bench", "x:1908601011989782976")]
    assert db_rows(tmp_path / "b.duckdb", "SELECT post_id, author, thread_id FROM posts ORDER BY post_id") == rows


def test_csv_with_a_column_mapping(tmp_path) -> None:
    path = tmp_path / "weibo.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["mid", "content", "time", "link", "user", "likes"])
        writer.writerow(["4950001", "羊驼4 在 aider 上才 15.6%", "2025-04-07T10:00:00+08:00", "https://weibo.com/1/4950001", "ai_watch", "31"])
        writer.writerow(["4950002", "今天天气不错", "1744000000", "https://weibo.com/1/4950002", "x", ""])
        writer.writerow(["4950003", "llama 4 again", "yesterday", "https://weibo.com/1/4950003", "y", "2"])
    assert detect_format(path) == "csv"
    mapping = CsvMapping.from_options("weibo", ["id=mid", "text=content", "created_at=time", "url=link", "author=user", "score=likes"])

    report = dump_import.import_dump(settings(tmp_path / "lw.duckdb", environ={}), path, csv_mapping=mapping)

    assert (report.read, report.loaded, report.unmatched, report.quarantined) == (3, 1, 1, 1)
    row = db_rows(tmp_path / "lw.duckdb", "SELECT post_id, author, score, lang, created_at FROM posts")[0]
    assert row[:4] == ("weibo:4950001", "ai_watch", 31, "zh") and row[4].hour == 2


def test_csv_mapping_errors_say_what_to_pass(tmp_path) -> None:
    with pytest.raises(ValueError, match="needs --platform"):
        CsvMapping.from_options(None, [])
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        CsvMapping.from_options("weibo", ["body"])
    path = tmp_path / "t.csv"
    path.write_text("mid,content\n1,llama 4\n", encoding="utf-8")
    mapping = CsvMapping.from_options("weibo", ["id=mid", "text=content"])
    with pytest.raises(ValueError, match=r"lacks created_at \(column 'created_at'\), url \(column 'url'\).*--column text=body"):
        dump_import.import_dump(settings(tmp_path / "lw.duckdb", environ={}), path, csv_mapping=mapping)


def test_an_unknown_format_is_named_with_the_fix(tmp_path) -> None:
    path = write(tmp_path / "what.jsonl", [json.dumps({"kind": "mystery"})])
    with pytest.raises(DumpFormatError, match="Pass --format pushshift, twarc2 or csv"):
        detect_format(path)


def test_the_prefilter_never_rejects_a_text_the_catalogue_matches(catalogue) -> None:
    prefilter = TextPrefilter(n for _, n, _, _, context in catalogue.alias_rows() if not context)
    checked = 0
    for alias, normalized, _, _, context in catalogue.alias_rows():
        for spelling in {alias, alias.upper(), normalized, normalized.replace(" ", "-"), normalized.replace(" ", "_"), normalized.replace(" ", "\n")}:
            for text in (f"what about {spelling}?", f"{spelling}", f"（{spelling}）", f"用{spelling}跑"):
                if catalogue.match(text):
                    checked += 1
                    assert prefilter.could_match(None, text), text
    assert checked > 300
    assert not prefilter.could_match("nothing to see", "here")
    # A launch word inside another word names nothing: every r/LocalLLaMA permalink says "localllama".
    assert not prefilter.could_match(None, "/r/LocalLLaMA/comments/abc/ version 4")
    assert prefilter.could_match(None, "ｌｌａｍａ ４")  # full-width forms are left to the catalogue


def test_the_cli_imports_and_reports_the_counts(tmp_path) -> None:
    dump = write(tmp_path / "RC.ndjson", pushshift_lines())
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "lw.duckdb"), "import", str(dump), "--load-only"])
    assert result.exit_code == 0, result.output
    assert "RC.ndjson (pushshift): read 13, loaded 7, duplicate 0, unmatched 3, quarantined 3" in result.output


def test_a_dump_tombstone_blanks_a_stored_post_about_no_launch_in_this_file(tmp_path) -> None:
    config = settings(tmp_path / "lw.duckdb", environ={})
    first = write(tmp_path / "RS.ndjson", [json.dumps(t3("gone1", LAUNCH + 60, "Llama 4 first impressions", "it is fine"))])
    dump_import.import_dump(config, first)
    later = write(tmp_path / "RS_later.ndjson", [
        json.dumps(t3("gone1", LAUNCH + 60, "[deleted by user]", "[deleted]", author="[deleted]", num_comments=40)),
        json.dumps(t1("never1", LAUNCH + 61, "[removed]", "zzz")),  # deleted, and never stored: nothing to do
    ])
    report = dump_import.import_dump(config, later)
    assert (report.loaded, report.duplicate, report.unmatched) == (0, 1, 1)
    row = db_rows(config.db_path, "SELECT author, title, text, deleted, replies FROM posts")
    assert row == [(None, None, "", True, 40)]


def test_a_deleted_thread_root_stays_on_its_launch_and_so_do_its_replies(tmp_path) -> None:
    config = settings(tmp_path / "lw.duckdb", environ={})
    write(tmp_path / "a.ndjson", [json.dumps(t3("root9", LAUNCH, "Llama 4 is out", "thoughts?")),
                                  json.dumps(t1("rep1", LAUNCH + 5, "it is fine I guess", "root9"))])
    dump_import.import_dump(config, tmp_path / "a.ndjson")
    write(tmp_path / "b.ndjson", [json.dumps(t3("root9", LAUNCH, "[deleted by user]", "[deleted]", author="[deleted]")),
                                  json.dumps(t1("rep2", LAUNCH + 9, "a later reply that names nothing", "root9"))])
    dump_import.import_dump(config, tmp_path / "b.ndjson")
    links = db_rows(config.db_path, "SELECT post_id, launch_key, via FROM post_launches ORDER BY post_id")
    assert links == [("reddit:t1_rep1", "llama-4", "thread"), ("reddit:t1_rep2", "llama-4", "thread"), ("reddit:t3_root9", "llama-4", "alias")]
    assert db_rows(config.db_path, "SELECT text, deleted FROM posts WHERE native_id = 't3_root9'") == [("", True)]
