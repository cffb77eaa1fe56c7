"""Shared text features and the linear models that read them.

One featuriser (hashed word 1-2-grams + hashed character 3-4-grams of the normalised text,
plus a few dense lexicon features) feeds every fast-path model, so a batch is vectorised
once for sentiment, emotion and toxicity together.

Models are stored as plain NumPy arrays (``.npz``: coefficients in float16, intercepts,
class names, a temperature for calibration) rather than pickles: they load in
milliseconds, do not depend on the scikit-learn version that trained them and cannot run code
when loaded.

Example
-------
>>> f = Featuriser()
>>> f.transform(["bagus sekali"], [(3.0, 0.0, 0.0)]).shape[0]
1
"""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import numpy as np
from mmh3 import hash as _mmh3

__all__ = ["Featuriser", "LinearModel", "model_path", "PUBLIC_FIGURES"]

#: Name words of Indonesian public figures that fill the training tweets (id_hatespeech,
#: EmoT: 2017-2019 politics). Version-2 models never see them: in id_hatespeech "ahok" or
#: "prabowo" alone predicts hate speech (70-90 % of the tweets naming them are labelled so),
#: which made every post naming a candidate "hateful". The election's own candidate words
#: are masked the same way at run time (`Featuriser.with_mask`).
PUBLIC_FIGURES = tuple(sorted(set(
    "ahok basuki tjahaja purnama btp djarot anies baswedan sandi sandiaga jokowi widodo prabowo "
    "subianto sby yudhoyono harimurti ahy megawati puan setya novanto setnov lukman rizieq shihab "
    "hrs amien fadli fahri hamzah jusuf kalla maruf mahfud ganjar pranowo risma ridwan kamil "
    "gatot nurmantyo luhut wiranto karnavian kaesang gibran iriana tanoe paloh zulkifli aburizal "
    "bakrie imin muhaimin anis wowo bowo".split())))
_TOKENS = re.compile(r"(?u)\b\w+\b|[!?]")


def _l2_rows(X):
    """Rows scaled to unit length (all-zero rows stay zero), in place."""
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    X.data /= np.repeat(norms, np.diff(X.indptr))
    return X


_NOT_ONLY = re.compile(r"\b(?:tidak|tak|bukan|enggak|nggak)\s+(?:hanya|cuma|sekadar|sekedar|saja)\b")


