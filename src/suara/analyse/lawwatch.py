"""Election-law watch: campaign content that the rules of the election config forbid, for
watchdogs and for a campaign's own compliance.

Rules (all dates from the election config, read in its timezone):

* ``quiet_period`` — content from a pair's official or registered accounts during the quiet
  period (masa tenang, ``dates.quiet_start`` .. ``dates.quiet_end``);
* ``vote_day`` — the same on voting day (``dates.vote_day``);
* ``paid_outside_window`` — paid/boosted content (``posts.is_paid``, where an export marks
  it) from official accounts or about a pair, outside ``dates.paid_ads_start`` ..
  ``dates.paid_ads_end``;
* ``account_cap`` — more than ``max_official_accounts_per_platform`` official accounts of
  one pair seen on one platform.

Official accounts are (1) the pairs' ``official_accounts`` and ``tracked_accounts`` with a
``candidate`` in the config, and (2) accounts typed ``official`` in the data, attributed to
the pair they mention most (at least 60 % of their mentions); tracked accounts with no
candidate (the election body, the supervisor) are never treated as a pair's account.

Every finding lists its posts; :func:`export_evidence` writes them as CSV + JSON with UTC and
local timestamps, URLs and a SHA-256 hash of each post's content, plus a manifest with the
hash of each file.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> law_watch(ws)["findings"]
[]
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import pandas as pd

from suara.analyse.base import pair_label
from suara.analyse.section import Section, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["RULES", "nullable", "official_accounts", "official_table", "pair_key", "local_day_window", "find_violations", "law_watch",
           "law_watch_section", "content_hash", "export_evidence", "LawWatch"]

#: rule id -> (Indonesian, English) description
RULES = {
    "quiet_period": ("Konten kampanye akun resmi pada masa tenang",
                     "Campaign content from an official account during the quiet period"),
    "vote_day": ("Konten kampanye akun resmi pada hari pemungutan suara",
                 "Campaign content from an official account on voting day"),
    "paid_outside_window": ("Iklan berbayar di luar masa iklan kampanye",
                            "Paid/boosted content outside the paid-ads window"),
    "account_cap": ("Akun resmi melebihi batas per platform",
                    "More official accounts per platform than allowed"),
}
SEVERITY = {"quiet_period": "high", "vote_day": "high", "paid_outside_window": "medium", "account_cap": "medium"}
_META_KEY = "lawwatch.last_export"


def _norm(h: str | None) -> str:
    return (h or "").strip().lstrip("@").lower()


def local_day_window(start: dt.date, end: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) local time as naive UTC datetimes.

    Example
    -------
    >>> local_day_window(dt.date(2024, 11, 24), dt.date(2024, 11, 26), "Asia/Makassar")
    (datetime.datetime(2024, 11, 23, 16, 0), datetime.datetime(2024, 11, 26, 16, 0))
    """
    z = ZoneInfo(tz)

    def u(d):
        return dt.datetime.combine(d, dt.time(), z).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return u(start), u(end + dt.timedelta(days=1))


def nullable(t: ibis.Table) -> ibis.Table:
    """The same columns with nullable types, so that tables from different sources can be
    unioned (set operations require identical schemas, nullability included).

    Example
    -------
    >>> nullable(ibis.table({"a": "!string"}, name="t")).schema()["a"].nullable
    True
    """
    return t.select(**{c: t[c].cast(t[c].type().copy(nullable=True)) for c in t.columns})


