"""Built-in enrich components: normalise, language, tag, features, sentiment, emotion,
toxicity, targeted sentiment and issues. Hoaxes, near-duplicates and OCR live in their own
modules. Each one runs alone on a list of texts or a DataFrame:

Example
-------
>>> from suara.config import load_election
>>> df = TargetedSentiment()(["01 jelas lebih baik dari 02, 02 cuma janji"],
...                          election=load_election("kaltim-2024"))
>>> [(m["candidate"], m["sentiment"]) for m in df["mentions"][0]]
[('1', 'positive'), ('2', 'negative')]
"""
from __future__ import annotations

import re
from functools import cached_property

import numpy as np
import pandas as pd

from suara.enrich.base import Batch, Component, NeedsElection, register
from suara.enrich.linear import LinearModel
from suara.enrich.clauses import clause_pieces, more_shift as _more_shift
from suara.enrich.cues import _cue_shift
from suara.enrich.normalise import Normaliser, clean_text

__all__ = ["Normalise", "LanguageId", "Tag", "Features", "Sentiment", "Emotion", "Toxicity",
           "TargetedSentiment", "Issues", "election_words", "MODEL_FILES", "election_mask_words"]

#: shipped model files (version 2; version-1 files stay, so old enrichments keep their meaning)
MODEL_FILES = {"sentiment": "sentiment-3.npz", "emotion": "emotion-2.npz", "toxicity": "toxicity-2.npz"}


def election_mask_words(election) -> list[str]:
    """Candidate name words the models must not read: a name carries no sentiment of its own."""
    return [w for c in (election.candidates if election else []) for w in
            c.persons + c.nicknames + [c.short]]


def election_words(election) -> list[str]:
    """Names, aliases, nicknames, jargon and place names of an election: words the normaliser
    and the language identifier must treat as known."""
    words = []
    for c in election.candidates:
        words += c.persons + c.aliases + c.nicknames + c.jargon
    for r in election.regions:
        words += [r.name] + r.aliases + r.places
    return words


def _need_election(component: Component, election) -> None:
    if election is None:
        raise NeedsElection(component.name)


@register
class Normalise(Component):
    """Slang, elongation, leetspeak, emoji tokens, hashtag segmentation (see `normalise`)."""

    name, version, order = "normalise", "v1", 20
    requires, assigns = ("text",), ("text_norm", "_emoji", "_n_words", "_inset_pos", "_inset_neg")

    def __init__(self, extra_words=()):
        self.extra_words = tuple(extra_words)

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """With an election, its names and places count as known words."""
        if election is not None and not self.extra_words:
            self.extra_words = tuple(election_words(election))
        return super().initialize(election, workspace, settings, pipeline)

    @cached_property
    def normaliser(self) -> Normaliser:
        return Normaliser.load(self.extra_words)

    def apply(self, batch: Batch) -> Batch:
        n = self.normaliser
        res = [n.normalise(t) for t in batch.df["text"].tolist()]
        df = batch.df
        df["text_norm"] = [r.text for r in res]
        df["_emoji"] = [r.emoji for r in res]
        df["_n_words"] = [r.n_words for r in res]
        lex = [n.inset_score(r.text) for r in res]
        df["_inset_pos"] = [a for a, _ in lex]
        df["_inset_neg"] = [b for _, b in lex]
        return batch


# Marker words of Javanese and Banjar (lingua has neither): a text is called jv / bjn when
# at least two distinct markers make up a clear share of its words. Hand-written because
# no offline identifier covers Banjar.
_JV = {"ora", "opo", "piye", "kowe", "wis", "arep", "ning", "karo", "ngopo", "mboten", "nggih",
       "sampeyan", "kulo", "saiki", "ojo", "iso", "wong", "tenan", "sing", "lho", "ndak", "dadi",
       "koyo", "ngene", "ngono", "gawe", "uwis", "awakmu", "aku", "lan", "nek", "opo'o", "apik"}
_BJN = {"ikam", "ulun", "pian", "kada", "handak", "banar", "bubuhan", "tulak", "kawa", "urang",
        "haja", "kadada", "bujur", "am", "lah", "unda", "nyawa", "kaya", "apa", "ading", "pahamlah",
        "bahari", "mun", "jar", "lawan", "tapi", "sidin", "kalu", "hanyar", "baik", "wan"}
_JV_STRONG = _JV - {"aku", "lan", "sing", "dadi", "apik", "wong", "iso", "ndak"}
_BJN_STRONG = {"ikam", "ulun", "pian", "kada", "handak", "bubuhan", "tulak", "kadada", "unda",
               "sidin", "hanyar", "pahamlah", "kawa", "bujur"}
