"""Shared fixtures: real embedded FalkorDB stores and the curated build."""

from __future__ import annotations

import pytest


@pytest.fixture
def store(tmp_path):
    from peninsula.graph.store import open_store

    s = open_store(f"embedded:{tmp_path / 'test.db'}")
    yield s
    s.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One embedded store with the curated knowledge base built into it (read-only use)."""
    from peninsula.graph.build import build
    from peninsula.graph.store import open_store

    s = open_store(f"embedded:{tmp_path_factory.mktemp('built') / 'kb.db'}")
    report = build(s)
    s.report = report
    yield s
    s.close()
