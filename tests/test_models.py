"""The classifier: contract, obvious claims, reproducible training, JSONL I/O, no dev leakage."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from flows.cli import cli
from models import CLAIMS, SENTIMENTS, Prediction, load_model, predict, train
from models.dataset import DEV_JACCARD, import_labels, jaccard, normalise, read_training_data, trigrams
from models.encoder import default_encoder_path
from models.evaluate import evaluate, format_report
from models.evidence import read_evidence
from models.predict import ACTIVE, predict_jsonl, split_sentences
from models.train import BASE_VERSION, TrainOptions

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "models" / "data"
SEED = DATA / "seed.jsonl"
EVIDENCE = DATA / "evidence" / "evidence_val.jsonl"
DEV = ROOT.parent / "shared" / "data" / "posts" / "real_posts_dev.jsonl"


def training_rows() -> list[dict]:
    """Every row training reads: all models/data/*.jsonl."""
    return [
        json.loads(line)
        for path in sorted(DATA.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def small_training_file(tmp_path: Path, every: int = 8) -> Path:
    """Every `every`-th training row, real and written, in one file (a tiny, fast training set)."""
    subset = tmp_path / f"subset-{every}.jsonl"
    subset.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in training_rows()[::every]),
        encoding="utf-8",
    )
    return subset


def tiny_table() -> np.ndarray:
    """A seeded random token table with MiniLM's vocabulary size: distilling the real one takes
    minutes, and training's reproducibility does not depend on what the vectors mean."""
    from transformers import AutoTokenizer

    size = len(AutoTokenizer.from_pretrained(default_encoder_path(), local_files_only=True))
    return np.random.default_rng(7).standard_normal((size, 16)).astype(np.float32)


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_predictions_follow_the_contract(model):
    _, digest = read_training_data(DATA)
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
        assert f"{prediction.model_id}-{prediction.model_version}" == ACTIVE.read_text().strip()
        # The committed active model is the current trainer's version over the hash of the
        # committed training data: data added without retraining fails here.
        assert prediction.model_version == f"{BASE_VERSION}+{digest[:8]}"
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
    # Two claim sentences among plain ones; one borderline sentence would test the threshold,
    # not the evidence (0.4.0 scores the one-claim version 0.79 against its threshold 0.85).
    text = (
        "Llama 4 came out on Saturday. Honestly I think the benchmark test set leaked into "
        "training, it recites MMLU questions verbatim! The scores are inflated by "
        "contamination. Anyway, the weather is nice today."
    )
    prediction = model.predict([text])[0]
    assert "contamination" in prediction.claims
    for sentence in prediction.evidence.values():
        assert sentence in split_sentences(text)
    assert prediction.evidence["contamination"].startswith("Honestly I think the benchmark")


EVIDENCE_TEXT = (
    "I ran it on my own repo. It clearly memorised the SWE-bench test set during training. "
    "Also vLLM crashes with CUDA out of memory on two GPUs."
)


def evidence_row(text: str, claims: list[str], evidence: dict) -> str:
    row = {"id": "t", "text": text, "lang": "en", "sentiment": "negative", "claims": claims,
           "evidence": evidence}
    return json.dumps(row, ensure_ascii=False)


def test_evidence_evaluation_scores_the_chosen_sentence_and_the_baselines(model, tmp_path):
    sentences = split_sentences(EVIDENCE_TEXT)
    data = tmp_path / "evidence.jsonl"
    data.write_text(
        "\n".join([
            evidence_row(EVIDENCE_TEXT, ["contamination", "deployment_issue"],
                         {"contamination": [sentences[1]], "deployment_issue": [sentences[2]]}),
            # A one-sentence text cannot be wrong and is not scored; `[]` (no sentence states
            # the claim) is skipped; a row without evidence is only scored for its labels.
            evidence_row("The test set leaked into training.", ["contamination"],
                         {"contamination": ["The test set leaked into training."]}),
            evidence_row("It is slow. It is fine.", ["deployment_issue"], {"deployment_issue": []}),
            # A marked phrase that is not a whole sentence could never be picked: counted apart.
            evidence_row("It loops. It repeats itself forever.", ["regression"], {"regression": ["repeats itself"]}),
            json.dumps({"text": "Nice model.", "sentiment": "positive", "claims": ["praise"]}),
        ]) + "\n",
        encoding="utf-8",
    )
    report = evaluate(data, model=model)
    result = report["evidence"]
    assert (result["rows"], result["claims_scored"], result["claims_skipped_no_sentence"],
            result["claims_skipped_not_split_sentences"]) == (4, 2, 1, 1)
    assert model.evidence([EVIDENCE_TEXT], [["contamination", "deployment_issue"]]) == [
        {"contamination": sentences[1], "deployment_issue": sentences[2]}
    ]
    assert result["model_chosen"] == {"n": 2, "hit_rate": 1.0}
    assert result["first_sentence"] == {"n": 2, "hit_rate": 0.0}
    # "memorised" and "test set" match the contamination rule, "crashes" and "out of memory"
    # the deployment one; neither matches the first sentence.
    assert result["keyword_rule"] == {"n": 2, "hit_rate": 1.0}
    assert result["chance"] == {"n": 2, "hit_rate": round(1 / 3, 4)}
    assert format_report(report).splitlines()[-5].startswith("model, for every annotated claim")


@pytest.mark.parametrize(
    "evidence, found",
    [
        ({"praise": ["I ran it on my own repo."]}, "found evidence for ['praise']"),
        ({"contamination": ["A sentence the text does not hold."]}, "is not in the text"),
        ({"contamination": "I ran it on my own repo."}, "found 'contamination': "),
        (["I ran it on my own repo."], "found list"),
    ],
)
def test_evidence_file_errors_name_the_line_and_the_fix(tmp_path, evidence, found):
    data = tmp_path / "evidence.jsonl"
    data.write_text(evidence_row(EVIDENCE_TEXT, ["contamination"], evidence) + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as error:
        read_evidence(data)
    message = str(error.value)
    assert "evidence.jsonl:1" in message and found in message and "exact substrings" in message


def test_the_committed_evidence_set_annotates_training_rows():
    rows = read_evidence(EVIDENCE)
    targets = {r["text"]: r.get("model") for r in training_rows()}
    assert len(rows) >= 800
    assert all(r.row.text in targets for r in rows), "evidence rows are copies of labeled training rows"
    assert all(r.row.target == targets[r.row.text] for r in rows), "with the same target model"
    assert all(set(r.evidence) == set(r.row.claims) for r in rows)
    assert {r.row.lang for r in rows} >= {"en", "zh"}


def test_sentences_split_on_english_and_chinese_punctuation():
    text = "Gemini 2.5 Pro is out. Is it good?\n真的很强。部署太难了！"
    assert split_sentences(text) == [
        "Gemini 2.5 Pro is out.",
        "Is it good?",
        "真的很强。",
        "部署太难了！",
    ]


def test_training_is_reproducible(tmp_path):
    subset = small_training_file(tmp_path, every=16)
    options = TrainOptions(encoder_kind="static", n_features=2**12, c_sentiment=1.0, c_claim=1.0)
    first = train(subset, tmp_path / "a", options=options, seed=3, table=tiny_table())
    second = train(subset, tmp_path / "b", options=options, seed=3, table=tiny_table())
    assert first.name == second.name
    for artifact in ("weights.npz", "tokens.npz"):
        with np.load(first / artifact) as a, np.load(second / artifact) as b:
            assert a.files == b.files
            for name in a.files:
                np.testing.assert_array_equal(a[name], b[name])
    assert (first / "config.json").read_text() == (second / "config.json").read_text()
    card = json.loads((first / "model_card.json").read_text())
    assert card["n_examples"] == len(training_rows()[::16]) and card["seed"] == 3
    assert card["validation"]["n"] > 0 and 0 <= card["validation"]["claims_macro_f1"] <= 1
    reloaded = load_model(first).predict(["Maverick is great at chat."])[0]
    assert reloaded.model_version == first.name.removeprefix("minilm-static-linear-")


def test_a_transformer_encoder_loads_from_a_local_directory(tmp_path):
    """Any encoder by configuration: a copy of MiniLM in another directory, trained and reloaded."""
    local = tmp_path / "my-encoder"
    shutil.copytree(default_encoder_path(), local)
    options = TrainOptions(encoder_kind="transformer", encoder_path=str(local), n_features=2**10)
    directory = train(small_training_file(tmp_path, every=20), tmp_path / "out", options=options)
    config = json.loads((directory / "config.json").read_text())
    assert config["options"]["encoder_path"] == str(local) and config["encoder"] == "my-encoder"
    model = load_model(directory, precision="fp32")
    assert model.features.encoder.model_id == "my-encoder"
    assert model.model_id == "minilm-linear"
    text = ["DeepSeek V3 crashes vLLM with out of memory errors."]
    original = load_model(directory, encoder_path=default_encoder_path(), precision="fp32")
    # The copy is the same network, so the override gives the same scores.
    assert model.predict(text)[0].scores == original.predict(text)[0].scores
    with pytest.raises(OSError, match="could not load encoder"):
        load_model(directory, encoder_path=str(tmp_path / "missing"))


def test_a_fine_tuned_encoder_is_stored_in_the_model_and_loaded_from_it(tmp_path, monkeypatch):
    """Fine-tuning end to end: the encoder is stored in float16 inside the model directory and is
    the one `load_model` runs, in float32 (a few rows and one epoch; the real run is in the README)."""
    from safetensors import safe_open

    options = TrainOptions(finetune_epochs=1, max_length=32, n_features=2**10)
    directory = train(small_training_file(tmp_path, every=60), tmp_path, options=options, seed=1)
    assert directory.name.startswith(f"minilm-finetuned-linear-{BASE_VERSION}+")
    config = json.loads((directory / "config.json").read_text())
    assert config["encoder_dir"] == "encoder" and config["options"]["finetune_epochs"] == 1
    name = "encoder.layer.5.output.dense.weight"
    with safe_open(directory / "encoder" / "model.safetensors", "np") as tuned, safe_open(
        Path(default_encoder_path()) / "model.safetensors", "np"
    ) as base:
        weight = tuned.get_tensor(name)
        assert weight.dtype == np.float16
        # Training moved the top layer by more than float16 rounding (~3e-5 at this scale).
        assert np.abs(weight.astype(np.float32) - base.get_tensor(name)).max() > 1e-4
    # The torch runtime, to look at the loaded module itself (the ONNX one is exported from it).
    model = load_model(directory, precision="fp32", runtime="torch")
    encoder = model.features.encoder._model
    assert Path(encoder.name_or_path) == directory / "encoder"
    assert str(encoder.dtype) == "torch.float32"
    prediction = model.predict(["Llama 4 Maverick is great at chat."])[0]
    assert prediction.model_id == "minilm-finetuned-linear"
    assert prediction.model_version == directory.name.removeprefix("minilm-finetuned-linear-")

    # New heads on that encoder (no fine-tuning) refer to it from beside it, by a relative path,
    # so the model loads from any working directory and the encoder is not copied.
    heads = replace(options, finetune_epochs=0, encoder_path=str(directory / "encoder"))
    with pytest.raises(ValueError, match="would be overwritten"):
        train(small_training_file(tmp_path, every=60), tmp_path, options=heads, seed=1)
    shared = train(small_training_file(tmp_path, every=70), tmp_path, options=heads, seed=1)
    assert shared.parent == directory.parent and not (shared / "encoder").exists()
    assert json.loads((shared / "config.json").read_text())["encoder_dir"] == f"../{directory.name}/encoder"
    # Replacing the model whose encoder those heads read would leave them on another encoder.
    with pytest.raises(ValueError, match=re.escape(f"read by {shared.name}")):
        train(small_training_file(tmp_path, every=60), tmp_path, options=options, seed=1, overwrite=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    reloaded = load_model(shared.resolve(), precision="fp32", runtime="torch")
    assert reloaded.model_id == "minilm-finetuned-linear"
    assert reloaded.features.encoder.model_id == f"{directory.name}/encoder"
    texts = ["Llama 4 Maverick is great at chat.", "官网又挂了"]
    assert np.allclose(reloaded.features.encoder.encode(texts), model.features.encoder.encode(texts), atol=1e-6)


def test_a_model_directory_is_written_whole_and_replaced_only_when_asked(tmp_path):
    """Training into the name of an existing model (same id, code version and data) refuses
    without `overwrite`; a run stopped midway (Ctrl-C at the end of its fine-tuning epoch) leaves
    the old model byte for byte and no staging directory; with `overwrite` the new one replaces
    it whole. The CLI says how to go on."""
    data = small_training_file(tmp_path, every=60)
    options = TrainOptions(finetune_epochs=1, max_length=32, n_features=2**10)
    out = tmp_path / "out"
    first = train(data, out, options=options, seed=1)

    def snapshot(directory):
        return {p.relative_to(directory): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}

    before = snapshot(first)
    assert {"config.json", "weights.npz", "model_card.json", "MODEL_CARD.md"} <= {str(p) for p in before}
    with pytest.raises(FileExistsError, match="--overwrite"):
        train(data, out, options=options, seed=2)

    def interrupt(message):
        if "epoch 1/1" in message:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(data, out, options=options, seed=2, log=interrupt, overwrite=True)
    assert snapshot(first) == before
    assert [p.name for p in out.iterdir()] == [first.name]

    second = train(data, out, options=options, seed=2, overwrite=True)
    assert second == first and [p.name for p in out.iterdir()] == [first.name]
    assert json.loads((second / "model_card.json").read_text())["seed"] == 2
    reloaded = load_model(second, precision="fp32").predict(["Llama 4 is great."])[0]
    assert reloaded.model_version == second.name.removeprefix("minilm-finetuned-linear-")

    result = CliRunner().invoke(cli, ["models", "train", "--data", str(data), "--out", str(out),
                                      "--finetune-epochs", "1", "--max-length", "32"])
    assert result.exit_code == 2 and "already exists" in result.output and "--overwrite" in result.output


def test_a_soup_of_fine_tuned_runs_stores_the_mean_of_the_runs_it_averages(tmp_path):
    """finetune_members=2 stores the average of the two encoders that seeds 3 and 4 store alone
    (same rows, same vocabulary), so the soup is reproducible from its members."""
    from safetensors.numpy import load_file

    from models.dataset import read_training_data
    from models.finetune import FinetuneSettings, finetune_encoder

    rows, _ = read_training_data(small_training_file(tmp_path, every=90))
    mask = np.ones(len(rows), dtype=bool)
    settings = FinetuneSettings(epochs=1, max_length=24, cjk_min_count=2)

    def run(name: str, seed: int, members: int) -> dict[str, np.ndarray]:
        soup = replace(settings, members=members)
        path = finetune_encoder(rows, mask, default_encoder_path(), tmp_path / name, soup, seed)
        return load_file(path / "model.safetensors")

    alone = [run("three", 3, 1), run("four", 4, 1)]
    soup = run("soup", 3, 2)
    assert soup.keys() == alone[0].keys()
    name = "encoder.layer.5.output.dense.weight"
    # The two runs differ (else the test would not tell an average from either of them) ...
    assert np.abs(alone[0][name].astype(np.float32) - alone[1][name]).max() > 1e-4
    for key, tensor in soup.items():
        mean = (alone[0][key].astype(np.float32) + alone[1][key].astype(np.float32)) / 2
        # ... and the soup is their mean, up to its own float16 rounding.
        np.testing.assert_allclose(tensor.astype(np.float32), mean, rtol=2e-3, atol=1e-6)
    # The added Chinese tokens are the same in every run, so the averaged rows line up.
    assert soup["embeddings.word_embeddings.weight"].shape == alone[0]["embeddings.word_embeddings.weight"].shape


def test_finetune_members_must_be_positive():
    with pytest.raises(ValueError, match="finetune_members must be at least 1, found 0"):
        TrainOptions(finetune_epochs=1, finetune_members=0).check()


def test_fine_tuning_is_reproducible(tmp_path):
    from models.finetune import FinetuneSettings, finetune_encoder
    from models.dataset import read_labeled

    rows = read_labeled(small_training_file(tmp_path, every=200))
    settings = FinetuneSettings(epochs=1, max_length=16, batch_size=4)
    mask = np.ones(len(rows), dtype=bool)
    a = finetune_encoder(rows, mask, default_encoder_path(), tmp_path / "a", settings, seed=2)
    b = finetune_encoder(rows, mask, default_encoder_path(), tmp_path / "b", settings, seed=2)
    assert (a / "model.safetensors").read_bytes() == (b / "model.safetensors").read_bytes()


# Test fixtures written for this test (not training data): Chinese posts and their translations.
PAIRS = [
    ("这个模型升级以后明显变笨了，代码经常写错。", "Since the upgrade this model is clearly dumber; it often writes wrong code."),
    ("新版本的中文回答比上一代好很多，强烈推荐。", "The new version answers in Chinese much better than the last one, highly recommended."),
    ("部署的时候显存不够，一直报错。", "Deploying it runs out of GPU memory and keeps throwing errors."),
    ("怀疑他们在测试集上训练过，分数高得离谱。", "I suspect they trained on the test set; the scores are absurdly high."),
    ("排行榜上的版本和开源的版本不是同一个。", "The version on the leaderboard is not the same one they open-sourced."),
    ("请问支持多少上下文长度？", "How long a context does it support?"),
]


def test_alignment_pulls_chinese_texts_to_their_translations(tmp_path):
    """align_epochs trains the encoder so a Chinese text embeds near where the base encoder puts
    its English translation: the distance shrinks for the pairs it trained on, and a validation
    row's translation is never trained on (it only measures)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from models.dataset import LabeledText
    from models.finetune import FinetuneSettings, _embed, finetune_encoder

    rows = [LabeledText(zh, "zh", "neutral", ()) for zh, _ in PAIRS]
    translations = dict(PAIRS)
    mask = np.array([True] * 5 + [False])
    settings = FinetuneSettings(epochs=0, align_epochs=8, max_length=32, batch_size=8, cjk_min_count=1)
    messages: list[str] = []
    path = finetune_encoder(rows, mask, default_encoder_path(), tmp_path, settings, 0, messages.append, translations)

    def distances(model_path: str) -> np.ndarray:
        tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
        model = AutoModel.from_pretrained(model_path, local_files_only=True, dtype=torch.float32).eval()
        with torch.no_grad():
            zh = _embed(model, tokenizer, [zh for zh, _ in PAIRS], 32)
            en = _embed(teacher, teacher_tokenizer, [en for _, en in PAIRS], 32)
        return ((zh - en) ** 2).mean(dim=1).numpy()

    teacher_tokenizer = AutoTokenizer.from_pretrained(default_encoder_path(), local_files_only=True)
    teacher = AutoModel.from_pretrained(default_encoder_path(), local_files_only=True, dtype=torch.float32).eval()
    before, after = distances(default_encoder_path()), distances(str(path))
    assert (after[:5] < before[:5] * 0.8).all(), (before, after)
    assert any(m.startswith("align (seed 0) epoch 8/8: 5 pairs") for m in messages), messages
    assert any("of 1 pairs before" in m for m in messages), messages


def test_alignment_needs_translations_of_training_texts(tmp_path):
    from models.dataset import LabeledText
    from models.finetune import FinetuneSettings, finetune_encoder

    rows = [LabeledText(zh, "zh", "neutral", ()) for zh, _ in PAIRS]
    settings = FinetuneSettings(epochs=0, align_epochs=1, max_length=16)
    with pytest.raises(ValueError, match="none of the training split's texts has a translation"):
        finetune_encoder(rows, np.ones(len(rows), dtype=bool), default_encoder_path(), tmp_path, settings, 0, translations={"别的": "other"})
    with pytest.raises(ValueError, match=r"align_epochs \(2\) needs finetune_epochs > 0"):
        TrainOptions(align_epochs=2).check()


def test_parallel_file_errors_say_what_was_expected(tmp_path):
    from models.dataset import read_parallel

    good = tmp_path / "ok.jsonl"
    good.write_text(json.dumps({"id": "a", "zh": "很好", "en": "very good"}, ensure_ascii=False) + "\n")
    pairs, digest = read_parallel(good)
    assert pairs == {"很好": "very good"} and len(digest) == 64
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "zh": "很好", "en": ""}, ensure_ascii=False) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: expected an object with non-empty strings 'zh'"):
        read_parallel(bad)


def test_a_text_holding_a_line_separator_stays_one_row(tmp_path):
    # JSON leaves U+2028 and U+0085 unescaped (ensure_ascii=False); only "\n" ends a JSON line.
    text = "Llama 4 loops forever.\u2028It repeats itself\x85 again."
    data = tmp_path / "labeled.jsonl"
    data.write_text(
        json.dumps({"text": text, "sentiment": "negative", "claims": ["regression"]}, ensure_ascii=False)
        + "\r\n\n",
        encoding="utf-8",
    )
    rows, _ = read_training_data(data)
    assert [(r.text, r.claims) for r in rows] == [(text, ("regression",))]


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


def test_no_training_file_leaks_the_dev_set():
    if not DEV.is_file():
        pytest.skip(f"{DEV} is absent (../shared is not mounted)")
    dev_rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    dev_norm = {normalise(d["text"]) for d in dev_rows}
    dev_grams = [trigrams(d["text"]) for d in dev_rows]
    # Real training posts come from the same kind of pages as the dev posts: no page may serve
    # both, or a dev post's neighbours in its thread would be trained on.
    dev_urls = {d["source_url"] for d in dev_rows}
    rows = training_rows()
    assert len(rows) > len(SEED.read_text().splitlines()), "the annotators' files are read too"
    for row in rows:
        assert row.get("source_url") not in dev_urls, row["source_url"]
        assert normalise(row["text"]) not in dev_norm, row["text"]
        grams = trigrams(row["text"])
        for other in dev_grams:
            assert jaccard(grams, other) < DEV_JACCARD, row["text"]


def test_training_data_meets_its_card():
    rows = training_rows()
    assert len(rows) >= 1900
    assert len({normalise(r["text"]) for r in rows}) == len(rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert sum(r["lang"] == "zh" for r in rows) >= 500
    for claim in CLAIMS:
        assert sum(claim in r["claims"] for r in rows) >= 150, claim
    assert sum("model" in r for r in rows) >= 0.8 * len(rows), "the data card's target models"
    written = {"id", "text", "lang", "platform", "sentiment", "claims", "synthetic"}
    real = [r for r in rows if r["synthetic"] is False]
    assert len(real) >= 1000
    assert {r["platform"] for r in real} == {"hackernews", "reddit", "x", "forum", "github", "blog"}
    for row in rows:
        assert row["sentiment"] in SENTIMENTS
        assert row["claims"] == [c for c in CLAIMS if c in row["claims"]]
        # A label changed after annotation says how, in `label_revised` (see the data card);
        # `model` names the model the sentiment is about, where the annotators found one.
        keys = set(row) - {"label_revised", "model"}
        assert "model" not in row or (isinstance(row["model"], str) and row["model"] == " ".join(row["model"].split()) != "")
        if row["synthetic"] is True:
            assert keys in (written, written | {"source_url"})
        else:
            assert keys == written | {"source_url"}
            assert re.match(r"https?://\S+$", row["source_url"]), row


def test_every_chinese_training_row_has_its_translation():
    """The alignment step (models/finetune.py) reads models/data/parallel: each Chinese training
    text has exactly one English translation there, under its row's id, and nothing else is in
    it, so a fresh clone retrains the active model from the committed files."""
    from models.dataset import PARALLEL_DIR, read_parallel

    pairs = [
        json.loads(line)
        for path in sorted(PARALLEL_DIR.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    chinese = {r["id"]: r["text"] for r in training_rows() if r["lang"] == "zh"}
    assert {p["id"]: p["zh"] for p in pairs} == chinese
    assert len(pairs) == len(chinese)
    translations, _ = read_parallel(PARALLEL_DIR)
    assert all(translations[text].strip() for text in chinese.values())


def test_import_keeps_valid_rows_and_says_why_it_left_the_others_out(tmp_path):
    dev = tmp_path / "dev.jsonl"
    dev_text = "DeepSeek R1 keeps repeating the same paragraph forever in my tests"
    dev.write_text(json.dumps({"text": dev_text, "sentiment": "negative", "claims": ["regression"],
                               "source_url": "https://example.org/dev-thread"}) + "\n")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "seed.jsonl").write_text(json.dumps({
        "id": "s1", "text": "Gemini 2.5 Pro is the best model for long documents I have tried.",
        "lang": "en", "platform": "x", "sentiment": "positive", "claims": ["praise"],
        "synthetic": True}) + "\n")
    good = {"id": "a1", "text": "Qwen3 30B runs at 40 tokens/s on my laptop, very impressive.",
            "lang": "en", "platform": "reddit", "sentiment": "positive",
            "claims": ["praise"], "synthetic": False,
            "source_url": "https://example.org/a"}
    lines = [
        good,
        {**good, "id": "a2", "claims": ["praise", "regression"], "text": "Llama 4 got worse."},
        {**good, "id": "a3", "sentiment": "angry", "text": "x1"},
        {**good, "id": "a4", "source_url": "https://example.org/dev-thread", "text": "other"},
        {**good, "id": "a5", "text": dev_text + "!"},
        {**good, "id": "a6", "text": "Gemini 2.5 Pro is the best model for long documents I tried."},
        {**good, "id": "a7", "text": "Qwen3 30B runs at 40 tokens/s on my laptop, very impressive!!"},
        {k: v for k, v in good.items() if k != "source_url"} | {"id": "a8", "text": "no url"},
        {**good, "id": "a9", "platform": "weibo", "text": "platform off the list"},
    ]
    source = tmp_path / "en.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in lines) + '\n{"id": "torn', encoding="utf-8")
    target = data_dir / "real_en.jsonl"
    result = import_labels(source, target, dev_path=dev, data_dir=data_dir)
    kept = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["id"] for r in kept] == ["a1", "a2"] and result.kept == 2
    assert kept[1]["claims"] == ["regression", "praise"]
    reasons = dict(result.dropped)
    assert "'sentiment' must be one of" in reasons[3]
    assert "dev-set page" in reasons[4]
    assert "too close to the dev set" in reasons[5]
    assert "near-duplicate" in reasons[6] and "seed.jsonl" in reasons[6]
    assert "same text as a row already" in reasons[7]
    assert "needs its 'source_url'" in reasons[8]
    assert "'platform' must be one of" in reasons[9]
    assert "invalid JSON" in reasons[10]
    # Re-running on the same (or a grown) file rewrites the target with the same rows.
    assert import_labels(source, target, dev_path=dev, data_dir=data_dir).kept == 2


def test_training_rejects_a_source_url_that_is_not_a_url(tmp_path):
    bad = tmp_path / "bad.jsonl"
    row = {"text": "ok", "sentiment": "neutral", "claims": [], "source_url": "reddit thread"}
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: 'source_url' must be an http\(s\) URL"):
        train(bad, tmp_path / "out")


def test_baselines_score_lexicon_sentiment_and_keyword_claims():
    from models.baselines import Baseline, chinese_polarity, keyword_claims, lexicon_sentiment

    assert lexicon_sentiment("This model is amazing, I love it!")[0] == "positive"
    assert lexicon_sentiment("Terrible release, a huge disappointment.")[0] == "negative"
    assert lexicon_sentiment("Llama 4 was released on Saturday.")[0] == "neutral"
    assert chinese_polarity("这个模型很好用") == 1
    assert chinese_polarity("这个模型不好用") == -1, "a negator flips the hit"
    assert lexicon_sentiment("部署一直报错，太差了")[0] == "negative"
    assert keyword_claims("I think the questions leaked into training") == {"contamination": "leaked"}
    assert set(keyword_claims("用 vLLM 部署时显存不足")) == {"deployment_issue"}
    prediction = Baseline().predict(["They cherry-picked the benchmarks."])[0]
    assert prediction.claims == ("benchmark_gaming",)
    assert prediction.evidence == {"benchmark_gaming": "cherry-picked"}


def test_validation_holds_out_whole_pages_and_a_fifth_of_the_real_rows_per_language():
    from models.dataset import LabeledText
    from models.train import split_validation

    rows = []
    for page in range(60):
        lang = "zh" if page % 3 == 0 else "en"
        for passage in range(1 + page % 4):
            rows.append(LabeledText(f"page {page} passage {passage}", lang, SENTIMENTS[page % 3], (),
                                    source_url=f"https://example.org/thread/{page}"))
    rows += [LabeledText(f"written {i}", "en", "neutral", ()) for i in range(30)]
    mask = split_validation(rows, seed=0)
    held = {r.source_url for r, v in zip(rows, mask) if v}
    kept = {r.source_url for r, v in zip(rows, mask) if not v}
    assert held and not held & kept and None not in held
    for lang in ("en", "zh"):
        real = [v for r, v in zip(rows, mask) if r.lang == lang and r.source_url]
        # Whole pages of up to 4 passages: the share lands within a page of a fifth.
        assert abs(sum(real) - 0.2 * len(real)) <= 4
    assert (split_validation(rows, seed=0) == mask).all()
    assert (split_validation(rows, seed=1) != mask).any()


def test_the_encoder_reads_the_target_model_before_the_text():
    from models.encoder import with_targets

    texts = ["Llama 3.3 did better than these new offerings.", "官网又挂了", "plain"]
    assert with_targets(texts, ["Llama 4", " Qwen3\n235B ", None]) == [
        "Llama 4 | Llama 3.3 did better than these new offerings.",
        "Qwen3 235B | 官网又挂了",
        "plain",
    ]
    assert with_targets(texts, None) == texts
    assert with_targets(["x"], ["  "]) == ["x"], "a blank name is no target"
    with pytest.raises(ValueError, match="got 3 texts but 1 targets"):
        with_targets(texts, ["Llama 4"])


def test_training_hides_a_share_of_the_training_splits_targets_and_none_of_validation():
    from models.dataset import LabeledText
    from models.train import TARGET_HIDDEN, _training_targets, split_validation

    rows = [
        LabeledText(f"post {i}", "en", SENTIMENTS[i % 3], (), source_url=f"https://example.org/{i}", target="Llama 4")
        for i in range(2000)
    ]
    seen = _training_targets(rows, TrainOptions(target_aware=True), seed=0)
    val = split_validation(rows, seed=0)
    hidden = np.array([r.target is None for r in seen])
    assert not hidden[val].any()
    assert abs(hidden[~val].mean() - TARGET_HIDDEN) < 0.04
    assert [r.text for r in seen] == [r.text for r in rows]
    assert seen == _training_targets(rows, TrainOptions(target_aware=True), seed=0), "seeded"
    assert all(r.target is None for r in _training_targets(rows, TrainOptions(), seed=0))
    # The heads read every target (hide=False); a model that reads none still drops them.
    assert _training_targets(rows, TrainOptions(target_aware=True), seed=0, hide=False) == rows
    assert all(r.target is None for r in _training_targets(rows, TrainOptions(), seed=0, hide=False))


def test_other_models_become_sentiment_only_rows_after_every_own_row(tmp_path):
    """The others file labels the sentiment toward the other models a row's text judges: each
    becomes a row of the same text under that model, with no claims of its own, after all the
    files' own rows; the digest covers the file, and without it nothing changes."""
    from models.dataset import LabeledText

    url = "https://example.org/thread/1"
    data, others = tmp_path / "data", tmp_path / "others.jsonl"
    data.mkdir()
    (data / "a.jsonl").write_text(json.dumps({
        "id": "a-1", "text": "Llama 3.3 did better than these new offerings.", "lang": "en",
        "sentiment": "negative", "claims": ["comparison"], "source_url": url, "model": "Llama 4",
    }) + "\n")
    (data / "b.jsonl").write_text(json.dumps({"id": "b-1", "text": "Fine.", "sentiment": "neutral", "claims": []}) + "\n")
    others.write_text(json.dumps({"id": "a-1", "others": [{"model": "Llama 3.3 70B", "sentiment": "positive"}]}) + "\n")
    rows, digest = read_training_data(data, others)
    assert [(r.text, r.target, r.sentiment, r.claims, r.sentiment_only) for r in rows] == [
        ("Llama 3.3 did better than these new offerings.", "Llama 4", "negative", ("comparison",), False),
        ("Fine.", None, "neutral", (), False),
        ("Llama 3.3 did better than these new offerings.", "Llama 3.3 70B", "positive", (), True),
    ]
    assert rows[2] == LabeledText(rows[0].text, "en", "positive", (), url, "", "Llama 3.3 70B", sentiment_only=True)
    plain, plain_digest = read_training_data(data)
    assert plain == rows[:2] and plain_digest != digest


@pytest.mark.parametrize("line, found", [
    ({"id": "a-1", "others": {"model": "GPT-4o", "sentiment": "positive"}}, "'others' must be a list"),
    ({"id": "a-1", "others": [{"model": "GPT-4o", "sentiment": "great"}]}, "found {'model': 'GPT-4o', 'sentiment': 'great'}"),
    ({"id": "a-1", "others": [{"model": "", "sentiment": "positive"}]}, "found {'model': '', "),
    ({"id": "a-1", "others": [{"model": "Llama 4", "sentiment": "positive"}]}, "names the row's own model 'Llama 4'"),
    ({"id": "zz", "others": []}, "1 ids match no training row (first 'zz')"),
    ({"others": []}, 'expected {"id": row id, "others": [...]}'),
])
def test_other_models_that_are_not_well_formed_are_refused(tmp_path, line, found):
    data, others = tmp_path / "rows.jsonl", tmp_path / "others.jsonl"
    data.write_text(json.dumps({"id": "a-1", "text": "ok", "sentiment": "neutral", "claims": [], "model": "Llama 4"}) + "\n")
    others.write_text(json.dumps(line) + "\n")
    with pytest.raises(ValueError, match=re.escape(found)):
        read_training_data(data, others)
    with pytest.raises(ValueError, match="other_targets_path needs target_aware"):
        TrainOptions(other_targets_path=str(others)).check()


def test_the_committed_other_models_annotate_training_rows():
    from models.dataset import OTHERS_DIR

    rows, _ = read_training_data(DATA, OTHERS_DIR)
    extra = [r for r in rows if r.sentiment_only]
    assert len(extra) >= 2000 and {r.sentiment for r in extra} == set(SENTIMENTS)
    assert all(r.target == " ".join(r.target.split()) != "" for r in extra)


def test_sentiment_only_rows_follow_their_page_and_are_never_hidden_or_read_without_targets():
    from models.dataset import LabeledText
    from models.train import _training_targets, split_validation

    own = [
        LabeledText(f"post {i}", "en", SENTIMENTS[i % 3], (), source_url=f"https://example.org/{i // 2}", target="Llama 4")
        for i in range(400)
    ]
    extra = [replace(row, sentiment="positive", target="GPT-4o", sentiment_only=True) for row in own[::3]]
    mask = split_validation(own + extra, seed=0)
    assert (mask[: len(own)] == split_validation(own, seed=0)).all(), "the own rows' split is unchanged"
    page_held = {r.source_url for r, m in zip(own, mask) if m}
    assert [m for m in mask[len(own):]] == [r.source_url in page_held for r in extra]
    assert 0 < mask[len(own):].sum() < len(extra)

    seen = _training_targets(own + extra, TrainOptions(target_aware=True), seed=0)
    assert all(r.target == "GPT-4o" for r in seen[len(own):])
    assert any(r.target is None for r in seen[: len(own)])
    assert _training_targets(own + extra, TrainOptions(), seed=0) == [replace(r, target=None) for r in own]


def test_target_pooling_reads_the_name_and_the_text_as_a_pair_and_pools_each():
    from models.encoder import Encoder, pair_tokens, target_pool

    encoder = Encoder(precision="fp32", target_pooling=True)
    texts = ["Llama 3.3 did better than these new offerings.", "官网又挂了"]
    tokens, text_mask, target_mask = pair_tokens(encoder._tokenizer, texts, ["Llama 4", None], 128, "np")
    words = encoder._tokenizer.convert_ids_to_tokens(tokens["input_ids"][0])
    assert [w for w, m in zip(words, target_mask[0]) if m] == ["ll", "##ama", "4"]
    assert [w for w, m in zip(words, text_mask[0]) if m][:3] == ["ll", "##ama", "3"]
    assert target_mask[1].sum() == 0 and text_mask[1].sum() > 0
    # A text without a target pools its text for both halves.
    hidden = np.random.default_rng(0).standard_normal((2, tokens["input_ids"].shape[1], 4))
    text_half, target_half = target_pool(hidden, text_mask.astype(float), target_mask.astype(float))
    np.testing.assert_allclose(target_half[1], text_half[1])
    np.testing.assert_allclose(target_half[0], hidden[0][target_mask[0] == 1].mean(0))

    llama4, llama33 = (encoder.encode(texts, [name, None]) for name in ("Llama 4", "Llama 3.3"))
    assert llama4.shape == (2, 2 * 384) and encoder.dim == 768
    np.testing.assert_allclose(np.linalg.norm(llama4, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(llama4[1], llama33[1], rtol=1e-5)
    assert np.abs(llama4[0, 384:] - llama33[0, 384:]).max() > 0.01
    with pytest.raises(ValueError, match="target_pooling needs target_aware"):
        TrainOptions(target_pooling=True).check()


@pytest.mark.parametrize("pooling", [False, True], ids=["name-first", "name-pooled"])
def test_a_target_aware_model_reads_the_target_and_an_older_one_ignores_it(tmp_path, pooling):
    """Trained with each row's `model`, the encoder reads that name with the text (before it, or
    as a pair with its states pooled apart), so the same text scores differently under two
    targets; the stored option makes the loaded model do the same, `predict_jsonl` passes a
    line's `model`, and `models eval` says the dev set's were read."""
    rows = [json.loads(line) for line in small_training_file(tmp_path, every=60).read_text().splitlines()]
    for i, row in enumerate(rows):
        row["model"] = ["Llama 4", "Qwen3", "GPT-4o"][i % 3]
    data = tmp_path / "targeted.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    others = tmp_path / "others.jsonl"
    others.write_text("".join(
        json.dumps({"id": r["id"], "others": [{"model": "Mistral Small", "sentiment": SENTIMENTS[(SENTIMENTS.index(r["sentiment"]) + 1) % 3]}]}) + "\n"
        for r in rows[::4]
    ))
    options = TrainOptions(
        finetune_epochs=1, max_length=32, n_features=2**10, cjk_min_count=0, target_aware=True,
        target_pooling=pooling, other_targets_path=str(others),
    )
    directory = train(data, tmp_path, options=options, seed=1)
    stored = json.loads((directory / "config.json").read_text())["options"]
    assert (stored["target_aware"], stored["target_pooling"]) == (True, pooling)
    assert ("the name's states pooled beside the text's" if pooling else "each text read after the name of the model it is about") in (directory / "MODEL_CARD.md").read_text()
    # The other models' labels train the sentiment head beside the rows, measured apart from them.
    card = json.loads((directory / "model_card.json").read_text())
    assert (card["n_examples"], card["n_other_targets"]) == (len(rows), len(rows[::4]))
    assert card["validation"]["other_targets"]["n"] > 0

    targeted = load_model(directory)
    text = "Llama 3.3 did better at coding than these new offerings."
    plain, llama, qwen = (targeted.score([text], t)[0] for t in (None, ["Llama 4"], ["Qwen3"]))
    assert targeted.target_aware
    assert not np.allclose(plain, llama) and not np.allclose(llama, qwen)
    # The name reaches the encoder only, not the n-grams: the text's n-gram columns are unchanged.
    with_name, alone = targeted.features.transform([text], ["Llama 4"]), targeted.features.transform([text])
    dim = targeted.features.encoder.dim
    assert dim == 384 * (2 if pooling else 1)
    assert (with_name[:, dim:] != alone[:, dim:]).nnz == 0 and (with_name[:, :dim] != alone[:, :dim]).nnz > 0

    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": 1, "text": text, "model": "Llama 4"}) + "\n" + json.dumps({"id": 2, "text": text}) + "\n"
    )
    out = tmp_path / "out.jsonl"
    predict_jsonl(source, out, model=targeted)
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert written[0]["scores"] == targeted.predict([text], ["Llama 4"])[0].scores
    assert written[1]["scores"] == targeted.predict([text])[0].scores != written[0]["scores"]

    # A model trained before targets existed gives the same scores with or without one.
    older = load_model(ACTIVE.parent / "minilm-static-linear-0.7.0+dd3f6a27")
    assert not older.target_aware
    np.testing.assert_array_equal(older.score([text], ["Llama 4"])[0], older.score([text])[0])

    dev = tmp_path / "dev.jsonl"
    dev.write_text(
        json.dumps({"text": text, "lang": "en", "sentiment": "negative", "claims": ["comparison"], "model": "Llama 4"})
        + "\n" + json.dumps({"text": "Fine.", "lang": "en", "sentiment": "neutral", "claims": []}) + "\n"
    )
    report = format_report(evaluate(dev, model=targeted))
    assert "target model: 1 of 2 rows name it in 'model'; the model reads it" in report


def test_a_target_that_is_not_a_string_is_refused(model, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "ok", "sentiment": "neutral", "claims": [], "model": 4}) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: 'model' \(the model the sentiment is about\) must be a string"):
        train(bad, tmp_path / "out")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": "ok", "model": ["Llama 4"]}) + "\n")
    with pytest.raises(ValueError, match=r"line 1: 'model' names the model the text is about and must be a string"):
        predict_jsonl(source, tmp_path / "out.jsonl", model=model)
    with pytest.raises(ValueError, match="got 1 texts but 2 targets"):
        model.predict(["ok"], ["a", "b"])
