"""Classification speed: the production path against the naive fp32 transformers loop.

Not a test. Builds 5,000 posts of typical length (10 to 120 MiniLM tokens; training texts, whole
or cut at a seeded word boundary, cycled), then in one run measures posts/s of:

* production: the active model (`models/artifacts/ACTIVE`) as `launchwatch classify` loads it
  (`load_model()`: the plain transformers encoder, bf16 where the CPU has native bf16), through
  `Classifier.predict`: batches sorted by length and padded per batch, features, heads,
  thresholds and evidence sentences (the sentences of a multi-sentence post with a claim rerun
  through the encoder's last 3 layers, each seeing only itself: Encoder.sentence_embeddings;
  a Chinese post's sentences embedded on their own);
* the same model without evidence (`Classifier.score` on the whole list: sorted batches,
  features and heads), on the first --sample posts, to show what the evidence pass costs;
* the ceiling: the production encoder's forward pass alone (`Encoder.encode`: tokenize, sorted
  batches, mean-pool; no n-grams, heads or evidence), and the same for torch int8, on the first
  --sample posts. Production does all of that and more, so it cannot be faster than this row;
* naive: the same model with the plain transformers encoder in fp32 (`runtime="torch"`), one
  post at a time: `score([text])` per post, i.e. tokenize, forward, mean-pool, L2-normalise,
  n-grams and the same heads; no batching, no padding, no evidence (so it does less work than
  production), on the first --naive posts;
* the other options on the first --sample posts: each runtime and precision through `predict`
  (ONNX Runtime keeps no token states, so its evidence embeds each sentence in a pass of its
  own), and the static distilled encoder (model2vec-style token table) if one is committed.

The paths are timed in turns (--rounds slices each), so load from other processes on the shared
machine falls on all of them alike and the ratio stays fair even when absolute rates move.
Prints posts per wall-clock second and per CPU-second (all threads) of each path, its dev
macro-F1 (sentiment, claims), and the production/naive ratio.

    .venv/bin/python bench/classify.py [--posts 5000] [--naive 300] [--sample 1000] [--rounds 10] [--threads 2] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.dataset import read_labeled, read_training_data  # noqa: E402
from models.evaluate import score_predictions  # noqa: E402
from models.predict import ARTIFACTS, load_model  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "posts" / "real_posts_dev.jsonl"
GOAL_RATE, GOAL_RATIO, GOAL_F1_GAP = 300.0, 4.0, 0.01
CEILING = "encoder forward only (no labels)"  # the rows that time Encoder.encode alone


def make_posts(n: int, tokenizer, seed: int = 0) -> list[str]:
    """`n` texts of 10-120 tokens from the training data, cut at word boundaries, cycled."""
    rows, _ = read_training_data(ROOT / "models" / "data")
    rng = np.random.default_rng(seed)
    pool = []
    for row in rows:
        words = row.text.split(" ")
        # Cut long texts at a random word so lengths spread over the whole range.
        if len(tokenizer(row.text)["input_ids"]) > 120:
            words = words[: rng.integers(8, max(9, min(len(words), 90)))]
        text = " ".join(words)
        count = len(tokenizer(text)["input_ids"])
        if 10 <= count <= 120:
            pool.append(text)
    order = rng.permutation(len(pool))
    return [pool[order[i % len(pool)]] for i in range(n)]


def dev_f1(model) -> tuple[float, float]:
    rows = read_labeled(DEV)
    # Dev rows name the model their sentiment is about; a target-aware model reads it.
    result = score_predictions(rows, model.predict([row.text for row in rows], [row.target for row in rows]))
    return result["sentiment_macro_f1"], result["claims_macro_f1"]


def sibling(model_id: str) -> Path | None:
    """The newest committed `model_id` model trained on the same data as the active one, if any.

    A version ends in `+<data hash>`; the active model may be of a newer version than its
    sibling (0.3.0 fine-tuned beside a 0.2.0 static model), so only the data hash must match.
    """
    active = (ARTIFACTS / "ACTIVE").read_text(encoding="utf-8").strip()
    data_hash = active.rsplit("+", 1)[-1]
    found = sorted(p for p in ARTIFACTS.glob(f"{model_id}-*+{data_hash}") if p.is_dir())
    return found[-1] if found else None


def set_onnx_threads(encoder, threads: int) -> None:
    """Reopen `encoder`'s ONNX Runtime session with `threads` intra-op threads."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    encoder._session = onnxruntime.InferenceSession(
        str(encoder.onnx_path), options, providers=["CPUExecutionProvider"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--naive", type=int, default=300)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--model", type=Path, default=None,
                        help="model directory to measure (default: the active one)")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads per path (torch and ONNX Runtime); 1 keeps rates comparable "
                        "when other processes load the cores, as a 2-thread path then waits on "
                        "its slower thread at every step")
    args = parser.parse_args()

    import onnxruntime
    import torch

    production = load_model(args.model)
    active = production.directory
    naive_model = load_model(active, runtime="torch", precision="fp32")
    torch.set_num_threads(args.threads)
    encoder = production.features.encoder
    posts = make_posts(args.posts, naive_model.features.encoder._tokenizer)
    lengths = [len(ids) for ids in naive_model.features.encoder._tokenizer(posts)["input_ids"]]
    print(
        f"{len(posts)} posts, tokens: mean {np.mean(lengths):.0f}, median "
        f"{np.median(lengths):.0f}, p90 {np.percentile(lengths, 90):.0f}, min {min(lengths)}, "
        f"max {max(lengths)}; torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, "
        f"{args.threads} threads per path"
    )
    print(f"production: {production.model_id} {production.model_version}, encoder "
          f"{encoder.model_id}, runtime {getattr(encoder, 'runtime', 'static')} "
          f"{encoder.precision}")
    print()

    def naive_loop(texts):
        for text in texts:
            naive_model.score([text])

    paths = [("production: load_model() default", production.predict, posts, production)]
    paths.append(("naive: torch fp32, one post at a time", naive_loop, posts[: args.naive], naive_model))
    sample = posts[: args.sample]
    paths.append(("production without evidence (score only)", production.score, sample, production))
    # The ceiling: the encoder's forward pass alone (tokenize, sorted batches, mean-pool), with
    # none of the n-grams, heads and evidence that a label needs, at the production precision
    # and at int8. Production cannot beat its own encoder's row.
    paths.append((f"{CEILING}: production", encoder.encode, sample, production))
    for runtime, precision in [("onnx", "fp32"), ("onnx", "int8"), ("torch", "fp32"), ("torch", "int8")]:
        if (runtime, precision) == (getattr(encoder, "runtime", None), encoder.precision):
            continue
        model = load_model(active, runtime=runtime, precision=precision)
        name = f"{runtime} {precision}, sorted batches, with evidence"
        paths.append((name, model.predict, sample, model))
        if (runtime, precision) == ("torch", "int8"):
            paths.append((f"{CEILING}: torch int8", model.features.encoder.encode, sample, model))
    static_dir = sibling("minilm-static-linear")
    if static_dir is not None and static_dir != active:
        static = load_model(static_dir)
        paths.append(("static distilled MiniLM", static.predict, posts, static))
    for _, _, _, model in paths:
        if getattr(model.features.encoder, "runtime", None) == "onnx":
            set_onnx_threads(model.features.encoder, args.threads)
    for _, fn, texts, _ in paths:
        fn(texts[:16])  # warm-up: tokenizer caches, first-call allocations

    seconds, cpu_seconds = [0.0] * len(paths), [0.0] * len(paths)
    for turn in range(args.rounds):
        for k, (_, fn, texts, _) in enumerate(paths):
            lo, hi = len(texts) * turn // args.rounds, len(texts) * (turn + 1) // args.rounds
            started, cpu = time.perf_counter(), time.process_time()
            fn(texts[lo:hi])
            seconds[k] += time.perf_counter() - started
            cpu_seconds[k] += time.process_time() - cpu

    print(f"{'path':<54}{'posts/s':>9}{'/cpu-s':>8}{'posts':>7}{'dev sent F1':>13}"
          f"{'dev claims F1':>15}")
    rows = []
    for (name, _, texts, model), spent, cpu in zip(paths, seconds, cpu_seconds):
        labels = not name.startswith(CEILING)
        f1 = dev_f1(model) if labels else (float("nan"), float("nan"))
        rows.append((len(texts) / spent, f1))
        scores = f"{f1[0]:>13.3f}{f1[1]:>15.3f}" if labels else f"{'-':>13}{'-':>15}"
        print(f"{name:<54}{rows[-1][0]:>9.1f}{len(texts) / cpu:>8.1f}{len(texts):>7}{scores}", flush=True)

    (prod_rate, prod_f1), (naive_rate, naive_f1) = rows[0], rows[1]
    ratio = prod_rate / naive_rate
    gap = max(naive_f1[0] - prod_f1[0], naive_f1[1] - prod_f1[1])
    print()
    print(f"production {prod_rate:.1f} posts/s, naive fp32 loop {naive_rate:.1f} posts/s, "
          f"ratio {ratio:.1f}x")
    print(f"goal >= {GOAL_RATE:.0f} posts/s: {'met' if prod_rate >= GOAL_RATE else 'NOT met'}; "
          f"goal >= {GOAL_RATIO:.0f}x naive: {'met' if ratio >= GOAL_RATIO else 'NOT met'}; "
          f"dev F1 within {GOAL_F1_GAP} of fp32 (or above): "
          f"{'met' if gap <= GOAL_F1_GAP else 'NOT met'} (largest drop {gap:+.3f})")
    ceiling = [(name, rate) for (name, *_), (rate, _) in zip(paths, rows) if name.startswith(CEILING)]
    print("ceiling: " + "; ".join(f"{name.split(': ')[1]} encoder alone {rate:.1f} posts/s, "
                                   f"{rate / naive_rate:.1f}x naive" for name, rate in ceiling))
    print(json.dumps({"production_posts_per_s": round(prod_rate, 1),
                      "naive_posts_per_s": round(naive_rate, 1), "ratio": round(ratio, 2)}))


if __name__ == "__main__":
    main()
