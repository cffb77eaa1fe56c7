"""Format registry and content-based auto-detection.

Built-in formats and third-party ones register the same way: a module exposing
``IMPORTERS = [ImporterSubclass, ...]``, listed in `suara.ingest.formats.BUILTIN_MODULES`
or published under the ``suara.importers`` entry-point group.
"""
from __future__ import annotations

import importlib
import threading
from importlib.metadata import entry_points

from suara.ingest.base import FileError, Importer, Source

_REGISTRY: dict[str, Importer] = {}
_LOADED = False
#: held while the formats load: a folder's next file is detected in a thread (pipeline._MapAhead)
_LOCK = threading.Lock()


def register(cls: type[Importer]) -> type[Importer]:
    """Register an importer class (usable as a decorator)."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls()
    return cls


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    with _LOCK:
        if _LOADED:
            return
        from suara.ingest.formats import BUILTIN_MODULES
        for mod in BUILTIN_MODULES:
            m = importlib.import_module(f"suara.ingest.formats.{mod}")
            for cls in m.IMPORTERS:
                register(cls)
        for ep in entry_points(group="suara.importers"):
            m = ep.load()
            for cls in getattr(m, "IMPORTERS", [m]):
                register(cls)
        _LOADED = True


def formats() -> dict[str, Importer]:
    """All registered importers by name."""
    _load()
    return dict(_REGISTRY)


def get(name: str) -> Importer:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise FileError(f"unknown format {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def detect(source: Source) -> tuple[Importer, float]:
    """Pick the format of ``source`` from its content (first 64 KiB, decompressed).

    Every importer scores the sample 0..1; the best score wins if it is at least 0.5.
    Raises FileError naming the file when nothing recognises it.
    """
    _load()
    if source.inner_name.lower().endswith(".xlsx"):
        # a workbook is a zip: formats recognise its first sheet's header, written as CSV
        from suara.ingest.lines import xlsx_text_head
        head = xlsx_text_head(source)
    else:
        head = source.text_head()
    if not head.strip():
        raise FileError(f"{source.name}: file is empty")
    if "\x00" in head[:4096]:
        raise FileError(f"{source.name}: binary content, not a text export (NUL bytes at start)")
    scored = sorted(((imp.sniff(head, source), imp.name) for imp in _REGISTRY.values()),
                    reverse=True)
    if not scored or scored[0][0] < 0.5:
        raise FileError(f"{source.name}: format not recognised (tried {len(scored)} formats; "
                        "use --format NAME, or the generic format with a mapping file)")
    return _REGISTRY[scored[0][1]], scored[0][0]
