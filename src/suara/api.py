"""`suara.open(workspace)`: the one library object that the CLI, the web app and reports wrap.

A workspace is a folder holding ``suara.yaml`` (settings), the store (``suara.duckdb`` by
default, or a Parquet lake for Spark) and outputs (reports, exports).

Every capability the faces show is a method here (posts explorer, radar and alerts, cases,
import jobs, issues over time, networks, volunteers, quarantine, audit): a web route or a
command is a few lines over this object; see docs/index.md.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp(), election="kaltim-2024")
>>> ws.election.name
'Pilgub Kalimantan Timur 2024'
>>> ws.store.count("posts")
0
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from suara.config import Election, WorkspaceConfig, load_election
from suara.config.workspace import WORKSPACE_FILE

__all__ = ["Workspace", "open", "init"]


class Workspace:
    """A workspace folder: config, election, store, and every stage as a method."""

    def __init__(self, path: str | Path = ".", engine: str | None = None, read_only: bool = False):
        self.path = Path(path).resolve()
        self.config = WorkspaceConfig.load(self.path)
        if engine:
            self.config = self.config.model_copy(update={"engine": engine})
        self.read_only = read_only
        self._reads = None

    # ----- parts --------------------------------------------------------------------
    @cached_property
    def election(self) -> Election:
        return self.config.load_election(self.path)

    @cached_property
    def store(self):
        if self.config.engine == "spark":
            from suara.store.lake import LakeStore  # optional extra
            return LakeStore(self.path / self.config.spark.lake, self.config.spark)
        from suara.store import Store
        return Store(self.path / self.config.database, read_only=self.read_only)

    @cached_property
    def users(self):
        """Users, server-side sessions and API tokens (:class:`suara.store.users.Users`)."""
        from suara.store.users import Users
        return Users(self.store)

    @property
    def engine(self) -> str:
        return self.config.engine

    # ----- stages (each delegates to its room in the package) -------------------------
    def ingest(self, paths: Iterable[str | Path], fmt: str = "auto", timezone: str | None = None,
               mapping: dict | None = None, platform: str | None = None, progress=None,
               dayfirst: bool | None = None, chat_name: str | None = None):
        """Import files/folders; returns one `FileReport` per file.

        Chat exports (WhatsApp, Telegram) hold local wall-clock times: they are read in
        ``timezone`` when given, else in the election's zone. ``dayfirst`` overrides the
        day/month order a WhatsApp export's dates are read in (None: inferred from the file);
        ``chat_name`` names the chat when the file name does not."""
        from suara.ingest import ingest_paths
        if isinstance(paths, (str, Path)):
            paths = [paths]  # one path, not the characters of a string
        options = {"local_timezone": self.election.timezone}
        if dayfirst is not None:
            options["dayfirst"] = dayfirst
        if chat_name:
            options["chat_name"] = chat_name
        return ingest_paths(self.store, paths, fmt=fmt, timezone=timezone or None,
                            mapping=mapping, platform=platform, progress=progress, options=options)

    def enrich(self, rebuild: bool = False, progress=None, detect: bool = False) -> dict[str, Any]:
        """Run the text-enrichment pipeline on posts not yet enriched (all with rebuild). With
        ``detect``, when posts were enriched the radar and live-session detection then run over
        them (their summaries under ``"detect"``): alerts are raised when the data lands, and
        the next analysis finds them current. `suara enrich` and the web's import jobs do so."""
        from suara.enrich.ocr import media_scope
        from suara.enrich.pipeline import enrich_workspace
        with media_scope(self.media_folders()) as scope:
            res = enrich_workspace(self, rebuild=rebuild, progress=progress)
        if scope.refused_count and isinstance(res, dict):
            res.setdefault("notes", {})["ocr_media_skipped"] = (
                f"{scope.refused_count} media path(s) outside the workspace, the import folders and "
                f"media_dirs not read, e.g. {scope.refused[0][:200]!r}")
        if detect and isinstance(res, dict) and res.get("posts") and not self.read_only:
            res["detect"] = self.detect(["radar", "live"])
        return res

    def media_folders(self) -> list[Path]:
        """Folders OCR may read images from besides the workspace: those of the imported files
        and ``media_dirs`` of ``suara.yaml`` (relative to the workspace). A file system root
        is never one."""
        out: list[Path] = [self.path / d for d in self.config.media_dirs]
        try:
            files = self.store.sql("SELECT DISTINCT file FROM imports WHERE file IS NOT NULL")["file"]
        except Exception:  # noqa: BLE001 - an engine without SQL or an old store: workspace only
            files = []
        for f in files:
            parent = Path(str(f).split("!", 1)[0]).absolute().parent  # relative: as imported from here
            if parent != Path(parent.anchor):
                out.append(parent)
        return list(dict.fromkeys(out))

    def detect(self, stages: Iterable[str] | None = None, progress=None) -> dict[str, Any]:
        """Run the detect stage's writers: ``coordination``, ``radar``, ``live`` (all by default)."""
        from suara.detect.stages import run_stages
        return run_stages(self, stages, progress=progress)

    def analyse(self, sections: Iterable[str] | None = None, progress=None, detect: bool = True,
                options: dict[str, dict] | None = None, reuse: bool = True) -> dict[str, Any]:
        """Compute the analytics document (`suara analyse --json`). The sections only read; with
        ``detect`` (the default) a writable workspace first brings the incremental detect
        stages the requested sections show (radar for ``alerts``, live sessions for ``live``)
        up to date, so what they show is current.

        A complete run (all sections, default options) is kept next to the store, and with
        ``reuse`` (the default) given back while the store, the workspace's files and the code
        are unchanged since (``meta.reused`` is then true); see :mod:`suara.store.doccache`.
        ``reuse=False`` always computes."""
        from suara.store.aggregates import signature_once
        from suara.store.readahead import read_ahead
        cache = getattr(self.store, "doc_cache", None) if sections is None and not options else None
        if cache is not None and cache.path is None:
            cache = None
        if cache is not None and reuse:
            doc = cache.lookup(self)
            if doc is not None:
                if isinstance(doc.get("meta"), dict):
                    doc["meta"]["reused"] = True
                return doc
        noted: dict[str, Any] = {}

        def ready() -> None:
            # what the sections are about to read: the log folded into the file first, so
            # that closing the store (which folds what is left) does not change the file after
            if not self.read_only and cache.db_state()[1] is not None:
                try:
                    self.store.execute("CHECKPOINT")
                except Exception:  # noqa: BLE001 - others' transactions open (the web app): the
                    pass           # log stays, and the next run computes once more
            noted["key"], noted["state"] = cache.key(self), cache.db_state()

        # the radar, live sessions and the pre-aggregated tables write none of the tables
        # whose signature tells each of them whether to run: it is read once; the last
        # complete run's queries over the tables nothing here writes start on a second
        # connection while this one imports the sections and runs the detect steps
        with signature_once(self.store), read_ahead(self.store, enabled=sections is None, key=self.election.id):
            from suara.analyse.run import analyse_workspace
            if detect and not self.read_only:
                want = set(sections) if sections else {"alerts", "live"}
                stages = [st for st, sec in (("radar", "alerts"), ("live", "live")) if sec in want]
                if stages:
                    self.detect(stages)
            doc = analyse_workspace(self, sections=sections, progress=progress, options=options,
                                    ready=None if cache is None else ready)
        if cache is not None:
            self._keep_analysis(cache, doc, noted)
        return doc

    def _keep_analysis(self, cache, doc: dict, noted: dict) -> None:
        """Keep a complete run's document when it is whole (no failed section), no section
        of a third party took part (their inputs are unknown), and nothing it is keyed by
        changed while the sections read; else remove what was kept."""
        from suara.analyse.run import failed
        from suara.analyse.section import BUILTIN_IDS
        from suara.analyse.section import sections as registered
        meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}
        whole = not meta.get("errors") and not any(failed(v) for v in doc.values())
        # the same inputs after the sections as before them (a section's first use of the
        # pseudonymisation key creates its file: that run is not kept, the next one is)
        if (whole and set(registered()) <= set(BUILTIN_IDS) and noted.get("key")
                and cache.db_state() == noted["state"] and cache.key(self) == noted["key"]):
            cache.keep(doc, noted["key"])
        else:
            cache.clear()

    def section(self, section_id: str, lang: str | None = None, **options) -> Any:
        """One section's result (``lang`` given: its blocks in that language instead)."""
        from suara.analyse.section import get
        sec = get(section_id)
        result = sec.run(self, **options)
        return result if lang is None else sec.render(result, lang, self.election)

    def report(self, out: str | Path, analysis: dict | None = None) -> Path:
        """Write the daily brief (HTML, or PDF when `out` ends with .pdf)."""
        from suara.report.daily import write_report
        return write_report(self, Path(out), analysis=analysis)

    def forget(self, platform: str, account_id: str, actor: str = "cli") -> dict:
        """Erase an account from every table and file of the workspace (``suara forget``);
        its pseudonym is erased from files too. Returns what was removed, per table.

        Example
        -------
        >>> import suara, tempfile
        >>> "posts" in suara.init(tempfile.mkdtemp()).forget("x", "123")
        True
        """
        from suara.analyse.privacy import pseudonym, workspace_salt
        from suara.store.admin import forget_account
        alias = pseudonym(platform, account_id, workspace_salt(self))
        return forget_account(self, platform, account_id, actor=actor, aliases=[alias])

    # ----- reads every face shows (the web app, the CLI and Python get the same answers) -----
    def open_read_pool(self, size: int | None = None):
        """Serve reads from a pool of cursors from now on (a web server's many threads);
        returns the `~suara.store.reads.ReadPool`. Writes keep going through the store.

        Example
        -------
        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> ws.open_read_pool(size=2).size
        2
        >>> ws.close()
        """
        from suara.store.reads import ReadPool
        if self._reads is None:
            self._reads = ReadPool(self.store, self.store.lock, size=size)
        return self._reads

    @property
    def reads(self):
        """Where read queries go: the read pool when one is open, else the store."""
        return self._reads if self._reads is not None else self.store

    @cached_property
    def salt(self) -> str:
        """The pseudonymisation salt (the same pseudonyms in pages, reports and exports).

        Example
        -------
        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> len(ws.salt) > 10
        True
        """
        from suara.analyse.privacy import workspace_salt
        with self.store.lock:
            return workspace_salt(self)

    def data_key(self) -> tuple:
        """What cached views depend on: counts and times of the tables that imports,
        enrichment, detection and case work change; equal keys mean unchanged data.

        Example
        -------
        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> ws.data_key() == ws.data_key()
        True
        """
        from suara.store.reads import change_key
        return change_key(self.reads)

    def posts(self, filters: dict | None = None, limit: int = 50, offset: int = 0,
              show_identities: bool = False, data_key: tuple | None = None) -> dict[str, Any]:
        """The posts explorer: posts matching ``filters`` (q, candidate, platform, region,
        sentiment, issue, since, until, buzzer, account, kind, dup_cluster), newest first, at
        most 200 a page; ordinary citizens pseudonymised unless ``show_identities``. Returns
        ``{"total", "limit", "offset", "posts"}``. Raises ValueError for a malformed date.

        Example
        -------
        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> ws.posts({"platform": "x", "since": "2024-11-01"})["total"]
        0
        """
        from suara.analyse.explorer import PostFilter, query_posts
        f = PostFilter.from_params(filters or {})
        if self._reads is not None:
            return query_posts(self, f, limit=limit, offset=offset, lock=self.store.lock,
                               show_identities=show_identities, salt=self.salt, reader=self._reads,
                               data_key=data_key if data_key is not None else self.data_key())
        return query_posts(self, f, limit=limit, offset=offset, lock=self.store.lock,
                           show_identities=show_identities, salt=self.salt)

    def export_posts(self, filters: dict | None = None, show_identities: bool = False, batch: int = 5000,
                     limit: int | None = None):
        """Every post matching the explorer's ``filters`` (the newest ``limit`` when given) as batches of rows in
        :data:`suara.analyse.post_export.EXPORT_COLUMNS` order (pairs mentioned, targeted
        sentiment per pair, region, issues, buzzer flag); citizens pseudonymised unless
        ``show_identities``. A generator, so a face can stream it.

        Example
        -------
        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> sum(len(b) for b in ws.export_posts({"platform": "x"}))
        0
        """
        from suara.analyse.explorer import PostFilter
        from suara.analyse.post_export import export_posts
        f = PostFilter.from_params(filters or {})
        yield from export_posts(self, f, show_identities=show_identities, salt=self.salt,
                                lock=self.store.lock, batch=batch, limit=limit)

    def platforms(self) -> list[str]:
        """Platforms that have posts.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).platforms()
        []
        """
        from suara.analyse.explorer import platforms
        return platforms(self.reads)

    def radar(self, full: bool = False) -> dict[str, Any]:
        """Scan new data for alerts (the whole period with ``full``) and store them; returns
        ``{"from", "to", "alerts", "new", ...}``.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).radar()["alerts"]
        0
        """
        from suara.detect.radar import run_radar
        return run_radar(self, full=full)

    def alerts(self, limit: int | None = None, min_severity: str = "low") -> list[dict]:
        """Stored alerts, newest first (what ``suara radar --json`` prints).

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).alerts()
        []
        """
        from suara.analyse.alerts import list_alerts
        return list_alerts(self, limit=limit, min_severity=min_severity)

    def alert_feed(self, limit: int = 200, show_identities: bool = False) -> list[dict]:
        """Alerts as the war room lists them: reason, cascade, times in the election's zone,
        top accounts pseudonymised unless ``show_identities``.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).alert_feed()
        []
        """
        from suara.analyse.feeds import alert_feed
        return alert_feed(self, limit=limit, show_identities=show_identities, salt=self.salt, db=self.reads)

    def alert_trace(self, alert_id: str) -> dict:
        """The cascade of one alert (platforms, first posts, reach over time); raises
        KeyError for an unknown alert.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).alert_trace("al-x")
        Traceback (most recent call last):
        ...
        KeyError: "alert 'al-x' not found"
        """
        import json
        df = self.reads.sql("SELECT evidence FROM alerts WHERE alert_id = ?", [alert_id])
        if df.empty:
            raise KeyError(f"alert {alert_id!r} not found")
        return json.loads(df.iloc[0, 0] or "{}").get("trace", {})

    def cases(self, limit: int = 200, show_identities: bool = False) -> list[dict]:
        """Cases, newest first, with their playbook (id, first steps, why); citizens named in
        titles and notes pseudonymised unless ``show_identities``.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).cases()
        []
        """
        from suara.analyse.feeds import case_feed
        return case_feed(self.reads, limit=limit, ws=self, show_identities=show_identities, salt=self.salt)

    def open_case(self, alert_id: str, actor: str = "cli", assignee: str | None = None) -> dict:
        """Open the case of an alert (one case per alert: again returns the existing one),
        with a suggested playbook; audited. Raises `~suara.analyse.cases.CaseError` for an
        unknown alert.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).open_case("al-x")
        Traceback (most recent call last):
        ...
        suara.analyse.cases.CaseError: alert 'al-x' not found (see 'suara radar')
        """
        from suara.analyse.cases import open_case
        with self.store.lock:
            return open_case(self, alert_id, actor=actor, assignee=assignee)

    def issue_series(self) -> dict[str, Any]:
        """Issues per week per candidate, emerging issues (last 7 days against the 7 before)
        and resonance per issue.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).issue_series()["emerging"]
        []
        """
        from suara.analyse.issue_series import issue_series
        with self.store.lock:  # Ibis runs on the store's connection
            return issue_series(self)

    def network(self, show_identities: bool = False, whole: bool = False) -> dict[str, Any]:
        """Coordinated networks: the graph with a layout, the networks and the flagged
        accounts with reasons; citizens pseudonymised unless ``show_identities``. With
        ``whole``, the whole conversation graph instead (replies, comments, shares and
        mentions between all accounts; the most connected 400, see
        :func:`suara.analyse.network.conversation_graph`).

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).network()["accounts"]
        []
        >>> suara.init(tempfile.mkdtemp()).network(whole=True)["mode"]
        'all'
        """
        from suara.analyse.network import conversation_graph, network_data
        if whole:
            with self.store.lock:  # account types and stances run Ibis on the store's connection
                return conversation_graph(self, show_identities, self.salt, db=self.reads)
        return network_data(self, show_identities, self.salt, db=self.reads)

    def volunteers(self, show_identities: bool = False) -> list[dict]:
        """Consenting volunteers (names only with ``show_identities``; otherwise how many
        there are and how many are active).

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).volunteers()
        []
        """
        from suara.analyse.feeds import volunteer_feed
        return volunteer_feed(self.reads, show_identities)

    def scrub(self, doc: dict) -> dict:
        """A copy of an analysis document with the citizens it names pseudonymised.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).scrub({"alerts": {"alerts": []}})
        {'alerts': {'alerts': []}}
        """
        from suara.analyse.redact import scrub_doc
        return scrub_doc(doc, self, self.salt)

    def quarantine(self, limit: int = 50, file: str | None = None):
        """Quarantined input rows (file, row, field, reason, format, time), newest first,
        as a DataFrame; ``file`` keeps one file's rows.

        Example
        -------
        >>> import suara, tempfile
        >>> len(suara.init(tempfile.mkdtemp()).quarantine())
        0
        """
        from suara.store.admin import quarantine_rows
        return quarantine_rows(self.reads, limit=limit, file=file)

    def audit(self, actor: str, action: str, target: str = "", detail: dict | None = None) -> None:
        """Record an action in the audit log.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).audit("rina", "export.csv", "posts.csv", {"rows": 3})
        """
        from suara.store.admin import audit
        with self.store.lock:
            audit(self.store, actor, action, target, detail)

    # ----- admin, mobilisation and labels -------------------------------------------------
    def backup(self, out: str | Path) -> Path:
        """Back up the workspace (config and store) to one verified ``.tar.gz``."""
        from suara.store.admin import backup
        return backup(self, out)

    def retention(self, days: int | None = None) -> dict[str, Any]:
        """Purge raw posts older than the retention period (``retention_days`` of
        ``suara.yaml`` unless ``days``), keeping daily aggregates.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).retention()["days"] is None
        True
        """
        from suara.store.admin import apply_retention
        return apply_retention(self, days)

    def actions(self):
        """Registered calls to action (hashtag campaigns, posts to share, live streams,
        comment drives) as a DataFrame.

        Example
        -------
        >>> import suara, tempfile
        >>> len(suara.init(tempfile.mkdtemp()).actions())
        0
        """
        from suara.analyse.mobilise import list_actions
        return list_actions(self)

    def add_action(self, kind: str, name: str, target: str, starts_at, ends_at, **options) -> dict:
        """Register (or, with the same ``action_id``, update) a call to action; times are
        the election's local time; options: candidate, goal, goal_metric, action_id."""
        from suara.analyse.mobilise import add_action
        return add_action(self, kind, name, target, starts_at, ends_at, **options)

    def track_action(self, action_id: str, top: int = 10) -> dict[str, Any]:
        """One action's participation, reach, regions, sentiment, progress and cascade;
        raises KeyError for an unknown action."""
        from suara.analyse.mobilise import track_action
        return track_action(self, action_id, top=top)

    def labels(self, task: str | None = None):
        """The team's labels in force (newest per post, task and target) with their texts.

        Example
        -------
        >>> import suara, tempfile
        >>> len(suara.init(tempfile.mkdtemp()).labels("sentiment"))
        0
        """
        from suara.store.labels import read_labels
        with self.store.lock:  # Ibis runs on the store's connection (a server's threads share it)
            return read_labels(self.store, task)

    def add_labels(self, rows, labeller: str, source: str = "") -> int:
        """Store labels (dicts with platform, post_id, task, target, label) in one
        transaction, audited; returns how many were written."""
        from suara.store.labels import add_labels
        with self.store.lock:
            return add_labels(self.store, rows, labeller=labeller, source=source)

    # ----- background imports (the web app's uploads) -----------------------------------
    def queue_import(self, paths: Iterable[str | Path], actor: str = "cli", job_id: str | None = None) -> str:
        """Record an import job for files already saved; returns the job id (run it with
        `run_import_job`, e.g. in a background thread).

        Example
        -------
        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> ws.job(ws.queue_import([ws.path / "a.jsonl"]))["status"]
        'queued'
        """
        from suara.ingest.jobs import queue_import
        return queue_import(self.store, paths, actor=actor, job_id=job_id)

    def run_import_job(self, job_id: str, paths: Iterable[str | Path], fmt: str = "auto",
                       timezone: str | None = None, enrich: bool = False) -> dict:
        """Import a queued job's files one by one, keeping its status current; with
        ``enrich``, enrich the new posts before the job is finished (what `suara enrich`
        does after `suara ingest`). Returns the finished job (``done`` when any file was
        accepted, else ``failed``) and keeps its readable summary (`import_summary`)."""
        from suara.ingest.jobs import run_workspace_job
        return run_workspace_job(self, job_id, paths, fmt=fmt, timezone=timezone, enrich=enrich)

    def import_summary(self, job_id: str) -> dict | None:
        """The readable summary of a finished import job (rows, duplicates, quarantine reasons,
        warnings; see :func:`suara.ingest.jobs.summarise_import`), or None.

        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).import_summary("job-none") is None
        True
        """
        from suara.ingest.jobs import read_summary
        return read_summary(self.path, job_id)

    def jobs(self, limit: int = 50) -> list[dict]:
        """The newest import jobs.

        Example
        -------
        >>> import suara, tempfile
        >>> suara.init(tempfile.mkdtemp()).jobs()
        []
        """
        from suara.ingest.jobs import list_jobs
        return list_jobs(self.reads, limit=limit)

    def job(self, job_id: str) -> dict | None:
        """One import job, or None."""
        from suara.ingest.jobs import get_job
        return get_job(self.reads, job_id)

    def close(self) -> None:
        if self._reads is not None:
            self._reads.close()
            self._reads = None
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]
        self.__dict__.pop("users", None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r}, election={self.config.election!r}, engine={self.engine!r})"


def init(path: str | Path, election: str = "kaltim-2024", engine: str = "duckdb") -> Workspace:
    """Create (or re-open) a workspace folder with its config and an empty store."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    load_election(election)  # validate before writing anything
    cfg_file = p / WORKSPACE_FILE
    if not cfg_file.exists():
        WorkspaceConfig(election=election, engine=engine).save(p)
    ws = Workspace(p)
    ws.store  # creates the schema
    return ws


def open(path: str | Path = ".", engine: str | None = None, read_only: bool = False) -> Workspace:  # noqa: A001
    """Open an existing workspace (the current directory by default)."""
    return Workspace(path, engine=engine, read_only=read_only)
