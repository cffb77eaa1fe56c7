"""The detect stage as one step: the writers whose results read-only sections show —
coordination (buzzer scores and networks), the radar (alerts, incremental) and live sessions
(detected from the data; registered ones stay).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> sorted(run_stages(ws, ["radar", "live"]))
['live', 'radar']
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

__all__ = ["STAGES", "run_stages"]


def _coordination(ws) -> dict[str, Any]:
    from suara.detect.coordination import detect_coordination
    res = detect_coordination(ws)
    res.save(ws.path / "coordination")  # the edges the web's network graph draws (and its GEXF)
    return res.stats


def _radar(ws) -> dict[str, Any]:
    from suara.detect.radar import run_radar
    return run_radar(ws)


def _live(ws) -> dict[str, Any]:
    from suara.analyse.mobilise.live import detect_live_sessions
    seen = _live_inputs(ws)
    if seen is not None and ws.store.meta(LIVE_INPUTS_KEY) == seen[0]:
        return {"sessions": seen[1]}   # the posts did not change since the sessions were detected
    out = {"sessions": int(len(detect_live_sessions(ws, write=True)))}
    seen = _live_inputs(ws)
    if seen is not None:
        ws.store.set_meta(LIVE_INPUTS_KEY, seen[0])
    return out


#: what the last live-session detection read (see :func:`_live_inputs`)
LIVE_INPUTS_KEY = "live.inputs"


def _live_inputs(ws) -> tuple[str, int] | None:
    """(the posts' signature and the detected sessions stored, their number); None on an
    engine without the signature."""
    from suara.store import aggregates
    st = ws.store
    if not aggregates._duckdb(st) or getattr(st, "read_only", False):
        return None
    n = st.execute("SELECT count(*) FROM live_sessions WHERE NOT coalesce(registered, false)").fetchall()[0][0]
    return f"{aggregates.signature(st)}|{n}", int(n)


#: stage name -> writer, in the order they run (the radar reads coordination's flags)
STAGES: dict[str, Callable[[Any], dict]] = {"coordination": _coordination, "radar": _radar, "live": _live}


def run_stages(ws, stages: Iterable[str] | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """Run the named detect stages (all by default) in :data:`STAGES` order; returns each one's
    summary. An unknown stage is refused by name before anything runs."""
    names = list(stages) if stages is not None else list(STAGES)
    unknown = [n for n in names if n not in STAGES]
    if unknown:
        raise ValueError(f"unknown detect stage(s) {unknown}; known: {list(STAGES)}")
    out = {}
    for n in STAGES:
        if n in names:
            out[n] = STAGES[n](ws)
            if progress:
                progress(n)
    return out
