"""The analysis unit: a `Section` declares what it is and what it reads, computes a tidy,
JSON-able result from the workspace without writing anything, and renders that result as
neutral blocks that the report and the web app each turn into HTML (:mod:`suara.render`).

A section is a class with

- ``id``: its key in the analysis document (``suara analyse --json``) and in URLs;
- ``title`` / ``explain``: catalogue references (``"area.key"``, :mod:`suara.config.i18n`);
- ``requires``: the store tables it reads; ``options``: keyword options with defaults;
- ``pages``: the web pages that show it; ``report``: whether the daily brief shows it;
- ``compute(ws, **options) -> result`` (read-only) and ``render(result, lang, election)
  -> blocks``.

Blocks are plain dicts with a ``type``:

- ``kpis``: ``items`` = [{"value", "label", "href"?}];
- ``table``: ``columns``, ``rows`` (cells are text or {"text", "href"}), ``csv``?;
- ``chart``: ``figure`` = a Plotly figure as plain data ({"data": [...], "layout": {...}});
- ``map``: a choropleth of regions (BPS codes; boundaries ship in :mod:`suara.config.geo`):
  ``regions`` = [{"code", "name", "href", "hover": [lines]}], ``layers`` = [{"id", "label",
  "kind": "category"|"scale", "values": {code: value}, "text": {code: hover line},
  "categories": [{"value", "label", "colour"}] (category) or "colorscale", "zmin", "zmax",
  "zmid"?, "tickformat"?, "tickvals"?, "ticktext"?, "colorbar" (scale)}] (the first layer shows first; the reader picks
  another), and optionally ``notes``, ``missing`` (codes without a boundary), ``no_data``,
  ``separators`` (Plotly's, ",." in Indonesian); the older form ``points`` = [{"code",
  "name", "lat", "lon", "size", "colour", "hover"}] draws region centres;
- ``text``: ``text`` with ``style`` "p" (default), "h3", "list" (``items``) or "olist";

and optionally ``id``, ``title``, ``explain`` (a titled block is a card of its own on the
web, a sub-heading in the report) and ``faces`` (("report",) or ("web",) when only one
face shows it; both by default).

Built-in sections register in :data:`BUILTIN_MODULES` order; third-party ones publish a
module (or a Section class) under the ``suara.sections`` entry-point group and register the
same way. Modules of the old ``suara.analyses`` group ("module:function" returning plain
data) still work: they become sections rendered as generic tables.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> sec = get("meta")
>>> sec.requires
('posts', 'accounts', 'quarantine', 'account_scores')
>>> result = sec.run(ws)
>>> result["posts"]
0
>>> [b["type"] for b in sec.render(result, "en", ws.election)]   # the report's and the web's
['kpis', 'kpis']
"""
from __future__ import annotations

import importlib
import json
from importlib.metadata import entry_points
from typing import Any, Callable, ClassVar, Iterable

__all__ = ["Section", "SectionError", "register", "sections", "get", "BUILTIN_MODULES", "BLOCK_TYPES",
           "check_blocks", "jsonable", "generic_table", "generic_blocks", "fmt", "posts_link", "figure", "colours",
           "tzname"]

#: modules holding the built-in sections, in document and report order
BUILTIN_MODULES = (
    "suara.analyse.meta",
    "suara.analyse.brand.sov",
    "suara.analyse.brand.engagement",
    "suara.analyse.brand.influencers",
    "suara.analyse.brand.exposure",
    "suara.analyse.audience.regions",
    "suara.analyse.audience.segments",
    "suara.analyse.audience.recommendations",
    "suara.analyse.demographics",
    "suara.analyse.alerts",
    "suara.analyse.mobilise.actions",
    "suara.analyse.mobilise.live",
    "suara.analyse.mobilise.enthusiasm",
    "suara.analyse.lawwatch",
    "suara.analyse.forecast",
    "suara.analyse.brief",
)
BLOCK_TYPES = ("kpis", "table", "chart", "map", "text")
#: entry-point group of third-party sections (a Section class, or a module with ``SECTIONS``)
ENTRY_POINT_GROUP = "suara.sections"
FACES = ("report", "web")