_ID_FUNC = {"yang", "dan", "di", "ini", "itu", "tidak", "ada", "dengan", "untuk", "dari", "akan",
            "saya", "kita", "kami", "sudah", "juga", "bisa", "karena", "tapi", "atau", "mereka",
            "sama", "lagi", "aja", "saja", "gak", "nggak", "enggak", "yg", "udah", "banget", "ya",
            "kalau", "kalo", "dia", "buat", "pak", "apa", "jadi", "harus", "belum", "masih",
            "lebih", "cuma", "jelas", "mau", "sangat", "nih", "dong", "sih", "deh", "kok", "gue",
            "gw", "lu", "emang", "bikin", "kayak", "doang", "banyak", "semua", "biar", "nya"}
_MS = {"kerajaan", "patut", "lepas", "petang", "stesen", "pejabat", "negeri", "tuan", "sila",
       "maklumat", "permohonan", "amat", "boleh", "awak", "hendak", "berbesar", "jemputan",
       "kerana", "sahaja", "beliau", "kenyataan", "rakyat malaysia", "bas", "kereta"}
_EN = {"the", "and", "is", "are", "to", "of", "for", "you", "this", "that", "with", "it", "was",
       "be", "have", "not", "we", "my", "will", "what", "who", "where", "i", "in", "on", "so",
       "he", "she", "they", "our", "your", "but", "just", "from", "very", "all", "about"}
_WORD = re.compile(r"[a-z']+")
_STRIP = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\[(?:USERNAME|URL)\]")


@register
class LanguageId(Component):
    """Language of each text: id, en, ms (lingua, restricted to these three), jv and bjn
    (marker words), or ``und`` when there is nothing to judge.

    Obvious Indonesian (many Indonesian function words, no regional markers) is decided
    without calling lingua, which keeps the fast path fast.
    """

    name, version, order = "language", "v1", 30
    requires, assigns = ("text",), ("language", "language_conf")

    def __init__(self, extra_words=(), parallel: bool = True):
        self.extra_words = tuple(extra_words)
        self.parallel = parallel

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """With an election, its names and places count as Indonesian vocabulary."""
        if election is not None and not self.extra_words:
            self.extra_words = tuple(election_words(election))
        return super().initialize(election, workspace, settings, pipeline)

    @cached_property
    def _vocab(self) -> set[str]:
        from suara.enrich.normalise import load_lexicon
        lex = load_lexicon()
        extra = {t for w in self.extra_words for t in _WORD.findall(str(w).lower())}
        return {w for w, c in lex["freq"].items() if c >= 3} | set(lex["slang"]) | extra

    @cached_property
    def detector(self):
        from lingua import Language, LanguageDetectorBuilder
        self._langs = {Language.INDONESIAN: "id", Language.ENGLISH: "en", Language.MALAY: "ms"}
        return LanguageDetectorBuilder.from_languages(*self._langs).build()

    def detect(self, texts: list[str]) -> list[tuple[str, float]]:
        """(language, confidence) per text. Example: ``LanguageId().detect(["ulun kada handak"])``
        -> ``[('bjn', ...)]``."""
        out: list[tuple[str, float] | None] = []
        todo = []
        for i, t in enumerate(texts):
            low = _STRIP.sub(" ", clean_text(t).lower())
            words = _WORD.findall(low)
            if not words:
                out.append(("und", 0.0))
                continue
            ws = set(words)
            n = len(words)
            bj = ws & _BJN_STRONG
            jv = ws & _JV_STRONG
            if bj and len(ws & _BJN) >= 2 and len(ws & _BJN) / n >= 0.15:
                out.append(("bjn", min(0.95, 0.5 + 0.1 * len(ws & _BJN))))
                continue
            if len(jv) >= 2 and len(ws & _JV) / n >= 0.2:
                out.append(("jv", min(0.95, 0.5 + 0.1 * len(ws & _JV))))
                continue
            idf = sum(w in _ID_FUNC for w in words)
            if n >= 4 and idf / n >= 0.2 and idf >= 2 and not (ws & _MS):
                out.append(("id", min(0.99, 0.7 + idf / n)))
                continue
            # mostly words of the Indonesian lexicon and no English function words: Indonesian
            known = sum(w in self._vocab for w in words) / n
            if known >= (0.65 if n >= 3 else 1.0) and not (ws & _EN) and not (ws & _MS):
                out.append(("id", round((0.5 if n < 3 else 0.6) + 0.35 * known, 3)))
                continue
            out.append(None)
            todo.append((i, low))
        if todo:
            det = self.detector
            texts = [t for _, t in todo]
            # lingua's parallel API runs a thread pool that does not survive fork(): worker
            # processes (see pipeline.enrich_workspace) call the sequential one
            confs = det.compute_language_confidence_values_in_parallel(texts) if self.parallel \
                else [det.compute_language_confidence_values(t) for t in texts]
            for (i, low), cv in zip(todo, confs):
                if not cv:
                    out[i] = ("und", 0.0)
                    continue
                top = cv[0]
                code, conf = self._langs[top.language], float(top.value)
                if code == "ms":  # Malay is rare in this domain: prefer id unless clear-cut
                    idv = next((float(x.value) for x in cv if self._langs[x.language] == "id"), 0.0)
                    if idv >= 0.3 * conf and not (_MS & set(_WORD.findall(low))):
                        code, conf = "id", idv + conf
                if len(_WORD.findall(low)) < 2 and conf < 0.9:
                    code = "und" if conf < 0.6 else code
                out[i] = (code, round(conf, 3))
        return out  # type: ignore[return-value]

    def apply(self, batch: Batch) -> Batch:
        res = self.detect(batch.df["text"].tolist())
        batch.df["language"] = [r[0] for r in res]
        batch.df["language_conf"] = [r[1] for r in res]
        return batch


