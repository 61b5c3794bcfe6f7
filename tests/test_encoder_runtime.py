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
    for text, fast, plain in zip(TEXTS, onnx.predict(TEXTS), torch.predict(TEXTS)):
        assert (fast.sentiment, fast.claims) == (plain.sentiment, plain.claims)
        for label, score in plain.scores.items():
            assert fast.scores[label] == pytest.approx(score, abs=2e-3)
        # ONNX embeds each sentence in a pass of its own, torch reruns the last layers of the
        # post's own pass (Encoder.sentence_embeddings), so the pick may differ; both show a
        # sentence of the text for every claim.
        assert set(fast.evidence) == set(plain.evidence) == set(plain.claims)
        assert set(fast.evidence.values()) | set(plain.evidence.values()) <= set(split_sentences(text))


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


def test_each_sentence_reruns_the_last_layers_seeing_only_itself():
    """A sentence's vector comes from its own tokens' states in the post's pass, rerun through
    the last layers with attention confined to the sentence: changing another sentence's
    states leaves it as it was, changing its own moves it, and the name before the text is no
    sentence's."""
    encoder = Encoder(precision="fp32")
    import torch

    text = TEXTS[0]
    spans = sentence_spans(text)
    assert len(spans) == 3
    embeddings, kept = encoder.encode([TEXTS[4], text], [None, "Llama 4"], keep_states=True)
    assert np.allclose(embeddings, encoder.encode([TEXTS[4], text], [None, "Llama 4"]), atol=1e-6)
    vectors, covered = encoder.sentence_embeddings(kept, [1], [spans])
    assert vectors.shape == (3, 384) and covered.all()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    lo, hi = kept.offsets[1][:, 0], kept.offsets[1][:, 1]
    second = (lo >= spans[1][0]) & (hi <= spans[1][1]) & (hi > lo)
    assert second.sum() > 5 and (lo < 0).any(), "the name's tokens fall before the text"
    kept.states[1] = kept.states[1].clone()
    kept.states[1][torch.from_numpy(second)] += 3.0
    changed, _ = encoder.sentence_embeddings(kept, [1], [spans])
    assert np.allclose(changed[[0, 2]], vectors[[0, 2]], atol=1e-5)
    assert np.sum(changed[1] * vectors[1]) < 0.99


def test_chinese_posts_embed_their_evidence_sentences_alone():
    """The rerun picked worse sentences in Chinese posts (README "Evidence"), so their sentences
    get passes of their own; a Chinese post naming an English model is still Chinese."""
    from models.predict import _reads_alone

    assert _reads_alone(TEXTS[1])
    assert _reads_alone("Llama-4-Maverick 跑分很高，但是实际用起来差很多。代码能力不如 DeepSeek V3。")
    assert not _reads_alone(TEXTS[0])
    assert not _reads_alone("Qwen3 (通义千问) is much better at coding than Llama 4.")
    assert not _reads_alone("12345 !!!")


def test_a_sentence_past_the_token_window_is_not_covered():
    encoder = Encoder(precision="fp32", max_length=16)
    text = TEXTS[0]
    _, kept = encoder.encode([text], keep_states=True)
    vectors, covered = encoder.sentence_embeddings(kept, [0], [sentence_spans(text)])
    assert covered.tolist() == [True, True, False]
    assert not vectors[2].any()


def test_only_the_torch_runtime_keeps_token_states(local_encoder, cache):
    onnx = Encoder(str(local_encoder), runtime="onnx", precision="fp32", cache_dir=cache)
    pooled = Encoder(precision="fp32", target_pooling=True)
    for encoder in (onnx, pooled):
        assert not encoder.keeps_token_states
        with pytest.raises(ValueError, match="cannot keep token states.*Embed the sentences"):
            encoder.encode(TEXTS, keep_states=True)


def test_bf16_and_int8_stay_close_to_fp32():
    """bf16 casts the weights, int8 quantizes the linear layers with a scale per output channel
    (one scale per tensor fell to cosine 0.81 on these texts)."""
    reference = Encoder(precision="fp32").encode(TEXTS)
    assert np.min(np.sum(Encoder(precision="bf16").encode(TEXTS) * reference, axis=1)) > 0.999
    assert np.min(np.sum(Encoder(precision="int8").encode(TEXTS) * reference, axis=1)) > 0.85


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
