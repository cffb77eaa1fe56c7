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
