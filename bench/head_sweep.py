"""Sweep the linear heads' settings on cached frozen-encoder features (seconds per fit).

Not a test. The encoder pass is the slow part of `models train` (minutes on two cores), and it
does not depend on the head settings, so the embeddings of every training text are computed
once and cached in a .npy file; each option then only refits logistic heads.

Two selection figures per option, both on training data only:
  val: the validation split `models train` uses (a seeded fifth of the real rows), with the
       claim thresholds (and, where the option says so, the sentiment offsets) tuned on it;
  cv:  5-fold cross-validation over the real rows (written rows always train), with no tuning,
       sentiment macro-F1 only: 1,262 scored rows instead of 252, so less noisy.
Dev (shared/data/posts/real_posts_dev.jsonl) is printed for the report only.

    .venv/bin/python bench/head_sweep.py [--cache /tmp/emb.npy] [--encoder DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.dataset import read_labeled, read_training_data  # noqa: E402
from models.encoder import Encoder, TextFeatures  # noqa: E402
from models.prediction import CLAIMS, SENTIMENTS  # noqa: E402
from models.train import (  # noqa: E402
    TrainOptions,
    _best_offsets,
    _best_threshold,
    split_validation,
)

DEV = ROOT.parent / "shared" / "data" / "posts" / "real_posts_dev.jsonl"


def options_grid() -> dict[str, TrainOptions]:
    """The active settings, then one change at a time (class weights, offsets, C, weight, n-grams)."""
    plain = dict(class_weight=None, tune_sentiment_offsets=False)
    tuned = dict(tune_sentiment_offsets=True)
    return {
        "C 4, weight 1, balanced, offsets (0.2 model)": TrainOptions(**tuned),
        "balanced, no offsets (0.3 default)": TrainOptions(),
        "unweighted, offsets": TrainOptions(class_weight=None, **tuned),
        "unweighted, no offsets": TrainOptions(**plain),
        "unweighted, no offsets, C 1": TrainOptions(**plain, c_sentiment=1.0, c_claim=1.0),
        "unweighted, no offsets, C 16": TrainOptions(**plain, c_sentiment=16.0, c_claim=16.0),
        "unweighted, no offsets, weight 2": TrainOptions(**plain, embedding_weight=2.0),
        "balanced, no offsets, weight 2": TrainOptions(embedding_weight=2.0),
        "no n-grams, balanced, offsets": TrainOptions(use_ngrams=False, **tuned),
        "no n-grams, unweighted, no offsets": TrainOptions(**plain, use_ngrams=False),
        "no n-grams, unweighted, no offsets, C 16": TrainOptions(
            **plain, use_ngrams=False, c_sentiment=16.0, c_claim=16.0
        ),
    }


def offsets_out_of_sample(x, y_sent, val, repeats: int = 10) -> tuple[float, float]:
    """Sentiment macro-F1 on one half of the validation split, with offsets tuned on the other
    half and without offsets (mean over seeded splits): does tuning them generalise?"""
    from sklearn.metrics import f1_score

    options = TrainOptions()
    sent_head = head(options.c_sentiment, options.class_weight).fit(x[~val], y_sent[~val])
    logits = np.asarray(x[val] @ sent_head.coef_.T) + sent_head.intercept_
    y = y_sent[val]
    scores = []
    for seed in range(repeats):
        half = np.random.default_rng(seed).random(len(y)) < 0.5
        for tune, test in ((half, ~half), (~half, half)):
            offsets = _best_offsets(y[tune], logits[tune])
            scores.append((
                f1_score(y[test], (logits[test] + offsets).argmax(1), average="macro"),
                f1_score(y[test], logits[test].argmax(1), average="macro"),
            ))
    return tuple(np.mean(scores, axis=0))


def features(embedding: np.ndarray, grams: sparse.csr_matrix, options: TrainOptions):
    dense = sparse.csr_matrix(embedding * options.embedding_weight)
    return sparse.hstack([dense, grams], format="csr") if options.use_ngrams else dense


def head(c: float, weighting, seed: int = 0):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, class_weight=weighting, random_state=seed)


def evaluate(options, x, x_dev, y_sent, y_claims, dev_sent, dev_claims, val, real, claims, cv):
    from sklearn.metrics import f1_score

    tr = ~val
    sent_head = head(options.c_sentiment, options.class_weight).fit(x[tr], y_sent[tr])
    logits = np.asarray(x[val] @ sent_head.coef_.T) + sent_head.intercept_
    offsets = _best_offsets(y_sent[val], logits) if options.tune_sentiment_offsets else np.zeros(3)
    val_sent = f1_score(y_sent[val], (logits + offsets).argmax(1), average="macro")
    val_f1, thresholds, claim_heads = [], [], []
    for j in range(len(CLAIMS) if claims else 0):
        h = head(options.c_claim, options.class_weight).fit(x[tr], y_claims[tr, j])
        p = h.predict_proba(x[val])[:, 1]
        t = _best_threshold(y_claims[val, j], p)
        thresholds.append(t)
        val_f1.append(f1_score(y_claims[val, j], p >= t, zero_division=0))
        claim_heads.append(h)
    # CV over the real rows: sentiment only, untuned (argmax), written rows always train.
    cv_pred = np.zeros(len(y_sent), dtype=int)
    folds = np.random.default_rng(0).integers(0, 5, len(y_sent))
    for k in range(5 if cv else 0):
        test = real & (folds == k)
        h = head(options.c_sentiment, options.class_weight).fit(x[~test], y_sent[~test])
        cv_pred[test] = h.predict(x[test])
    cv_sent = f1_score(y_sent[real], cv_pred[real], average="macro") if cv else np.nan
    # Dev: the heads fit on the training split (as validated), for the report only.
    dev_logits = np.asarray(x_dev @ sent_head.coef_.T) + sent_head.intercept_ + offsets
    dev_s = f1_score(dev_sent, dev_logits.argmax(1), average="macro", labels=[0, 1, 2])
    dev_c = np.mean([
        f1_score(dev_claims[:, j], claim_heads[j].predict_proba(x_dev)[:, 1] >= thresholds[j],
                 zero_division=0)
        for j in range(len(claim_heads))
    ]) if claims else np.nan
    return val_sent, float(np.mean(val_f1)) if claims else np.nan, cv_sent, dev_s, dev_c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "models" / "data"))
    parser.add_argument("--dev", default=str(DEV))
    parser.add_argument("--encoder", default=None, help="encoder directory (default: MiniLM)")
    parser.add_argument("--cache", help=".npy file for the embeddings (train rows, then dev)")
    parser.add_argument("--only", action="append", help="run only options whose name has this")
    parser.add_argument("--sentiment-only", action="store_true", help="skip the six claim heads")
    parser.add_argument("--no-cv", action="store_true", help="skip the 5-fold cross-validation")
    args = parser.parse_args()

    rows, _ = read_training_data(args.data)
    dev = read_labeled(args.dev)
    texts = [r.text for r in rows] + [r.text for r in dev]
    started = time.perf_counter()
    if args.cache and Path(args.cache).is_file():
        embedding = np.load(args.cache)
    else:
        embedding = Encoder(args.encoder, precision="fp32").encode(texts)
        if args.cache:
            np.save(args.cache, embedding)
    print(f"embeddings of {len(texts)} texts: {time.perf_counter() - started:.0f} s", flush=True)
    hasher = TextFeatures(_NoEncoder(), TrainOptions().ngram_range, TrainOptions().n_features)
    g = hasher._hasher.transform(texts).astype(np.float32)
    n = len(rows)
    y_sent = np.array([SENTIMENTS.index(r.sentiment) for r in rows])
    y_claims = np.array([[c in r.claims for c in CLAIMS] for r in rows], dtype=int)
    dev_sent = np.array([SENTIMENTS.index(r.sentiment) for r in dev])
    dev_claims = np.array([[c in r.claims for c in CLAIMS] for r in dev], dtype=int)
    val = split_validation(rows, 0)
    real = np.array([r.source_url is not None for r in rows])
    print(f"{'option':<46}{'val sent':>9}{'val claims':>11}{'cv sent':>8}{'dev sent':>9}"
          f"{'dev claims':>11}{'fit s':>7}")
    for name, options in options_grid().items():
        if args.only and not any(part in name for part in args.only):
            continue
        started = time.perf_counter()
        x_all = features(embedding, g, options)
        x, x_dev = x_all[:n], x_all[n:]
        scores = evaluate(options, x, x_dev, y_sent, y_claims, dev_sent, dev_claims, val, real,
                          claims=not args.sentiment_only, cv=not args.no_cv)
        print(f"{name:<46}" + "".join(f"{s:>{w}.3f}" for s, w in zip(scores, (9, 11, 8, 9, 11)))
              + f"{time.perf_counter() - started:>7.0f}", flush=True)
    with_offsets, without = offsets_out_of_sample(features(embedding, g, TrainOptions())[:n], y_sent, val)
    print(f"sentiment offsets tuned on half the validation split, scored on the other half: "
          f"{with_offsets:.3f} with, {without:.3f} without")


class _NoEncoder:
    """Stands in for the encoder when only TextFeatures' n-gram hasher is wanted."""

    dim = 0


if __name__ == "__main__":
    main()
