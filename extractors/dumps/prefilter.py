"""A cheap test on a record's text: could it name a launch at all?

A dump holds millions of records and a launch is named in a few percent of them. The
catalogue's matcher (NFKC, separator folding, one large regex) costs about 20 µs a record; this
test costs a few and lets through only the records worth matching. It must never reject a text
the catalogue would match (what it lets through and the catalogue rejects is merely unmatched).

Every catalogue alias, normalized, is made of words; a text that names the alias contains each
of its words contiguously, in any letter case (normalization folds case, separators between
words, and the spaces next to CJK characters, where words are split here too). The longest word
of each alias is its anchor, looked for first; the other words only once the anchor is found.
An anchor that starts an alias with a Latin letter or digit must also start a word, as the
catalogue requires ("llama 4" is not in "LocalLLaMA 4"). What this cannot see: compatibility
forms that NFKC folds (full-width Latin letters, for example); texts holding any are passed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORDS = re.compile(rf"[{_CJK}]+|[^\s{_CJK}]+")
# Characters that continue a word before an alias, as the catalogue's _WORD.
_WORD_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz" + "".join(map(chr, range(0xC0, 0x250))))
_NFKC_FORMS = re.compile("[\uff01-\uff5e\u2460-\u24ff\u3300-\u33ff\ufb00-\ufb4f]")


class TextPrefilter:
    """Rejects texts that cannot name any of the given (normalized) aliases."""

    def __init__(self, normalized_aliases: Iterable[str]) -> None:
        self.groups: dict[tuple[str, bool], list[tuple[str, ...]]] = {}
        for alias in normalized_aliases:
            words = _WORDS.findall(alias)
            if words:
                anchor = max(words, key=lambda w: (len(w), w))
                starts = words[0] == anchor and anchor[0].isascii() and anchor[0].isalnum()
                self.groups.setdefault((anchor, starts), []).append(tuple(w for w in words if w != anchor))

    def could_match(self, *texts: str | None) -> bool:
        text = " ".join(t for t in texts if isinstance(t, str)).lower()
        if not text:
            return False
        for (anchor, starts), rests in self.groups.items():
            if anchor in text and (not starts or _starts_a_word(text, anchor)):
                for rest in rests:
                    if all(word in text for word in rest):
                        return True
        return not text.isascii() and bool(_NFKC_FORMS.search(text))


def _starts_a_word(text: str, anchor: str) -> bool:
    at = text.find(anchor)
    while at >= 0:
        if at == 0 or text[at - 1] not in _WORD_CHARS:
            return True
        at = text.find(anchor, at + 1)
    return False
