"""The encoder runtimes: ONNX export from a local directory, agreement with torch, evidence spans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flows.config import settings
from models import CLAIMS
from models.encoder import Encoder, default_encoder_path
from models.export import cache_key, onnx_encoder
from models.predict import load_model, sentence_spans, split_sentences

TEXTS = [
    "Llama 4 came out on Saturday. Honestly I think the benchmark test set leaked into "
    "training, it recites MMLU questions verbatim! Anyway, the weather is nice today.",
    "这个模型能把测试集原题一字不差背出来，明显是训练数据被测试集污染了。",
    "vLLM crashes with CUDA out of memory when loading the FP8 weights. The API returns 429s.",
    "Gemini 2.5 Pro is excellent at long documents, better than GPT-4o in my tests.",
    "ok",
]


@pytest.fixture(scope="module")
def local_encoder(tmp_path_factory) -> Path:
    """A fine-tuned-style copy of MiniLM in its own directory, its weights stored in fp16 (as the
    training side stores fine-tuned encoders), so the export must upcast and cannot reuse the
    bundled encoder's cache entry."""
    from transformers import AutoModel, AutoTokenizer

    local = tmp_path_factory.mktemp("encoders") / "my-encoder"
    AutoTokenizer.from_pretrained(default_encoder_path()).save_pretrained(local)
    model = AutoModel.from_pretrained(default_encoder_path())
    model.half().save_pretrained(local)
    return local


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


def test_onnx_export_of_a_local_encoder_matches_torch(local_encoder, cache):
    onnx = Encoder(str(local_encoder), runtime="onnx", precision="fp32", cache_dir=cache)
    torch = Encoder(str(local_encoder), runtime="torch", precision="fp32")
    assert onnx.model_id == "my-encoder" and onnx.onnx_path.is_relative_to(cache)
    a, b = onnx.encode(TEXTS), torch.encode(TEXTS)
    assert a.shape == (len(TEXTS), 384)
    # Same network, same fp32 arithmetic up to kernel order: cosine 1 to 5 decimals.
    assert np.min(np.sum(a * b, axis=1)) > 0.99999
    # Padding: a text embedded alone equals itself in a padded batch.
    assert np.allclose(onnx.encode(TEXTS[4:])[0], a[4], atol=1e-5)


def test_the_onnx_graph_is_cached_by_content(local_encoder, cache):
    first = onnx_encoder(str(local_encoder), "fp32", cache)
    built_at = first.stat().st_mtime_ns
    assert onnx_encoder(str(local_encoder), "fp32", cache) == first
    assert first.stat().st_mtime_ns == built_at, "a second load must reuse the cached graph"
    bundled = Path(default_encoder_path())
    # The fp16 copy holds other bytes than the bundled weights, and int8 is another graph.
    assert cache_key(local_encoder, "fp32") != cache_key(bundled, "fp32")
    assert cache_key(local_encoder, "int8") != cache_key(local_encoder, "fp32")
    with pytest.raises(ValueError, match="bf16 needs the torch runtime"):
        onnx_encoder(str(local_encoder), "bf16", cache)


def test_onnx_and_torch_give_the_same_labels(local_encoder, cache):
    onnx = load_model(encoder_path=str(local_encoder), runtime="onnx", precision="fp32", cache_dir=cache)
    torch = load_model(encoder_path=str(local_encoder), runtime="torch", precision="fp32")
    assert onnx.features.encoder.runtime == "onnx" and torch.features.encoder.runtime == "torch"
    for fast, plain in zip(onnx.predict(TEXTS), torch.predict(TEXTS)):
        assert (fast.sentiment, fast.claims, fast.evidence) == (
            plain.sentiment,
            plain.claims,
            plain.evidence,
        )
        for label, score in plain.scores.items():
            assert fast.scores[label] == pytest.approx(score, abs=2e-3)


def test_evidence_is_a_sentence_of_a_long_post():
    model = load_model(runtime="torch", precision="fp32")
    model.features.encoder.max_length = 24
    text = (
        # The window (24 tokens) holds the first sentence's claim; the later sentences, past
        # it, are still scored for evidence (each is embedded on its own).
        "Llama 4 is much worse than Llama 3 at coding. "
        "The release notes are long and mostly about the mixture of experts design. "
        "Honestly I think the benchmark test set leaked into training, it recites MMLU "
        "questions verbatim! Anyway, the weather is nice today."
    )
    prediction = model.predict([text])[0]
    assert prediction.claims, prediction.scores
    assert set(prediction.evidence) == set(prediction.claims) <= set(CLAIMS)
    for sentence in prediction.evidence.values():
        assert sentence in split_sentences(text)


def test_sentence_spans_are_the_split_sentences():
    text = "  v3.1 scores 2.5x higher.  Really?\n\n它泄露了测试集。第二句！ end "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == split_sentences(text)
    assert split_sentences(text) == ["v3.1 scores 2.5x higher.", "Really?", "它泄露了测试集。", "第二句！", "end"]
    assert sentence_spans("   ") == []


def test_the_runtime_comes_from_the_environment(tmp_path):
    assert settings(tmp_path / "lw.duckdb", environ={}).runtime == "torch"
    assert settings(tmp_path / "lw.duckdb", environ={"LAUNCHWATCH_RUNTIME": "onnx"}).runtime == "onnx"
    with pytest.raises(ValueError, match="runtime must be one of"):
        Encoder(runtime="tensorrt")
