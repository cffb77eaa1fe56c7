"""Pseudonymise the account handles that the analysis document names (alert top accounts,
law-watch findings, live-stream hosts) for readers who may not see ordinary citizens.

Example
-------
>>> scrub_doc({"alerts": {"alerts": []}}, None, "s")
{'alerts': {'alerts': []}}
"""
from __future__ import annotations

__all__ = ["scrub_doc", "public_accounts"]


def public_accounts(db, election=None) -> dict[tuple[str, str], str]:
    """(platform, handle or account id) -> account type of the accounts named in outputs
    (official, party, media, city, influencer). With the ``election`` the type is the resolved
    one (:func:`suara.analyse.accounts.resolve_types`: the admin's decision, the configured
    official and tracked accounts, 10k+ followers), as the posts explorer names authors."""
    from suara.analyse.privacy import PUBLIC_TYPES
    types: dict[tuple[str, str], str] = {}
    if election is None:
        df = db.sql("SELECT platform, account_id, handle, account_type FROM accounts "
                    "WHERE account_type IN ('official','party','media','city','influencer')")
    else:
        from suara.analyse.accounts import read_overrides, resolve_types
        df = db.sql("SELECT platform, account_id, handle, account_type, followers, verified FROM accounts")
        df = df.assign(account_type=resolve_types(df, election, read_overrides(db)))
        df = df[df.account_type.isin(sorted(PUBLIC_TYPES))]
    for r in df.itertuples():
        types[(r.platform, str(r.handle))] = r.account_type
        types[(r.platform, str(r.account_id))] = r.account_type
    return types


def scrub_doc(doc: dict, ws, salt: str) -> dict:
    """A copy of the analysis document with account handles that the analyses name (alert top
    accounts, law-watch findings, live-stream hosts) pseudonymised unless public.

    Example
    -------
    >>> scrub_doc({"alerts": {"alerts": []}}, None, "s")
    {'alerts': {'alerts': []}}
    """
    import copy

    from suara.analyse.privacy import PSEUDONYM_RE, display_handle
    out = copy.copy(doc)
    types: dict[tuple[str, str], str] = {}
    if ws is not None:
        try:
            types = public_accounts(getattr(ws, "reads", None) or ws.store, getattr(ws, "election", None))
        except Exception:  # noqa: BLE001 - an unreadable store: everybody is pseudonymised
            pass

    def ref(s: str) -> str:
        p, _, a = str(s).partition(":")
        if (p, a) in types or PSEUDONYM_RE.match(a):  # named, or already a pseudonym (radar labels)
            return s
        return display_handle(None, p, a, a, salt)

    al = doc.get("alerts")
    if isinstance(al, dict) and isinstance(al.get("alerts"), list):
        al = dict(al)
        al["alerts"] = [{**a, "top_accounts": [ref(x) for x in a.get("top_accounts") or []]} for a in al["alerts"]]
        out["alerts"] = al
    lw = doc.get("law_watch")
    if isinstance(lw, dict) and isinstance(lw.get("findings"), list):
        lw = dict(lw)
        fs = []
        for f in lw["findings"]:
            f = dict(f)
            p, a = f.get("platform"), f.get("account_id")
            # an account the law watch identified as a pair's official account is named
            official = bool((f.get("detail") or {}).get("official_by"))
            if a is not None and (p, str(a)) not in types and not official:
                alias = display_handle(None, p, str(a), None, salt)
                f["account_id"], f["handle"] = alias, alias
                f["posts"] = [{**x, "account_id": alias, "url": None} for x in f.get("posts") or []]
            fs.append(f)
        lw["findings"] = fs
        out["law_watch"] = lw
    lv = doc.get("live")
    if isinstance(lv, dict) and isinstance(lv.get("sessions"), list):
        lv = dict(lv)
        lv["sessions"] = [{**s, "host": s["host"] if (s.get("platform"), str(s.get("host"))) in types
                           else display_handle(None, s.get("platform"), str(s.get("host")), None, salt)}
                          for s in lv["sessions"]]
        out["live"] = lv
    return out
