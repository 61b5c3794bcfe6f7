"""Evaluation of a classifier against a labeled JSONL file, beside the two baselines."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .baselines import Baseline
from .dataset import LabeledText, read_labeled_lines
from .evidence import evaluate_evidence, format_evidence, read_evidence
from .predict import Classifier, load_model
from .prediction import CLAIMS, SENTIMENTS

# The targets on the real dev set (shared/data/posts/real_posts_dev.jsonl).
TARGETS = {"sentiment_macro_f1": 0.65, "claims_macro_f1": 0.60}


def evaluate(data_path: str | Path, model: Classifier | None = None) -> dict:
    """Metrics of `model` (default: the active one) and of the baselines on `data_path`."""
    model = model or load_model()
    labeled = read_labeled_lines(data_path)
    rows = [row for _, _, row in labeled]
    texts = [row.text for row in rows]
    targets = [row.target for row in rows]
    predictions = model.predict(texts, targets)
    result = {
        "data": str(data_path),
        "model_id": model.model_id,
        "model_version": model.model_version,
        # Rows whose `model` names what the sentiment is about, and whether the model read it.
        "rows_with_target": sum(t is not None for t in targets),
        "target_aware": model.target_aware,
        **score_predictions(rows, predictions),
        "baseline": {
            "model_id": Baseline.model_id,
            **score_predictions(rows, Baseline().predict(texts)),
        },
        "targets": TARGETS,
    }
    evidence_rows = read_evidence(data_path, labeled)
    if evidence_rows:
        # The same text under two target models can be predicted differently.
        by_row = dict(zip(zip(texts, targets), predictions))
        result["evidence"] = evaluate_evidence(
            evidence_rows, model, [by_row[r.row.text, r.row.target] for r in evidence_rows]
        )
    return result


def score_predictions(rows: list[LabeledText], predictions: list) -> dict:
    """Overall and per-language metrics, and the sentiment confusion matrix."""
    from sklearn.metrics import confusion_matrix

    result = {
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
    true_sentiment = [r.sentiment for r in rows]
    pred_sentiment = [p.sentiment for p in predictions]
    sp, sr, sf, ss = precision_recall_fscore_support(
        true_sentiment, pred_sentiment, labels=SENTIMENTS, average=None, zero_division=0
    )
    return {
        "n": len(rows),
        "sentiment_macro_f1": round(
            float(
                f1_score(
                    true_sentiment, pred_sentiment, labels=SENTIMENTS, average="macro",
                    zero_division=0,
                )
            ),
            4,
        ),
        "sentiment_accuracy": round(
            float(np.mean([t == q for t, q in zip(true_sentiment, pred_sentiment)])), 4
        ),
        "sentiment": {
            label: {
                "precision": round(float(sp[i]), 4),
                "recall": round(float(sr[i]), 4),
                "f1": round(float(sf[i]), 4),
                "support": int(ss[i]),
            }
            for i, label in enumerate(SENTIMENTS)
        },
        # Always over all six labels, as the targets are stated; a label with no true and no
        # predicted example in a slice counts as 0, so small per-language slices read low.
        "claims_macro_f1": round(float(np.mean(f)), 4),
        "claims": per_label,
    }


def _target_line(result: dict) -> str:
    named, n = result["rows_with_target"], result["n"]
    if result["target_aware"]:
        return f"target model: {named} of {n} rows name it in 'model'; the model reads it (sentiment toward it)"
    return f"target model: {named} of {n} rows name it in 'model'; this model does not read it"


def format_report(result: dict) -> str:
    """A plain-text report of an `evaluate` result: the model and the baselines side by side."""
    base = result["baseline"]
    lines = [
        f"{result['model_id']} {result['model_version']} on {result['data']} (n={result['n']})",
        f"baseline: {base['model_id']} (VADER + Chinese lexicon for sentiment, keyword rules "
        "for claims)",
        _target_line(result),
        "",
        f"{'':<20}{'model':>8}{'baseline':>10}{'target':>8}  met",
    ]
    for key, name in (("sentiment_macro_f1", "sentiment macro-F1"),
                      ("claims_macro_f1", "claims macro-F1")):
        target = result["targets"][key]
        met = "yes" if result[key] >= target else "NO"
        lines.append(f"{name:<20}{result[key]:>8.3f}{base[key]:>10.3f}{target:>8.2f}  {met}")
    lines.append(
        f"{'sentiment accuracy':<20}{result['sentiment_accuracy']:>8.3f}"
        f"{base['sentiment_accuracy']:>10.3f}"
    )
    lines += ["", f"{'label':<18}{'P':>7}{'R':>7}{'F1':>7}{'n':>5}{'base F1':>9}"]
    for group in ("sentiment", "claims"):
        for label, m in result[group].items():
            lines.append(
                f"{label:<18}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}"
                f"{m['support']:>5}{base[group][label]['f1']:>9.3f}"
            )
    for name, res in (("model", result), ("baseline", base)):
        cm = res["confusion_matrix"]
        lines += ["", f"sentiment confusion, {name} (rows true, columns predicted)"]
        lines.append(" " * 10 + "".join(f"{label:>10}" for label in cm["labels"]))
        for label, row in zip(cm["labels"], cm["matrix"]):
            lines.append(f"{label:<10}" + "".join(f"{v:>10}" for v in row))
    lines += [
        "",
        f"{'lang':<6}{'n':>5}{'sent F1':>10}{'claims F1':>11}{'base sent':>11}{'base claims':>13}",
    ]
    for lang, m in result["per_lang"].items():
        b = base["per_lang"][lang]
        lines.append(
            f"{lang:<6}{m['n']:>5}{m['sentiment_macro_f1']:>10.3f}{m['claims_macro_f1']:>11.3f}"
            f"{b['sentiment_macro_f1']:>11.3f}{b['claims_macro_f1']:>13.3f}"
        )
    if "evidence" in result:
        lines.append(format_evidence(result["evidence"]))
    return "\n".join(lines)
