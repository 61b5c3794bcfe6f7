"""Classification speed: the production path against the naive fp32 transformers loop.

Not a test. Builds 5,000 posts of typical length (10 to 120 MiniLM tokens; training texts, whole
or cut at a seeded word boundary, cycled), then in one run measures posts/s of:

* production: the active model (`models/artifacts/ACTIVE`) through `Classifier.predict`, the
  path `launchwatch classify` uses (features, heads, thresholds and evidence sentences);
* naive: the full-MiniLM reference model, fp32, one post at a time (`predict([text])` per post;
  no batching, no padding), on the first --naive posts, the rate extrapolated;
* the other options: int8 dynamic quantization, 64-token truncation and one thread (on the
  first --sample posts, batches sorted by length and padded per batch), and the static
  distilled encoder (model2vec-style token table; all posts), whichever is not production.

and the dev macro-F1 (sentiment, claims) of each path. The production/naive ratio is printed.

    .venv/bin/python bench/classify.py [--posts 5000] [--naive 500] [--sample 1000]
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


def rate(fn, texts: list[str]) -> float:
    started = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - started)


def dev_f1(model) -> tuple[float, float]:
    rows = read_labeled(DEV)
    result = score_predictions(rows, model.predict([row.text for row in rows]))
    return result["sentiment_macro_f1"], result["claims_macro_f1"]


def sibling(model_id: str) -> Path | None:
    """The committed `model_id` model trained on the same data as the active one, if any."""
    active = (ARTIFACTS / "ACTIVE").read_text(encoding="utf-8").strip()
    candidate = ARTIFACTS / f"{model_id}-{active.rsplit('-', 1)[-1]}"
    return candidate if candidate.is_dir() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--naive", type=int, default=500)
    parser.add_argument("--sample", type=int, default=1000)
    args = parser.parse_args()

    import torch

    production = load_model()
    reference_dir = sibling("minilm-linear")
    if reference_dir is None:
        raise SystemExit("no full-MiniLM model beside the active one: train one with "
                         "`launchwatch models train --encoder-kind transformer`")
    naive_model = load_model(reference_dir, precision="fp32")
    posts = make_posts(args.posts, naive_model.features.encoder._tokenizer)
    lengths = [len(ids) for ids in naive_model.features.encoder._tokenizer(posts)["input_ids"]]
    print(
        f"{len(posts)} posts, MiniLM tokens: mean {np.mean(lengths):.0f}, median "
        f"{np.median(lengths):.0f}, p90 {np.percentile(lengths, 90):.0f}, min {min(lengths)}, "
        f"max {max(lengths)}; torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    print(f"production: {production.model_id} {production.model_version} "
          f"({production.features.encoder.model_id})")
    print(f"reference:  {naive_model.model_id} {naive_model.model_version}")
    print()

    results = []
    print(f"{'path':<42}{'posts/s':>9}{'posts':>7}{'dev sent F1':>13}{'dev claims F1':>15}")

    def report(name, posts_per_s, n, f1):
        results.append((name, posts_per_s, n, f1))
        print(f"{name:<42}{posts_per_s:>9.1f}{n:>7}{f1[0]:>13.3f}{f1[1]:>15.3f}", flush=True)

    production.predict(posts[:64])  # warm-up: tokenizer caches, first-call allocations
    report("production: active model, sorted batches", rate(production.predict, posts),
           len(posts), dev_f1(production))

    def one_at_a_time(texts):
        for text in texts:
            naive_model.predict([text])

    naive_posts = posts[: args.naive]
    naive_model.predict(naive_posts[:4])
    report("naive fp32 loop, one post at a time", rate(one_at_a_time, naive_posts),
           len(naive_posts), dev_f1(naive_model))
    naive = results[-1]

    sample = posts[: args.sample]
    variants = [
        ("full MiniLM int8 dynamic quantization", dict(precision="int8"), None, None),
        ("full MiniLM fp32, truncated at 64 tokens", dict(precision="fp32"), 64, None),
        ("full MiniLM fp32, 1 thread", dict(precision="fp32"), None, 1),
    ]
    if production.model_id != "minilm-linear":
        variants.insert(0, ("full MiniLM fp32, length-sorted batches", dict(precision="fp32"), None, None))
    threads = torch.get_num_threads()
    for name, kwargs, max_length, n_threads in variants:
        model = load_model(reference_dir, **kwargs)
        if max_length:
            model.features.encoder.max_length = max_length
        torch.set_num_threads(n_threads or threads)
        model.predict(sample[:64])
        report(name, rate(model.predict, sample), len(sample), dev_f1(model))
        torch.set_num_threads(threads)
    static_dir = sibling("minilm-static-linear")
    if static_dir is not None and production.model_id != "minilm-static-linear":
        static = load_model(static_dir)
        static.predict(posts[:64])
        report("static distilled MiniLM (all posts)", rate(static.predict, posts),
               len(posts), dev_f1(static))

    prod_rate, prod_f1 = results[0][1], results[0][3]
    naive_rate, naive_f1 = naive[1], naive[3]
    ratio = prod_rate / naive_rate
    gap = max(naive_f1[0] - prod_f1[0], naive_f1[1] - prod_f1[1])
    print()
    print(f"production {prod_rate:.1f} posts/s, naive fp32 loop {naive_rate:.1f} posts/s, "
          f"ratio {ratio:.1f}x")
    print(f"goal >= {GOAL_RATE:.0f} posts/s: {'met' if prod_rate >= GOAL_RATE else 'NOT met'}; "
          f"goal >= {GOAL_RATIO:.0f}x naive: {'met' if ratio >= GOAL_RATIO else 'NOT met'}; "
          f"dev F1 within {GOAL_F1_GAP} of fp32 (or above): "
          f"{'met' if gap <= GOAL_F1_GAP else 'NOT met'} (largest drop {gap:+.3f})")
    print(json.dumps({"production_posts_per_s": round(prod_rate, 1),
                      "naive_posts_per_s": round(naive_rate, 1), "ratio": round(ratio, 2)}))


if __name__ == "__main__":
    main()
