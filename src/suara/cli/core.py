"""Core pipeline commands: init, ingest, simulate, enrich, analyse, report, demo."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from suara.analyse.section import BUILTIN_IDS
from suara.cli._common import EngineOpt, WorkspaceOpt, err, fail, open_workspace, out, progress_bar


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("ingest")(ingest)
    app.command("simulate")(simulate)
    app.command("enrich")(enrich)
    app.command("analyse")(analyse)
    app.command("report")(report)
    app.command("demo")(demo)


def init(directory: Path = typer.Argument(..., help="Folder to create the workspace in."),
         election: str = typer.Option("kaltim-2024", "--election",
                                      help="Built-in election name or path to an election YAML."),
         engine: str = typer.Option("duckdb", "--engine", help="duckdb or spark.")):
    """Create a workspace: suara.yaml, the election config and an empty store."""
    import suara
    from suara.bytecode import compile_package
    from suara.config import ConfigError
    compile_package()   # later commands then load compiled modules (see suara.bytecode)
    try:
        ws = suara.init(directory, election=election, engine=engine)
    except ConfigError as e:
        fail(str(e))
    out.print(f"Created workspace [bold]{ws.path}[/] for {ws.election.name} "
              f"({len(ws.election.candidates)} pairs, {len(ws.election.regions)} regions).")


def ingest(paths: List[Path] = typer.Argument(..., help="Files or folders (.gz/.xz/.zip read as streams)."),
           fmt: str = typer.Option("auto", "--format", help="auto, or a format name (see --list-formats)."),
           list_formats: bool = typer.Option(False, "--list-formats", is_eager=True,
                                             help="List the format names --format takes, and exit."),
           timezone: Optional[str] = typer.Option(
               None, "--timezone", help="Zone of naive local timestamps in CSV exports, e.g. "
                                        "Asia/Makassar (WITA). Default: UTC; chat exports "
                                        "(WhatsApp, Telegram): the election's zone."),
           mapping: Optional[Path] = typer.Option(None, "--mapping", help="Column-mapping YAML for the generic format."),
           platform: Optional[str] = typer.Option(None, "--platform", help="Platform, when a format cannot tell."),
           dayfirst: Optional[bool] = typer.Option(
               None, "--dayfirst/--monthfirst", help="Day/month order of WhatsApp chat dates "
                                                     "(default: inferred from the whole file, and reported)."),
           chat_name: Optional[str] = typer.Option(None, "--chat-name", help="Name of the chat or group, "
                                                   "when the export's file name does not give it."),
           workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt,
           as_json: bool = typer.Option(False, "--json", help="Print the per-file report as JSON.")):
    """Import export files into the workspace; prints accepted/updated/quarantined per file.

    Exit code 0 when every file was read and something was accepted; 1 when nothing was
    accepted; 2 when a file could not be read at all.
    """
    import yaml
    if list_formats:
        from suara.ingest.registry import formats
        for name, imp in formats().items():
            out.print(f"{name}\t{', '.join(getattr(imp, 'platforms', ()) or ())}")
        raise typer.Exit(0)
    ws = open_workspace(workspace, engine)
    mp = None
    if mapping:
        try:
            mp = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            fail(f"{mapping}: cannot read mapping: {e}", 2)
    with progress_bar() as bar:
        tasks: dict[str, int] = {}

        def progress(name, n):
            if name not in tasks:
                tasks[name] = bar.add_task(f"Importing {Path(name).name}", total=None)
            bar.advance(tasks[name], n)
        reps = ws.ingest(paths, fmt=fmt, timezone=timezone, mapping=mp, platform=platform,
                         progress=progress, dayfirst=dayfirst, chat_name=chat_name)
    if as_json:
        out.print_json(json.dumps([r.to_dict() for r in reps]))
    else:
        t = Table(title="Import")
        for c in ("file", "format", "accepted", "updated", "unchanged", "quarantined"):
            t.add_column(c, justify="right" if c not in ("file", "format") else "left")
        for r in reps:
            if r.error:
                t.add_row(r.file, "[red]unreadable[/]", "-", "-", "-", "-")
            elif r.format is None:
                t.add_row(r.file, "[yellow]skipped[/]", "-", "-", "-", "-")
            else:
                t.add_row(r.file, r.format or "", f"{r.accepted:,}", f"{r.updated:,}",
                          f"{r.unchanged:,}", f"{r.quarantined:,}")
        out.print(t)
        for r in reps:
            for note in r.notes:
                out.print(f"{Path(r.file).name}: {note}" if r.format else note, highlight=False, markup=False)
        for r in reps:
            if r.error:
                err.print(f"[red]Error:[/] {r.error}", highlight=False)
        q = sum(r.quarantined for r in reps)
        if q:
            err.print(f"{q:,} rows quarantined with their reasons: see the 'quarantine' table "
                      f"(suara quarantine -w {workspace}).")
    ws.close()
    if any(r.error for r in reps):
        raise typer.Exit(2)
    if not any(r.accepted or r.updated or r.unchanged or r.accounts for r in reps):
        raise typer.Exit(1)


def simulate(output: Path = typer.Option(..., "-o", "--output", help="Folder for the export files."),
             seed: int = typer.Option(7, "--seed"),
             scale: str = typer.Option("small", "--scale", help="small (~20k items), medium (~500k), large (~5M)."),
             election: str = typer.Option("kaltim-2024", "--election"),
             variant: Optional[str] = typer.Option(None, "--variant",
                                                   help="Buzzer behaviour variant (see docs/simulator.md).")):
    """Simulate a campaign: platform-native export files plus ground_truth/."""
    from suara.sim import simulate as run_sim
    with progress_bar() as bar:
        task = bar.add_task("Simulating", total=None)
        summary = run_sim(output, seed=seed, scale=scale, election=election, variant=variant,
                          progress=lambda n: bar.advance(task, n))
    out.print(f"Wrote {summary['items']:,} items to [bold]{output}[/] "
              f"({', '.join(summary['files'])}); ground truth in {output}/ground_truth/")


def enrich(workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt,
           rebuild: bool = typer.Option(False, "--rebuild", help="Re-enrich every post."),
           detect: bool = typer.Option(True, "--detect/--no-detect",
                                       help="After enriching new posts, bring the radar's alerts and the "
                                            "live sessions up to date.")):
    """Enrich posts not yet enriched: normalisation, language, candidates, sentiment, ...

    When posts were enriched, the radar then runs over them (and live sessions are detected):
    alerts are raised when the data lands, not when someone next opens a page, and the next
    `suara analyse` finds them current."""
    ws = open_workspace(workspace, engine)
    with progress_bar() as bar:
        task = bar.add_task("Enriching", total=None)
        res = ws.enrich(rebuild=rebuild, progress=lambda n, total=None: bar.update(task, advance=n, total=total),
                        detect=detect)
    out.print(f"Enriched {res.get('posts', 0):,} posts (pipeline {res.get('version', '?')}).")
    if res.get("detect"):
        done = res["detect"]
        radar = done.get("radar", {})
        out.print(f"Radar: {radar.get('alerts', 0):,} alerts ({radar.get('new', 0):,} new); "
                  f"live sessions: {done.get('live', {}).get('sessions', 0):,}.")
    ws.close()


def _freeze_once():
    """A progress callback for one `suara analyse` process. Until the first section is done
    the run imports its modules (pandas, Ibis, SQLGlot, the sections), which makes objects
    that live until the process ends and hardly any garbage: the garbage collector is off
    meanwhile, and then leaves those objects out of every later collection (frozen). Its
    time in a run on the 340,000-row store: ~0.24 s -> ~0.08 s."""
    import gc
    enabled = gc.isenabled()
    gc.disable()
    done = []

    def progress(_section: str) -> None:
        if not done:
            gc.freeze()
            if enabled:
                gc.enable()
            done.append(True)
    return progress


def analyse(workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt,
            as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout."),
            section: Optional[List[str]] = typer.Option(
                None, "--section", help="Only these sections (repeat the option). Names: "
                + ", ".join(BUILTIN_IDS) + "; aliases such as wilayah, kandidat, radar also work."),
            lang: str = typer.Option("en", "--lang", help="Language of the section tables: en or id."),
            recompute: bool = typer.Option(False, "--recompute", help="Compute even when nothing changed since "
                                           "the last complete analysis (whose document is otherwise given back).")):
    """Compute the analytics: share of voice, influencers, exposure, regions, segments, ..."""
    from suara.analyse.section import SectionError, resolve
    try:
        section = [resolve(s) for s in section] if section else None
    except SectionError as e:
        fail(str(e))
    ws = open_workspace(workspace, engine)
    doc = ws.analyse(sections=section, progress=_freeze_once(), reuse=not recompute)
    if as_json:
        print(json.dumps(doc, ensure_ascii=False, default=str))
    elif section:
        from suara.analyse.run import print_sections
        print_sections(doc, ws, out, [s for s in section if s != "meta"] or ["meta"], lang)
    else:
        from suara.analyse.run import print_summary
        print_summary(doc, ws, out, lang)
    ws.close()


def report(output: Optional[Path] = typer.Option(None, "-o", "--output", help="FILE.html or FILE.pdf"),
           card: Optional[Path] = typer.Option(None, "--card", help="Also (or only) write the summary card, "
                                               "a 1080x1350 PNG for a WhatsApp group, e.g. --card card.png."),
           workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt,
           lang: str = typer.Option("id", "--lang", help="id (Bahasa Indonesia) or en.")):
    """Write the daily brief with charts (works offline) and/or its PNG summary card."""
    if output is None and card is None:
        raise typer.BadParameter("give -o FILE.html|FILE.pdf, --card FILE.png, or both", param_hint="-o/--card")
    if card is not None and card.suffix.lower() != ".png":
        raise typer.BadParameter(f"{card}: the card is a PNG file (name it .png)", param_hint="--card")
    ws = open_workspace(workspace, engine)
    doc = ws.analyse()
    if output is not None:
        from suara.report.daily import write_report
        path = write_report(ws, output, analysis=doc, lang=lang)
        out.print(f"Wrote report [bold]{path}[/]")
    if card is not None:
        from suara.report.card import write_card
        path = write_card(ws, card, analysis=doc, lang=lang)
        out.print(f"Wrote card [bold]{path}[/] (1080x1350 PNG)")
    ws.close()


def demo(directory: Path = typer.Option(Path("suara-demo"), "--dir", help="Workspace folder to create."),
         seed: int = typer.Option(7, "--seed"),
         scale: str = typer.Option("small", "--scale"),
         serve: bool = typer.Option(False, "--serve", help="Open the web war room afterwards."),
         port: int = typer.Option(8000, "--port"),
         election: str = typer.Option("kaltim-2024", "--election",
                                      help="Election config to simulate (e.g. pilpres-2024, a map by province)."),
         lang: Optional[str] = typer.Option(None, "--lang", help="Language of the summary and the report: en or id "
                                            "(default: summary in English, report in Indonesian).")):
    """Simulate a campaign (Kaltim 2024 unless --election), ingest, enrich, analyse, report, and summarise."""
    from suara.bytecode import compile_package
    from suara.demo import run_demo
    compile_package()
    summary = run_demo(directory, seed=seed, scale=scale, election=election, console=out, lang=lang)
    if serve:
        from suara.demo import demo_login
        from suara.serve.app import run_server
        user, password = demo_login(directory)
        # printed once, here only: the store keeps an argon2 hash
        out.print(f"Log in at [bold]http://127.0.0.1:{port}/login[/] as [bold]{user}[/] with password "
                  f"[bold]{password}[/] (shown once; change it with 'suara user add {user} --role admin -w {directory}').",
                  highlight=False)
        run_server(directory, host="127.0.0.1", port=port)
    return summary
