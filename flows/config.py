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
    # Optional credentials that only work together (a user name and its password): all or none.
    together: tuple[str, ...] = ()
    # A constructor keyword that, when set, supplies the credentials instead (a praw.ini site).
    credentials_from: str | None = None

    def credential_keys(self) -> list[str]:
        """Constructor keywords that are credentials: every variable but the service addresses."""
        return [key for key in self.env if not (key.endswith("_url") or key == "host")]


# One entry per registered extractor; the README's source sections list the same variables.
SOURCES: dict[str, SourceSpec] = {
    "hackernews": SourceSpec(
        env={"base_url": "LAUNCHWATCH_HN_URL"},
        defaults={"base_url": "https://hn.algolia.com/api/v1"},
    ),
    # One source per Discourse site, so each keeps its own cursor, credentials and failures.
    "discourse-huggingface": SourceSpec(
        env={
            "base_url": "LAUNCHWATCH_DISCOURSE_HUGGINGFACE_URL",
            "api_key": "DISCOURSE_HUGGINGFACE_API_KEY",
            "api_username": "DISCOURSE_HUGGINGFACE_API_USERNAME",
        },
        defaults={"base_url": "https://discuss.huggingface.co"},
        together=("api_key", "api_username"),
    ),
    "discourse-openai": SourceSpec(
        env={
            "base_url": "LAUNCHWATCH_DISCOURSE_OPENAI_URL",
            "api_key": "DISCOURSE_OPENAI_API_KEY",
            "api_username": "DISCOURSE_OPENAI_API_USERNAME",
        },
        defaults={"base_url": "https://community.openai.com"},
        together=("api_key", "api_username"),
    ),
    "v2ex": SourceSpec(
        env={"base_url": "LAUNCHWATCH_V2EX_URL", "token": "V2EX_TOKEN"},
        defaults={"base_url": "https://www.v2ex.com/api/v2"},
        required=("token",),
    ),
    # Without a login the public AppView is searched; with one, the account's PDS (bsky.social).
    "bluesky": SourceSpec(
        env={"base_url": "LAUNCHWATCH_BLUESKY_URL", "handle": "BLUESKY_HANDLE", "app_password": "BLUESKY_APP_PASSWORD"},
        together=("handle", "app_password"),
    ),
    "reddit": SourceSpec(
        env={
            "client_id": "REDDIT_CLIENT_ID",
            "client_secret": "REDDIT_CLIENT_SECRET",
            "user_agent": "REDDIT_USER_AGENT",
            "site": "REDDIT_SITE",
            "oauth_url": "LAUNCHWATCH_REDDIT_OAUTH_URL",
            "reddit_url": "LAUNCHWATCH_REDDIT_URL",
        },
        required=("client_id", "client_secret", "user_agent"),
        credentials_from="site",
    ),
    "x": SourceSpec(
        env={"bearer_token": "X_BEARER_TOKEN", "host": "LAUNCHWATCH_X_URL"},
        required=("bearer_token",),
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
    # How the encoder runs (LAUNCHWATCH_RUNTIME): "torch", the plain transformers model, or "onnx",
    # an ONNX Runtime export. On this AVX2 CPU both do ~14 posts per CPU-second
    # (bench/classify.py), so the default skips the one-time export.
    runtime: str = "torch"
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
        if spec.credentials_from and have.get(spec.credentials_from):
            return []
        needed = list(spec.required)
        if any(have.get(key) for key in spec.together):
            needed += [key for key in spec.together if key not in needed]
        return [spec.env[key] for key in needed if not have.get(key)]

    def credentials(self, source: str) -> list[tuple[str, bool]]:
        """(environment variable, whether it is set) for each credential of `source`; never the values."""
        spec = SOURCES.get(source)
        have = self.source_options.get(source, {})
        return [(spec.env[key], bool(have.get(key))) for key in spec.credential_keys()] if spec else []


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
        runtime=environ.get("LAUNCHWATCH_RUNTIME") or "torch",
    )


def quiet_prefect() -> None:
    """Prefect's local server tries to send telemetry, which fails noisily offline."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
