"""Kill -9 during an import, an enrich run and a report (the real CLI in a subprocess): after
the restart the store opens and is consistent, nothing half-written is visible, and
re-running the command finishes the job. Driver and checks: ``bench/crash.py``.

By default one kill per stage at a fixed point of the stage's measured duration; the
``slow`` variant draws 4 random kill moments per stage."""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("suara_bench_crash", ROOT / "bench" / "crash.py")
crash = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crash)


class _At(random.Random):
    """A 'random' source that always answers the same fraction of the interval."""

    def __init__(self, frac: float):
        super().__init__(0)
        self.frac = frac

    def uniform(self, a, b):
        return a + (b - a) * self.frac


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    return base, crash.prepare(base, files=12)


def _ok(res: dict) -> None:
    assert res["consistent"], f"inconsistent store after kill -9: {res}"
    assert res["rerun_finishes"], f"re-running did not finish the job: {res}"


@pytest.mark.parametrize("frac", [0.6])
def test_crash_kill_during_import(prepared, frac):
    base, ref = prepared
    res = crash.trial_import(base, ref, _At(frac))
    _ok(res)
    assert res["killed"] or res["committed_files"] == res["of"]


@pytest.mark.parametrize("frac", [0.6])
def test_crash_kill_during_enrich(prepared, frac):
    base, ref = prepared
    res = crash.trial_enrich(base, ref, _At(frac))
    _ok(res)


@pytest.mark.parametrize("frac", [0.5])
def test_crash_kill_during_report(prepared, frac):
    base, ref = prepared
    res = crash.trial_report(base, ref, _At(frac))
    _ok(res)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["import", "enrich", "report"])
def test_crash_random_kill_points(prepared, stage):
    base, ref = prepared
    rnd = random.Random(f"crash-{stage}")
    results = [crash.TRIALS[stage](base, ref, rnd) for _ in range(4)]
    for r in results:
        _ok(r)
    assert sum(r["killed"] for r in results) >= 2


def test_crash_report_temp_files_never_stay(tmp_path, monkeypatch):
    """The report's temporary file: removed when the write fails (disk full), and one left by
    a killed run (a dead writer's, or the ``FILE.tmp`` of earlier versions) is removed by the
    next run; a live writer's is left alone."""
    import os
    import subprocess
    import sys

    import suara
    from suara.report import daily
    ws = suara.init(tmp_path / "ws")
    monkeypatch.setattr(daily, "render_report", lambda *a, **k: "<html>ok</html>")
    out = tmp_path / "out" / "brief.html"
    out.parent.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out.parent / "brief.html.tmp").write_text("<html>half")
    (out.parent / f".brief.html.{dead.pid}.0a1b2c3d.tmp").write_text("<html>half")
    live = out.parent / f".brief.html.{os.getppid()}.0a1b2c3d.tmp"
    live.write_text("<html>another writer, still running")
    assert ws.report(out) == out and out.read_text() == "<html>ok</html>"
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(["brief.html", live.name])
    live.unlink()

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    monkeypatch.setattr(Path, "replace", full)
    with pytest.raises(OSError):
        ws.report(out)
    assert [p.name for p in out.parent.iterdir()] == ["brief.html"]
    assert out.read_text() == "<html>ok</html>"
    ws.close()
