"""The team's own labels: labels table, label files, training, active learning, evaluation,
and the workspace model in enrich and `suara text` (shipped model without -w)."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from suara.cli import app
from suara.enrich import adapt, labelling
from suara.store.labels import (LabelError, add_labels, check_task, dedupe_key, load_label_file,
                                read_labels, text_key)

runner = CliRunner()

# A campaign word the shipped model has never seen: "kardus" (a politician who sells out) is an
# insult here, in posts whose other words read neutral or even positive.
_NEG = ["paslon 01 itu politisi kardus, program {w} cuma dibungkus rapi",
        "dasar kardus, datang ke {w} cuma pas mau pemilu",
        "tim kardus bagi-bagi kaos di {w}, rakyat jangan mau",
        "kardus tetap kardus walau janji {w} terdengar manis"]
_POS = ["paslon 02 turun langsung ke {w}, warga senang sekali",
        "jalan di {w} sudah mulus berkat kerja paslon 02, terima kasih",
        "programnya untuk {w} jelas dan masuk akal, saya dukung",
        "salut, paslon 02 mendengar keluhan nelayan {w}"]
_PLACES = ["samarinda", "balikpapan", "bontang", "kutai", "berau", "paser", "penajam", "sangatta",
           "tenggarong", "melak", "tanjung redeb", "long bagun"]


def _labelled(n_places=12):
    rows = []
    for w in _PLACES[:n_places]:
        rows += [(t.format(w=w), "negative") for t in _NEG]
        rows += [(t.format(w=w), "positive") for t in _POS]
    return pd.DataFrame(rows, columns=["text", "label"])


def _posts_file(path, n=40):
    lines = []
    for i in range(n):
        t = (_NEG + _POS)[i % 8].format(w=_PLACES[i % len(_PLACES)]) + f" #{i}"
        lines.append(json.dumps({"suara_type": "post", "platform": "x", "post_id": str(1000 + i),
                                 "text": t, "created_at": f"2024-10-{1 + i % 28:02d}T02:00:00Z"}))
    lines.append(json.dumps({"suara_type": "post", "platform": "x", "post_id": "9999",
                             "text": "selamat pagi warga kaltim", "created_at": "2024-10-02T02:00:00Z"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- labels table
def test_labels_store_new_table_and_audit(workspace):
    n = add_labels(workspace.store, [
        {"platform": "x", "post_id": "1", "task": "sentiment", "target": "1", "label": "Negatif"},
        {"platform": "x", "post_id": "1", "task": "toxicity", "label": "1"}], labeller="rina")
    assert n == 2
    add_labels(workspace.store, [{"platform": "x", "post_id": "1", "task": "sentiment", "target": "1",
                                  "label": "netral"}], labeller="budi")
    df = read_labels(workspace.store, "sentiment")
    assert df[["target", "label", "labeller"]].values.tolist() == [["1", "neutral", "budi"]]
    assert read_labels(workspace.store, "toxicity")["label"].tolist() == ["toxic"]
    log = workspace.store.sql("SELECT actor, action FROM audit_log WHERE action LIKE 'label.%'")
    assert log.values.tolist() == [["rina", "label.add"], ["budi", "label.add"]]


def test_labels_bad_values_name_row_and_field(workspace):
    with pytest.raises(LabelError, match=r"row 2, field label: 'great' is not a sentiment label"):
        add_labels(workspace.store, [{"platform": "x", "post_id": "1", "task": "sentiment", "label": "pos"},
                                     {"platform": "x", "post_id": "2", "task": "sentiment", "label": "great"}],
                   labeller="rina")
    with pytest.raises(LabelError, match="field target"):
        add_labels(workspace.store, [{"platform": "x", "post_id": "1", "task": "toxicity", "target": "1",
                                      "label": "toxic"}], labeller="rina")
    assert workspace.store.count("labels") == 0  # nothing written on error
    with pytest.raises(LabelError, match="category name"):
        check_task("category:Black Campaign!")
    assert check_task("category:black campaign") == "category:black_campaign"


def test_labels_migration_adds_tables_to_an_older_store(tmp_path):
    import duckdb

    from suara.store import SCHEMA_VERSION, Store
    from suara.store.schema import TABLES, create_sql
    f = tmp_path / "old.duckdb"
    con = duckdb.connect(str(f))
    for t in TABLES:
        if t not in ("labels", "categories"):
            con.execute(create_sql(t))
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.close()
    s = Store(f)
    assert s.schema_version() == SCHEMA_VERSION and s.count("labels") == 0 and s.count("categories") == 0
    s.close()


def test_labels_dedupe_key_ignores_placeholders_and_case():
    a = "RT @budi: Paslon 01 MANTAP!!! https://t.co/x"
    b = "USER paslon 01 mantap URL"
    assert dedupe_key(a) == dedupe_key(b) == "paslon 01 mantap"
    assert text_key(a) == text_key(b)


# --------------------------------------------------------------------------- label files
@pytest.mark.parametrize("content, message", [
    ("teks,label\nbagus,positive\n", "no column 'text'"),
    ("text,label\nbagus sekali,positive\n   ,negative\n", "line 3, field text: empty text"),
    ("text,label\nbagus sekali,positive\njelek,meh\n", "line 3, field label: 'meh' is not a sentiment"),
    ("text,label\nBagus sekali!,positive\nbagus sekali,negative\n", "line 3, field text: duplicate of line 2"),
])
def test_adapt_label_file_errors(tmp_path, content, message):
    f = tmp_path / "labels.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(LabelError, match=message):
        load_label_file(f, "sentiment")


def test_adapt_too_few_labels_says_how_many_more(workspace, tmp_path):
    f = tmp_path / "labels.csv"
    _labelled(2).to_csv(f, index=False)  # 8 per class
    with pytest.raises(adapt.AdaptError, match=r"negative: 8 \(need 2 more\).*positive: 8 \(need 2 more\)"):
        adapt.train_model(workspace, "sentiment", f)
    assert adapt.active_models(workspace.path) == {}
    assert workspace.store.count("labels") == 0


# --------------------------------------------------------------------------- train + use
@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A workspace with posts, enriched once with the shipped models, then a sentiment model
    trained from a pos/neg labels file through the CLI."""
    import suara
    d = tmp_path_factory.mktemp("adapt")
    ws_dir = d / "ws"
    assert runner.invoke(app, ["init", str(ws_dir)]).exit_code == 0
    r = runner.invoke(app, ["ingest", str(_posts_file(d / "posts.jsonl")), "-w", str(ws_dir)])
    assert r.exit_code == 0, r.output
    ws = suara.open(ws_dir)
    first = ws.enrich()["version"]
    ws.close()
    f = d / "labels.csv"
    _labelled().rename(columns={"text": "isi", "label": "sikap"}).to_csv(f, index=False)
    r = runner.invoke(app, ["train", "sentiment", str(f), "--text-column", "isi", "--label-column",
                            "sikap", "--no-embeddings", "-w", str(ws_dir), "--as", "rina"])
    assert r.exit_code == 0, r.output
    return {"dir": ws_dir, "first": first, "file": f, "d": d, "output": r.output}


