"""Compare the classifier's training options on the validation split (and, for the record, dev).

Not a test: it trains every option (minutes on two cores) and prints one table. The choice is
made on the validation columns (a seeded fifth of the real training rows); the dev columns
(shared/data/posts/real_posts_dev.jsonl, never trained on) are printed for the report only.

    .venv/bin/python bench/train_options.py [--data models/data] [--dev PATH] [--finetune-epochs 3]

Options: the frozen encoder (full MiniLM pass, or its distilled static token table) with and
without character n-grams, head settings (C, class weights, sentiment offsets), and MiniLM
fine-tuned end to end (a few epochs, timed) with a linear head on the mean-pooled output.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.dataset import read_labeled, read_training_data  # noqa: E402
from models.encoder import Encoder, distill_token_table  # noqa: E402
from models.evaluate import score_predictions  # noqa: E402
from models.predict import load_model  # noqa: E402
from models.prediction import CLAIMS, SENTIMENTS  # noqa: E402
from models.train import TrainOptions, split_validation, train  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "posts" / "real_posts_dev.jsonl"

_V01 = dict(encoder_kind="static", embedding_weight=1.0, c_sentiment=4.0, c_claim=4.0)  # the settings of version 0.1
OPTIONS = {
    "static + ngrams, C 4, weight 1": TrainOptions(**_V01),
    "static, no ngrams, C 4, weight 1": TrainOptions(**_V01, use_ngrams=False),
    "static + ngrams, C 4, no sentiment offsets": TrainOptions(**_V01, tune_sentiment_offsets=False),
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
    "transformer + ngrams, C 4, weight 1 (chosen)": TrainOptions(),
    "transformer, no ngrams, C 4": TrainOptions(use_ngrams=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "models" / "data"))
    parser.add_argument("--dev", default=str(DEV))
    parser.add_argument("--only", action="append", help="run only options whose name has this")
    parser.add_argument("--table", help="a token table saved by an earlier run (.npy), to skip distilling")
    parser.add_argument("--finetune-epochs", type=int, default=0, help="0 skips fine-tuning")
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
            for file in directory.iterdir():
                file.unlink()
            directory.rmdir()
    if args.finetune_epochs:
        finetune(args.data, args.dev, args.finetune_epochs)


def _card_validation(directory: Path) -> tuple[float, float]:
    import json

    card = json.loads((directory / "model_card.json").read_text(encoding="utf-8"))
    return card["validation"]["sentiment_macro_f1"], card["validation"]["claims_macro_f1"]


def _dev_scores(model, dev_path: str) -> tuple[float, float]:
    rows = read_labeled(dev_path)
    result = score_predictions(rows, model.predict([row.text for row in rows]))
    return result["sentiment_macro_f1"], result["claims_macro_f1"]


def finetune(data: str, dev_path: str, epochs: int, seed: int = 0) -> None:
    """MiniLM fine-tuned end to end with sentiment (softmax) and claim (sigmoid) heads.

    Trained on the training split, scored on the same validation split as the linear options
    (claim thresholds tuned on it), then on dev. Only measured here: it is not a product path.
    """
    import torch
    from sklearn.metrics import f1_score

    torch.manual_seed(seed)
    rows, _ = read_training_data(data)
    val = split_validation(rows, seed)
    encoder = Encoder(None, max_length=128, precision="fp32")
    body, tokenizer = encoder._model.train(), encoder._tokenizer
    heads = torch.nn.Linear(encoder.dim, len(SENTIMENTS) + len(CLAIMS))
    params = list(body.parameters()) + list(heads.parameters())
    optimizer = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01)
    y_sent = torch.tensor([SENTIMENTS.index(r.sentiment) for r in rows])
    y_claims = torch.tensor([[float(c in r.claims) for c in CLAIMS] for r in rows])
    counts = torch.bincount(y_sent[~torch.tensor(val)], minlength=3).float()
    sent_weight = counts.sum() / (3 * counts)
    pos = y_claims[~torch.tensor(val)].mean(0)
    claim_weight = (1 - pos) / pos

    def forward(texts):
        tokens = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = body(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return heads(pooled)

    train_idx = np.flatnonzero(~val)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    for epoch in range(epochs):
        rng.shuffle(train_idx)
        for start in range(0, len(train_idx), 16):
            idx = train_idx[start : start + 16]
            out = forward([rows[i].text for i in idx])
            loss = torch.nn.functional.cross_entropy(out[:, :3], y_sent[idx], weight=sent_weight)
            loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                out[:, 3:], y_claims[idx], pos_weight=claim_weight
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"fine-tune epoch {epoch + 1}: {time.perf_counter() - started:.0f} s", flush=True)

    body.eval()

    def scores(texts):
        outs = []
        with torch.inference_mode():
            for start in range(0, len(texts), 64):
                outs.append(forward(texts[start : start + 64]))
        out = torch.cat(outs)
        return out[:, :3].argmax(1).numpy(), torch.sigmoid(out[:, 3:]).numpy()

    val_rows = [rows[i] for i in np.flatnonzero(val)]
    sent, probs = scores([r.text for r in val_rows])
    truth = np.array([[c in r.claims for c in CLAIMS] for r in val_rows])
    grid = np.arange(0.1, 0.91, 0.025)
    thresholds = [
        max(grid, key=lambda t: f1_score(truth[:, j], probs[:, j] >= t, zero_division=0))
        for j in range(len(CLAIMS))
    ]
    val_sent = f1_score([SENTIMENTS.index(r.sentiment) for r in val_rows], sent, average="macro")
    val_claims = np.mean(
        [f1_score(truth[:, j], probs[:, j] >= thresholds[j], zero_division=0) for j in range(6)]
    )
    dev_rows = read_labeled(dev_path)
    sent, probs = scores([r.text for r in dev_rows])
    truth = np.array([[c in r.claims for c in CLAIMS] for r in dev_rows])
    dev_sent = f1_score(
        [SENTIMENTS.index(r.sentiment) for r in dev_rows], sent, average="macro", labels=[0, 1, 2]
    )
    dev_claims = np.mean(
        [f1_score(truth[:, j], probs[:, j] >= thresholds[j], zero_division=0) for j in range(6)]
    )
    name = f"fine-tuned MiniLM, {epochs} epochs"
    print(
        f"{name:<40}{val_sent:>9.3f}{val_claims:>11.3f}{dev_sent:>9.3f}{dev_claims:>11.3f}"
        f"{time.perf_counter() - started:>9.0f}"
    )


if __name__ == "__main__":
    main()
