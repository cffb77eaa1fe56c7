"""Aggregate-only demographics: cells, intervals, small-cell suppression, the headline gap, and a
scan of every output (analysis JSON, API, CSV, web pages, report) for per-account estimates."""
from __future__ import annotations

import csv as csvlib
import io
import json
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import suara
from suara.analyse.base import ENRICH_VERSION_KEY
from suara.analyse.demographics import demographics_section, gap_text, ratio_interval, wilson
from suara.enrich.demographics import AGE_BANDS, OCCUPATIONS, ensure_demographics

BPN, SMD = "6471", "6472"


def _people():
    """(account_id, handle, display_name, bio, region, ballot, sentiment)."""
    out = []
    for i in range(24):   # women 25-44 in Balikpapan, negative about 02
        out.append((f"w{i}", f"warga_bpn_{i}", f"Siti Aminah {i}", "ibu dari 2 anak, ibu rumah tangga", BPN, "2",
                    "negative" if i % 4 else "positive"))
    for i in range(14):   # men in Samarinda, positive about 02
        out.append((f"m{i}", f"petani_smd_{i}", f"Budi Santoso {i}", "petani sawit", SMD, "2",
                    "positive" if i % 2 else "negative"))
    for i in range(14):   # unknown people, mixed
        out.append((f"u{i}", f"user{i}x", "🔥🔥", "", SMD, "2", "positive"))
    for i in range(12):   # women whose region nobody can tell
        out.append((f"n{i}", f"warga_{i}", f"Dewi Lestari {i}", "ibu rumah tangga", None, "2", "neutral"))
    # one identifiable person: the only teacher, the only woman in Samarinda
    out.append(("lone", "guru_unik_samarinda", "Ratna Dewi", "guru SD, lahir 1960", SMD, "2", "negative"))
    out.append(("org", "kaltimtoday", "Kaltim Today", "Portal berita Kaltim | official", BPN, "2", "neutral"))
    return out


@pytest.fixture
def dws(tmp_path):
    ws = suara.init(tmp_path / "w")
    rows, ment = [], []
    for n, (aid, h, dn, bio, reg, b, s) in enumerate(_people()):
        for j in range(2):
            pid = f"{aid}-{j}"
            rows.append({"suara_type": "post", "platform": "x", "post_id": pid, "text": f"Rudy Seno {s} {n} {j}",
                         "created_at": f"2024-11-0{1 + j}T02:00:00Z",
                         "author": {"account_id": aid, "handle": h, "display_name": dn, "bio": bio,
                                    "account_type": "citizen"}})
            ment.append({"platform": "x", "post_id": pid, "version": "t1", "candidate": b, "sentiment": s,
                         "score": {"positive": 0.7, "negative": -0.7}.get(s, 0.0)})
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    ws.ingest([f])
    for aid, *_, reg, _b, _s in _people():
        if reg:
            ws.store.execute("UPDATE accounts SET region = ? WHERE account_id = ?", [reg, aid])
    ws.store.set_meta(ENRICH_VERSION_KEY, "t1")
    ws.store.append("mentions", pd.DataFrame(ment))
    assert ensure_demographics(ws)       # the `suara enrich` workspace step
    return ws


def test_analyse_demographics_intervals():
    assert wilson(0, 0) == (None, None)
    lo, hi = wilson(3, 10)
    assert 0 < lo < 0.3 < hi < 1
    r, lo, hi = ratio_interval(pd.Series([1.0, -1, 1, 1]).to_numpy(), pd.Series([1.0, 1, 1, 1]).to_numpy(), -1, 1)
    assert r == 0.5 and -1 <= lo < 0.5 < hi <= 1
    r, lo, hi = ratio_interval(pd.Series([1.0] * 14).to_numpy(), pd.Series([1.0] * 14).to_numpy(), -1, 1)
    assert r == 1.0 and lo < 0.8 and hi == 1.0     # no spread in the sample is not certainty


def test_analyse_demographics_cells_suppression_and_gap(dws):
    sec = demographics_section(dws)
    k = sec["k"]
    assert k == 10
    v = sec["all"]
    assert v["coverage"]["organisations"] == 1           # the news page is not a person
    assert v["coverage"]["gender"]["known"] == 24 + 14 + 12 + 1
    for name, cells in v["cells"].items():
        for c in cells:
            assert c["accounts"] >= k, (name, c)
            for f in c["pairs"].values():
                assert f.get("suppressed") or f["accounts"] >= k
    occ = {c["occupation"] for c in v["cells"]["occupation"]}
    assert "guru_dosen" not in occ and "ibu_rumah_tangga" in occ and "petani" in occ
    assert v["suppressed"]["cells"] >= 1                # the lone teacher's cells
    g = {c["gender"]: c for c in v["cells"]["gender"]}
    assert set(g) == {"f", "m", "unknown"}
    assert g["f"]["accounts"] == 37
    fr = {(c["gender"], c["region"]): c for c in v["cells"]["genderxregion"]}
    assert set(fr) == {("f", BPN), ("m", SMD)}           # the lone woman in Samarinda: no cell
    f2 = fr[("f", BPN)]["pairs"]["2"]
    assert f2["net_sentiment"] == pytest.approx(-0.5) and f2["net_interval"][0] < -0.5 < f2["net_interval"][1]
    assert f2["share"] == 1.0
    assert fr[("f", BPN)]["segments"]["opponent:2"]["accounts"] >= k   # segments by demographic group
    assert isinstance(v["messages"], list)
    head = sec["headline"]
    assert head and head["pair"] == "2" and head["cell"]["region"] == BPN and head["cell"].get("gender") == "f"
    assert "Balikpapan" in head["text_id"] and "untuk 02" in head["text_id"]


