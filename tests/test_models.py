"""The classifier: contract, obvious claims, reproducible training, JSONL I/O, no dev leakage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from models import CLAIMS, SENTIMENTS, Prediction, load_model, predict, train
from models.predict import predict_jsonl, split_sentences

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "models" / "data" / "seed.jsonl"
DEV = ROOT.parent / "shared" / "data" / "posts" / "real_posts_dev.jsonl"


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_predictions_follow_the_contract(model):
    texts = [
        "Gemini 2.5 Pro is excellent at long documents.",
        "Llama 4 周六发布，包括 Scout 和 Maverick 两个模型。",
        "",
    ]
    predictions = model.predict(texts)
    assert len(predictions) == len(texts)
    for prediction in predictions:
        assert isinstance(prediction, Prediction)
        assert prediction.sentiment in SENTIMENTS
        assert set(prediction.claims) <= set(CLAIMS)
        assert list(prediction.claims) == [c for c in CLAIMS if c in prediction.claims]
        assert set(prediction.scores) == set(SENTIMENTS) | set(CLAIMS)
        assert all(0.0 <= v <= 1.0 for v in prediction.scores.values())
        assert sum(prediction.scores[s] for s in SENTIMENTS) == pytest.approx(1.0, abs=1e-3)
        assert set(prediction.evidence) == set(prediction.claims)
        assert prediction.model_id == "minilm-linear"
        assert re.fullmatch(r"0\.1\.0\+[0-9a-f]{8}", prediction.model_version)
    assert predictions[2].claims == (), "a blank text asserts nothing"


def test_package_predict_uses_the_committed_model(model):
    text = "Qwen3-30B-A3B runs fast on my laptop."
    assert predict([text])[0] == model.predict([text])[0]


@pytest.mark.parametrize(
    "text, claim",
    [
        (
            "The model reproduces GSM8K test questions word for word. The test set clearly "
            "leaked into its training data.",
            "contamination",
        ),
        ("这个模型能把测试集原题一字不差背出来，明显是训练数据被测试集污染了。", "contamination"),
        (
            "vLLM crashes with CUDA out of memory when loading the FP8 weights on 8 GPUs, and "
            "the API returns 429 errors.",
            "deployment_issue",
        ),
        ("用 vLLM 部署时显存不足直接报错，API 也一直返回 429 限流。", "deployment_issue"),
    ],
)
def test_obvious_claims_are_found(model, text, claim):
    prediction = model.predict([text])[0]
    assert claim in prediction.claims, prediction.scores


def test_evidence_is_a_sentence_of_the_text(model):
    text = (
        "Llama 4 came out on Saturday. Honestly I think the benchmark test set leaked into "
        "training, it recites MMLU questions verbatim! Anyway, the weather is nice today."
    )
    prediction = model.predict([text])[0]
    assert "contamination" in prediction.claims
    for sentence in prediction.evidence.values():
        assert sentence in split_sentences(text)
    assert prediction.evidence["contamination"].startswith("Honestly I think the benchmark")


def test_sentences_split_on_english_and_chinese_punctuation():
    text = "Gemini 2.5 Pro is out. Is it good?\n真的很强。部署太难了！"
    assert split_sentences(text) == [
        "Gemini 2.5 Pro is out.",
        "Is it good?",
        "真的很强。",
        "部署太难了！",
    ]


def test_training_is_reproducible(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    subset = tmp_path / "subset.jsonl"
    subset.write_text("\n".join(lines[::8]) + "\n", encoding="utf-8")
    first = train(subset, tmp_path / "a", seed=3)
    second = train(subset, tmp_path / "b", seed=3)
    assert first.name == second.name
    with np.load(first / "weights.npz") as a, np.load(second / "weights.npz") as b:
        assert a.files == b.files
        for name in a.files:
            np.testing.assert_array_equal(a[name], b[name])
    assert (first / "config.json").read_text() == (second / "config.json").read_text()
    card = json.loads((first / "model_card.json").read_text())
    assert card["n_examples"] == len(lines[::8]) and card["seed"] == 3
    reloaded = load_model(first).predict(["Maverick is great at chat."])[0]
    assert reloaded.model_version == first.name.removeprefix("minilm-linear-")


def test_training_rejects_a_label_outside_the_schema(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "ok", "sentiment": "angry", "claims": []}) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: 'sentiment' must be one of"):
        train(bad, tmp_path / "out")


def test_predict_jsonl_round_trip(model, tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "hn:1", "text": "DeepSeek V3 is much better than GPT-4o at front-end code."},
        {"id": "x:2", "text": "官网又挂了，一直提示服务器繁忙。", "lang": "zh"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    out = tmp_path / "out.jsonl"
    assert predict_jsonl(source, out, model=model) == 2
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = model.predict([r["text"] for r in rows])
    for row, line, prediction in zip(rows, written, expected):
        assert {k: line[k] for k in row} == row
        assert line["sentiment"] == prediction.sentiment
        assert line["claims"] == list(prediction.claims)
        assert line["scores"] == prediction.scores
        assert line["evidence"] == prediction.evidence
        assert (line["model_id"], line["model_version"]) == (model.model_id, model.model_version)


@pytest.mark.parametrize(
    "bad_line, found",
    [
        ('{"id": 3, "text": "unterminated', "invalid JSON"),
        ('{"id": 3, "body": "no text field"}', "keys ['body', 'id']"),
        ('["id", "text"]', "found a list"),
    ],
)
def test_predict_jsonl_names_the_bad_line(model, tmp_path, bad_line, found):
    source = tmp_path / "in.jsonl"
    good = json.dumps({"id": 1, "text": "fine"})
    source.write_text(f"{good}\n{good}\n{bad_line}\n")
    out = tmp_path / "out.jsonl"
    with pytest.raises(ValueError) as error:
        predict_jsonl(source, out, model=model)
    message = str(error.value)
    assert "line 3" in message and found in message and '"text"' in message
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def _normalise(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _trigrams(text: str) -> set[str]:
    norm = _normalise(text)
    return {norm[i : i + 3] for i in range(len(norm) - 2)}


def test_seed_set_does_not_leak_the_dev_set():
    if not DEV.is_file():
        pytest.skip(f"{DEV} is absent (../shared is not mounted)")
    dev_rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    seed = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines()]
    dev_norm = {_normalise(d["text"]) for d in dev_rows}
    dev_grams = [_trigrams(d["text"]) for d in dev_rows]
    # Real training posts come from the same kind of pages as the dev posts: no page may serve
    # both, or a dev post's neighbours in its thread would be trained on.
    dev_urls = {d["source_url"] for d in dev_rows}
    for row in seed:
        assert row.get("source_url") not in dev_urls, row["source_url"]
        assert _normalise(row["text"]) not in dev_norm, row["text"]
        grams = _trigrams(row["text"])
        for other in dev_grams:
            jaccard = len(grams & other) / max(1, len(grams | other))
            assert jaccard < 0.5, (row["text"], jaccard)


def test_seed_set_meets_its_card():
    rows = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 700
    assert len({_normalise(r["text"]) for r in rows}) == len(rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert 0.30 <= sum(r["lang"] == "zh" for r in rows) / len(rows) <= 0.40
    for claim in CLAIMS:
        assert sum(claim in r["claims"] for r in rows) >= 50, claim
    written = {"id", "text", "lang", "platform", "sentiment", "claims", "synthetic"}
    real = [r for r in rows if r["synthetic"] is False]
    assert len(real) >= 200
    for row in rows:
        assert row["sentiment"] in SENTIMENTS
        assert row["claims"] == [c for c in CLAIMS if c in row["claims"]]
        if row["synthetic"] is True:
            assert set(row) == written and row["id"].startswith("seed-")
        else:
            assert set(row) == written | {"source_url"} and row["id"].startswith("real-")
            assert re.match(r"https?://\S+$", row["source_url"]), row


def test_training_rejects_a_source_url_that_is_not_a_url(tmp_path):
    bad = tmp_path / "bad.jsonl"
    row = {"text": "ok", "sentiment": "neutral", "claims": [], "source_url": "reddit thread"}
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: 'source_url' must be an http\(s\) URL"):
        train(bad, tmp_path / "out")
