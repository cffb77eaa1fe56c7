"""`suara radar`, `suara case ...` and `suara alert ...`: early warning, case handling and
webhook delivery."""
from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from suara.cli._common import EngineOpt, WorkspaceOpt, err, fail, open_workspace, out

case_app = typer.Typer(help="Handle alerts as cases: open, assign, note, resolve, export evidence.",
                       no_args_is_help=True)
alert_app = typer.Typer(help="Deliver alerts to the webhooks in suara.yaml.", no_args_is_help=True)

ByOpt = typer.Option(None, "--by", help="Who does this (for the audit log); default: login name.")


def register(app: typer.Typer) -> None:
    app.command("radar")(radar)
    app.add_typer(case_app, name="case")
    app.add_typer(alert_app, name="alert")


def _actor(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _json_out(data) -> None:
    # plain write: stdout must hold exactly one JSON document and nothing else
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=1) + "\n")


def radar(workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt,
          as_json: bool = typer.Option(False, "--json", help="Print the alerts as a JSON list."),
          update: bool = typer.Option(True, "--update/--no-update",
                                      help="Scan data newer than the last run first (incremental)."),
          full: bool = typer.Option(False, "--full", help="Rescan all data, not only new data."),
          limit: int = typer.Option(50, "--limit", help="Show at most this many alerts."),
          min_severity: str = typer.Option("low", "--min-severity", help="low, medium, high or critical."),
          trace: Optional[str] = typer.Option(None, "--trace", help="Show the cascade of one alert id."),
          lang: str = typer.Option("en", "--lang", help="Language of the table: en or id (alert types, "
                                   "severities, numbers).")):
    """List current alerts, newest first (scans new data first).

    With --json: a JSON list of {id, candidate, issue, type, severity, onset_at, detected_at,
    posts, top_accounts, ...} on stdout and nothing else there.
    """
    from suara.detect.radar import SEVERITIES

    if min_severity not in SEVERITIES:
        fail(f"--min-severity must be one of {', '.join(SEVERITIES)}, got {min_severity!r}")
    ws = open_workspace(workspace, engine)
    if update:
        res = ws.radar(full=full)
        err.print(f"Scanned {res['from'] or '-'} .. {res['to'] or '-'}: {res['alerts']:,} alerts "
                  f"updated, {res['new']:,} new.", highlight=False)
    if trace:
        try:
            tr = ws.alert_trace(trace)
        except KeyError:
            fail(f"alert {trace!r} not found")
        _json_out(tr) if as_json else out.print_json(json.dumps(tr, default=str))
        return
    alerts = ws.alerts(limit=limit, min_severity=min_severity)
    if as_json:
        _json_out(alerts)
        return
    if not alerts:
        out.print("No alerts.")
        return
    from suara.config import formats
    from suara.config.i18n import strings
    tz, zone = ws.election.timezone, formats.zone_label(ws.election.timezone)
    ui = strings(lang)

    def local(v, fmt: str) -> str:   # the election's local time, as the web shows it
        import pandas as pd
        return pd.Timestamp(v).tz_localize(None).tz_localize("UTC").tz_convert(tz).strftime(fmt) if v else "-"
    t = Table(title=f"Radar — {ws.election.name}")
    cols = (("detected", "Terdeteksi"), ("onset", "Mulai"), ("id", "id"), ("pair", "Paslon"), ("issue", "Isu"),
            ("type", "Jenis"), ("severity", "Tingkat"), ("posts", "Unggahan"), ("top accounts", "Akun teratas"))
    for i, (en, id_) in enumerate(cols):
        t.add_column((id_ if lang == "id" else en) + (f" ({zone})" if i < 2 else ""),
                     justify="right" if en == "posts" else "left")
    for a in alerts:
        t.add_row(local(a["detected_at"], "%Y-%m-%d %H:%M"), local(a["onset_at"], "%H:%M"), a["id"],
                  a["candidate"] or "-", a["issue"] or "-",
                  ui.get("enum_" + str(a["type"]), a["type"]) if lang == "id" else a["type"],
                  ui.get("enum_" + str(a["severity"]), a["severity"]) if lang == "id" else a["severity"],
                  formats.integer(a["posts"], lang), ", ".join(a["top_accounts"][:3]))
    out.print(t)


# ------------------------------------------------------------------------------- cases
def _show(c: dict) -> None:
    out.print(f"[bold]{c['case_id']}[/] {c['title']}", highlight=False)
    out.print(f"  status: {c['status']}   assignee: {c['assignee'] or '-'}   alert: {c['alert_id']}   "
              f"opened: {(c['opened_at'] or '')[:16]}   resolved: {(c['resolved_at'] or '-')[:16]}",
              highlight=False)
    pb = c["playbook"] or {}
    out.print(f"  playbook: [bold]{pb.get('title', '-')}[/] ({pb.get('why', '')})", highlight=False)
    for i, s in enumerate(pb.get("steps", []), 1):
        out.print(f"    {i}. {s}", highlight=False)
    for n in c["notes"]:
        out.print(f"  note {n['at']} {n['by']}: {n['text']}", highlight=False)


def _case_call(fn, *args, **kw):
    from suara.analyse.cases import CaseError
    try:
        return fn(*args, **kw)
    except CaseError as e:
        fail(str(e))


