"""Settings and secrets, resolved once at the edge.

Order of precedence for every setting: a command-line option, then the environment variable,
then the default below. Nothing outside flows/ reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

DEFAULT_DB = Path("data") / "launchwatch.duckdb"
DEFAULT_CRON = "0 6 * * *"
DEFAULT_LOOKBACK_HOURS = 24


@dataclass(frozen=True)
class SourceSpec:
    """How one source's extractor is built from the environment."""

    # Constructor keyword -> environment variable that sets it.
    env: Mapping[str, str]
    # Constructor keyword -> value used when its variable is unset.
    defaults: Mapping[str, str] = field(default_factory=dict)
    # Constructor keywords the source cannot run without (its credentials).
    required: tuple[str, ...] = ()


# One entry per registered extractor; the README's source sections list the same variables.
SOURCES: dict[str, SourceSpec] = {
    "hackernews": SourceSpec(
        env={"base_url": "LAUNCHWATCH_HN_URL"},
        defaults={"base_url": "https://hn.algolia.com/api/v1"},
    ),
}


class MissingCredentials(LookupError):
    """A source was asked for while the environment variables it needs are unset."""


@dataclass(frozen=True)
class Settings:
    db_path: Path  # the writer's database; the snapshot sits beside it
    # Classifier: a trained model directory (LAUNCHWATCH_MODEL; None = models/artifacts/ACTIVE)
    # and the encoder it loads, a Hugging Face id or local path (LAUNCHWATCH_ENCODER; None = the
    # one recorded in the model's config, by default the bundled all-MiniLM-L6-v2).
    model_path: Path | None = None
    encoder_path: str | None = None
    # Per source, the constructor keywords resolved from the environment and the defaults.
    source_options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def options(self, source: str) -> dict[str, str]:
        """Constructor keywords for `source`; raises MissingCredentials naming the unset variables."""
        missing = self.missing_credentials(source)
        if missing:
            raise MissingCredentials(
                f"source {source!r} needs {', '.join(missing)} in the environment; "
                "set them (see the README's section on this source) or leave the source out with --source"
            )
        return dict(self.source_options.get(source, {}))

    def missing_credentials(self, source: str) -> list[str]:
        """The environment variables `source` needs that are unset (names only, never values)."""
        spec = SOURCES.get(source)
        if spec is None:
            return []
        have = self.source_options.get(source, {})
        return [spec.env[key] for key in spec.required if not have.get(key)]


def settings(db: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (`environ`, default os.environ), `db` overriding LAUNCHWATCH_DB."""
    environ = os.environ if environ is None else environ
    options = {}
    for source, spec in SOURCES.items():
        resolved = dict(spec.defaults)
        resolved.update({key: environ[var] for key, var in spec.env.items() if environ.get(var)})
        options[source] = resolved
    return Settings(
        db_path=Path(db or environ.get("LAUNCHWATCH_DB") or DEFAULT_DB),
        source_options=options,
        model_path=Path(environ["LAUNCHWATCH_MODEL"]) if environ.get("LAUNCHWATCH_MODEL") else None,
        encoder_path=environ.get("LAUNCHWATCH_ENCODER") or None,
    )


def quiet_prefect() -> None:
    """Prefect's local server tries to send telemetry, which fails noisily offline."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
