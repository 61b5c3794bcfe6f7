"""Settings and secrets, resolved once at the edge.

Order of precedence for every setting: a command-line option, then the environment variable,
then the default below. Nothing outside flows/ reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("data") / "launchwatch.duckdb"
DEFAULT_CRON = "0 6 * * *"
DEFAULT_LOOKBACK_HOURS = 24


@dataclass(frozen=True)
class Settings:
    db_path: Path  # the writer's database; the snapshot sits beside it
    hackernews_base_url: str  # Algolia HN Search API root; a loopback URL in tests


def settings(db: str | Path | None = None) -> Settings:
    return Settings(
        db_path=Path(db or os.environ.get("LAUNCHWATCH_DB") or DEFAULT_DB),
        hackernews_base_url=os.environ.get("LAUNCHWATCH_HN_URL", "https://hn.algolia.com/api/v1"),
    )


def quiet_prefect() -> None:
    """Prefect's local server tries to send telemetry, which fails noisily offline."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
