"""Evaluation of a classifier against a labeled JSONL file (for example the real-post dev set)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .prediction import CLAIMS, SENTIMENTS
from .predict import Classifier, load_model
from .train import LabeledText, read_labeled


def evaluate(data_path: str | Path, model: Classifier | None = None) -> dict:
    """Sentiment and claim metrics of `model` (default: the committed one) on `data_path`."""
    # Imported here, not at the top: see the note in train.py on scikit-learn's import time.
    from sklearn.metrics import confusion_matrix

    model = model or load_model()
    rows = read_labeled(data_path)
    predictions = model.predict([row.text for row in rows])
    result = {
        "data": str(data_path),
        "model_id": model.model_id,
        "model_version": model.model_version,
        **_metrics(rows, predictions),
        "confusion_matrix": {
            "labels": list(SENTIMENTS),
            "rows_are": "true sentiment; columns are predicted",
            "matrix": confusion_matrix(
                [r.sentiment for r in rows], [p.sentiment for p in predictions], labels=SENTIMENTS
            ).tolist(),
        },
        "per_lang": {},
    }
    for lang in sorted({row.lang for row in rows}):
        pairs = [(r, p) for r, p in zip(rows, predictions) if r.lang == lang]
        sub_rows, sub_predictions = zip(*pairs)
        result["per_lang"][lang] = _metrics(list(sub_rows), list(sub_predictions))
    return result


def _metrics(rows: list[LabeledText], predictions: list) -> dict:
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    true_claims = np.array([[c in r.claims for c in CLAIMS] for r in rows], dtype=int)
    pred_claims = np.array([[c in p.claims for c in CLAIMS] for p in predictions], dtype=int)
    p, r, f, support = precision_recall_fscore_support(
        true_claims, pred_claims, average=None, zero_division=0
    )
    per_label = {
        label: {
            "precision": round(float(p[i]), 4),
            "recall": round(float(r[i]), 4),
            "f1": round(float(f[i]), 4),
            "support": int(support[i]),
        }
        for i, label in enumerate(CLAIMS)
    }
    return {
        "n": len(rows),
        "sentiment_macro_f1": round(
            float(
                f1_score(
                    [r.sentiment for r in rows],
                    [p.sentiment for p in predictions],
                    labels=SENTIMENTS,
                    average="macro",
                    zero_division=0,
                )
            ),
            4,
        ),
        "sentiment_accuracy": round(
            float(np.mean([r.sentiment == p.sentiment for r, p in zip(rows, predictions)])), 4
        ),
        # Always over all six labels, as the targets are stated; a label with no true and no
        # predicted example in a slice counts as 0, so small per-language slices read low.
        "claims_macro_f1": round(float(np.mean(f)), 4),
        "claims": per_label,
    }


def format_report(result: dict) -> str:
    """A plain-text table of an `evaluate` result."""
    lines = [
        f"{result['model_id']} {result['model_version']} on {result['data']} (n={result['n']})",
        f"sentiment macro-F1 {result['sentiment_macro_f1']:.3f}  "
        f"accuracy {result['sentiment_accuracy']:.3f}",
        f"claims macro-F1    {result['claims_macro_f1']:.3f}",
        "",
        f"{'claim':<18}{'P':>7}{'R':>7}{'F1':>7}{'n':>5}",
    ]
    for label, m in result["claims"].items():
        lines.append(
            f"{label:<18}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>5}"
        )
    cm = result["confusion_matrix"]
    lines += ["", "sentiment confusion (rows true, columns predicted)"]
    lines.append(" " * 10 + "".join(f"{label:>10}" for label in cm["labels"]))
    for label, row in zip(cm["labels"], cm["matrix"]):
        lines.append(f"{label:<10}" + "".join(f"{v:>10}" for v in row))
    lines += ["", f"{'lang':<6}{'n':>5}{'sent F1':>10}{'claims F1':>11}"]
    for lang, m in result["per_lang"].items():
        lines.append(
            f"{lang:<6}{m['n']:>5}{m['sentiment_macro_f1']:>10.3f}{m['claims_macro_f1']:>11.3f}"
        )
    return "\n".join(lines)
