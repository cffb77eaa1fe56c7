"""`suara pull tiktok|youtube|x QUERY`: fetch from platform APIs into a folder of raw pages
(resumable), then optionally import them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from suara.cli._common import EngineOpt, err, fail, open_workspace, out


def register(app: typer.Typer) -> None:
    app.command("pull")(pull)


def pull(platform: str = typer.Argument(..., help="tiktok, youtube or x."),
         query: str = typer.Argument(..., help="Search query (TikTok: keyword, #hashtag or a JSON "
                                               "query object; X: full-archive query syntax)."),
         since: str = typer.Option(..., "--since", help="First day, YYYY-MM-DD (UTC)."),
         until: str = typer.Option(..., "--until", help="Last day, YYYY-MM-DD (UTC, inclusive)."),
         output: Path = typer.Option(..., "-o", "--output", help="Folder for the raw pages and the cursor file."),
         workspace: Optional[Path] = typer.Option(None, "-w", "--workspace",
                                                  help="Import the pages into this workspace when done."),
         max_pages: Optional[int] = typer.Option(None, "--max-pages", help="Stop after this many pages (resume later)."),
         comments: Optional[bool] = typer.Option(None, "--comments/--no-comments",
                                                 help="Also fetch comments (default: YouTube yes, TikTok no)."),
         engine: Optional[str] = EngineOpt,
         as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")):
    """Page through the TikTok Research API, YouTube Data API v3 or X API v2 for QUERY.

    The token comes from SUARA_TIKTOK_TOKEN, SUARA_YOUTUBE_KEY or SUARA_X_BEARER and is
    never printed. Re-running the same command continues where it stopped. Exit code 0 when
    the range is complete, 3 when the run stopped early (re-run to resume).
    """
    from suara.ingest.pull import PullError, page_files
    from suara.ingest.pull import pull as run_pull

    ws = open_workspace(workspace, engine) if workspace is not None else None
    try:
        res = run_pull(platform, query, since, until, output, max_pages=max_pages, comments=comments)
    except PullError as e:
        fail(str(e), 2)
    reps = []
    if ws is not None and res.total_pages:
        reps = ws.ingest(page_files(output))
        ws.close()
    if as_json:
        d = res.to_dict()
        d["ingest"] = [r.to_dict() for r in reps]
        out.print_json(json.dumps(d, default=str))
    else:
        verb = "Continued" if res.resumed else "Started"
        state = "complete" if res.done else "not complete (re-run the same command to resume)"
        out.print(f"{verb} {platform} pull into [bold]{output}[/]: {res.pages:,} new pages "
                  f"({res.total_pages:,} in all), {res.requests:,} requests, "
                  f"{res.waited_s:,.1f} s waiting on rate limits; {state}.", highlight=False)
        if reps:
            t = Table(title="Import")
            for c in ("file", "format", "accepted", "updated", "unchanged", "quarantined"):
                t.add_column(c, justify="left" if c in ("file", "format") else "right")
            for r in reps:
                t.add_row(Path(r.file).name, r.format or "[red]unreadable[/]", f"{r.accepted:,}",
                          f"{r.updated:,}", f"{r.unchanged:,}", f"{r.quarantined:,}")
            out.print(t)
    if res.error:
        err.print(f"[red]Stopped:[/] {res.error}", highlight=False)
        raise typer.Exit(3)
