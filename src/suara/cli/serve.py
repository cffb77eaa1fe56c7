"""Web app commands: serve, user, token."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from suara.cli._common import WorkspaceOpt, err, fail, open_workspace, out


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    user = typer.Typer(help="Users of the web app (admin, analyst, viewer).", no_args_is_help=True)
    user.command("add")(user_add)
    user.command("list")(user_list)
    user.command("disable")(user_disable)
    user.command("enable")(user_enable)
    user.command("set-role")(user_set_role)
    app.add_typer(user, name="user")
    token = typer.Typer(help="API tokens for the JSON API (Authorization: Bearer TOKEN).", no_args_is_help=True)
    token.command("create")(token_create)
    token.command("list")(token_list)
    token.command("revoke")(token_revoke)
    app.add_typer(token, name="token")


def serve(workspace: Path = WorkspaceOpt, host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port")):
    """Start the web war room over a workspace (http://HOST:PORT)."""
    from suara.serve.app import run_server
    from suara.store import StoreError
    ws = open_workspace(workspace)
    if not ws.store.count("users"):
        err.print("[yellow]No users yet:[/] create one with "
                  f"'suara user add NAME --role admin -w {workspace}' (the server will still start).")
    ws.close()
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]Warning:[/] listening on {host}. Put a TLS proxy in front; cookies are marked Secure.")
    try:
        run_server(workspace, host=host, port=port)
    except StoreError as e:
        fail(str(e))


def user_add(name: str = typer.Argument(...),
             role: str = typer.Option("viewer", "--role", help="admin, analyst or viewer"),
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
             workspace: Path = WorkspaceOpt):
    """Add (or reset) a user; the password is asked for, or read from stdin."""
    if password_stdin:
        pw = sys.stdin.readline().rstrip("\n")
    else:
        pw = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    ws = open_workspace(workspace)
    try:
        ws.users.add(name, pw, role)
    except ValueError as e:
        fail(str(e))
    out.print(f"User [bold]{name}[/] ({role}) saved.")
    ws.close()


def user_list(workspace: Path = WorkspaceOpt):
    """List users and roles."""
    ws = open_workspace(workspace)
    for u in ws.users.list():
        out.print(f"{u['username']}\t{u['role']}\t{'disabled' if u['disabled'] else 'active'}")
    ws.close()


def token_create(name: str = typer.Argument(..., help="A label for the token, e.g. 'dashboard-bot'."),
                 role: str = typer.Option("viewer", "--role"),
                 user: str = typer.Option(None, "--user", help="Tie the token to a user: disabling or demoting "
                                          "the user limits the token too."),
                 workspace: Path = WorkspaceOpt):
    """Create an API token and print it once (only its hash is stored)."""
    ws = open_workspace(workspace)
    try:
        tok = ws.users.create_token(name, username=user, role=role)
    except ValueError as e:
        fail(str(e))
    print(tok)
    ws.close()


def _user_change(workspace: Path, what, done: str) -> None:
    ws = open_workspace(workspace)
    try:
        what(ws.users)
    except ValueError as e:
        fail(str(e))
    finally:
        ws.close()
    out.print(done)


def user_disable(name: str = typer.Argument(...), workspace: Path = WorkspaceOpt):
    """Disable a user: its sessions end at once, its API tokens stop working (audited)."""
    _user_change(workspace, lambda u: u.set_disabled(name, True),
                 f"User [bold]{name}[/] disabled; its sessions ended and its tokens no longer work.")


def user_enable(name: str = typer.Argument(...), workspace: Path = WorkspaceOpt):
    """Enable a disabled user again (audited)."""
    _user_change(workspace, lambda u: u.set_disabled(name, False), f"User [bold]{name}[/] enabled.")


def user_set_role(name: str = typer.Argument(...),
                  role: str = typer.Argument(..., help="admin, analyst or viewer"),
                  workspace: Path = WorkspaceOpt):
    """Change a user's role; open sessions get it on their next request (audited)."""
    _user_change(workspace, lambda u: u.set_role(name, role), f"User [bold]{name}[/] is now {role}.")


def token_list(workspace: Path = WorkspaceOpt):
    """List API tokens (name, user, role, created, revoked); tokens themselves are never stored."""
    ws = open_workspace(workspace)
    for t in ws.users.tokens():
        state = f"revoked {t['revoked_at']:%Y-%m-%d %H:%M}" if t["revoked_at"] else "active"
        out.print(f"{t['name']}\t{t['username'] or '-'}\t{t['role']}\t{t['created_at']:%Y-%m-%d %H:%M}\t{state}",
                  markup=False, highlight=False)
    ws.close()


def token_revoke(name: str = typer.Argument(..., help="The token's name (see 'suara token list')."),
                 workspace: Path = WorkspaceOpt):
    """Revoke an API token at once (audited); requests with it get 401."""
    ws = open_workspace(workspace)
    try:
        n = ws.users.revoke_token(name)
    finally:
        ws.close()
    if not n:
        fail(f"no active token named {name!r} (see 'suara token list')")
    out.print(f"Token [bold]{name}[/] revoked.")
