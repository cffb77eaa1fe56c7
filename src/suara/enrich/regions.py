"""Region inference, an enrich step: the home region (kabupaten/kota BPS code) of every
account, with a confidence and the evidence used, written atomically to ``account_regions``.

Unlike the per-post components, it works on the whole workspace (profiles, geotags, place
names in posts, interactions with accounts whose region is known), so it runs once after
the post batches of `suara enrich` (:class:`RegionInference`, ``scope = "workspace"``), and
again only when accounts or posts changed since (:func:`ensure_regions`). Analyses only read
``account_regions``.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> infer_regions(ws)["accounts"]
0
>>> RegionInference().apply_workspace(ws), RegionInference().apply_workspace(ws)
(True, False)
"""
from __future__ import annotations

import contextlib
import math
import re
from collections import defaultdict
from typing import Any

import pandas as pd

from suara.enrich.base import Batch, Component, register
from suara.store.store import utcnow

__all__ = ["infer_regions", "ensure_regions", "region_matcher", "RegionMatcher", "interaction_edges",
           "RegionInference", "REGION_WEIGHTS", "MIN_INTERACTIONS"]

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
        self.loose_lower = {t.lower() for t in loose}
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
        def alt(terms: list[str]) -> str:
            return "|".join(re.escape(t).replace("\\ ", " ") for t in terms)
        out = []
        loose = [t for t in self._loose_terms if not self.is_topical(t)]
        strict = [t for t in self._strict_terms if not self.is_topical(t)]
        if loose:
            out.append("(?i)" + r"(?:^|[^\w])(" + alt(loose) + r")(?:[^\w]|$)")
        if strict:
            # a longer name that contains a short one ("Papua Barat" / "Papua", "Penajam Paser
            # Utara" / "Paser") is tried first, so the short one is not read inside it; the
            # caller skips these longer terms here (the first pattern counts them)
            longer = [t for t in loose if any(re.search(r"(?<!\w)" + re.escape(x) + r"(?!\w)", t) for x in strict)]
            pre = "(?i:" + alt(longer) + ")|" if longer else ""
            out.append(r"(?:^|[^\w])(" + pre + alt(strict) + r")(?:[^\w]|$)")
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
        # longest first at each position; a match inside a longer one ("Papua" in "Papua
        # Barat": the two patterns match independently) is dropped
        hits.sort(key=lambda h: (h[0], -len(h[1])))
        out, end = [], -1
        for start, t in hits:
            if start < end:
                continue
            end = start + len(t)
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
    acc = _objcols(acc)
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
    gdf = _objcols(g.execute())
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
    for pi, pat in enumerate(m.post_patterns()):
        tx = posts.filter(posts.text.notnull()).select(
            "platform", "account_id", term=posts.text.re_extract(pat, 1))
        tx = tx.filter(tx.term.notnull() & (tx.term != ""))
        tx = tx.group_by(["platform", "account_id", "term"]).aggregate(n=tx.count())
        for p_, a_, term, n in _objcols(tx.execute()).itertuples(index=False):
            key = (p_, str(a_))
            hit = m.term_region.get(str(term).lower())
            if key in strong or not hit or (pi and str(term).lower() in m.loose_lower):
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
    edges = _objcols(interaction_edges(ws).execute())
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
        # cached mention views of the analyses carry the old regions
        for v in ws.__dict__.pop("_suara_analysis_cache", {}).values():
            if hasattr(v, "release"):
                with contextlib.suppress(Exception):
                    v.release()
    return {"accounts": int(len(acc)), "inferred": int(len(df)) - methods.get("exported", 0),
            "with_region": int(len(df)), "by_method": dict(methods),
            "by_region": {k: int(v) for k, v in df.region.value_counts().items()} if len(df) else {},
            "table": df}


def interaction_edges(ws) -> "ibis.Table":
    """(platform, src, dst, kind, n): replies/comments/shares to a parent post's author, and
    @-mentions resolved to accounts by handle, aggregated per account pair (an Ibis table).

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> interaction_edges(ws).count().execute()
    0
    """
    import ibis
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


def _objcols(df: pd.DataFrame) -> pd.DataFrame:
    """String columns as Python objects (per-value loops over Arrow strings are slow)."""
    for c in df.columns:
        if pd.api.types.is_string_dtype(df[c].dtype) and df[c].dtype != object:
            df[c] = df[c].astype(object)
    return df


def workspace_counts(ws) -> dict:
    """``n_posts``, ``last`` (newest import), ``n_acc`` and ``last_acc`` (newest account
    sighting): what the workspace steps' signatures read. Plain SQL on DuckDB (the enrich
    stage need not import Ibis), Ibis on other engines; the same values either way."""
    s = ws.store
    if getattr(s, "engine", "duckdb") == "duckdb" and hasattr(s, "sql"):
        row = s.sql("SELECT (SELECT count(*) FROM posts) AS n_posts, (SELECT max(ingested_at) "
                    "FROM posts) AS last, (SELECT count(*) FROM accounts) AS n_acc, "
                    "(SELECT max(last_seen) FROM accounts) AS last_acc").iloc[0]
    else:
        p, a = s.table("posts"), s.table("accounts")
        row = p.aggregate(n_posts=p.count(), last=p.ingested_at.max()).cross_join(
            a.aggregate(n_acc=a.count(), last_acc=a.last_seen.max())).execute().iloc[0]
    return {k: row[k] for k in ("n_posts", "last", "n_acc", "last_acc")}


def _signature(ws) -> str:
    """What region inference reads: the election, the number of accounts and posts and the
    last import time; any import changes it."""
    row = workspace_counts(ws)
    n_posts = int(row["n_posts"])
    return f"{ws.election.id}|{int(row['n_acc'])}|{n_posts}|{row['last'] if n_posts else None}"


def ensure_regions(ws) -> bool:
    """Run :func:`infer_regions` when accounts or posts changed since the last inference.

    Returns True when inference ran.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> ensure_regions(ws), ensure_regions(ws)
    (True, False)
    """
    sig = _signature(ws)
    if ws.store.meta(_META_KEY) == sig:
        return False
    infer_regions(ws)
    ws.store.set_meta(_META_KEY, sig)
    return True


@register
class RegionInference(Component):
    """The ``regions`` enrich step: nothing per post; once per `suara enrich` run it brings
    ``account_regions`` up to date (:func:`ensure_regions`)."""

    name = "regions"
    version = "v1"
    requires = ()
    assigns = ()
    default = False   # not a step of the per-post pipeline (its version is unchanged by it)
    scope = "workspace"

    def apply(self, batch: Batch) -> Batch:
        return batch

    def apply_workspace(self, ws) -> bool:
        return ensure_regions(ws)