def test_adapt_train_stores_versioned_model_and_labels(trained):
    import suara
    assert "version 1" in trained["output"] and "96 labels" in trained["output"]
    assert (trained["dir"] / "models" / "sentiment-ws1.npz").is_file()
    hist = adapt.model_history(trained["dir"])["sentiment"]
    assert hist[0]["counts"] == {"negative": 48, "positive": 48}
    with suara.open(trained["dir"]) as ws:
        lab = read_labels(ws.store, "sentiment")
        assert len(lab) == 96 and set(lab["platform"]) == {"file"} and set(lab["labeller"]) == {"rina"}
        acts = ws.store.sql("SELECT action FROM audit_log WHERE action IN ('label.import', 'model.train')")
        assert sorted(acts["action"]) == ["label.import", "model.train"]


def test_adapt_text_sentiment_uses_workspace_model_only_with_w(trained):
    d = trained["d"]
    new = pd.DataFrame({"text": ["politisi kardus itu datang lagi ke loa janan, senyum dan salam ke warga",
                                 "paslon 02 turun ke loa janan, warga senang sekali"]})
    new.to_csv(d / "new.csv", index=False)
    r = runner.invoke(app, ["text", "sentiment", str(d / "new.csv"), "--column", "text", "-o",
                            str(d / "ws.csv"), "-w", str(trained["dir"])])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["text", "sentiment", str(d / "new.csv"), "--column", "text", "-o",
                            str(d / "shipped.csv")])
    assert r.exit_code == 0, r.output
    ws_out, shipped = pd.read_csv(d / "ws.csv"), pd.read_csv(d / "shipped.csv")
    assert ws_out["sentiment_score"][0] < 0 < ws_out["sentiment_score"][1]
    # the shipped model does not know "kardus": the team's model reads the first post as worse
    assert ws_out["sentiment_score"][0] < shipped["sentiment_score"][0]
    assert "sentiment_1" in ws_out.columns  # the workspace's election: per-candidate columns


