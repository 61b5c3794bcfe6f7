"""Fine-tuning the encoder end to end on the labeled data (multi-task: sentiment and claims).

The frozen MiniLM embeds posts for semantic similarity, not for who is praised or blamed, so a
linear head on top of it confuses positive and negative posts. Here the whole encoder is
trained, with a softmax sentiment head and six sigmoid claim heads on its mean-pooled output;
only the encoder is kept. The model's logistic heads (models/train.py) are then fitted on the
fine-tuned embeddings exactly as on the frozen ones, so inference does not change: the model
directory just names a different encoder directory. Optionally (`align_epochs`, see _align),
alignment epochs come first and teach the encoder to put a Chinese text where MiniLM puts its
English translation.

The encoder is stored in float16 safetensors (~45 MB for MiniLM instead of ~90 MB) and upcast
to float32 when loaded. The heads are fitted on the embeddings of the stored, rounded encoder,
so the rounding cannot put the heads and the encoder out of step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .dataset import LabeledText
from .encoder import masked_mean, pair_tokens, target_pool, with_targets
from .gloss import encoder_inputs
from .prediction import CLAIMS, SENTIMENTS
from .vocabulary import extend_vocabulary

ENCODER_DIR = "encoder"


@dataclass(frozen=True)
class FinetuneSettings:
    epochs: int = 2
    learning_rate: float = 4e-5
    batch_size: int = 16
    max_length: int = 128
    weight_decay: float = 0.01
    # A tenth of the steps warm the learning rate up, then it decays linearly to zero.
    warmup_share: float = 0.1
    # > 0: CJK characters the vocabulary lacks and the training split uses this often get
    # tokens of their own, started from their dictionary glosses (models/vocabulary.py).
    cjk_min_count: int = 0
    # Chinese texts are read with their English gloss appended (models/gloss.py).
    gloss: bool = False
    # Runs whose weights are averaged into the stored encoder (see finetune_encoder).
    members: int = 1
    # > 0: before the task epochs, this many epochs of cross-lingual alignment (see _align):
    # each Chinese training text with an English translation is pulled to where the frozen base
    # encoder puts the translation.
    align_epochs: int = 0
    # Each text is read after the name of its target model (encoder.with_targets).
    target_aware: bool = False
    # With target_aware: the text and the name are read as a pair and the heads see the text's
    # mean state beside the name's (encoder.target_pool) instead of one mean over both.
    target_pooling: bool = False


def finetune_encoder(
    rows: list[LabeledText],
    train_mask: np.ndarray,
    base_path: str,
    out_dir: Path,
    settings: FinetuneSettings = FinetuneSettings(),
    seed: int = 0,
    log: Callable[[str], None] = lambda message: None,
    translations: dict[str, str] | None = None,
) -> Path:
    """Fine-tune the encoder at `base_path` on `rows[train_mask]`; save it to `out_dir/encoder`.

    The rows outside `train_mask` (the validation split) are never seen, so the thresholds and
    the metrics measured on them later stay honest. Returns the saved encoder directory.

    With `settings.members` > 1, that many runs (seeds `seed`, `seed + 1`, ...) are trained on
    the same rows from the same start and the stored encoder is the average of their weights, a
    "uniform model soup" (Wortsman et al., 2022): one encoder, so inference costs the same as a
    single run's. Each run is rounded to float16 first, as it would be stored on its own, so the
    soup is exactly the mean of the encoders the single runs store.

    `translations` ({Chinese text: English}, dataset.read_parallel) feed the alignment epochs
    (`settings.align_epochs`); only the training split's texts are aligned.
    """
    import torch

    total: dict[str, torch.Tensor] = {}
    for member in range(settings.members):
        body, tokenizer = _finetune_once(
            rows, train_mask, base_path, settings, seed + member, log, translations or {}
        )
        for name, tensor in body.state_dict().items():
            if tensor.is_floating_point():
                rounded = tensor.detach().half().float()
                total[name] = total[name] + rounded if name in total else rounded
    if settings.members > 1:
        log(f"fine-tune: averaged the weights of {settings.members} runs (seeds {seed}-{seed + settings.members - 1})")
    # Integer buffers (position ids) are the same in every run and are kept as they are.
    state = body.state_dict()
    state.update({name: tensor / settings.members for name, tensor in total.items()})
    body.load_state_dict(state)
    target = Path(out_dir) / ENCODER_DIR
    body.eval().half().save_pretrained(target, safe_serialization=True)
    tokenizer.save_pretrained(target)
    return target


def _finetune_once(rows, train_mask, base_path, settings, seed, log, translations):
    """One fine-tuning run; returns the trained (float32) encoder and its tokenizer."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.manual_seed(seed)
    if torch.get_num_threads() > 2:
        torch.set_num_threads(2)
    tokenizer = AutoTokenizer.from_pretrained(base_path, local_files_only=True)
    body = AutoModel.from_pretrained(base_path, local_files_only=True, dtype=torch.float32)
    body.train()
    pooled = settings.target_aware and settings.target_pooling
    heads = torch.nn.Linear(body.config.hidden_size * (2 if pooled else 1), len(SENTIMENTS) + len(CLAIMS))

    index = np.flatnonzero(train_mask)
    texts = [rows[i].text for i in index]
    targets = [rows[i].target for i in index] if pooled else None
    if settings.target_aware and not pooled:
        texts = with_targets(texts, [rows[i].target for i in index])
    texts = encoder_inputs(texts, settings.gloss)
    if settings.cjk_min_count:
        added = extend_vocabulary(tokenizer, body, texts, settings.cjk_min_count)
        log(f"vocabulary: {added} Chinese characters added as tokens")
    if settings.align_epochs:
        def translated(selected):
            found = [rows[i].text for i in selected if rows[i].text in translations]
            return list(zip(encoder_inputs(found, settings.gloss), [translations[t] for t in found]))

        # A sentiment-only row repeats its text; each text is aligned once.
        own = np.array([not row.sentiment_only for row in rows], dtype=bool)
        pairs, held_out = translated(np.flatnonzero(train_mask & own)), translated(np.flatnonzero(~train_mask & own))
        _align(body, tokenizer, base_path, pairs, held_out, settings, seed, log)
    y_sent = torch.tensor([SENTIMENTS.index(rows[i].sentiment) for i in index])
    y_claims = torch.tensor([[float(c in rows[i].claims) for c in CLAIMS] for i in index])
    # Sentiment-only rows (another model's sentiment in a text) carry no claims of their own.
    has_claims = torch.tensor([0.0 if rows[i].sentiment_only else 1.0 for i in index])
    # Balanced weights: the same correction the logistic heads use, so the rare positive
    # sentiment and rare claims are not drowned out.
    counts = torch.bincount(y_sent, minlength=len(SENTIMENTS)).float().clamp(min=1.0)
    sentiment_weight = counts.sum() / (len(SENTIMENTS) * counts)
    share = y_claims[has_claims > 0].mean(0).clamp(1e-3, 1 - 1e-3)
    claim_weight = (1 - share) / share

    def task_loss(batch):
        out = heads(_embed(
            body, tokenizer, [texts[i] for i in batch], settings.max_length,
            None if targets is None else [targets[i] for i in batch],
        ))
        claim_losses = torch.nn.functional.binary_cross_entropy_with_logits(
            out[:, len(SENTIMENTS) :], y_claims[batch], pos_weight=claim_weight, reduction="none"
        )
        # The mean over the rows with claims (over all rows when the batch has no other kind).
        mask = has_claims[batch]
        return torch.nn.functional.cross_entropy(
            out[:, : len(SENTIMENTS)], y_sent[batch], weight=sentiment_weight
        ) + (claim_losses * mask[:, None]).sum() / (mask.sum().clamp(min=1.0) * len(CLAIMS))

    def report(epoch, loss, seconds):
        log(f"fine-tune (seed {seed}) epoch {epoch}/{settings.epochs}: mean loss {loss:.3f}, {seconds:.0f} s")

    parameters = list(body.parameters()) + list(heads.parameters())
    _optimize(parameters, tokenizer, texts, settings.epochs, settings, seed, task_loss, report)

    return body, tokenizer


