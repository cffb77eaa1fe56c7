"""Shared fixtures. Data from ../shared is optional: tests that need it skip with a reason."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
# compiled SQL that workspaces share (suara.store.sqlcache) stays inside the test session,
# also for workspaces that fixtures of a wider scope build (see _own_sql_cache for each test's)
os.environ.setdefault("SUARA_CACHE_DIR", tempfile.mkdtemp(prefix="suara-test-sqlcache-"))
os.environ.setdefault("SUARA_SQL_SEED", "0")
SHARED = Path(os.environ.get("SUARA_SHARED", ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    """Path to ../shared (datasets, fixtures, election facts); skips when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED} (set SUARA_SHARED); real-data test skipped")
    return SHARED


@pytest.fixture(autouse=True)
def _own_sql_cache(monkeypatch, tmp_path_factory):
    """Each test keeps the compiled SQL its workspaces share (suara.store.sqlcache) to itself:
    what one test compiled never turns another's compile into a hit, nor reaches the user's cache."""
    monkeypatch.setenv("SUARA_CACHE_DIR", str(tmp_path_factory.mktemp("sqlcache")))
    # nor the SQL the package ships (tests/test_sqlcache.py tests that layer on its own)
    monkeypatch.setenv("SUARA_SQL_SEED", "0")


@pytest.fixture(scope="session")
def fixtures_dir(shared) -> Path:
    return shared / "fixtures"


@pytest.fixture
def read_ahead_takes(monkeypatch) -> list[tuple[str, bool]]:
    """Every SQL a section asked the read-ahead for, and whether it got rows read ahead. A
    listed query the background thread has not reached yet is waited for (a busy machine
    would hand it back to its section), so that what is checked is the hand-over, not the
    machine's load."""
    from concurrent.futures import wait

    from suara.store import readahead
    taken: list[tuple[str, bool]] = []
    take = readahead.ReadAhead.take

    def spy(self, sql):
        fut = self._futures.get(sql)
        if fut is not None:
            wait([fut])
        rows = take(self, sql)
        taken.append((sql, rows is not None))
        return rows
    monkeypatch.setattr(readahead.ReadAhead, "take", spy)
    return taken


@pytest.fixture
def workspace(tmp_path):
    """A fresh, empty Kaltim 2024 workspace."""
    import suara
    ws = suara.init(tmp_path / "ws")
    yield ws
    ws.close()


@contextmanager
def _serving(app, wait_s: float = 20.0) -> Iterator[str]:
    """Serve an ASGI ``app`` with uvicorn on a free local port in a background thread; yields
    the base URL once the server accepts connections and stops it on exit."""
    import socket
    import threading
    import time

    import uvicorn
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + wait_s
    while not srv.started:
        if not th.is_alive() or time.monotonic() > deadline:
            srv.should_exit = True
            raise RuntimeError(f"the test server did not start on port {port} within {wait_s:.0f} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        th.join(timeout=30)


@pytest.fixture(scope="session")
def serving():
    """``with serving(app) as url: ...`` serves a web app for browser tests (see ``_serving``)."""
    return _serving