_REGISTRY: dict[str, "Section"] = {}
_LOADED = False


def _in_language(render: Callable) -> Callable:
    import functools

    from suara.config.formats import language

    @functools.wraps(render)
    def wrapped(self, result, lang: str = "id", *args, **kw):
        with language(lang):
            return render(self, result, lang, *args, **kw)
    wrapped._formats_lang = True  # type: ignore[attr-defined]
    return wrapped


class SectionError(ValueError):
    """A section was asked for something it does not declare (unknown id or option)."""


class Section:
    """Base class: subclasses set the class attributes and implement `compute` and `render`."""

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    explain: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ("posts",)
    options: ClassVar[dict[str, Any]] = {}
    pages: ClassVar[tuple[str, ...]] = ()
    report: ClassVar[bool] = True
    #: shown first on its pages and in the report (the morning brief), whatever its registry order
    lead: ClassVar[bool] = False

    def __init_subclass__(cls, **kw):
        """A subclass's ``render`` formats numbers and dates in its ``lang`` (one formatter,
        :mod:`suara.config.formats`, also for the helpers it calls)."""
        super().__init_subclass__(**kw)
        own = cls.__dict__.get("render")
        if own is not None and not getattr(own, "_formats_lang", False):
            cls.render = _in_language(own)

    def compute(self, ws, **options) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self, result: Any, lang: str = "id", election=None) -> list[dict]:
        """Blocks showing ``result``; none when there is nothing to show."""
        return generic_blocks(self.id, result)

    def heading(self, result: Any, lang: str = "id") -> tuple[str, str]:
        """(title, explanation) in ``lang`` for the report's section header."""
        from suara.config.i18n import text
        return (text(self.title, lang) if self.title else self.id.replace("_", " ").title(),
                text(self.explain, lang) if self.explain else "")

    def run(self, ws, **options) -> Any:
        """`compute` with the declared defaults; an undeclared option is refused by name."""
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            raise SectionError(f"section {self.id!r} has no option(s) {unknown}; "
                               f"declared: {sorted(self.options) or 'none'}")
        return self.compute(ws, **{**self.options, **options})

    def __repr__(self) -> str:
        return f"<Section {self.id} requires={self.requires} options={self.options}>"


class _FunctionSection(Section):
    """A plain ``function(ws) -> data`` published under the legacy ``suara.analyses`` group."""

    def __init__(self, name: str, fn: Callable[[Any], Any]):
        self.id = name  # type: ignore[misc]
        self._fn = fn

    def compute(self, ws, **options) -> Any:
        return self._fn(ws)


def register(section):
    """Register a Section subclass (usable as a class decorator) or instance under its id."""
    inst = section() if isinstance(section, type) else section
    if not inst.id:
        raise SectionError(f"{type(inst).__name__} has no id")
    _REGISTRY[inst.id] = inst
    return section


def _load_plugin(ep):
    """An entry point's object; a plugin that fails to load stops with its name, it is never
    skipped silently."""
    try:
        return ep.load()
    except Exception as e:  # noqa: BLE001 - name the broken plugin
        raise SectionError(f"section plugin {ep.name!r} ({ep.value}) failed to load: {e}") from e


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    for mod in BUILTIN_MODULES:
        importlib.import_module(mod)  # each module registers its sections
    # document order = BUILTIN_MODULES order (a package may import its modules in another)
    rank = {m: i for i, m in enumerate(BUILTIN_MODULES)}
    ordered = sorted(_REGISTRY.items(), key=lambda kv: rank.get(type(kv[1]).__module__, len(rank)))
    _REGISTRY.clear()
    _REGISTRY.update(ordered)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = _load_plugin(ep)
        for s in getattr(obj, "SECTIONS", [obj]) if not isinstance(obj, type) else [obj]:
            if not (isinstance(s, Section) or (isinstance(s, type) and issubclass(s, Section))):
                raise SectionError(f"section plugin {ep.name!r} ({ep.value}) gives {s!r}, not a Section")
            register(s)
    for ep in entry_points(group="suara.analyses"):
        if ep.name not in _REGISTRY:
            _REGISTRY[ep.name] = _FunctionSection(ep.name, _load_plugin(ep))
    _LOADED = True