@case_app.command("open")
def case_open(alert_id: str = typer.Argument(..., help="Alert id from 'suara radar'."),
              workspace: Path = WorkspaceOpt,
              assignee: Optional[str] = typer.Option(None, "--assign", help="Assign it at once."),
              by: Optional[str] = ByOpt,
              as_json: bool = typer.Option(False, "--json")):
    """Open a case for an alert, with a suggested playbook."""
    ws = open_workspace(workspace)
    c = _case_call(ws.open_case, alert_id, actor=_actor(by), assignee=assignee)
    _json_out(c) if as_json else _show(c)


@case_app.command("list")
def case_list(workspace: Path = WorkspaceOpt,
              status: Optional[str] = typer.Option(None, "--status", help="open, assigned, in_progress or resolved."),
              as_json: bool = typer.Option(False, "--json")):
    """List cases, most recently updated first."""
    from suara.analyse.cases import list_cases
    ws = open_workspace(workspace)
    cases = list_cases(ws, status)
    if as_json:
        _json_out(cases)
        return
    if not cases:
        out.print("No cases.")
        return
    t = Table(title="Cases")
    for c in ("case", "status", "assignee", "title", "playbook", "updated"):
        t.add_column(c)
    for c in cases:
        t.add_row(c["case_id"], c["status"], c["assignee"] or "-", c["title"],
                  (c["playbook"] or {}).get("id", "-"), (c["updated_at"] or "")[:16])
    out.print(t)


@case_app.command("show")
def case_show(case_id: str, workspace: Path = WorkspaceOpt, as_json: bool = typer.Option(False, "--json")):
    """Show a case: status, playbook steps and notes."""
    from suara.analyse.cases import get_case
    ws = open_workspace(workspace)
    c = _case_call(get_case, ws, case_id)
    _json_out(c) if as_json else _show(c)


@case_app.command("note")
def case_note(case_id: str, text: str = typer.Argument(..., help="The note."),
              workspace: Path = WorkspaceOpt, by: Optional[str] = ByOpt):
    """Add a note to a case."""
    from suara.analyse.cases import add_note
    ws = open_workspace(workspace)
    c = _case_call(add_note, ws, case_id, text, actor=_actor(by))
    out.print(f"Added note {len(c['notes'])} to {case_id}.")


@case_app.command("assign")
def case_assign(case_id: str, assignee: str = typer.Argument(..., help="Who handles it."),
                workspace: Path = WorkspaceOpt, by: Optional[str] = ByOpt,
                start: bool = typer.Option(False, "--start", help="Also mark it in progress.")):
    """Assign a case."""
    from suara.analyse.cases import assign_case
    ws = open_workspace(workspace)
    c = _case_call(assign_case, ws, case_id, assignee, actor=_actor(by), start=start)
    out.print(f"Assigned {case_id} to {c['assignee']} ({c['status']}).", highlight=False)


@case_app.command("resolve")
def case_resolve(case_id: str, outcome: str = typer.Argument(..., help="What was done / the outcome."),
                 workspace: Path = WorkspaceOpt, by: Optional[str] = ByOpt):
    """Resolve a case with an outcome."""
    from suara.analyse.cases import resolve_case
    ws = open_workspace(workspace)
    _case_call(resolve_case, ws, case_id, outcome, actor=_actor(by))
    out.print(f"Resolved {case_id}.")


@case_app.command("export")
def case_export(case_id: str, output: Path = typer.Option(Path("."), "-o", "--output", help="Folder."),
                workspace: Path = WorkspaceOpt, by: Optional[str] = ByOpt):
    """Export the evidence of a case (posts, UTC times, URLs, sha256 hashes) as CSV + JSON."""
    from suara.analyse.cases import export_evidence
    ws = open_workspace(workspace)
    r = _case_call(export_evidence, ws, case_id, output, actor=_actor(by))
    out.print(f"Wrote {r['posts']:,} posts to {r['csv']} and {r['json']} (CSV sha256 {r['sha256']}).",
              highlight=False)


# ------------------------------------------------------------------------------- alerts
@alert_app.command("test")
def alert_test(workspace: Path = WorkspaceOpt):
    """Send a test message to every webhook in suara.yaml."""
    from suara.alert import send_test
    ws = open_workspace(workspace)
    res = send_test(ws)
    if not res:
        fail("no webhooks configured: add a 'webhooks:' list to suara.yaml")
    for r in res:
        state = "[green]ok[/]" if r["ok"] else f"[red]failed[/] ({r['error']})"
        out.print(f"{r['kind']} {r['channel']}: {state} after {r['attempts']} attempt(s)", highlight=False)
    if not all(r["ok"] for r in res):
        raise typer.Exit(1)


@alert_app.command("deliver")
def alert_deliver(workspace: Path = WorkspaceOpt,
                  update: bool = typer.Option(True, "--update/--no-update", help="Scan new data first."),
                  as_json: bool = typer.Option(False, "--json")):
    """Send alerts not yet delivered to every webhook (deduplicated; digest per suara.yaml)."""
    from suara.alert import deliver
    from suara.detect.radar import run_radar
    ws = open_workspace(workspace)
    if not ws.config.webhooks:
        fail("no webhooks configured: add a 'webhooks:' list to suara.yaml")
    if update:
        run_radar(ws)
    res = deliver(ws)
    if as_json:
        _json_out(res)
    else:
        for r in res:
            out.print(f"{r['kind']} {r['channel']}: {r['sent']:,} sent in {r['messages']:,} message(s), "
                      f"{r['skipped']:,} already sent, {r['failed']:,} failed", highlight=False)
    if any(r["failed"] for r in res):
        raise typer.Exit(1)
