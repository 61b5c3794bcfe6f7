import csv
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import pytest

from warehouse.events import TimelineError, import_timeline, parse_event_time, resolve_model

BUNDLED = Path(str(resources.files("warehouse") / "events_data" / "llama4_april2025_event_timeline.csv"))
HEADER = "event_time,model,kind,source,value,url,note\n"


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def event_at(con, when):
    return con.execute(
        "SELECT launch_key, variant_key, time_precision, kind, value, label FROM benchmark_events "
        "WHERE event_time = ? ORDER BY variant_key",
        [when],
    ).fetchall()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-04-06T11:18:20Z", (utc(2025, 4, 6, 11, 18, 20), "second")),
        ("2025-04-07T17:49:31.484Z", (utc(2025, 4, 7, 17, 49, 31, 484000), "second")),
        ("2025-04-29T04:17:23+08:00", (utc(2025, 4, 28, 20, 17, 23), "second")),
        ("2025-04-06", (utc(2025, 4, 6), "day")),
        ("2026-01", (utc(2026, 1, 1), "month")),
    ],
)
def test_event_time_keeps_its_precision(text, expected):
    assert parse_event_time(text) == expected


@pytest.mark.parametrize("text", ["2025-04-06T11:18:20", "April 2025", "2025-13", ""])
def test_event_time_rejects_what_it_cannot_place(text):
    with pytest.raises(ValueError, match="expected a time like 2025-04-06T11:18:20Z"):
        parse_event_time(text)


def test_model_names_resolve_to_variants(catalogue):
    assert resolve_model(catalogue, "Llama-4-Maverick-03-26-Experimental") == ("llama-4", "llama-4-maverick-exp")
    assert resolve_model(catalogue, "Llama-4-Maverick-17B-128E-Instruct-FP8") == ("llama-4", "llama-4-maverick")
    assert resolve_model(catalogue, "qwen3-235b-a22b-thinking") == ("qwen3", "qwen3-235b-a22b")
    assert resolve_model(catalogue, "Llama 4") == ("llama-4", None)
    assert resolve_model(catalogue, "Llama-4-Maverick (experimental chat version)") == ("llama-4", None)
    assert resolve_model(catalogue, "(Chatbot Arena leaderboard)") == (None, None)


def test_bundled_timeline_imports_once(con, catalogue):
    with BUNDLED.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    listed = sum(len(row["model"].split("; ")) for row in rows)
    first = import_timeline(con, catalogue)
    assert (first.read, first.inserted, first.updated, first.quarantined) == (48, listed, 0, 0)
    assert listed == 52
    assert "(Chatbot Arena leaderboard)" in first.unmatched
    assert con.execute("SELECT count(*) FROM benchmark_events").fetchone() == (52,)
    again = import_timeline(con, catalogue)
    assert (again.read, again.inserted, again.updated) == (48, 0, 0)
    assert again.unmatched == first.unmatched
    assert con.execute(
        "SELECT count(*) FROM benchmark_events WHERE launch_key IS NULL AND model_name = '(Chatbot Arena leaderboard)'"
    ).fetchone() == (1,)


def test_key_events_of_the_llama_4_launch(con, catalogue):
    import_timeline(con, catalogue)
    assert event_at(con, utc(2025, 4, 6, 11, 18, 20)) == [
        ("llama-4", "llama-4-maverick-exp", "second", "leaderboard_entry", "rank 2; score 1417", "LMArena #2 (Maverick Exp.)")
    ]
    assert event_at(con, utc(2025, 4, 6, 20, 12, 37)) == [
        ("llama-4", "llama-4-maverick", "second", "benchmark_result", "pass_rate_2=15.6%", "Aider polyglot 15.6% (Maverick)")
    ]
    assert event_at(con, utc(2025, 4, 7, 17, 49, 31, 484000)) == [
        ("llama-4", "llama-4-maverick", "second", "official_statement", None, "Meta denial"),
        ("llama-4", "llama-4-scout", "second", "official_statement", None, "Meta denial"),
    ]
    assert event_at(con, utc(2025, 4, 8, 0, 8, 9, 229000)) == [
        ("llama-4", "llama-4-maverick-exp", "second", "official_statement", None, "LMArena statement")
    ]
    assert event_at(con, utc(2025, 4, 13, 11, 17, 45)) == [
        ("llama-4", "llama-4-maverick", "second", "leaderboard_entry", "rank 32; score 1273", "LMArena #32 (Maverick)")
    ]
    assert event_at(con, utc(2026, 1, 1)) == [("llama-4", None, "month", "controversy", None, "Controversy: Yann LeCun")]


def test_values_tagged_per_model_are_split(con, catalogue):
    import_timeline(con, catalogue)
    assert event_at(con, utc(2025, 5, 8, 1, 12, 13)) == [
        ("qwen3", "qwen3-235b-a22b", "second", "leaderboard_entry", "235B: 48.0%", "Aider polyglot 48.0% (235B A22B)"),
        ("qwen3", "qwen3-32b", "second", "leaderboard_entry", "32B: 36.4%", "Aider polyglot 36.4% (32B)"),
    ]


def write(tmp_path, body, name="timeline.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_changed_note_updates_in_place(con, catalogue, tmp_path):
    row = "2025-04-06T11:18:20Z,Llama-4-Maverick-03-26-Experimental,leaderboard_entry,LMArena snapshot,rank 2,https://e.org,{}\n"
    import_timeline(con, catalogue, write(tmp_path, row.format("first")))
    result = import_timeline(con, catalogue, write(tmp_path, row.format("corrected")))
    assert (result.inserted, result.updated) == (0, 1)
    assert con.execute("SELECT note FROM benchmark_events").fetchall() == [("corrected",)]


def test_bad_rows_are_quarantined_once_and_the_rest_imported(con, catalogue, tmp_path):
    path = write(
        tmp_path,
        "2025-04-06T11:18:20Z,Llama 4,release,Meta blog,,https://e.org,\n"
        "6 April 2025,Llama 4,release,Meta blog,,https://e.org,\n"
        "2025-04-06,Llama 4,rumour,Meta blog,,https://e.org,\n",
    )
    result = import_timeline(con, catalogue, path)
    assert (result.read, result.inserted, result.quarantined) == (3, 1, 2)
    reasons = [r for (r,) in con.execute("SELECT reason FROM quarantine ORDER BY reason").fetchall()]
    assert reasons[0].startswith("timeline.csv line 3: event_time '6 April 2025' is not an ISO 8601 UTC time")
    assert reasons[1].startswith("timeline.csv line 4: kind 'rumour' is not one of release, leaderboard_entry")
    import_timeline(con, catalogue, path)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (2,)


def test_unmatched_names_are_reported_and_kept(con, catalogue, tmp_path):
    path = write(tmp_path, "2025-04-10,Grok-3,release,xAI blog,,https://e.org,\n")
    result = import_timeline(con, catalogue, path)
    assert result.unmatched == ["Grok-3"]
    assert con.execute("SELECT launch_key, label FROM benchmark_events").fetchall() == [(None, "Grok-3 release")]


def test_wrong_header_says_what_is_expected(con, catalogue, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("time,model\n2025-04-06,Llama 4\n", encoding="utf-8")
    with pytest.raises(TimelineError, match="expected columns event_time, model, kind.*found time, model"):
        import_timeline(con, catalogue, path)
    with pytest.raises(TimelineError, match="no timeline file at"):
        import_timeline(con, catalogue, tmp_path / "missing.csv")
