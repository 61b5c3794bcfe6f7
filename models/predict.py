"""Inference: load a trained model directory and classify texts, with evidence sentences."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from .encoder import TextFeatures, checked_targets
from .prediction import CLAIMS, SENTIMENTS, Prediction
from .vocabulary import CJK

ARTIFACTS = Path(__file__).parent / "artifacts"
ACTIVE = ARTIFACTS / "ACTIVE"
CHUNK = 256
# English terminators end a sentence only before whitespace (keeps "2.5" and "v3.1" whole);
# Chinese ones end it wherever they stand.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `text`, whitespace trimmed, empties dropped."""
    spans, start = [], 0
    for match in [*_SENTENCE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        if match:
            start = match.end()
    return spans


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, each an exact substring of it, stripped, empties dropped."""
    return [text[lo:hi] for lo, hi in sentence_spans(text)]


class Classifier:
    """A trained model: the feature extractor plus numpy weights and per-claim thresholds."""

    def __init__(self, directory: Path, features: TextFeatures, config: dict, weights) -> None:
        if tuple(config["sentiments"]) != SENTIMENTS or tuple(config["claims"]) != CLAIMS:
            raise ValueError(
                f"{directory}: labels {config['sentiments']} / {config['claims']} do not match "
                f"this code's {SENTIMENTS} / {CLAIMS}; retrain the model with models.train."
            )
        self.directory = directory
        self.features = features
        self.model_id: str = config["model_id"]
        self.model_version: str = config["model_version"]
        self.thresholds = np.array([config["thresholds"][c] for c in CLAIMS], dtype=np.float32)
        self._sentiment_offsets = np.array(
            [config["sentiment_offsets"][s] for s in SENTIMENTS], dtype=np.float32
        )
        self._sentiment_coef = weights["sentiment_coef"]
        self._sentiment_intercept = weights["sentiment_intercept"]
        self._claims_coef = weights["claims_coef"]
        self._claims_intercept = weights["claims_intercept"]

    @property
    def target_aware(self) -> bool:
        """Whether the model reads the name of the model each text is about (see predict)."""
        return self.features.target_aware

    def predict(self, texts: Sequence[str], targets: Sequence[str | None] | None = None) -> list[Prediction]:
        """Classify `texts`. `targets`, one per text (or None), name the model each text is
        about: sentiment is toward that model. Models trained before 0.9.0 ignore them."""
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{i}] must be a str, found {type(text).__name__}")
        targets = checked_targets(targets, len(texts))
        out: list[Prediction] = []
        for start in range(0, len(texts), CHUNK):
            out.extend(self._predict_chunk(texts[start : start + CHUNK], targets[start : start + CHUNK]))
        return out

    def evidence(
        self,
        texts: Sequence[str],
        claims: Sequence[Sequence[str]],
        targets: Sequence[str | None] | None = None,
    ) -> list[dict[str, str]]:
        """For each text, the sentence shown as evidence for each of the claims given for it.

        The claims are given rather than predicted, so the choice of sentence can be measured on
        its own (models/evidence.py).
        """
        texts = list(texts)
        if len(claims) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(claims)} claim lists")
        targets = checked_targets(targets, len(texts))
        unknown = sorted({c for group in claims for c in group} - set(CLAIMS))
        if unknown:
            raise ValueError(f"unknown claims {unknown}; expected claims from {CLAIMS}")
        out: list[dict[str, str]] = []
        for start in range(0, len(texts), CHUNK):
            chunk = texts[start : start + CHUNK]
            spans = [sentence_spans(text) for text in chunk]
            wanted = np.array(
                [[c in claims[start + i] and bool(spans[i]) for c in CLAIMS] for i in range(len(chunk))],
                dtype=bool,
            )
            passed = self._kept_pass(chunk, targets[start : start + CHUNK])
            kept = passed[1] if passed else None
            out.extend(self._evidence(chunk, wanted, spans, targets[start : start + CHUNK], kept))
        return out

    def score(
        self, texts: Sequence[str], targets: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(sentiment probabilities (n, 3), claim probabilities (n, 6)) for `texts`."""
        return self._heads(self.features.transform(texts, targets))

    def _heads(self, x) -> tuple[np.ndarray, np.ndarray]:
        logits = np.asarray(x @ self._sentiment_coef.T) + self._sentiment_intercept
        # Offsets tuned on the validation split shift the decision toward the classes the
        # balanced head under-predicts; the probabilities reported are the shifted ones.
        logits += self._sentiment_offsets
        logits -= logits.max(axis=1, keepdims=True)
        sentiment = np.exp(logits)
        sentiment /= sentiment.sum(axis=1, keepdims=True)
        claim_logits = np.asarray(x @ self._claims_coef.T) + self._claims_intercept
        claims = 1.0 / (1.0 + np.exp(-claim_logits))
        return sentiment, claims

    def _kept_pass(self, texts: list[str], targets: list[str | None]):
        """(embeddings, TokenStates) of `texts` from one encoder pass that keeps the token states
        for their evidence, or None, without running it, where the encoder cannot keep them:
        then _evidence embeds each sentence on its own."""
        if not getattr(self.features.encoder, "keeps_token_states", False):
            return None
        return self.features.encoder.encode(texts, targets if self.target_aware else None, keep_states=True)

    def _predict_chunk(self, texts: list[str], targets: list[str | None]) -> list[Prediction]:
        spans = [sentence_spans(text) for text in texts]
        passed = self._kept_pass(texts, targets)
        if passed is None:
            features, kept = self.features.transform(texts, targets), None
        else:
            features, kept = self.features.combine(passed[0], texts), passed[1]
        sentiment, claims = self._heads(features)
        # A blank text has no sentence to show as evidence, so it asserts nothing; the bias
        # terms alone can otherwise put a claim over its threshold.
        blank = np.array([not s for s in spans], dtype=bool)
        positive = (claims >= self.thresholds) & ~blank[:, None]
        evidence = self._evidence(texts, positive, spans, targets, kept)
        return [
            Prediction(
                sentiment=SENTIMENTS[int(sentiment[i].argmax())],
                claims=tuple(c for c, on in zip(CLAIMS, positive[i]) if on),
                scores={
                    **{s: round(float(p), 4) for s, p in zip(SENTIMENTS, sentiment[i])},
                    **{c: round(float(p), 4) for c, p in zip(CLAIMS, claims[i])},
                },
                evidence=evidence[i],
                model_id=self.model_id,
                model_version=self.model_version,
            )
            for i in range(len(texts))
        ]

    def _evidence(
        self,
        texts: list[str],
        positive: np.ndarray,
        spans: list[list[tuple[int, int]]],
        targets: list[str | None],
        kept=None,
    ) -> list[dict[str, str]]:
        """For each positive claim, the sentence of the text its head scores highest.

        A sentence is scored on its own vector, not its neighbours' (pooled from the post's own
        token states it picked an annotated sentence for 0.796 of claims, on its own 0.887;
        models/data/evidence/, README "Evidence"). With the encoder's `kept` token states the
        sentences of a text that needs one (a single sentence needs no scoring) rerun only the
        encoder's last layers, each attending to itself (Encoder.sentence_embeddings), unless
        the text is Chinese (_reads_alone); the others, and any sentence past the token window,
        are embedded in a pass of their own.
        """
        scored = [i for i in range(len(texts)) if positive[i].any() and len(spans[i]) > 1]
        sentences = {i: [texts[i][lo:hi] for lo, hi in spans[i]] for i in scored}
        flat = [s for i in scored for s in sentences[i]]
        names = [targets[i] for i in scored for _ in sentences[i]]
        embeddings = np.zeros((len(flat), self.features.encoder.dim), dtype=np.float32)
        covered = np.zeros(len(flat), dtype=bool)
        if kept is not None:
            first = dict(zip(scored, np.cumsum([0] + [len(sentences[i]) for i in scored])))
            rerun = [i for i in scored if not _reads_alone(texts[i])]
            if rerun:
                rows = np.concatenate([first[i] + np.arange(len(spans[i])) for i in rerun])
                embeddings[rows], covered[rows] = self.features.encoder.sentence_embeddings(
                    kept, rerun, [spans[i] for i in rerun]
                )
        alone = np.flatnonzero(~covered)
        if len(alone):
            embeddings[alone] = self.features.encoder.encode(
                [flat[k] for k in alone], [names[k] for k in alone] if self.target_aware else None
            )
        if scored:
            pool_scores = self._heads(self.features.combine(embeddings, flat))[1]
        result, cursor = [], 0
        for i, text in enumerate(texts):
            on = [(j, c) for j, c in enumerate(CLAIMS) if positive[i, j]]
            if i in sentences:
                block = pool_scores[cursor : cursor + len(sentences[i])]
                cursor += len(sentences[i])
                result.append({c: sentences[i][int(block[:, j].argmax())] for j, c in on})
            elif on:
                # The text is one sentence (a positive text is never blank).
                lo, hi = spans[i][0]
                result.append({c: text[lo:hi] for _, c in on})
            else:
                result.append({})
        return result


def _reads_alone(text: str) -> bool:
    """Whether the evidence for `text` embeds its sentences in passes of their own instead of
    rerunning the post's last layers: a Chinese post (Han characters, weighted 3 to a Latin
    letter as in extractors/lang.py, outnumber the Latin letters). On the annotated Chinese
    claims the rerun picked a marked sentence for 0.833 of 324, a pass of its own for 0.870;
    on the English ones both 0.900 (README "Evidence")."""
    han = len(CJK.findall(text))
    return han > 0 and 3 * han > sum(1 for char in text if char.isascii() and char.isalpha())


def load_model(
    path: str | Path | None = None,
    *,
    encoder_path: str | None = None,
    precision: str = "auto",
    runtime: str = "torch",
    cache_dir: Path | None = None,
) -> Classifier:
    """Load a model directory; by default the one named in artifacts/ACTIVE, else the newest.

    `encoder_path` overrides where the encoder (or, for a static model, its tokenizer) is loaded
    from: it must be the same encoder the model was trained with, as the weights are tied to its
    embedding space. `runtime` and `precision` apply to transformer encoders: "torch" (the
    default, the plain transformers model) or "onnx" (an ONNX Runtime graph exported once into
    `cache_dir`), at "fp32", "int8" or "bf16" (torch only); see Encoder.
    """
    from .train import TrainOptions, build_features

    directory = Path(path) if path is not None else _default_directory()
    config_path = directory / "config.json"
    if not config_path.is_file():
        raise FileNotFoundError(
            f"{directory} is not a trained model: expected config.json and weights.npz in it "
            "(written by `launchwatch models train`)."
        )
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if "options" not in config:
        raise ValueError(
            f"{directory}/config.json has no 'options': it was written by an older trainer "
            "(before 0.2.0); retrain it with `launchwatch models train`."
        )
    with np.load(directory / "weights.npz") as npz:
        weights = {name: npz[name] for name in npz.files}
    options = dict(config["options"])
    options["ngram_range"] = tuple(options["ngram_range"])
    if encoder_path:
        options["encoder_path"] = encoder_path
    elif config.get("encoder_dir"):
        # A fine-tuned encoder is stored inside the model directory (models/finetune.py).
        options["encoder_path"] = str(directory / config["encoder_dir"])
    options = TrainOptions(**options)
    table = None
    if options.encoder_kind == "static":
        with np.load(directory / "tokens.npz") as npz:
            table = npz["table"].astype(np.float32)
    features = build_features(options, table, precision=precision, runtime=runtime, cache_dir=cache_dir)
    return Classifier(directory, features, config, weights)


def _default_directory() -> Path:
    if ACTIVE.is_file():
        name = ACTIVE.read_text(encoding="utf-8").strip()
        if not (ARTIFACTS / name).is_dir():
            raise FileNotFoundError(
                f"{ACTIVE} names {name!r} but {ARTIFACTS / name} does not exist; fix the file "
                "or delete it to use the newest model."
            )
        return ARTIFACTS / name
    # A name starting with "." is a model still being written by `models train`, or left by a
    # run that was killed (models.train.STAGING_SUFFIX).
    candidates = (
        [d for d in ARTIFACTS.glob("*/model_card.json") if not d.parent.name.startswith(".")]
        if ARTIFACTS.is_dir()
        else []
    )
    if not candidates:
        raise FileNotFoundError(
            f"no trained model under {ARTIFACTS}; train one with "
            "`launchwatch models train`."
        )
    newest = max(candidates, key=lambda p: json.loads(p.read_text(encoding="utf-8"))["trained_at"])
    return newest.parent


def predict_jsonl(
    input_path: str | Path, output_path: str | Path, model: Classifier | None = None
) -> int:
    """Classify every `{"id", "text"}` line of `input_path` into `output_path`; return the count.

    A line's optional `model` names the model its sentiment is about (as in the dev set).

    The output is written to a temporary file and renamed at the end, so a bad line leaves no
    half-written output behind.
    """
    model = model or load_model()
    output_path = Path(output_path)
    partial = output_path.with_name(output_path.name + ".partial")
    count = 0
    try:
        with open(partial, "w", encoding="utf-8") as out:
            for records in _chunks(_read_requests(input_path), CHUNK):
                predictions = model.predict([r["text"] for r in records], [r.get("model") for r in records])
                for record, prediction in zip(records, predictions):
                    out.write(json.dumps(_output_row(record, prediction), ensure_ascii=False))
                    out.write("\n")
                count += len(records)
        os.replace(partial, output_path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _read_requests(path: str | Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if line.strip():
                yield _parse_request(line, path, lineno)


def _parse_request(line: str, path: str | Path, lineno: int) -> dict:
    expected = 'expected a JSON object like {"id": "hn:1", "text": "..."}'
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path} line {lineno}: {expected}, found invalid JSON ({exc.msg} at column "
            f"{exc.colno}). Fix or remove the line."
        ) from exc
    if not isinstance(record, dict):
        raise ValueError(f"{path} line {lineno}: {expected}, found a {type(record).__name__}.")
    if "id" not in record or not isinstance(record.get("text"), str):
        raise ValueError(
            f"{path} line {lineno}: {expected}, found keys {sorted(record)} with text of type "
            f"{type(record.get('text')).__name__}. Every line needs an 'id' and a string 'text'."
        )
    if record.get("model") is not None and not isinstance(record["model"], str):
        raise ValueError(
            f"{path} line {lineno}: 'model' names the model the text is about and must be a "
            f"string, found {record['model']!r}. Write the name as a string or drop the key."
        )
    return record


def _chunks(items: Iterator[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _output_row(record: dict, prediction: Prediction) -> dict:
    return {
        **record,
        "sentiment": prediction.sentiment,
        "claims": list(prediction.claims),
        "scores": prediction.scores,
        "evidence": prediction.evidence,
        "model_id": prediction.model_id,
        "model_version": prediction.model_version,
    }
