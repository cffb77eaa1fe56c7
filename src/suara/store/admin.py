"""Workspace administration: backup/restore, erasure (`forget`), retention, and the
data-processing register that UU PDP 27/2022 expects a controller to keep.

Example
-------
>>> import suara, tempfile, pathlib
>>> ws = suara.init(tempfile.mkdtemp())
>>> f = backup(ws, pathlib.Path(tempfile.mkdtemp()) / "b.tar.gz")
>>> verify_backup(f)["schema_version"] >= 1
True
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from suara.store.schema import SCHEMA_VERSION
from suara.store.store import utcnow

__all__ = ["backup", "restore", "verify_backup", "forget_account", "apply_retention", "quarantine_rows",
           "processing_register", "audit", "pseudonym_hash", "set_account_type",
           "account_type_overrides", "ACCOUNT_TYPES"]

_MANIFEST = "MANIFEST.json"
_BACKUP_SKIP_SUFFIX = (".wal", ".tmp", ".sqlcache", ".analysis")   # caches (compiled SQL, the
# last analysis) are re-made


def audit(store, actor: str, action: str, target: str = "", detail: dict | str | None = None) -> None:
    """Append one line to the audit log (never put secrets or raw personal data in it)."""
    d = detail if isinstance(detail, str) or detail is None else json.dumps(detail, default=str)
    store.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)", [utcnow(), actor, action, target, d])


def pseudonym_hash(value: str, salt: str) -> str:
    return hashlib.sha256((salt + "|" + value).encode()).hexdigest()[:12]


def _file_sha(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def backup(ws, out: str | Path) -> Path:
    """Write the whole workspace (config, store, lists) to a ``.tar.gz`` with a manifest of
    sha256 hashes. The store is checkpointed first so the file is complete."""
    out = Path(out)
    ws.store.execute("CHECKPOINT")
    files = []
    for p in sorted(ws.path.rglob("*")):
        if not p.is_file() or p.suffix in _BACKUP_SKIP_SUFFIX:
            continue
        if p.resolve() == out.resolve() or p.name.endswith(".tar.gz"):
            continue  # never back up the backup (or older backups) into itself
        rel = p.relative_to(ws.path)
        if rel.parts[0] in ("exports",) or p.suffix in (".html", ".pdf"):
            continue  # inputs and reports can be re-made; the backup holds the store
        files.append((rel, p))
    manifest = {"suara_backup": 1, "created_at": utcnow().isoformat(), "schema_version": SCHEMA_VERSION,
                "election": ws.config.election,
                "files": {str(rel): {"sha256": _file_sha(p), "bytes": p.stat().st_size} for rel, p in files}}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tarfile.open(tmp, "w:gz") as tar:
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(_MANIFEST)
        info.size = len(data)
        info.mtime = int(dt.datetime.now().timestamp())
        tar.addfile(info, io.BytesIO(data))
        for rel, p in files:
            tar.add(p, arcname=str(rel), recursive=False)
    tmp.replace(out)
    audit(ws.store, "cli", "backup", str(out), {"files": len(files)})
    return out


def verify_backup(path: str | Path) -> dict:
    """Check a backup's structure and every file hash; returns its manifest."""
    path = Path(path)
    try:
        tar = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError) as e:
        raise ValueError(f"{path}: not a Suara backup (cannot read archive: {e})") from None
    with tar:
        try:
            manifest = json.loads(tar.extractfile(_MANIFEST).read())
        except (KeyError, AttributeError, json.JSONDecodeError):
            raise ValueError(f"{path}: not a Suara backup (no valid {_MANIFEST})") from None
        for m in tar.getmembers():
            if m.name == _MANIFEST:
                continue
            _check_member(path, m)
            want = manifest["files"].get(m.name)
            if want is None:
                raise ValueError(f"{path}: {m.name} is not listed in the manifest")
            h = hashlib.sha256(tar.extractfile(m).read()).hexdigest()
            if h != want["sha256"]:
                raise ValueError(f"{path}: {m.name} is corrupt (sha256 mismatch)")
    if manifest.get("schema_version", 0) > SCHEMA_VERSION:
        raise ValueError(f"{path}: made by a newer Suara (schema {manifest['schema_version']})")
    return manifest


