"""Labeled data: reading it, hashing it, and admitting annotators' files into models/data/.

Training reads every `*.jsonl` under models/data/ (the seed set and the annotators' real posts),
so a file admitted here is trained on; `import_labels` is the gate that keeps bad rows, the dev
set and near-duplicates out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from .prediction import CLAIMS, SENTIMENTS

DATA_DIR = Path(__file__).parent / "data"
# English translations of the Chinese rows (not labeled rows: training_files reads only the top
# level of DATA_DIR). See read_parallel and models/finetune.py.
PARALLEL_DIR = DATA_DIR / "parallel"
# The sentiment toward other models the rows' texts judge (read_training_data, `others_path`).
OTHERS_DIR = DATA_DIR / "others"
PLATFORMS = ("hackernews", "reddit", "x", "forum", "github", "blog")
ROW_KEYS = {"id", "text", "lang", "platform", "sentiment", "claims", "synthetic"}
# Character-3-gram Jaccard at or above which a text counts as the same passage as a dev text
# (the data card's rule) or as another training text (a re-paste with small edits).
DEV_JACCARD = 0.3
DUPLICATE_JACCARD = 0.8


@dataclass(frozen=True)
class LabeledText:
    text: str
    lang: str
    sentiment: str
    claims: tuple[str, ...]
    # Where a real post was copied from; None for text written for the training set.
    source_url: str | None = None
    platform: str = ""
    # The model the sentiment is about (the dev set's `model` field), or None when not named.
    target: str | None = None
    # True for a row read from another row's others (read_training_data): the same text with
    # the sentiment toward another model it judges ("A beats B" is positive toward A, negative
    # toward B). Its claims are the other row's, so only its sentiment is trained on.
    sentiment_only: bool = False


def read_labeled(path: str | Path, content: bytes | None = None) -> list[LabeledText]:
    """Read a labeled JSONL file (training or dev), failing on the first malformed line.

    `content` is the file's bytes when the caller has already read them.
    """
    return [row for _, _, row in read_labeled_lines(path, content)]


def read_labeled_lines(path: str | Path, content: bytes | None = None) -> list[tuple[int, dict, LabeledText]]:
    """(line number, JSON object, row) for each line of a labeled JSONL file, so a reader of
    extra fields (models/evidence.py) parses the file once."""
    if content is None:
        content = Path(path).read_bytes()
    lines = [
        (lineno, *_parse_labeled(line, path, lineno))
        for lineno, line in _numbered_lines(content)
        if line.strip()
    ]
    if not lines:
        raise ValueError(f"{path}: no labeled examples found; expected JSON lines with text labels")
    return lines


def training_files(path: str | Path) -> list[Path]:
    """The labeled files `path` stands for: itself, or every *.jsonl in it (sorted by name)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise ValueError(f"{path}: no *.jsonl files in this directory; expected labeled data")
        return files
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such labeled file or directory")
    return [path]


def read_training_data(path: str | Path, others_path: str | Path | None = None) -> tuple[list[LabeledText], str]:
    """(rows of every file under `path`, sha256 over the files' names and bytes).

    With `others_path` ({"id", "others": [{"model", "sentiment"}]} JSON lines: the other models
    a row's text judges, OTHERS_DIR), each other model becomes a sentiment-only row after all
    the files' own rows, so the own rows keep their positions (and with them their seeded
    validation split and hidden targets); the digest then covers those files too.
    """
    rows: list[LabeledText] = []
    others: list[LabeledText] = []
    files, digest = _hashed_files(path)
    extra, others_digest = _read_others(others_path) if others_path is not None else ({}, None)
    for file, content in files:
        for lineno, obj, row in read_labeled_lines(file, content):
            rows.append(row)
            found = extra.pop(obj.get("id"), [])
            problem = _others_problem(found, obj.get("model"))
            if problem:
                raise ValueError(f"{others_path}: row {obj.get('id')!r} ({file.name}:{lineno}): {problem}")
            others.extend(
                replace(row, sentiment=other["sentiment"], claims=(), target=other["model"], sentiment_only=True)
                for other in found
            )
    if extra:
        raise ValueError(
            f"{others_path}: {len(extra)} ids match no training row (first {next(iter(extra))!r}); "
            "expected the `id` of a row in the training files"
        )
    if others_digest:
        digest = hashlib.sha256(f"{digest}|{others_digest}".encode()).hexdigest()
    return rows + others, digest


def _read_others(path: str | Path) -> tuple[dict[str, list], str]:
    """({row id: its others}, digest) from the {"id", "others"} JSON lines under `path`."""
    found: dict[str, list] = {}
    objects, digest = _json_objects(path)
    for where, line, obj in objects:
        if not (isinstance(obj, dict) and set(obj) == {"id", "others"}):
            raise ValueError(f"{where}: expected {{\"id\": row id, \"others\": [...]}}, found {line[:80]!r}")
        if obj["id"] in found:
            raise ValueError(f"{where}: row {obj['id']!r} is listed twice; give each row's others on one line")
        found[obj["id"]] = obj["others"]
    return found, digest


