"""Shared fixtures. Data from ../shared is optional: tests that need it skip with a reason."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SUARA_SHARED", ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    """Path to ../shared (datasets, fixtures, election facts); skips when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED} (set SUARA_SHARED); real-data test skipped")
    return SHARED


@pytest.fixture(scope="session")
def fixtures_dir(shared) -> Path:
    return shared / "fixtures"


@pytest.fixture
def workspace(tmp_path):
    """A fresh, empty Kaltim 2024 workspace."""
    import suara
    ws = suara.init(tmp_path / "ws")
    yield ws
    ws.close()
