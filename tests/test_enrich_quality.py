"""Quality floors of the shipped models on ../shared/data (measured value minus a margin;
see src/suara/models/metrics-1.json and docs/enrich.md), and training determinism."""
from __future__ import annotations

import json

import pytest
from sklearn.metrics import f1_score

from suara.config import load_election
from suara.enrich.evaluate import DATA_DIR, evaluate_hoax, evaluate_language, evaluate_political
from suara.enrich.pipeline import enrich_texts

# measured (2026-11, models v1): SmSA 0.785, EmoT polarity 0.829, NusaX clean 0.885,
# HS 0.825, abusive 0.894, tagging P/R 1.0/1.0 (dev set), targeted acc 0.83, hoax P@1 0.987
FLOORS = {"smsa": 0.77, "emot_polarity": 0.80, "nusax_clean": 0.86, "hs": 0.80, "abusive": 0.87}


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


def test_enrich_quality_political_and_language():
    r = evaluate_political(load_election("kaltim-2024"))
    assert r["tagging_precision"] >= 0.95 and r["tagging_recall"] >= 0.95
    assert r["targeted_accuracy"] >= 0.78
    h = evaluate_political(load_election("kaltim-2024"),
                           DATA_DIR / "political_holdout.tsv")
    assert h["tagging_precision"] >= 0.95 and h["tagging_recall"] >= 0.93
    assert h["targeted_accuracy"] >= 0.70
    assert evaluate_language()["accuracy"] >= 0.9


def test_enrich_quality_hoax(data):
    from suara.enrich.train import load_smsa
    r = evaluate_hoax(data / "hoax_turnbackhoax" / "Data_latih.csv",
                      load_smsa(data, "test").text.tolist(), n=150)
    assert r["precision_at_1"] >= 0.95 and r["false_match_rate"] <= 0.03


@pytest.mark.slow
def test_enrich_training_is_deterministic(data, tmp_path):
    from suara.enrich.linear import model_path
    from suara.enrich.train import train_all
    got = train_all(data, tmp_path, log=lambda *_: None)
    shipped = json.loads(model_path("metrics-1.json").read_text())
    for k, v in shipped.items():
        if k not in ("seconds", "data"):
            assert got[k] == v, k
