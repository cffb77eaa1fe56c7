"""Enrich stage: components (contract over edge cases), tagging, targeted sentiment, hoaxes,
near-duplicates, OCR, the workspace pipeline and the `suara text` commands."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from suara.config import load_election
from suara.enrich.base import REGISTRY
from suara.enrich.components import (Emotion, Issues, LanguageId, Normalise, Sentiment, Tag,
                                     TargetedSentiment, Toxicity)
from suara.enrich.dedup import NearDuplicates
from suara.enrich.hoax import HoaxMatcher, load_claims
from suara.enrich.linear import Featuriser, LinearModel
from suara.enrich.normalise import Normaliser, clean_text
from suara.enrich.ocr import OcrReader
from suara.enrich.pipeline import Pipeline, enrich_texts, enrich_workspace
from suara.enrich.tagging import CandidateTagger

KALTIM = load_election("kaltim-2024")

EDGE = ["", "   ", "😍😍🔥", "x" * 50_000, "The weather in London is lovely today",
        b"\xff\xfe\xfa broken".decode("utf-8", errors="replace"), "\ud800 lone surrogate",
        "#KaltimBerdaulat", "@kpu_kaltim", "https://example.com/a?b=c", "02", "!!!???", None,
        "ulun kada handak milih", float("nan")]


# ----- models -------------------------------------------------------------------------------
@pytest.mark.parametrize("name,heads", [(f"{m}-{v}.npz", h) for v in (1, 2) for m, h in (
    ("sentiment", {"sentiment"}), ("emotion", {"emotion"}),
    ("toxicity", {"hate_speech", "abusive", "strength"}))] + [("sentiment-3.npz", {"sentiment", "e5"})])
def test_enrich_models_load(name, heads):
    """Every version loads: enrichments made with an older one keep their meaning."""
    m = LinearModel.load(name)
    assert heads <= set(m.heads)
    assert m.version.endswith(name.split("-")[1][0])
    X = m.featuriser.transform(["contoh teks"], [(0.0, 0.0, 0.0)])
    for h in m.heads:  # the e5 head reads a sentence embedding, the others the n-grams
        p = m.predict_proba(np.full((1, 384), 384 ** -0.5) if h == "e5" else X, h)
        assert p.shape[0] == 1 and np.allclose(p.sum(1), 1)


def test_enrich_model_files_small():
    from suara.enrich.linear import model_path
    for n in ("sentiment-1.npz", "emotion-1.npz", "toxicity-1.npz", "lexicon-1.json.gz",
              "sentiment-2.npz", "emotion-2.npz", "toxicity-2.npz", "sentiment-3.npz"):
        assert model_path(n).stat().st_size < 5_000_000, n


def test_enrich_v2_featuriser_masks_names_and_reads_not_only():
    f = LinearModel.load("sentiment-2.npz").featuriser
    assert f.prepare("userref userref prabowo tidak hanya tegas tetapi juga jujur") == \
        "selain tegas tetapi juga jujur"
    g = f.with_mask(["Isran Noor"])
    assert g.prepare("isran noor hebat") == "hebat" and f.prepare("isran hebat") == "isran hebat"
    v1 = LinearModel.load("sentiment-1.npz").featuriser
    assert v1.prepare("userref prabowo") == "userref prabowo" and v1.with_mask(["x"]) is v1


# ----- contract over every component -----------------------------------------------------------
@pytest.mark.parametrize("name", sorted(n for n, k in REGISTRY.items() if k.default))
def test_enrich_component_edge_cases(name):
    comp = REGISTRY[name]()  # set up uniformly by initialize(election, workspace)
    df = comp(EDGE, election=KALTIM)
    assert len(df) == len(EDGE)
    for col in comp.assigns:
        if not col.startswith("_"):
            assert col in df.columns, col


def test_enrich_edge_cases_say_what_they_could_not_judge():
    df = enrich_texts(EDGE, election=KALTIM)
    empty = df.iloc[0]
    assert empty.language == "und" and empty.sentiment == "neutral" and empty.sentiment_conf == 0
    assert df.iloc[2].language == "und" and df.iloc[2].sentiment_conf <= 0.5  # emoji only
    assert df.iloc[4].language == "en"
    assert df.iloc[3].sentiment_conf < 0.5  # a 50 kB run of one letter
    assert df.iloc[12].text_norm == "" and df.iloc[14].text_norm == ""


def test_enrich_registry_declares_components():
    for name, k in REGISTRY.items():
        # a per-post component assigns columns; a workspace step (scope "workspace") writes tables
        assert k.name == name and k.version.startswith("v")
        assert k.assigns or getattr(k, "scope", "post") == "workspace", name


# ----- normalisation ----------------------------------------------------------------------------
def test_enrich_normalise_slang_elongation_hashtags_emoji():
    n = Normaliser.load()
    r = n.normalise("Mantaaap bgt yg begini!!! #KaltimBerdaulat 😍 @kpu_kaltim")
    assert "mantap banget yang" in r.text
    assert "berdaulat" in r.text and "#" not in r.text
    assert "emopos" in r.text and r.emoji == 1.0
    assert r.mentions == ["kpu_kaltim"] and r.hashtags == ["KaltimBerdaulat"]
    assert n.normalise("g4k b3n3r").text == "enggak benar"
    assert n.segment("kaltimberdaulat") == ["kaltim", "berdaulat"]
    assert n.normalise("kata2").text == "kata-kata"


def test_enrich_clean_text_never_raises():
    assert clean_text(b"\xff\xfe") == "\ufffd\ufffd"
    assert clean_text(None) == "" and clean_text(float("nan")) == ""
    assert "\ud800" not in clean_text("a\ud800b")


# ----- language -------------------------------------------------------------------------------
def test_enrich_language_ids():
    res = dict(zip(["id", "en", "bjn", "jv", "und"], LanguageId().detect([
        "saya tidak setuju dengan program itu", "I do not agree with this program at all",
        "ulun kada handak milih nang itu", "aku ora ngerti opo sing diomongke", "🔥🔥"])))
    for want, (got, conf) in res.items():
        assert got == want and 0 <= conf <= 1


# ----- tagging -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text,want", [
    ("01 jelas lebih baik dari 02, 02 cuma janji", ["1", "2"]),
    ("Paslon nomor urut 2 siap menang", ["2"]),
    ("coblos no.1 ya", ["1"]),
    ("#Gratispol mantap", ["2"]),
    ("salam dua jari!", ["2"]),
    ("Isran-Hadi lanjutkan", ["1"]),
    ("Hadi Mulyadi hadir di pengajian", ["1"]),
    ("Debat semalam: Pak Rudy lawan Kai", ["1", "2"]),
    ("HARUM untuk Kaltim!", ["2"]),
    ("wangi harum bunga melati", []),
    ("jam 02 pagi masih begadang", []),
    ("no 1 di hati cuma kamu", []),
    ("Rudy temen sekelas gue jago main bola", []),
    ("08:02 berangkat kerja", []),
])
def test_enrich_tagging_context(text, want):
    assert CandidateTagger(KALTIM).candidates(text) == want


def test_enrich_tagging_other_election_and_accounts():
    e = load_election("jakarta-2024")
    t = CandidateTagger(e)
    c = e.candidates[0]
    assert t.candidates(f"dukung {c.persons[0] if c.persons else c.name} sampai menang") == [c.ballot]
    kal = KALTIM.model_copy(update={"candidates": [
        KALTIM.candidates[0].model_copy(update={"official_accounts": {"instagram": ["isranhadi.official"]}}),
        KALTIM.candidates[1]]})
    assert CandidateTagger(kal).candidates("cek @isranhadi.official ya") == ["1"]


def test_enrich_tagging_province_words_for_any_province():
    """Province words are election context for every config, not only Kalimantan Timur."""
    e = load_election("jakarta-2024")
    t = CandidateTagger(e)
    assert t.candidates("Doel blusukan lagi di DKI hari ini") == ["3"]  # "DKI": province word
    assert t.candidates("Doel blusukan lagi di rumah hari ini") == []   # no context: dropped
    jabar = e.model_copy(update={"id": "jabar-2024", "province": "Jawa Barat"})
    assert CandidateTagger(jabar).candidates("Doel keliling Jawa Barat") == ["3"]
    assert CandidateTagger(KALTIM).candidates("Rudy keliling Kalimantan Timur") == ["2"]


# ----- sentiment ---------------------------------------------------------------------------------
def test_enrich_targeted_sentiment_comparison():
    df = TargetedSentiment()(["01 jelas lebih baik dari 02, 02 cuma janji",
                              "Isran-Hadi sudah terbukti hebat, Rudy-Seno cuma janji manis 🤡",
                              "Gratispol mantap, lanjutkan!"], election=KALTIM)
    got = [{m["candidate"]: m["sentiment"] for m in ms} for ms in df["mentions"]]
    assert got[0] == {"1": "positive", "2": "negative"}
    assert got[1] == {"1": "positive", "2": "negative"}
    assert got[2] == {"2": "positive"}
    for ms in df["mentions"]:
        for m in ms:
            assert -1 <= m["score"] <= 1 and m["evidence"]


def test_enrich_sentiment_score_is_pos_minus_neg():
    df = Sentiment()(["programnya bagus sekali, saya senang", "pelayanannya buruk dan mengecewakan"])
    assert list(df.sentiment) == ["positive", "negative"]
    assert df.sentiment_score[0] > 0.3 > -0.3 > df.sentiment_score[1]


def test_enrich_emotion_and_toxicity():
    df = Emotion()(["aku sangat bahagia hari ini", "kesal banget sama pelayanan ini, marah!"])
    assert set(df.emotion) <= {"anger", "fear", "sadness", "happy", "love"}
    df = Toxicity()(["dasar kafir anjing", "selamat pagi semua, semoga sehat"])
    assert bool(df.hate_speech[0]) and bool(df.abusive[0]) and df.sara[0] == "religion"
    assert not df.hate_speech[1] and df.sara[1] == "none" and df.hs_target[1] == "none"
    assert df.hs_strength[0] in ("weak", "moderate", "strong")


# ----- issues, hoaxes, duplicates, OCR --------------------------------------------------------------
def test_enrich_issues_seed_and_stem():
    i = Issues(KALTIM)
    assert i.issues("pertambangan liar bikin kebanjiran", "") == ["tambang_lingkungan", "banjir"]
    assert i.issues("money politic dan serangan fajar di mana-mana", "") == ["politik_uang"]
    assert i.issues("selamat pagi", "") == []


def test_enrich_discover_issues():
    from suara.enrich.discover import discover_issues
    texts = ["harga tiket kapal ke derawan naik", "tiket kapal derawan mahal sekali",
             "kapal ke maratua tiketnya naik lagi", "sinyal internet di mahulu hilang",
             "internet lemot sinyal susah di long apari", "sinyal hp hilang terus di hulu"] * 3
    cl = discover_issues(texts, election=KALTIM, k=2, min_size=3)
    assert sorted(c["terms"][0] for c in cl) == ["kapal", "sinyal"]
    assert all(c["size"] == 9 and len(c["examples"]) == 3 for c in cl)
    assert discover_issues(["a b"], k=2) == []


def test_enrich_hoax_matcher(tmp_path):
    p = tmp_path / "claims.csv"
    pd.DataFrame({"ID": ["10", "11", "12"], "label": ["FAKE", "REAL", "FAKE"],
                  "tanggal": ["1-Jan-24"] * 3,
                  "judul": ["Vaksin berisi chip", "Jalan tol dibuka", "Surat suara sudah dicoblos"],
                  "text": ["Vaksin covid berisi chip pelacak dari Bill Gates untuk memantau warga",
                           "Jalan tol Balikpapan Samarinda dibuka untuk umum",
                           "Beredar video surat suara pilgub sudah dicoblos untuk paslon tertentu"],
                  "nama file gambar": ["", "", ""]}).to_csv(p, index=False)
    assert [c[0] for c in load_claims(p)] == ["10", "12"]
    m = HoaxMatcher.from_csv(p)
    res = m.match(["awas!! surat suara pilgub udah dicoblos buat paslon tertentu, viral videonya",
                   "hari ini cuaca cerah di samarinda, enak buat jalan-jalan", ""])
    assert res[0][0] == "12" and res[0][1] >= m.threshold
    assert res[1][0] is None and res[2] == (None, 0.0)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="bad.csv"):
        load_claims(bad)


def test_enrich_near_duplicates_across_batches():
    d = NearDuplicates()
    base = "jangan pilih calon itu karena dia terlibat korupsi dana bansos warga kampung kami semua"
    assert d.add_many(["a", "x"], [base, "harga beras naik lagi di pasar segiri hari ini ya"]) == [None, None]
    assert d.add_many(["b"], [base + " ya"]) == ["a"]
    assert "a" in d.dirty and d.cluster_of("a") == "a"


def test_enrich_ocr_skips_missing_files(tmp_path):
    r = OcrReader(base=tmp_path)
    assert r.read(["nope.png", None, "x.txt"]) == ""
    assert r.read(None) == ""
    df = r(pd.DataFrame({"text": ["a"], "media_files": [["nope.png"]]}))
    assert df.ocr_text[0] is None


# ----- workspace pipeline ---------------------------------------------------------------------
def _add_posts(ws, texts, start=0):
    now = dt.datetime(2024, 10, 1)
    df = pd.DataFrame({"platform": "x", "post_id": [str(start + i) for i in range(len(texts))],
                       "account_id": "acc", "created_at": now, "kind": "post", "text": texts})
    ws.store.upsert("posts", df)


POSTS = ["01 jelas lebih baik dari 02, 02 cuma janji",
         "Gratispol mantap, lanjutkan Rudy-Seno! 💙",
         "harga sembako naik terus, pusing",
         "jangan pilih calon itu karena dia terlibat korupsi dana bansos warga kampung kami semua",
         "", "😡😡",
         "jangan pilih calon itu karena dia terlibat korupsi dana bansos warga kampung kami semua ya"]


def test_enrich_workspace_end_to_end(workspace):
    from suara.analyse.base import ENRICH_VERSION_KEY, mentions
    _add_posts(workspace, POSTS)
    calls = []
    res = enrich_workspace(workspace, progress=lambda n, total=None: calls.append((n, total)),
                           batch_size=3)
    assert res["posts"] == len(POSTS) and calls[0] == (0, len(POSTS))
    assert sum(n for n, _ in calls) == len(POSTS)
    v = res["version"]
    assert v.startswith("suara-enrich-1.0+") and "sentiment.v3" in v and "+cfg." in v
    assert workspace.store.meta(ENRICH_VERSION_KEY) == v
    e = workspace.store.sql("SELECT * FROM enrichments ORDER BY CAST(post_id AS INT)")
    assert len(e) == len(POSTS) and set(e.version) == {v}
    assert list(e.candidates[0]) == ["1", "2"] and "harga_pokok" in list(e.issues[2])
    assert e.dup_cluster[3] == e.dup_cluster[6] == "x:3"  # copy found in a later batch
    assert e.language[4] == "und" and e.sentiment[4] == "neutral"
    m = mentions(workspace).to_pandas().sort_values(["post_id", "candidate"])
    got = {(r.post_id, r.candidate): r.sentiment for r in m.itertuples()}
    assert got[("0", "1")] == "positive" and got[("0", "2")] == "negative"
    assert got[("1", "2")] == "positive"
    # resumes: nothing left; new posts only
    assert enrich_workspace(workspace)["posts"] == 0
    _add_posts(workspace, ["Isran-Hadi terbukti kerja nyata"], start=100)
    assert enrich_workspace(workspace)["posts"] == 1
    # rebuild rewrites the same version, no duplicates
    assert enrich_workspace(workspace, rebuild=True)["posts"] == len(POSTS) + 1
    assert workspace.store.count("enrichments") == len(POSTS) + 1


def test_enrich_workspace_new_version_keeps_history(workspace):
    _add_posts(workspace, POSTS[:3])
    v1 = enrich_workspace(workspace)["version"]
    (workspace.path / "hoaxes.csv").write_text(
        "claim_id,claim\nh1,Harga sembako naik terus karena ulah paslon tertentu\n", encoding="utf-8")
    r = enrich_workspace(workspace)
    assert r["version"] != v1 and r["posts"] == 3 and "1 claims" in r["notes"]["hoax"]
    assert set(workspace.store.sql("SELECT DISTINCT version FROM enrichments").version) == {v1, r["version"]}


def test_enrich_workspace_interrupted_keeps_whole_batches(workspace, monkeypatch):
    _add_posts(workspace, POSTS)
    orig = Issues.apply
    seen = []

    def boom(self, batch):
        seen.append(len(batch))
        if len(seen) == 2:
            raise RuntimeError("power cut")
        return orig(self, batch)

    monkeypatch.setattr(Issues, "apply", boom)
    with pytest.raises(RuntimeError):
        enrich_workspace(workspace, batch_size=3)
    assert workspace.store.count("enrichments") == 3
    monkeypatch.setattr(Issues, "apply", orig)
    assert enrich_workspace(workspace, batch_size=3)["posts"] == len(POSTS) - 3
    assert workspace.store.count("enrichments") == len(POSTS)


def test_enrich_settings_file_errors(workspace):
    from suara.enrich.pipeline import EnrichError
    (workspace.path / "enrich.yaml").write_text("colour: red\n")
    with pytest.raises(EnrichError, match="unknown setting"):
        enrich_workspace(workspace)


def test_enrich_pipeline_for_components_resolves_requirements():
    p = Pipeline.for_components([TargetedSentiment()], election=KALTIM)
    assert [c.name for c in p.components] == ["normalise", "tag", "features", "sentiment", "targeted"]
    from suara.enrich.pipeline import EnrichError
    with pytest.raises(EnrichError, match="election"):
        Pipeline.for_components([TargetedSentiment()], election=None)


# ----- CLI ------------------------------------------------------------------------------------
def test_enrich_cli_text_sentiment_and_toxicity(tmp_path):
    from suara.cli import app
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2, 3], "body": ["01 jelas lebih baik dari 02, 02 cuma janji",
                                            "dasar kafir anjing", ""]}).to_csv(src, index=False)
    r = CliRunner().invoke(app, ["text", "sentiment", str(src), "--column", "body",
                                 "--election", "kaltim-2024", "-o", str(tmp_path / "s.csv")])
    assert r.exit_code == 0, r.output
    s = pd.read_csv(tmp_path / "s.csv", keep_default_na=False)
    assert list(s.columns) == ["id", "body", "sentiment", "sentiment_score", "sentiment_1", "sentiment_2"]
    assert s.sentiment_1[0] == "positive" and s.sentiment_2[0] == "negative" and s.sentiment_1[1] == ""
    r = CliRunner().invoke(app, ["text", "toxicity", str(src), "--column", "body", "-o",
                                 str(tmp_path / "t.csv")])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert {"hate_speech", "abusive", "sara", "hate_speech_score", "abusive_score", "sara_score"} <= set(t.columns)
    assert t.hate_speech[1] == 1 and t.hate_speech[2] == 0 and t.sara[1] == "religion"
    r = CliRunner().invoke(app, ["text", "toxicity", str(src), "--column", "nope", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code != 0 and "nope" in r.output
    r = CliRunner().invoke(app, ["text", "sentiment", str(tmp_path / "missing.csv"), "--column", "a",
                                 "-o", str(tmp_path / "x.csv")])
    assert r.exit_code != 0 and "not found" in r.output


def test_enrich_cli_streams_in_chunks(tmp_path, monkeypatch):
    import suara.cli.text as text_mod
    from suara.cli import app
    monkeypatch.setattr(text_mod, "CHUNK", 2)
    src = tmp_path / "in.csv"
    pd.DataFrame({"t": ["bagus", "jelek", "mantap", "", "buruk"]}).to_csv(src, index=False)
    r = CliRunner().invoke(app, ["text", "sentiment", str(src), "-c", "t", "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(tmp_path / "o.csv")) == 5


@pytest.mark.slow
def test_enrich_workspace_worker_processes_match_serial(tmp_path):
    import suara
    texts = [POSTS[i % len(POSTS)] + f" #{i % 50}" for i in range(5200)]
    out = {}
    for workers in (1, 2):
        ws = suara.init(tmp_path / f"w{workers}")
        (ws.path / "enrich.yaml").write_text(f"workers: {workers}\n")
        _add_posts(ws, texts)
        assert enrich_workspace(ws)["posts"] == 5200
        out[workers] = ws.store.sql("SELECT post_id, sentiment, candidates, dup_cluster, language "
                                    "FROM enrichments ORDER BY post_id")
        ws.close()
    pd.testing.assert_frame_equal(out[1], out[2])


def test_enrich_cli_text_enrich_and_discover(tmp_path, workspace):
    from suara.cli import app
    src = tmp_path / "in.csv"
    pd.DataFrame({"body": ["Gratispol mantap, banjir harus diatasi", "ulun kada handak milih"]}).to_csv(
        src, index=False)
    r = CliRunner().invoke(app, ["text", "enrich", str(src), "-c", "body", "--election", "kaltim-2024",
                                 "-o", str(tmp_path / "e.csv")])
    assert r.exit_code == 0, r.output
    e = pd.read_csv(tmp_path / "e.csv", keep_default_na=False)
    assert e.candidates[0] == "2" and "banjir" in e.issues[0] and e.language[1] == "bjn"
    r = CliRunner().invoke(app, ["text", "enrich", str(src), "-c", "body", "--only", "issues",
                                 "-o", str(tmp_path / "x.csv")])
    assert r.exit_code != 0 and "--election" in r.output
    workspace.close()
    r = CliRunner().invoke(app, ["text", "discover-issues", "-w", str(workspace.path), "--json"])
    assert r.exit_code == 0, r.output


def test_enrich_ocr_reads_images_into_the_post(workspace, tmp_path):
    import shutil
    import subprocess
    if not shutil.which("text2image") or OcrReader().unavailable:
        pytest.skip("needs tesseract-ocr, tesseract-ocr-ind and text2image (Debian packages)")
    (tmp_path / "t.txt").write_text("COBLOS NOMOR 2 GRATISPOL\n")
    fonts = "/usr/share/fonts"
    # inside the workspace: OCR reads no image outside it and the import folders (hardening)
    r = subprocess.run(["text2image", f"--text={tmp_path / 't.txt'}", f"--outputbase={workspace.path / 'img'}",
                        f"--fonts_dir={fonts}", "--font=DejaVu Sans", "--ptsize=24", "--xsize=1200",
                        "--ysize=300"], capture_output=True, timeout=60)
    if r.returncode != 0:
        pytest.skip(f"text2image could not render: {r.stderr[-200:]!r}")
    df = pd.DataFrame({"platform": "x", "post_id": ["p1"], "account_id": "a",
                       "created_at": dt.datetime(2024, 10, 1), "kind": "post", "text": ["lihat poster ini"],
                       "media_files": [[str(workspace.path / "img.tif")]]})
    workspace.store.upsert("posts", df)
    enrich_workspace(workspace)
    e = workspace.store.sql("SELECT ocr_text, candidates, models FROM enrichments")
    assert "GRATISPOL" in e.ocr_text[0] and list(e.candidates[0]) == ["2"]
    assert '"ocr"' not in e.models[0]  # not skipped


@pytest.mark.parametrize("module", ["normalise", "tagging", "dedup", "hoax", "discover", "linear",
                                    "components", "pipeline", "evaluate", "ocr", "base"])
def test_enrich_docstring_examples_run(module):
    import doctest
    import importlib
    res = doctest.testmod(importlib.import_module(f"suara.enrich.{module}"))
    assert res.failed == 0


# ----- uniform set-up and third-party components ---------------------------------------------
def test_enrich_components_need_an_election_uniformly():
    from suara.enrich.base import NeedsElection
    for name in ("tag", "issues"):
        with pytest.raises(NeedsElection, match=name):
            REGISTRY[name]().initialize(election=None)
        assert REGISTRY[name]().initialize(election=KALTIM)._initialized


_PLUGIN = '''
from suara.enrich.base import Component


class PeaceTalk(Component):
    """Adds the issue "damai" to posts that call for a peaceful election."""
    name, version, order = "peace", "v1", 105
    requires, assigns = ("text_norm", "issues"), ("issues", "_peace")

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        self.words = ("damai", "rukun")
        self.seen_election = election
        return super().initialize(election, workspace, settings, pipeline)

    def apply(self, batch):
        df = batch.df
        hit = [any(w in (t or "") for w in self.words) for t in df["text_norm"]]
        df["issues"] = [list(i) + (["damai"] if h else []) for i, h in zip(df["issues"], hit)]
        df["_peace"] = hit
        return batch
'''


@pytest.fixture
def peace_plugin(tmp_path, monkeypatch):
    """A third-party package registering a component through the entry-point group."""
    import importlib.metadata as md
    import sys

    import suara.enrich.base as base
    (tmp_path / "suara_peace.py").write_text(_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = md.EntryPoint("peace", "suara_peace:PeaceTalk", base.ENTRY_POINT_GROUP)
    real = md.entry_points
    monkeypatch.setattr(md, "entry_points", lambda **kw: [ep] if kw.get("group") == base.ENTRY_POINT_GROUP
                        else real(**kw))
    monkeypatch.setattr(base, "_plugins_loaded", False)
    yield
    base.REGISTRY.pop("peace", None)
    base._plugins_loaded = False
    sys.modules.pop("suara_peace", None)


def test_enrich_plugin_component_runs_in_the_default_pipeline(peace_plugin, workspace):
    _add_posts(workspace, ["Ayo jaga pilkada damai di Samarinda", "harga sembako naik terus"])
    res = enrich_workspace(workspace)
    v = res["version"]
    assert "+peace.v1+" in v and v.index("issues.v1") < v.index("peace.v1") < v.index("dedup.v1")
    got = workspace.store.sql("SELECT post_id, issues FROM enrichments ORDER BY post_id")
    assert "damai" in list(got.issues[0]) and "damai" not in list(got.issues[1])
    peace = next(c for c in Pipeline.default(KALTIM).components if c.name == "peace")
    assert peace.seen_election is KALTIM  # initialised like every built-in
    df = enrich_texts(["mari rukun"], election=KALTIM, components=["peace"])
    assert df.issues[0] == ["damai"]


def test_enrich_plugin_that_fails_to_load_is_named(monkeypatch):
    import importlib.metadata as md

    import suara.enrich.base as base
    ep = md.EntryPoint("broken", "no_such_module_xyz:Thing", base.ENTRY_POINT_GROUP)
    monkeypatch.setattr(md, "entry_points", lambda **kw: [ep])
    monkeypatch.setattr(base, "_plugins_loaded", False)
    with pytest.raises(base.EnrichError, match="broken"):
        base.load_plugins()
    monkeypatch.setattr(base, "_plugins_loaded", False)


def test_featuriser_hashing_matches_scikit_learn():
    """The featuriser hashes like scikit-learn's HashingVectorizer (the models were trained
    on it) without importing scikit-learn at run time."""
    from sklearn.feature_extraction.text import HashingVectorizer
    texts = ["mantap banget yang begini ! kalimantan timur berdaulat emopos", "", "a", "ab",
             "é ü 😍 x", "! ? !!", "satu  dua\tTIGA tiga", "tidak hanya tegas tetapi juga jujur"]
    f = Featuriser()
    w = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=f.n_word,
                          alternate_sign=False, token_pattern=r"(?u)\b\w+\b|[!?]", lowercase=False)
    c = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 4), n_features=f.n_char,
                          alternate_sign=False, lowercase=False)
    for _ in range(2):  # cold and warm caches
        assert (w.transform(texts) != f._word_block(texts)).nnz == 0
        assert abs(c.transform(texts) - f._char_block(texts)).max() == 0
