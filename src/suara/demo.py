"""`suara demo`: the whole pipeline on a simulated Kaltim 2024 campaign, in one call.

simulate (platform-native exports) -> ingest -> enrich (hoax matching included) -> detect
coordination -> radar -> analyse -> report.html, with progress on the console and a summary
table at the end. The simulated fact-checkers' list (turnbackhoax layout, one debunk of the
campaign's injected hoax among unrelated ones) becomes the workspace's ``hoaxes.csv``, the
file a team fills from turnbackhoax.id or cekfakta.com, so posts repeating the hoax are
matched in enrich and raised by the radar.
The demo folder is an ordinary workspace: every other command opens it with ``-w``.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import suara

__all__ = ["run_demo"]


def run_demo(directory: str | Path = "suara-demo", seed: int = 7, scale: str = "small",
             election: str = "kaltim-2024", console: Console | None = None, lang: str | None = None) -> dict:
    """Run the demo end to end and return a summary dict (timings, counts, headline figures).

    ``lang``: the language of the printed summary and of the report; by default the summary
    is in English and the report in Indonesian.

    Example
    -------
    >>> summary = run_demo("/tmp/suara-demo")           # doctest: +SKIP
    >>> summary["report"]                               # doctest: +SKIP
    '/tmp/suara-demo/report.html'
    """
    from suara.detect.coordination import detect_coordination
    from suara.detect.radar import run_radar
    from suara.sim import simulate

    console = console or Console()
    d = Path(directory)
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    prog = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,.0f}"), TimeElapsedColumn(), console=console,
                    transient=False, disable=not console.is_terminal)
    with prog:
        def step(name, fn, total=None):
            task = prog.add_task(name, total=total)
            t0 = time.perf_counter()
            res = fn(lambda n=1, total=None: prog.update(task, advance=n, total=total))
            timings[name] = round(time.perf_counter() - t0, 2)
            prog.update(task, total=prog.tasks[task].completed or 1,
                        completed=prog.tasks[task].completed or 1)
            return res

        exports = d / "exports"
        sim = step("Simulating campaign", lambda cb: simulate(exports, seed=seed, scale=scale,
                                                               election=election, progress=cb))
        ws = suara.init(d, election=election)
        # platform folders only: ground_truth/ is the simulator's answer key, not input
        inputs = sorted(p for p in exports.iterdir() if p.is_dir() and p.name != "ground_truth")
        claims = exports / "ground_truth" / "hoaxes.csv"  # the fact-checkers' published list
        if claims.is_file():
            from suara.enrich.hoax import CLAIMS_FILE
            shutil.copyfile(claims, d / CLAIMS_FILE)
        reps = step("Importing exports", lambda cb: ws.ingest(inputs, progress=lambda _n, k: cb(k)))
        bad = [r for r in reps if r.error]
        enr = step("Enriching text", lambda cb: ws.enrich(progress=cb))
        coord = step("Detecting coordination", lambda cb: detect_coordination(ws))
        coord.save(d / "coordination")
        alerts = step("Radar", lambda cb: run_radar(ws))
        doc = step("Analysing", lambda cb: ws.analyse(progress=lambda _n: cb(1)))
        from suara.report.daily import write_report
        report = step("Writing report", lambda cb: write_report(ws, d / "report.html", analysis=doc,
                                                                lang=lang or "id"))
    timings["total"] = round(time.perf_counter() - t_all, 2)

    from suara.analyse.run import print_summary
    lang = lang or "en"
    print_summary(doc, ws, console, lang)
    from suara.config import formats
    from suara.config.i18n import texts
    tx = texts("cli", lang)
    t = Table(title=tx["demo_title"])
    t.add_column(tx["demo_step"])
    t.add_column(tx["demo_seconds"], justify="right")
    for k, v in timings.items():
        t.add_row(tx["demo_steps"].get(k, k), formats.decimal(v, lang, 1))
    console.print(t)
    n = lambda v: formats.integer(v or 0, lang)  # noqa: E731
    console.print(tx["demo_done"].format(
        posts=n(sum(r.accepted for r in reps)), files=n(len(reps)), quarantined=n(sum(r.quarantined for r in reps)),
        bad=n(len(bad)), enriched=n(enr.get("posts", 0)), hoax=n(enr.get("hoax_matches")),
        alerts=n(alerts.get("alerts", 0))))
    console.print(tx["demo_where"].format(report=report, d=d))
    summary = {"dir": str(d), "report": str(report), "timings": timings, "items": sim.get("items"),
               "imported": sum(r.accepted for r in reps), "unreadable": [r.error for r in bad],
               "enriched": enr.get("posts", 0), "hoax_matches": enr.get("hoax_matches"),
               "share_of_voice": doc.get("share_of_voice"),
               "alerts": alerts.get("alerts", 0)}   # alerts the radar holds after its run
    ws.close()
    return summary


def demo_login(directory: str | Path, username: str = "demo") -> tuple[str, str]:
    """Create (or reset) the demo workspace's login: an admin with a fresh random password,
    returned once (only its argon2 hash is stored). Used by ``suara demo --serve``.

    Example
    -------
    >>> import suara, tempfile
    >>> d = tempfile.mkdtemp(); suara.init(d).close()
    >>> user, pw = demo_login(d)
    >>> ws = suara.open(d); ws.users.check_password(user, pw)["role"]
    'admin'
    >>> ws.close()
    """
    import secrets

    import suara
    password = secrets.token_urlsafe(12)
    ws = suara.open(directory)
    try:
        ws.users.add(username, password, "admin", actor="demo")
    finally:
        ws.close()
    return username, password
