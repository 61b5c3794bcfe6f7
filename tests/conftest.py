"""Fixtures shared by the warehouse tests."""

from __future__ import annotations

import pytest

from warehouse.catalogue import load_catalogue, sync_catalogue
from warehouse.db import connect


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture
def con(catalogue):
    """An in-memory warehouse, migrated, with the bundled launch catalogue written."""
    connection = connect(":memory:")
    sync_catalogue(connection, catalogue)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory):
    """The demo warehouse as `make demo` builds it, without Prefect: the replayed posts collected
    and classified, every bundled event file imported, alerts detected, the snapshot published.
    Built once per session (classifying the demo posts is the slow part); tests only read it."""
    from datetime import datetime, timezone
    from importlib import resources
    from pathlib import Path

    from flows import steps
    from flows.config import settings
    from warehouse.importers import BUNDLED

    config = settings(tmp_path_factory.mktemp("demo") / "launchwatch.duckdb")
    replay = Path(__file__).resolve().parents[1] / "extractors" / "demo_data"
    steps.prepare(config)
    for launch_key in load_catalogue().keys():
        steps.collect(
            config, "hackernews", launch_key,
            datetime(2025, 4, 3, tzinfo=timezone.utc), datetime(2025, 4, 15, tzinfo=timezone.utc), replay,
        )
    steps.classify(config)
    bundled = Path(str(resources.files("warehouse") / "events_data"))
    imports = {source: steps.import_events(config, source, bundled / path) for source, path in BUNDLED.items()}
    steps.analyze(config)
    steps.publish(config)
    return config.db_path, imports
