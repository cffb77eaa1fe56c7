"""The opt-in volunteer roster: nothing about a volunteer is used without a recorded consent
(UU PDP 27/2022); after withdrawal the volunteer is no longer counted anywhere. Adding,
withdrawing (optionally erasing), listing, and the leaderboard of consented volunteers.

Example
-------
>>> import suara, tempfile
>>> list_volunteers(suara.init(tempfile.mkdtemp())).empty
True
"""
from __future__ import annotations

import hashlib
import uuid
from typing import Any

import ibis
import pandas as pd

from suara.analyse.mobilise.common import ConsentError, _audit, _now, to_utc

__all__ = ["add_volunteer", "withdraw_volunteer", "list_volunteers", "consented_volunteers"]


def add_volunteer(ws, name: str, platform: str, handle: str | None = None, account_id: str | None = None,
                  consent_text: str | None = None, consent: bool = False, consent_at=None,
                  volunteer_id: str | None = None, actor: str = "cli") -> dict:
    """Enrol a volunteer. Requires ``consent=True`` and the consent wording the volunteer
    agreed to (UU PDP 27/2022 art. 20-22: consent must be explicit and recorded); without
    both, :class:`ConsentError` is raised and nothing is stored.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> v = add_volunteer(ws, "Rina", "instagram", handle="rina.smd", consent=True,
    ...                   consent_text="Saya setuju akun saya dipakai untuk papan relawan.")
    >>> v["handle"]
    'rina.smd'
    """
    if not consent or not (consent_text or "").strip():
        raise ConsentError("consent: a volunteer can only be enrolled with explicit consent and the consent "
                           "text they agreed to (UU PDP 27/2022)")
    if not (handle or account_id):
        raise ValueError("handle/account_id: give the volunteer's own account")
    handle = (handle or "").lstrip("@") or None
    if account_id is None and handle:
        acc = ws.store.table("accounts")
        hit = acc.filter((acc.platform == platform) & (acc.handle.lower() == handle.lower())).select(
            "account_id").limit(1).execute()
        account_id = str(hit.iloc[0, 0]) if len(hit) else handle
    row = {"volunteer_id": volunteer_id or "vol-" + uuid.uuid4().hex[:8], "name": name, "platform": platform,
           "account_id": str(account_id), "handle": handle,
           "consent_at": to_utc(consent_at, ws.election.timezone) if consent_at else _now(),
           "consent_text": consent_text.strip(), "withdrawn_at": None}
    ws.store.upsert("volunteers", pd.DataFrame([row]),
                    overwrite=["name", "platform", "account_id", "handle", "consent_at", "consent_text",
                               "withdrawn_at"])
    _audit(ws, "volunteer.consent", row["volunteer_id"],
           {"consent_sha256": hashlib.sha256(row["consent_text"].encode()).hexdigest()}, actor)
    return row


def withdraw_volunteer(ws, volunteer_id: str, erase: bool = False, actor: str = "cli") -> bool:
    """Record a volunteer's withdrawal: from then on nothing about them is used. With
    ``erase`` their name, handle and account are also deleted (the consent and withdrawal
    timestamps stay as the record that consent existed). True when the volunteer existed.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> withdraw_volunteer(ws, "vol-unknown")
    False
    """
    n = ws.store.sql("SELECT count(*) FROM volunteers WHERE volunteer_id = ?", [volunteer_id]).iloc[0, 0]
    if not n:
        return False
    with ws.store.transaction():
        ws.store.execute("UPDATE volunteers SET withdrawn_at = coalesce(withdrawn_at, ?) WHERE volunteer_id = ?",
                         [_now(), volunteer_id])
        if erase:
            ws.store.execute("UPDATE volunteers SET name = NULL, handle = NULL, account_id = NULL "
                             "WHERE volunteer_id = ?", [volunteer_id])
        _audit(ws, "volunteer.withdraw", volunteer_id, {"erase": erase}, actor)
    return True


def consented_volunteers(ws) -> ibis.Table:
    """The only way volunteer data enters an analysis: volunteers with a consent record and
    no withdrawal (platform, account_id, volunteer_id, name, handle).

    Example
    -------
    >>> import suara, tempfile
    >>> consented_volunteers(suara.init(tempfile.mkdtemp())).count().execute()
    0
    """
    v = ws.store.table("volunteers")
    ok = (v.consent_at.notnull() & v.consent_text.notnull() & (v.consent_text.strip().length() > 0)
          & v.withdrawn_at.isnull() & v.account_id.notnull())
    return v.filter(ok).select("platform", "account_id", "volunteer_id", "name", "handle")


def list_volunteers(ws, include_withdrawn: bool = False) -> pd.DataFrame:
    """The roster (consenting volunteers; with ``include_withdrawn`` also withdrawn ones,
    showing only ids and timestamps for them).

    Example
    -------
    >>> import suara, tempfile
    >>> list(list_volunteers(suara.init(tempfile.mkdtemp())).columns)[:2]
    ['volunteer_id', 'name']
    """
    v = ws.store.table("volunteers").execute()
    cols = ["volunteer_id", "name", "platform", "handle", "account_id", "consent_at", "withdrawn_at"]
    v = v[cols]
    active = v["withdrawn_at"].isna() & v["consent_at"].notna()
    if not include_withdrawn:
        return v[active].reset_index(drop=True)
    v = v.copy()
    v.loc[~active, ["name", "handle", "account_id"]] = None
    return v.reset_index(drop=True)


def _volunteer_participation(ws, accts: pd.DataFrame) -> dict[str, Any]:
    vol = consented_volunteers(ws).execute()
    if vol.empty or accts.empty:
        return {"count": 0, "reach": 0}
    m = vol.merge(accts, on=["platform", "account_id"])
    return {"count": int(len(m)), "reach": int(m["followers"].sum())}