def _align(body, tokenizer, base_path, pairs, held_out, settings, seed, log) -> None:
    """Cross-lingual alignment by distillation (Reimers & Gurevych, 2020, "Making monolingual
    sentence embeddings multilingual using knowledge distillation"), on `pairs` of (Chinese
    text, its English translation).

    MiniLM was pre-trained on English only: its Chinese input starts from dictionary glosses
    (models/vocabulary.py) and the labeled Chinese rows are all it learns Chinese from, while
    what it knows about praise and complaint is in English. Here the encoder (the student) is
    trained so that its mean-pooled embedding of the Chinese text and of the English translation
    both land on the frozen base encoder's (the teacher's) embedding of the translation. The task
    epochs then start from an encoder that puts a Chinese post near its English meaning.

    `held_out` pairs (the validation split's) are never trained on; they only measure the
    alignment: how often a Chinese text's nearest English translation, among theirs, is its own.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    if not pairs:
        raise ValueError(
            "align_epochs > 0 but none of the training split's texts has a translation; expected "
            "{'zh', 'en'} rows for the Chinese training texts (models/data/parallel/)"
        )
    # The teacher reads with its own tokenizer: the student's has the added Chinese tokens.
    teacher = AutoModel.from_pretrained(base_path, local_files_only=True, dtype=torch.float32).eval()
    teacher_tokenizer = AutoTokenizer.from_pretrained(base_path, local_files_only=True)
    english = [en for _, en in pairs]
    with torch.no_grad():
        targets = torch.cat([
            _embed(teacher, teacher_tokenizer, [english[i] for i in batch], settings.max_length)
            for batch in _in_order(len(english), 64)
        ])
    del teacher
    chinese = [zh for zh, _ in pairs]
    before = _retrieval(body, tokenizer, held_out, settings.max_length)

    def align_loss(batch):
        target = targets[batch]
        return torch.nn.functional.mse_loss(
            _embed(body, tokenizer, [chinese[i] for i in batch], settings.max_length), target
        ) + torch.nn.functional.mse_loss(
            _embed(body, tokenizer, [english[i] for i in batch], settings.max_length), target
        )

    def report(epoch, loss, seconds):
        log(
            f"align (seed {seed}) epoch {epoch}/{settings.align_epochs}: {len(pairs)} pairs, "
            f"mean loss {loss:.4f}, {seconds:.0f} s"
        )

    # Seeds of its own (seed + 2 and + 3), apart from the task epochs' (seed and seed + 1).
    _optimize(body.parameters(), tokenizer, chinese, settings.align_epochs, settings, seed + 2, align_loss, report)
    after = _retrieval(body, tokenizer, held_out, settings.max_length)
    if held_out:
        log(
            f"align: a held-out Chinese text's nearest English translation is its own in "
            f"{before:.1%} of {len(held_out)} pairs before, {after:.1%} after"
        )


def _optimize(
    parameters, tokenizer, texts, epochs: int, settings: FinetuneSettings, seed: int, batch_loss, report
) -> None:
    """AdamW over `epochs` passes of `texts` in batches of similar length (drawn with `seed`,
    their order reshuffled every epoch with `seed + 1`): a tenth of the steps warm the learning
    rate up, then it decays linearly to zero. `batch_loss(batch)` is the loss of a batch (an
    array of indices into `texts`); `report(epoch, mean loss, seconds)` follows each epoch."""
    import torch

    batches = _length_batches(tokenizer, texts, settings, np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    steps = epochs * len(batches)
    optimizer = torch.optim.AdamW(
        parameters, lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    warmup = max(1, int(steps * settings.warmup_share))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup)))
    )
    count = sum(len(batch) for batch in batches)
    started = time.perf_counter()
    for epoch in range(epochs):
        total = 0.0
        for b in rng.permutation(len(batches)):
            loss = batch_loss(batches[b])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(batches[b])
        report(epoch + 1, total / count, time.perf_counter() - started)


def _retrieval(body, tokenizer, pairs, max_length: int) -> float:
    """Share of `pairs` whose Chinese side's nearest English side (cosine) is its own."""
    import torch

    if not pairs:
        return float("nan")
    was_training = body.training
    body.eval()
    with torch.no_grad():
        sides = [
            torch.nn.functional.normalize(torch.cat([
                _embed(body, tokenizer, [pairs[i][side] for i in batch], max_length)
                for batch in _in_order(len(pairs), 64)
            ]), dim=1)
            for side in (0, 1)
        ]
    body.train(was_training)
    return float(((sides[0] @ sides[1].T).argmax(dim=1) == torch.arange(len(pairs))).float().mean())


