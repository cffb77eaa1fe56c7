"""Audience demographics, estimated per account for aggregates only.

The `Demographics` component reads what an account shows the public — display name, handle,
bio, its type, and (optionally) how it describes itself in its own posts — and assigns:

* ``person``: ``person``, ``organisation`` (brand pages, shops, media, official and city
  accounts) or ``unknown``;
* ``gender``: ``f``, ``m`` or ``unknown`` — from explicit self-descriptions ("ibu dari 2 anak",
  "bapak", "mahasiswi", "mom of two"), titles in the display name (Bu, Pak, Mbak, Hj., Ni) and
  the first given name of the display name (``given-names-1.json.gz``; unisex and Balinese
  birth-order names stay unknown; endings such as ``-wati`` for names not in the lexicon);
* ``age_band``: ``<25``, ``25-44``, ``45+`` or ``unknown`` — from self-descriptions (pelajar,
  mahasiswa, "angkatan 2019", a stated age or birth year, pensiunan, kakek/nenek); the
  platform and the language register of the account's own posts are weak cues that only
  ever give a low confidence;
* ``occupation`` (walk of life): one of :data:`OCCUPATIONS` or ``unknown``;

each with a confidence in [0, 1] and the kinds of evidence used (never the text itself).
Organisations get ``unknown`` for every attribute.

These estimates are personal data about identifiable people (UU PDP 27/2022: inferring
attributes of an identifiable citizen is profiling). They live only in the internal
``account_demographics`` table, which no page, export, API response or report reads except
through the aggregate section (`suara.analyse.demographics`) that suppresses small cells;
`suara forget` deletes them with the account.

Example
-------
>>> df = Demographics()(pd.DataFrame({"platform": ["x"], "display_name": ["Siti Rahmawati"],
...                                    "bio": ["ibu dari 2 anak | guru SD"]}))
>>> df.loc[0, ["person", "gender", "age_band", "occupation"]].tolist()
['person', 'f', '25-44', 'guru_dosen']
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import time
import unicodedata
from functools import lru_cache
from typing import Any, ClassVar

import pandas as pd

from suara.enrich.base import Batch, Component, register
from suara.enrich.demographic_cues import (_BIRTH_ORDER, _CASTE, _COHORT, _NOT_NAMES, _OLD_REGISTER,
                                           _PLATFORM_AGE, _SELF, _TITLES, _YEAR_CUES, _YOUNG_REGISTER, AGE_CUES,
                                           GENDER_CUES, NOT_PERSON_TYPES, OCC_CUES, ORG_CUES, _AGE_CUES)

__all__ = ["Demographics", "estimate_workspace", "ensure_demographics", "OCCUPATIONS", "AGE_BANDS", "GENDERS",
           "DEMOGRAPHICS_VERSION", "normalise_name", "name_gender", "lexicon"]

DEMOGRAPHICS_VERSION = "v1"
GENDERS = ("f", "m")
AGE_BANDS = ("<25", "25-44", "45+")
#: walks of life (id -> Indonesian label, English label)
OCCUPATIONS: dict[str, tuple[str, str]] = {
    "pelajar_mahasiswa": ("pelajar/mahasiswa", "students"),
    "guru_dosen": ("guru/dosen", "teachers/lecturers"),
    "pns_asn": ("PNS/ASN", "civil servants"),
    "tni_polri": ("TNI/Polri", "military/police"),
    "tenaga_kesehatan": ("tenaga kesehatan", "health workers"),
    "buruh_tambang": ("buruh tambang", "mine workers"),
    "buruh_karyawan": ("buruh/karyawan", "workers/employees"),
    "petani": ("petani/pekebun", "farmers"),
    "nelayan": ("nelayan", "fishers"),
    "ojol": ("ojol/sopir", "ride-hailing drivers"),
    "pedagang_umkm": ("pedagang/UMKM", "traders/small business"),
    "ibu_rumah_tangga": ("ibu rumah tangga", "homemakers"),
    "tokoh_agama": ("tokoh agama", "religious leaders"),
    "jurnalis": ("jurnalis", "journalists"),
    "pensiunan": ("pensiunan", "retirees"),
}
UNKNOWN = "unknown"
#: an estimate counts in aggregates from this confidence on (settings may raise it)
MIN_CONFIDENCE = 0.5

# ---------------------------------------------------------------------------------------------
# text helpers


def _fold(s: Any) -> str:
    """Lower-case ASCII-ish text: NFKD (fancy Unicode letters become plain), marks dropped."""
    if s is None or (isinstance(s, float) and s != s):
        return ""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.lower().replace("'", "").replace("’", "")


def normalise_name(s: Any) -> list[str]:
    """Name tokens as the lexicon stores them (``"Dr. Siti Nur'aini"`` -> ``['dr', 'siti',
    'nuraini']``); letters outside a-z split tokens, so emoji and other scripts vanish.

    Example
    -------
    >>> normalise_name("𝑴𝒂𝒋𝒂 S. 🏹"), normalise_name("فاطمة"), normalise_name(None)
    (['maja', 's'], [], [])
    """
    return [t for t in re.split(r"[^a-z]+", _fold(s)) if t]


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The shipped given-name lexicon (names and learned endings)."""
    from suara.models.train_names import FILE
    from importlib.resources import files
    with gzip.open(files("suara.models") / FILE, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _old_spelling(tok: str) -> str:
    return tok.replace("oe", "u").replace("dj", "j").replace("tj", "c").replace("ch", "kh")


def name_gender(token: str, lex: dict | None = None) -> tuple[str, float, str] | None:
    """(gender, confidence, method) of one given-name token, or None when it says nothing.

    Unisex names give ``("u", 0, "name")`` so that callers can tell "known to be ambiguous"
    from "not a name we know".

    Example
    -------
    >>> name_gender("wulandari"), name_gender("made"), name_gender("sumiwati")
    (('f', 0.85, 'name'), ('u', 0.0, 'name'), ('f', 0.65, 'name_ending'))
    """
    lex = lex or lexicon()
    names, endings = lex["names"], lex["endings"]
    for t in dict.fromkeys((token, _old_spelling(token))):
        hit = names.get(t)
        if hit:
            g, fam = hit
            if g == "u":
                return ("u", 0.0, "name")
            return (g, 0.85 if fam >= 2 else 0.8, "name")
    if len(token) >= 5 and token not in _NOT_NAMES:
        for k in range(min(5, len(token) - 2), 2, -1):   # 2-letter endings (-to, -al) hit ordinary words
            e = endings.get(token[-k:])
            if e and e[1] >= 0.9 and e[2] >= 10:
                return (e[0], 0.65, "name_ending")
    return None


# ---------------------------------------------------------------------------------------------
# per-account decision


def _vote(votes: dict[str, float], methods: dict[str, set], value: str, conf: float, method: str) -> None:
    """Noisy-OR of the evidence for one value."""
    votes[value] = 1.0 - (1.0 - votes.get(value, 0.0)) * (1.0 - conf)
    methods.setdefault(value, set()).add(method)


def _decide(votes: dict[str, float], methods: dict[str, set]) -> tuple[str, float, str]:
    """The value with most evidence; its confidence is lowered by the evidence against it;
    a near tie is unknown."""
    if not votes:
        return UNKNOWN, 0.0, ""
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    best, p = ranked[0]
    q = max((v for _, v in ranked[1:]), default=0.0)
    conf = p * (1.0 - q)
    if conf < 0.2:
        return UNKNOWN, round(conf, 3), "conflict"
    return best, round(conf, 3), "+".join(sorted(methods[best]))


def _strip_titles(toks: list[str]) -> tuple[list[str], list[str]]:
    """(remaining tokens, genders signalled by the titles removed); initials are skipped."""
    gs: list[str] = []
    for a, b, g in _CASTE:
        if toks[:1] == [a] and (not b or toks[1:2] == [b]):
            toks = toks[(2 if b else 1):]
            if g:
                gs.append(g)
            break
    while toks:
        t = toks[0]
        if t == "i":   # Balinese male marker only before a birth-order name; else English "I"
            if toks[1:2] and toks[1] in _BIRTH_ORDER:
                gs.append("m")
                toks = toks[1:]
                continue
            break
        if t not in _TITLES:
            break
        if _TITLES[t]:
            gs.append(_TITLES[t])
        toks = toks[1:]
    while toks and len(toks[0]) == 1:   # "A. Rahman": the initial says nothing
        toks = toks[1:]
    return toks, gs


def _looks_like_name(raw: str) -> bool:
    """A display name that could be a person's: letters, at most five words, no digits run."""
    f = _fold(raw)
    letters = sum(ch.isalpha() for ch in f)
    return letters >= 2 and len(f.split()) <= 5 and not re.search(r"\d{3,}", f)


class Demographics(Component):
    """Per-account estimates of person/organisation, gender, age band and walk of life.

    The batch has one row per account: ``platform`` and any of ``display_name``, ``handle``,
    ``bio``, ``account_type``, ``self_text`` (first-person sentences from the account's own
    posts, joined) and ``register_young`` / ``register_old`` (share of its posts in a young /
    formal register). Missing columns count as empty. ``ref_year`` is the year ages refer to.
    """

    name: ClassVar[str] = "demographics"
    version: ClassVar[str] = DEMOGRAPHICS_VERSION
    requires: ClassVar[tuple[str, ...]] = ("display_name", "bio")
    assigns: ClassVar[tuple[str, ...]] = ("person", "person_conf", "gender", "gender_conf", "age_band",
                                          "age_conf", "occupation", "occupation_conf", "evidence")
    #: one row per account, not per post: a workspace step of `suara enrich`
    #: (:func:`ensure_demographics`), not part of the post pipeline
    default: ClassVar[bool] = False
    scope: ClassVar[str] = "workspace"

    def __init__(self, ref_year: int | None = None):
        self.ref_year = ref_year
        self.lex: dict = {}

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None) -> "Demographics":
        """Load the name lexicon; ages refer to the election's vote-day year (today without one)."""
        if self.ref_year is None:
            self.ref_year = election.dates.vote_day.year if election is not None else dt.date.today().year
        self.lex = lexicon()
        return super().initialize(election, workspace, settings, pipeline)

    def __call__(self, data, election=None) -> pd.DataFrame:
        """Estimate for a DataFrame of accounts (or a list of display names)."""
        if not isinstance(data, pd.DataFrame):
            data = pd.DataFrame({"display_name": list(data)})
        return self.apply(Batch(data.reset_index(drop=True).copy())).df

    def apply(self, batch: Batch) -> Batch:
        if not self._initialized:
            self.initialize()
        df = batch.df
        n = len(df)

        def col(c):
            return df[c].tolist() if c in df.columns else [None] * n
        rows = [self.estimate(dn, h, b, p, t, s, ry, ro) for dn, h, b, p, t, s, ry, ro in zip(
            col("display_name"), col("handle"), col("bio"), col("platform"), col("account_type"),
            col("self_text"), col("register_young"), col("register_old"))]
        for i, c in enumerate(self.assigns):
            df[c] = [r[i] for r in rows]
        return batch

    # ----- one account --------------------------------------------------------------------
    def estimate(self, display_name=None, handle=None, bio=None, platform=None, account_type=None,
                 self_text=None, register_young=None, register_old=None) -> tuple:
        """(person, person_conf, gender, gender_conf, age_band, age_conf, occupation,
        occupation_conf, evidence) for one account."""
        name_raw = "" if display_name is None or display_name != display_name else str(display_name)
        fname = _fold(name_raw)
        fbio = _fold(bio)
        fself = _fold(self_text)
        ev: list[str] = []
        # -- person or organisation
        typ = str(account_type or "").lower()
        org_hits = len(ORG_CUES.findall(fname)) * 2 + len(ORG_CUES.findall(fbio))
        if typ in NOT_PERSON_TYPES:
            return ("organisation", 0.95, UNKNOWN, 0.0, UNKNOWN, 0.0, UNKNOWN, 0.0, "account_type")
        toks, title_g = _strip_titles(normalise_name(name_raw))
        first = toks[0] if toks and _looks_like_name(name_raw) else None
        ng = name_gender(first, self.lex) if first and len(first) >= 2 else None
        if org_hits >= 2 and not title_g and not (ng and ng[0] != "u" and org_hits < 3):
            return ("organisation", round(min(0.95, 0.5 + 0.15 * org_hits), 3), UNKNOWN, 0.0, UNKNOWN, 0.0,
                    UNKNOWN, 0.0, "profile_cues")
        # -- gender
        gv: dict[str, float] = {}
        gm: dict[str, set] = {}
        for g in title_g:
            _vote(gv, gm, g, 0.85, "title")
        if ng and ng[0] != "u":
            _vote(gv, gm, ng[0], ng[1], ng[2])
        elif not name_raw.strip() and handle:   # no display name: a clear name in the handle
            h = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(handle))   # CamelCase: AulinaPuri
            ht = [t for t in re.split(r"[^a-z]+", _fold(h)) if t]
            if ht and len(ht[0]) >= 4 and ht[0] not in _NOT_NAMES:
                hit = self.lex["names"].get(ht[0])
                if hit and hit[0] != "u" and hit[1] >= (1 if len(ht) >= 2 else 2):   # delimited: a name
                    _vote(gv, gm, hit[0], 0.6, "handle")
        for text, kind, w in ((fbio, "bio", 1.0), (fself, "posts", 0.8)):
            for rx, g, c in GENDER_CUES:
                if rx.search(text):
                    _vote(gv, gm, g, c * w, kind)
        gender, gconf, gmeth = _decide(gv, gm)
        # -- age band
        av: dict[str, float] = {}
        am: dict[str, set] = {}
        for text, kind, w in ((fbio, "bio", 1.0), (fname, "name", 0.9), (fself, "posts", 0.75)):
            if not text:
                continue
            for rx, band, c in AGE_CUES:
                if rx.search(text):
                    _vote(av, am, band, c * w, kind)
            for m in _YEAR_CUES.finditer(text):
                b = self._band(self.ref_year - int(m.group(1)))
                if b:
                    _vote(av, am, b, 0.85 * w, kind + "_year")
            for m in _AGE_CUES.finditer(text):
                b = self._band(int(m.group(1) or m.group(2)))
                if b:
                    _vote(av, am, b, 0.85 * w, kind + "_age")
            for m in _COHORT.finditer(text):
                b = self._band(self.ref_year - int(m.group(1)) + 18)
                if b:
                    _vote(av, am, b, 0.6 * w, kind + "_cohort")
        weak = []
        if platform in _PLATFORM_AGE:
            weak.append((*_PLATFORM_AGE[platform], "platform"))
        ry = _num(register_young)
        ro = _num(register_old)
        if ry is not None and ry >= 0.3:
            weak.append(("<25", 0.35, "register"))
        if ro is not None and ro >= 0.3:
            weak.append(("45+", 0.3, "register"))
        for band, c, kind in weak:
            _vote(av, am, band, c, kind)
        age, aconf, ameth = _decide(av, am)
        if ameth and set(ameth.split("+")) <= {"platform", "register"}:
            aconf = min(aconf, 0.45)   # weak cues alone never pass the default threshold
        # -- walk of life
        ov: dict[str, float] = {}
        om: dict[str, set] = {}
        for text, kind, w in ((fbio, "bio", 1.0), (fname, "name", 0.8)):
            for rx, occ, c in OCC_CUES:
                if text and rx.search(text):
                    _vote(ov, om, occ, c * w, kind)
        for m in _SELF.finditer(fself):
            frag = m.group(1)
            for rx, occ, c in OCC_CUES:
                if rx.match(frag.lstrip()):
                    _vote(ov, om, occ, c * 0.8, "posts")
        if "pensiunan" in ov:   # "pensiunan guru": the walk of life now is retirement
            ov = {"pensiunan": ov["pensiunan"]}
        occ, oconf, ometh = _decide(ov, om)
        # -- person status: a name, a title or a self-description makes a person
        signals = [x for x in (gmeth, ameth, ometh) if x and x != "conflict"]
        if ng or title_g or any(k in s for s in signals for k in ("bio", "posts", "title", "name", "handle")):
            person, pconf = "person", 0.8 if (ng and ng[0] != "u") or title_g else 0.7
        else:
            person, pconf = UNKNOWN, 0.0
        for k, m in (("gender", gmeth), ("age", ameth), ("occupation", ometh)):
            if m:
                ev.append(f"{k}:{m}")
        return (person, pconf, gender, gconf, age, aconf, occ, oconf, ";".join(ev))

    def apply_workspace(self, ws) -> bool:
        return ensure_demographics(ws)

    @staticmethod
    def _band(age: int) -> str | None:
        if age < 10 or age > 100:
            return None
        return "<25" if age < 25 else ("25-44" if age < 45 else "45+")


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


