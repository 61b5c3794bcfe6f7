"""The demo warehouse as `make demo` builds it: the SQL recipes, and the events/compare/alerts CLI."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import cli
from warehouse import snapshot

RECIPES = re.findall(r"```sql\n(.*?)```", (Path(__file__).resolve().parents[1] / "docs" / "sql.md").read_text(encoding="utf-8"), re.S)


def invoke(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def test_there_are_ten_recipes():
    assert len(RECIPES) == 10


@pytest.mark.parametrize("number", range(1, len(RECIPES) + 1))
def test_every_recipe_runs_on_the_demo_data(demo_warehouse, number):
    db_path, _ = demo_warehouse
    with snapshot.open_snapshot(db_path) as con:
        frame = con.execute(RECIPES[number - 1]).df()
    assert len(frame) > 0, f"recipe {number} returned nothing on the demo data"


def test_the_llama_4_timeline_shows_the_real_events(demo_warehouse):
    db_path, imports = demo_warehouse
    assert all(result.quarantined == 0 for source, result in imports.items() if source != "epoch")
    result = invoke(db_path, "events", "list", "llama-4", "--csv")
    assert result.exit_code == 0
    listed = {
        (row["event_time"][:19], row["variant_key"], row["label"], row["value"])
        for row in csv.DictReader(io.StringIO(result.output))
    }
    assert {
        ("2025-04-06 11:18:20", "llama-4-maverick-exp", "LMArena #2 (Maverick Exp.)", "rank 2; score 1417"),
        ("2025-04-06 20:12:37", "llama-4-maverick", "Aider polyglot 15.6% (Maverick)", "pass_rate_2=15.6%"),
        ("2025-04-07 17:49:31", "llama-4-maverick", "Meta denial", ""),
        ("2025-04-08 00:08:09", "llama-4-maverick-exp", "LMArena statement", ""),
        ("2025-04-13 11:17:45", "llama-4-maverick", "LMArena #32 (Maverick)", "rank 32; score 1273"),
        ("2025-04-13 11:17:45", "llama-4-maverick", "LMArena #35→#32 (Maverick)", "rank 32; score 1273; was rank 35; score 1273"),
        ("2025-04-13 11:17:45", "llama-4-maverick-exp", "LMArena dropped (Maverick Exp.)", "no longer listed; last rank 2; score 1403"),
    } <= listed


def test_events_impact_prints_before_and_after_with_intervals(demo_warehouse):
    db_path, _ = demo_warehouse
    result = invoke(db_path, "events", "impact", "llama-4", "--metric", "posts", "--metric", "negative_share")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    denial = [line for line in lines if "Meta denial" in line]
    assert len(denial) == 2
    assert re.search(r"posts\s+\d+\s+\d+\s+×[\d.]+\s+\[[\d.]+, [\d.]+\]\s+both windows", denial[0])
    assert re.search(r"negative_share\s+0\.\d\d \[0\.\d\d, 0\.\d\d\]\s+0\.\d\d \[0\.\d\d, 0\.\d\d\]\s+[+-]0\.\d\d", denial[1])
    assert "events dated only to the day or month are left out" in result.output
    assert any("Aider polyglot 15.6% (Maverick)" in line for line in lines)


def test_compare_and_alerts_commands(demo_warehouse):
    db_path, _ = demo_warehouse
    result = invoke(db_path, "compare", "llama-4", "deepseek-v3-0324", "qwen3", "--metric", "negative_share", "--csv")
    assert result.exit_code == 0
    header, *rows = result.output.strip().splitlines()
    assert header == "t_hours,llama-4,deepseek-v3-0324,qwen3"
    assert [row.split(",")[0] for row in rows] == [str(h) for h in range(0, 168, 6)]
    result = invoke(db_path, "alerts", "--launch", "llama-4")
    assert result.exit_code == 0 and "https://news.ycombinator.com/item?id=" in result.output
    bad = CliRunner().invoke(cli, ["--db", str(db_path), "compare", "llama-5"])
    assert bad.exit_code == 1 and "unknown launch 'llama-5'" in bad.output


def test_importing_a_wrong_file_is_one_line_with_a_fix(demo_warehouse, tmp_path):
    db_path, _ = demo_warehouse
    wrong = tmp_path / "not_lmarena.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    writer = tmp_path / "lw.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(writer), "events", "import", "lmarena", str(wrong)])
    assert result.exit_code == 1
    assert "expected columns snapshot_version" in result.output and "Is this the right file" in result.output
