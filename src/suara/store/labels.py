"""The team's own labels: tasks, label values, writing (audited) and reading.

A label says what a person of the team judged a post to be for one *task*: ``sentiment``
(toward one candidate, ``target`` = ballot, or the whole post when ``target`` is None),
``toxicity``, or a custom ``category:NAME`` the team defines ("black campaign", "hoax claim").
Labels are appended, never updated: the newest row per (post, task, target, labeller) is the
one in force, and every batch written is one audit-log line.

Rows of an imported label file have no post in the store: they are keyed by platform
``file`` and `text_key` (a hash of the normalised text), and keep their text so that a model
can be refitted later without the file.

Example
-------
>>> from suara.store import Store
>>> s = Store(":memory:")
>>> add_labels(s, [{"platform": "x", "post_id": "1", "task": "sentiment", "target": "1",
...                 "label": "positif"}], labeller="rina")
1
>>> read_labels(s, "sentiment")[["post_id", "target", "label", "labeller"]].values.tolist()
[['1', '1', 'positive', 'rina']]
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Iterable

import pandas as pd

from suara.store.store import utcnow

__all__ = ["LABELS", "LabelError", "add_labels", "read_labels", "label_counts", "normalise_label",
           "check_task", "task_kind", "text_key", "dedupe_key", "FILE_PLATFORM", "load_label_file"]

FILE_PLATFORM = "file"

#: label values of each task kind, in the order models report them
LABELS: dict[str, tuple[str, ...]] = {
    "sentiment": ("negative", "neutral", "positive"),
    "toxicity": ("not_toxic", "toxic"),
    "category": ("no", "yes"),
}

# what people and label files write -> the canonical value (lower-cased, trimmed)
_SYNONYMS: dict[str, dict[str, str]] = {
    "sentiment": {"positive": "positive", "positif": "positive", "pos": "positive", "+": "positive",
                  "1": "positive", "negative": "negative", "negatif": "negative", "neg": "negative",
                  "-": "negative", "-1": "negative", "neutral": "neutral", "netral": "neutral",
                  "neu": "neutral", "0": "neutral"},
    "toxicity": {"toxic": "toxic", "toksik": "toxic", "1": "toxic", "yes": "toxic", "ya": "toxic",
                 "true": "toxic", "hs": "toxic", "not_toxic": "not_toxic", "not toxic": "not_toxic",
                 "non_toxic": "not_toxic", "tidak toksik": "not_toxic", "0": "not_toxic",
                 "no": "not_toxic", "tidak": "not_toxic", "false": "not_toxic"},
    "category": {"yes": "yes", "ya": "yes", "1": "yes", "true": "yes", "no": "no", "tidak": "no",
                 "bukan": "no", "0": "no", "false": "no"},
}

_CATEGORY_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")


class LabelError(ValueError):
    """Labels that cannot be used; the message names the row and field."""


def check_task(task: str) -> str:
    """The canonical task name: ``sentiment``, ``toxicity`` or ``category:NAME`` (NAME: lower
    case letters, digits, ``-`` and ``_``). Raises `LabelError` otherwise."""
    t = (task or "").strip().lower()
    if t in ("sentiment", "toxicity"):
        return t
    if t.startswith("category:"):
        name = t.split(":", 1)[1].strip().replace(" ", "_")
        if _CATEGORY_NAME.match(name):
            return f"category:{name}"
        raise LabelError(f"category name {name!r}: use 1-40 lower-case letters, digits, '-' or '_'")
    raise LabelError(f"task {task!r}: use sentiment, toxicity or category:NAME")


def task_kind(task: str) -> str:
    """``sentiment``, ``toxicity`` or ``category``."""
    return check_task(task).split(":", 1)[0]


def normalise_label(task: str, value) -> str | None:
    """The canonical label for a written one (``"Positif"`` -> ``"positive"``), or None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    v = str(value).strip().lower()
    if v.endswith(".0"):
        v = v[:-2]
    return _SYNONYMS[task_kind(task)].get(v)


_URL = re.compile(r"https?://\S+|www\.\S+|\[?\burl\b\]?", re.I)
_USER = re.compile(r"@\w+|\[?\busername\b\]?|\buser\b", re.I)


def dedupe_key(text: str) -> str:
    """Text reduced to what makes two posts the same: lower case, no accents, URLs and
    @mentions (and their ``USER``/``URL`` placeholders) removed, punctuation and repeated
    spaces dropped. Used to keep a training set and a scored set apart."""
    t = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    t = _USER.sub(" ", _URL.sub(" ", t.lower()))
    t = re.sub(r"^rt\b", " ", t.strip())
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


def text_key(text: str) -> str:
    """Stable id of a text for label-file rows: sha256 of `dedupe_key`, 16 hex digits."""
    return hashlib.sha256(dedupe_key(text).encode()).hexdigest()[:16]