def _json_objects(path: str | Path) -> tuple[list[tuple[str, str, object]], str]:
    """([(file:line, the line, its JSON value)] of the non-blank lines of the files `path` stands
    for, their digest)."""
    files, digest = _hashed_files(path)
    objects = [
        (f"{file}:{lineno}", line, _json_line(line, f"{file}:{lineno}"))
        for file, content in files
        for lineno, line in _numbered_lines(content)
        if line.strip()
    ]
    return objects, digest


def _hashed_files(path: str | Path) -> tuple[list[tuple[Path, bytes]], str]:
    """([(file, its bytes)] for the files `path` stands for, sha256 over their names and bytes)."""
    digest = hashlib.sha256()
    files = []
    for file in training_files(path):
        content = file.read_bytes()
        digest.update(file.name.encode() + b"\0" + content + b"\0")
        files.append((file, content))
    return files, digest.hexdigest()


def read_parallel(path: str | Path) -> tuple[dict[str, str], str]:
    """English translations of Chinese training texts: ({Chinese text: English}, sha256).

    `path` is a file or a directory of *.jsonl files with one {"id", "zh", "en"} object per line
    (PARALLEL_DIR: translations of models/data's Chinese rows, used by fine-tuning's alignment
    step). Keyed by the Chinese text itself, so a translation whose row was edited or removed
    simply finds no row.
    """
    pairs: dict[str, str] = {}
    objects, digest = _json_objects(path)
    for where, line, obj in objects:
        zh, en = (obj.get("zh"), obj.get("en")) if isinstance(obj, dict) else (None, None)
        if not (isinstance(zh, str) and zh.strip() and isinstance(en, str) and en.strip()):
            raise ValueError(
                f"{where}: expected an object with non-empty strings 'zh' (a Chinese "
                f"training text) and 'en' (its English translation), found {line[:120]!r}"
            )
        pairs[zh] = en
    return pairs, digest


def _numbered_lines(content: bytes) -> list[tuple[int, str]]:
    """(line number, line) of a JSON lines file. Lines end at "\n" only: str.splitlines would
    also break at U+2028 or U+0085, which a JSON string may hold unescaped."""
    return list(enumerate(content.decode("utf-8").split("\n"), start=1))


def _parse_labeled(line: str, path: str | Path, lineno: int) -> tuple[dict, LabeledText]:
    where = f"{path}:{lineno}"
    obj = _json_line(line, where)
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a JSON object, found {type(obj).__name__}")
    problem = _label_problem(obj)
    if problem:
        raise ValueError(f"{where}: {problem}")
    return obj, LabeledText(
        obj["text"],
        str(obj.get("lang", "und")),
        obj["sentiment"],
        tuple(c for c in CLAIMS if c in obj["claims"]),
        obj.get("source_url"),
        str(obj.get("platform", "")),
        obj.get("model") or None,
    )


def _json_line(line: str, where: str):
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: expected one JSON object per line, found invalid JSON "
                         f"({exc.msg} at column {exc.colno})") from exc


def _label_problem(obj: dict) -> str | None:
    """What is wrong with the text and labels of a row, or None."""
    text, sentiment, claims = obj.get("text"), obj.get("sentiment"), obj.get("claims")
    if not isinstance(text, str) or not text.strip():
        return f"expected a non-empty string in 'text', found {text!r}"
    if sentiment not in SENTIMENTS:
        return f"'sentiment' must be one of {SENTIMENTS}, found {sentiment!r}"
    if not isinstance(claims, list) or not set(claims) <= set(CLAIMS):
        return f"'claims' must be a list drawn from {CLAIMS}, found {claims!r}"
    source_url = obj.get("source_url")
    if source_url is not None and not (
        isinstance(source_url, str) and re.match(r"https?://\S+$", source_url)
    ):
        return f"'source_url' must be an http(s) URL or absent, found {source_url!r}"
    model = obj.get("model")
    if model is not None and not isinstance(model, str):
        return f"'model' (the model the sentiment is about) must be a string or absent, found {model!r}"
    return None


def _others_problem(others, model) -> str | None:
    """What is wrong with a row's `others` (the other models its text judges), or None."""
    expected = "'others' must be a list of {\"model\": name, \"sentiment\": one of " + f"{SENTIMENTS}}}"
    if not isinstance(others, list):
        return f"{expected}, found {others!r}"
    for other in others:
        if not (isinstance(other, dict) and set(other) == {"model", "sentiment"}
                and isinstance(other["model"], str) and other["model"].strip()
                and other["sentiment"] in SENTIMENTS):
            return f"{expected}, found {other!r}"
        if other["model"] == model:
            return (f"'others' names the row's own model {model!r}; list only other models the "
                    "text judges (the row's own sentiment is in 'sentiment')")
    return None


def normalise(text: str) -> str:
    """Lower-case word characters only: equal for texts that differ in spacing or punctuation."""
    return re.sub(r"\W+", "", text.lower())