def _check_member(path: Path, m: tarfile.TarInfo) -> None:
    name = m.name
    if name.startswith("/") or ".." in Path(name).parts or not (m.isfile() or m.isdir()):
        raise ValueError(f"{path}: unsafe member {name!r} (absolute path, '..' or link); refusing to restore")


def restore(path: str | Path, target: str | Path, force: bool = False) -> Path:
    """Restore a backup into ``target`` (must be empty unless ``force``). Verified first;
    extracted to a temporary folder and moved into place, so a failure leaves nothing half-done."""
    manifest = verify_backup(path)
    target = Path(target)
    if target.exists() and any(target.iterdir()) and not force:
        raise ValueError(f"{target}: folder is not empty; use --force to replace its workspace files")
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=target))
    try:
        with tarfile.open(path, "r:gz") as tar:
            for m in tar.getmembers():
                if m.name == _MANIFEST:
                    continue
                _check_member(Path(path), m)
                tar.extract(m, staging, filter="data")
        for rel in manifest["files"]:
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, dst)
            wal = dst.with_name(dst.name + ".wal")
            if wal.exists():
                wal.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def forget_account(ws, platform: str, account_id: str, actor: str = "cli", aliases=()) -> dict:
    """Erase an account from the whole workspace (UU PDP right to erasure).

    Deletes the account, its posts and everything keyed by them in every table, quarantined
    raw rows whose fields name it exactly, and scrubs every other mention of its id, handle
    or ``aliases`` (its pseudonym) in any table (alerts, cases, networks, audit entries,
    other people's @mentions) and in every file of the workspace (exports, coordination
    networks and GEXF, reports, uploads); see :mod:`suara.store.erase`. Then the database
    file is rewritten so deleted rows do not survive in free blocks. The audit log records
    the erasure as "erased account" with counts only.

    Example
    -------
    >>> import suara, tempfile, pandas as pd
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> _ = ws.store.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["77"], "handle": ["budi"]}))
    >>> forget_account(ws, "x", "77")["accounts"]
    1
    """
    from suara.store.erase import ERASED, erase_files, erase_tables
    s = ws.store
    key = [platform, account_id]
    handles = sorted({h for (h,) in s.execute(
        "SELECT handle FROM accounts WHERE platform = ? AND account_id = ? AND handle IS NOT NULL "
        "UNION SELECT handle FROM volunteers WHERE platform = ? AND account_id = ? AND handle IS NOT NULL",
        key + key).fetchall() if h})
    counts = erase_tables(s, platform, account_id, handles, list(aliases))
    for t in ("accounts", "posts"):
        counts.setdefault(t, 0)
    audit(s, actor, "forget", f"{platform}:{ERASED}",
          {k: v for k, v in counts.items() if not k.endswith("scrubbed")})
    s.execute("CHECKPOINT")
    if getattr(s, "engine", "duckdb") == "duckdb":
        s.compact()  # the lake rewrites its Parquet partitions on commit; its working copy is local
    if hasattr(s, "sql_cache"):
        s.sql_cache.clear()   # compiled queries may carry the account as a literal
    if hasattr(s, "doc_cache"):
        s.doc_cache.clear()   # the last analysis may name the account
    db = Path(getattr(s, "path", "") or "")
    files = erase_files(ws.path, [account_id, *handles, *aliases],
                        skip={db.resolve()} if str(db) not in ("", ":memory:") else set())
    counts["files rewritten"] = len(files["files"])
    if files["unreadable"]:
        counts["files to check by hand"] = files["unreadable"]
    return counts


