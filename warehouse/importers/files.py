"""Reading an importer's input files with errors that say what was expected and how to fix it."""

from __future__ import annotations

import csv
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator


class ImportFileError(ValueError):
    """An input file that cannot be read at all: missing, or not the expected shape."""


@contextmanager
def open_csv(path: Path) -> Iterator[csv.DictReader]:
    """A DictReader over a UTF-8 CSV (a leading byte-order mark is dropped)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            yield csv.DictReader(handle)
    except FileNotFoundError:
        raise ImportFileError(f"no file at {path}; pass the path of the source's file (see docs in the README)") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path} is not UTF-8 text ({exc}); expected the CSV file as published") from None


def expect_columns(reader: csv.DictReader, columns: Iterable[str], path: Path) -> None:
    header = tuple(reader.fieldnames or ())
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportFileError(
            f"{path}: expected columns {', '.join(columns)}; found {', '.join(header) or 'no header'} "
            f"(missing {', '.join(missing)}). Is this the right file for this source?"
        )
