"""How well the evidence sentences point at what a post claims, against annotated sentences.

An evidence file holds labeled rows (as `models eval` reads them) with one more field,
`evidence`: for each of the row's claims, the sentences of its text (exact substrings) that an
annotator marked as stating that claim. Only texts of two or more sentences can be wrong, so
only those are scored; a claim the annotator left without a sentence (`[]`: the label looked
wrong to them) is skipped.

A pick counts when it is one of the marked sentences itself. Two rates are reported.
`chosen` asks, for every annotated claim, whether the sentence the model would show for it
(`Classifier.evidence`, which picks a sentence for a claim given to it) is one the annotator
marked: the choice of sentence alone, whether or not the model detects the claim. `shown`
counts only the claims the model does predict, which is what a reader sees. Beside them, in
the same run: the first sentence, the first sentence the baseline's keyword rule for the claim
matches (else the first), and chance (a sentence drawn at random).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .baselines import CLAIM_PATTERNS
from .dataset import LabeledText, read_labeled_lines
from .predict import split_sentences
from .prediction import CLAIMS


@dataclass(frozen=True)
class EvidenceRow:
    row: LabeledText
    # claim -> the sentences (exact substrings of the text) that state it; empty: none does.
    evidence: dict[str, tuple[str, ...]]


def read_evidence(path: str | Path, labeled: list | None = None) -> list[EvidenceRow]:
    """The rows of `path` that carry an `evidence` field, checked against their text and claims.

    `labeled` is `read_labeled_lines(path)` when the caller has already read the file.
    """
    labeled = read_labeled_lines(path) if labeled is None else labeled
    return [
        EvidenceRow(row, _checked(obj["evidence"], row, f"{path}:{lineno}"))
        for lineno, obj, row in labeled
        if obj.get("evidence") is not None
    ]


def _checked(spans, row: LabeledText, where: str) -> dict[str, tuple[str, ...]]:
    expected = (
        "expected 'evidence' to map each of the row's claims to a list of its sentences "
        '(exact substrings of the text), e.g. {"regression": ["It loops forever."]}'
    )
    if not isinstance(spans, dict):
        raise ValueError(f"{where}: {expected}; found {type(spans).__name__}")
    extra = sorted(set(spans) - set(row.claims))
    if extra:
        raise ValueError(f"{where}: {expected}; found evidence for {extra}, which the row's claims "
                         f"{list(row.claims)} do not include. Add the claim or drop its evidence.")
    result = {}
    for claim, sentences in spans.items():
        if not isinstance(sentences, list) or not all(isinstance(s, str) and s for s in sentences):
            raise ValueError(f"{where}: {expected}; found {claim!r}: {sentences!r}")
        missing = [s for s in sentences if s not in row.text]
        if missing:
            raise ValueError(f"{where}: {expected}; the sentence {missing[0][:80]!r} for {claim!r} "
                             "is not in the text. Copy it from the text exactly.")
        result[claim] = tuple(sentences)
    return result


def evaluate_evidence(rows: Sequence[EvidenceRow], model, predictions: Sequence) -> dict:
    """Hit rates of the model's evidence and of the three baselines (see the module's docstring).

    `predictions` are the model's predictions of the rows' texts, in order.
    """
    texts = [r.row.text for r in rows]
    sentences = [split_sentences(t) for t in texts]
    # (row index, claim, gold sentences) for every annotated claim of a text of 2+ sentences.
    annotated = [
        (i, claim, gold)
        for i, r in enumerate(rows)
        if len(sentences[i]) > 1
        for claim, gold in r.evidence.items()
        if gold
    ]
    # A pick counts only when it is a marked sentence itself, so a marked span that is not a
    # whole sentence of today's splitter could never be hit: such claims are counted apart.
    items = [(i, claim, gold) for i, claim, gold in annotated if set(gold) <= set(sentences[i])]
    skipped = sum(1 for r in rows for gold in r.evidence.values() if not gold)
    chosen = model.evidence(
        texts, [[c for c in CLAIMS if c in r.evidence] for r in rows], [r.row.target for r in rows]
    )

    def rate(pick) -> dict:
        return _rate([pick(i, claim) in gold for i, claim, gold in items])

    shown = [(i, claim, gold) for i, claim, gold in items if claim in predictions[i].evidence]
    return {
        "rows": len(rows),
        "claims_scored": len(items),
        "claims_skipped_no_sentence": skipped,
        "claims_skipped_not_split_sentences": len(annotated) - len(items),
        "model_chosen": rate(lambda i, claim: chosen[i][claim]),
        "model_shown": _rate([predictions[i].evidence[claim] in gold for i, claim, gold in shown]),
        "first_sentence": rate(lambda i, claim: sentences[i][0]),
        "keyword_rule": rate(lambda i, claim: _keyword_sentence(sentences[i], claim)),
        # The expected hit rate of a sentence drawn at random.
        "chance": _rate([sum(s in gold for s in sentences[i]) / len(sentences[i]) for i, _, gold in items]),
    }


def _rate(hits: list) -> dict:
    """{"n", "hit_rate"} of per-claim hits (booleans, or expected hits for chance)."""
    return {"n": len(hits), "hit_rate": round(sum(hits) / len(hits), 4) if hits else None}


def _keyword_sentence(sentences: list[str], claim: str) -> str:
    pattern = CLAIM_PATTERNS[claim]
    return next((s for s in sentences if pattern.search(s)), sentences[0])


def format_evidence(result: dict) -> str:
    lines = [
        "",
        f"evidence: {result['claims_scored']} annotated claims in texts of 2+ sentences "
        f"({result['rows']} rows; {result['claims_skipped_no_sentence']} claims the annotator "
        "found no sentence for are skipped"
        + (f", and {result['claims_skipped_not_split_sentences']} whose marked spans are not "
           "whole sentences of the current splitter" if result["claims_skipped_not_split_sentences"] else "")
        + ")",
        f"{'sentence picked by':<44}{'n':>6}{'hit rate':>10}",
    ]
    for key, name in (
        ("model_chosen", "model, for every annotated claim"),
        ("model_shown", "model, claims it predicts (what readers see)"),
        ("keyword_rule", "baseline: first keyword-rule match"),
        ("first_sentence", "baseline: first sentence"),
        ("chance", "chance: a random sentence"),
    ):
        m = result[key]
        value = "-" if m["hit_rate"] is None else f"{m['hit_rate']:.3f}"
        lines.append(f"{name:<44}{m['n']:>6}{value:>10}")
    return "\n".join(lines)