def test_adapt_enrich_records_the_model_version_and_keeps_old_rows(trained):
    import suara
    with suara.open(trained["dir"]) as ws:
        res = ws.enrich()
        assert "sentiment-ws.ws1" in res["version"] and res["version"] != trained["first"]
        versions = ws.store.sql("SELECT version, count(*) n FROM enrichments GROUP BY version")
        assert set(versions["version"]) == {trained["first"], res["version"]}
        again = ws.enrich()
        assert again["posts"] == 0  # nothing re-enriched until a new model or --rebuild


def test_adapt_failed_training_keeps_previous_model(trained, monkeypatch):
    bad = trained["d"] / "bad.csv"
    bad.write_text("text,label\nkardus,negative\nkardus lagi,jelek\n", encoding="utf-8")
    r = runner.invoke(app, ["train", "sentiment", str(bad), "-w", str(trained["dir"]), "--no-embeddings"])
    assert r.exit_code == 1 and "line 3, field label" in r.output and "did not change" in r.output

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(adapt.AdaptedModel, "save", boom)
    with pytest.raises(OSError):
        import suara
        with suara.open(trained["dir"]) as ws:
            adapt.train_model(ws, "sentiment", embeddings=False)
    assert adapt.active_models(trained["dir"])["sentiment"].version == 1
    assert not list((trained["dir"] / "models").glob(".train-*"))


def test_adapt_suggest_picks_uncertain_unlabelled_posts_naming_a_candidate(trained):
    import suara
    with suara.open(trained["dir"]) as ws:
        first = labelling.suggest(ws, "sentiment", n=5)
        assert len(first) == 5 and all(len(c) for c in first["candidates"])
        assert first["post_id"].is_unique and "9999" not in set(first["post_id"])  # names nobody
        assert first["uncertainty"].is_monotonic_decreasing or first["uncertainty"].max() <= 1
        add_labels(ws.store, [{"platform": r.platform, "post_id": r.post_id, "task": "sentiment",
                               "target": r.candidates[0], "label": "neutral"}
                              for r in first.itertuples()], labeller="rina")
        again = labelling.suggest(ws, "sentiment", n=5)
        assert not set(again["post_id"]) & set(first["post_id"])
        tox = labelling.suggest(ws, "toxicity", n=3)
        assert len(tox) == 3
        cat = labelling.suggest(ws, "category:kardus", n=4)
        assert "kardus" in dedupe_key(cat["text"][0])  # no model yet: the category's word first


def test_adapt_evaluate_reports_shipped_and_adapted(trained):
    r = runner.invoke(app, ["evaluate", "-w", str(trained["dir"]), "--json"])
    assert r.exit_code == 0, r.output
    res = {x["task"]: x for x in json.loads(r.output)}
    s = res["sentiment"]
    assert s["adapted"]["macro_f1"] > s["shipped"]["macro_f1"]
    assert sum(map(sum, s["adapted"]["confusion"])) == s["labels"]
    r = runner.invoke(app, ["evaluate", "-w", str(trained["dir"])])
    assert "shipped" in r.output and "workspace model v1" in r.output
    r = runner.invoke(app, ["evaluate", "-w", str(trained["dir"]), "--lang", "id"])
    assert r.exit_code == 0, r.output
    assert "validasi silang" in r.output and "model ruang kerja v1" in r.output and "bawaan" in r.output
    assert "positif" in r.output and "negatif" in r.output and "positive" not in r.output
    assert re.search(r"0,\d{3}", r.output) and not re.search(r"\b0\.\d{3}\b", r.output)    # 0,812, not 0.812


