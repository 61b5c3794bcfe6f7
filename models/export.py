"""The encoder as an ONNX Runtime graph: exported once from its weights, cached by content hash.

The ONNX file is not committed: it is rebuilt offline from whatever encoder directory a model
names (the bundled MiniLM or a fine-tuned copy), so no artifact can go stale against its weights.
The cache key hashes the encoder's config and weight files together with the export recipe and
the torch / onnxruntime versions; a changed encoder or toolchain gets a new entry, never an old
graph.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from importlib.metadata import version
from pathlib import Path

# Bump when the steps below change, so cached graphs from older steps are not reused.
RECIPE = "1: eager attention, opset 17, ORT bert fusions, int8 = dynamic per-channel QInt8"
ONNX_PRECISIONS = ("fp32", "int8")
DEFAULT_CACHE = Path.home() / ".cache" / "launchwatch" / "onnx"
WEIGHT_SUFFIXES = (".safetensors", ".bin")


def encoder_directory(path: str) -> Path:
    """The local directory holding `path`'s files: itself, or its snapshot in the Hugging Face cache."""
    if os.path.isdir(path):
        return Path(path)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(path, local_files_only=True))


def cache_key(directory: Path, precision: str) -> str:
    """sha256 of the encoder's config and weights, the recipe and the toolchain versions."""
    # Versions from the installed metadata: a cache hit then never has to import torch.
    versions = "|".join(f"{name} {version(name)}" for name in ("torch", "onnxruntime", "onnx"))
    digest = hashlib.sha256()
    digest.update(f"{RECIPE}|{precision}|{versions}".encode())
    files = [directory / "config.json"] + sorted(
        p for p in directory.iterdir() if p.suffix in WEIGHT_SUFFIXES
    )
    for file in files:
        digest.update(file.name.encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def onnx_encoder(path: str, precision: str, cache_dir: Path | None = None) -> Path:
    """The cached ONNX graph of encoder `path` at `precision`, exported first if missing."""
    if precision not in ONNX_PRECISIONS:
        raise ValueError(
            f"the onnx runtime supports precision {ONNX_PRECISIONS}, got {precision!r}; "
            "bf16 needs the torch runtime (and a CPU with native bf16)"
        )
    directory = encoder_directory(path)
    target = (cache_dir or DEFAULT_CACHE) / cache_key(directory, precision) / "encoder.onnx"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            built = _build(directory, precision, Path(work))
            # Rename into place last: a concurrent or interrupted export never leaves a partial file.
            os.replace(built, target)
    return target


def _build(directory: Path, precision: str, work: Path) -> Path:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    # Eager attention traces to the MatMul/Softmax pattern ORT's BERT fuser recognises (6 fused
    # Attention nodes for MiniLM); the SDPA trace is left unfused.
    model = AutoModel.from_pretrained(
        directory, local_files_only=True, dtype=torch.float32, attn_implementation="eager"
    ).eval()
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokenizer.model_input_names]
    sample = tokenizer(["an encoder export sample", "short"], padding=True, return_tensors="pt")
    raw = work / "raw.onnx"
    with warnings.catch_warnings(), torch.inference_mode():
        # The TorchScript exporter warns that it is deprecated; it is the one that needs no
        # onnxscript and yields the graph ORT's transformer optimizer knows.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _keyword_wrapper(model, names),
            tuple(sample[n] for n in names),
            str(raw),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    fused = work / "fused.onnx"
    optimized = optimizer.optimize_model(
        str(raw),
        model_type="bert",
        num_heads=int(model.config.num_attention_heads),
        hidden_size=int(model.config.hidden_size),
    )
    optimized.save_model_to_file(str(fused))
    if precision == "fp32":
        return fused
    quantized = work / "int8.onnx"
    quantize_dynamic(
        str(fused),
        str(quantized),
        per_channel=True,
        weight_type=QuantType.QInt8,
        # Fused ops (Attention, SkipLayerNormalization) are from ORT's own domain, for which
        # shape inference gives no output type; they are float32.
        extra_options={"DefaultTensorType": 1},
    )
    return quantized


def _keyword_wrapper(model, names: list[str]):
    """`model` taking its inputs by position and calling it by keyword: transformers 5 moved
    arguments between positions, and the exporter passes positional tensors."""
    import torch

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return self.model(**dict(zip(names, inputs))).last_hidden_state

    return HiddenStates()
