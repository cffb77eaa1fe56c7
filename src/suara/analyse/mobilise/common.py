"""Shared by the mobilisation modules: local/UTC time conversion, the audit trail, and the
consent error.

Example
-------
>>> to_utc("2024-11-24 00:00", "Asia/Makassar")
datetime.datetime(2024, 11, 23, 16, 0)
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

__all__ = ["ConsentError", "to_utc"]


class ConsentError(ValueError):
    """A volunteer's data was about to be used without a valid consent record."""


def to_utc(value: Any, tz: str) -> dt.datetime | None:
    """A naive UTC datetime from a datetime or ISO string; naive input is local time in ``tz``.

    Example
    -------
    >>> to_utc("2024-11-24 00:00", "Asia/Makassar")
    datetime.datetime(2024, 11, 23, 16, 0)
    >>> to_utc("2024-11-24T00:00:00+00:00", "Asia/Makassar")
    datetime.datetime(2024, 11, 24, 0, 0)
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        s = value.strip().replace("Z", "+00:00")
        try:
            value = dt.datetime.fromisoformat(s)
        except ValueError:
            raise ValueError(f"not a date/time: {value!r} (use YYYY-MM-DD HH:MM, local time)") from None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _local(ts, tz: str) -> str | None:
    if ts is None or pd.isna(ts):
        return None
    return pd.Timestamp(ts).tz_localize("UTC").tz_convert(tz).strftime("%Y-%m-%d %H:%M")


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).isoformat()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _audit(ws, action: str, target: str, detail: dict | None = None, actor: str = "cli") -> None:
    ws.store.append("audit_log", pd.DataFrame([{
        "at": _now(), "actor": actor, "action": action, "target": target,
        "detail": json.dumps(detail or {}, ensure_ascii=False, default=str)}]))

