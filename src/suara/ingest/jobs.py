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

__all__ = ["queue_import", "run_import_job", "list_jobs", "get_job", "new_job_id"]


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
                   ingest: Callable[[list[Path]], list]) -> dict:
    """Import the job's files one by one with ``ingest`` (e.g. `Workspace.ingest`), keeping
    the job's status, count and messages current; returns the finished job."""
    done, msgs, ok_any = 0, [], False
    for p in [Path(x) for x in paths]:
        with store.lock:
            store.execute("UPDATE jobs SET status='running', updated_at=? WHERE job_id=?", [utcnow(), job_id])
            reps = ingest([p])
        done += 1
        ok_any = ok_any or any(not r.error for r in reps)
        for r in reps:
            line = r.error or f"{Path(r.file).name}: {r.format} +{r.accepted} ~{r.updated} !{r.quarantined}"
            notes = getattr(r, "notes", None)
            msgs.append(f"{line} ({'; '.join(notes)})" if notes and not r.error else line)
        with store.lock:
            store.execute("UPDATE jobs SET done=?, message=?, updated_at=? WHERE job_id=?",
                          [done, "; ".join(msgs)[:2000], utcnow(), job_id])
    with store.lock:
        store.execute("UPDATE jobs SET status=?, updated_at=? WHERE job_id=?",
                      ["done" if ok_any else "failed", utcnow(), job_id])
    return get_job(store, job_id)


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
