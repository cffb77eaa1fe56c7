"""`suara detect ...`: the detect stage's writers. `detect coordination` finds buzzer networks
and scores accounts (:func:`suara.detect.coordination.detect_coordination`), `detect radar`
stores alerts (:func:`suara.detect.radar.run_radar`), `detect live` stores live sessions."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from suara.cli._common import EngineOpt, WorkspaceOpt, err, fail, open_workspace, out

detect_app = typer.Typer(help="Detect: coordinated networks, radar alerts and live sessions (stored results).",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(detect_app, name="detect")


@detect_app.command("coordination")
def coordination(
        output: Path = typer.Option(..., "-o", "--output", help="Folder for accounts.csv, edges.csv, "
                                    "networks.csv, network.gexf and summary.json."),
        window: Optional[str] = typer.Option(None, "--window",
                                             help="Co-activity window: seconds (60) or 60s, 5m, 1h "
                                                  "(default: estimated from the data with CooRnet's rule; "
                                                  "the multi-scale and similarity evidence need none)."),
        min_weight: int = typer.Option(2, "--min-weight", min=1, help="Least shared objects per edge."),
        min_symmetry: float = typer.Option(0.3, "--min-symmetry", min=0.0, max=1.0,
                                           help="Least share of both accounts' activity an edge must hold."),
        seed: int = typer.Option(42, "--seed", help="Leiden seed."),
        no_store: bool = typer.Option(False, "--no-store", help="Do not replace account_scores/networks."),
        real_handles: bool = typer.Option(False, "--real-handles",
                                          help="Write citizens' handles as they are (default: pseudonyms)."),
        workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Find coordinated account networks and score every account (buzzer score 0..1, flagged >= 0.5)."""
    from suara.detect.coordination import detect_coordination, parse_window

    try:
        seconds = parse_window(window)
    except ValueError as e:
        fail(str(e))
    ws = open_workspace(workspace, engine)
    try:
        res = detect_coordination(ws, window=seconds, min_weight=min_weight, min_symmetry=min_symmetry,
                                  seed=seed, store=not no_store)
        paths = res.save(output, pseudonymise=not real_handles)
        if not no_store and Path(output).resolve() != (ws.path / "coordination").resolve():
            res.save(ws.path / "coordination")  # the web's network graph draws these edges
    except OSError as e:
        fail(f"{output}: cannot write results: {e}")
    finally:
        ws.close()
    s = res.stats
    skipped = s["skipped_no_time"] + s["skipped_no_author"]
    if skipped:
        err.print(f"Skipped {skipped:,} posts ({s['skipped_no_time']:,} without a timestamp, "
                  f"{s['skipped_no_author']:,} without an author).")
    out.print(f"Scored {s['accounts_scored']:,} accounts from {s['posts'] - skipped:,} posts; "
              f"flagged {s['flagged']:,} in {s['networks']:,} networks "
              f"({s['edges']:,} edges; windows: " +
              ", ".join(f"{k} {v}s" for k, v in res.windows.items()) + ").")
    if len(res.networks):
        t = Table("network", "size", "candidate", "stance", "platforms", "first", "last")
        for r in res.networks.head(20).itertuples():
            t.add_row(r.cluster, f"{r.size:,}", str(r.candidate or "-"), str(r.stance or "-"), r.platforms,
                      str(r.first_activity)[:16], str(r.last_activity)[:16])
        out.print(t)
    out.print(f"Wrote {', '.join(p.name for p in paths.values())} to {output}")


@detect_app.command("radar")
def radar(full: bool = typer.Option(False, "--full", help="Rescan all data, not only data newer than the last run."),
          workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Scan for unusual rises and store the alerts (incremental; `suara radar` lists them)."""
    from suara.detect.radar import run_radar
    ws = open_workspace(workspace, engine)
    try:
        r = run_radar(ws, full=full)
    finally:
        ws.close()
    out.print(f"Scanned {r['from'] or '-'} .. {r['to'] or '-'}: {r['alerts']:,} alerts updated, {r['new']:,} new.",
              highlight=False)


@detect_app.command("live")
def live(workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Detect live-stream sessions from the data and store them (registered sessions stay)."""
    ws = open_workspace(workspace, engine)
    try:
        n = ws.detect(["live"])["live"]["sessions"]
    finally:
        ws.close()
    out.print(f"Detected {n:,} live sessions.")
