"""`suara action ...`, `suara volunteer ...` and `suara lawwatch`: thin faces over
:mod:`suara.analyse.mobilise` and :mod:`suara.analyse.lawwatch`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from suara.cli._common import EngineOpt, WorkspaceOpt, fail, open_workspace, out

action_app = typer.Typer(help="Calls to action: register, list and track them.", no_args_is_help=True)
volunteer_app = typer.Typer(help="Opt-in volunteer roster (recorded consent, UU PDP 27/2022).",
                            no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(action_app, name="action")
    app.add_typer(volunteer_app, name="volunteer")
    app.command("lawwatch")(lawwatch)


def _print_json(doc) -> None:
    print(json.dumps(doc, ensure_ascii=False, default=str, indent=1))


# ---------------------------------------------------------------- actions
@action_app.command("add")
def action_add(
        kind: str = typer.Option(..., "--kind", help="hashtag, share, live or comment_drive."),
        name: str = typer.Option(..., "--name", help="A short name for the action."),
        target: str = typer.Option(..., "--target", help="Hashtag, or post URL/id (comma-separated for several)."),
        start: str = typer.Option(..., "--start", help="Start, local time of the election (YYYY-MM-DD HH:MM)."),
        end: str = typer.Option(..., "--end", help="End, local time of the election."),
        candidate: Optional[str] = typer.Option(None, "--candidate", help="Ballot number of the pair it supports."),
        goal: Optional[int] = typer.Option(None, "--goal", min=0, help="Target value of the goal metric."),
        metric: str = typer.Option("posts", "--metric", help="Goal metric: posts, accounts or reach."),
        action_id: Optional[str] = typer.Option(None, "--id", help="Id to use (same id updates the action)."),
        workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Register a call to action (hashtag campaign, post to share, live stream, comment drive)."""
    ws = open_workspace(workspace, engine)
    try:
        a = ws.add_action(kind, name, target, start, end, candidate=candidate, goal=goal, goal_metric=metric,
                          action_id=action_id)
    except ValueError as e:
        fail(str(e))
    finally:
        ws.close()
    out.print(f"Registered action {a['action_id']} ({a['kind']} {a['target']}, "
              f"{a['starts_at']} – {a['ends_at']} UTC).")


