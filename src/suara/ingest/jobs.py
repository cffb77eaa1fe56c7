"""Background import jobs: files queued for import (the web app's uploads) and their
progress, kept in the store's ``jobs`` table so every face sees the same queue.

A job is created as ``queued`` with its files, runs file by file (``running``, ``done``
files counted, one line per file in ``message``) and ends ``done`` when any file was
accepted, ``failed`` otherwise. Each file's import holds the store's write lock, so imports
never interleave with other writes.

Example
-------
>>> import suara, tempfile, pathlib
>>> ws = suara.init(tempfile.mkdtemp())
>>> f = pathlib.Path(ws.path) / "posts.jsonl"
>>> _ = f.write_text('{"suara_type": "post", "platform": "x", "post_id": "1", "text": "halo"}\\n')
>>> job = queue_import(ws.store, [f], actor="rina")
>>> get_job(ws.store, job)["status"]
'queued'
>>> run_import_job(ws.store, job, [f], ws.ingest)["status"]
'done'
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Callable, Iterable

from suara.store.admin import audit
from suara.store.store import utcnow

__all__ = ["queue_import", "run_import_job", "run_workspace_job", "summarise_import", "read_summary", "list_jobs",
           "get_job", "new_job_id"]


def new_job_id() -> str:
    """A fresh job id, e.g. ``job-3f2a9c1d7e``."""
    return "job-" + uuid.uuid4().hex[:10]


def queue_import(store, paths: Iterable[str | Path], actor: str = "cli", job_id: str | None = None) -> str:
    """Record a queued import job for ``paths`` (audited as ``import.upload``); returns its id."""
    paths = [Path(p) for p in paths]
    job = job_id or new_job_id()
    with store.lock:
        store.execute("INSERT INTO jobs VALUES (?, 'import', 'queued', 0, ?, ?, ?, ?)",
                      [job, len(paths), ", ".join(p.name for p in paths), utcnow(), utcnow()])
        audit(store, actor, "import.upload", job, {"files": [p.name for p in paths]})
    return job


def run_import_job(store, job_id: str, paths: Iterable[str | Path],
                   ingest: Callable[[list[Path]], list], then: Callable[[list], None] | None = None) -> dict:
    """Import the job's files one by one with ``ingest`` (e.g. `Workspace.ingest`), keeping
    the job's status, count and messages current; ``then`` (e.g. enrichment and the
    summary) runs on the file reports before the job is marked finished. Returns the finished job, with the
    per-file reports under ``reports``."""
    done, msgs, ok_any, all_reps = 0, [], False, []
    for p in [Path(x) for x in paths]:
        with store.lock:
            store.execute("UPDATE jobs SET status='running', updated_at=? WHERE job_id=?", [utcnow(), job_id])
            reps = ingest([p])
        all_reps += reps
        done += 1
        ok_any = ok_any or any(not r.error for r in reps)
        for r in reps:
            line = r.error or f"{Path(r.file).name}: {r.format} +{r.accepted} ~{r.updated} !{r.quarantined}"
            notes = getattr(r, "notes", None)
            msgs.append(f"{line} ({'; '.join(notes)})" if notes and not r.error else line)
        with store.lock:
            store.execute("UPDATE jobs SET done=?, message=?, updated_at=? WHERE job_id=?",
                          [done, "; ".join(msgs)[:2000], utcnow(), job_id])
    if then is not None:
        then(all_reps)
    with store.lock:
        store.execute("UPDATE jobs SET status=?, updated_at=? WHERE job_id=?",
                      ["done" if ok_any else "failed", utcnow(), job_id])
    return {**(get_job(store, job_id) or {}), "reports": [r.to_dict() for r in all_reps]}


def summarise_import(store, election, reports: list[dict], enriched: int | None = None) -> dict:
    """What an import did, for people: rows imported (new, updated, duplicates of stored
    posts), unreadable files, quarantined rows grouped by field and reason (with the first
    row of each), and warnings about its posts: how many fall outside the election period
    (campaign start to vote day, local days) and, once enriched, how many mention no
    candidate pair. ``reports``: `FileReport` dicts; ``enriched``: posts enriched after it.

    Example
    -------
    >>> import suara, tempfile, pathlib
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> f = pathlib.Path(ws.path) / "posts.jsonl"
    >>> _ = f.write_text('{"suara_type": "post", "platform": "x", "post_id": "1", "text": "halo", '
    ...                  '"created_at": "2020-01-01T00:00:00Z"}\\n{"suara_type": "post", "platform": "x"}\\n')
    >>> s = summarise_import(ws.store, ws.election, [r.to_dict() for r in ws.ingest([f])])
    >>> s["new"], s["quarantined"], s["outside_period"]
    (1, 1, 1)
    """
    import datetime as dt
    from zoneinfo import ZoneInfo

    from suara.store.views import current_version
    files = [r for r in reports if r.get("format") and not r.get("error")]
    out = {"files": reports, "new": sum(r.get("accepted") or 0 for r in reports),
           "updated": sum(r.get("updated") or 0 for r in reports),
           "duplicates": sum(r.get("unchanged") or 0 for r in reports),
           "quarantined": sum(r.get("quarantined") or 0 for r in reports),
           "unreadable": [Path(r["file"]).name for r in reports if r.get("error")],
           "reasons": [], "posts": 0, "outside_period": 0, "no_candidate": None, "enriched": enriched,
           "period": [election.dates.campaign_start.isoformat(), election.dates.vote_day.isoformat()]}
    out["rows"] = out["new"] + out["updated"] + out["duplicates"]
    ids = [r["import_id"] for r in reports if r.get("import_id")]
    if ids:
        marks = ", ".join("?" * len(ids))
        q = store.sql(f"""SELECT file, field, reason, count(*) AS n, min("row") AS first_row FROM quarantine
                          WHERE import_id IN ({marks}) GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT 20""", ids)
        out["reasons"] = [{"file": Path(str(f)).name if f else "", "field": fd if isinstance(fd, str) else "",
                           "reason": rs, "rows": int(n), "first_row": int(fr) if fr == fr and fr is not None else None}
                          for f, fd, rs, n, fr in zip(q.file, q.field, q.reason, q.n, q.first_row)]
    prefixes = [f"{r['format']}:{r['file']}:" for r in files]
    if not prefixes:
        return out
    zone = ZoneInfo(election.timezone)
    start = dt.datetime.combine(election.dates.campaign_start, dt.time(), zone).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(election.dates.vote_day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
    cond = " OR ".join("starts_with(p.source, ?)" for _ in prefixes)
    version = current_version(store) or ""
    row = store.sql(f"""
        WITH mine AS (SELECT platform, post_id, created_at FROM posts p WHERE {cond})
        SELECT count(*) AS posts,
               count(*) FILTER (WHERE created_at < ? OR created_at >= ?) AS outside,
               count(*) FILTER (WHERE e.post_id IS NOT NULL) AS enriched,
               count(*) FILTER (WHERE e.post_id IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM mentions m WHERE m.platform = mine.platform AND m.post_id = mine.post_id
                   AND m.version = ? AND m.candidate IN ({", ".join("?" * len(election.ballots))}))) AS no_candidate
        FROM mine LEFT JOIN (SELECT platform, post_id FROM enrichments WHERE version = ?) e USING (platform, post_id)""",
        [*prefixes, start.replace(tzinfo=None), end.replace(tzinfo=None), version, *election.ballots, version])
    r = row.iloc[0]
    out["posts"], out["outside_period"] = int(r["posts"]), int(r["outside"])
    if int(r["enriched"]):
        out["no_candidate"] = int(r["no_candidate"])
    return out


def run_workspace_job(ws, job_id: str, paths: Iterable[str | Path], fmt: str = "auto",
                      timezone: str | None = None, enrich: bool = False) -> dict:
    """A workspace's import job (`Workspace.run_import_job`): the files in ``fmt`` with naive
    times in ``timezone``, then with ``enrich`` the workspace's enrichment, then the summary
    (:func:`summarise_import`) kept as ``<workspace>/jobs/<job>.json`` before the job is
    marked finished. Returns the job with its ``summary``."""
    import json
    summary: dict = {}

    def then(reps) -> None:
        enriched = None
        if enrich and any(r.accepted or r.updated for r in reps):
            with ws.store.lock:
                res = ws.enrich(detect=True)   # alerts raised as the data lands
            enriched = int(res.get("posts") or 0) if isinstance(res, dict) else 0
        with ws.store.lock:
            summary.update(summarise_import(ws.store, ws.election, [r.to_dict() for r in reps], enriched))
        summary.update(job_id=job_id, format=fmt, timezone=timezone, enrich=enrich)
        d = Path(ws.path) / "jobs"
        d.mkdir(exist_ok=True)
        (d / f"{job_id}.json").write_text(json.dumps(summary, default=str), encoding="utf-8")
    job = run_import_job(ws.store, job_id, paths, lambda ps: ws.ingest(ps, fmt=fmt, timezone=timezone), then=then)
    return {**job, "summary": summary}


def read_summary(ws_path: str | Path, job_id: str) -> dict | None:
    """The kept summary of a finished job, or None (unknown job, still running, or a job id
    that is not one)."""
    import json
    import re
    if not re.fullmatch(r"job-[0-9a-f]{6,32}", job_id or ""):
        return None
    f = Path(ws_path) / "jobs" / f"{job_id}.json"
    return json.loads(f.read_text(encoding="utf-8")) if f.exists() else None


def list_jobs(db, limit: int = 50) -> list[dict]:
    """The newest import jobs as dicts (``db``: a store or a read pool)."""
    return _records(db.sql(f"SELECT * FROM jobs ORDER BY created_at DESC LIMIT {int(limit)}"))


def get_job(db, job_id: str) -> dict | None:
    """One job as a dict, or None."""
    rows = _records(db.sql("SELECT * FROM jobs WHERE job_id = ?", [job_id]))
    return rows[0] if rows else None


def _records(df) -> list[dict]:
    return [{k: (v.isoformat() if hasattr(v, "isoformat") and v == v else
                 (None if isinstance(v, float) and v != v else v)) for k, v in r.items()}
            for r in df.to_dict("records")]
