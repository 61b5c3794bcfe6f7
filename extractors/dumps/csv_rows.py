"""CSV exports (from scrapers, other tools, spreadsheets) to Posts through a column mapping; pure.

A mapping names, for each Post field it fills, the CSV column holding it; by default a column
named like the field. `id`, `text`, `created_at` and `url` are required; `author`, `title`,
`score`, `replies`, `thread_id` and `parent_id` are optional. The platform is given, not read:
post ids are `<platform>:<id>`, and thread and parent columns hold native ids of the same platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from extractors.lang import detect_lang
from extractors.post import NormalizeError, Post, RawItem

VERSION = "1.0.0"
COLLECTOR = f"csv/{VERSION}"
REQUIRED = ("id", "text", "created_at", "url")
OPTIONAL = ("author", "title", "score", "replies", "thread_id", "parent_id")


@dataclass(frozen=True)
class CsvMapping:
    platform: str  # where the rows were published: "reddit", "x", "weibo"...
    columns: Mapping[str, str]  # Post field -> CSV column

    @classmethod
    def from_options(cls, platform: str | None, pairs: Sequence[str]) -> CsvMapping:
        """From `--platform` and `--column field=COLUMN` options; unmapped fields use their own name."""
        if not platform or not platform.replace("_", "").isalnum():
            raise ValueError(f"CSV import needs --platform, a short name like reddit or weibo (post ids are <platform>:<id>), found {platform!r}")
        columns = {name: name for name in (*REQUIRED, *OPTIONAL)}
        for pair in pairs:
            field, sep, column = pair.partition("=")
            if not sep or not column.strip() or field not in columns:
                raise ValueError(
                    f"--column expects FIELD=COLUMN with FIELD one of {', '.join((*REQUIRED, *OPTIONAL))}, found {pair!r}"
                )
            columns[field] = column.strip()
        return cls(platform, columns)

    def check_header(self, header: Sequence[str] | None) -> None:
        """Raise when a required column is missing from the CSV header, naming what is there."""
        present = set(header or ())
        missing = [f"{field} (column {self.columns[field]!r})" for field in REQUIRED if self.columns[field] not in present]
        if missing:
            raise ValueError(
                f"the CSV lacks {', '.join(missing)}; its columns are {sorted(present)}. "
                "Map them with --column FIELD=COLUMN, e.g. --column text=body"
            )

    def normalize(self, raw: RawItem, collected_at: datetime) -> Post:
        """The Post for one CSV row (a column -> value mapping); never mutates `raw`."""
        if collected_at.tzinfo is None:
            raise ValueError("collected_at must be timezone-aware UTC, found a naive datetime")
        row = raw.payload
        native_id = self._value(row, "id")
        if not native_id:
            raise NormalizeError(f"row has no {self.columns['id']!r} value; every row needs an id")
        text = self._value(row, "text")
        if not text:
            raise NormalizeError(f"row {native_id}: {self.columns['text']!r} is empty; nothing to analyse")
        url = self._value(row, "url")
        if not url.startswith(("http://", "https://")):
            raise NormalizeError(f"row {native_id}: expected {self.columns['url']!r} to be an http(s) link, found {url!r}")
        title = self._value(row, "title") or None
        thread = self._value(row, "thread_id")
        parent = self._value(row, "parent_id")
        return Post(
            post_id=f"{self.platform}:{native_id}",
            platform=self.platform,
            native_id=native_id,
            url=url,
            source=raw.source,
            thread_id=f"{self.platform}:{thread}" if thread and thread != native_id else None,
            parent_id=f"{self.platform}:{parent}" if parent and parent != native_id else None,
            author=self._value(row, "author") or None,
            title=title,
            text=text,
            lang=detect_lang(" ".join(part for part in (title, text) if part)),
            created_at=self._created_at(row, native_id),
            collected_at=collected_at.astimezone(timezone.utc),
            score=self._count(row, "score", native_id),
            replies=self._count(row, "replies", native_id),
            collector=COLLECTOR,
        )

    def _value(self, row: Mapping[str, object], field: str) -> str:
        value = row.get(self.columns[field])
        return value.strip() if isinstance(value, str) else ""

    def _created_at(self, row: Mapping[str, object], native_id: str) -> datetime:
        value = self._value(row, "created_at")
        if value.isdigit():
            return datetime.fromtimestamp(int(value), tz=timezone.utc)
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise NormalizeError(
                f"row {native_id}: expected {self.columns['created_at']!r} as Unix seconds or an ISO 8601 time "
                f"with a zone (2025-04-05T19:00:44Z), found {value!r}"
            )
        return parsed.astimezone(timezone.utc)

    def _count(self, row: Mapping[str, object], field: str, native_id: str) -> int | None:
        value = self._value(row, field)
        if not value:
            return None
        try:
            return int(float(value)) if float(value).is_integer() else _not_a_count(field, value, native_id)
        except ValueError:
            return _not_a_count(field, value, native_id)


def _not_a_count(field: str, value: str, native_id: str) -> int:
    raise NormalizeError(f"row {native_id}: expected {field} as a whole number, found {value!r}")
