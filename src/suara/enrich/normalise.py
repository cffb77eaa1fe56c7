"""Normalisation of informal Indonesian: slang, elongation, leetspeak, emoji, hashtags.

The slang map, the word frequencies used for hashtag segmentation and the InSet sentiment
weights come from one compact artefact, ``suara/models/lexicon-<version>.json.gz``, that
``python -m suara.enrich.train`` builds from ``../shared/data`` (kamus_alay, id_hatespeech's
new_kamusalay, InSet, SmSA). Nothing is downloaded at run time.

Example
-------
>>> n = Normaliser.load()
>>> n.normalise("Mantaaap bgt yg begini!!! #KaltimBerdaulat 😍").text
'mantap banget yang begini ! kalimantan timur berdaulat emopos'
"""
from __future__ import annotations

import gzip
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


__all__ = ["Normaliser", "Normalised", "clean_text", "LEXICON_VERSION", "emoji_polarity"]

LEXICON_VERSION = "1"
MAX_CHARS = 5000  # model input cap: a 50 kB post is judged on its first 5,000 characters

_URL = re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:com|id|co\.id|ly|me|net|org)/\S*", re.I)
_MENTION = re.compile(r"@([A-Za-z0-9_.]{1,30})")
_HASHTAG = re.compile(r"#(\w+)")
_MASKS = re.compile(r"\[USERNAME\]|\bUSER\b")
_URL_MASKS = re.compile(r"\[URL\]|\bURL\b|\bRT\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*|[!?]")
_ELONG = re.compile(r"([a-z])\1{2,}")
_PUNCT_RUN = re.compile(r"([!?.,])\1+")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\ufeff]")
_REDUP = re.compile(r"^([a-z]{2,})2$")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_NOT_WORDS = {"!", "?", "emopos", "emoneg", "userref"}
_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "@": "a"})

# Emoji polarity, hand-written: none of the training sets has enough emoji to learn them, and
# political posts use a small, stable set. Laughter is left out on purpose (sarcasm).
_EMOJI_POS = set("😍🥰😘❤💕💖💗💙💚💛🧡💜👍👏🙏💪🔥✨🎉🥳😊😁😃😄🤩👌✅🏆💯🌟😇🤗☺🙌")
_EMOJI_NEG = set("😡🤬😠👎💩🤮🤢😤😒🙄🤡😞😔😢😭💔😩😫🐍🐷🐶🖕❌⛔😱😨🤥🥴😈👿☹🙁")


# Emoji blocks as one character class: emoji.replace_emoji() walks a trie in Python and
# cost about half a millisecond per post; modifiers and joiners fall in these ranges too.
_EMOJI_RX = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2300-\u23FF\u2B00-\u2BFF"
                       "\u2190-\u21FF\u3030\u303D\u3297\u3299\uFE0F\u200D\u20E3]")


def _emoji_token(m: re.Match) -> str:
    ch = m.group(0)
    return " emopos " if ch in _EMOJI_POS else (" emoneg " if ch in _EMOJI_NEG else " ")


def emoji_polarity(text: str) -> float:
    """Net emoji polarity of a text in -1..1 (0 when it has none of the known emoji).

    Example
    -------
    >>> emoji_polarity("mantap 👍👍"), emoji_polarity("🤡🤡 janji doang")
    (1.0, -1.0)
    """
    pos = sum(ch in _EMOJI_POS for ch in text)
    neg = sum(ch in _EMOJI_NEG for ch in text)
    return 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)


def clean_text(value) -> str:
    """Any value to a safe ``str``: bytes decoded as UTF-8 with replacement, lone surrogates
    and control characters removed, NFC-normalised. Never raises.

    Example
    -------
    >>> clean_text(b"caf\\xc3\\xa9 \\xff ok")
    'café \ufffd ok'
    >>> clean_text(None)
    ''
    """
    if type(value) is str and value.isascii():  # the common case, kept cheap
        return value if value.isprintable() else _CTRL.sub(" ", value)
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        value = str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", errors="replace").decode("utf-8")
    value = _CTRL.sub(" ", value)
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