def official_accounts(ws, min_share: float = 0.6, handle_patterns: bool = True) -> ibis.Table:
    """(platform, account_id, candidate, how) of every official/registered account of a pair.

    ``how``: ``registered`` (config ``official_accounts``), ``tracked`` (config
    ``tracked_accounts`` with a candidate), ``account_type`` (typed official in the data and
    mentioning one pair in >= ``min_share`` of its mentions) or ``handle`` (the handle names a
    pair, e.g. its short name or hashtag, and a campaign role: official, tim, relawan, ...; a
    lead, switched off with ``handle_patterns=False``).

    Example
    -------
    >>> import suara, tempfile
    >>> official_accounts(suara.init(tempfile.mkdtemp())).count().execute()
    0
    """
    e = ws.election
    reg = []
    for c in e.candidates:
        for plat, handles in c.official_accounts.items():
            reg += [{"platform": plat, "h": _norm(h), "candidate": c.ballot, "how": "registered"} for h in handles]
    no_pair = set()
    for t in e.tracked_accounts:
        if t.candidate:
            reg.append({"platform": t.platform, "h": _norm(t.handle), "candidate": str(t.candidate), "how": "tracked"})
        elif t.account_type == "official":
            no_pair.add((t.platform, _norm(t.handle)))
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "display_name", "account_type")
    acc = acc.mutate(h=acc.handle.lower().lstrip())
    parts = []
    if reg:
        # the config's accounts as literals in the query, not a table of them: the SQL is then
        # the same in every run and the read-ahead can start it (an in-memory table is named
        # at random per process). An account meets each entry (first per platform and handle)
        # whose handle is its handle or its id, as a join with a table of them would.
        first: dict[tuple, dict] = {}
        for x in reg:
            first.setdefault((x["platform"], x["h"]), x)
        by_h, by_id = pair_key(acc.platform, acc.h), pair_key(acc.platform, acc.account_id.lower())

        def entry(key, field):
            return ibis.cases(*[(key == pair_key(p, h), x[field]) for (p, h), x in first.items()],
                              else_=ibis.null("string"))
        keys = [pair_key(p, h) for p, h in first]
        hh = acc.filter(by_h.isin(keys))
        hi = acc.filter(by_id.isin(keys) & (by_h.isnull() | (by_id != by_h)))
        for t, key in ((hh, pair_key(hh.platform, hh.h)), (hi, pair_key(hi.platform, hi.account_id.lower()))):
            parts.append(t.select("platform", "account_id", candidate=entry(key, "candidate"), how=entry(key, "how")))
    # handles that name a pair and a campaign role ("rudyseno.official", "timisranhadi"): exports
    # rarely type accounts, and the registered list is often not public; these are leads
    # (how = "handle"), outranked by the config and by account types
    if handle_patterns:
        roles = ["official", "offic", "resmi", "tim", "relawan", "pemenangan", "mediacenter", "center"]
        roles.append(re.sub(r"[^a-z]", "", e.id.split("-")[0].lower()))
        role_re = "(" + "|".join(sorted({r for r in roles if len(r) >= 3})) + ")"
        # Facebook page exports often carry the page name only as display_name
        flat = ibis.coalesce(acc.handle, acc.display_name).lower().re_replace(r"[^a-z0-9]", "")
        for c in e.candidates:
            stems = {re.sub(r"[^a-z0-9]", "", x.lower()) for x in [c.short, *c.hashtags]}
            stems = sorted(x for x in stems if len(x) >= 6)
            if not stems:
                continue
            hit = acc.filter(flat.re_search("(" + "|".join(stems) + ")") & flat.re_search(role_re)
                             & acc.account_type.fill_null("unknown").isin(["official", "party", "unknown", "citizen"]))
            parts.append(hit.select("platform", "account_id", candidate=ibis.literal(c.ballot),
                                    how=ibis.literal("handle")))
    # accounts typed official in the data: attribute to the pair they mention most
    from suara.analyse.base import mentions
    off = acc.filter(acc.account_type == "official")
    if no_pair:
        off = off.filter(~pair_key(off.platform, off.h).isin([pair_key(p, h) for p, h in sorted(no_pair)])
                         .fill_null(False))
    m = mentions(ws).select("platform", "account_id", "candidate")
    mo = m.inner_join(off.select("platform", "account_id"), ["platform", "account_id"])
    per = mo.group_by(["platform", "account_id", "candidate"]).aggregate(n=mo.candidate.count())
    w = ibis.window(group_by=[per.platform, per.account_id])
    per = per.mutate(total=per.n.sum().over(w), best=per.n.max().over(w))
    per = per.filter((per.n == per.best) & (per.n >= per.total * min_share))
    parts.append(per.select("platform", "account_id", "candidate", how=ibis.literal("account_type")))
    u = nullable(parts[0])
    for p in parts[1:]:
        u = u.union(nullable(p))
    # an account registered in the config wins over an attribution from mentions
    rank = ibis.cases((u.how.isin(["registered", "tracked"]), 0), (u.how == "account_type", 1), else_=2)
    # ties by pair and how: every query that reads this picks the same row for an account
    w2 = ibis.window(group_by=[u.platform, u.account_id], order_by=[rank, u.candidate, u.how])
    u = u.mutate(rk=ibis.row_number().over(w2))
    return u.filter(u.rk == 0).drop("rk")


