"""What the classifier says about one text."""

from __future__ import annotations

from dataclasses import dataclass, field

SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")
CLAIMS: tuple[str, ...] = (
    "contamination",
    "benchmark_gaming",
    "regression",
    "praise",
    "comparison",
    "deployment_issue",
)


@dataclass(frozen=True)
class Prediction:
    sentiment: str  # one of SENTIMENTS, toward the model or its maker
    claims: tuple[str, ...]  # subset of CLAIMS whose score passed its threshold, in CLAIMS order
    scores: dict[str, float]  # probability of every sentiment and every claim label
    evidence: dict[str, str] = field(default_factory=dict)  # claim label -> sentence that supports it
    model_id: str = ""  # name of the classifier, e.g. "minilm-linear"
    model_version: str = ""  # version of its trained weights, e.g. "2025.1-<data hash>"