def add_labels(store, rows: Iterable[dict] | pd.DataFrame, labeller: str, source: str = "",
               audit_action: str = "label.add") -> int:
    """Append labels in one transaction with one audit-log line; returns the number written.

    Each row has ``platform``, ``post_id``, ``task``, ``label`` and optionally ``target``,
    ``text`` (label-file rows) and ``source``. Labels are normalised (`normalise_label`);
    an unknown task or label raises `LabelError` naming the row and nothing is written.
    """
    from suara.store.admin import audit
    df = pd.DataFrame(rows if not isinstance(rows, pd.DataFrame) else rows.to_dict("records"))
    if df.empty:
        return 0
    if not labeller or not str(labeller).strip():
        raise LabelError("labeller: who labelled is required")
    for c in ("platform", "post_id", "task", "label"):
        if c not in df.columns:
            raise LabelError(f"field {c!r} is missing")
    out = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        task = check_task(str(r["task"]))
        lab = normalise_label(task, r["label"])
        if lab is None:
            raise LabelError(f"row {i}, field label: {r['label']!r} is not a {task} label; "
                             f"use one of {', '.join(LABELS[task_kind(task)])}")
        if not str(r.get("post_id") or "").strip() or not str(r.get("platform") or "").strip():
            raise LabelError(f"row {i}, field post_id: empty")
        tgt = r.get("target")
        tgt = None if tgt is None or (isinstance(tgt, float) and tgt != tgt) or str(tgt).strip() == "" \
            else str(tgt).strip()
        if tgt is not None and task_kind(task) != "sentiment":
            raise LabelError(f"row {i}, field target: only sentiment labels have a target candidate")
        txt = r.get("text")
        out.append({"platform": str(r["platform"]), "post_id": str(r["post_id"]), "task": task,
                    "target": tgt, "label": lab, "labeller": str(labeller).strip(),
                    "labelled_at": utcnow(),
                    "text": None if txt is None or (isinstance(txt, float) and txt != txt) else str(txt),
                    "source": str(r.get("source") or source or "") or None})
    frame = pd.DataFrame(out)
    tasks = sorted(set(frame["task"]))
    with store.transaction():
        store.append("labels", frame, ignore_conflicts=False)
        audit(store, str(labeller), audit_action, ",".join(tasks),
              {"labels": len(frame), "source": source or None,
               "counts": frame["label"].value_counts().to_dict()})
    return len(frame)


def read_labels(store, task: str | None = None, latest: bool = True) -> pd.DataFrame:
    """Labels in force (newest per post, task, target and labeller; then, across labellers,
    the newest per post, task and target), with the post's text (or the file row's text).

    Columns: platform, post_id, task, target, label, labeller, labelled_at, text, source.
    """
    t = store.table("labels")
    if task is not None:
        t = t.filter(t.task == check_task(task))
    df = t.to_pandas()
    if df.empty:
        return df.assign(text=pd.Series(dtype=object))
    df["target"] = df["target"].where(df["target"].notna(), None)
    if latest:
        df["_t"] = df["target"].fillna("")
        df = df.sort_values("labelled_at", kind="stable") \
            .drop_duplicates(["platform", "post_id", "task", "_t"], keep="last").drop(columns="_t")
    need = df[(df["platform"] != FILE_PLATFORM)][["platform", "post_id"]].drop_duplicates()
    if len(need):
        p = store.table("posts").select("platform", "post_id", "text")
        posts = p.filter(p.post_id.isin(need["post_id"].tolist())).to_pandas()
        posts = posts.rename(columns={"text": "_post_text"})
        df = df.merge(posts, on=["platform", "post_id"], how="left")
        df["text"] = df["text"].where(df["text"].notna(), df.pop("_post_text"))
    return df.sort_values(["task", "labelled_at", "platform", "post_id"], kind="stable").reset_index(drop=True)


def label_counts(store) -> pd.DataFrame:
    """Labels in force per task and label (columns task, label, n)."""
    df = read_labels(store)
    if df.empty:
        return pd.DataFrame(columns=["task", "label", "n"])
    return df.groupby(["task", "label"]).size().rename("n").reset_index()


def load_label_file(path: str | Path, task: str, text_column: str = "text",
                    label_column: str = "label", target_column: str | None = None) -> pd.DataFrame:
    """Read and check a labels CSV; returns rows ready for `add_labels` (platform ``file``,
    post_id = `text_key`). Raises `LabelError` naming the file, line and field of the first
    problem: missing column, empty text, unknown label, duplicate text."""
    task = check_task(task)
    p = Path(path)
    if not p.is_file():
        raise LabelError(f"{p}: file not found")
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         encoding_errors="replace")
    except pd.errors.EmptyDataError:
        raise LabelError(f"{p}: the file is empty (no header row)") from None
    except pd.errors.ParserError as e:
        raise LabelError(f"{p}: not a readable CSV: {e}") from None
    for col in (text_column, label_column) + ((target_column,) if target_column else ()):
        if col not in df.columns:
            raise LabelError(f"{p}: no column {col!r} (field); columns are: "
                             f"{', '.join(map(str, df.columns))}. Name them with --text-column / "
                             "--label-column")
    if df.empty:
        raise LabelError(f"{p}: no rows after the header")
    seen: dict[str, int] = {}
    rows = []
    for i, r in enumerate(df.to_dict("records")):
        line = i + 2  # the header is line 1
        text = str(r[text_column]).strip()
        if not text:
            raise LabelError(f"{p} line {line}, field {text_column}: empty text")
        lab = normalise_label(task, r[label_column])
        if lab is None:
            raise LabelError(f"{p} line {line}, field {label_column}: {r[label_column]!r} is not a "
                             f"{task} label; use one of {', '.join(LABELS[task_kind(task)])}")
        key = dedupe_key(text)
        if not key:
            raise LabelError(f"{p} line {line}, field {text_column}: no words (only links, "
                             "mentions or symbols)")
        tgt = str(r[target_column]).strip() or None if target_column else None
        k2 = key + "|" + (tgt or "")
        if k2 in seen:
            raise LabelError(f"{p} line {line}, field {text_column}: duplicate of line {seen[k2]} "
                             "(the same text once links, mentions and case are set aside); keep one")
        seen[k2] = line
        rows.append({"platform": FILE_PLATFORM, "post_id": text_key(text), "task": task,
                     "target": tgt, "label": lab, "text": text, "source": f"{p.name}:{line}"})
    return pd.DataFrame(rows)