@dataclass
class Normalised:
    """Result of normalising one text."""

    text: str                      #: normalised, lower-case, slang expanded, emoji as tokens
    emoji: float = 0.0             #: emoji polarity -1..1
    n_words: int = 0               #: alphabetic tokens (0 = nothing to judge)
    truncated: bool = False        #: input longer than MAX_CHARS
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


class Normaliser:
    """Rule- and lexicon-based normaliser for informal Indonesian (stateless after load).

    Parameters
    ----------
    slang : dict
        slang token -> formal form (may be several words).
    freq : dict
        word -> corpus count (hashtag segmentation and "is this a word" checks).
    extra_words : iterable of str
        words to treat as known (e.g. candidate and place names from the election).

    Example
    -------
    >>> Normaliser({"gk": "tidak"}, {"tidak": 10, "mau": 5}).normalise("gk mauuu").text
    'tidak mau'
    """

    name = "normalise"
    version = "v1"

    def __init__(self, slang: dict[str, str], freq: dict[str, int], extra_words=(),
                 inset: dict[str, float] | None = None):
        self.slang = dict(slang)
        self.freq = dict(freq)
        for w in extra_words:
            for t in str(w).lower().split():
                self.freq.setdefault(t, 50)
        self.inset = inset or {}
        total = sum(self.freq.values()) or 1
        self._logp = {w: math.log(c / total) for w, c in self.freq.items()}
        self._unk = math.log(10.0 / total)  # unknown chunk: 10/(N * 10^len), as in Norvig's segmenter
        self._maxlen = max((len(w) for w in self.freq), default=1)
        self._tok_cache: dict[str, str] = {}

    # ----- construction -------------------------------------------------------------
    @classmethod
    def load(cls, extra_words=()) -> "Normaliser":
        """Load the shipped lexicon artefact."""
        lex = load_lexicon()
        return cls(lex["slang"], lex["freq"], extra_words, lex.get("inset"))

    # ----- pieces ---------------------------------------------------------------------
    def known(self, w: str) -> bool:
        return w in self.freq or w in self.slang

    def segment(self, tag: str) -> list[str]:
        """Split a hashtag into words: CamelCase first, else the most probable split.

        Example
        -------
        >>> Normaliser({}, {"kaltim": 5, "berdaulat": 3, "kal": 1}).segment("kaltimberdaulat")
        ['kaltim', 'berdaulat']
        """
        parts = _CAMEL.findall(tag)
        if len(parts) > 1:
            return [p.lower() for p in parts]
        return list(self._segment_lower(tag.lower()))

    @lru_cache(maxsize=50_000)
    def _segment_lower(self, s: str) -> tuple[str, ...]:
        # Unigram Viterbi split (hand-written: wordsegment-style libraries ship English only).
        if len(s) > 60 or not s.isalpha():
            return (s,)
        n = len(s)
        best = [0.0] + [-1e18] * n
        back = [0] * (n + 1)
        for i in range(1, n + 1):
            for j in range(max(0, i - self._maxlen), i):
                w = s[j:i]
                lp = self._logp.get(w)
                if lp is None:
                    lp = self._unk - 2.3026 * (i - j)
                sc = best[j] + lp
                if sc > best[i]:
                    best[i], back[i] = sc, j
        out, i = [], n
        while i > 0:
            out.append(s[back[i]:i])
            i = back[i]
        return tuple(reversed(out))

    def token(self, t: str) -> str:
        """Normalise one lower-case token (slang, elongation, leetspeak, reduplication)."""
        r = self._tok_cache.get(t)
        if r is not None:
            return r
        r = self._token(t)
        if len(self._tok_cache) < 200_000:
            self._tok_cache[t] = r
        return r

    def _token(self, t: str) -> str:
        if t in self.slang:
            return self.slang[t]
        if t in self.freq or t in "!?":
            return t
        m = _REDUP.match(t)
        if m:  # "kata2" -> "kata-kata"
            base = self.token(m.group(1))
            return f"{base}-{base}" if " " not in base else base
        if any(c.isdigit() for c in t) and any(c.isalpha() for c in t):
            lt = t.translate(_LEET)
            if lt.isalpha() and (lt in self.freq or lt in self.slang):
                return self.slang.get(lt, lt)
        if _ELONG.search(t):
            for cand in (_ELONG.sub(r"\1", t), _ELONG.sub(r"\1\1", t)):
                if cand in self.slang:
                    return self.slang[cand]
                if cand in self.freq:
                    return cand
            return _ELONG.sub(r"\1", t)
        # word ending in a doubled letter ("sukaa", "bangett"): drop one if that is a word
        if len(t) > 3 and t[-1] == t[-2] and t[:-1] in self.freq:
            return t[:-1]
        return t

    # ----- whole text -----------------------------------------------------------------
    def normalise(self, text) -> Normalised:
        """Normalise one post. Never raises; empty input gives an empty result.

        Example
        -------
        >>> r = Normaliser.load().normalise("@kpu_kaltim gmn nih 🤡 https://x.co/a")
        >>> r.text, r.mentions, r.emoji
        ('userref bagaimana nih emoneg', ['kpu_kaltim'], -1.0)
        """
        s = clean_text(text)
        truncated = len(s) > MAX_CHARS
        if truncated:
            s = s[:MAX_CHARS]
        mentions = _MENTION.findall(s) if "@" in s else []
        hashtags = _HASHTAG.findall(s) if "#" in s else []
        if "/" in s or "www" in s:
            s = _URL.sub(" ", s)
        if "USER" in s or "URL" in s or "RT" in s:
            s = _URL_MASKS.sub(" ", _MASKS.sub(" userref ", s))
        if mentions:
            s = _MENTION.sub(" userref ", s)
        if hashtags:
            s = _HASHTAG.sub(lambda m: " " + " ".join(self.segment(m.group(1))) + " ", s)
        emo = 0.0
        if not s.isascii():
            emo = emoji_polarity(s)
            s = _EMOJI_RX.sub(_emoji_token, s)
            s = unicodedata.normalize("NFKD", s)
        s = _PUNCT_RUN.sub(r"\1", s.lower())
        out = []
        n_words = 0
        for t in _TOKEN.findall(s):
            if t not in _NOT_WORDS:
                n_words += not t.isdigit()
            out.append(self.token(t))
        return Normalised(" ".join(out), emo, n_words, truncated, hashtags, mentions)

    def __call__(self, texts) -> list[Normalised]:
        return [self.normalise(t) for t in texts]

    def inset_score(self, norm_text: str) -> tuple[float, float]:
        """(positive, negative) InSet weight sums over a normalised text, with simple negation
        ("tidak bagus" flips "bagus"). Example: ``n.inset_score("tidak bagus")`` -> (0.0, 3.0)."""
        pos = neg = 0.0
        prev = ""
        for w in norm_text.split():
            v = self.inset.get(w)
            if v:
                if prev in ("tidak", "bukan", "belum", "kurang", "jangan"):
                    v = -v
                if v > 0:
                    pos += v
                else:
                    neg -= v
            prev = w
        return pos, neg


@lru_cache(maxsize=1)
def load_lexicon() -> dict:
    """The shipped lexicon artefact: {"slang": {...}, "freq": {...}, "inset": {...}}."""
    ref = resources.files("suara.models") / f"lexicon-{LEXICON_VERSION}.json.gz"
    with ref.open("rb") as fh, gzip.open(fh, "rt", encoding="utf-8") as g:
        return json.load(g)
