"""Loading the bundled .sql files: every statement of more than one line lives in one."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_sql(name: str) -> str:
    return (resources.files("warehouse") / "queries" / name).read_text(encoding="utf-8")
