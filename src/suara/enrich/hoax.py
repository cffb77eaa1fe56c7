"""Hoax matching: does a post repeat a claim that fact-checkers have already debunked?

Claims come from a CSV: the turnbackhoax layout (``ID,label,tanggal,judul,text``; only rows
whose label is not REAL/FACT are kept) or any CSV with an id column (``id``/``claim_id``) and a
text column (``claim``/``text``/``judul``). A workspace loads ``<workspace>/hoaxes.csv`` when
present. Matching is near-duplicate plus lexical similarity: the cosine of character 3-5-gram
TF-IDF vectors (robust to typos, slang and re-wording of single words) averaged with word
1-2-gram TF-IDF cosine (shared phrasing); the best claim above ``threshold`` is the match.

Example
-------
>>> m = HoaxMatcher.from_records([("c1", "Vaksin mengandung chip pelacak dari Bill Gates")])
>>> m.match(["Awas! vaksin itu ada chip pelacak dari bill gates"])[0][0]
'c1'
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

from suara.enrich.base import Batch, Component, register, workspace_folder
from suara.enrich.normalise import Normaliser, clean_text

__all__ = ["HoaxMatcher", "HoaxMatch", "load_claims"]

_FALSE_LABELS = {"real", "fact", "fakta", "benar", "true", "valid", "0"}
_TEXT_COLS = ("claim", "text", "klaim", "narasi", "content", "judul", "title")
_ID_COLS = ("claim_id", "id", "ID", "no")


#: the claims list a workspace matches posts against
CLAIMS_FILE = "hoaxes.csv"


def load_claims(path: str | Path) -> list[tuple[str, str]]:
    """(claim_id, text) pairs from a claims CSV; debunked claims only when labelled.

    Example
    -------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "h.csv")
    >>> _ = open(p, "w").write("ID,label,judul,text\\n1,FAKE,Judul,Isi klaim\\n2,REAL,B,Benar\\n")
    >>> load_claims(p)
    [('1', 'Judul. Isi klaim')]
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: claims file not found")
    csv.field_size_limit(10_000_000)
    with p.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        return []
    cols = {c.lower(): c for c in rows[0] if c}
    idc = next((cols[c.lower()] for c in _ID_COLS if c.lower() in cols), None)
    texts = [cols[c] for c in _TEXT_COLS if c in cols]
    if not texts:
        raise ValueError(f"{p}: no claim text column (one of {', '.join(_TEXT_COLS)})")
    label = cols.get("label")
    out = []
    for i, r in enumerate(rows, start=2):
        if label and str(r.get(label, "")).strip().lower() in _FALSE_LABELS:
            continue
        if "judul" in cols and "text" in cols:
            t = f"{(r.get(cols['judul']) or '').strip()}. {(r.get(cols['text']) or '').strip()}"
        else:
            t = " ".join((r.get(c) or "").strip() for c in texts[:1])
        t = clean_text(t).strip(" .")
        if t:
            out.append((str(r.get(idc) if idc else f"row{i}").strip(), t[:1500]))
    return out


class HoaxMatch(tuple):
    """(claim_id or None, score)"""


class HoaxMatcher(Component):
    """Match texts against a claim list. ``match(texts)`` -> [(claim_id | None, score)].

    Parameters
    ----------
    claims : list of (id, text)
    threshold : float
        minimum combined similarity for a match. 0.45 (bench/quality.py): 92 % of posts
        quoting part of a turnbackhoax claim and 83 % of paraphrases are matched, 99 % of
        them to the right claim, while 0.4 % of real 2023 debate tweets and 2 % of 2017-19
        political tweets match a claim (0.3 matched 13.5 % of them).
    """

    name, version, order = "hoax", "v1", 110
    requires, assigns = ("text",), ("hoax_claim_id", "hoax_score")

    def __init__(self, claims: list[tuple[str, str]] = (), threshold: float | None = None,
                 min_words: int = 4):
        self._given = bool(claims) or threshold is not None
        self.threshold, self.min_words = (0.45 if threshold is None else threshold), min_words
        self._norm = Normaliser.load()
        self._fit(list(claims))

    def _fit(self, claims: list[tuple[str, str]]) -> None:
        self.claims = claims
        self.ids = np.array([c[0] for c in self.claims], dtype=object)
        h = hashlib.sha256("\n".join(f"{a}\t{b}" for a, b in self.claims).encode()).hexdigest()
        self.fingerprint = h[:8]
        if not claims:  # nothing to match (skipped without a claims list): no scikit-learn import
            return
        docs = [self._prep(t) for _, t in self.claims]
        from sklearn.feature_extraction.text import TfidfVectorizer  # not imported by store readers
        self._char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     min_df=1, dtype=np.float32)
        self._word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     min_df=1, dtype=np.float32, token_pattern=r"(?u)\b\w\w+\b")
        if docs:
            self._C = self._char.fit_transform(docs).T.tocsr()
            self._W = self._word.fit_transform(docs).T.tocsr()

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """Load the workspace's claims list (``hoaxes.csv``) unless claims were given; without
        one the component is skipped."""
        if not self._given:
            folder = workspace_folder(workspace)
            f = folder / CLAIMS_FILE if folder is not None else None
            if f is None or not f.is_file():
                self.skipped = f"no {CLAIMS_FILE} in the workspace"
                self.fingerprint = None
                return super().initialize(election, workspace, settings, pipeline)
            self.threshold = float((settings or {}).get("hoax_threshold", self.threshold))
            self._fit(load_claims(f))
            self.note = f"{len(self.claims)} claims from {f.name} ({self.fingerprint})"
        return super().initialize(election, workspace, settings, pipeline)

    def _prep(self, t: str) -> str:
        return self._norm.normalise(t).text

    @classmethod
    def from_csv(cls, path, **kw) -> "HoaxMatcher":
        """Load a claims CSV (turnbackhoax layout or id/claim columns)."""
        return cls(load_claims(path), **kw)

    @classmethod
    def from_records(cls, records, **kw) -> "HoaxMatcher":
        """From (claim_id, text) pairs."""
        return cls([(str(a), str(b)) for a, b in records], **kw)

    def scores(self, norm_texts: list[str]):
        """Dense (n_texts, n_claims) combined similarity (for evaluation and ranking)."""
        a = (self._char.transform(norm_texts) @ self._C).toarray()
        b = (self._word.transform(norm_texts) @ self._W).toarray()
        return 0.5 * a + 0.5 * b

    def match(self, texts: list[str], normalised: bool = False) -> list[tuple[str | None, float]]:
        """Best claim and score per text; (None, best score) below the threshold."""
        if not self.claims:
            return [(None, 0.0)] * len(texts)
        norm = list(texts) if normalised else [self._prep(t) for t in texts]
        out: list[tuple[str | None, float]] = [(None, 0.0)] * len(norm)
        idx = [i for i, t in enumerate(norm) if len(t.split()) >= self.min_words]
        for k in range(0, len(idx), 2000):
            part = idx[k:k + 2000]
            s = self.scores([norm[i] for i in part])
            best = s.argmax(1)
            for i, j, row in zip(part, best, s):
                sc = float(row[j])
                out[i] = (str(self.ids[j]) if sc >= self.threshold else None, round(sc, 4))
        return out

    def apply(self, batch: Batch) -> Batch:
        col = "text_norm" if "text_norm" in batch.df else "text"
        res = self.match(batch.df[col].tolist(), normalised=col == "text_norm")
        batch.df["hoax_claim_id"] = [r[0] for r in res]
        batch.df["hoax_score"] = [r[1] if r[0] else (r[1] or None) for r in res]
        return batch


register(HoaxMatcher)
