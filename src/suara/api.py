"""`suara.open(workspace)`: the one library object that the CLI, the web app and reports wrap.

A workspace is a folder holding ``suara.yaml`` (settings), the store (``suara.duckdb`` by
default, or a Parquet lake for Spark) and outputs (reports, exports).

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

    # ----- parts --------------------------------------------------------------------
    @cached_property
    def election(self) -> Election:
        ref = self.config.election
        p = self.path / ref
        return load_election(p if p.suffix in (".yaml", ".yml") and p.exists() else ref)

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

    def enrich(self, rebuild: bool = False, progress=None) -> dict[str, Any]:
        """Run the text-enrichment pipeline on posts not yet enriched (all with rebuild)."""
        from suara.enrich.ocr import media_scope
        from suara.enrich.pipeline import enrich_workspace
        with media_scope(self.media_folders()) as scope:
            res = enrich_workspace(self, rebuild=rebuild, progress=progress)
        if scope.refused_count and isinstance(res, dict):
            res.setdefault("notes", {})["ocr_media_skipped"] = (
                f"{scope.refused_count} media path(s) outside the workspace, the import folders and "
                f"media_dirs not read, e.g. {scope.refused[0][:200]!r}")
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
                options: dict[str, dict] | None = None) -> dict[str, Any]:
        """Compute the analytics document (`suara analyse --json`). The sections only read; with
        ``detect`` (the default) a writable workspace first brings the incremental detect
        stages the requested sections show (radar for ``alerts``, live sessions for ``live``)
        up to date, so what they show is current."""
        from suara.analyse.run import analyse_workspace
        if detect and not self.read_only:
            want = set(sections) if sections else {"alerts", "live"}
            stages = [st for st, sec in (("radar", "alerts"), ("live", "live")) if sec in want]
            if stages:
                self.detect(stages)
        return analyse_workspace(self, sections=sections, progress=progress, options=options)

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
        its pseudonym is erased from files too. Returns what was removed, per table."""
        from suara.analyse.privacy import pseudonym, workspace_salt
        from suara.store.admin import forget_account
        alias = pseudonym(platform, account_id, workspace_salt(self))
        return forget_account(self, platform, account_id, actor=actor, aliases=[alias])

    def close(self) -> None:
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
