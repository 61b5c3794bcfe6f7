"""Training: linear heads for sentiment and claims on top of MiniLM + character n-gram features.

A trained model is a directory of plain files (no pickle), so it can be committed, diffed by
its card, and loaded without trusting executable data:
  weights.npz     coef and intercept of the sentiment head and of the six claim heads
  config.json     labels, thresholds, feature settings, encoder name, model id and version
  model_card.json provenance and cross-validated metrics; MODEL_CARD.md says the same for people
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np

from .encoder import Encoder, TextFeatures
from .prediction import CLAIMS, SENTIMENTS

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

# scikit-learn is imported inside the functions that use it: it takes ~2 s to import, and
# `import models` must stay cheap for the warehouse, which only needs the Prediction type.

MODEL_ID = "minilm-linear"
BASE_VERSION = "0.1.0"
NGRAM_RANGE = (1, 3)
N_FEATURES = 2**15
# Chosen by 5-fold cross-validation on the training data (embedding weight 0.5/1/2/4/8, C
# 0.25/1/4/16/64, class weights, max_length 256, claim probabilities as sentiment features):
# weight 1 and C 4 scored best on average over all rows and the real-post rows. Differences
# between neighbours were ~0.01-0.02, about the noise of one CV split.
EMBEDDING_WEIGHT = 1.0
C_SENTIMENT = 4.0
C_CLAIM = 4.0
FOLDS = 5
THRESHOLD_GRID = np.round(np.arange(0.10, 0.901, 0.025), 3)


@dataclass(frozen=True)
class LabeledText:
    text: str
    lang: str
    sentiment: str
    claims: tuple[str, ...]
    # Where a real post was copied from; None for text written for the training set.
    source_url: str | None = None


def read_labeled(path: str | Path) -> list[LabeledText]:
    """Read a labeled JSONL file (seed set or dev set), failing on the first malformed line."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if line.strip():
                rows.append(_parse_labeled(line, path, lineno))
    if not rows:
        raise ValueError(f"{path}: no labeled examples found; expected JSON lines with text labels")
    return rows


def _parse_labeled(line: str, path: str | Path, lineno: int) -> LabeledText:
    where = f"{path}:{lineno}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: expected one JSON object per line, found invalid JSON "
                         f"({exc.msg} at column {exc.colno})") from exc
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a JSON object, found {type(obj).__name__}")
    text, sentiment, claims = obj.get("text"), obj.get("sentiment"), obj.get("claims")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: expected a non-empty string in 'text', found {text!r}")
    if sentiment not in SENTIMENTS:
        raise ValueError(f"{where}: 'sentiment' must be one of {SENTIMENTS}, found {sentiment!r}")
    if not isinstance(claims, list) or not set(claims) <= set(CLAIMS):
        raise ValueError(f"{where}: 'claims' must be a list drawn from {CLAIMS}, found {claims!r}")
    source_url = obj.get("source_url")
    if source_url is not None and not (
        isinstance(source_url, str) and source_url.startswith(("http://", "https://"))
    ):
        raise ValueError(f"{where}: 'source_url' must be an http(s) URL or absent, "
                         f"found {source_url!r}")
    return LabeledText(text, str(obj.get("lang", "und")), sentiment, tuple(claims), source_url)


def data_version(data_path: str | Path) -> tuple[str, str]:
    """(sha256 of the training file, model version derived from it)."""
    digest = hashlib.sha256(Path(data_path).read_bytes()).hexdigest()
    return digest, f"{BASE_VERSION}+{digest[:8]}"


