"""Demographics estimates: cues, unknown as an answer, bad input, the workspace table and erasure."""
from __future__ import annotations

import pandas as pd
import pytest

import suara
from suara.enrich.base import REGISTRY
from suara.enrich.demographics import (Demographics, ensure_demographics, estimate_workspace, name_gender,
                                      normalise_name)

D = Demographics(ref_year=2024)


def _one(name=None, bio=None, platform="x", **kw):
    return D(pd.DataFrame([{"display_name": name, "bio": bio, "platform": platform, **kw}])).iloc[0]


def test_demographics_registered_like_other_components():
    k = REGISTRY["demographics"]
    assert k is Demographics and k.version.startswith("v") and "gender" in k.assigns


def test_demographics_bio_cues_win_and_say_why():
    r = _one("Siti Rahmawati", "ibu dari 2 anak | guru SD")
    assert (r.person, r.gender, r.age_band, r.occupation) == ("person", "f", "25-44", "guru_dosen")
    assert r.gender_conf > 0.9 and "bio" in r.evidence and "name" in r.evidence
    r = _one("Dwi", "mahasiswi Unmul angkatan 2021")
    assert (r.gender, r.age_band, r.occupation) == ("f", "<25", "pelajar_mahasiswa")
    r = _one("Pak Rudi", "pensiunan guru, kakek 3 cucu")
    assert (r.gender, r.age_band, r.occupation) == ("m", "45+", "pensiunan")
    assert _one("Rina", "lahir 1990, kerja di tambang").age_band == "25-44"
    assert _one("Rina", "umur 19 th").age_band == "<25"
    assert _one("Ahmad", "driver ojol Balikpapan").occupation == "ojol"
    assert _one("Ahmad", "", self_text="saya seorang nelayan di bontang").occupation == "nelayan"


def test_demographics_unisex_and_birth_order_names_stay_unknown():
    for n in ("Made Wirawan", "Eka Putra", "Dwi", "Nur", "Komang", "Wayan"):
        assert _one(n).gender == "unknown", n
    assert _one("I Made Sudarta").gender == "m"      # the Balinese prefix marks the sex
    assert _one("Ni Made Ayu").gender == "f"
    assert name_gender("made") == ("u", 0.0, "name")


def test_demographics_bad_input_gives_unknown_not_a_guess():
    for name, bio in ((None, None), ("", ""), (float("nan"), float("nan")), ("😍😍🔥", ""),
                      ("فاطمة", ""), ("王小明", "我是学生"), ("   ", "   "), ("x" * 5000, "y" * 5000)):
        r = _one(name, bio)
        assert (r.gender, r.occupation) == ("unknown", "unknown"), name
        assert r.gender_conf == 0 and r.occupation_conf == 0
    assert normalise_name("𝑴𝒂𝒋𝒂 S. 🏹") == ["maja", "s"]


def test_demographics_brand_pages_and_official_accounts_are_not_persons():
    for name, bio, typ in (("Info Samarinda", "Portal berita | WA: 0812", None),
                           ("Toko Berkah Jaya", "open order, ready stock", None),
                           ("Rudy Mas'ud", "", "official"), ("Kaltim Post", "", "media")):
        r = _one(name, bio, account_type=typ)
        assert r.person == "organisation" and r.gender == "unknown" and r.age_band == "unknown", name


def test_demographics_weak_cues_never_reach_the_default_threshold():
    r = _one("Budi", "", platform="tiktok", register_young=0.9)
    assert r.age_band == "<25" and r.age_conf < 0.5   # platform + register alone stay below 0.5


def test_demographics_workspace_table_and_forget(tmp_path):
    from suara.store.admin import forget_account
    ws = suara.init(tmp_path / "ws")
    ws.store.upsert("accounts", pd.DataFrame({
        "platform": ["x", "x", "x"], "account_id": ["1", "2", "3"], "handle": ["a", "b", "c"],
        "display_name": ["Siti Aminah", "Info Balikpapan", None], "bio": ["ibu rumah tangga", "berita", None]}))
    res = estimate_workspace(ws)
    assert res["accounts"] == 3 and res["persons"] == 1 and res["organisations"] == 1
    assert set(res) >= {"known", "version"} and "Siti" not in str(res)   # counts only
    assert ws.store.count("account_demographics") == 3
    counts = forget_account(ws, "x", "1")
    assert counts["account_demographics"] == 1
    assert ws.store.sql("SELECT count(*) n FROM account_demographics WHERE account_id = '1'").n[0] == 0
    estimate_workspace(ws)   # idempotent: replaces, never duplicates
    assert ws.store.count("account_demographics") == 2
    assert ensure_demographics(ws) and not ensure_demographics(ws)   # reruns only after a change


def test_enrich_demographics_quality_on_real_profiles(fixtures_dir, tmp_path, shared):
    """Floors under the figures of bench/demographics.py (hand labels of real profiles) and the
    lexicon build being reproducible from ../shared."""
    import gzip
    import json
    from pathlib import Path

    from suara.models.train_names import FILE, build
    root = Path(__file__).resolve().parents[1]
    labels = pd.read_csv(root / "bench" / "data" / "demographics_labels.csv", dtype=str, keep_default_na=False)
    assert set(labels.columns) == {"platform", "account_id", "subset", "person", "gender", "age_band", "occupation"}
    ws = suara.init(tmp_path / "fx")
    ws.ingest([fixtures_dir])
    estimate_workspace(ws)
    est = ws.store.table("account_demographics").execute()
    est["account_id"] = est.account_id.astype(str)
    j = labels.merge(est, on=["platform", "account_id"], suffixes=("", "_e"))
    assert len(j) == len(labels)                       # every labelled account is still imported
    g = j[(j.gender_conf >= 0.5) & (j.gender_e != "unknown")]
    assert len(g) >= 60 and (g.gender_e == g.gender).mean() >= 0.85
    p = j[j.person_e != "unknown"]
    assert len(p) >= 120 and (p.person_e == p.person).mean() >= 0.88
    o = j[(j.occupation_conf >= 0.5) & (j.occupation_e != "unknown")]
    assert (o.occupation_e == o.occupation).mean() >= 0.7
    shipped = json.load(gzip.open(root / "src" / "suara" / "models" / FILE, "rt"))
    rebuilt = build(shared / "data")
    assert shipped["names"] == rebuilt["names"] and shipped["endings"] == rebuilt["endings"]
