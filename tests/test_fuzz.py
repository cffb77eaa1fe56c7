"""Fuzzing the importers: the kept corpus replays cleanly, structure-aware mutations of real
records never crash, and each family's coverage-guided atheris target runs briefly.

CI runs every atheris target for ``SUARA_FUZZ_SECONDS`` (default 2) seconds; longer
campaigns: ``.venv/bin/python bench/fuzz.py --seconds 300``.
"""
from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "fuzz"))

import _harness as H  # noqa: E402

FUZZ_SECONDS = int(os.environ.get("SUARA_FUZZ_SECONDS", "2"))
#: libFuzzer's memory limit for one target (its default)
RSS_LIMIT_MB = 2048


def _rss_limit_mb() -> int:
    """The target's -rss_limit_mb: libFuzzer reads the peak RSS of its process, and Linux
    carries a forked child's peak over from its parent (this test process, which grows to
    gigabytes over a full run) through exec; the limit counts from there."""
    inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
    return inherited + RSS_LIMIT_MB


def test_fuzz_every_family_has_a_target_and_a_corpus():
    from suara.ingest.formats import BUILTIN_MODULES
    for fam in BUILTIN_MODULES:
        assert (HERE / "fuzz" / f"fuzz_{fam}.py").is_file(), f"no fuzz target for {fam}"
        assert H.corpus_files(fam), f"no seed corpus for {fam}"
    # every registered format belongs to a family that is fuzzed
    from suara.ingest.registry import formats
    fuzzed = {f for fam in BUILTIN_MODULES for f in H.family_formats(fam)}
    assert set(formats()) <= fuzzed


@pytest.mark.parametrize("family", H.FAMILIES)
def test_fuzz_corpus_replays_and_seeds_are_read(family):
    """Every kept input (seeds and the crash reproducers found so far) runs cleanly, and each
    real-record seed is read by its own family: mapped, or quarantined with a reason (the
    TikTok user-info response, which names no user, is refused by design)."""
    for p in H.corpus_files(family):
        res = H.exercise(family, p.read_bytes())
        if not p.name.startswith("regress-"):
            got = sum(r["posts"] + r["accounts"] + r["quarantined"]
                      for f, r in res.items() if f in H.family_formats(family))
            assert got, f"{p.name}: the seed maps to nothing ({res})"


@pytest.mark.parametrize("family", H.FAMILIES)
def test_fuzz_structured_mutations_never_crash(family):
    """200 hostile-value mutations of real records per family (deterministic seeds)."""
    rnd = random.Random(f"suara-{family}")
    seeds = [p.read_bytes() for p in H.corpus_files(family) if not p.name.startswith("regress-")]
    for _ in range(200):
        data = rnd.choice(seeds)
        for _ in range(rnd.randint(1, 3)):
            data = H.mutate_bytes(data, rnd)
        H.exercise(family, data, detect=False)


@pytest.mark.fuzz
@pytest.mark.parametrize("family", H.FAMILIES)
def test_fuzz_atheris_target_runs_briefly(family, tmp_path):
    pytest.importorskip("atheris")
    new = tmp_path / "new"
    new.mkdir()
    cmd = [sys.executable, str(HERE / "fuzz" / f"fuzz_{family}.py"), str(new),
           str(HERE / "fuzz" / "corpus" / family), f"-max_total_time={FUZZ_SECONDS}",
           f"-artifact_prefix={tmp_path}/", f"-rss_limit_mb={_rss_limit_mb()}",
           "-print_final_stats=1"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120)
    crashes = list(tmp_path.glob("crash-*")) + list(tmp_path.glob("timeout-*")) + list(tmp_path.glob("oom-*"))
    assert r.returncode == 0 and not crashes, (
        f"fuzz target {family} failed (rc={r.returncode}); reproducer: {crashes}\n{r.stderr[-4000:]}")
    assert "stat::number_of_executed_units" in r.stderr