def apply_retention(ws, days: int | None = None, now: dt.datetime | None = None) -> dict:
    """Purge raw posts older than ``days`` (workspace ``retention_days`` by default) while
    keeping daily aggregates per platform, candidate and region in ``aggregates_daily``."""
    days = days if days is not None else ws.config.retention_days
    if not days:
        return {"purged_posts": 0, "days": None}
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    s = ws.store
    from suara.store.schema import ENRICH_VERSION_KEY
    version = s.meta(ENRICH_VERSION_KEY) or ""
    with s.transaction():
        s.execute("""
            INSERT INTO aggregates_daily
            SELECT CAST(p.created_at AS DATE) AS day, p.platform, m.candidate,
                   coalesce(a.region, r.region, '') AS region, count(*) AS mentions,
                   count(*) FILTER (WHERE m.sentiment = 'positive'),
                   count(*) FILTER (WHERE m.sentiment = 'negative'),
                   count(*) FILTER (WHERE m.sentiment = 'neutral'),
                   count(DISTINCT p.account_id),
                   sum(coalesce(p.likes,0) + coalesce(p.comments,0) + coalesce(p.shares,0))
            FROM posts p JOIN mentions m ON m.platform = p.platform AND m.post_id = p.post_id AND m.version = ?
            LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
            LEFT JOIN account_regions r ON r.platform = p.platform AND r.account_id = p.account_id
            WHERE p.created_at < ?
            GROUP BY ALL
            ON CONFLICT DO UPDATE SET mentions = aggregates_daily.mentions + excluded.mentions,
              positive = aggregates_daily.positive + excluded.positive,
              negative = aggregates_daily.negative + excluded.negative,
              neutral = aggregates_daily.neutral + excluded.neutral,
              unique_accounts = aggregates_daily.unique_accounts + excluded.unique_accounts,
              engagement = aggregates_daily.engagement + excluded.engagement""", [version, cutoff])
        s.execute("CREATE OR REPLACE TEMP TABLE _old AS SELECT platform, post_id FROM posts WHERE created_at < ?", [cutoff])
        n = s.execute("SELECT count(*) FROM _old").fetchall()[0][0]
        for t in ("enrichments", "mentions", "metric_observations", "posts"):
            s.execute(f"DELETE FROM {t} WHERE (platform, post_id) IN (SELECT platform, post_id FROM _old)")
        s.execute("DROP TABLE _old")
        from suara.store import aggregates
        aggregates.refresh(s)   # purged days drop out of the pre-aggregated tables
        audit(s, "retention", "purge", f"older than {days} days", {"posts": n, "cutoff": cutoff})
        if n and hasattr(s, "doc_cache"):
            s.doc_cache.clear()   # the last analysis counted the purged posts
    s.execute("CHECKPOINT")
    return {"purged_posts": n, "days": days, "cutoff": cutoff.isoformat()}


def processing_register(ws) -> dict:
    """The record of processing activities (UU PDP art. 31): what personal data Suara holds,
    why, from where, for how long, and who can see it."""
    s = ws.store
    counts = {t: s.count(t) for t in ("accounts", "posts", "volunteers", "users", "audit_log")}
    types = s.sql("SELECT coalesce(account_type, 'unknown') AS t, count(*) AS n FROM accounts GROUP BY 1").set_index("t")["n"].to_dict()
    return {
        "controller": "the organisation operating this workspace",
        "election": ws.election.name,
        "generated_at": utcnow().isoformat(),
        "activities": [
            {"name": "Public social-media content analysis",
             "purpose": "campaign analytics and election monitoring (share of voice, issues, crises, coordinated inauthentic behaviour)",
             "data_subjects": "authors of public posts and comments", "data": ["handle", "display name", "bio",
             "profile location", "public posts and engagement counts", "account age and follower counts",
             "estimated gender, age band and walk of life (internal; shown only as aggregates of >= k accounts)"],
             "source": "exports of platform data tools and official APIs imported by the operator",
             "legal_basis": "legitimate interest / public interest in election integrity (to be confirmed by the controller)",
             "retention_days": ws.config.retention_days, "records": counts["accounts"],
             "accounts_by_type": types,
             "safeguards": ["ordinary citizens pseudonymised in exports, reports and API responses by default",
                            "role-based access (admin, analyst, viewer)", "audit log of logins, exports and case actions",
                            "erasure on request: suara forget", "retention purge keeps aggregates only"]},
            {"name": "Volunteer roster", "purpose": "coordinating consenting volunteers' own public activity",
             "data_subjects": "volunteers", "data": ["name", "platform account"], "legal_basis": "explicit consent (recorded)",
             "records": counts["volunteers"]},
            {"name": "Users of Suara", "purpose": "access control and accountability", "data": ["username", "password hash", "role"],
             "records": counts["users"]},
        ],
    }