def test_analyse_demographics_differencing_is_suppressed():
    """All women (12) minus the listed 'women in Balikpapan' (10) would single out 2 people, and
    so would all of Samarinda (17) minus 'men in Samarinda' (15)."""
    from suara.analyse.demographic_cells import secondary_suppression as _secondary_suppression
    acc = pd.DataFrame({"gender": ["f"] * 12 + ["m"] * 30,
                        "region": [BPN] * 10 + [SMD] * 2 + [BPN] * 15 + [SMD] * 15})
    cells = [{"gender": "f", "region": BPN, "accounts": 10}, {"gender": "m", "region": BPN, "accounts": 15},
             {"gender": "m", "region": SMD, "accounts": 15}]
    out = _secondary_suppression(cells, acc, ("gender", "region"), 10)
    assert out == {"cells": 2, "accounts": 25}
    assert [(c["gender"], c["region"]) for c in cells] == [("m", BPN)]
    cells = [{"gender": "m", "region": BPN, "accounts": 15}]   # Balikpapan minus it leaves 10: fine
    assert _secondary_suppression(cells, acc, ("gender", "region"), 10) == {"cells": 0, "accounts": 0}


def test_analyse_demographics_views_do_not_single_out_flagged_accounts():
    from suara.analyse.demographics import _guard_views
    all_ = {"cells": {"gender": [{"gender": "f", "accounts": 15}, {"gender": "m", "accounts": 40}]},
            "suppressed": {"cells": 0, "accounts": 0}}
    filt = {"cells": {"gender": [{"gender": "f", "accounts": 12}, {"gender": "m", "accounts": 20}]}}
    _guard_views(all_, filt, 10)
    assert [c["gender"] for c in all_["cells"]["gender"]] == ["m"] and all_["suppressed"]["cells"] == 1


def test_analyse_demographics_min_cell_is_a_setting(dws):
    cfg = dws.config.model_copy(update={"demographics": dws.config.demographics.model_copy(update={"min_cell": 30})})
    dws.config = cfg
    sec = demographics_section(dws)
    assert sec["k"] == 30
    assert all(c["accounts"] >= 30 for cells in sec["all"]["cells"].values() for c in cells)


def test_analyse_demographics_gap_text_en():
    from suara.config import load_election

    t = gap_text(load_election("kaltim-2024"), {"cell": {"gender": "f", "age_band": "25-44", "region": BPN}, "pair": "2",
                      "net_sentiment": -0.21, "overall": 0.05, "accounts": 34}, "en")
    assert t.startswith("women 25–44 in Balikpapan: net sentiment −0.21 for 02")


_DEMO_KEYS = {"gender", "age_band", "occupation", "person"}
_DEMO_VALUES = set(AGE_BANDS) | set(OCCUPATIONS) | {"f", "m"}


def _walk(x, path=""):
    if isinstance(x, dict):
        yield path, x
        for k, v in x.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _walk(v, f"{path}[{i}]")


def _no_account_with_attributes(doc, people):
    ids = {p[0] for p in people} | {p[1] for p in people}
    for path, d in _walk(doc):
        vals = {str(v) for v in d.values() if not isinstance(v, (dict, list))}
        has_id = bool(vals & ids) or any(k in d for k in ("account", "account_id", "handle"))
        has_attr = bool(_DEMO_KEYS & set(d)) or bool(vals & _DEMO_VALUES - {"m", "f"})
        assert not (has_id and has_attr), f"per-account attributes at {path}: {d}"