def train(
    data_path: str | Path, out_dir: str | Path, *, encoder_path: str | None = None, seed: int = 0
) -> Path:
    """Train on `data_path` and write the model to `out_dir/<model_id>-<version>/`; return it."""
    rows = read_labeled(data_path)
    digest, version = data_version(data_path)
    features = TextFeatures(Encoder(encoder_path), NGRAM_RANGE, N_FEATURES, EMBEDDING_WEIGHT)
    x = features.transform([row.text for row in rows])
    y_sentiment = np.array([SENTIMENTS.index(row.sentiment) for row in rows])
    y_claims = np.array([[label in row.claims for label in CLAIMS] for row in rows], dtype=int)
    _check_label_counts(y_sentiment, y_claims)
    real = np.array([row.source_url is not None for row in rows])

    sentiment_head, sentiment_metrics = _fit_sentiment(x, y_sentiment, real, seed)
    claim_heads, thresholds, claim_metrics = _fit_claims(x, y_claims, real, seed)

    target = Path(out_dir) / f"{MODEL_ID}-{version}"
    target.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        target / "weights.npz",
        sentiment_coef=sentiment_head.coef_.astype(np.float32),
        sentiment_intercept=sentiment_head.intercept_.astype(np.float32),
        claims_coef=np.vstack([head.coef_ for head in claim_heads]).astype(np.float32),
        claims_intercept=np.concatenate([head.intercept_ for head in claim_heads]).astype(
            np.float32
        ),
    )
    config = {
        "model_id": MODEL_ID,
        "model_version": version,
        "encoder": features.encoder.model_id,
        "encoder_path": encoder_path,
        "max_length": features.encoder.max_length,
        "ngram_analyzer": "char_wb",
        "ngram_range": list(NGRAM_RANGE),
        "n_features": N_FEATURES,
        "embedding_weight": EMBEDDING_WEIGHT,
        "precision_at_training": features.encoder.precision,
        "sentiments": list(SENTIMENTS),
        "claims": list(CLAIMS),
        "thresholds": thresholds,
    }
    _write_json(target / "config.json", config)
    card = _model_card(rows, digest, version, seed, features, sentiment_metrics, claim_metrics)
    _write_json(target / "model_card.json", card)
    (target / "MODEL_CARD.md").write_text(_model_card_markdown(card), encoding="utf-8")
    return target


def _check_label_counts(y_sentiment: np.ndarray, y_claims: np.ndarray) -> None:
    counts = np.bincount(y_sentiment, minlength=len(SENTIMENTS))
    for label, count in zip(SENTIMENTS, counts):
        if count < 2:
            raise ValueError(
                f"sentiment {label!r} has {count} examples; need at least 2 per class to "
                "cross-validate. Add examples of it to the training data."
            )
    for label, positives in zip(CLAIMS, y_claims.sum(axis=0)):
        if positives < 2 or positives > len(y_claims) - 2:
            raise ValueError(
                f"claim {label!r} has {positives} positives out of {len(y_claims)}; need at "
                "least 2 positives and 2 negatives. Add examples to the training data."
            )


def _folds(y: np.ndarray, seed: int) -> StratifiedKFold:
    from sklearn.model_selection import StratifiedKFold

    smallest = int(np.bincount(y).min())
    return StratifiedKFold(n_splits=min(FOLDS, smallest), shuffle=True, random_state=seed)


def _fit_sentiment(
    x, y: np.ndarray, real: np.ndarray, seed: int
) -> tuple[LogisticRegression, dict]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import cross_val_predict

    head = LogisticRegression(C=C_SENTIMENT, max_iter=5000, class_weight="balanced")
    oof = cross_val_predict(head, x, y, cv=_folds(y, seed))

    def macro(mask: np.ndarray) -> float:
        return round(float(f1_score(y[mask], oof[mask], average="macro", zero_division=0)), 4)

    metrics = {"macro_f1": macro(np.ones_like(real))}
    if real.any():
        # Written examples are easier than real posts; this slice is the honest estimate.
        metrics["real_macro_f1"] = macro(real)
    return head.fit(x, y), metrics


