"""The classifier: sentiment and claim types of posts about AI model launches.

`predict(texts)` uses the committed model under models/artifacts/ and runs offline; torch loads
only when a model does. The functions `predict`, `train` and `evaluate` share their names with
the submodules that hold them: the submodules are imported first, so the names bound here (the
functions) are the ones `models.<name>` returns.
"""

from __future__ import annotations

from functools import cache

from .evaluate import evaluate
from .predict import Classifier, load_model
from .prediction import CLAIMS, SENTIMENTS, Prediction
from .train import train

__all__ = ["CLAIMS", "SENTIMENTS", "Prediction", "predict", "load_model", "train", "evaluate"]


def predict(texts: list[str], targets: list[str | None] | None = None) -> list[Prediction]:
    """Classify `texts` with the default committed model (loaded once per process); `targets`
    optionally name the model each text is about (see Classifier.predict)."""
    return _default_classifier().predict(texts, targets)


@cache
def _default_classifier() -> Classifier:
    return load_model()
