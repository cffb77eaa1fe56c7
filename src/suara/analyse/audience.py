"""Audiences and targeting: where accounts live, who they are for, and what reaches them.

* :func:`infer_regions` — home region (kabupaten/kota BPS code) of every account, with a
  confidence and the evidence used, written atomically to ``account_regions``.
* :func:`regions_section` — accounts and share of voice per region against the region's
  weight in the DPT (regional gaps), all accounts and coordinated accounts removed.
* :func:`segments_section` — region x stance toward each pair x interests x activity x
  platform, segment sizes and weekly trends, and the persuadables.
* :func:`recommendations_section` — message resonance: per region and audience, which issues
  and formats get above-baseline non-negative replies, as ranked, explainable sentences.

Relational steps are Ibis expressions over the store (so they run on Spark as well); text
matching and the per-account decisions run in pandas on the reduced per-account tables.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> infer_regions(ws)["accounts"]
0
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

import ibis
import numpy as np
import pandas as pd

from suara.analyse import base
from suara.analyse.brand import (ACTIVITY_LEVELS, _memo, account_profiles, account_stances,
                                 candidate_mentions, data_signature, drop_flagged, local_time,
                                 objcols, pair_label, region_names, safe_float)
from suara.analyse.privacy import Pseudonymiser
from suara.store.store import utcnow

__all__ = ["infer_regions", "ensure_regions", "region_matcher", "RegionMatcher", "interaction_edges",
           "regions_section", "segments_section", "persuadables", "account_segments",
           "message_resonance", "recommendations_section", "group_label", "recommendation_text",
           "regions_report", "segments_report", "recommendations_report", "REGION_WEIGHTS",
           "MIN_INTERACTIONS"]

#: evidence weights for region inference (votes; the region with most weight wins)
REGION_WEIGHTS = {
    "profile": 4.0,      # location field of the profile ("Samarinda, Kaltim")
    "bio": 2.5,          # bio / display name mention a region or a place in it
    "geotag": 3.0,       # per geotagged post (capped, see _CAPS)
    "posts": 0.6,        # per own post naming a place of the region (capped)
    "interaction": 0.3,  # per reply to / mention of an account whose region is known (capped)
    "local_account": 0.5,  # same, mostly to city or local media accounts
}
_CAPS = {"geotag": 3, "posts": 5, "interaction": 6}
#: interactions with region-known accounts needed before they count as evidence
MIN_INTERACTIONS = 3
_META_KEY = "regions.inferred_signature"


# --------------------------------------------------------------------------------------
# text matching
class RegionMatcher:
    """Finds region names, aliases and place names of an election in free text.

    Terms of one word shorter than six letters (``Smd``, ``PPU``, ``Pasir``, ``Damai``) only
    match in free text with their capitalisation as written in the config, because as lower
    case words several of them are ordinary Indonesian ("pasir" = sand, "damai" = peace).
    Terms that are also issue seeds or candidate aliases ("Nusantara", "Titik Nol") are
    ignored in post texts, where they speak about the issue, not about where the author lives.

    Example
    -------
    >>> from suara.config import load_election
    >>> m = region_matcher(load_election("kaltim-2024"))
    >>> m.find("Asli Tenggarong, kerja di Balikpapan")
    [('6403', 'place'), ('6471', 'name')]
    """

    def __init__(self, election):
        self.term_region: dict[str, tuple[str, str]] = {}
        strict: list[str] = []
        loose: list[str] = []
        issue_words = {s.lower() for i in election.issues for s in i.seeds}
        cand_words = {a.lower() for c in election.candidates
                      for a in [*c.aliases, *c.nicknames, c.short, c.name]}
        self.topical = issue_words | cand_words
        for r in election.regions:
            for kind, terms in (("name", [r.name, *r.aliases]), ("place", list(r.places))):
                for t in terms:
                    t = t.strip()
                    if not t:
                        continue
                    key = t.lower()
                    if key in self.term_region and self.term_region[key][0] != r.code:
                        continue  # ambiguous between regions: first (config order) wins
                    self.term_region.setdefault(key, (r.code, kind))
                    if " " not in t and len(t) < 6:
                        strict.append(t)
                    else:
                        loose.append(t)
        loose.sort(key=len, reverse=True)
        strict.sort(key=len, reverse=True)
        self._loose_terms, self._strict_terms = loose, strict
        b = r"(?<![\w])({})(?![\w])"
        self._loose = re.compile(b.format("|".join(map(re.escape, loose))), re.I) if loose else None
        self._strict = re.compile(b.format("|".join(map(re.escape, strict)))) if strict else None
        self._any = re.compile(b.format("|".join(map(re.escape, loose + strict))), re.I) \
            if loose or strict else None

    def is_topical(self, term: str) -> bool:
        """True for a place name that speaks about an issue or a candidate rather than
        where someone lives: it is an issue seed / candidate name, or contains a multi-word
        one ("Titik Nol IKN" contains the IKN seed "titik nol"; "Jembatan Mahakam" stays a
        place although "jembatan" alone is a roads seed)."""
        t = term.lower()
        if t in self.topical:
            return True
        return any(" " in w and re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", t)
                   for w in self.topical)

    def post_patterns(self) -> list[str]:
        """Engine-neutral regexes (RE2 and Java syntax) for place names in post texts:
        one case-insensitive for long terms, one case-sensitive for short ones; topical
        terms (issue seeds, candidate names) left out. Group 1 is the matched term.

        Example
        -------
        >>> from suara.config import load_election
        >>> pats = region_matcher(load_election("kaltim-2024")).post_patterns()
        >>> len(pats)
        2
        """
        out = []
        for ci, terms in ((True, self._loose_terms), (False, self._strict_terms)):
            terms = [t for t in terms if not self.is_topical(t)]
            if terms:
                alt = "|".join(re.escape(t).replace("\\ ", " ") for t in terms)
                out.append(("(?i)" if ci else "") + r"(?:^|[^\w])(" + alt + r")(?:[^\w]|$)")
        return out

    def find(self, text: str | None, profile: bool = False, topical_ok: bool = True) -> list[tuple[str, str]]:
        """(region code, 'name'|'place') for each match in ``text``, in order.

        ``profile=True`` (a location field) matches every term case-insensitively.
        """
        if not text or not isinstance(text, str):
            return []
        hits: list[tuple[int, str]] = []
        pats = [self._any] if profile else [self._loose, self._strict]
        for p in pats:
            if p is None:
                continue
            for m in p.finditer(text):
                hits.append((m.start(), m.group(1)))
        hits.sort()
        out = []
        for _, t in hits:
            key = t.lower()
            if not topical_ok and self.is_topical(key):
                continue
            if key in self.term_region:
                out.append(self.term_region[key])
        return out


_MATCHERS: dict[int, RegionMatcher] = {}


def region_matcher(election) -> RegionMatcher:
    """A cached :class:`RegionMatcher` for an election.

    Example
    -------
    >>> from suara.config import load_election
    >>> region_matcher(load_election("kaltim-2024")).find("Smd")
    [('6472', 'name')]
    """
    # keyed by content, not id(): a freed Election's id can be reused by another one
    key = hash(election.model_dump_json(include={"id", "regions", "issues", "candidates"}))
    if key not in _MATCHERS:
        _MATCHERS[key] = RegionMatcher(election)
    return _MATCHERS[key]


_GEO_NUM = re.compile(r"(-?\d+(?:\.\d+)?)\s*[, ;]\s*(-?\d+(?:\.\d+)?)")


def _geo_region(geo: str, election, matcher: RegionMatcher) -> str | None:
    """Region of a geotag: a place name, or "lat,lon" (also GeoJSON-ish) -> nearest region seat
    within 1.5 degrees (about 165 km; seats of neighbouring kabupaten are further apart than
    the error of a seat-distance rule is large, so this is a vote, not a verdict)."""
    if not geo or not isinstance(geo, str):
        return None
    hits = matcher.find(geo, profile=True)
    if hits:
        return hits[0][0]
    m = _GEO_NUM.search(geo)
    if not m:
        return None
    a, b = float(m.group(1)), float(m.group(2))
    # GeoJSON order is lon,lat; Indonesia's longitudes are 95..141, latitudes -11..6
    lat, lon = (b, a) if abs(a) > 90 else (a, b)
    best, bestd = None, 1.5 ** 2
    for r in election.regions:
        if r.lat is None or r.lon is None:
            continue
        d = (r.lat - lat) ** 2 + (r.lon - lon) ** 2
        if d < bestd:
            best, bestd = r.code, d
    return best


# --------------------------------------------------------------------------------------
# region inference
def _signature(ws) -> str:
    return data_signature(ws)[0]


def ensure_regions(ws, sig: tuple | None = None) -> bool:
    """Run :func:`infer_regions` when accounts or posts changed since the last inference.

    Returns True when inference ran.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> ensure_regions(ws), ensure_regions(ws)
    (True, False)
    """
    try:
        sig = sig[0] if sig else _signature(ws)
        if ws.store.meta(_META_KEY) == sig:
            return False
    except Exception:  # noqa: BLE001 - no signature: just infer
        sig = None
    try:
        infer_regions(ws)
    except Exception as e:  # read-only store: analyses fall back to exported regions
        if "read-only" in str(e).lower() or "read only" in str(e).lower():
            return False
        raise
    if sig:
        ws.store.set_meta(_META_KEY, sig)
    return True


def infer_regions(ws, write: bool = True) -> dict[str, Any]:
    """Infer each account's home region and replace ``account_regions`` atomically.

    Evidence, each a weighted vote for a region (:data:`REGION_WEIGHTS`): the profile
    location, the bio and display name, geotagged posts, place names in the account's own
    posts, and replies/mentions to accounts whose region is known (city and local media
    accounts count more). The region with the most weight wins; ``confidence`` =
    ``top / total * (1 - exp(-top / 2))``: high when one region dominates strong evidence,
    low for a single weak hint. ``method`` names the strongest evidence kind of the winner.
    Accounts with an exported ``accounts.region`` keep it (method ``exported``, 1.0).

    Returns counts: accounts, inferred, by method, and the region distribution.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> infer_regions(ws)["inferred"]
    0
    """
    el = ws.election
    m = region_matcher(el)
    codes = {r.code for r in el.regions}
    s = ws.store
    acc = s.table("accounts").select("platform", "account_id", "handle", "display_name", "bio",
                                     "location_text", "region", "account_type").execute()
    acc = objcols(acc)
    votes: dict[tuple[str, str], dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))

    def vote(key, region, kind, w):
        if region in codes:
            votes[key][region][kind] += w

    exported: dict[tuple[str, str], str] = {}
    for row in acc.itertuples(index=False):
        key = (row.platform, str(row.account_id))
        if isinstance(row.region, str) and row.region in codes:
            exported[key] = row.region
        for code, _ in m.find(row.location_text, profile=True)[:1]:
            vote(key, code, "profile", REGION_WEIGHTS["profile"])
        seen = set()
        for txt in (row.bio, row.display_name):
            for code, _ in m.find(txt):
                if code not in seen:
                    seen.add(code)
                    vote(key, code, "bio", REGION_WEIGHTS["bio"])

    posts = s.table("posts")
    # geotags
    g = posts.filter(posts.geo.notnull() & (posts.geo != "")).select("platform", "account_id", "geo")
    gdf = objcols(g.execute())
    cap = defaultdict(int)
    for row in gdf.itertuples(index=False):
        code = _geo_region(row.geo, el, m)
        key = (row.platform, str(row.account_id))
        if code and cap[key, "geo"] < _CAPS["geotag"]:
            cap[key, "geo"] += 1
            vote(key, code, "geotag", REGION_WEIGHTS["geotag"])

    # place names in own posts, matched in the engine (RE2 on DuckDB, Java regex on Spark):
    # only the (account, place, count) triples come back, never the texts
    strong = {k for k, v in votes.items() if v}
    for pat in m.post_patterns():
        tx = posts.filter(posts.text.notnull()).select(
            "platform", "account_id", term=posts.text.re_extract(pat, 1))
        tx = tx.filter(tx.term.notnull() & (tx.term != ""))
        tx = tx.group_by(["platform", "account_id", "term"]).aggregate(n=tx.count())
        for p_, a_, term, n in objcols(tx.execute()).itertuples(index=False):
            key = (p_, str(a_))
            hit = m.term_region.get(str(term).lower())
            if key in strong or not hit:
                continue
            k = min(int(n), _CAPS["posts"] - cap[key, "posts"])
            if k > 0:
                cap[key, "posts"] += k
                vote(key, hit[0], "posts", REGION_WEIGHTS["posts"] * k)

    # interactions with accounts whose region is known (after the evidence above)
    known: dict[tuple[str, str], str] = dict(exported)
    for key, v in votes.items():
        if key not in known:
            tot = {c: sum(k.values()) for c, k in v.items()}
            best = max(tot, key=tot.get)
            if tot[best] >= REGION_WEIGHTS["bio"]:
                known[key] = best
    local_keys = {(p, str(a)) for p, a, t in zip(acc.platform, acc.account_id, acc.account_type)
                  if t in ("city", "media")}
    edges = objcols(interaction_edges(ws).execute())
    # Interactions are evidence only when consistent: at least MIN_INTERACTIONS replies or
    # mentions to accounts with a known region, most of them (>= half) to one region.
    # Replying once to a Samarinda account says little; people comment across the province.
    inter: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for p_, s_, d_, n_ in zip(edges.platform.tolist(), edges.src.tolist(), edges.dst.tolist(),
                              edges.n.tolist()):
        src, dst = (p_, str(s_)), (p_, str(d_))
        code = known.get(dst)
        if not code or src == dst:
            continue
        c = inter[src][code]
        c[0] += int(n_)
        c[1] += int(n_) if dst in local_keys else 0
    for src, by in inter.items():
        total = sum(v[0] for v in by.values())
        code = max(by, key=lambda k: by[k][0])
        n, n_local = by[code]
        if total < MIN_INTERACTIONS or n / total < 0.5:
            continue
        n = min(n, _CAPS["interaction"])
        kind = "local_account" if n_local * 2 >= n else "interaction"
        vote(src, code, kind, REGION_WEIGHTS[kind] * n)

    rows = []
    now = utcnow()
    methods: dict[str, int] = defaultdict(int)
    for row in acc.itertuples(index=False):
        key = (row.platform, str(row.account_id))
        if key in exported:
            rows.append((key[0], key[1], exported[key], 1.0, "exported", now))
            methods["exported"] += 1
            continue
        v = votes.get(key)
        if not v:
            continue
        tot = {c: sum(k.values()) for c, k in v.items()}
        best = max(tot, key=tot.get)
        total = sum(tot.values())
        conf = tot[best] / total * (1 - math.exp(-tot[best] / 2))
        method = max(v[best], key=v[best].get)
        rows.append((key[0], key[1], best, round(conf, 4), method, now))
        methods[method] += 1
    df = pd.DataFrame(rows, columns=["platform", "account_id", "region", "confidence", "method",
                                     "inferred_at"])
    if write:
        s.replace("account_regions", df)
        # cached mention views carry the old regions
        from suara.analyse.brand import _release
        for v in ws.__dict__.pop("_suara_analysis_cache", {}).values():
            if hasattr(v, "release"):
                _release(v)
    return {"accounts": int(len(acc)), "inferred": int(len(df)) - methods.get("exported", 0),
            "with_region": int(len(df)), "by_method": dict(methods),
            "by_region": {k: int(v) for k, v in df.region.value_counts().items()} if len(df) else {},
            "table": df}


def interaction_edges(ws) -> ibis.Table:
    """(platform, src, dst, kind, n): replies/comments/shares to a parent post's author, and
    @-mentions resolved to accounts by handle, aggregated per account pair (an Ibis table).

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> interaction_edges(ws).count().execute()
    0
    """
    p = ws.store.table("posts")
    child = p.filter(p.parent_id.notnull()).select(
        "platform", src=p.account_id, parent_id=p.parent_id, kind=p.kind)
    parent = p.select(pplatform=p.platform, ppost=p.post_id, dst=p.account_id)
    j = child.inner_join(parent, [child.platform == parent.pplatform, child.parent_id == parent.ppost])
    reply = j.select("platform", "src", "dst",
                     kind=ibis.ifelse(j.kind == "share", "share", "reply"))
    a = ws.store.table("accounts")
    handles = a.filter(a.handle.notnull()).select(
        hplatform=a.platform, hh=a.handle.lower(), dst=a.account_id)
    mm = p.filter(p.mentions.notnull()).select("platform", src=p.account_id, h=p.mentions.unnest())
    mm = mm.mutate(h=mm.h.lower().lstrip().re_replace(r"^@", ""))
    mj = mm.inner_join(handles, [mm.platform == handles.hplatform, mm.h == handles.hh])
    ment = mj.select("platform", "src", "dst", kind=ibis.literal("mention"))
    u = reply.union(ment)
    u = u.filter(u.src.notnull() & u.dst.notnull())
    return u.group_by(["platform", "src", "dst", "kind"]).aggregate(n=u.count())


# --------------------------------------------------------------------------------------
# regions and regional gaps
def regions_section(ws) -> dict[str, Any]:
    """The ``regions`` section: region inference summary, and per region (BPS code) its DPT
    weight, located accounts, mentions and share of voice per pair, and the regional gap.

    ``voice_index`` of a pair in a region = (share of the pair's located mentions that come
    from the region) / (the region's share of the DPT): below 1 the pair is under-heard there
    relative to its voters. ``conversation_index`` is the same for all mentions together (how
    loud the region is online). ``gaps`` lists, per pair, regions from most under-heard.
    Twice: all and filtered.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> regions_section(ws)["inference"]["accounts"]
    0
    """
    ensure_regions(ws)
    el = ws.election
    s = ws.store
    ar = s.table("account_regions")
    inf = ar.group_by("method").aggregate(n=ar.count(), conf=ar.confidence.mean()).execute()
    n_acc = int(s.table("accounts").count().execute())
    located = int(inf.n.sum()) if len(inf) else 0
    inference = {"accounts": n_acc, "located": located,
                 "coverage": safe_float(located / n_acc if n_acc else 0.0),
                 "by_method": {r.method: {"accounts": int(r.n), "mean_confidence": safe_float(r.conf, 3)}
                               for r in inf.itertuples(index=False)}}
    total_dpt = el.total_dpt or 0
    names = region_names(el)
    ballots = list(el.ballots)
    out: dict[str, Any] = {"inference": inference, "names": names}
    for v in ("all", "filtered"):
        t = candidate_mentions(ws, v == "filtered")
        df = t.group_by(["region", "candidate"]).aggregate(n=t.count(), acc=t.acct.nunique(),
                                                          pos=t.pos.sum(), neg=t.neg.sum()).execute()
        accs = t.group_by("region").aggregate(acc=t.acct.nunique()).execute()
        acc_by = {r.region: int(r.acc) for r in accs.itertuples(index=False) if isinstance(r.region, str)}
        loc = df[df.region.isin(list(names))]
        cand_tot = loc.groupby("candidate").n.sum().to_dict()
        all_tot = float(loc.n.sum())
        regions = {}
        for r in el.regions:
            sub = loc[loc.region == r.code]
            rt = float(sub.n.sum())
            w = (r.dpt or 0) / total_dpt if total_dpt else None
            row = {"name": r.name, "dpt": r.dpt, "dpt_weight": safe_float(w),
                   "accounts": acc_by.get(r.code, 0), "mentions": int(rt),
                   "conversation_index": safe_float((rt / all_tot) / w if all_tot and w else None, 3),
                   "pairs": {}}
            for b in ballots:
                cs = sub[sub.candidate == b]
                n = int(cs.n.sum())
                ct = cand_tot.get(b, 0)
                row["pairs"][b] = {
                    "mentions": n, "share": safe_float(n / rt if rt else 0.0),
                    "net_sentiment": safe_float((int(cs.pos.sum()) - int(cs.neg.sum())) / n if n else None),
                    "voice_index": safe_float((n / ct) / w if ct and w else None, 3),
                    "official_result_share": safe_float(
                        r.result.get(b, 0) / sum(r.result.values()) if r.result else None)}
            regions[r.code] = row
        unknown = int(df[~df.region.isin(list(names))].n.sum())
        gaps = {}
        for b in ballots:
            lst = [(c, d["pairs"][b]["voice_index"]) for c, d in regions.items()
                   if d["pairs"][b]["voice_index"] is not None]
            lst.sort(key=lambda x: x[1])
            gaps[b] = [{"region": c, "name": names[c], "voice_index": vi,
                        "dpt_weight": regions[c]["dpt_weight"]} for c, vi in lst]
        out[v] = {"regions": regions, "unlocated_mentions": unknown, "gaps": gaps}
    return out


# --------------------------------------------------------------------------------------
# segments
def account_segments(ws, filtered: bool = False) -> pd.DataFrame:
    """One row per account that mentions a pair: region, stance toward each pair
    (``stance_<ballot>``), audience ``group`` (``supporter:<b>``, ``opponent:<b>``,
    ``persuadable`` = neutral or mixed, ``critical_of_all``), ``mentions``, ``activity``
    (occasional 1-2, regular 3-9, heavy 10+), ``daypart`` of most posts (local time),
    ``top_issue`` and ``issues`` engaged, ``platform``.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> len(account_segments(ws))
    0
    """
    ensure_regions(ws)
    if filtered:
        # an unflagged account's own rows are the same in both views: drop flagged ones
        return _memo(ws, ("account_segments", True),
                     lambda: drop_flagged(ws, account_segments(ws, False)))
    return _memo(ws, ("account_segments", False), lambda: _account_segments(ws, False))


def _account_segments(ws, filtered: bool) -> pd.DataFrame:
    ballots = list(ws.election.ballots)
    st = account_stances(ws, filtered)
    cols = ["platform", "account_id", "region", "region_confidence", "group", "mentions",
            "activity", "daypart", "top_issue", "issues", *[f"stance_{b}" for b in ballots]]
    if not len(st):
        return pd.DataFrame(columns=cols)
    t = candidate_mentions(ws, filtered)
    lt = local_time(ws, t.created_at)
    per = t.group_by(["platform", "account_id"]).aggregate(
        mentions=t.post_id.nunique(), region=t.region.arbitrary(),
        region_confidence=t.region_confidence.max())
    hrs = t.mutate(h=lt.hour()).group_by(["platform", "account_id", "h"]).aggregate(n=ibis._.count())
    e = base.enriched(ws)
    if filtered:
        e = base.without_flagged(e, ws)
    e = e.filter(e.issues.notnull())
    iss = e.select("platform", "account_id", issue=e.issues.unnest())
    iss = iss.group_by(["platform", "account_id", "issue"]).aggregate(n=iss.count())
    iss = iss.mutate(rk=ibis.row_number().over(group_by=[iss.platform, iss.account_id],
                                               order_by=[ibis.desc(iss.n), iss.issue]))
    iss = iss.filter(iss.rk < 5)   # the five most frequent issues of each account
    acc = per.execute()
    hd = hrs.execute()
    idf = iss.execute()
    for d in (acc, hd, idf, st):
        d["account_id"] = d.account_id.astype(str).astype(object)
        d["platform"] = d.platform.astype(object)
    keys = ["platform", "account_id"]
    # vectorised: per-row Python over Arrow-backed columns costs seconds at 100k accounts
    hd = hd.sort_values(["n", "h"], ascending=[False, True]).drop_duplicates(keys).set_index(keys)
    h = hd.h.to_numpy()
    hd["daypart"] = np.select([h < 5, h < 11, h < 17, h < 22], ["night", "morning", "afternoon", "evening"],
                              "night")
    idf["issue"] = idf.issue.astype(str).astype(object)
    idf = idf.sort_values(["n", "issue"], ascending=[False, True])
    lists: dict[tuple, list] = {}
    for p, a, i in zip(idf.platform.tolist(), idf.account_id.tolist(), idf.issue.tolist()):
        lists.setdefault((p, a), []).append(i)
    il = pd.Series(list(lists.values()), dtype=object, name="issues",
                   index=pd.MultiIndex.from_tuples(list(lists), names=keys) if lists else
                   pd.MultiIndex.from_arrays([[], []], names=keys))
    piv = st.pivot_table(index=keys, columns="candidate", values="stance", aggfunc="first")
    piv = piv.reindex(columns=ballots).fillna("silent")
    sup = (piv == "supporter")
    opp = (piv == "opponent")
    ns, no = sup.sum(axis=1), opp.sum(axis=1)
    first_sup = sup.idxmax(axis=1)
    first_opp = opp.idxmax(axis=1)
    grp = np.select([ns == 1, (ns == 0) & (no == 1), (ns == 0) & (no >= 2)],
                    ["supporter:" + first_sup.astype(str), "opponent:" + first_opp.astype(str),
                     "critical_of_all"], "persuadable")
    piv.columns = [f"stance_{b}" for b in piv.columns]
    piv["group"] = grp
    out = acc.set_index(keys).join(piv, how="left").join(hd[["daypart"]], how="left").join(il, how="left")
    out = out.reset_index()
    out["region"] = out.region.astype(object).where(out.region.notnull(), None)
    out["region_confidence"] = out.region_confidence.astype(float).round(3)
    out["mentions"] = out.mentions.astype(int)
    lv = [lo for _, lo in ACTIVITY_LEVELS]
    out["activity"] = pd.cut(out.mentions, bins=[*lv, np.inf], right=False,
                             labels=[n for n, _ in ACTIVITY_LEVELS]).astype(object)
    out["daypart"] = out.daypart.fillna("unknown")
    out["issues"] = [x if isinstance(x, list) else [] for x in out.issues]
    out["top_issue"] = [x[0] if x else None for x in out.issues]
    out["group"] = out.group.fillna("persuadable")
    for b in ballots:
        out[f"stance_{b}"] = out[f"stance_{b}"].fillna("silent")
    return out[cols]


def persuadables(ws, filtered: bool = True, top: int = 20, seg: pd.DataFrame | None = None) -> dict[str, Any]:
    """Persuadable accounts (neutral or mixed toward the pairs): how many, where, and the
    issues they respond to — ``lift`` = share of persuadables engaging an issue / share of
    all accounts engaging it (above 1: an issue that speaks to the undecided). Accounts are
    listed pseudonymised (citizens) and only with aggregate attributes.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> persuadables(ws)["accounts"]
    0
    """
    seg = account_segments(ws, filtered) if seg is None else seg
    per = seg[seg.group == "persuadable"]
    n_all, n_p = len(seg), len(per)
    names = region_names(ws.election)

    def issue_share(df):
        c: dict[str, int] = {}
        for il in df.issues:
            for i in set(il):
                c[i] = c.get(i, 0) + 1
        return c
    ia, ip = issue_share(seg), issue_share(per)
    issues = []
    for i, k in sorted(ip.items(), key=lambda x: -x[1]):
        sa = ia.get(i, 0) / n_all if n_all else 0
        sp = k / n_p if n_p else 0
        issues.append({"issue": i, "accounts": k, "share": safe_float(sp),
                       "lift": safe_float(sp / sa if sa else None, 2)})
    by_region = {}
    for code, sub in per.groupby(per.region.fillna("unknown")):
        tot = int((seg.region.fillna("unknown") == code).sum())
        by_region[code] = {"name": names.get(code, code), "accounts": len(sub),
                           "share_of_region": safe_float(len(sub) / tot if tot else None)}
    prof = account_profiles(ws).set_index(["platform", "account_id"])
    ps = Pseudonymiser(ws)
    lst = []
    for r in per.sort_values("mentions", ascending=False).head(top).itertuples(index=False):
        typ = prof.type.get((r.platform, r.account_id), "citizen") if len(prof) else "citizen"
        lst.append({"account": ps(typ, r.platform, r.account_id,
                                  prof.handle.get((r.platform, r.account_id)) if len(prof) else None),
                    "type": typ, "platform": r.platform, "region": r.region,
                    "mentions": int(r.mentions), "issues": list(r.issues)[:3]})
    return {"accounts": n_p, "share_of_accounts": safe_float(n_p / n_all if n_all else 0.0),
            "issues": issues, "by_region": by_region, "top_accounts": lst}


def _weekly_groups(ws, filtered: bool, seg: pd.DataFrame) -> dict[str, dict[str, int]]:
    t = candidate_mentions(ws, filtered)
    w = t.mutate(week=local_time(ws, t.created_at).truncate("W").date())
    aw = objcols(w.group_by(["platform", "account_id", "week"]).aggregate(n=w.count()).execute())
    if not len(aw):
        return {}
    aw["account_id"] = aw.account_id.astype(str).astype(object)
    aw = aw.merge(seg[["platform", "account_id", "group"]], on=["platform", "account_id"], how="left")
    out: dict[str, dict[str, int]] = {}
    for (wk, g), sub in aw.groupby(["week", "group"]):
        out.setdefault(pd.Timestamp(wk).date().isoformat(), {})[g] = int(len(sub))
    return out


def segments_section(ws, top: int = 30) -> dict[str, Any]:
    """The ``segments`` section: per view (all, filtered) the size of each audience group,
    stance toward each pair by region, the largest segments (region x group x top issue x
    activity x platform), marginal sizes per dimension, weekly active accounts per group
    (trend), and :func:`persuadables`.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> segments_section(ws)["all"]["accounts"]
    0
    """
    ensure_regions(ws)
    names = region_names(ws.election)
    out: dict[str, Any] = {"dimensions": ["region", "group", "top_issue", "activity", "platform"]}
    for v in ("all", "filtered"):
        seg = account_segments(ws, v == "filtered")
        if not len(seg):
            out[v] = {"accounts": 0, "groups": {}, "stance_by_region": {}, "segments": [],
                      "marginals": {}, "weekly": {}, "persuadables": persuadables(ws, v == "filtered", seg=seg)}
            continue
        seg["region_key"] = seg.region.fillna("unknown")
        seg["issue_key"] = seg.top_issue.fillna("none")
        groups = seg.group.value_counts().to_dict()
        sbr: dict[str, Any] = {}
        for b in ws.election.ballots:
            ct = seg.groupby(["region_key", f"stance_{b}"]).size()
            d: dict[str, dict[str, int]] = {}
            for (rk, s), n in ct.items():
                d.setdefault(rk, {})[s] = int(n)
            sbr[b] = d
        keys = ["region_key", "group", "issue_key", "activity", "platform"]
        sz = seg.groupby(keys).agg(accounts=("account_id", "size"), mentions=("mentions", "sum"))
        sz = sz.sort_values(["accounts", "mentions"], ascending=False).head(top).reset_index()
        segments = [{"region": r.region_key, "region_name": names.get(r.region_key, r.region_key),
                     "group": r.group, "issue": r.issue_key, "activity": r.activity,
                     "platform": r.platform, "accounts": int(r.accounts), "mentions": int(r.mentions)}
                    for r in sz.itertuples(index=False)]
        marg = {k: {str(a): int(n) for a, n in seg[k].value_counts().items()}
                for k in ("region_key", "group", "issue_key", "activity", "platform", "daypart")}
        marg["region"] = marg.pop("region_key")
        marg["issue"] = marg.pop("issue_key")
        out[v] = {"accounts": int(len(seg)), "groups": {k: int(n) for k, n in groups.items()},
                  "stance_by_region": sbr, "segments": segments, "marginals": marg,
                  "weekly": _weekly_groups(ws, v == "filtered", seg),
                  "persuadables": persuadables(ws, v == "filtered", seg=seg)}
    return out


# --------------------------------------------------------------------------------------
# message resonance and recommendations
_GROUP_TEXT = {
    "en": {"persuadable": "persuadable (undecided) accounts", "critical_of_all": "accounts critical of every pair",
           "supporter": "supporters of {p}", "opponent": "opponents of {p}"},
    "id": {"persuadable": "akun yang belum menentukan pilihan", "critical_of_all": "akun yang kritis terhadap semua paslon",
           "supporter": "pendukung {p}", "opponent": "penentang {p}"},
}


def group_label(election, group: str, lang: str = "en") -> str:
    """Human label of an audience group.

    Example
    -------
    >>> from suara.config import load_election
    >>> group_label(load_election("kaltim-2024"), "supporter:2")
    'supporters of 2 Rudy-Seno'
    """
    tx = _GROUP_TEXT.get(lang, _GROUP_TEXT["en"])
    if ":" in group:
        kind, b = group.split(":", 1)
        return tx.get(kind, kind).format(p=pair_label(election, b))
    return tx.get(group, group)


def _issue_label(election, issue: str, lang: str) -> str:
    for i in election.issues:
        if i.id == issue:
            return i.label_en if lang == "en" else i.label_id
    return issue


def recommendation_text(rec: dict, election, lang: str = "en") -> str:
    """One explainable sentence for a resonance cell.

    Example
    -------
    >>> from suara.config import load_election
    >>> r = {"region": "6403", "group": "persuadable", "issue": "jalan_infrastruktur",
    ...      "format": "video", "lift": 2.3, "posts": 12, "responses": 40, "basis": "replies"}
    >>> recommendation_text(r, load_election("kaltim-2024"))[:60]
    'In Kutai Kartanegara, posts on Roads & infrastructure in vid'
    """
    names = region_names(election)
    where = names.get(rec["region"], rec["region"]) if rec["region"] != "all" else None
    issue = _issue_label(election, rec["issue"], lang)
    grp = group_label(election, rec["group"], lang)
    lift = rec["lift"]
    if lang == "en":
        what = ("non-negative replies from " + grp) if rec["basis"] == "replies" else \
            ("interactions on posts by " + grp)
        head = f"In {where}, p" if where else "P"
        return (f"{head}osts on {issue} in {rec['format']} format get {lift:.1f}x the usual "
                f"{what} ({rec['posts']} posts, {rec['responses']} {'replies' if rec['basis'] == 'replies' else 'interactions'}).")
    what = ("balasan non-negatif dari " + grp) if rec["basis"] == "replies" else \
        ("interaksi pada unggahan " + grp)
    head = f"Di {where}, u" if where else "U"
    lifts = f"{lift:.1f}".replace(".", ",")
    return (f"{head}nggahan tentang {issue} berformat {rec['format']} mendapat {lifts}x "
            f"{what} dibanding biasanya ({rec['posts']} unggahan, {rec['responses']} "
            f"{'balasan' if rec['basis'] == 'replies' else 'interaksi'}).")


def _cells(resp: pd.DataFrame, posts: pd.DataFrame, base_n: pd.Series, min_posts: int,
           min_resp: int, prior: float, basis: str) -> list[dict]:
    """Lift of (region, group, issue, format) cells over the (region, group) baseline.

    ``resp``: responses per (region, group, issue, fmt) with column ``resp``;
    ``posts``: number of posts per cell (``n``, indexed like ``resp`` or by (issue, fmt));
    ``base_n``: (region, group) -> (total responses, number of posts in the universe).
    Shrinkage: ``(responses + prior * baseline) / (posts + prior)``, an empirical-Bayes mean
    that pulls a cell with few posts toward the baseline.
    """
    if not len(resp):
        return []
    d = resp.join(base_n, on=["region", "group"])
    d = d.join(posts, on=list(posts.index.names))
    d = d[(d.n >= min_posts) & (d.resp >= min_resp) & (d.base_posts > 0) & (d.base_resp > 0)]
    out = []
    for r in d.itertuples(index=False):
        base_mean = r.base_resp / r.base_posts
        mean = r.resp / r.n
        shr = (r.resp + prior * base_mean) / (r.n + prior)
        out.append({"region": r.region, "group": r.group, "issue": str(r.issue), "format": str(r.fmt),
                    "posts": int(r.n), "responses": int(r.resp),
                    "per_post": safe_float(mean, 3), "baseline_per_post": safe_float(base_mean, 3),
                    "lift": safe_float(mean / base_mean, 2),
                    "lift_shrunk": safe_float(shr / base_mean, 2), "basis": basis})
    return out


def _with_pooled(df: pd.DataFrame) -> pd.DataFrame:
    pooled = df.copy()
    pooled["region"] = "all"
    return pd.concat([df, pooled], ignore_index=True)


def _resonance_frames(ws) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(replies per parent post and replier, top-level posts with issues, post x issue) for
    all accounts; both views of :func:`message_resonance` filter these in memory."""
    e = base.enriched(ws)
    top = e.filter(e.issues.notnull() & (e.parent_id.isnull() | (e.kind == "post")))
    parents = top.select(
        pplat=top.platform, ppost=top.post_id, fmt=ibis.coalesce(top.media_type, "text"),
        inter=(ibis.coalesce(top.likes, 0) + ibis.coalesce(top.comments, 0) + ibis.coalesce(top.shares, 0)),
        author=top.account_id.cast("string"))
    plong = top.select(pplat=top.platform, ppost=top.post_id, fmt=ibis.coalesce(top.media_type, "text"),
                       issue=top.issues.unnest())
    replies = e.filter(e.parent_id.notnull() & (e.kind != "share")).select(
        "platform", "account_id", "parent_id",
        ok=ibis.coalesce(e.sentiment, "neutral") != "negative")
    j = replies.inner_join(parents.select("pplat", "ppost"),
                           [replies.platform == parents.pplat, replies.parent_id == parents.ppost])
    rep = objcols(j.group_by(["platform", "parent_id", "account_id"]).aggregate(
        ok=j.ok.ifelse(1, 0).sum()).execute())
    pdf = objcols(parents.execute())
    pl = objcols(plong.execute())
    for d, a, b in ((pdf, "pplat", "ppost"), (pl, "pplat", "ppost"), (rep, "platform", "parent_id")):
        d["post_key"] = (d[a].astype(str) + ":" + d[b].astype(str)).astype(object)
    rep["account_id"] = rep.account_id.astype(str).astype(object)
    pdf["author"] = pdf.author.astype(str).astype(object)
    return rep, pdf, pl


def message_resonance(ws, filtered: bool = True, min_posts: int = 5, min_responses: int = 5,
                      prior: float = 5.0, seg: pd.DataFrame | None = None) -> list[dict]:
    """Resonance cells: for each (region, audience group), which (issue, format) of posts
    gets above-baseline responses.

    Two bases: ``replies`` — non-negative replies/comments written by accounts of the group
    in the region, per commented post with that issue and format, against the same per any
    commented post; ``authors`` — interactions (likes + comments + shares) of posts written
    by the group in the region with that issue and format against all their posts. Cells
    need ``min_posts`` posts and ``min_responses`` responses; lifts are also given shrunk
    toward 1 (``lift_shrunk``) and cells are ranked by it. Region ``"all"`` pools regions.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> message_resonance(ws)
    []
    """
    seg = account_segments(ws, filtered) if seg is None else seg
    if not len(seg):
        return []
    who = seg[["platform", "account_id", "region", "group"]].copy()
    who["region"] = who.region.fillna("unknown")
    rep, pdf, pl = _memo(ws, "resonance_frames", lambda: _resonance_frames(ws), copy=False)
    if not len(pdf):
        return []
    if filtered:
        # posts by flagged accounts leave the universe; flagged repliers and authors are not
        # in `who` (segments of the filtered view) and drop out in the merges below
        fl = objcols(base.flagged(ws).execute())
        bad = set(zip(fl.platform.tolist(), fl.account_id.astype(str).tolist()))
        if bad:
            drop = set(pdf.post_key[[k in bad for k in zip(pdf.pplat.tolist(), pdf.author.tolist())]])
            pdf = pdf[~pdf.post_key.isin(drop)]
            pl = pl[~pl.post_key.isin(drop)]
            rep = rep[~rep.post_key.isin(drop)]
    recs: list[dict] = []
    if len(rep):
        rep = rep.merge(who, on=["platform", "account_id"], how="inner")
        commented = pd.Index(rep.post_key.unique())
        cl = pl[pl.post_key.isin(commented)]
        cell_posts = cl.groupby(["issue", "fmt"]).post_key.nunique().rename("n").to_frame()
        r2 = _with_pooled(rep[["post_key", "region", "group", "ok"]])
        base_n = r2.groupby(["region", "group"]).ok.sum().rename("base_resp").to_frame()
        base_n["base_posts"] = len(commented)
        cells = r2.merge(cl[["post_key", "issue", "fmt"]], on="post_key")
        cells = cells.groupby(["region", "group", "issue", "fmt"], as_index=False).ok.sum().rename(
            columns={"ok": "resp"})
        recs += _cells(cells, cell_posts, base_n, min_posts, min_responses, prior, "replies")
    au = pdf.merge(who, left_on=["pplat", "author"], right_on=["platform", "account_id"], how="inner")
    if len(au):
        au = _with_pooled(au[["post_key", "region", "group", "inter"]])
        base_n = au.groupby(["region", "group"]).agg(base_resp=("inter", "sum"), base_posts=("post_key", "nunique"))
        cells = au.merge(pl[["post_key", "issue", "fmt"]], on="post_key")
        g = cells.groupby(["region", "group", "issue", "fmt"])
        cells = g.agg(resp=("inter", "sum"), n=("post_key", "nunique")).reset_index()
        posts = cells.set_index(["region", "group", "issue", "fmt"])[["n"]]
        recs += _cells(cells.drop(columns="n"), posts, base_n, min_posts, min_responses, prior, "authors")
    recs = [r for r in recs if r["lift_shrunk"] and r["lift_shrunk"] > 1.0]
    recs.sort(key=lambda r: (-r["lift_shrunk"], -r["responses"]))
    return recs


def recommendations_section(ws, top: int = 20, per_segment: int = 3) -> dict[str, Any]:
    """The ``recommendations`` section: the best-ranked resonance cells (see
    :func:`message_resonance`) as explainable sentences in Indonesian and English, with
    persuadable audiences first, at most ``per_segment`` per (region, audience), accounts of
    unknown region only in the province-wide cells. Computed on the filtered view
    (coordinated accounts removed, so buzzers cannot fake resonance); the same for all
    accounts is under ``all``.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> recommendations_section(ws)["recommendations"]
    []
    """
    ensure_regions(ws)
    el = ws.election
    out: dict[str, Any] = {}
    for v in ("filtered", "all"):
        cells = message_resonance(ws, filtered=v == "filtered")
        # a region nobody could be placed in is not a target; the pooled "all" covers them
        usable = [c for c in cells if c["region"] != "unknown"]
        picked, per_seg = [], defaultdict(int)
        for c in usable:   # already best first; at most `per_segment` per (region, group)
            k = (c["region"], c["group"])
            if per_seg[k] < per_segment:
                per_seg[k] += 1
                picked.append(c)
        pers = [c for c in picked if c["group"] == "persuadable"]
        rest = [c for c in picked if c["group"] != "persuadable"]
        ranked = (pers[: top // 2] + rest)[:top] if pers else rest[:top]
        ranked.sort(key=lambda r: (r["group"] != "persuadable", -r["lift_shrunk"]))
        for i, c in enumerate(ranked, 1):
            c["rank"] = i
            c["text_en"] = recommendation_text(c, el, "en")
            c["text_id"] = recommendation_text(c, el, "id")
        out[v] = {"recommendations": ranked, "cells": len(cells)}
    out["recommendations"] = out["filtered"]["recommendations"]
    return out


# --------------------------------------------------------------------------------------
# daily report sections
_AT = {
    "id": {
        "reg": "Wilayah & kesenjangan suara",
        "reg_explain": "Indeks suara = porsi penyebutan paslon yang berasal dari wilayah itu dibagi bobot wilayah "
                       "dalam DPT. Di bawah 1: paslon kurang terdengar di sana dibanding jumlah pemilihnya. Wilayah "
                       "akun ditebak dari lokasi profil, bio, geotag, nama tempat dan interaksi dengan akun lokal.",
        "region": "Wilayah", "dpt": "Bobot DPT", "index": "Indeks suara", "coverage": "Akun dengan wilayah",
        "seg": "Segmen audiens",
        "seg_explain": "Akun dikelompokkan menurut wilayah × sikap terhadap tiap paslon (pendukung: sentimen rata-rata "
                       "≥ 0,2; penentang: ≤ −0,2; lainnya bisa diyakinkan) × isu × aktivitas × platform. Tanpa buzzer.",
        "group": "Kelompok", "accounts": "Akun", "issue": "Isu", "lift": "Lift", "pers": "Akun yang bisa diyakinkan",
        "activity": "Aktivitas",
        "rec": "Rekomendasi pesan",
        "rec_explain": "Isu dan format yang mendapat respons di atas rata-rata di tiap segmen (tanpa buzzer). "
                       "Lift = respons per unggahan dibanding rata-rata segmen; diperingkat setelah penyusutan ke 1 "
                       "untuk sel dengan sedikit unggahan.",
        "none": "Belum cukup data untuk rekomendasi.",
    },
    "en": {
        "reg": "Regions & voice gaps",
        "reg_explain": "Voice index = share of the pair's mentions coming from the region divided by the region's "
                       "weight in the DPT. Below 1: the pair is under-heard there relative to its voters. Account "
                       "regions are inferred from profile location, bio, geotags, place names and local accounts.",
        "region": "Region", "dpt": "DPT weight", "index": "Voice index", "coverage": "Accounts with a region",
        "seg": "Audience segments",
        "seg_explain": "Accounts grouped by region × stance toward each pair (supporter: mean sentiment ≥ 0.2; "
                       "opponent: ≤ −0.2; else persuadable) × issue × activity × platform. Buzzers removed.",
        "group": "Group", "accounts": "Accounts", "issue": "Issue", "lift": "Lift", "pers": "Persuadable accounts",
        "activity": "Activity",
        "rec": "Message recommendations",
        "rec_explain": "Issues and formats that get above-baseline responses in each segment (buzzers removed). "
                       "Lift = responses per post against the segment's average; ranked after shrinking toward 1 "
                       "for cells with few posts.",
        "none": "Not enough data for recommendations yet.",
    },
}


def _at(lang):
    return _AT.get(lang, _AT["id"])


def regions_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section: voice index per region and pair (buzzers removed) and inference coverage.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> regions_report(ws, {"regions": regions_section(ws)}, "en")["title"]
    'Regions & voice gaps'
    """
    import plotly.graph_objects as go
    from suara.analyse.brand import html_table, pct
    from suara.report.charts import candidate_colours, figure_div
    reg = doc.get("regions")
    if not isinstance(reg, dict) or "error" in reg:
        return None
    t = _at(lang)
    col = candidate_colours(ws.election)
    f = reg["filtered"]["regions"]
    codes = list(f)
    fig = go.Figure()
    for b in ws.election.ballots:
        fig.add_bar(x=[f[c]["name"] for c in codes], y=[f[c]["pairs"][b]["voice_index"] for c in codes],
                    name=pair_label(ws.election, b), marker_color=col.get(b))
    fig.add_hline(y=1, line_dash="dot")
    fig.update_layout(barmode="group", title=t["index"])
    rows = [[f[c]["name"], pct(f[c]["dpt_weight"]), f"{f[c]['mentions']:,}",
             *[pct(f[c]["pairs"][b]["share"]) for b in ws.election.ballots],
             *[f[c]["pairs"][b]["voice_index"] for b in ws.election.ballots]] for c in codes]
    tbl = html_table([t["region"], t["dpt"], "n", *[f"{pair_label(ws.election, b)}" for b in ws.election.ballots],
                      *[f"{t['index']} {b}" for b in ws.election.ballots]], rows)
    inf = reg["inference"]
    cov = f"<p>{t['coverage']}: {inf['located']:,} / {inf['accounts']:,} ({pct(inf['coverage'])})</p>"
    return {"title": t["reg"], "explain": t["reg_explain"], "html": cov + figure_div(fig) + tbl}


def segments_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section: audience groups per region, largest segments and persuadables' issues.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> segments_report(ws, {"segments": segments_section(ws)}, "en")["title"]
    'Audience segments'
    """
    import plotly.graph_objects as go
    from suara.analyse.brand import html_table, pct
    from suara.report.charts import figure_div
    seg = doc.get("segments")
    if not isinstance(seg, dict) or "error" in seg:
        return None
    t = _at(lang)
    f = seg["filtered"]
    names = region_names(ws.election)
    body = ""
    groups = list(f.get("groups", {}))
    if groups:
        # groups per region from the segment list is partial; use weekly trend + marginals
        weeks = sorted(f.get("weekly", {}))
        fig = go.Figure()
        for g in groups:
            fig.add_scatter(x=weeks, y=[f["weekly"][w].get(g, 0) for w in weeks], mode="lines+markers",
                            name=group_label(ws.election, g, lang))
        fig.update_layout(title=t["accounts"] + " / week")
        body += figure_div(fig)
    rows = [[names.get(s["region"], s["region"]), group_label(ws.election, s["group"], lang),
             _issue_label(ws.election, s["issue"], lang), s["activity"], s["platform"], s["accounts"]]
            for s in f.get("segments", [])[:15]]
    body += html_table([t["region"], t["group"], t["issue"], t["activity"], "platform", t["accounts"]], rows)
    p = f.get("persuadables", {})
    body += f"<h3>{t['pers']}: {p.get('accounts', 0):,} ({pct(p.get('share_of_accounts'))})</h3>"
    body += html_table([t["issue"], t["accounts"], t["lift"]],
                       [[_issue_label(ws.election, i["issue"], lang), i["accounts"], i["lift"]]
                        for i in p.get("issues", [])[:10]])
    return {"title": t["seg"], "explain": t["seg_explain"], "html": body}


def recommendations_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section: the ranked recommendation sentences.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> recommendations_report(ws, {"recommendations": recommendations_section(ws)}, "en")["title"]
    'Message recommendations'
    """
    import html as h
    rec = doc.get("recommendations")
    if not isinstance(rec, dict) or "error" in rec:
        return None
    t = _at(lang)
    items = rec.get("recommendations", [])
    if not items:
        return {"title": t["rec"], "explain": t["rec_explain"], "html": f"<p>{t['none']}</p>"}
    key = "text_en" if lang == "en" else "text_id"
    li = "".join(f"<li>{h.escape(r[key])} <small>(lift {r['lift']}, shrunk {r['lift_shrunk']})</small></li>"
                 for r in items[:12])
    return {"title": t["rec"], "explain": t["rec_explain"], "html": f"<ol>{li}</ol>"}