#: account types an admin may set (the same vocabulary as election configs' tracked accounts)
ACCOUNT_TYPES = ("official", "party", "media", "city", "influencer", "citizen", "unknown")
#: meta key of the admin's account-type decisions ({"platform:account_id": type})
ACCOUNT_TYPE_OVERRIDES = "privacy.account_types"


def account_type_overrides(store) -> dict[tuple[str, str], str]:
    """The admin's account-type decisions as ``{(platform, account_id): type}``.

    Example
    -------
    >>> import suara, tempfile
    >>> account_type_overrides(suara.init(tempfile.mkdtemp()).store)
    {}
    """
    raw = store.meta(ACCOUNT_TYPE_OVERRIDES)
    if not raw:
        return {}
    return {tuple(k.split(":", 1)): v for k, v in json.loads(raw).items()}


def set_account_type(ws, platform: str, account_id: str, account_type: str,
                     actor: str = "cli") -> None:
    """Decide an account's type (which drives naming vs pseudonymising in every output).

    The decision is stored on the account (created as a stub when it has not been imported
    yet; later imports keep it) and in the workspace's override list, which wins over the
    election config and the follower heuristic, and it is written to the audit log.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> set_account_type(ws, "instagram", "123", "media")
    >>> account_type_overrides(ws.store)
    {('instagram', '123'): 'media'}
    """
    import pandas as pd
    if account_type not in ACCOUNT_TYPES:
        raise ValueError(f"account type must be one of {', '.join(ACCOUNT_TYPES)}; got {account_type!r}")
    platform, account_id = str(platform).strip().lower(), str(account_id).strip()
    if not platform or not account_id:
        raise ValueError("give the account as PLATFORM:ACCOUNT_ID")
    s = ws.store
    with s.transaction():
        s.upsert("accounts", pd.DataFrame({"platform": [platform], "account_id": [account_id],
                                           "account_type": [account_type]}),
                 overwrite=("account_type",))
        cur = {f"{p}:{i}": t for (p, i), t in account_type_overrides(s).items()}
        cur[f"{platform}:{account_id}"] = account_type
        s.set_meta(ACCOUNT_TYPE_OVERRIDES, json.dumps(cur, sort_keys=True))
        audit(s, actor, "account_type", f"{platform}:{pseudonym_hash(account_id, 'account_type')}",
              {"account_type": account_type})


def quarantine_rows(db, limit: int = 50, file: str | None = None):
    """Quarantined input rows (file, row, field, reason, format, quarantined_at), newest
    first, as a DataFrame; ``file`` keeps one file's rows (``db``: a store or a read pool).

    Example
    -------
    >>> from suara.store import Store
    >>> len(quarantine_rows(Store(), file="a.csv"))
    0
    """
    where, params = ("WHERE file = ?", [file]) if file else ("", [])
    return db.sql(f"SELECT file, row, field, reason, format, quarantined_at FROM quarantine {where} "
                  f"ORDER BY quarantined_at DESC, file, row LIMIT {int(limit)}", params)