register(Demographics)


# ---------------------------------------------------------------------------------------------
# workspace


def _self_references(ws, max_posts: int = 50) -> pd.DataFrame:
    """Per account: first-person fragments of its own posts and the share of posts in a young
    or a formal register (the newest ``max_posts`` posts of each account)."""
    import ibis
    p = ws.store.table("posts")
    p = p.filter(p.text.notnull() & p.account_id.notnull())
    p = p.mutate(rk=ibis.row_number().over(group_by=[p.platform, p.account_id],
                                            order_by=[ibis.desc(p.created_at), p.post_id]))
    df = p.filter(p.rk < max_posts).select("platform", "account_id", "text").execute()
    if not len(df):
        return pd.DataFrame(columns=["platform", "account_id", "self_text", "register_young", "register_old"])
    out = {}
    for pl, a, t in zip(df.platform.tolist(), df.account_id.astype(str).tolist(), df.text.tolist()):
        f = _fold(t)
        words = set(re.findall(r"[a-z-]+", f))
        rec = out.setdefault((pl, a), [[], 0, 0, 0])
        if _SELF.search(f):
            rec[0].append(" ".join(m.group(0) for m in _SELF.finditer(f))[:300])
        rec[1] += 1
        rec[2] += bool(words & _YOUNG_REGISTER)
        rec[3] += bool(words & _OLD_REGISTER)
    return pd.DataFrame([{"platform": k[0], "account_id": k[1], "self_text": " | ".join(v[0][:20]),
                          "register_young": v[2] / v[1], "register_old": v[3] / v[1]}
                         for k, v in out.items()])