def _posts_of(ws, cond_posts: ibis.Table, off: ibis.Table, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    j = cond_posts.inner_join(off, ["platform", "account_id"])
    acc = ws.store.table("accounts")
    acc = acc.select("platform", "account_id", "account_type", handle=ibis.coalesce(acc.handle, acc.display_name))
    j = j.left_join(acc, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    return j.select("platform", "post_id", "account_id", "handle", "candidate", "how", "created_at", "kind", "text",
                    "url", "is_paid", "media_files", *extra).execute()


def content_hash(post: dict) -> str:
    """SHA-256 of a post's evidential content: platform, post id, author, UTC time, text, URL
    and media files, as canonical JSON (sorted keys, UTF-8). Anyone can recompute it from the
    exported row.

    Example
    -------
    >>> content_hash({"platform": "x", "post_id": "1", "account_id": "2", "created_at": "2024-11-25T01:00:00",
    ...               "text": "Ayo pilih 02", "url": None, "media_files": []})[:12]
    '5d51ae9312da'
    """
    keys = ("platform", "post_id", "account_id", "created_at", "text", "url", "media_files")
    doc = {k: post.get(k) for k in keys}
    if doc["media_files"] is None:
        doc["media_files"] = []
    doc["media_files"] = [str(x) for x in doc["media_files"]]
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _post_rows(df: pd.DataFrame, tz: str) -> list[dict]:
    out = []
    for r in df.sort_values("created_at").itertuples():
        ts = pd.Timestamp(r.created_at)
        mf = list(r.media_files) if r.media_files is not None and not isinstance(r.media_files, float) else []
        d = {"platform": r.platform, "post_id": str(r.post_id), "account_id": str(r.account_id),
             "handle": None if pd.isna(r.handle) else r.handle, "created_at": ts.isoformat(),
             "created_local": ts.tz_localize("UTC").tz_convert(tz).isoformat(), "kind": r.kind,
             "url": None if pd.isna(r.url) else r.url, "text": None if pd.isna(r.text) else r.text,
             "is_paid": None if pd.isna(r.is_paid) else bool(r.is_paid),
             "media_files": mf}
        d["sha256"] = content_hash(d)
        out.append(d)
    return out


def _finding(rule: str, candidate, platform, account_id, handle, posts: list[dict], detail: dict,
             tz: str) -> dict:
    fid = hashlib.sha256(f"{rule}|{platform}|{account_id}|{candidate}|{detail.get('window', '')}".encode()
                         ).hexdigest()[:12]
    return {"finding_id": f"{rule}-{fid}", "rule": rule, "severity": SEVERITY[rule],
            "description_id": RULES[rule][0], "description_en": RULES[rule][1],
            "candidate": None if candidate is None else str(candidate), "platform": platform,
            "account_id": None if account_id is None else str(account_id), "handle": handle,
            "count": len(posts), "first_at": posts[0]["created_at"] if posts else None,
            "last_at": posts[-1]["created_at"] if posts else None, "detail": detail, "posts": posts}


def pair_key(platform, key):
    """``platform`` and ``key`` as one text (Ibis values, or two strings): a (platform,
    handle) pair compared with literals in one IN list.

    Example
    -------
    >>> pair_key("x", "rudyseno")
    'x\\x1frudyseno'
    """
    if isinstance(platform, str):
        return f"{platform}\x1f{key}"
    return platform.concat("\x1f", key)


def _official_frame(ws) -> pd.DataFrame:
    """:func:`official_accounts` as a DataFrame, computed once per read scope (one `suara
    analyse` run: the findings, the section's count of watched accounts, the actions and the
    forecast all read it) and on every call outside one (accounts can be edited in place,
    which the run's data signature does not see)."""
    def build():
        df = official_table(ws).execute()
        return df[["platform", "account_id", "candidate", "how"]].astype(object)
    return ws.store.scoped(("official_accounts", ws.election.id), build)


def official_table(ws) -> ibis.Table:
    """:func:`official_accounts` as computed once per run, as a table to join (the rules, the
    actions' announcements and the forecast's supporters read it without running its regexes
    and its join with mentions again).

    Example
    -------
    >>> import suara, tempfile
    >>> official_table(suara.init(tempfile.mkdtemp())).columns
    ('platform', 'account_id', 'candidate', 'how')
    """
    def build() -> ibis.Table:
        t = official_accounts(ws)
        t = t.select(**{c: t[c].cast("string") for c in ("platform", "account_id", "candidate", "how")})
        # inside a run: materialised once (Ibis ``cache``) and dropped when the run ends. Its
        # query reads stable tables only, so the read-ahead builds it early like any query, and
        # the queries reading it stay small (compiling the expression into each of them cost
        # ~0.2 s of a run's first compile). Outside a run (a page editing accounts) the plain
        # expression: the ranking is total, so each query finds the same accounts.
        from suara.analyse.base import _track, release
        held: list = []
        at_end = getattr(ws.store, "at_scope_end", None)
        if at_end is None or not at_end(lambda: [release(c) for c in held]):
            return t
        try:
            c = t.cache()
        except Exception:  # noqa: BLE001 - e.g. read-only store: use the plain expression
            return t
        _track(c)
        held.append(c)
        return c
    scoped = getattr(ws.store, "scoped", None)
    return build() if scoped is None else scoped(("official_table", ws.election.id), build)


def find_violations(ws) -> list[dict]:
    """All findings, one per (rule, account) — or per (pair, platform) for the account cap.

    Example
    -------
    >>> import suara, tempfile
    >>> find_violations(suara.init(tempfile.mkdtemp()))
    []
    """
    e = ws.election
    tz = e.timezone
    d = e.dates
    # computed once and reused by every rule (it joins mentions, the costliest step)
    off_df = _official_frame(ws)
    off = official_table(ws)
    p = ws.store.table("posts")
    p = p.filter(p.created_at.notnull())
    findings: list[dict] = []

    def per_account(rule, df, detail):
        for (plat, acc), g in df.groupby(["platform", "account_id"], sort=True):
            rows = _post_rows(g, tz)
            hd = g["handle"].iloc[0]
            d = dict(detail, official_by=g["how"].iloc[0]) if "how" in g else detail
            findings.append(_finding(rule, g["candidate"].iloc[0], plat, acc, None if pd.isna(hd) else hd, rows,
                                     d, tz))

    qs, qe = local_day_window(d.quiet_start, d.quiet_end, tz)
    vs, ve = local_day_window(d.vote_day, d.vote_day, tz)
    # the official accounts' posts of every window in one query, split by flags afterwards
    conds = {"quiet_period": (p.created_at >= qs) & (p.created_at < qe),
             "vote_day": (p.created_at >= vs) & (p.created_at < ve)}
    if d.paid_ads_start and d.paid_ads_end:
        ps, pe = local_day_window(d.paid_ads_start, d.paid_ads_end, tz)
        paid_cond = p.is_paid.fill_null(False) & ((p.created_at < ps) | (p.created_at >= pe))
        conds["paid"] = paid_cond
    any_ = conds["quiet_period"] | conds["vote_day"] | conds.get("paid", ibis.literal(False))
    flags = {f"_in_{k}": c for k, c in conds.items()}
    official = _posts_of(ws, p.filter(any_).mutate(**flags), off, tuple(flags))
    cols = [c for c in official.columns if not c.startswith("_in_")]

    def of(rule: str) -> pd.DataFrame:
        return official[official[f"_in_{rule}"].fillna(False).astype(bool)][cols].reset_index(drop=True)

    for rule, (s, en), label in (("quiet_period", (qs, qe), f"{d.quiet_start}..{d.quiet_end}"),
                                 ("vote_day", (vs, ve), f"{d.vote_day}")):
        per_account(rule, of(rule), {"window": label, "window_utc": [s.isoformat(), en.isoformat()],
                                     "timezone": tz})

    if d.paid_ads_start and d.paid_ads_end:
        paid = p.filter(paid_cond)
        df_off = of("paid")
        # paid content about a pair from any other account (e.g. a supporter page boosting a post)
        from suara.analyse.base import candidate_mentions
        m = candidate_mentions(ws, False)
        about = m.select("platform", "post_id", "candidate").distinct()
        others = paid.anti_join(off, ["platform", "account_id"]).inner_join(about, ["platform", "post_id"])
        acc = ws.store.table("accounts").select("platform", "account_id", "handle")
        others = others.left_join(acc, ["platform", "account_id"])
        others = others.drop(*[c for c in others.columns if c.endswith("_right")])
        df_oth = others.select("platform", "post_id", "account_id", "handle", "candidate", "created_at", "kind",
                               "text", "url", "is_paid", "media_files").execute()
        df_oth = df_oth.drop_duplicates(["platform", "post_id"])
        detail = {"window": f"{d.paid_ads_start}..{d.paid_ads_end}",
                  "window_utc": [ps.isoformat(), pe.isoformat()], "timezone": tz}
        per_account("paid_outside_window", df_off, dict(detail, account="official"))
        per_account("paid_outside_window", df_oth, dict(detail, account="other"))

    cap = e.max_official_accounts_per_platform
    # the official accounts are already in memory: count them there
    counts = off_df.groupby(["candidate", "platform"], as_index=False, dropna=False).agg(n=("account_id", "nunique"))
    for r in counts[counts.n > cap].itertuples():
        same = off_df.candidate.isna() if pd.isna(r.candidate) else off_df.candidate == r.candidate
        accts = off_df[same & (off_df.platform == r.platform)]
        findings.append(_finding("account_cap", r.candidate, r.platform, None, None, [],
                                 {"accounts": int(r.n), "cap": cap,
                                  "account_ids": sorted(map(str, accts.account_id))}, tz))
    return findings


def law_watch(ws) -> dict[str, Any]:
    """Findings plus a summary by rule and pair.

    Example
    -------
    >>> import suara, tempfile
    >>> law_watch(suara.init(tempfile.mkdtemp()))["summary"]
    {}
    """
    f = find_violations(ws)
    summary: dict[str, dict[str, int]] = {}
    for x in f:
        summary.setdefault(x["rule"], {}).setdefault(x["candidate"] or "-", 0)
        summary[x["rule"]][x["candidate"] or "-"] += max(x["count"], 1)
    return {"findings": f, "summary": summary, "official_accounts": len(_official_frame(ws)),
            "rules": {k: {"id": v[0], "en": v[1]} for k, v in RULES.items()},
            "dates": {"quiet": [str(ws.election.dates.quiet_start), str(ws.election.dates.quiet_end)],
                      "vote_day": str(ws.election.dates.vote_day),
                      "paid_ads": [str(ws.election.dates.paid_ads_start), str(ws.election.dates.paid_ads_end)],
                      "timezone": ws.election.timezone}}


def law_watch_section(ws, max_posts: int = 20) -> dict[str, Any]:
    """`suara analyse` section ``law_watch`` (each finding keeps at most ``max_posts`` posts;
    the full list comes from :func:`export_evidence`).

    Example
    -------
    >>> import suara, tempfile
    >>> law_watch_section(suara.init(tempfile.mkdtemp()))["findings"]
    []
    """
    r = law_watch(ws)
    for f in r["findings"]:
        f["posts_truncated"] = len(f["posts"]) > max_posts
        f["posts"] = f["posts"][:max_posts]
    return r


def _sha_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def export_evidence(ws, out_dir: str | Path, findings: list[dict] | None = None) -> dict[str, Path]:
    """Write ``findings.json`` (findings with their posts), ``posts.csv`` (one row per finding
    x post: timestamps UTC and local, URL, text, sha256) and ``manifest.json`` (election,
    time of export, SHA-256 of both files) to ``out_dir``.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> sorted(export_evidence(ws, tempfile.mkdtemp()))
    ['findings', 'manifest', 'posts']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if findings is None:
        findings = find_violations(ws)
    fj = out / "findings.json"
    fj.write_text(json.dumps({"election": ws.election.id, "findings": findings}, ensure_ascii=False, indent=1,
                             default=str), encoding="utf-8")
    rows = [{"finding_id": f["finding_id"], "rule": f["rule"], "candidate": f["candidate"],
             **{k: (";".join(v) if isinstance(v, list) else v) for k, v in p.items()}}
            for f in findings for p in f["posts"]]
    cols = ["finding_id", "rule", "candidate", "platform", "post_id", "account_id", "handle", "created_at",
            "created_local", "kind", "url", "is_paid", "text", "media_files", "sha256"]
    pc = out / "posts.csv"
    from suara.store.export import write_csv
    # formula-like cells (post text, handles) are neutralised for spreadsheets; findings.json
    # keeps the verbatim text that the per-post sha256 covers
    write_csv(pd.DataFrame(rows, columns=cols), pc)
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    man = out / "manifest.json"
    man.write_text(json.dumps({
        "election": ws.election.id, "exported_at": now, "findings": len(findings), "posts": len(rows),
        "files": {fj.name: _sha_file(fj), pc.name: _sha_file(pc)},
        "post_hash": "sha256 of canonical JSON {platform, post_id, account_id, created_at (UTC ISO), text, url, "
                     "media_files}, sorted keys, UTF-8, ensure_ascii=false",
    }, indent=1), encoding="utf-8")
    if not ws.store.read_only:
        ws.store.set_meta(_META_KEY, now)
    return {"findings": fj, "posts": pc, "manifest": man}


@register
class LawWatch(Section):
    """Possible breaches of campaign rules by the pairs' official accounts, with evidence."""

    id = "law_watch"
    title = "lawwatch.title"
    explain = "lawwatch.explain"
    requires = ("posts", "accounts", "mentions", "enrichments")
    options = {"max_posts": 20}
    pages = ("mobilisasi",)

    def compute(self, ws, max_posts: int = 20) -> dict[str, Any]:
        return law_watch_section(ws, max_posts=max_posts)

    def heading(self, result: Any, lang: str = "id") -> tuple[str, str]:
        t = texts("lawwatch", lang)
        d = result["dates"]
        day = lambda v: formats.date(v, lang) if v else "–"  # noqa: E731
        return t["title"], t["explain"].format(quiet0=day(d["quiet"][0]), quiet1=day(d["quiet"][1]),
                                               vote_day=day(d["vote_day"]), paid0=day(d["paid_ads"][0]),
                                               paid1=day(d["paid_ads"][1]))

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("lawwatch", lang), texts("ui", lang)
        en = lang == "en"
        rep = ("report",)
        fnd = result["findings"]
        if not fnd:
            return [{"type": "text", "faces": rep,
                     "text": f"{t['none']} ({result['official_accounts']} {t['watched']})"}]
        rows = []
        for f in fnd:
            first = f["posts"][0] if f["posts"] else {}
            rows.append([f["description_en"] if en else f["description_id"], ui.get(f"enum_{f['severity']}", f["severity"]),
                         pair_label(election, f["candidate"]) if f["candidate"] else "–", f["platform"],
                         f["handle"] or f["account_id"] or "–", f["count"] or f["detail"].get("accounts"),
                         (first.get("created_local") or "")[:16], first.get("url") or ""])
        key = "description_en" if en else "description_id"
        return [
            {"type": "table", "faces": rep, "columns": list(t["cols"]), "rows": rows},
            {"type": "table", "id": "law-watch", "title": ui["law_watch"], "explain": ui["law_explain"],
             "faces": ("web",), "csv": "/api/v1/analysis/law_watch.csv?part=findings",
             "columns": [ui["rule"], ui["severity"], ui["candidate"], ui["platform"], ui["author"], ui["n_posts"], ui["from"]],
             "rows": [[f.get(key) or f.get("rule"), ui.get(f"enum_{f.get('severity')}", f.get("severity")),
                       pair_label(election, f["candidate"]) if f.get("candidate") else "", f.get("platform"),
                       f.get("handle") or "", formats.integer(f['count']) if isinstance(f.get("count"), int) else (f.get("count") or ""),
                       formats.local_datetime(f.get("first_at"), election.timezone) if f.get("first_at") and election
                       else ""] for f in fnd[:100]]}]
