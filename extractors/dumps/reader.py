"""Archive dump files, read as streams of raw lines in bounded memory.

Formats:
- `pushshift`: Reddit Pushshift / Arctic Shift NDJSON, one submission or comment object per line
  (the same objects the API returns, so extractors.reddit.normalize reads them);
- `twarc2`: X API v2 JSONL as twarc2 writes it, either one response page per line
  (`data`, `includes`, `meta`) or flattened, one tweet per line with its `author`;
- `csv`: a table with a header row, read through a column mapping (csv_rows.py).

Any of them may be zstandard-compressed (`.zst`, as Pushshift and Arctic Shift publish them);
the compressed stream is decoded on the fly with the 2 GB window those dumps need.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import orjson
import zstandard

FORMATS = ("pushshift", "twarc2", "csv")
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Pushshift's monthly dumps are compressed with --long=31; the default window refuses them.
ZSTD_MAX_WINDOW = 2**31
SNIFF_LINES = 20


class DumpFormatError(ValueError):
    """The file is not in the format asked for or cannot be recognised."""


@contextmanager
def open_dump(path: str | Path) -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """(decoded byte stream, underlying file) of a plain or zstandard-compressed dump.

    The underlying file's position tells how far through the file the reader is.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no dump file at {file}")
    raw = file.open("rb")
    try:
        if raw.read(4) == ZSTD_MAGIC:
            raw.seek(0)
            decoder = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
            with io.BufferedReader(decoder.stream_reader(raw, read_across_frames=True), buffer_size=1 << 20) as stream:
                yield stream, raw
        else:
            raw.seek(0)
            yield raw, raw
    finally:
        raw.close()


def detect_format(path: str | Path) -> str:
    """The dump format, from its first non-empty lines (never from the file name)."""
    with open_dump(path) as (stream, _):
        lines = []
        for line in stream:
            if line.strip():
                lines.append(line)
            if len(lines) >= SNIFF_LINES:
                break
    if not lines:
        raise DumpFormatError(f"{path} is empty: expected Pushshift NDJSON, twarc2 JSONL or CSV")
    for line in lines:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(record, dict):
            found = _json_format(record)
            if found:
                return found
    first = lines[0].decode("utf-8", errors="replace")
    if not first.lstrip().startswith(("{", "[")) and "," in first:
        return "csv"
    raise DumpFormatError(
        f"cannot tell the format of {path}: its first lines are neither Reddit objects (subreddit, body or selftext), "
        f"X API v2 tweets or pages (data, includes, meta / id, text, created_at), nor a CSV header; "
        f"first line starts {first[:120]!r}. Pass --format pushshift, twarc2 or csv"
    )


def _json_format(record: dict) -> str | None:
    if "subreddit" in record or "body" in record or "selftext" in record:
        return "pushshift"
    if isinstance(record.get("data"), list) and ("meta" in record or "includes" in record):
        return "twarc2"
    if {"id", "text"} <= record.keys() and ("author_id" in record or "created_at" in record):
        return "twarc2"
    return None


def lines(stream: BinaryIO) -> Iterator[bytes]:
    """Non-empty lines of a JSON-lines stream, as bytes (orjson parses bytes without decoding first)."""
    for line in stream:
        if line.strip():
            yield line
