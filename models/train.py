"""Training: linear heads for sentiment and claims on top of sentence embeddings + char n-grams.

A trained model is a directory of plain files (no pickle), so it can be committed, diffed by
its card, and loaded without trusting executable data:
  weights.npz     coef and intercept of the sentiment head and of the six claim heads
  tokens.npz      for a static encoder: the distilled token table (float16)
  config.json     labels, thresholds, feature settings, encoder, model id and version
  model_card.json provenance and validation metrics; MODEL_CARD.md says the same for people

The real rows are split once (seeded): a fifth of them is the validation split, on which the
claim thresholds and the sentiment offsets are tuned and the card's metrics are measured; the
heads are then refit on every row. The dev set (shared/data/posts) is never read here.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .dataset import DATA_DIR, PARALLEL_DIR, LabeledText, read_parallel, read_training_data
from .encoder import (
    Encoder,
    StaticEncoder,
    TextFeatures,
    default_encoder_path,
    distill_token_table,
    encoder_name,
    is_trained_encoder,
)
from .finetune import ENCODER_DIR, FinetuneSettings, finetune_encoder
from .prediction import CLAIMS, SENTIMENTS

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

# scikit-learn is imported inside the functions that use it: it takes ~2 s to import, and
# `import models` must stay cheap for the warehouse, which only needs the Prediction type.

BASE_VERSION = "0.11.0"
# A model directory being written (see train) is named ".<model>.<random>.partial" until done.
STAGING_SUFFIX = ".partial"
ENCODER_KINDS = ("static", "transformer")
THRESHOLD_GRID = np.round(np.arange(0.10, 0.901, 0.025), 3)
OFFSET_GRID = np.round(np.arange(-1.5, 1.501, 0.25), 2)
VALIDATION_SHARE = 0.2
# Share of the training split read without its target by a target-aware model (TrainOptions).
TARGET_HIDDEN = 0.25


@dataclass(frozen=True)
class TrainOptions:
    """The settings `bench/train_options.py` compares; the defaults are the chosen ones."""

    # "transformer": the full encoder (the active model's kind); "static": a token table
    # distilled from it, ~70x faster here but 0.25 lower claims F1 on dev (README's table).
    encoder_kind: str = "transformer"
    # Hugging Face id or local directory of the encoder; None is the bundled all-MiniLM-L6-v2.
    encoder_path: str | None = None
    max_length: int = 128
    # Hashed char_wb n-grams beside the embedding: MiniLM's vocabulary barely covers Chinese.
    ngram_range: tuple[int, int] = (1, 3)
    n_features: int = 2**15
    use_ngrams: bool = True
    # Chosen on the validation split by bench/train_options.py and bench/head_sweep.py.
    embedding_weight: float = 1.0
    c_sentiment: float = 4.0
    c_claim: float = 4.0
    class_weight: str | None = "balanced"
    # Per-class logit offsets for sentiment, tuned on the validation split for macro-F1. Off:
    # tuned on one half of the validation split, they lowered F1 on the other half by 0.01-0.015
    # (README, "Options measured"), so their gain on the whole split was overfitting.
    tune_sentiment_offsets: bool = False
    # > 0: fine-tune the encoder end to end for this many epochs first (models/finetune.py),
    # on the training split only, and store it in the model directory.
    # The CLI's default is the active model's 4; this dataclass keeps 0 so tests and the
    # options bench only pay for fine-tuning when they ask for it.
    finetune_epochs: int = 0
    finetune_learning_rate: float = 4e-5
    # Fine-tuning runs (seeds seed, seed + 1, ...) whose weights are averaged into one encoder
    # (models/finetune.py); inference costs the same, training this many times as long.
    finetune_members: int = 1
    # With fine-tuning: CJK characters missing from MiniLM's vocabulary and used at least this
    # often in the training split become tokens (0: none). 3 in 4 Chinese characters were [UNK].
    cjk_min_count: int = 2
    # Chinese texts reach the encoder followed by a word-by-word English gloss from CC-CEDICT
    # (models/gloss.py), in fine-tuning, head fitting and inference alike. False for models
    # trained before 0.5.0, whose configs lack the key.
    gloss_chinese: bool = False
    # With fine-tuning: epochs of cross-lingual alignment before the task epochs (models/
    # finetune.py, _align), on English translations of the Chinese rows read from parallel_path
    # (None: models/data/parallel). 0: none, as in every model before 0.7.0.
    align_epochs: int = 0
    parallel_path: str | None = None
    # The encoder reads each row's target model (its `model` field) before the text, in
    # fine-tuning, head fitting and prediction (encoder.with_targets). In fine-tuning a seeded
    # TARGET_HIDDEN share of the training split reads without it, so texts filed under no model
    # still work (0.9.0 hid that share from its heads too; since 0.10.0 they read every name).
    # False for models before 0.9.0, whose configs lack the key.
    target_aware: bool = False
    # With target_aware: the encoder reads (name, text) as a pair and the embedding is the text's
    # mean state beside the name's (encoder.target_pool; twice the encoder's width). False for
    # every committed model (README, "Options measured after 0.9.0").
    target_pooling: bool = False
    # {"id", "others"} JSON lines (a file or directory, e.g. models/data/others): the sentiment
    # toward other models the rows' texts judge, trained as sentiment-only rows (read_training_data).
    # None: not read, as for every committed model (README, "Options measured after 0.9.0").
    other_targets_path: str | None = None

    @property
    def model_id(self) -> str:
        if self.encoder_kind == "static":
            return "minilm-static-linear"
        # Heads on another model's fine-tuned encoder (_shared_encoder) sit on a tuned encoder too.
        tuned = self.finetune_epochs or is_trained_encoder(self.encoder_path)
        return "minilm-finetuned-linear" if tuned else "minilm-linear"

    def check(self) -> None:
        if self.encoder_kind not in ENCODER_KINDS:
            raise ValueError(
                f"encoder_kind must be one of {ENCODER_KINDS}, found {self.encoder_kind!r}"
            )
        if self.finetune_members < 1:
            raise ValueError(f"finetune_members must be at least 1, found {self.finetune_members}")
        if self.align_epochs and not self.finetune_epochs:
            raise ValueError(
                f"align_epochs ({self.align_epochs}) needs finetune_epochs > 0: the alignment "
                "trains the encoder, which only fine-tuning does"
            )
        if self.target_pooling and not (self.target_aware and self.encoder_kind == "transformer"):
            raise ValueError(
                "target_pooling needs target_aware and encoder_kind 'transformer' (it pools the "
                f"target name's token states), found target_aware={self.target_aware}, "
                f"encoder_kind={self.encoder_kind!r}"
            )
        if self.other_targets_path and not self.target_aware:
            raise ValueError(
                "other_targets_path needs target_aware: another model's sentiment in a text only "
                "means something when the encoder reads which model it is about"
            )
        if self.finetune_epochs and self.encoder_kind != "transformer":
            raise ValueError(
                "finetune_epochs needs encoder_kind 'transformer' (a static token table has no "
                f"layers to train), found {self.encoder_kind!r}"
            )


def build_features(
    options: TrainOptions,
    table: np.ndarray | None = None,
    precision: str = "auto",
    runtime: str = "torch",
    cache_dir: Path | None = None,
    encoder_path: str | None = None,
) -> TextFeatures:
    """The feature extractor `options` describe; a static one needs its distilled `table`.

    `runtime`, `precision` and `cache_dir` choose how a transformer encoder runs (see Encoder).
    `encoder_path`, when given, replaces `options.encoder_path` (a fine-tuned copy of it).
    """
    path = encoder_path or options.encoder_path
    if options.encoder_kind == "static":
        encoder = StaticEncoder(table, path, options.max_length, gloss=options.gloss_chinese)
    else:
        encoder = Encoder(
            path,
            max_length=options.max_length,
            precision=precision,
            runtime=runtime,
            cache_dir=cache_dir,
            gloss=options.gloss_chinese,
            target_pooling=options.target_pooling,
        )
    n_features = options.n_features if options.use_ngrams else 0
    return TextFeatures(
        encoder, options.ngram_range, n_features, options.embedding_weight, target_aware=options.target_aware
    )


def split_validation(rows: list[LabeledText], seed: int) -> np.ndarray:
    """Boolean mask of the validation rows: about a fifth of the real rows, whole pages at a time.

    Many pages gave several passages (1,877 real rows come from 1,403 pages). Splitting by row
    put passages of one thread on both sides, and a model that had learnt a thread's words
    scored well on its other passages. So a page's rows are held out together; pages are drawn
    in a seeded order, Chinese and other pages separately, until each holds out its fifth.

    A sentiment-only row (a text's sentiment toward another model it judges) goes with its page
    and does not count toward the fifth, so adding them leaves the other rows' split unchanged.
    """
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(rows), dtype=bool)
    pages: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row.source_url is not None and not row.sentiment_only:
            pages.setdefault(row.source_url, []).append(i)
    for chinese in (False, True):
        # A page's language is its first passage's.
        keys = sorted(url for url, members in pages.items() if (rows[members[0]].lang == "zh") == chinese)
        quota = round(sum(len(pages[key]) for key in keys) * VALIDATION_SHARE)
        held = 0
        for k in rng.permutation(len(keys)):
            if held >= quota:
                break
            mask[pages[keys[k]]] = True
            held += len(pages[keys[k]])
    if not mask.any():
        # No real rows (a tiny or written-only set): validate on a seeded fifth of all rows.
        mask = np.random.default_rng(seed).random(len(rows)) < VALIDATION_SHARE
    held = {row.source_url for row, m in zip(rows, mask) if m and row.source_url is not None}
    extra = np.array([row.sentiment_only for row in rows], dtype=bool)
    mask[extra] = [rows[i].source_url in held for i in np.flatnonzero(extra)]
    return mask


def train(
    data_path: str | Path = DATA_DIR,
    out_dir: str | Path = "models/artifacts",
    *,
    options: TrainOptions = TrainOptions(),
    seed: int = 0,
    table: np.ndarray | None = None,
    log=lambda message: None,
    overwrite: bool = False,
) -> Path:
    """Train on `data_path` (a file, or every *.jsonl in a directory); write the model directory.

    `table` reuses an already distilled token table (it depends only on the encoder).
    Returns `out_dir/<model_id>-<version>/`.

    The directory is written whole or not at all: everything goes into a hidden staging
    directory beside it, which takes its name only once complete, so a run that fails or is
    stopped leaves an existing model as it was. A model of the same id and version (same code
    version, same data) is replaced only with `overwrite`.
    """
    options.check()
    started = time.perf_counter()
    rows, digest = read_training_data(data_path, options.other_targets_path)
    # Fine-tuning reads a share of the training split without its target; the heads read every
    # target: hiding that share from them too (0.9.0) cost 0.006 validation sentiment F1 and
    # gained nothing on texts read without a target (README, "Options measured after 0.9.0").
    tuning_rows = _training_targets(rows, options, seed)
    rows = _training_targets(rows, options, seed, hide=False)
    version = f"{BASE_VERSION}+{digest[:8]}"
    target = Path(out_dir) / f"{options.model_id}-{version}"
    if options.encoder_path and Path(options.encoder_path).resolve().parent == target.resolve():
        raise ValueError(
            f"the encoder {options.encoder_path} belongs to {target}, the directory this run would "
            "write: its heads and config would be overwritten while it is read. Train into another "
            "--out directory, or on other data (the version is the data's hash)."
        )
    if target.exists() and not overwrite:
        raise FileExistsError(
            f"{target} already exists: a {options.model_id} model of version {version} (this "
            f"trainer's {BASE_VERSION} on data with hash {digest[:8]}) was trained before. Pass "
            "--overwrite to replace it (it stays as it is until the new one is complete), or "
            "--out DIR to train into another directory."
        )
    readers = _encoder_readers(target) if target.exists() else []
    if readers:
        raise ValueError(
            f"{target} cannot be replaced: its encoder is read by {', '.join(readers)} (their "
            "config.json names it as encoder_dir), whose heads were fitted on it. Train into "
            "another --out directory, or retrain those models first."
        )
    if options.encoder_kind == "static" and table is None:
        table = distill_token_table(Encoder(options.encoder_path, max_length=options.max_length))
    if table is not None:
        # Stored as float16; train on the same rounded values the loaded model will use.
        table = table.astype(np.float16).astype(np.float32)
    with _staged(target) as staging:
        encoder_dir = None
        translations, parallel_digest = (
            read_parallel(options.parallel_path or PARALLEL_DIR) if options.align_epochs else ({}, None)
        )
        if options.finetune_epochs:
            settings = FinetuneSettings(
                epochs=options.finetune_epochs,
                learning_rate=options.finetune_learning_rate,
                max_length=options.max_length,
                cjk_min_count=options.cjk_min_count,
                gloss=options.gloss_chinese,
                members=options.finetune_members,
                align_epochs=options.align_epochs,
                target_aware=options.target_aware,
                target_pooling=options.target_pooling,
            )
            encoder_dir = finetune_encoder(
                tuning_rows,
                ~split_validation(tuning_rows, seed),
                options.encoder_path or default_encoder_path(),
                staging,
                settings,
                seed,
                log,
                translations,
            )
        # The heads are fitted on embeddings of the stored (float16-rounded) encoder, as loaded.
        features = build_features(options, table, encoder_path=encoder_dir and str(encoder_dir))
        fitted = fit(rows, features, options, seed)

        np.savez_compressed(staging / "weights.npz", **fitted.weights)
        if options.encoder_kind == "static":
            np.savez_compressed(staging / "tokens.npz", table=table.astype(np.float16))
        config = {
            "model_id": options.model_id,
            "model_version": version,
            "encoder": _encoder_label(options),
            **({"encoder_dir": ENCODER_DIR} if encoder_dir else _shared_encoder(options, target)),
            "options": {**asdict(options), "ngram_range": list(options.ngram_range)},
            "ngram_analyzer": "char_wb",
            "sentiments": list(SENTIMENTS),
            "claims": list(CLAIMS),
            "thresholds": fitted.thresholds,
            "sentiment_offsets": fitted.offsets,
        }
        _write_json(staging / "config.json", config)
        card = _model_card(rows, digest, version, seed, features, options, fitted)
        if parallel_digest:
            card["parallel_sha256"] = parallel_digest
            card["n_translated"] = sum(row.text in translations for row in rows)
        card["training_seconds"] = round(time.perf_counter() - started, 1)
        _write_json(staging / "model_card.json", card)
        (staging / "MODEL_CARD.md").write_text(_model_card_markdown(card), encoding="utf-8")
    return target


@contextmanager
def _staged(target: Path):
    """A new hidden directory beside `target` to write a model into; when the block ends it takes
    `target`'s name (_publish), and when the block raises it is deleted."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=STAGING_SUFFIX, dir=target.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would follow the model to its final name
    try:
        yield staging
        _publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _publish(staging: Path, target: Path) -> None:
    """Give the complete `staging` directory the name `target`, replacing what was there.

    Two renames in the same directory: the old model is moved aside, then the new one takes
    its name, so a reader finds either the whole old model or the whole new one (or, for the
    instant between the renames, none)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.{os.getpid()}.old")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old)


def _encoder_readers(target: Path) -> list[str]:
    """The other model directories beside `target` whose heads read its encoder (_shared_encoder)."""
    readers = []
    for config in sorted(target.parent.glob("*/config.json")):
        encoder_dir = json.loads(config.read_text(encoding="utf-8")).get("encoder_dir") or ""
        if config.parent != target and Path(encoder_dir).parts[:2] == ("..", target.name):
            readers.append(config.parent.name)
    return readers


def _shared_encoder(options: TrainOptions, target: Path) -> dict:
    """{"encoder_dir": path relative to the model directory `target`} when the model's heads are
    fitted on another trained model's encoder in the same artifacts directory (`--encoder
    models/artifacts/<model>/encoder --finetune-epochs 0`), else {}.

    The model then loads that encoder from any working directory, and its 46 MB are not copied.
    """
    if options.finetune_epochs or not is_trained_encoder(options.encoder_path):
        return {}
    encoder = Path(options.encoder_path).resolve()
    if encoder.parent.parent != target.resolve().parent:
        return {}
    return {"encoder_dir": os.path.relpath(encoder, target.resolve())}


def _training_targets(
    rows: list[LabeledText], options: TrainOptions, seed: int, hide: bool = True
) -> list[LabeledText]:
    """The rows as training reads them: no targets unless the model is target-aware, and then
    (with `hide`, as fine-tuning reads them) a seeded TARGET_HIDDEN share of the training
    split's targets hidden (validation keeps all).

    A sentiment-only row means something only with its target (without it, it is its text
    under another label), so it is never hidden, and a model that reads no targets drops it."""
    if not options.target_aware:
        return [replace(row, target=None) if row.target else row for row in rows if not row.sentiment_only]
    if not hide:
        return list(rows)
    hidden = np.random.default_rng(seed + 7).random(len(rows)) < TARGET_HIDDEN
    hidden &= ~split_validation(rows, seed)
    hidden &= ~np.array([row.sentiment_only for row in rows], dtype=bool)
    return [replace(row, target=None) if h else row for row, h in zip(rows, hidden)]


@dataclass
class Fitted:
    weights: dict[str, np.ndarray]
    thresholds: dict[str, float]
    offsets: dict[str, float]
    validation: dict


def fit(rows: list[LabeledText], features: TextFeatures, options: TrainOptions, seed: int) -> Fitted:
    """Tune on the validation split, then refit the heads on every row.

    Sentiment-only rows (another model's sentiment in a text) train the sentiment head only, and
    the validation figures are measured on the other rows; their own score is `other_targets`.
    """
    x = features.transform([row.text for row in rows], [row.target for row in rows])
    y_sentiment = np.array([SENTIMENTS.index(row.sentiment) for row in rows])
    y_claims = np.array([[label in row.claims for label in CLAIMS] for row in rows], dtype=int)
    own = ~np.array([row.sentiment_only for row in rows], dtype=bool)
    _check_label_counts(y_sentiment[own], y_claims[own])
    split = split_validation(rows, seed)
    train_rows, val, val_others = ~split, split & own, split & ~own

    sentiment_head = _sentiment_head(options, seed).fit(x[train_rows], y_sentiment[train_rows])
    val_logits = _logits(sentiment_head, x[val])
    offsets = (
        _best_offsets(y_sentiment[val], val_logits)
        if options.tune_sentiment_offsets
        else np.zeros(len(SENTIMENTS))
    )
    claim_rows = train_rows & own
    claim_heads = [_claim_head(options, seed).fit(x[claim_rows], y_claims[claim_rows, j]) for j in range(len(CLAIMS))]
    claim_probs = np.column_stack([head.predict_proba(x[val])[:, 1] for head in claim_heads])
    thresholds = {
        label: _best_threshold(y_claims[val, j], claim_probs[:, j]) for j, label in enumerate(CLAIMS)
    }
    cutoffs = np.array([thresholds[c] for c in CLAIMS])
    val_rows = [rows[i] for i in np.flatnonzero(val)]
    validation = _validation_metrics(
        val_rows, y_sentiment[val], (val_logits + offsets).argmax(axis=1), y_claims[val], claim_probs >= cutoffs
    )
    validation["n_train"] = int(claim_rows.sum())
    if val_others.any():
        validation["other_targets"] = _sentiment_metrics(
            y_sentiment[val_others], (_logits(sentiment_head, x[val_others]) + offsets).argmax(axis=1)
        )
    if features.target_aware:
        # The same heads on the validation rows read without their targets: what a post filed
        # under no model gets, and how much of the score the target carries.
        plain = features.transform([row.text for row in val_rows])
        hidden = _validation_metrics(
            val_rows,
            y_sentiment[val],
            (_logits(sentiment_head, plain) + offsets).argmax(axis=1),
            y_claims[val],
            np.column_stack([head.predict_proba(plain)[:, 1] for head in claim_heads]) >= cutoffs,
        )
        validation["n_with_target"] = sum(row.target is not None for row in val_rows)
        validation["targets_hidden"] = {k: hidden[k] for k in ("sentiment_macro_f1", "claims_macro_f1")}

    final_sentiment = _sentiment_head(options, seed).fit(x, y_sentiment)
    final_claims = [_claim_head(options, seed).fit(x[own], y_claims[own, j]) for j in range(len(CLAIMS))]
    weights = {
        "sentiment_coef": final_sentiment.coef_.astype(np.float32),
        "sentiment_intercept": final_sentiment.intercept_.astype(np.float32),
        "claims_coef": np.vstack([head.coef_ for head in final_claims]).astype(np.float32),
        "claims_intercept": np.concatenate([h.intercept_ for h in final_claims]).astype(np.float32),
    }
    return Fitted(
        weights,
        thresholds,
        {s: float(o) for s, o in zip(SENTIMENTS, offsets)},
        validation,
    )


def _encoder_label(options: TrainOptions) -> str:
    base = encoder_name(options.encoder_path)
    if options.finetune_epochs:
        added = (
            f", Chinese characters used {options.cjk_min_count}+ times added to its vocabulary"
            if options.cjk_min_count
            else ""
        )
        glossed = ", Chinese texts read with their CC-CEDICT gloss" if options.gloss_chinese else ""
        aligned = (
            f", after {options.align_epochs} epochs aligning Chinese texts with their English translations"
            if options.align_epochs
            else ""
        )
        targeted = ", each text read after the name of the model it is about" if options.target_aware else ""
        if options.target_pooling:
            targeted = ", each text read as a pair with the name of the model it is about, the name's states pooled beside the text's"
        souped = (
            f", the weights of {options.finetune_members} seeded runs averaged"
            if options.finetune_members > 1
            else ""
        )
        return (
            f"{base} fine-tuned ({options.finetune_epochs} epochs{added}{glossed}{aligned}{targeted}{souped}, "
            f"stored in {ENCODER_DIR}/)"
        )
    return base if options.encoder_kind == "transformer" else f"{base}-static"


def _sentiment_head(options: TrainOptions, seed: int) -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=options.c_sentiment, max_iter=5000, class_weight=options.class_weight, random_state=seed
    )


def _claim_head(options: TrainOptions, seed: int) -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=options.c_claim, max_iter=5000, class_weight=options.class_weight, random_state=seed
    )


def _logits(head: LogisticRegression, x) -> np.ndarray:
    return np.asarray(x @ head.coef_.T) + head.intercept_


def _best_offsets(y: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Offsets for positive and negative (neutral fixed at 0) maximising validation macro-F1.

    Ties go to the smallest total shift, so an offset is only kept when it changes decisions.
    """
    from sklearn.metrics import f1_score

    best = (-1.0, 0.0, np.zeros(3))
    neutral = SENTIMENTS.index("neutral")
    for a in OFFSET_GRID:
        for b in OFFSET_GRID:
            offsets = np.zeros(3)
            offsets[[i for i in range(3) if i != neutral]] = (a, b)
            f1 = f1_score(y, (logits + offsets).argmax(axis=1), average="macro", zero_division=0)
            candidate = (round(float(f1), 6), -abs(a) - abs(b), offsets)
            if candidate[:2] > best[:2]:
                best = candidate
    return best[2]


def _best_threshold(target: np.ndarray, probabilities: np.ndarray) -> float:
    """The grid threshold with the best validation F1; ties go to the one nearest 0.5."""
    from sklearn.metrics import f1_score

    if not target.any():
        return 0.5
    scored = [
        (f1_score(target, probabilities >= t, zero_division=0), -abs(t - 0.5), float(t))
        for t in THRESHOLD_GRID
    ]
    return max(scored)[2]


def _validation_metrics(rows, y_sentiment, sentiment_pred, y_claims, claims_pred) -> dict:
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, support = precision_recall_fscore_support(
        y_claims, claims_pred, average=None, zero_division=0
    )
    result = {
        "n": len(rows),
        "sentiment_macro_f1": _sentiment_metrics(y_sentiment, sentiment_pred)["sentiment_macro_f1"],
        "claims_macro_f1": round(float(np.mean(f)), 4),
        "per_label": {
            label: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4),
                    "f1": round(float(f[j]), 4), "support": int(support[j])}
            for j, label in enumerate(CLAIMS)
        },
    }
    return result


def _sentiment_metrics(y: np.ndarray, predicted: np.ndarray) -> dict:
    from sklearn.metrics import f1_score

    return {
        "n": int(len(y)),
        "sentiment_macro_f1": round(float(f1_score(y, predicted, average="macro", labels=[0, 1, 2], zero_division=0)), 4),
        "sentiment_accuracy": round(float((y == predicted).mean()), 4) if len(y) else None,
    }


def _check_label_counts(y_sentiment: np.ndarray, y_claims: np.ndarray) -> None:
    counts = np.bincount(y_sentiment, minlength=len(SENTIMENTS))
    for label, count in zip(SENTIMENTS, counts):
        if count < 2:
            raise ValueError(
                f"sentiment {label!r} has {count} examples; need at least 2 per class to "
                "train and validate. Add examples of it to the training data."
            )
    for label, positives in zip(CLAIMS, y_claims.sum(axis=0)):
        if positives < 2 or positives > len(y_claims) - 2:
            raise ValueError(
                f"claim {label!r} has {positives} positives out of {len(y_claims)}; need at "
                "least 2 positives and 2 negatives. Add examples to the training data."
            )


def _model_card(rows, digest, version, seed, features, options, fitted: Fitted) -> dict:
    others = sum(row.sentiment_only for row in rows)
    rows = [row for row in rows if not row.sentiment_only]
    langs = sorted({row.lang for row in rows})
    ngrams = (
        f" + hashed char_wb {options.ngram_range[0]}-{options.ngram_range[1]}-grams "
        f"({options.n_features})"
        if options.use_ngrams
        else ""
    )
    return {
        "model_id": options.model_id,
        "model_version": version,
        "base_encoder": _encoder_label(options),
        "features": f"{_encoder_label(options)} mean-pooled embedding ({features.encoder.dim}, "
        f"weight {options.embedding_weight}){ngrams}",
        "heads": "multinomial logistic regression (sentiment"
        + (", with per-class logit offsets" if options.tune_sentiment_offsets else "")
        + "), one logistic regression per claim with its own threshold",
        "data_sha256": digest,
        "n_examples": len(rows),
        "n_real": sum(row.source_url is not None for row in rows),
        # Labels of the sentiment toward other models the texts judge (other_targets_path).
        "n_other_targets": others,
        "counts": {
            "lang": {lang: sum(row.lang == lang for row in rows) for lang in langs},
            "sentiment": {s: sum(row.sentiment == s for row in rows) for s in SENTIMENTS},
            "claims": {c: sum(c in row.claims for row in rows) for c in CLAIMS},
        },
        "seed": seed,
        "validation": {
            "note": "a seeded fifth of the real rows, whole pages at a time, held out while "
            "fitting and fine-tuning; the claim thresholds"
            + (" and sentiment offsets" if options.tune_sentiment_offsets else "")
            + " were tuned on it, so its claims figures are slightly optimistic; the shipped "
            "heads are refit on every row",
            **fitted.validation,
        },
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _model_card_markdown(card: dict) -> str:
    val = card["validation"]
    lines = [
        f"# {card['model_id']} {card['model_version']}",
        "",
        f"Features: {card['features']}.",
        f"Heads: {card['heads']}.",
        f"Training data: {card['n_examples']} examples ({card['n_real']} real posts with a "
        f"source URL, the rest written"
        + (f"; {card['n_other_targets']} more labels of the sentiment toward another model a text judges"
           if card.get("n_other_targets") else "")
        + f"), sha256 {card['data_sha256']}, "
        f"seed {card['seed']}, trained {card['trained_at']}.",
        f"Counts: {json.dumps(card['counts'], ensure_ascii=False)}",
        "",
        f"Validation ({val['n']} real rows; {val['note']}):",
        f"- sentiment macro-F1 {val['sentiment_macro_f1']:.3f}",
        f"- claims macro-F1 {val['claims_macro_f1']:.3f}",
        *(
            [
                f"- the same rows read without their target model ({val['n_with_target']} of "
                f"{val['n']} name one): sentiment {val['targets_hidden']['sentiment_macro_f1']:.3f}, "
                f"claims {val['targets_hidden']['claims_macro_f1']:.3f}"
            ]
            if "targets_hidden" in val
            else []
        ),
        *(
            [
                f"- sentiment toward the other models these texts judge ({val['other_targets']['n']} "
                f"labels from the rows' `others`): macro-F1 {val['other_targets']['sentiment_macro_f1']:.3f}, "
                f"accuracy {val['other_targets']['sentiment_accuracy']:.3f}"
            ]
            if "other_targets" in val
            else []
        ),
        "",
        "| claim | precision | recall | F1 | n |",
        "|---|---|---|---|---|",
    ]
    for label, m in val["per_label"].items():
        lines.append(
            f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['support']} |"
        )
    return "\n".join(lines) + "\n"


def _write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