@register
class Tag(Component):
    """Candidate mentions from the election config (see `tagging.CandidateTagger`)."""

    name, version, order = "tag", "v1", 40
    requires, assigns = ("text",), ("candidates", "_mentions")

    def __init__(self, election=None):
        self.election = self.tagger = None
        if election is not None:
            self.initialize(election)

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """Build the candidate tagger from the election (required)."""
        from suara.enrich.tagging import CandidateTagger
        _need_election(self, election)
        self.election = election
        self.tagger = CandidateTagger(election)
        return super().initialize(election, workspace, settings, pipeline)

    def apply(self, batch: Batch) -> Batch:
        ms = [self.tagger.tag(t) for t in batch.df["text"].tolist()]
        order = {b: i for i, b in enumerate(self.election.ballots)}
        batch.df["_mentions"] = ms
        batch.df["candidates"] = [sorted({m.ballot for m in x}, key=order.get) for x in ms]
        return batch


@register
class Features(Component):
    """The shared sparse feature matrix (kept in ``batch.cache['X']``). With an election, the
    candidates' name words are masked as well as the public figures the models were
    trained without (see `linear.PUBLIC_FIGURES`)."""

    name, version, order = "features", "v2", 50
    requires, assigns = ("text_norm", "_emoji", "_inset_pos", "_inset_neg"), ("_X",)

    def __init__(self, election=None):
        self.election = election

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """With an election, its candidates' name words are masked too."""
        if election is not None and self.election is None:
            self.election = election
            self.__dict__.pop("featuriser", None)
        return super().initialize(election, workspace, settings, pipeline)

    @cached_property
    def featuriser(self):
        f = LinearModel.load(MODEL_FILES["sentiment"]).featuriser
        return f.with_mask(election_mask_words(self.election))

    def apply(self, batch: Batch) -> Batch:
        df = batch.df
        lex = list(zip(df["_inset_pos"], df["_inset_neg"], df["_emoji"]))
        batch.cache["X"] = self.featuriser.transform(df["text_norm"].tolist(), lex)
        df["_X"] = True
        return batch


