"""A cheap test on a raw dump line: could it name a launch, or belong to a known thread?

A dump holds millions of lines and a launch is named in a few percent of them, so lines are
tested before they are parsed. The test must never drop a line the catalogue would match (it
may keep lines that turn out not to match: those are parsed and counted as unmatched).

Every catalogue alias, normalized, is made of words; a post that names the alias contains each
of its words contiguously, in any letter case (normalization only folds separators between
words, and case). So one word per alias, its longest, is an anchor: a line that contains none
of the anchors, lowercased, names no launch. CJK words are anchors both as UTF-8 and as the
`\\uXXXX` escapes some dumps write. What the anchors cannot see: compatibility forms that NFKC
folds (full-width Latin letters, for example) are missed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORDS = re.compile(rf"[{_CJK}]+|[^\s{_CJK}]+")


def anchors(normalized_aliases: Iterable[str]) -> tuple[bytes, ...]:
    """Byte strings one of which every line naming one of the aliases contains (lowercased)."""
    chosen: set[bytes] = set()
    for alias in normalized_aliases:
        words = _WORDS.findall(alias)
        if not words:
            continue
        word = max(words, key=lambda w: (len(w.encode("utf-8")), w))
        chosen.add(word.encode("utf-8"))
        if not word.isascii():
            chosen.add(json.dumps(word).strip('"').lower().encode("ascii"))
    # An anchor containing a shorter one is redundant: the shorter one is found wherever it is.
    return tuple(sorted(a for a in chosen if not any(b != a and b in a for b in chosen)))


class LinePrefilter:
    """Keeps lines containing an anchor, or naming a known thread in the field `thread_key`."""

    def __init__(self, anchor_bytes: tuple[bytes, ...], thread_key: bytes | None = None) -> None:
        self._anchors = anchor_bytes
        self._thread_key = thread_key
        self.threads: set[bytes] = set()

    def keeps(self, line: bytes) -> bool:
        lowered = line.lower()
        for anchor in self._anchors:
            if anchor in lowered:
                return True
        if not self.threads:
            return False
        # Without a field to look in (a twarc2 page holds many tweets), any line may hold a reply.
        return self._thread_key is None or self._thread_of(line) in self.threads

    def _thread_of(self, line: bytes) -> bytes | None:
        """The value of `"<thread_key>": "..."` in the raw line, without parsing the JSON."""
        if self._thread_key is None:
            return None
        at = line.find(self._thread_key)
        if at < 0:
            return None
        start = line.find(b'"', at + len(self._thread_key) + 1)
        end = line.find(b'"', start + 1)
        return line[start + 1 : end] if start >= 0 and end > start else None
