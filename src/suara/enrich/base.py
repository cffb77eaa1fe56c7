"""The component contract: a named, versioned unit that assigns columns to a batch, and the
`Pipeline` that orders components and resolves what they require.

A `Batch` is a pandas DataFrame (one row per text; column ``text`` at least) plus a cache for
values that are not columns (the shared sparse feature matrix). Each component declares
``name``, ``version``, ``requires`` (columns it reads) and ``assigns`` (columns it writes);
columns starting with ``_`` are internal and never stored. A component is built without
arguments and set up by ``initialize(election, workspace)`` (spaCy style): data-dependent
set-up such as the election's candidate names or the workspace's claims list happens there,
the same way for every component, built-in or third-party.

Components register in `REGISTRY` (the built-ins with `register`, third-party ones through
the ``suara.enrich_components`` entry-point group, see `load_plugins`); the default
pipeline is every registered component with ``default = True``, in ``order``.

Example
-------
>>> from suara.enrich.components import LanguageId
>>> LanguageId()(["Saya suka programnya", "I love this program so much"])["language"].tolist()
['id', 'en']
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from suara.store.schema import TABLES

__all__ = ["Batch", "Component", "Pipeline", "as_batch", "REGISTRY", "register", "load_plugins",
           "EnrichError", "NeedsElection", "ENTRY_POINT_GROUP", "PIPELINE_VERSION", "DEFAULT_SETTINGS",
           "STORED_COLUMNS", "run_components"]

log = logging.getLogger(__name__)

#: component name -> class; built-ins register themselves like third-party ones would
REGISTRY: dict[str, type] = {}
#: entry-point group of third-party components (``name = "package.module:ComponentClass"``)
ENTRY_POINT_GROUP = "suara.enrich_components"
PIPELINE_VERSION = "suara-enrich-1.0"
#: enrich settings and their defaults (``<workspace>/enrich.yaml`` overrides them)
DEFAULT_SETTINGS = {"path": "fast", "ocr": True, "batch_size": 5000, "hoax_threshold": 0.45,
                    "dedup_threshold": 0.7, "workers": 2, "embeddings": None}
#: the per-post columns a workspace stores (``enrichments``); other assigned columns stay in
#: the batch only
STORED_COLUMNS = [c for c, _ in TABLES["enrichments"]
                  if c not in ("platform", "post_id", "version", "enriched_at", "models")]
_plugins_loaded = False


class EnrichError(RuntimeError):
    """The enrich stage cannot run; the message says why and what to do."""


class NeedsElection(EnrichError):
    """A component (``component``: its name) needs an election config and got none."""

    def __init__(self, component: str):
        super().__init__(f"{component} needs an election (pass election=...)")
        self.component = component


def register(cls):
    """Class decorator adding a component to `REGISTRY` under its ``name``."""
    REGISTRY[cls.name] = cls
    return cls


def load_plugins() -> dict[str, type]:
    """Register the components of installed packages (entry-point group
    ``suara.enrich_components``) once; returns `REGISTRY`. A plugin that fails to load is
    reported with its name, never skipped silently.

    Example
    -------
    >>> "sentiment" in load_plugins()
    True
    """
    global _plugins_loaded
    if not _plugins_loaded:
        from importlib.metadata import entry_points
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                cls = ep.load()
            except Exception as e:  # noqa: BLE001 - name the broken plugin
                raise EnrichError(f"enrich component plugin {ep.name!r} ({ep.value}) failed to "
                                  f"load: {e}") from e
            if not (isinstance(cls, type) and issubclass(cls, Component)):
                raise EnrichError(f"enrich component plugin {ep.name!r} ({ep.value}) is not a "
                                  "Component subclass")
            REGISTRY[cls.name] = cls
        _plugins_loaded = True
    return REGISTRY


@dataclass
class Batch:
    """Rows being enriched plus a per-batch cache (feature matrix, normalised objects)."""

    df: pd.DataFrame
    cache: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.df)


def as_batch(data, column: str = "text") -> Batch:
    """A list of texts, a Series, a DataFrame (with ``column``) or a Batch -> Batch."""
    from suara.enrich.normalise import clean_text
    if isinstance(data, Batch):
        return data
    if isinstance(data, pd.DataFrame):
        df = data.copy()
        if column != "text":
            df["text"] = df[column]
        elif "text" not in df.columns:
            raise KeyError(f"DataFrame has no column {column!r}")
        df = df.reset_index(drop=True)
        df["text"] = pd.Series([clean_text(t) for t in df["text"]], dtype=object)
        return Batch(df)
    # cleaned before pandas sees them: Arrow-backed strings reject lone surrogates
    return Batch(pd.DataFrame({"text": [clean_text(t) for t in data]}, dtype=object))


def workspace_folder(workspace) -> Path | None:
    """The folder of a workspace given as a `Workspace`, a path, or None (no workspace)."""
    if workspace is None:
        return None
    return Path(getattr(workspace, "path", workspace))


class Component:
    """Base class: subclasses set the class attributes and implement `apply`; those with
    data-dependent set-up override `initialize`.

    ``order`` places the component in the default pipeline (built-ins use 10..120; a
    third-party component runs after them unless it says otherwise); ``default = False``
    keeps it out of the default pipeline (it then runs only when asked for by name).
    """

    name: ClassVar[str] = "component"
    version: ClassVar[str] = "v1"
    requires: ClassVar[tuple[str, ...]] = ("text",)
    assigns: ClassVar[tuple[str, ...]] = ()
    order: ClassVar[int] = 500
    default: ClassVar[bool] = True
    #: set by `initialize` when the component cannot run here (the reason, e.g. no tesseract);
    #: a pipeline leaves such a component out and records the reason in its notes
    skipped: str | None = None
    #: a short description of the data it was set up with, recorded in the pipeline notes
    note: str | None = None
    #: a digest of data that changes results (e.g. a claims list), part of the version
    fingerprint: str | None = None
    _initialized: bool = False

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    def initialize(self, election=None, workspace=None, settings: dict | None = None,
                   pipeline: list["Component"] | None = None) -> "Component":
        """Data-dependent set-up before the first batch; returns ``self``.

        Parameters
        ----------
        election : Election or None
            The election config (candidates, issues, regions).
        workspace : Workspace, path or None
            The workspace folder (None outside a workspace).
        settings : dict or None
            Enrich settings (`DEFAULT_SETTINGS` overlaid with ``enrich.yaml``).
        pipeline : list of Component or None
            The components set up before this one (to share loaded models).
        """
        self._initialized = True
        return self

    def apply(self, batch: Batch) -> Batch:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, data, election=None) -> pd.DataFrame:
        """Run this component alone (its missing requirements are computed first with the
        default components) and return the DataFrame."""
        return Pipeline.for_components([self], election=election).run(data).df

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} requires={self.requires} assigns={self.assigns}>"


def _setup(c: Component, election, workspace, settings, built: list[Component]) -> Component:
    if not c._initialized:
        c.initialize(election=election, workspace=workspace, settings=settings, pipeline=built)
        c._initialized = True
    return c


class Pipeline:
    """Ordered components; `run` applies them to a batch.

    Example
    -------
    >>> from suara.enrich.components import Sentiment
    >>> p = Pipeline.for_components([Sentiment()])
    >>> [c.name for c in p.components]
    ['normalise', 'features', 'sentiment']
    >>> p.run(["mantap sekali"]).df["sentiment"].tolist()
    ['positive']
    """

    def __init__(self, components: list[Component], fingerprint: str = "", notes: dict | None = None):
        self.components = list(components)
        self.fingerprint = fingerprint
        self.notes = notes or {}

    @property
    def version(self) -> str:
        parts = [PIPELINE_VERSION] + [c.id for c in self.components]
        if self.fingerprint:
            parts.append(f"cfg.{self.fingerprint}")
        return "+".join(parts)

    @classmethod
    def default(cls, election, settings: dict | None = None, workspace=None) -> "Pipeline":
        """Every registered default component (third-party ones included), each set up with
        ``initialize(election, workspace)``; a component that cannot run here (OCR without
        tesseract, claims matching without a claims list) is left out with a note."""
        s = dict(DEFAULT_SETTINGS, **(settings or {}))
        comps: list[Component] = []
        notes: dict[str, str] = {}
        for k in sorted((k for k in load_plugins().values() if k.default), key=lambda k: k.order):
            c = _setup(k(), election, workspace, s, comps)
            if c.skipped:
                notes[c.name] = f"skipped: {c.skipped}"
                continue
            if c.note:
                notes[c.name] = c.note
            comps.append(c)
        prints = {c.name: c.fingerprint for c in comps if c.fingerprint}
        doc = {"election": election.model_dump(mode="json"), "hoax": prints.pop("hoax", "none"),
               "settings": {k: s[k] for k in sorted(s) if k not in ("batch_size", "workers")}}
        if prints:
            doc["components"] = prints
        raw = json.dumps(doc, sort_keys=True, default=str)
        return cls(comps, hashlib.sha256(raw.encode()).hexdigest()[:8], notes)

    @classmethod
    def for_components(cls, components: list[Component], election=None, workspace=None,
                       settings: dict | None = None) -> "Pipeline":
        """The given components preceded by default providers of what they require; every
        component not yet set up is initialised with the election, workspace and settings."""
        providers: dict[str, type] = {}
        ranked = sorted(load_plugins().values(), key=lambda k: k.order)
        for k in ranked:
            for col in k.assigns:
                providers.setdefault(col, k)
        have: set[str] = set()
        need: list[type] = []

        def want(col):
            if col in have or col == "text":
                return
            k = providers.get(col)
            if k is None:
                raise EnrichError(f"no component provides {col!r}")
            if k not in need:
                for r in k.requires:
                    want(r)
                need.append(k)
                have.update(k.assigns)

        for c in components:  # a column is had when an earlier component assigns it
            for r in c.requires:
                want(r)
            have.update(c.assigns)
        s = dict(DEFAULT_SETTINGS, **(settings or {}))
        built: list[Component] = []
        for k in sorted(need, key=ranked.index):
            built.append(_setup(k(), election, workspace, s, built))
        for c in components:
            built.append(_setup(c, election, workspace, s, built))
        return cls(built)

    def run(self, data, column: str = "text") -> Batch:
        """Apply every component to ``data`` (texts, a DataFrame or a Batch)."""
        b = as_batch(data, column)
        for c in self.components:
            b = c.apply(b)
        return b

    def __repr__(self) -> str:
        return f"Pipeline({self.version})"


def run_components(components: list[Component], part: pd.DataFrame) -> pd.DataFrame:
    """Apply ``components`` to a part of the posts table (platform, post_id, text...);
    returns its DataFrame with a ``_key`` column ("platform:post_id") and no other internal
    columns."""
    part = part.copy()
    part["_key"] = [f"{a}:{b}" for a, b in zip(part.platform, part.post_id)]
    b = as_batch(part)
    for c in components:
        b = c.apply(b)
    return b.df.drop(columns=[c for c in b.df.columns if c.startswith("_") and c != "_key"])
