"""Compare the classifier's training options on the validation split (and, for the record, dev).

Not a test: it trains every option (minutes on two cores) and prints one table. The choice is
made on the validation columns (a seeded fifth of the real training rows); the dev columns
(shared/data/posts/real_posts_dev.jsonl, never trained on) are printed for the report only.

    .venv/bin/python bench/train_options.py [--data models/data] [--dev PATH] [--only NAME]

Options: the frozen encoder (full MiniLM pass, or its distilled static token table) with and
without character n-grams, head settings (C, class weights, sentiment offsets), and MiniLM
fine-tuned end to end (models/finetune.py) under the same heads. The head settings alone are
swept faster by bench/head_sweep.py, on cached embeddings.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.dataset import read_labeled  # noqa: E402
from models.encoder import Encoder, distill_token_table  # noqa: E402
from models.evaluate import score_predictions  # noqa: E402
from models.predict import load_model  # noqa: E402
from models.train import TrainOptions, train  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "posts" / "real_posts_dev.jsonl"

_V01 = dict(encoder_kind="static", embedding_weight=1.0, c_sentiment=4.0, c_claim=4.0, tune_sentiment_offsets=True)  # the settings of version 0.1
OPTIONS = {
    "static + ngrams, C 4, weight 1": TrainOptions(**_V01),
    "static, no ngrams, C 4, weight 1": TrainOptions(**_V01, use_ngrams=False),
    "static + ngrams, C 4, no sentiment offsets": TrainOptions(**{**_V01, "tune_sentiment_offsets": False}),
    "static + ngrams, C 4, no class weights": TrainOptions(**_V01, class_weight=None),
    "static + ngrams, C 1": TrainOptions(**{**_V01, "c_sentiment": 1.0, "c_claim": 1.0}),
    "static + ngrams, C 16": TrainOptions(**{**_V01, "c_sentiment": 16.0, "c_claim": 16.0}),
    "static + ngrams, C 4, weight 2": TrainOptions(**{**_V01, "embedding_weight": 2.0}),
    "static + ngrams, C 4, 256 tokens": TrainOptions(**_V01, max_length=256),
    "static + ngrams, C 16, weight 2": TrainOptions(**{**_V01, "c_sentiment": 16.0, "c_claim": 16.0, "embedding_weight": 2.0}),
    "static + ngrams, C 64": TrainOptions(**{**_V01, "c_sentiment": 64.0, "c_claim": 64.0}),
    "static + ngrams, C 16, no class weights": TrainOptions(
        **{**_V01, "c_sentiment": 16.0, "c_claim": 16.0}, class_weight=None
    ),
    "transformer + ngrams, C 4, weight 1, offsets (0.2)": TrainOptions(tune_sentiment_offsets=True),
    "transformer, no ngrams, C 4, offsets": TrainOptions(use_ngrams=False, tune_sentiment_offsets=True),
    "fine-tuned 2 epochs + ngrams, C 4, weight 1, offsets": TrainOptions(finetune_epochs=2, tune_sentiment_offsets=True),
    "fine-tuned 2 epochs + ngrams, C 4, weight 1 (0.3, chosen)": TrainOptions(finetune_epochs=2),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "models" / "data"))
    parser.add_argument("--dev", default=str(DEV))
    parser.add_argument("--only", action="append", help="run only options whose name has this")
    parser.add_argument("--table", help="a token table saved by an earlier run (.npy), to skip distilling")
    args = parser.parse_args()

    started = time.perf_counter()
    if args.table and Path(args.table).is_file():
        table = np.load(args.table)
    else:
        table = distill_token_table(Encoder(None, max_length=128))
        print(f"distilled the static token table in {time.perf_counter() - started:.0f} s")
        if args.table:
            np.save(args.table, table)
    header = (
        f"{'option':<40}{'val sent':>9}{'val claims':>11}{'dev sent':>9}{'dev claims':>11}"
        f"{'train s':>9}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as out:
        for name, options in OPTIONS.items():
            if args.only and not any(part in name for part in args.only):
                continue
            started = time.perf_counter()
            directory = train(args.data, out, options=options, table=table)
            seconds = time.perf_counter() - started
            model = load_model(directory, precision="fp32")
            val = _card_validation(directory)
            dev = _dev_scores(model, args.dev)
            print(
                f"{name:<40}{val[0]:>9.3f}{val[1]:>11.3f}{dev[0]:>9.3f}{dev[1]:>11.3f}"
                f"{seconds:>9.0f}",
                flush=True,
            )
            # Each option writes the same version name; clear it for the next one.
            shutil.rmtree(directory)


def _card_validation(directory: Path) -> tuple[float, float]:
    import json

    card = json.loads((directory / "model_card.json").read_text(encoding="utf-8"))
    return card["validation"]["sentiment_macro_f1"], card["validation"]["claims_macro_f1"]


def _dev_scores(model, dev_path: str) -> tuple[float, float]:
    rows = read_labeled(dev_path)
    result = score_predictions(rows, model.predict([row.text for row in rows]))
    return result["sentiment_macro_f1"], result["claims_macro_f1"]


if __name__ == "__main__":
    main()
