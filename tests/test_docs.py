"""Drift tests: the README names every command and every table that exists, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import click

from flows.cli import cli
from warehouse.db import connect

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: str = "") -> set[str]:
    paths = set()
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            paths |= command_paths(command, f"{path} ")
        else:
            paths.add(path)
    return paths


def test_every_command_is_documented_and_every_documented_command_exists():
    commands = command_paths(cli)
    documented = set(re.findall(r"`launchwatch ((?:models |events )?[a-z]+)", README))
    assert commands - documented == set(), "commands missing from the README's command table"
    assert documented - commands == set(), "the README documents commands that do not exist"


def test_every_table_is_documented():
    con = connect(":memory:")
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()} - {"schema_migrations"}
    views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    section = README.split("## SQL tables", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)`", section))
    assert tables - named == set(), "tables missing from the README's SQL tables section"
    assert views - named == set(), "views missing from the README's SQL tables section"
