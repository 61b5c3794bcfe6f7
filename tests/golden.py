"""Golden files for normalizers: `<name>.json` holds a payload, `<name>.expected.json` its Post or error.

After an intended change in normalization, regenerate with
`LAUNCHWATCH_REGEN_GOLDEN=1 .venv/bin/pytest tests -k golden` and review the diff before committing.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Callable

from extractors.post import NormalizeError, RawItem

REGEN = os.environ.get("LAUNCHWATCH_REGEN_GOLDEN") == "1"


def payload_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if not p.name.endswith(".expected.json"))


def check_golden(payload_path: Path, source: str, normalize: Callable, collected_at: datetime) -> dict:
    """Normalize the payload and compare with (or, with REGEN, write) its expected file."""
    payload = json.loads(payload_path.read_text(encoding="utf-8"))
    before = copy.deepcopy(payload)
    raw = RawItem(source=source, payload=payload, query="golden", fetched_at=collected_at)
    try:
        post = normalize(raw, collected_at)
        actual = {"post": {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(post).items()}}
    except NormalizeError as error:
        actual = {"error": str(error)}
    assert payload == before, "normalize must not mutate its input"
    expected_path = payload_path.with_name(payload_path.stem + ".expected.json")
    if REGEN:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"missing {expected_path.name}; run with LAUNCHWATCH_REGEN_GOLDEN=1"
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))
    assert payload_path.stem.startswith("bad_") == ("error" in actual), "bad_* payloads must fail, the others succeed"
    return actual
