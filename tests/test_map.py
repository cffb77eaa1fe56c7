"""The region map: boundaries shipped in the package (licence, size, BPS keys, winding), a
choropleth of every configured region for each shipped election, offline, with a click that
opens exactly the posts the hover counts, and missing boundaries reported instead of a crash."""
from __future__ import annotations

import gzip
import json
import re
from importlib.resources import files
from urllib.parse import parse_qsl, urlsplit

import pytest

from suara.analyse.audience.region_map import fmt_int, fmt_pct, map_block
from suara.config import builtin_elections, load_election
from suara.config.election import Election
from suara.config.geo import DATA_FILES, LICENSE_FILE, boundaries, layer
from suara.render.html import block_html
from suara.render.maps import map_figure, map_html

GEO = files("suara.config.geo")


def _result(e, posts=5):
    regs = {r.code: {"name": r.name, "mentions": 10, "posts": posts, "conversation_index": 1.2 if r.dpt else None,
                     "pairs": {b: {"share": (i + 1) / 10, "net_sentiment": 0.1 * i, "mentions": i + 1}
                               for i, b in enumerate(e.ballots)}} for r in e.regions}
    return {"all": {"regions": regs}, "filtered": {"regions": regs}}


def test_map_shipped_boundaries_carry_their_licence_and_stay_small():
    lic = GEO.joinpath(LICENSE_FILE).read_text(encoding="utf-8")
    assert lic.startswith("MIT License") and "Cahya DSN" in lic and "Permission is hereby granted" in lic
    src = GEO.joinpath("SOURCE.md").read_text(encoding="utf-8")
    assert "cahyadsn/wilayah_boundaries" in src and "BPS" in src
    sizes = {name: len(GEO.joinpath(name).read_bytes()) for name in DATA_FILES.values()}
    assert sum(sizes.values()) < 1_000_000, sizes
    # declared as package data, so a wheel carries it
    pyproject = (files("suara").joinpath("..", "..", "pyproject.toml"))
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        pytest.skip("not a source checkout")
    assert "config/geo/*" in text


@pytest.mark.parametrize("level", ["adm1", "adm2"])
def test_map_boundaries_are_keyed_by_bps_and_wound_for_d3(level):
    feats = layer(level)
    assert len(feats) == (34 if level == "adm1" else 488)
    assert all(re.fullmatch(r"\d{2}" if level == "adm1" else r"\d{4}", c) for c in feats)

    def area(ring):   # shoelace, lon/lat: negative = clockwise
        return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    for code, f in feats.items():
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        assert polys and all(area(p[0]) < 0 for p in polys), code   # exterior rings clockwise


def test_map_kaltim_codes_are_bps_not_kemendagri():
    # BPS 6403 Kutai Kartanegara is Kemendagri 64.02; BPS 3173 Jakarta Pusat is Kemendagri 31.71
    adm2 = layer("adm2")
    assert adm2["6403"]["properties"]["name"] == "Kutai Kartanegara"
    assert adm2["6403"]["properties"]["kemendagri"] == "64.02"
    assert adm2["6402"]["properties"]["name"] == "Kutai Barat"
    assert adm2["3173"]["properties"]["name"] == "Jakarta Pusat"