class Featuriser:
    """Hashed word + char n-grams and dense lexicon features (stateless, no fitting).

    Parameters
    ----------
    n_word, n_char : int
        hash space sizes for word 1-2-grams and char_wb 3-4-grams (3-5 scores the same on
        SmSA and NusaX but vectorises at half the speed).
    """

    def __init__(self, n_word: int = 2 ** 18, n_char: int = 2 ** 18, char_range=(3, 4),
                 prep: int = 1, mask=()):
        self.n_word, self.n_char, self.char_range = n_word, n_char, tuple(char_range)
        self.prep, self.mask = int(prep), tuple(mask)
        words = sorted({w.lower() for w in self.mask if w}, key=len, reverse=True)
        self._mask_rx = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b") \
            if words and self.prep >= 2 else None
        self._wcache: dict[str, tuple] = {}   # word -> its char n-gram (indices, counts)
        self._tcache: dict[str, int] = {}     # word n-gram -> hashed column

    # The hashing reproduces scikit-learn's HashingVectorizer (signed MurmurHash3 of the UTF-8
    # string, seed 0, column |h| mod n, no alternate sign, l2 rows) exactly, through mmh3:
    # importing scikit-learn (and scipy.stats with it) cost about a CPU-second per enrich run,
    # a sixth of a 20,000-post run. tests/test_enrich.py checks it against scikit-learn.
    @staticmethod
    def _col(term: str, n: int) -> int:
        h = _mmh3(term, 0, signed=True)
        return (2147483647 - (n - 1)) % n if h == -2147483648 else abs(h) % n

    def _word_block(self, texts: list[str]):
        """Word 1-2-grams (token pattern ``\\b\\w+\\b|[!?]``), hashed, l2-normalised rows."""
        import scipy.sparse as sp   # on first use: reading the store never needs it
        cache, n = self._tcache, self.n_word
        if len(cache) > 500_000:
            cache.clear()
        col = self._col
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        idx: list[int] = []
        for k, t in enumerate(texts):
            toks = _TOKENS.findall(t)
            for g in toks + [f"{x} {y}" for x, y in zip(toks, toks[1:])]:
                c = cache.get(g)
                if c is None:
                    c = cache[g] = col(g, n)
                idx.append(c)
            indptr[k + 1] = len(idx)
        X = sp.csr_matrix((np.ones(len(idx)), np.asarray(idx, dtype=np.int32), indptr),
                          shape=(len(texts), n))
        X.sum_duplicates()
        return _l2_rows(X)

    def _char_ngrams(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """char_wb n-gram (columns, counts) of one word, as scikit-learn pads and cuts it."""
        w = f" {word} "
        grams = []
        for n in range(self.char_range[0], self.char_range[1] + 1):
            off = 0
            grams.append(w[:n])
            while off + n < len(w):
                off += 1
                grams.append(w[off:off + n])
            if off == 0:  # a short word counts once
                break
        cols: dict[int, float] = {}
        for g in grams:
            c = self._col(g, self.n_char)
            cols[c] = cols.get(c, 0.0) + 1.0
        ix = np.fromiter(sorted(cols), dtype=np.int32, count=len(cols))
        return ix, np.array([cols[i] for i in ix.tolist()], dtype=np.float64)

    def _char_block(self, texts: list[str]):
        """char_wb 3-4-grams, hashed, l2-normalised rows, built from cached per-word rows.

        char_wb n-grams never cross a space, so a text's counts are the sum of its words'
        counts; words repeat across posts, so hashing each distinct word once and reusing
        it is several times faster than a per-document n-gram loop."""
        import scipy.sparse as sp   # on first use: reading the store never needs it
        cache = self._wcache
        if len(cache) > 300_000:
            cache.clear()
        docs = [t.split() for t in texts]
        for d in docs:
            for w in d:
                if w not in cache:
                    cache[w] = self._char_ngrams(w)
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        idx, dat = [], []
        n = 0
        for k, d in enumerate(docs):
            for w in d:
                ix, dx = cache[w]
                idx.append(ix)
                dat.append(dx)
                n += len(ix)
            indptr[k + 1] = n
        X = sp.csr_matrix((np.concatenate(dat) if dat else np.zeros(0),
                           np.concatenate(idx) if idx else np.zeros(0, dtype=np.int32), indptr),
                          shape=(len(docs), self.n_char))
        X.sum_duplicates()
        return _l2_rows(X)

    @property
    def n_features(self) -> int:
        return self.n_word + self.n_char + 4

    def config(self) -> dict:
        c = {"n_word": self.n_word, "n_char": self.n_char, "char_range": list(self.char_range)}
        if self.prep >= 2:
            c.update(prep=self.prep, mask=list(self.mask))
        return c

    def with_mask(self, words) -> "Featuriser":
        """The same featuriser masking ``words`` too (one-word tokens, lower-case), e.g. the
        election's candidate names; version-1 featurisers are returned unchanged."""
        extra = {t for w in words for t in re.findall(r"[a-z0-9]+", str(w).lower()) if len(t) >= 3}
        if self.prep < 2 or extra <= set(self.mask):
            return self
        return Featuriser(self.n_word, self.n_char, self.char_range, self.prep,
                          tuple(sorted(set(self.mask) | extra)))

    def prepare(self, text: str) -> str:
        """Model input from a normalised text (version 2): mention placeholders dropped
        (replies start with a row of them; they carried the reply tweets' negativity),
        "tidak hanya X tetapi juga Y" read as "selain X ... juga Y" (not a negation) and
        masked names removed, so that a person's name carries no sentiment or toxicity."""
        if self.prep < 2 or not text:
            return text or ""
        if "userref" in text:
            text = text.replace("userref", " ")
        if "hanya" in text or "cuma" in text or "seka" in text or "saja" in text:
            text = _NOT_ONLY.sub("selain", text)
        if self._mask_rx is not None:
            text = self._mask_rx.sub(" ", text)
        return " ".join(text.split())

    def transform(self, texts: list[str], lex: list[tuple[float, float, float]] | None = None):
        """Sparse feature matrix for normalised texts; ``lex`` = (inset_pos, inset_neg, emoji)
        per text (zeros when None)."""
        import scipy.sparse as sp   # on first use: reading the store never needs it
        texts = [self.prepare(t) for t in texts] if self.prep >= 2 else [t or "" for t in texts]
        parts = [self._word_block(texts), self._char_block(texts)]
        lex_arr = np.zeros((len(texts), 4), dtype=np.float64)
        if lex is not None and len(lex):
            a = np.asarray(lex, dtype=np.float64)
            lex_arr[:, 0] = np.log1p(a[:, 0]) / 3
            lex_arr[:, 1] = np.log1p(a[:, 1]) / 3
            lex_arr[:, 2] = a[:, 2]
            lex_arr[:, 3] = (a[:, 0] - a[:, 1]) / (1 + a[:, 0] + a[:, 1])
        parts.append(sp.csr_matrix(lex_arr))
        return sp.hstack(parts, format="csr")


def model_path(name: str) -> Path:
    """Path of a shipped model file inside ``suara/models`` (e.g. ``sentiment-1.npz``)."""
    return Path(str(resources.files("suara.models") / name))


class LinearModel:
    """A set of linear heads over `Featuriser` output, loaded from an ``.npz`` file.

    Each head is multinomial (softmax over its classes) or binary (sigmoid, classes
    ``["0", "1"]``). ``predict_proba(X, head)`` returns an (n, n_classes) array.

    Example
    -------
    >>> m = LinearModel.load("sentiment-1.npz")
    >>> m.heads["sentiment"]
    ['negative', 'neutral', 'positive']
    """

    def __init__(self, heads: dict[str, dict], meta: dict):
        self.heads = {h: d["classes"] for h, d in heads.items()}
        self._w = {h: d["coef"] for h, d in heads.items()}
        self._b = {h: d["intercept"] for h, d in heads.items()}
        self._t = {h: float(d.get("temperature", 1.0)) for h, d in heads.items()}
        self.meta = meta
        self.featuriser = Featuriser(**meta["featuriser"])

    @property
    def version(self) -> str:
        return self.meta["version"]

    @classmethod
    def load(cls, name_or_path: str | Path) -> "LinearModel":
        p = Path(name_or_path)
        if not p.exists():
            p = model_path(str(name_or_path))
        z = np.load(p, allow_pickle=False)
        meta = json.loads(str(z["meta"]))
        heads = {}
        for h in meta["heads"]:
            heads[h] = {"coef": z[f"{h}__coef"].astype(np.float32),
                        "intercept": z[f"{h}__intercept"].astype(np.float32),
                        "classes": meta["classes"][h],
                        "temperature": meta.get("temperature", {}).get(h, 1.0)}
        return cls(heads, meta)

    def save(self, path: str | Path) -> Path:
        arrays = {"meta": np.array(json.dumps(self.meta))}
        for h in self.heads:
            arrays[f"{h}__coef"] = self._w[h].astype(np.float16)
            arrays[f"{h}__intercept"] = self._b[h].astype(np.float32)
        np.savez_compressed(path, **arrays)
        return Path(path)

    def decision(self, X, head: str) -> np.ndarray:
        return np.asarray(X @ self._w[head].T) + self._b[head]

    def predict_proba(self, X, head: str) -> np.ndarray:
        z = self.decision(X, head) / self._t[head]
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1 - p, p], axis=1)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