@action_app.command("list")
def action_list(workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt,
                as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """List registered actions."""
    ws = open_workspace(workspace, engine, read_only=True)
    try:
        df = ws.actions()
    finally:
        ws.close()
    if as_json:
        _print_json(df.to_dict("records"))
        return
    if df.empty:
        out.print("No actions registered. Add one with `suara action add`.")
        return
    t = Table("id", "kind", "name", "pair", "target", "start (UTC)", "end (UTC)", "goal")
    for r in df.itertuples():
        t.add_row(r.action_id, r.kind, r.name or "", str(r.candidate or "-"), r.target, str(r.starts_at)[:16],
                  str(r.ends_at)[:16],
                  "-" if r.goal is None or r.goal != r.goal else f"{int(r.goal):,} {r.goal_metric}")
    out.print(t)


@action_app.command("report")
def action_report(action_id: str = typer.Argument(..., help="Action id (see `suara action list`)."),
                  as_json: bool = typer.Option(False, "--json", help="Print the full tracking document as JSON."),
                  workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Track one action: participation, reach, regions, sentiment, progress and cascade."""
    ws = open_workspace(workspace, engine, read_only=True)
    try:
        r = ws.track_action(action_id)
    except KeyError as e:
        fail(str(e).strip("'\""))
    finally:
        ws.close()
    if as_json:
        _print_json(r)
        return
    acc = r["accounts"]
    p = r["progress"]
    out.print(f"[b]{r['name']}[/] ({r['kind']} {r['target']}, {r['starts_local']} – {r['ends_local']} local)")
    out.print(f"Posts: {r['posts']:,} ({r['posts_organic']:,} organic)  accounts: {acc['total']:,} "
              f"({acc['organic']:,} organic, {acc['coordinated']:,} coordinated)  reach: {r['reach']:,}  "
              f"views: {r['views']:,}  regions: {r['regions_reached']}")
    ns = "-" if r["net_sentiment"] is None else f"{r['net_sentiment']:+.2f}"
    out.print(f"Sentiment: {r['sentiment']}  net {ns}")
    goal = "no goal" if p["goal"] is None else f"{p['value']:,} / {p['goal']:,} {p['metric']} ({p['done']:.0%})"
    out.print(f"Progress: {goal}")
    if r["cascade"]["started_by"]:
        out.print("Started by: " + ", ".join(f"{x['handle']} ({x['at'][:16]})" for x in r["cascade"]["started_by"]))
        out.print("Carried by: " + ", ".join(f"{x['handle']} ({x['responses']} responses, {x['posts']} posts)"
                                            for x in r["cascade"]["carried_by"]))


# ---------------------------------------------------------------- volunteers
@volunteer_app.command("add")
def volunteer_add(
        name: str = typer.Option(..., "--name"),
        platform: str = typer.Option(..., "--platform", help="instagram, facebook, tiktok, x, ..."),
        handle: Optional[str] = typer.Option(None, "--handle", help="The volunteer's own account handle."),
        account_id: Optional[str] = typer.Option(None, "--account-id"),
        consent_text: Optional[str] = typer.Option(None, "--consent-text",
                                                   help="The consent wording the volunteer agreed to."),
        consent: bool = typer.Option(False, "--consent", help="Confirm the volunteer gave explicit consent."),
        consent_at: Optional[str] = typer.Option(None, "--consent-at", help="When consent was given (local time)."),
        workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Enrol a volunteer; refused without --consent and --consent-text."""
    from suara.analyse.mobilise import ConsentError, add_volunteer
    ws = open_workspace(workspace, engine)
    try:
        v = add_volunteer(ws, name, platform, handle=handle, account_id=account_id, consent_text=consent_text,
                          consent=consent, consent_at=consent_at)
    except (ConsentError, ValueError) as e:
        fail(str(e))
    finally:
        ws.close()
    out.print(f"Enrolled volunteer {v['volunteer_id']} ({v['platform']} {v['handle'] or v['account_id']}), "
              f"consent recorded at {v['consent_at']:%Y-%m-%d %H:%M} UTC.")


@volunteer_app.command("list")
def volunteer_list(withdrawn: bool = typer.Option(False, "--withdrawn", help="Also list withdrawn (ids only)."),
                   as_json: bool = typer.Option(False, "--json"),
                   workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """List the volunteer roster."""
    from suara.analyse.mobilise import list_volunteers
    ws = open_workspace(workspace, engine, read_only=True)
    try:
        df = list_volunteers(ws, include_withdrawn=withdrawn)
    finally:
        ws.close()
    if as_json:
        _print_json(df.to_dict("records"))
        return
    t = Table("id", "name", "platform", "handle", "consent (UTC)", "withdrawn (UTC)")
    for r in df.itertuples():
        t.add_row(r.volunteer_id, r.name or "", r.platform or "", r.handle or "", str(r.consent_at)[:16],
                  "" if r.withdrawn_at is None or r.withdrawn_at != r.withdrawn_at else str(r.withdrawn_at)[:16])
    out.print(t)


@volunteer_app.command("withdraw")
def volunteer_withdraw(volunteer_id: str = typer.Argument(...),
                       erase: bool = typer.Option(False, "--erase", help="Also delete name, handle and account."),
                       workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Record a withdrawal of consent: the volunteer is no longer used anywhere."""
    from suara.analyse.mobilise import withdraw_volunteer
    ws = open_workspace(workspace, engine)
    try:
        ok = withdraw_volunteer(ws, volunteer_id, erase=erase)
    finally:
        ws.close()
    if not ok:
        fail(f"no volunteer {volunteer_id!r}")
    out.print(f"Withdrew volunteer {volunteer_id}" + (" and erased their details." if erase else "."))


@volunteer_app.command("leaderboard")
def volunteer_leaderboard_cmd(top: int = typer.Option(20, "--top", min=1),
                              as_json: bool = typer.Option(False, "--json"),
                              workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Consenting volunteers ranked by actions joined, posts in actions, reach and engagement."""
    from suara.analyse.mobilise import volunteer_leaderboard
    ws = open_workspace(workspace, engine, read_only=True)
    try:
        df = volunteer_leaderboard(ws, top=top)
    finally:
        ws.close()
    if as_json:
        _print_json(df.to_dict("records"))
        return
    t = Table("#", "name", "handle", "actions", "action posts", "posts", "reach", "engagement")
    for i, r in enumerate(df.itertuples(), 1):
        t.add_row(str(i), r.name or "", r.handle or "", f"{r.actions:,}", f"{r.action_posts:,}", f"{r.posts:,}",
                  f"{r.reach:,}", f"{r.engagement:,}")
    out.print(t)


# ---------------------------------------------------------------- law watch
def lawwatch(export: Optional[Path] = typer.Option(None, "--export",
                                                   help="Write evidence (CSV + JSON + manifest) here."),
             as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
             workspace: Path = WorkspaceOpt, engine: Optional[str] = EngineOpt):
    """Election-law watch: quiet period, voting day, paid content outside the window, account cap."""
    from suara.analyse.lawwatch import export_evidence, law_watch
    ws = open_workspace(workspace, engine, read_only=export is None)
    try:
        r = law_watch(ws)
        paths = None
        if export is not None:
            try:
                paths = export_evidence(ws, export, r["findings"])
            except OSError as e:
                fail(f"{export}: cannot write evidence: {e}")
    finally:
        ws.close()
    if as_json:
        _print_json(r)
        return
    f = r["findings"]
    out.print(f"Checked {r['official_accounts']:,} official accounts; {len(f):,} findings.")
    if f:
        t = Table("rule", "severity", "pair", "platform", "account", "posts", "first (UTC)")
        for x in f:
            t.add_row(x["rule"], x["severity"], x["candidate"] or "-", x["platform"] or "-",
                      x["handle"] or x["account_id"] or "-", str(x["count"] or x["detail"].get("accounts", "")),
                      (x["first_at"] or "")[:16])
        out.print(t)
    if paths:
        out.print(f"Wrote {', '.join(p.name for p in paths.values())} to {export}")
