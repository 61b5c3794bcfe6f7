"""Importers of the real benchmark files bundled in warehouse/events_data/ (see its ORIGIN.md)."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import pytest

from warehouse.events import resolve_model
from warehouse.importers import BUNDLED, SOURCES, import_source
from warehouse.importers.files import ImportFileError
from warehouse.importers.history import Listing, Snapshot, changes

DATA = Path(str(resources.files("warehouse") / "events_data"))
ROOT = Path(__file__).resolve().parents[1]


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def rows(con, launch_key, *, origin=None):
    return con.execute(
        "SELECT event_time, kind, variant_key, value, label, url FROM benchmark_events "
        "WHERE launch_key = ? AND (? IS NULL OR origin_file = ?) ORDER BY event_time, variant_key, kind",
        [launch_key, origin, origin],
    ).fetchall()


def snap(day, *listed):
    return Snapshot(f"v{day}", utc(2025, 4, day), f"https://e.org/{day}"), [Listing(m, r, s) for m, r, s in listed]


def test_history_rule_entries_moves_and_exits():
    found = changes([
        snap(1, ("a", 1, 1400), ("b", 10, 1300)),  # baseline: no entries
        snap(2, ("a", 2, 1398), ("b", 11, 1301), ("c", 5, 1350)),  # jitter; c enters
        snap(3, ("a", 3, 1396), ("b", 12, 1302), ("c", 5, 1350)),  # a drifted 2 places: still jitter
        snap(4, ("a", 4, 1395), ("c", 5, 1362)),  # a 3 places from its last record; b exits; c +12 points
        snap(5, ("a", 4, 1395), ("b", 20, 1280), ("c", 5, 1362)),  # b is back: a new entry
    ])
    assert [(c.snapshot.version, c.kind, c.model) for c in found] == [
        ("v2", "leaderboard_entry", "c"),
        ("v4", "leaderboard_exit", "b"),
        ("v4", "leaderboard_change", "a"),
        ("v4", "leaderboard_change", "c"),
        ("v5", "leaderboard_entry", "b"),
    ]
    move = found[2]
    assert (move.before.rank, move.listing.rank) == (1, 4)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Llama-4-Maverick-03-26-Experimental", ("llama-4", "llama-4-maverick-exp")),
        ("llama-4-maverick-03-26-experimental", ("llama-4", "llama-4-maverick-exp")),
        ("Llama-4-Maverick-17B-128E-Instruct", ("llama-4", "llama-4-maverick")),
        ("Llama-4-Maverick-17B-128E-Instruct-FP8", ("llama-4", "llama-4-maverick")),
        ("llama4-maverick-instruct-basic", ("llama-4", "llama-4-maverick")),
        ("Llama 4 Maverick", ("llama-4", "llama-4-maverick")),
        ("Llama-4-Scout-17B-16E-Instruct", ("llama-4", "llama-4-scout")),
        ("DeepSeek V3 (0324)", ("deepseek-v3-0324", None)),
        ("deepseek-v3.1", (None, None)),
        ("DeepSeek-V3", (None, None)),
        ("Gemini-2.5-Pro-Exp-03-25", ("gemini-2.5-pro", "gemini-2.5-pro-exp-03-25")),
        ("Gemini-2.5-Pro-Preview-05-06", ("gemini-2.5-pro", "gemini-2.5-pro-preview-05-06")),
        ("gemini-2.5-pro-preview-06-05 (32k think)", ("gemini-2.5-pro", "gemini-2.5-pro-preview-06-05")),
        ("gemini-2.5-flash-preview-04-17", (None, None)),
        ("QwQ-32B", ("qwq-32b", None)),
        ("QwQ-32B-Preview", (None, None)),
        ("Qwen3-235B-A22B-no-thinking", ("qwen3", "qwen3-235b-a22b")),
        ("qwen3-30b-a3b", ("qwen3", "qwen3-30b-a3b")),
        ("qwen3-235b-a22b-instruct-2507", (None, None)),
        ("qwen3-max-preview", (None, None)),
    ],
)
def test_every_spelling_in_the_files_names_its_variant(catalogue, name, expected):
    assert resolve_model(catalogue, name) == expected


def test_lmarena_history_tells_the_llama_4_story(con, catalogue):
    result = import_source(con, catalogue, "lmarena", DATA / BUNDLED["lmarena"])
    assert result.quarantined == 0 and result.inserted > 0
    events = [row[:5] for row in rows(con, "llama-4") if row[0] < utc(2025, 4, 14)]
    assert events == [
        (utc(2025, 4, 6, 11, 18, 20), "leaderboard_entry", "llama-4-maverick-exp", "rank 2; score 1417", "LMArena #2 (Maverick Exp.)"),
        (utc(2025, 4, 11, 11, 19, 13), "leaderboard_entry", "llama-4-maverick", "rank 35; score 1273", "LMArena #35 (Maverick)"),
        (utc(2025, 4, 11, 11, 19, 13), "leaderboard_change", "llama-4-maverick-exp",
         "rank 2; score 1403; was rank 2; score 1417", "LMArena #2, 1417→1403 (Maverick Exp.)"),
        (utc(2025, 4, 13, 11, 17, 45), "leaderboard_change", "llama-4-maverick",
         "rank 32; score 1273; was rank 35; score 1273", "LMArena #35→#32 (Maverick)"),
        (utc(2025, 4, 13, 11, 17, 45), "leaderboard_exit", "llama-4-maverick-exp",
         "no longer listed; last rank 2; score 1403", "LMArena dropped (Maverick Exp.)"),
    ]
    first = rows(con, "llama-4")[0]
    assert first[5] == "https://github.com/fboulnois/llm-leaderboard-csv/blob/3f7847a1403ed67a2f93d8ad24dd9f9215fb21ce/csv/lmsys.csv"
    # Models of launches nobody follows are named and counted, not stored.
    assert "DeepSeek-V3" in result.unmatched and "Claude 3 Opus" in result.unmatched
    assert result.skipped > 1000
    assert con.execute("SELECT count(*) FROM benchmark_events WHERE launch_key IS NULL").fetchone() == (0,)


def test_aider_results_take_their_commit_time_and_reimport_adds_nothing(con, catalogue):
    first = import_source(con, catalogue, "aider", DATA / BUNDLED["aider"])
    maverick = [row for row in rows(con, "llama-4")]
    assert maverick == [
        (utc(2025, 4, 6, 20, 12, 37), "benchmark_result", "llama-4-maverick", "pass_rate_2=15.6%",
         "Aider polyglot 15.6% (Maverick)", "https://github.com/Aider-AI/aider/commit/2a9ab02753701a65f66d7e65cca308442cc81cd2"),
    ]
    # "Gemini Pro 2.5" was replaced on 2025-04-12: a result, then its removal.
    gemini = [row[:3] for row in rows(con, "gemini-2.5-pro") if row[0] < utc(2025, 4, 13)]
    assert gemini == [
        (utc(2025, 3, 25, 20, 43, 5), "benchmark_result", None),
        (utc(2025, 4, 12, 15, 6, 39), "benchmark_result", "gemini-2.5-pro-preview-03-25"),
        (utc(2025, 4, 12, 15, 6, 39), "leaderboard_exit", None),
    ]
    again = import_source(con, catalogue, "aider", DATA / BUNDLED["aider"])
    assert (again.inserted, again.updated, again.read) == (0, 0, first.read)


def test_livebench_arena_catalog_and_epoch(con, catalogue):
    livebench = import_source(con, catalogue, "livebench", DATA / BUNDLED["livebench"])
    arena = import_source(con, catalogue, "arena-catalog", DATA / BUNDLED["arena-catalog"])
    epoch = import_source(con, catalogue, "epoch", DATA / BUNDLED["epoch"])
    events = {(row[0], row[4]): row for row in rows(con, "llama-4")}
    listed = events[(utc(2025, 4, 7, 20, 23, 54), "LiveBench listed (Maverick)")]
    assert listed[5] == "https://github.com/LiveBench/livebench.github.io/commit/523c7d4398af858e2752db0ec4b08a8f1e1d42c7"
    assert events[(utc(2025, 4, 7, 20, 15, 5), "LMArena pos. 2 (text) (Maverick Exp.)")][3] == "position 2 by rating; rating 1416.58"
    # Epoch states no time zone: the run's date only, labelled with the task and score.
    frontier = events[(utc(2025, 4, 8), "Epoch AI FrontierMath-2025-02-28-Private 0.7% (Maverick)")]
    assert frontier[1:3] == ("benchmark_result", "llama-4-maverick")
    assert con.execute(
        "SELECT DISTINCT time_precision FROM benchmark_events WHERE origin_file = 'benchmarks_runs.csv'"
    ).fetchall() == [("day",)]
    # Four Epoch runs have no start time: quarantined with the reason, the rest imported.
    assert epoch.quarantined == 4
    reasons = con.execute("SELECT reason FROM quarantine WHERE source = 'events:epoch'").fetchall()
    assert len(reasons) == 4 and all("started_at '' is not a time like" in r[0] for r in reasons)
    assert livebench.inserted > 0 and arena.inserted > 0 and "claude-3-7-sonnet-20250219-base" in livebench.unmatched


def test_a_file_of_the_wrong_shape_says_what_it_expected(con, catalogue, tmp_path):
    wrong = tmp_path / "lmsys.csv"
    wrong.write_text("model,score\nx,1\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"expected columns snapshot_version, commit_time_utc.*missing"):
        import_source(con, catalogue, "lmarena", wrong)
    with pytest.raises(ImportFileError, match="aider_leaderboard_entries_added_all.csv beside the YAML"):
        (tmp_path / "polyglot_leaderboard.yml").write_text("- dirname: x\n  model: y\n", encoding="utf-8")
        import_source(con, catalogue, "aider", tmp_path)
    with pytest.raises(ValueError, match="unknown event source 'swe-bench'"):
        import_source(con, catalogue, "swe-bench", wrong)


def test_bad_rows_are_quarantined_and_the_batch_goes_on(con, catalogue, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "snapshot_version,commit_time_utc,rank,model,arena_score\n"
        "2025-04-05,2025-04-05T11:00:00Z,1,Llama-4-Scout-17B-16E-Instruct,1300\n"
        "2025-04-06,2025-04-06T11:00:00Z,1,Llama-4-Scout-17B-16E-Instruct,1300\n"
        "2025-04-06,2025-04-06T11:00:00Z,two,Llama-4-Maverick-17B-128E-Instruct,1290\n"
        "2025-04-06,2025-04-06T11:00:00Z,3,Llama-4-Maverick-03-26-Experimental,1417\n",
        encoding="utf-8",
    )
    result = import_source(con, catalogue, "lmarena", path)
    assert (result.read, result.inserted, result.quarantined) == (4, 1, 1)
    assert rows(con, "llama-4")[0][:3] == (utc(2025, 4, 6, 11), "leaderboard_entry", "llama-4-maverick-exp")
    reason = con.execute("SELECT reason FROM quarantine WHERE source = 'events:lmarena'").fetchone()[0]
    assert reason.startswith("history.csv line 4: invalid literal for int()")


def test_make_demo_imports_every_bundled_file():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for source, path in BUNDLED.items():
        assert f"events import {source} $(EVENTS)/{path}" in makefile
    assert set(BUNDLED) == set(SOURCES)
