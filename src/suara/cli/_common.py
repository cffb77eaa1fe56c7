"""Shared pieces of the CLI: workspace/engine options, consoles, progress, errors."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Iterator, NoReturn

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                           TimeElapsedColumn)

# stdout carries results (tables, JSON); progress, logs and errors go to stderr
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

WorkspaceOpt = typer.Option(Path("."), "-w", "--workspace", help="Workspace folder.",
                            show_default=True)
EngineOpt = typer.Option(None, "--engine", help="duckdb (default) or spark; overrides suara.yaml.")


def fail(msg: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Error:[/] {msg}", highlight=False)
    raise typer.Exit(code)


def open_workspace(path: Path, engine: str | None = None, read_only: bool = False, must_exist: bool = True):
    """Open a workspace for a command; clear errors instead of tracebacks."""
    import suara
    from suara.config import ConfigError
    from suara.store import StoreError

    if engine not in (None, "duckdb", "spark"):
        fail(f"--engine must be duckdb or spark, got {engine!r}")
    if must_exist and not (Path(path) / "suara.yaml").exists() and not (Path(path) / "suara.duckdb").exists():
        fail(f"{path}: not a Suara workspace (no suara.yaml). Create one with 'suara init {path}'.")
    try:
        ws = suara.open(path, engine=engine, read_only=read_only)
        ws.election  # validate config now
        ws.store
        return ws
    except (ConfigError, StoreError) as e:
        fail(str(e))


@contextlib.contextmanager
def progress_bar(transient: bool = True) -> Iterator[Progress]:
    """A Rich progress bar on stderr (hidden when stderr is not a terminal and CI is set)."""
    p = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                 MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=transient,
                 disable=not sys.stderr.isatty())
    with p:
        yield p