@pytest.mark.parametrize("eid", builtin_elections())
def test_map_every_configured_region_of_each_shipped_election_is_drawn(eid):
    e = load_election(eid)
    b = map_block(_result(e), e, "id")
    codes = [r.code for r in e.regions]
    assert b["missing"] == [] and [r["code"] for r in b["regions"]] == codes
    fig = map_figure(b)
    assert list(fig.data[0].locations) == codes              # the base: every region
    fc, _ = boundaries(codes)
    assert [f["id"] for f in fc["features"]] == codes          # feature ids = the config's region codes
    if not codes:                                              # a config without regions says so
        assert any("wilayah" in n for n in b["notes"]) and "Plotly.newPlot" not in block_html(b)
        return
    html = block_html(b, "chart-region-map")
    assert "Plotly.newPlot" in html and "cdn.plot.ly" not in html and "https://" not in html and "http:" not in html
    assert "Batas wilayah: cahyadsn/wilayah_boundaries (MIT)" in html                # the data credit
    # the leading-pair layer shows first; every pair is a legend entry with its colour
    lead = [t for t in fig.data[1:] if t.visible and t.type == "choropleth"]
    assert {t.name for t in lead} <= {c["label"] for c in b["layers"][0]["categories"]}
    assert fig.layout.geo.fitbounds == "locations" and fig.layout.geo.visible is False
    # layers to choose from: leading pair, margin, share and net sentiment per pair (+ coverage with DPT)
    ids = [lay["id"] for lay in b["layers"]]
    assert ids[:2] == ["lead", "margin"] and {f"share-{x}" for x in e.ballots} <= set(ids)
    assert {f"net-{x}" for x in e.ballots} <= set(ids)
    assert ("coverage" in ids) == all(r.dpt for r in e.regions)
    assert len(fig.layout.updatemenus[0].buttons) == len(ids)


def test_map_hover_uses_indonesian_number_formats():
    e = load_election("kaltim-2024")
    b = map_block(_result(e, posts=20644), e, "id")
    hover = map_figure(b).data[0].customdata[0][1]
    assert "Samarinda" in hover and "Unggahan: 20.644" in hover and "10,0%" in hover
    assert b["separators"] == ",."
    assert "Posts: 20,644" in map_figure(map_block(_result(e, posts=20644), e, "en")).data[0].customdata[0][1]
    assert (fmt_int(1234567, "id"), fmt_pct(0.541, "id")) == ("1.234.567", "54,1%")


def test_map_region_without_boundary_is_reported_not_a_crash():
    base = load_election("kaltim-2024").model_dump()
    base["regions"] = [*base["regions"][:2], {"code": "9999", "name": "Antah Berantah"},
                       {"code": "64.72", "name": "Kode Kemendagri"}]
    e = Election.model_validate(base)
    b = map_block(_result(e), e, "id")
    assert b["missing"] == ["9999", "64.72"]
    assert any("Antah Berantah (9999)" in n for n in b["notes"])
    html = block_html(b, "m")
    assert "Antah Berantah (9999)" in html and "Plotly.newPlot" in html
    assert len(map_figure(b).data[0].locations) == 2


def test_map_province_level_config_draws_provinces():
    base = load_election("pilpres-2024").model_dump()
    base["regions"] = [{"code": "64", "name": "Kalimantan Timur", "kind": "provinsi"},
                       {"code": "31", "name": "DKI Jakarta", "kind": "provinsi"}]
    e = Election.model_validate(base)
    b = map_block(_result(e), e, "id")
    assert b["missing"] == [] and list(map_figure(b).data[0].locations) == ["64", "31"]


def test_map_click_opens_exactly_the_posts_the_region_counts(workspace):
    from test_analyse_brand import build_world

    from suara.analyse.audience import regions_section
    from suara.analyse.explorer import PostFilter, query_posts
    ws = build_world(workspace)
    e = ws.election
    b = map_block(regions_section(ws), e, "id")
    fig = map_figure(b)
    checked = 0
    for r, (href, hover) in zip(b["regions"], fig.data[0].customdata):
        assert href == r["href"] and urlsplit(href).path == "/posts"
        params = dict(parse_qsl(urlsplit(href).query))
        assert params["region"] == r["code"]
        total = query_posts(ws, PostFilter.from_params(params), limit=1)["total"]
        assert total == r["posts"], (r["code"], total, r["posts"])
        assert f"Unggahan: {fmt_int(total)}" in hover
        checked += total > 0
    assert checked, "the world has located posts"
    # the click handler navigates to the region's link
    html = map_html(b, "m")
    assert "plotly_click" in html and "window.location.href=h" in html


def test_map_in_report_and_web_blocks(workspace):
    from suara.analyse.section import get
    e = workspace.election
    sec = get("regions")
    blocks = sec.render(sec.run(workspace), "id", e)
    maps = [x for x in blocks if x["type"] == "map"]
    assert len(maps) == 1 and "faces" not in maps[0]          # both the report and the web page
    json.dumps(maps[0], allow_nan=False)                      # JSON-able, no geometry inside
    assert "coordinates" not in json.dumps(maps[0])