def _embed(model, tokenizer, texts: list[str], max_length: int, targets: list[str | None] | None = None):
    """Mean-pooled states of `texts`; with `targets`, [text half, target half] (target_pool)."""
    import torch

    if targets is not None:
        tokens, text_mask, target_mask = pair_tokens(tokenizer, texts, targets, max_length, "pt")
        return torch.cat(target_pool(model(**tokens).last_hidden_state, text_mask.float(), target_mask.float()), dim=1)
    tokens = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    return masked_mean(model(**tokens).last_hidden_state, tokens["attention_mask"].float())


def _in_order(n: int, size: int) -> list[np.ndarray]:
    return [np.arange(i, min(n, i + size)) for i in range(0, n, size)]


def _length_batches(tokenizer, texts: list[str], settings: FinetuneSettings, rng) -> list[np.ndarray]:
    """Batches of texts of similar token length (little padding, which is most of the CPU cost).

    Lengths are shuffled slightly before sorting so the batches differ between seeds but still
    group similar lengths; the batch order is shuffled every epoch by the caller.
    """
    lengths = np.array(
        [len(ids) for ids in tokenizer(texts, truncation=True, max_length=settings.max_length)["input_ids"]]
    )
    order = np.argsort(lengths + rng.uniform(0, 4, len(lengths)), kind="stable")
    return [order[i : i + settings.batch_size] for i in range(0, len(order), settings.batch_size)]

