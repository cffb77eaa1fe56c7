"""`suara engine switch`: move a workspace's data to the other engine and use it from now on."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from suara.cli._common import WorkspaceOpt, err, fail, open_workspace, out, progress_bar


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="Move between engines (DuckDB file <-> Parquet lake for Spark).",
                      no_args_is_help=True)
    sub.command("switch")(switch)
    app.add_typer(sub, name="engine")


def switch(to: str = typer.Option(..., "--to", help="duckdb or spark."),
           workspace: Path = WorkspaceOpt,
           replace: bool = typer.Option(False, "--replace",
                                        help="Overwrite data already in the target store.")):
    """Copy every table to the other engine's store, check the counts, and set `engine:` in suara.yaml."""
    from suara.store import Store, StoreError
    from suara.store.move import copy_tables
    from suara.store.schema import TABLES

    if to not in ("duckdb", "spark"):
        fail(f"--to must be duckdb or spark, got {to!r}")
    ws = open_workspace(workspace)
    if ws.engine == to:
        ws.close()
        fail(f"{workspace}: already on engine {to}")
    cfg = ws.config
    try:
        if to == "spark":
            from suara.store.lake import LakeStore
            target = LakeStore(ws.path / cfg.spark.lake, cfg.spark)
        else:
            target = Store(ws.path / cfg.database)
    except StoreError as e:
        ws.close()
        fail(str(e))
    try:
        have = target.count("posts")
        if have and not replace:
            fail(f"the {to} store already holds {have:,} posts; add --replace to overwrite it")
        total = sum(ws.store.count(t) for t in TABLES)
        with progress_bar() as bar:
            task = bar.add_task(f"Copying to {to}", total=total)
            counts = copy_tables(ws.store, target, progress=lambda t, n: bar.update(task, advance=n))
    except StoreError as e:
        fail(str(e))
    finally:
        target.close()
        ws.close()
    cfg.model_copy(update={"engine": to}).save(ws.path)
    t = Table(title=f"Copied to {to} (suara.yaml now says engine: {to})")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in counts.items():
        if n:
            t.add_row(name, f"{n:,}")
    out.print(t)
    err.print("The previous store is kept as it was; delete it when no longer needed.")