def _fit_claims(
    x, y: np.ndarray, real: np.ndarray, seed: int
) -> tuple[list[LogisticRegression], dict, dict]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, precision_recall_fscore_support
    from sklearn.model_selection import cross_val_predict

    heads, thresholds, per_label, real_f1 = [], {}, {}, []
    for column, label in enumerate(CLAIMS):
        target = y[:, column]
        head = LogisticRegression(C=C_CLAIM, max_iter=5000, class_weight="balanced")
        oof = cross_val_predict(
            head, x, target, cv=_folds(target, seed), method="predict_proba"
        )[:, 1]
        threshold = _best_threshold(target, oof)
        p, r, f, _ = precision_recall_fscore_support(
            target, oof >= threshold, average="binary", zero_division=0
        )
        thresholds[label] = threshold
        per_label[label] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
        if real.any():
            real_f1.append(f1_score(target[real], oof[real] >= threshold, zero_division=0))
        heads.append(head.fit(x, target))
    metrics = {"macro_f1": round(float(np.mean([m["f1"] for m in per_label.values()])), 4)}
    if real_f1:
        metrics["real_macro_f1"] = round(float(np.mean(real_f1)), 4)
    return heads, thresholds, {**metrics, "per_label": per_label}


def _best_threshold(target: np.ndarray, probabilities: np.ndarray) -> float:
    """The grid threshold with the best out-of-fold F1; ties go to the one nearest 0.5."""
    from sklearn.metrics import f1_score

    scored = [
        (f1_score(target, probabilities >= t, zero_division=0), -abs(t - 0.5), float(t))
        for t in THRESHOLD_GRID
    ]
    return max(scored)[2]


def _model_card(rows, digest, version, seed, features, sentiment_metrics, claim_metrics) -> dict:
    langs = sorted({row.lang for row in rows})
    return {
        "model_id": MODEL_ID,
        "model_version": version,
        "base_encoder": features.encoder.model_id,
        "features": (
            f"{features.encoder.model_id} mean-pooled embedding ({features.encoder.dim}, "
            f"weight {EMBEDDING_WEIGHT}) + "
            f"hashed char_wb {NGRAM_RANGE[0]}-{NGRAM_RANGE[1]}-grams ({N_FEATURES})"
        ),
        "heads": "multinomial logistic regression (sentiment), one logistic regression per claim",
        "data_sha256": digest,
        "n_examples": len(rows),
        "n_real": sum(row.source_url is not None for row in rows),
        "counts": {
            "lang": {lang: sum(row.lang == lang for row in rows) for lang in langs},
            "sentiment": {s: sum(row.sentiment == s for row in rows) for s in SENTIMENTS},
            "claims": {c: sum(c in row.claims for row in rows) for c in CLAIMS},
        },
        "seed": seed,
        "cross_validation": {
            "folds": FOLDS,
            "note": "out-of-fold predictions on the training data; claim thresholds were tuned "
            "on the same out-of-fold scores, so claim figures are slightly optimistic",
            "sentiment": sentiment_metrics,
            "claims": claim_metrics,
        },
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _model_card_markdown(card: dict) -> str:
    cv = card["cross_validation"]
    lines = [
        f"# {card['model_id']} {card['model_version']}",
        "",
        f"Features: {card['features']}.",
        f"Heads: {card['heads']}.",
        f"Training data: {card['n_examples']} examples ({card['n_real']} real posts with a "
        f"source URL, the rest written), sha256 {card['data_sha256']}, "
        f"seed {card['seed']}, trained {card['trained_at']}.",
        f"Counts: {json.dumps(card['counts'], ensure_ascii=False)}",
        "",
        f"Cross-validated ({cv['folds']} folds; {cv['note']}):",
        f"- sentiment macro-F1 {cv['sentiment']['macro_f1']:.3f}",
        f"- claims macro-F1 {cv['claims']['macro_f1']:.3f}",
    ]
    if "real_macro_f1" in cv["sentiment"]:
        lines += [
            "",
            "The same out-of-fold predictions, scored on the real posts only:",
            f"- sentiment macro-F1 {cv['sentiment']['real_macro_f1']:.3f}",
            f"- claims macro-F1 {cv['claims']['real_macro_f1']:.3f}",
        ]
    lines += [
        "",
        "| claim | precision | recall | F1 |",
        "|---|---|---|---|",
    ]
    for label, m in cv["claims"]["per_label"].items():
        lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    return "\n".join(lines) + "\n"


def _write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
