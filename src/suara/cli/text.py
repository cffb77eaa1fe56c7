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

text_app = typer.Typer(help="Text tools on CSV files: sentiment, toxicity.", no_args_is_help=True)

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
    total = _count_rows(input)
    n = 0
    first = True
    output.parent.mkdir(parents=True, exist_ok=True)
    with progress_bar() as bar:
        task = bar.add_task(label, total=total)
        for chunk in _chunks(input, column):
            res = fn(chunk)
            res.to_csv(output, mode="w" if first else "a", header=first, index=False,
                       quoting=csv.QUOTE_MINIMAL)
            first = False
            n += len(chunk)
            bar.update(task, advance=len(chunk))
    if first:  # header only: still write the header with the new columns
        fail(f"{input}: no rows to process")
    return n


def sentiment_frame(chunk, column: str, election=None):
    """Add ``sentiment``, ``sentiment_score`` and, with an election, ``sentiment_<ballot>``.

    Example
    -------
    >>> import pandas as pd
    >>> sentiment_frame(pd.DataFrame({"t": ["mantap sekali"]}), "t")["sentiment"].tolist()
    ['positive']
    """
    from suara.enrich.components import Sentiment, TargetedSentiment
    from suara.enrich.pipeline import Pipeline
    comps = [Sentiment()] + ([TargetedSentiment()] if election is not None else [])
    pipe = _PIPES.get(("sent", id(election)))
    if pipe is None:
        pipe = _PIPES[("sent", id(election))] = Pipeline.for_components(comps, election=election)
    df = pipe.run(chunk[column].tolist()).df
    res = chunk.copy()
    res["sentiment"] = df["sentiment"].to_numpy()
    res["sentiment_score"] = df["sentiment_score"].round(4).to_numpy()
    if election is not None:
        for c in election.candidates:
            res[f"sentiment_{c.ballot}"] = [
                next((m["sentiment"] for m in ms if m["candidate"] == c.ballot), "")
                for ms in df["mentions"]]
    return res


def toxicity_frame(chunk, column: str):
    """Add ``hate_speech``, ``abusive`` (0/1), ``sara`` and their scores.

    Example
    -------
    >>> import pandas as pd
    >>> toxicity_frame(pd.DataFrame({"t": ["selamat pagi semua"]}), "t")["hate_speech"].tolist()
    [0]
    """
    from suara.enrich.components import Toxicity
    from suara.enrich.pipeline import Pipeline
    pipe = _PIPES.get("tox")
    if pipe is None:
        pipe = _PIPES["tox"] = Pipeline.for_components([Toxicity()])
    df = pipe.run(chunk[column].tolist()).df
    res = chunk.copy()
    res["hate_speech"] = df["hate_speech"].astype(int).to_numpy()
    res["hate_speech_score"] = df["hate_score"].to_numpy()
    res["abusive"] = df["abusive"].astype(int).to_numpy()
    res["abusive_score"] = df["abusive_score"].to_numpy()
    res["sara"] = df["sara"].to_numpy()
    res["sara_score"] = df["sara_score"].to_numpy()
    return res


_PIPES: dict = {}


@text_app.command("sentiment")
def sentiment(input: Path = typer.Argument(..., help="CSV file with a header row."),
              column: str = typer.Option(..., "--column", "-c", help="Column holding the text."),
              output: Path = typer.Option(..., "-o", "--output", help="CSV file to write."),
              election: Optional[str] = typer.Option(
                  None, "--election", help="Election name or YAML file: adds sentiment_<ballot> per candidate.")):
    """Add sentiment (positive|neutral|negative) and sentiment_score (-1..1) to a CSV."""
    e = None
    if election:
        from suara.config import load_election
        from suara.config.election import ConfigError
        try:
            e = load_election(election)
        except ConfigError as ex:
            fail(str(ex))
    n = _run(input, column, output, lambda ch: sentiment_frame(ch, column, e), "Scoring sentiment")
    err.print(f"Wrote {n:,} rows to {output}")


@text_app.command("toxicity")
def toxicity(input: Path = typer.Argument(..., help="CSV file with a header row."),
             column: str = typer.Option(..., "--column", "-c", help="Column holding the text."),
             output: Path = typer.Option(..., "-o", "--output", help="CSV file to write.")):
    """Add hate_speech, abusive (0/1), sara (religion|race|physical|gender|other|none) and scores."""
    n = _run(input, column, output, lambda ch: toxicity_frame(ch, column), "Scoring toxicity")
    err.print(f"Wrote {n:,} rows to {output}")


__all__ = ["register", "sentiment_frame", "toxicity_frame", "out"]