@register
class Sentiment(Component):
    """Post-level sentiment: positive|neutral|negative, score = P(pos) - P(neg) in -1..1,
    confidence = the top probability. Texts with no words are judged by their emoji only
    (low confidence) or left neutral with confidence 0.

    With embeddings (``text.embeddings`` of the election, or the enrich setting
    ``embeddings``: ``auto`` = posts naming a candidate, ``on`` = every post) the linear
    model's probabilities are blended with a multilingual-e5-small head (see `embed`); the
    component id then reads ``sentiment.v3-e5p`` (``-e5auto``), so such enrichments carry
    their own version (``-e5p``: every post, political talk keeping the linear neutral share;
    the earlier ``-e5`` blended the neutral class of every post)."""

    name, version, order = "sentiment", "v3", 60
    requires, assigns = ("_X", "_n_words", "_emoji", "text_norm"), ("sentiment", "sentiment_score", "sentiment_conf")
    embed_mode: str = "off"

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}" + {"off": "", "auto": "-e5auto", "on": "-e5p"}[self.embed_mode]

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """Choose the embedding mode (`embed.resolve_mode`)."""
        from suara.enrich.embed import resolve_mode
        self.embed_mode, self.note = resolve_mode(self.model, MODEL_FILES["sentiment"],
                                                  election, settings)
        return super().initialize(election, workspace, settings, pipeline)

    @cached_property
    def model(self) -> LinearModel:
        return LinearModel.load(MODEL_FILES["sentiment"])

    @cached_property
    def embedder(self):
        from suara.enrich.embed import Embedder
        return Embedder()

    def probs(self, X, emoji, cue, texts=None, named=None) -> np.ndarray:
        """Class probabilities (negative, neutral, positive) with emoji and cue shifts; with
        ``texts`` (and embeddings on) blended with the e5 head for those texts (None in
        ``texts`` = linear model only), see `embed.blend` (``named``: rows naming a
        candidate)."""
        m = self.model
        z = m.decision(X, "sentiment")
        shift = 1.5 * np.asarray(emoji, dtype=float) + np.asarray(cue, dtype=float)
        cls = m.heads["sentiment"]
        z[:, cls.index("positive")] += shift / 2
        z[:, cls.index("negative")] -= shift / 2
        z = z / m._t["sentiment"]
        if texts is not None and self.embed_mode != "off":
            from suara.enrich.embed import blend
            z = blend(m, z, texts, named, self.embedder)
        z = z - z.max(1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(1, keepdims=True)

    def label(self, p: np.ndarray) -> tuple[list, np.ndarray, np.ndarray]:
        cls = self.model.heads["sentiment"]
        lab = [cls[i] for i in p.argmax(1)]
        score = p[:, cls.index("positive")] - p[:, cls.index("negative")]
        return lab, np.round(score, 4), np.round(p.max(1), 4)

    def apply(self, batch: Batch) -> Batch:
        df = batch.df
        cue = [_cue_shift(t) for t in df["text_norm"]]
        from suara.enrich.embed import embed_rows
        p = self.probs(batch.cache["X"], df["_emoji"], cue, *embed_rows(df, self.embed_mode))
        lab, score, conf = self.label(p)
        nw = df["_n_words"].to_numpy()
        emo = df["_emoji"].to_numpy(dtype=float)
        lab = [("positive" if e > 0 else "negative" if e < 0 else "neutral") if n == 0 else x
               for x, n, e in zip(lab, nw, emo)]
        score = np.where(nw == 0, 0.5 * emo, score)
        conf = np.where(nw == 0, np.where(emo != 0, 0.4, 0.0), conf)
        if "language" in df:
            conf = np.where(df["language"].isin(["id", "ms", "jv", "bjn"]), conf, conf * 0.5)
        df["sentiment"], df["sentiment_score"], df["sentiment_conf"] = lab, score, np.round(conf, 4)
        return batch


@register
class Emotion(Component):
    """Emotion (anger, fear, sadness, happy, love) from EmoT; None for texts without words."""

    name, version, order = "emotion", "v2", 70
    requires, assigns = ("_X", "_n_words"), ("emotion", "emotion_score")

    @cached_property
    def model(self) -> LinearModel:
        return LinearModel.load(MODEL_FILES["emotion"])

    def apply(self, batch: Batch) -> Batch:
        p = self.model.predict_proba(batch.cache["X"], "emotion")
        cls = self.model.heads["emotion"]
        nw = batch.df["_n_words"].to_numpy()
        batch.df["emotion"] = [cls[i] if n else None for i, n in zip(p.argmax(1), nw)]
        batch.df["emotion_score"] = np.where(nw > 0, np.round(p.max(1), 4), np.nan)
        return batch


SARA_CATS = ("religion", "race", "physical", "gender", "other")


@register
class Toxicity(Component):
    """Hate speech, abusive language, target, SARA category and strength (id_hatespeech).

    Assigns ``hate_speech``/``abusive`` (bool) with ``hate_score``/``abusive_score``
    (probabilities), ``hs_target`` (individual|group|none), ``sara``
    (religion|race|physical|gender|other|none), ``sara_score`` and ``hs_strength``
    (weak|moderate|strong|none). Model licence: CC BY-NC-SA 4.0.
    """

    name, version, order = "toxicity", "v2", 80
    requires, assigns = ("_X", "_n_words"), ("hate_speech", "hate_score", "abusive", "abusive_score",
                                             "hs_target", "sara", "sara_score", "hs_strength")

    @cached_property
    def model(self) -> LinearModel:
        return LinearModel.load(MODEL_FILES["toxicity"])

    def apply(self, batch: Batch) -> Batch:
        m, X, df = self.model, batch.cache["X"], batch.df
        has = df["_n_words"].to_numpy() > 0
        hs = np.where(has, m.predict_proba(X, "hate_speech")[:, 1], 0.0)
        ab = np.where(has, m.predict_proba(X, "abusive")[:, 1], 0.0)
        grp = m.predict_proba(X, "target_group")[:, 1]
        cats = np.stack([m.predict_proba(X, f"sara_{c}")[:, 1] for c in SARA_CATS], 1) * has[:, None]
        st = m.predict_proba(X, "strength")
        scls = m.heads["strength"]
        is_hs = hs >= 0.5
        best = cats.argmax(1)
        df["hate_speech"], df["hate_score"] = is_hs, np.round(hs, 4)
        df["abusive"], df["abusive_score"] = ab >= 0.5, np.round(ab, 4)
        df["hs_target"] = np.where(is_hs, np.where(grp >= 0.5, "group", "individual"), "none")
        df["sara"] = [SARA_CATS[b] if h and cats[i, b] >= 0.5 else "none"
                      for i, (b, h) in enumerate(zip(best, is_hs))]
        df["sara_score"] = np.round(cats.max(1), 4)
        df["hs_strength"] = [scls[i] if h else "none" for i, h in zip(st.argmax(1), is_hs)]
        return batch


_LONG_WORD = re.compile(r"[a-z]{6,}")
@register
class TargetedSentiment(Component):
    """Sentiment toward each candidate mentioned (long form: ``mentions`` column, a list of
    ``{"candidate", "sentiment", "score", "evidence"}`` per row).

    One candidate: the post's sentiment. Several: the text is split into clauses at
    punctuation and contrast words ("tapi", "sedangkan", "vs"); a clause without a name
    belongs to the last candidate named (or the next one at the start of the post); in a
    comparison ("01 lebih baik dari 02") the candidate after "dari/daripada/dibanding" gets
    the opposite polarity. Candidate names are blanked before scoring so that names such as
    "Harum" carry no sentiment.
    """

    name, version, order = "targeted", "v2", 90
    requires, assigns = ("text", "_mentions", "sentiment", "sentiment_score"), ("mentions",)

    def __init__(self, sentiment: Sentiment | None = None, normalise: Normalise | None = None,
                 features: Features | None = None):
        self._given = (sentiment is not None, normalise is not None)
        self.sentiment = sentiment or Sentiment()
        self.normalise = normalise or Normalise()
        self.features = features

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """Share the pipeline's sentiment model, normaliser and featuriser (loaded once)."""
        for c in pipeline or ():
            if isinstance(c, Sentiment) and not self._given[0]:
                self.sentiment = c
            elif isinstance(c, Normalise) and not self._given[1]:
                self.normalise = c
            elif isinstance(c, Features) and self.features is None:
                self.features = c
        return super().initialize(election, workspace, settings, pipeline)

    pieces = staticmethod(clause_pieces)

    def apply(self, batch: Batch) -> Batch:
        df = batch.df
        result: list[list[dict]] = [[] for _ in range(len(df))]
        multi = []  # (row, candidate, evidence, text, sign)
        for i, (text, ms, lab, sc) in enumerate(zip(df["text"], df["_mentions"],
                                                     df["sentiment"], df["sentiment_score"])):
            if not ms:
                continue
            ev = {}
            for m in ms:
                ev.setdefault(m.ballot, m.evidence)
            if len(ev) == 1:
                b = next(iter(ev))
                result[i].append({"candidate": b, "sentiment": lab, "score": float(sc),
                                  "evidence": ev[b]})
                continue
            for b, parts in self.pieces(text, ms).items():
                for piece, sign in parts:
                    multi.append((i, b, ev[b], piece, sign))
            for b in ev:  # named but no clause could be attributed (should not happen)
                if not any(r == i and c == b for r, c, *_ in multi):
                    multi.append((i, b, ev[b], text, 1))
        if multi:
            norm = self.normalise.normaliser
            ns = [norm.normalise(t) for _, _, _, t, _ in multi]
            lex = [(*norm.inset_score(n.text), n.emoji) for n in ns]
            f = self.features.featuriser if self.features is not None else \
                self.sentiment.model.featuriser
            X = f.transform([n.text for n in ns], lex)
            cue = [_cue_shift(n.text) + _more_shift(n.text, norm) for n in ns]
            p = self.sentiment.probs(X, [n.emoji for n in ns], cue,
                                     [t for *_, t, _s in multi], [True] * len(multi))
            cls = self.sentiment.model.heads["sentiment"]
            ip, ineg = cls.index("positive"), cls.index("negative")
            agg: dict[tuple[int, str], list] = {}
            for (i, b, ev, _t, sign), row in zip(multi, p):
                row = row.copy()
                if sign < 0:  # compared against: positive and negative swap
                    row[[ip, ineg]] = row[[ineg, ip]]
                agg.setdefault((i, b), [ev, []])[1].append(row)
            for (i, b), (ev, rows) in agg.items():
                pm = np.mean(rows, axis=0, keepdims=True)
                lab, sc, _ = self.sentiment.label(pm)
                result[i].append({"candidate": b, "sentiment": lab[0], "score": float(sc[0]),
                                  "evidence": ev})
            order = {b: k for k, b in enumerate(sorted({m["candidate"] for r in result for m in r}))}
            for r in result:
                r.sort(key=lambda m: order[m["candidate"]])
        df["mentions"] = result
        return batch


@register
class Issues(Component):
    """Multi-label issues from the election's taxonomy: seed phrases matched in the raw and
    normalised text, plus stemmed variants of one-word seeds ("pertambangan" -> tambang,
    "kebanjiran" -> banjir) through PySastrawi."""

    name, version, order = "issues", "v1", 100
    requires, assigns = ("text", "text_norm"), ("issues",)

    def __init__(self, election=None):
        self.election = None
        if election is not None:
            self.initialize(election)

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """Compile the election's issue seeds (required)."""
        _need_election(self, election)
        self.election = election
        self._seed: dict[str, set[str]] = {}  # seed with separators removed -> issue ids
        stems: dict[str, set[str]] = {}
        for iss in election.issues:
            for sd in iss.seeds:
                sd = sd.strip().lower()
                self._seed.setdefault(re.sub(r"[\s\-_]+", "", sd), set()).add(iss.id)
                if " " not in sd and len(sd) >= 4:
                    stems.setdefault(sd, set()).add(iss.id)
        pats = sorted({sd.strip().lower() for iss in election.issues for sd in iss.seeds}, key=len,
                      reverse=True)
        # one pass for every seed of every issue (a regex per issue cost 12 scans per post)
        self._rx = re.compile(r"(?<![\w])(?:" + "|".join(
            re.escape(p).replace(r"\ ", r"[\s\-_]*") for p in pats) + r")(?![\w])") if pats else None
        self._stems = stems
        # words that contain a one-word seed inside a longer word ("pertambangan"): stem them
        self._sub = re.compile("|".join(
            re.escape(x) for x in sorted(stems, key=len, reverse=True))) if stems else None
        self._word_issues: dict[str, frozenset] = {}
        self._order = {i.id: k for k, i in enumerate(election.issues)}
        self._cache: dict[str, str] = {}
        return super().initialize(election, workspace, settings, pipeline)

    @cached_property
    def stemmer(self):
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
        return StemmerFactory().create_stemmer()

    def _stem(self, w: str) -> str:
        r = self._cache.get(w)
        if r is None:
            r = self._cache[w] = self.stemmer.stem(w)
        return r

    def issues(self, raw: str, norm: str) -> list[str]:
        """Issue ids of one text. Example: ``Issues(e).issues("pertambangan liar", "")`` -> ``['tambang_lingkungan']``."""
        if self._rx is None:
            return []
        both = clean_text(raw).lower() + " \n " + (norm or "")
        found: set[str] = set()
        for m in self._rx.findall(both):
            found |= self._seed.get(re.sub(r"[\s\-_]+", "", m), set())
        if self._sub is not None:
            for w in set(_LONG_WORD.findall(both)):
                hit = self._word_issues.get(w)
                if hit is None:  # once per distinct word: seed inside it? then stem it
                    hit = self._word_issues[w] = frozenset() if (
                        w in self._stems or not self._sub.search(w)) else \
                        frozenset(self._stems.get(self._stem(w), ()))
                found |= hit
        return sorted(found, key=self._order.get)

    def apply(self, batch: Batch) -> Batch:
        df = batch.df
        df["issues"] = [self.issues(a, b) for a, b in zip(df["text"], df["text_norm"])]
        return batch
