"""Contract over every registered analysis section, like the importer and component contracts:
on an empty workspace and on a simulated campaign each section computes without writing, its
result is JSON-able, it renders in both languages to valid blocks that the report and the web
pages turn into HTML, and a failure is never disguised as a result."""
from __future__ import annotations

import pytest

import suara
from suara.analyse.run import analyse_workspace, failed
from suara.analyse.section import (BLOCK_TYPES, Section, SectionError, check_blocks, get, jsonable, register,
                                   sections)
from suara.render import cards, section_html

SECTIONS = list(sections())


def _store_fingerprint(ws) -> dict:
    from suara.store.schema import TABLES
    return {t: ws.store.count(t) for t in TABLES}


def _with_salt(ws):
    """The workspace's pseudonym salt is created on first use (one meta row, once per
    workspace): create it up front so the read-only check sees only what sections do."""
    from suara.analyse.privacy import workspace_salt
    workspace_salt(ws)
    return ws


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    ws = _with_salt(suara.init(tmp_path_factory.mktemp("empty") / "ws"))
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """A small simulated campaign through every stage (ingest, enrich, detect), with a
    registered call to action so that every section has something to show."""
    from suara.analyse.mobilise import add_action
    from suara.sim import simulate
    d = tmp_path_factory.mktemp("sim")
    exports = d / "exports"
    simulate(exports, seed=5, scale=3000)
    ws = suara.init(d / "ws")
    ws.ingest(sorted(p for p in exports.iterdir() if p.is_dir() and p.name != "ground_truth"))
    ws.enrich()
    ws.detect()
    first = ws.store.table("posts").created_at.min().execute()
    add_action(ws, "hashtag", "Aksi uji", "KaltimMenang", first, first + (ws.election.dates.vote_day - first.date()),
               candidate="2", goal=100)
    yield _with_salt(ws)
    ws.close()


def test_sections_registry_declares_every_unit():
    assert SECTIONS[0] == "meta" and len(SECTIONS) == len(set(SECTIONS))
    for sid in SECTIONS:
        sec = get(sid)
        assert sec.id == sid and sec.title and sec.requires, sid
        assert all(isinstance(r, str) for r in sec.requires), sid
        assert isinstance(sec.options, dict) and isinstance(sec.pages, tuple), sid
    with pytest.raises(SectionError, match="unknown analysis section 'nope'"):
        get("nope")


@pytest.mark.parametrize("sid", SECTIONS)
def test_sections_undeclared_option_is_refused(empty, sid):
    with pytest.raises(SectionError, match=f"section '{sid}' has no option"):
        get(sid).run(empty, not_an_option=1)


def _contract(ws, sid):
    from suara.store.schema import TABLES
    sec = get(sid)
    missing = [t for t in sec.requires if t not in TABLES]
    assert not missing, f"{sid} requires unknown tables {missing}"
    before = _store_fingerprint(ws)
    result = sec.run(ws)
    assert _store_fingerprint(ws) == before, f"{sid} wrote to the store"
    assert jsonable(result), f"{sid}: result is not JSON-able"
    assert not failed(result), f"{sid} returned an error instead of raising"
    for lang in ("id", "en"):
        blocks = check_blocks(sec.render(result, lang, ws.election))
        assert jsonable(blocks), f"{sid}: blocks are not JSON-able"
        for b in blocks:
            assert b["type"] in BLOCK_TYPES
            assert not (b["type"] == "text" and b.get("style") == "error"), f"{sid} rendered an error block"
        html = section_html(blocks)
        web = cards(blocks, sid, sid)
        assert isinstance(html, str) and all(c["html"] for c in web)
        title, explain = sec.heading(result, lang)
        assert title and title != sec.title, f"{sid}: title {sec.title!r} not in the catalogue"
    return result, blocks


@pytest.mark.parametrize("sid", SECTIONS)
def test_sections_contract_empty_workspace(empty, sid):
    _contract(empty, sid)


@pytest.mark.parametrize("sid", SECTIONS)
def test_sections_contract_simulated_campaign(simulated, sid):
    result, blocks = _contract(simulated, sid)
    assert blocks, f"{sid} shows nothing on a simulated campaign"


def test_sections_failure_is_visible_not_silent(empty, monkeypatch):
    """A section that raises: the document marks it, meta lists it, the report and the web
    pages show its error; with strict=True it raises."""
    from suara.config.i18n import strings
    from suara.report.daily import render_report
    from suara.serve.pages import blocks_for

    @register
    class Broken(Section):
        id = "broken_for_test"
        title = "report.overview"
        requires = ("posts",)
        pages = ("overview",)

        def compute(self, ws, **options):
            raise RuntimeError("boom")

    try:
        doc = analyse_workspace(empty, sections=["meta", "broken_for_test"])
        assert failed(doc["broken_for_test"]) == "RuntimeError: boom"
        assert doc["meta"]["errors"] == {"broken_for_test": "RuntimeError: boom"}
        assert "RuntimeError: boom" in render_report(empty, doc, "en")
        cards_ = blocks_for("overview", empty, doc, strings("en"))
        assert any(c.get("error") == "RuntimeError: boom" for c in cards_)
        with pytest.raises(RuntimeError, match="boom"):
            analyse_workspace(empty, sections=["broken_for_test"], strict=True)
    finally:
        from suara.analyse import section as S
        S._REGISTRY.pop("broken_for_test", None)


def test_sections_whole_document_strict(simulated):
    doc = simulated.analyse(detect=False)
    assert [k for k in doc if failed(doc[k])] == []
    assert list(doc) == SECTIONS


def test_sections_text_catalogue_has_both_languages():
    from suara.config.i18n import CATALOGUE, LANGUAGES
    for area, by_lang in CATALOGUE.items():
        keys = {lang: set(by_lang[lang]) for lang in LANGUAGES}
        assert keys["id"] == keys["en"], (area, keys["id"] ^ keys["en"])


def test_sections_third_party_plugin_registers_like_builtins(empty, monkeypatch):
    """A section published under the ``suara.sections`` entry-point group joins the registry
    (after the built-ins) and the document; a broken plugin stops with its name."""
    from importlib.metadata import EntryPoint

    from suara.analyse import section as S

    class Posts(Section):
        id = "plugin_posts"
        title = "ui.posts"
        requires = ("posts",)

        def compute(self, ws, **options):
            return {"posts": ws.store.count("posts")}

    import types
    mod = types.ModuleType("x_plugin")
    mod.SECTIONS = [Posts]
    good = EntryPoint("plugin_posts", "x_plugin:SECTIONS_MODULE", S.ENTRY_POINT_GROUP)
    monkeypatch.setattr(EntryPoint, "load", lambda self: mod if self.name == "plugin_posts" else 1 / 0)
    monkeypatch.setattr(S, "entry_points", lambda group: [good] if group == S.ENTRY_POINT_GROUP else [])
    monkeypatch.setattr(S, "_REGISTRY", {})
    monkeypatch.setattr(S, "_LOADED", False)
    assert list(sections())[-1] == "plugin_posts"
    assert analyse_workspace(empty, sections=["plugin_posts"])["plugin_posts"] == {"posts": 0}
    bad = EntryPoint("broken", "x_plugin:nothing", S.ENTRY_POINT_GROUP)
    monkeypatch.setattr(S, "entry_points", lambda group: [bad] if group == S.ENTRY_POINT_GROUP else [])
    monkeypatch.setattr(S, "_REGISTRY", {})
    monkeypatch.setattr(S, "_LOADED", False)
    with pytest.raises(SectionError, match="section plugin 'broken'"):
        sections()
