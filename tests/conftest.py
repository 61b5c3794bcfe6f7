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
