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
    app.add_typer(user, name="user")
    token = typer.Typer(help="API tokens for the JSON API (Authorization: Bearer TOKEN).", no_args_is_help=True)
    token.command("create")(token_create)
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
    from suara.serve.auth import add_user
    if password_stdin:
        pw = sys.stdin.readline().rstrip("\n")
    else:
        pw = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    ws = open_workspace(workspace)
    try:
        add_user(ws.store, name, pw, role)
    except ValueError as e:
        fail(str(e))
    out.print(f"User [bold]{name}[/] ({role}) saved.")
    ws.close()


def user_list(workspace: Path = WorkspaceOpt):
    """List users and roles."""
    from suara.serve.auth import list_users
    ws = open_workspace(workspace)
    for u in list_users(ws.store):
        out.print(f"{u['username']}\t{u['role']}\t{'disabled' if u['disabled'] else 'active'}")
    ws.close()


def token_create(name: str = typer.Argument(..., help="A label for the token, e.g. 'dashboard-bot'."),
                 role: str = typer.Option("viewer", "--role"), workspace: Path = WorkspaceOpt):
    """Create an API token and print it once (only its hash is stored)."""
    from suara.serve.auth import create_token
    ws = open_workspace(workspace)
    try:
        tok = create_token(ws.store, name, role=role)
    except ValueError as e:
        fail(str(e))
    print(tok)
    ws.close()