def sections() -> dict[str, Section]:
    """All registered sections by id, in document order."""
    _load()
    return dict(_REGISTRY)


def get(section_id: str) -> Section:
    """One section by id; `SectionError` names the known ones."""
    _load()
    try:
        return _REGISTRY[section_id]
    except KeyError:
        raise SectionError(f"unknown analysis section {section_id!r}; known: {list(_REGISTRY)}") from None


def jsonable(result: Any) -> bool:
    """Whether ``result`` survives ``json.dumps`` unchanged in kind (no NaN, no objects).

    >>> jsonable({"a": [1, 2.5, None, "x"]}), jsonable({"a": float("nan")}), jsonable({1: object()})
    (True, False, False)
    """
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def check_blocks(blocks: Iterable[dict]) -> list[dict]:
    """Validate blocks (type, required fields, faces); returns them as a list.

    >>> check_blocks([{"type": "text", "text": "ok"}])[0]["text"]
    'ok'
    >>> check_blocks([{"type": "html"}])
    Traceback (most recent call last):
    ...
    suara.analyse.section.SectionError: block 0 has unknown type 'html'; known: ('kpis', 'table', 'chart', 'map', 'text')
    """
    need = {"kpis": ("items",), "table": ("columns", "rows"), "chart": ("figure",), "map": (), "text": ()}
    out = list(blocks)
    for i, b in enumerate(out):
        t = b.get("type")
        if t not in need:
            raise SectionError(f"block {i} has unknown type {t!r}; known: {BLOCK_TYPES}")
        missing = [k for k in need[t] if k not in b]
        if t == "text" and "text" not in b and "items" not in b:
            missing.append("text")
        if t == "map" and "regions" not in b and "points" not in b:
            missing.append("regions")
        if missing:
            raise SectionError(f"block {i} ({t}) lacks {missing}")
        if not set(b.get("faces", FACES)) <= set(FACES):
            raise SectionError(f"block {i} has unknown faces {b['faces']}; known: {FACES}")
    return out