def trigrams(text: str) -> frozenset[str]:
    norm = normalise(text)
    return frozenset(norm[i : i + 3] for i in range(len(norm) - 2))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, len(a | b))


@dataclass
class ImportResult:
    kept: int = 0
    # (line number in the source, reason) of every row left out.
    dropped: list[tuple[int, str]] = field(default_factory=list)


class _NearDuplicates:
    """Trigram sets indexed by trigram, so a text is compared only with texts sharing one."""

    def __init__(self) -> None:
        self._sets: list[frozenset[str]] = []
        self._labels: list[str] = []
        self._index: dict[str, list[int]] = {}

    def add(self, grams: frozenset[str], label: str) -> None:
        for gram in grams:
            self._index.setdefault(gram, []).append(len(self._sets))
        self._sets.append(grams)
        self._labels.append(label)

    def closest(self, grams: frozenset[str]) -> tuple[float, str]:
        candidates = {i for gram in grams for i in self._index.get(gram, ())}
        best = max(((jaccard(grams, self._sets[i]), i) for i in candidates), default=(0.0, -1))
        return best[0], (self._labels[best[1]] if best[1] >= 0 else "")


def import_labels(
    source: str | Path,
    target: str | Path,
    *,
    dev_path: str | Path,
    data_dir: str | Path = DATA_DIR,
) -> ImportResult:
    """Copy the valid, new rows of an annotator's file `source` into `target` (replaced whole).

    A row is left out, with its reason, when its keys or labels are off the schema, its page is
    a dev-set page, its text is a dev text or close to one (3-gram Jaccard >= DEV_JACCARD), or it
    repeats a text already in `data_dir` (other than `target`) or earlier in `source`.
    Re-running on a grown `source` gives the same rows plus the new ones.
    """
    source, target = Path(source), Path(target)
    dev_rows = read_labeled(dev_path)
    dev_urls = {row.source_url for row in dev_rows if row.source_url}
    dev_index = _NearDuplicates()
    for row in dev_rows:
        dev_index.add(trigrams(row.text), f"dev text {row.text[:40]!r}")
    seen = _NearDuplicates()
    seen_norm: set[str] = set()
    for file in sorted(Path(data_dir).glob("*.jsonl")):
        if file.resolve() == target.resolve():
            continue
        for row in read_labeled(file):
            seen.add(trigrams(row.text), f"{file.name} text {row.text[:40]!r}")
            seen_norm.add(normalise(row.text))

    result = ImportResult()
    kept_lines: list[str] = []
    for lineno, obj in _json_lines(source, result):
        reason = _row_problem(obj) or _leak_problem(obj, dev_urls, dev_index)
        if reason is None:
            norm = normalise(obj["text"])
            grams = trigrams(obj["text"])
            score, label = seen.closest(grams)
            if norm in seen_norm:
                reason = "same text as a row already in the training data"
            elif score >= DUPLICATE_JACCARD:
                reason = f"near-duplicate (3-gram Jaccard {score:.2f}) of {label}"
            else:
                seen.add(grams, f"{source.name} line {lineno}")
                seen_norm.add(norm)
        if reason:
            result.dropped.append((lineno, reason))
            continue
        obj["claims"] = [c for c in CLAIMS if c in obj["claims"]]
        kept_lines.append(json.dumps(obj, ensure_ascii=False))
        result.kept += 1
    partial = target.with_name(target.name + ".partial")
    partial.write_text("".join(line + "\n" for line in kept_lines), encoding="utf-8")
    os.replace(partial, target)
    return result


def _json_lines(path: Path, result: ImportResult) -> Iterable[tuple[int, dict]]:
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                # An annotator may be mid-append: a torn last line is skipped, not fatal.
                result.dropped.append((lineno, f"invalid JSON ({exc.msg} at column {exc.colno})"))
                continue
            if not isinstance(obj, dict):
                result.dropped.append((lineno, f"expected a JSON object, found {type(obj).__name__}"))
                continue
            yield lineno, obj


def _row_problem(obj: dict) -> str | None:
    missing = ROW_KEYS - set(obj)
    if missing:
        return f"missing keys {sorted(missing)}; every row needs {sorted(ROW_KEYS)}"
    problem = _label_problem(obj)
    if problem:
        return problem
    if obj["platform"] not in PLATFORMS:
        return f"'platform' must be one of {PLATFORMS}, found {obj['platform']!r}"
    if obj["synthetic"] is False and not obj.get("source_url"):
        return "a real row ('synthetic': false) needs its 'source_url'"
    if obj["synthetic"] not in (True, False):
        return f"'synthetic' must be true or false, found {obj['synthetic']!r}"
    return None


def _leak_problem(obj: dict, dev_urls: set[str], dev_index: _NearDuplicates) -> str | None:
    if obj.get("source_url") in dev_urls:
        return f"its page {obj['source_url']} is a dev-set page"
    score, label = dev_index.closest(trigrams(obj["text"]))
    if score >= DEV_JACCARD:
        return f"too close to the dev set (3-gram Jaccard {score:.2f} with {label})"
    return None