def test_map_shipped_files_are_gzip_json():
    for name in DATA_FILES.values():
        fc = json.load(gzip.open(GEO.joinpath(name).open("rb")))
        assert fc["type"] == "FeatureCollection" and all(f["id"] for f in fc["features"])


def test_map_names_written_inside_the_regions():
    e = load_election("kaltim-2024")
    fig = map_figure(map_block(_result(e), e, "id"))
    labels = [t for t in fig.data if t.type == "scattergeo"]
    assert len(labels) == 1 and sorted(labels[0].text) == sorted(r.name for r in e.regions)
    assert labels[0].hoverinfo == "skip" and labels[0].visible   # clicks and hovers reach the regions
    # Kutai Kartanegara's name sits inside its own boundary (its label point), not at Tenggarong's seat
    lab = layer("adm2")["6403"]["properties"]["label"]
    i = list(labels[0].text).index("Kutai Kartanegara")
    assert (labels[0].lon[i], labels[0].lat[i]) == tuple(lab)


def test_map_pilpres_draws_its_provinces_from_the_province_layer():
    """The national config's regions are the 34 provinces with a BPS code: the map draws them
    from the adm1 layer with a legend per pair, the layer dropdown and a drill-down per province."""
    from suara.config.geo import level_of
    e = load_election("pilpres-2024")
    codes = [r.code for r in e.regions]
    assert len(codes) == 34 == len(set(codes)) and {level_of(c) for c in codes} == {"adm1"}
    assert set(codes) == set(layer("adm1"))                   # every shipped province, nothing else
    names = {r.code: r.name for r in e.regions}
    assert (names["64"], names["91"], names["94"]) == ("Kalimantan Timur", "Papua Barat", "Papua")
    assert not any(r.dpt for r in e.regions)                  # no DPT without a source
    b = map_block(_result(e), e, "id")
    assert b["missing"] == []
    fig = map_figure(b)
    assert list(fig.data[0].locations) == codes
    lead = [t for t in fig.data if t.type == "choropleth" and t.showlegend and t.legendgroup == "lead"]
    assert lead and all(t.visible for t in lead)              # the leading pair's legend shows first
    assert not [t for t in fig.data if t.type == "scattergeo"]  # 34 names would not stay readable
    ids = [lay["id"] for lay in b["layers"]]
    assert "coverage" not in ids and len(fig.layout.updatemenus[0].buttons) == len(ids)
    assert {r["href"].split("region=")[1].split("&")[0] for r in b["regions"]} == set(codes)
    geo = map_html(b, "m")
    assert geo.count('"type":"Feature"') == 34 and "Plotly.newPlot" in geo


def test_map_pilpres_places_locate_accounts_in_their_province():
    """Region inference on the national config: cities and abbreviations people write find
    their province; a short name inside a longer one ("Papua" in "Papua Barat") is not read twice."""
    from suara.enrich.regions import region_matcher
    m = region_matcher(load_election("pilpres-2024"))
    assert m.find("Asli Medan, kerja di Bandung") == [("12", "place"), ("32", "place")]
    assert m.find("Jogja", profile=True) == [("34", "name")] and m.find("Kepri")[0][0] == "21"
    assert m.find("Salam dari Papua Barat") == [("91", "name")]
    assert m.find("Kepulauan Riau") == [("21", "name")]
    assert m.find("nasi padang, nasib malang") == []          # ordinary words are not cities
    k = region_matcher(load_election("kaltim-2024"))
    assert k.find("Penajam Paser Utara") == [("6409", "name")]
    # in the engine's patterns too: the short-name pattern reads the longer name, which the
    # inference skips there (the long-name pattern counts it once)
    strict = m.post_patterns()[1]
    assert re.search(strict, "Salam dari Papua Barat").group(1) == "Papua Barat" and "papua barat" in m.loose_lower
    assert re.search(strict, "orang Papua asli").group(1) == "Papua"
