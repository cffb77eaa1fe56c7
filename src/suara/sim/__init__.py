"""Synthetic campaign world with ground truth: demo data and detector tests.

``simulate`` writes platform-native export files (Zeeschuimer NDJSON, Graph API JSON,
TikTok Research API JSON, CrowdTangle CSV, twarc2 JSONL) split by platform and week, plus
``ground_truth/`` (accounts, buzzer networks, crises, true support, post labels, hoaxes,
manifest). Same seed, same bytes. See docs/simulator.md.

Example
-------
>>> from suara.sim import simulate
>>> summary = simulate("/tmp/suara-sim", seed=7, scale="small")      # doctest: +SKIP
>>> summary["items"] > 15000                                          # doctest: +SKIP
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from suara.sim._engine import SCALES, VARIANTS, run

__all__ = ["simulate", "SCALES", "VARIANTS"]


def simulate(out_dir: str | Path, seed: int = 7, scale: str | int = "small", election="kaltim-2024",
             variant: str | None = None, progress: Callable[[int], None] | None = None) -> dict:
    """Simulate a campaign into ``out_dir`` and return a summary.

    Parameters
    ----------
    out_dir: folder for the export files (created); ``out_dir/ground_truth`` gets the truth.
    seed: same seed -> byte-identical files.
    scale: ``small`` (~20k items), ``medium`` (~500k), ``large`` (~5M) or a number of items.
    election: builtin election name, YAML path or an ``Election``.
    variant: buzzer behaviour (``plain`` default, ``jitter``, ``paraphrase``, ``mixed``,
        ``slow``, ``organic``, ``calm``).
    progress: called with the number of items written since the last call.

    Returns
    -------
    dict with ``items`` (posts + comments written, snapshots not counted), ``files``
    (relative paths), ``counts`` per platform and kind, ``accounts``, ``time_range``, ...

    Example
    -------
    >>> s = simulate("/tmp/suara-sim-doc", seed=1, scale=3000)     # doctest: +SKIP
    >>> sorted(s)[:3]                                               # doctest: +SKIP
    ['accounts', 'buzzers', 'counts']
    """
    return run(out_dir, seed=seed, scale=scale, election=election, variant=variant, progress=progress)
