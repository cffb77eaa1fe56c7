"""Command-line interface: a thin Typer face over `suara.open(...)`.

Each module in `_COMMAND_MODULES` owns one area and exposes ``register(app)``. Commands
parse options, call one library function and print; they hold no logic of their own.
"""
from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="suara",
    help="Suara: social-media intelligence for Indonesian elections "
         "(ingest -> enrich -> analyse -> serve/report).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_COMMAND_MODULES = [
    "core",
    "admin",
    "pull",
    "serve",
    "detect",
    "radar",
    "mobilise",
    "text",
    "label",
    "engine",
]

def _version(value: bool) -> None:
    if value:
        from suara import __version__
        typer.echo(f"suara {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                       help="Print the version and exit.")) -> None:
    """Suara: social-media intelligence for Indonesian elections (ingest -> enrich -> analyse -> serve/report)."""


for _m in _COMMAND_MODULES:
    importlib.import_module(f"suara.cli.{_m}").register(app)


def main() -> None:  # console-script entry point
    try:
        app()
    except Exception as e:  # noqa: BLE001 - Spark job failures: one clear line, not a Java trace
        from suara.store.spark import spark_error_message
        msg = spark_error_message(e)
        if msg is None:
            raise
        from suara.cli._common import err
        err.print(f"[bold red]Error:[/] {msg}", highlight=False)
        raise SystemExit(1) from None
    finally:
        # the command is done and its workspace closed: the interpreter's last garbage
        # collection would walk every object pandas, Ibis and SQLGlot made (~0.4 s of a
        # `suara analyse`) only to hand the memory back to the operating system anyway.
        # Frozen objects are left out of it; atexit handlers and finalizers still run.
        import gc
        gc.freeze()