def _account_types(ws, acc: pd.DataFrame) -> list[str]:
    """Stored type, overridden by the election's tracked/official accounts and admin decisions."""
    from suara.store.admin import account_type_overrides
    el = ws.election
    tracked = {(t.platform.lower(), t.handle.lower().lstrip("@")): t.account_type for t in el.tracked_accounts}
    official = {(p.lower(), h.lower().lstrip("@")) for c in el.candidates
                for p, hs in c.official_accounts.items() for h in hs}
    decided = account_type_overrides(ws.store)
    out = []
    for p, i, h, t in zip(acc.platform, acc.account_id, acc.handle, acc.account_type):
        key = (str(p).lower(), str(h or "").lower().lstrip("@"))
        if (str(p), str(i)) in decided:
            out.append(decided[(str(p), str(i))])
        elif key in official:
            out.append("official")
        elif key in tracked:
            out.append(tracked[key])
        else:
            out.append(t if isinstance(t, str) else "unknown")
    return out


def estimate_workspace(ws, posts: bool = True) -> dict[str, Any]:
    """Estimate every account of the workspace and replace ``account_demographics`` in one
    transaction. Returns counts only (never per-account values).

    Example
    -------
    >>> import suara, tempfile
    >>> estimate_workspace(suara.init(tempfile.mkdtemp()))["accounts"]
    0
    """
    from suara.store.store import utcnow
    t0 = time.time()
    a = ws.store.table("accounts").select("platform", "account_id", "handle", "display_name", "bio",
                                          "account_type").execute()
    a["account_id"] = a.account_id.astype(str)
    a["account_type"] = _account_types(ws, a) if len(a) else []
    if posts and len(a):
        sr = _self_references(ws)
        if len(sr):
            a = a.merge(sr, on=["platform", "account_id"], how="left")
    comp = Demographics().initialize(ws.election, ws)
    out = comp(a) if len(a) else a.assign(**{c: [] for c in comp.assigns})
    version = f"demographics.{comp.version}+names.{lexicon()['meta']['version']}"
    rows = pd.DataFrame({
        "platform": out.platform.astype(str), "account_id": out.account_id.astype(str),
        "person": out.person, "person_conf": out.person_conf.astype(float),
        "gender": out.gender, "gender_conf": out.gender_conf.astype(float),
        "age_band": out.age_band, "age_conf": out.age_conf.astype(float),
        "occupation": out.occupation, "occupation_conf": out.occupation_conf.astype(float),
        "evidence": out.evidence, "version": version, "estimated_at": utcnow()})
    ws.store.replace("account_demographics", rows)
    known = {k: int(((out[k] != UNKNOWN) & (out[c] >= MIN_CONFIDENCE)).sum()) if len(out) else 0
             for k, c in (("gender", "gender_conf"), ("age_band", "age_conf"), ("occupation", "occupation_conf"))}
    return {"accounts": int(len(out)), "persons": int((out.person == "person").sum()) if len(out) else 0,
            "organisations": int((out.person == "organisation").sum()) if len(out) else 0,
            "known": known, "version": version, "seconds": round(time.time() - t0, 2)}


_META_KEY = "demographics.signature"


def _signature(ws) -> str:
    """What the estimates read: election, accounts, posts, last import, lexicon and version."""
    from suara.enrich.regions import workspace_counts
    row = workspace_counts(ws)
    return (f"{ws.election.id}|{int(row['n_acc'])}|{int(row['n_posts'])}|{row['last']}|{row['last_acc']}|"
            f"{DEMOGRAPHICS_VERSION}|{lexicon()['meta']['version']}|{len(_account_type_overrides(ws))}")


def _account_type_overrides(ws) -> dict:
    from suara.store.admin import account_type_overrides
    return account_type_overrides(ws.store)


def ensure_demographics(ws) -> bool:
    """Re-estimate when accounts, posts or the estimator changed since the last estimate.
    Returns True when it ran.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> ensure_demographics(ws), ensure_demographics(ws)
    (True, False)
    """
    sig = _signature(ws)
    if ws.store.meta(_META_KEY) == sig:
        return False
    estimate_workspace(ws)
    ws.store.set_meta(_META_KEY, sig)
    return True
