"""One command's own wall time, CPU seconds and peak memory, for the benchmarks.

Linux counts the memory a process held before ``exec`` in the peak (``ru_maxrss``) of what it
becomes: a command started straight from a benchmark that has generated data or held DuckDB's
floors in memory reports the benchmark's size as its own. The command is therefore started
from a small intermediate Python process, which times it and reads its resource usage
(``os.wait4``: the command and the workers it waited for; the peak is the largest of them).

>>> rc, wall, cpu, peak_mb = measure([sys.executable, "-c", "pass"])
>>> rc, wall > 0, peak_mb < 200
(0, True, True)
"""
from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["measure"]

_RUNNER = """import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
print(os.waitstatus_to_exitcode(status), time.perf_counter() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)"""


def measure(argv: list[str], env: dict | None = None) -> tuple[int, float, float, float]:
    """(exit status, wall s, CPU s, peak RSS MB) of ``argv`` (its output is discarded)."""
    out = subprocess.run([sys.executable, "-c", _RUNNER, *argv], check=True, capture_output=True,
                         text=True, env={**os.environ, **(env or {})}).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3]) / 1024