# ------------------------------------------------------------------------- generic blocks
def fmt(v: Any) -> str:
    """A value as a short cell text, in the language being rendered
    (:mod:`suara.config.formats`; Indonesian outside a section's ``render``).

    >>> fmt(0.12345), fmt(12345), fmt([1, 2]), fmt(None), fmt(float("nan"))
    ('0,123', '12.345', '1, 2', '', '–')
    """
    from suara.config import formats
    if isinstance(v, float):
        return formats.decimal(v, digits=3) if abs(v) < 10 else formats.decimal(v, digits=1)
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return formats.integer(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(fmt(x) for x in v[:8]) + (" …" if len(v) > 8 else "")
    if isinstance(v, dict):
        return "; ".join(f"{k}: {fmt(x)}" for k, x in list(v.items())[:6])
    return "" if v is None else str(v)


def generic_table(data: Any, max_rows: int = 50) -> dict | None:
    """A table block from a list of records or a mapping of records; None when not tabular.

    >>> generic_table([{"a": 1, "b": "x"}])["rows"]
    [['1', 'x']]
    """
    rows: list[dict] = []
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        rows = data
    elif isinstance(data, dict) and data and all(isinstance(x, dict) for x in data.values()):
        rows = [{"key": k, **v} for k, v in data.items()]
    if not rows:
        return None
    cols: list[str] = []
    for r in rows[:max_rows]:
        for c in r:
            if c not in cols:
                cols.append(c)
    cols = cols[:10]
    return {"type": "table", "columns": cols, "rows": [[fmt(r.get(c)) for c in cols] for r in rows[:max_rows]]}


def generic_blocks(sid: str, data: Any) -> list[dict]:
    """Blocks for a section without its own `render`: its facts and one table per tabular part."""
    tab = generic_table(data)
    if tab:
        return [{**tab, "csv": f"/api/v1/analysis/{sid}.csv"}]
    out: list[dict] = []
    if isinstance(data, dict):
        scalars = {k: v for k, v in data.items() if isinstance(v, (int, float, str))}
        if scalars:
            out.append({"type": "text", "style": "list", "items": [f"{k}: {fmt(v)}" for k, v in scalars.items()]})
        for k, v in data.items():
            tab = generic_table(v)
            if tab:
                out.append({**tab, "title": f"{sid.replace('_', ' ').title()} · {k}",
                            "csv": f"/api/v1/analysis/{sid}.csv?part={k}"})
    return out


# ------------------------------------------------------------------ helpers for `render`
def posts_link(**filters) -> str:
    """A link to the posts explorer with ``filters`` (empty ones dropped): every number on a
    page leads to the posts behind it.

    >>> posts_link(candidate="1", sentiment=None)
    '/posts?candidate=1'
    """
    from urllib.parse import urlencode
    return "/posts?" + urlencode({k: v for k, v in filters.items() if v not in (None, "")})


def period_link(election, start: str, days: int = 1, **filters) -> str:
    """A posts link for ``days`` local days of the election's zone from ``start`` (a date):
    what a chart's daily or weekly point counts, as ``since``/``until`` with the zone's offset.

    >>> from suara.config import load_election
    >>> period_link(load_election("kaltim-2024"), "2024-11-01", candidate="1")
    '/posts?candidate=1&since=2024-11-01T00%3A00%3A00%2B08%3A00&until=2024-11-02T00%3A00%3A00%2B08%3A00'
    """
    import datetime as dt

    from suara.analyse.base import tz_offset_minutes
    zone = dt.timezone(dt.timedelta(minutes=tz_offset_minutes(election)))
    t0 = dt.datetime.combine(dt.date.fromisoformat(str(start)[:10]), dt.time(), zone)
    return posts_link(**filters, since=t0.isoformat(), until=(t0 + dt.timedelta(days=days)).isoformat())


def figure(fig) -> dict:
    """A Plotly figure as plain JSON data (the ``figure`` of a chart block)."""
    return json.loads(fig.to_json())


def colours(election) -> dict[str, str]:
    """Ballot -> colour from the election config."""
    return {c.ballot: c.colour for c in election.candidates} if election is not None else {}


def tzname(election) -> str:
    """WITA/WIB/WIT for Indonesian zones, else the zone's abbreviation or UTC offset."""
    from suara.config.formats import zone_label
    return zone_label(election.timezone)


#: the built-in sections' ids (what ``suara analyse --section`` takes; third-party sections add theirs)
BUILTIN_IDS = ("meta", "share_of_voice", "engagement", "influencers", "exposure", "regions", "segments",
               "recommendations", "demographics", "alerts", "actions", "live", "enthusiasm", "law_watch",
               "forecast", "brief")

#: other names a section is known by (the web pages' Indonesian names, plurals, short forms)
ALIASES = {"wilayah": "regions", "region": "regions", "daerah": "regions", "sov": "share_of_voice",
           "kandidat": "share_of_voice", "candidates": "share_of_voice", "influencer": "influencers",
           "alert": "alerts", "radar": "alerts", "peringatan": "alerts", "segmen": "segments",
           "rekomendasi": "recommendations", "demografi": "demographics", "mobilisasi": "actions",
           "aksi": "actions", "prakiraan": "forecast", "perkiraan": "forecast", "hukum": "law_watch",
           "lawwatch": "law_watch", "keterlibatan": "engagement", "paparan": "exposure",
           "antusiasme": "enthusiasm", "siaran": "live", "ringkasan": "brief", "morning": "brief",
           "pagi": "brief"}


def resolve(name: str) -> str:
    """A section id from an id or an alias (case and ``-``/``_`` insensitive); `SectionError`
    lists the valid names.

    >>> resolve("wilayah"), resolve("Share-of-Voice")
    ('regions', 'share_of_voice')
    """
    key = str(name).strip().lower().replace("-", "_")
    known = sections()
    if key in known:
        return key
    if key in ALIASES and ALIASES[key] in known:
        return ALIASES[key]
    raise SectionError(f"unknown analysis section {name!r}; valid names: {', '.join(known)} "
                       f"(aliases: {', '.join(sorted(ALIASES))})")