def test_analyse_demographics_no_output_shows_one_accounts_estimates(dws, tmp_path):
    """Scan every face: analysis JSON (= API), the demographics CSV, the web pages and the report."""
    from suara.report.daily import render_report
    from suara.serve.auth import add_user
    people = _people()
    doc = dws.analyse()
    assert "error" not in doc["demographics"], doc["demographics"]
    _no_account_with_attributes(doc, people)
    sec = json.dumps(doc["demographics"], ensure_ascii=False)
    for aid, h, dn, *_ in people:    # the section names no account at all
        assert f'"{aid}"' not in sec and h not in sec and dn not in sec
    from suara.analyse.section import get
    html = render_report(dws, doc, "id") + render_report(dws, doc, "en")
    blocks = json.dumps([get("demographics").render(doc["demographics"], lang, dws.election) for lang in ("id", "en")],
                        ensure_ascii=False)
    assert "Balikpapan" in blocks
    for aid, h, dn, *_ in people:
        assert h not in blocks and dn not in blocks and f'"{aid}"' not in blocks
        assert "/posts?" not in blocks      # cells never link to the posts behind them
    assert "Demografi audiens" in html and "Audience demographics" in html
    add_user(dws.store, "admin", "admin-pass-123", "admin")
    path = dws.path
    dws.close()
    from suara.serve.app import create_app
    with TestClient(create_app(path)) as c:
        r = c.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        c.post("/login", data={"username": "admin", "password": "admin-pass-123", "csrf": csrf, "next": "/"})
        api = c.get("/api/v1/analysis/demographics")
        assert api.status_code == 200
        _no_account_with_attributes(api.json(), people)
        csv = c.get("/api/v1/analysis/demographics.csv")   # one row per view, cell and pair
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        rows = list(csvlib.DictReader(io.StringIO(csv.text.lstrip("\ufeff"))))
        assert rows and {"view", "cross", "gender", "region", "candidate", "suppressed", "accounts"} <= set(rows[0])
        assert all(r["accounts"] == "" for r in rows if r["suppressed"] == "True")
        assert any(r["suppressed"] == "True" for r in rows) and any(r["accounts"] for r in rows)
        csv2 = csv
        seen = api.text + csv.text + csv2.text
        for aid, h, dn, *_ in people:
            assert h not in seen and dn not in seen
        page = c.get("/wilayah").text
        assert "Demografi audiens" in page
        m = re.search(r'id="demographics-kpis".*', page, flags=re.S)
        tail = m.group(0) if m else ""
        for aid, h, dn, *_ in people:
            assert h not in tail and dn not in tail
        # the posts explorer cannot filter or show by estimated attributes
        for q in ("gender=f", "occupation=guru_dosen", "age_band=45%2B"):
            r = c.get(f"/api/v1/posts?{q}")
            assert "gender" not in r.text and "occupation" not in r.text and "age_band" not in r.text


@pytest.mark.slow
def test_analyse_demographics_spark_matches_duckdb(dws):
    """The same section over the same tables served by a local Spark session."""
    pytest.importorskip("pyspark")
    import os
    import sys

    import ibis
    from pyspark.sql import SparkSession

    from suara.store.schema import TABLES
    for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON"):
        os.environ[k] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.shuffle.partitions", "2").config("spark.sql.session.timeZone", "UTC")
             # without Arrow, a missing string reaches Spark as the text "NaN" (a region "known")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
    try:
        con = ibis.pyspark.connect(spark)
        for name in TABLES:
            con.create_view(name, ibis.memtable(dws.store.table(name).to_pyarrow()), overwrite=True)

        class Store:
            engine = "spark"

            def table(self, name):
                return con.table(name)

            def meta(self, key, default=None):
                return dws.store.meta(key, default)

            def scoped(self, key, fn):   # no read scope to share: look it up each time
                return fn()

        class W:
            election, config, store = dws.election, dws.config, Store()
        a = json.dumps(demographics_section(W()), sort_keys=True)
        b = json.dumps(demographics_section(dws), sort_keys=True)
        assert a == b
    finally:
        spark.stop()


def test_analyse_demographics_filtered_view_is_built_from_the_shared_frames(dws):
    """The filtered view's frames come from the unfiltered ones (an account's rows are its own):
    they must equal the frames built for the filtered view on its own, flagged accounts gone,
    and the cells computed from them must be the same."""
    import pandas.testing as pdt

    from suara.analyse.demographic_frames import _frame, _frames
    flagged = [f"w{i}" for i in range(6)] + ["m1", "m2", "org"]
    dws.store.append("account_scores", pd.DataFrame(
        [{"platform": "x", "account_id": a, "buzzer_score": 0.9, "flagged": True} for a in flagged]))
    both = _frames(dws, 0.5)
    for view in ("all", "filtered"):
        m, acc, counts = _frame(dws, view == "filtered", 0.5)
        fm, facc, fcounts = both[view]
        pdt.assert_frame_equal(fm, m)
        pdt.assert_frame_equal(facc, acc)
        assert fcounts == counts
    assert not set(flagged) & set(both["filtered"][1].account_id)
    assert set(flagged) - {"org"} <= set(both["all"][1].account_id)
    assert both["filtered"][2]["organisations"] == 0 and both["all"][2]["organisations"] == 1
    sec = demographics_section(dws)
    assert sec["filtered"]["accounts"] == sec["all"]["accounts"] - 8