def test_adapt_category_model_writes_categories(trained):
    import suara
    f = trained["d"] / "cat.csv"
    df = _labelled()
    df["label"] = ["yes" if "kardus" in t else "no" for t in df["text"]]
    df.to_csv(f, index=False)
    r = runner.invoke(app, ["train", "category", "kardus", str(f), "-w", str(trained["dir"]),
                            "--no-embeddings"])
    assert r.exit_code == 0, r.output
    with suara.open(trained["dir"]) as ws:
        res = ws.enrich()
        cats = ws.store.sql("SELECT post_id FROM categories WHERE version = ? AND category = 'kardus'",
                            [res["version"]])
        posts = ws.store.sql("SELECT post_id, text FROM posts")
    want = {p for p, t in zip(posts.post_id, posts.text) if "kardus" in t}
    assert set(cats["post_id"]) == want


def test_adapt_cli_label_stores_answers(trained):
    import suara
    r = runner.invoke(app, ["label", "-w", str(trained["dir"]), "--task", "toxicity", "-n", "2",
                            "--as", "sari"], input="t\nb\n")
    assert r.exit_code == 0, r.output
    assert "Stored 2 label(s) as sari" in r.output
    with suara.open(trained["dir"]) as ws:
        assert sorted(read_labels(ws.store, "toxicity")["label"]) == ["not_toxic", "toxic"]


def test_adapt_frames_pick_up_a_newly_trained_model_in_the_same_process(tmp_path):
    import suara
    from suara.enrich.frames import sentiment_frame
    ws = suara.init(tmp_path / "ws")
    df = _labelled(4)
    probe = pd.DataFrame({"t": ["dasar kardus, datang ke loa kulu cuma pas mau pemilu"]})
    adapt.train_model(ws, "sentiment", texts=df["text"].tolist(), labels=df["label"].tolist(),
                      embeddings=False)
    first = sentiment_frame(probe, "t", workspace=ws.path)["sentiment_score"][0]
    flipped = df["label"].map({"positive": "negative", "negative": "positive"})
    adapt.train_model(ws, "sentiment", texts=df["text"].tolist(), labels=flipped.tolist(),
                      embeddings=False)
    second = sentiment_frame(probe, "t", workspace=ws.path)["sentiment_score"][0]
    assert adapt.active_versions(ws.path) == (("sentiment", 2),)
    assert first < 0 < second
    ws.close()


def test_adapt_sentiment_model_reads_which_candidate_a_post_names(workspace):
    """The same words about two candidates: only the candidate named (the election's tagger;
    names are masked from the n-grams) tells the team's labels apart, in training, in
    predict_texts and in an enrich pipeline without a tagger of its own."""
    from suara.enrich.base import Pipeline
    from suara.enrich.components import Sentiment, Toxicity
    places = _PLACES + ["muara badak", "sepaku", "loa janan"]
    texts = [f"pak isran datang lagi ke {w} minggu ini" for w in places] + \
            [f"pak rudy datang lagi ke {w} minggu ini" for w in places]
    labels = ["negative"] * len(places) + ["positive"] * len(places)
    info = adapt.train_model(workspace, "sentiment", texts=texts, labels=labels, store_labels=False,
                             embeddings=False)
    m = adapt.active_models(workspace.path)["sentiment"]
    assert m.ballots == ["1", "2"] and info["cv_macro_f1"] > 0.9
    p = adapt.predict_texts(m, ["pak isran datang ke pasar pagi", "pak rudy datang ke pasar pagi"],
                            workspace.election)
    assert p["negative"][0] > p["positive"][0] and p["positive"][1] > p["negative"][1]
    pipe = adapt.attach(Pipeline.for_components([Sentiment(), Toxicity()]), workspace.path)
    out = pipe.run(["pak isran datang ke pasar pagi", "pak rudy datang ke pasar pagi"]).df
    s = out["sentiment_score"].tolist()   # the shipped neutral share is kept: the sign tells
    assert s[0] < 0 < s[1] and "candidates" in out
    # without the election's candidates the same labels cannot be told apart
    X, _ = adapt.featurise(texts, "sentiment", False, None)
    assert adapt.election_ballots("sentiment", None) == [] and X.shape[1] == adapt.featurise(
        texts, "sentiment", False, workspace.election, ballots=[])[0].shape[1]
