"""Administration commands: quarantine, backup, restore, forget, retention, privacy register."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from suara.cli._common import EngineOpt, WorkspaceOpt, err, fail, open_workspace, out


def register(app: typer.Typer) -> None:
    app.command("quarantine")(quarantine)
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("forget")(forget)
    app.command("retention")(retention)
    privacy = typer.Typer(help="Personal-data protection (UU PDP 27/2022).", no_args_is_help=True)
    privacy.command("register")(privacy_register)
    privacy.command("account-type")(account_type)
    privacy.command("rotate-key")(rotate_key)
    app.add_typer(privacy, name="privacy")


def quarantine(workspace: Path = WorkspaceOpt, limit: int = typer.Option(50, "--limit"),
               file: Optional[str] = typer.Option(None, "--file", help="Only rows from this file."),
               as_json: bool = typer.Option(False, "--json")):
    """List quarantined input rows with file, row, field and reason."""
    ws = open_workspace(workspace, read_only=False)
    df = ws.quarantine(limit=limit, file=file)
    if as_json:
        print(df.to_json(orient="records", date_format="iso", force_ascii=False))
        return
    t = Table(title=f"Quarantine ({ws.store.count('quarantine'):,} rows)")
    for c in ("file", "row", "field", "reason"):
        t.add_column(c)
    for r in df.itertuples():
        t.add_row(str(r.file), str(r.row), str(r.field), str(r.reason))
    out.print(t)


def backup(output: Path = typer.Option(..., "-o", "--output", help="Backup file (.tar.gz)."),
           workspace: Path = WorkspaceOpt):
    """Back up the workspace (config + store) to one verified archive."""
    ws = open_workspace(workspace)
    p = ws.backup(output)
    out.print(f"Backed up {ws.path} to [bold]{p}[/]")


def restore(archive: Path = typer.Argument(..., help="Backup made by 'suara backup'."),
            workspace: Path = WorkspaceOpt, force: bool = typer.Option(False, "--force")):
    """Restore a backup into a workspace folder (verified before anything is written)."""
    from suara.store.admin import restore as do_restore
    try:
        p = do_restore(archive, workspace, force=force)
    except (ValueError, OSError) as e:
        fail(str(e))
    out.print(f"Restored {archive} into [bold]{p}[/]")


def forget(account: str = typer.Option(..., "--account", help="PLATFORM:ACCOUNT_ID to erase."),
           workspace: Path = WorkspaceOpt, yes: bool = typer.Option(False, "--yes", help="Do not ask.")):
    """Erase an account, its posts and everything derived from them (right to erasure)."""
    if ":" not in account:
        fail("--account must be PLATFORM:ACCOUNT_ID, e.g. instagram:1234567")
    platform, aid = account.split(":", 1)
    if not yes:
        typer.confirm(f"Erase {account} and all its posts from this workspace?", abort=True)
    ws = open_workspace(workspace)
    counts = ws.forget(platform, aid)
    ws.close()
    unread = counts.pop("files to check by hand", None)
    out.print(f"Erased {account}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), markup=False)
    if unread:
        err.print("Files Suara cannot read as text that may name the account (check or delete them): "
                  + ", ".join(unread), markup=False)


def retention(workspace: Path = WorkspaceOpt,
              days: Optional[int] = typer.Option(None, "--days", help="Override retention_days from suara.yaml.")):
    """Purge raw posts older than the retention period, keeping daily aggregates."""
    ws = open_workspace(workspace)
    res = ws.retention(days)
    if res["days"] is None:
        out.print("No retention period set (retention_days in suara.yaml, or --days).")
    else:
        out.print(f"Purged {res['purged_posts']:,} posts older than {res['days']} days (before {res['cutoff']}); "
                  "daily aggregates kept.")


def privacy_register(workspace: Path = WorkspaceOpt,
                     output: Optional[Path] = typer.Option(None, "-o", "--output")):
    """Export the data-processing register (record of processing activities)."""
    from suara.store.admin import processing_register
    ws = open_workspace(workspace)
    doc = processing_register(ws)
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=str)
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"Wrote {output}")
    else:
        print(text)


def account_type(account: str = typer.Argument(..., help="PLATFORM:ACCOUNT_ID"),
                 kind: str = typer.Argument(..., metavar="TYPE",
                                            help="official, party, media, city, influencer, citizen or unknown."),
                 workspace: Path = WorkspaceOpt):
    """Decide an account's type: public types are named in outputs, citizens pseudonymised."""
    from suara.store.admin import set_account_type
    if ":" not in account:
        fail("the account must be PLATFORM:ACCOUNT_ID, e.g. instagram:1234567")
    platform, aid = account.split(":", 1)
    ws = open_workspace(workspace)
    try:
        set_account_type(ws, platform, aid, kind, actor="cli")
    except ValueError as e:
        fail(str(e))
    finally:
        ws.close()
    named = "named" if kind in ("official", "party", "media", "city", "influencer") else "pseudonymised"
    out.print(f"{account} is now [bold]{kind}[/]: {named} in exports, reports and the API.")


def rotate_key(workspace: Path = WorkspaceOpt,
               yes: bool = typer.Option(False, "--yes", help="Do not ask.")):
    """Draw a new pseudonymisation key: every citizen's pseudonym changes (audited)."""
    from suara.analyse.privacy import rotate_key as do_rotate
    if not yes:
        typer.confirm("Every pseudonym changes; exports made before can no longer be linked to later ones. "
                      "Rotate the key?", abort=True)
    ws = open_workspace(workspace)
    try:
        do_rotate(ws, actor="cli")
    except ValueError as e:
        fail(str(e))
    finally:
        ws.close()
    out.print("New pseudonymisation key drawn; pseudonyms in new outputs differ from earlier ones.")
