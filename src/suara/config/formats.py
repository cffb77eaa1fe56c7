"""Numbers, percentages, dates and time zones as a reader of one language writes them.

One formatter for every face: the sections' blocks (web pages, ``report.html``), the web
templates (the ``num`` filter), chart hover texts and the CLI when ``--lang id`` is asked
for. Indonesian follows Babel's ``id_ID`` locale (``20.644``, ``54,1%``, ``3 Okt 2024``);
English follows ``en_US`` (``20,644``, ``54.1%``, ``Oct 3, 2024``). Empty values (None,
NaN) are written as an en dash, never as ``None`` or ``nan``.

The election's zone is written as Indonesians do: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9);
other zones by their abbreviation or UTC offset (:func:`zone_label`).

Example
-------
>>> number(20644, "id"), number(20644, "en"), percent(0.541, "id"), percent(0.541, "en")
('20.644', '20,644', '54,1%', '54.1%')
>>> number(3.14159, "id"), signed(0.25, "id"), number(None, "id"), number(float("nan"), "en")
('3,14', '+0,25', '–', '–')
>>> import datetime as dt
>>> date(dt.date(2024, 10, 3), "id"), date(dt.date(2024, 10, 3), "en")
('3 Okt 2024', 'Oct 3, 2024')
>>> zone_label("Asia/Makassar"), zone_label("Asia/Jakarta"), zone_label("Asia/Jayapura")
('WITA', 'WIB', 'WIT')
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import math
from functools import lru_cache
from typing import Any, Iterator

__all__ = ["LOCALES", "language", "current", "locale_of", "number", "integer", "decimal", "percent", "signed", "ratio", "date", "datetime",
           "local_datetime", "zone_label", "zone_offset", "plotly_locale", "separators", "DASH"]

#: language -> Babel locale
LOCALES = {"id": "id_ID", "en": "en_US"}
#: written in place of an empty value
DASH = "–"
#: IANA zones of Indonesia -> the label Indonesians write after a time
_ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
          "Asia/Jayapura": "WIT"}


_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("suara_format_lang", default="id")


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Format in ``lang`` where no language is passed (a section's ``render`` runs inside it).

    >>> with language("en"):
    ...     number(20644)
    '20,644'
    """
    token = _LANG.set(lang if lang in LOCALES else "id")
    try:
        yield _LANG.get()
    finally:
        _LANG.reset(token)


def current() -> str:
    """The language formats default to here (Indonesian outside :func:`language`)."""
    return _LANG.get()


def locale_of(lang: str | None) -> str:
    """The Babel locale of a language (the current one when None; Indonesian when unknown)."""
    return LOCALES.get(lang or _LANG.get(), LOCALES["id"])


def _empty(v: Any) -> bool:
    """None, NaN, infinity or pandas' NaT (a missing time that passes for a datetime).

    >>> import pandas as pd
    >>> _empty(None), _empty(float("nan")), _empty(pd.NaT), _empty(0)
    (True, True, True, False)
    """
    if v is None or isinstance(v, bool):
        return v is None
    if v.__class__.__name__ == "NaTType":
        return True
    try:
        return isinstance(v, float) and not math.isfinite(v)
    except TypeError:
        return False


def _real(v: Any) -> float | int | None:
    """A plain number from Python/numpy scalars and numeric strings; None when not a number."""
    if _empty(v) or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    return int(x) if x.is_integer() and "." not in str(v) and "e" not in str(v).lower() else x


@lru_cache(maxsize=64)
def _pattern(digits: int, plus: bool = False, pct: bool = False) -> str:
    frac = ("." + "0" * digits) if digits > 0 else ""
    base = "#,##0" + frac + ("%" if pct else "")
    return f"+{base};-{base}" if plus else base


def integer(v: Any, lang: str | None = None) -> str:
    """A whole number with the language's grouping: ``20.644`` / ``20,644``."""
    from babel.numbers import format_decimal
    x = _real(v)
    if x is None:
        return DASH if _empty(v) or not isinstance(v, str) else v
    return format_decimal(round(x), format=_pattern(0), locale=locale_of(lang))


def decimal(v: Any, lang: str | None = None, digits: int = 2) -> str:
    """A number with a fixed number of decimals: ``3,14`` / ``3.14``."""
    from babel.numbers import format_decimal
    x = _real(v)
    if x is None:
        return DASH if _empty(v) or not isinstance(v, str) else v
    return format_decimal(x, format=_pattern(digits), locale=locale_of(lang))


def number(v: Any, lang: str | None = None) -> str:
    """A count or measure as a cell text: integers grouped, small floats with two decimals,
    large floats rounded; text is returned as it is."""
    if isinstance(v, str) or isinstance(v, bool):
        return v if isinstance(v, str) else str(v)
    x = _real(v)
    if x is None:
        return DASH
    if isinstance(x, int):
        return integer(x, lang)
    return decimal(x, lang, 2) if abs(x) < 100 else integer(x, lang)


def percent(v: Any, lang: str | None = None, digits: int = 1) -> str:
    """A share (0..1) as a percentage: ``54,1%`` / ``54.1%``."""
    from babel.numbers import format_percent
    x = _real(v)
    if x is None:
        return DASH
    return format_percent(x, format=_pattern(digits, pct=True), locale=locale_of(lang))


def percent_cell(v: Any, lang: str | None = None) -> str:
    """A share as `percent` shows it when it is a number, else an empty cell (a section's
    table cell with no share to show, rather than a dash).

    >>> percent_cell(0.5, "en"), percent_cell(None)
    ('50.0%', '')
    """
    return percent(v, lang) if isinstance(v, (int, float)) else ""


def signed(v: Any, lang: str | None = None, digits: int = 2) -> str:
    """A number with its sign: ``+0,25`` / ``-0.10``."""
    from babel.numbers import format_decimal
    x = _real(v)
    if x is None:
        return DASH
    return format_decimal(x, format=_pattern(digits, plus=True), locale=locale_of(lang))


def ratio(v: Any, lang: str | None = None, digits: int = 1) -> str:
    """A multiple: ``1,8x`` / ``1.8x``."""
    x = _real(v)
    return DASH if x is None else decimal(x, lang, digits) + "x"


def _as_datetime(v: Any) -> dt.datetime | dt.date | None:
    if _empty(v):
        return None
    if isinstance(v, (dt.datetime, dt.date)):
        return v
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        try:
            return v.to_pydatetime()
        except (ValueError, TypeError):
            return None
    if isinstance(v, str) and v.strip():
        try:
            return dt.datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
        except ValueError:
            try:
                return dt.date.fromisoformat(v.strip()[:10])
            except ValueError:
                return None
    return None


def date(v: Any, lang: str | None = None) -> str:
    """A day: ``3 Okt 2024`` / ``Oct 3, 2024`` (text that is not a date is returned as is)."""
    from babel.dates import format_date
    d = _as_datetime(v)
    if d is None:
        return v if isinstance(v, str) and v else DASH
    return format_date(d.date() if isinstance(d, dt.datetime) else d, "medium", locale=locale_of(lang))


def datetime(v: Any, lang: str | None = None, zone: str = "") -> str:
    """A moment already in local time, to the minute, with an optional zone label:
    ``3 Okt 2024 14.05 WITA`` / ``Oct 3, 2024, 2:05 PM WITA``."""
    from babel.dates import format_datetime
    d = _as_datetime(v)
    if d is None:
        return v if isinstance(v, str) and v else DASH
    if not isinstance(d, dt.datetime):
        return date(d, lang)
    pattern = "d MMM yyyy HH.mm" if locale_of(lang) == "id_ID" else "MMM d, yyyy, HH:mm"
    out = format_datetime(d.replace(tzinfo=None), pattern, locale=locale_of(lang))
    return f"{out} {zone}" if zone else out


def zone_offset(timezone: str, when: dt.datetime | None = None) -> dt.timedelta:
    """The UTC offset of an IANA zone (at ``when``, default now)."""
    from zoneinfo import ZoneInfo
    when = when or dt.datetime.now(dt.timezone.utc)
    return when.astimezone(ZoneInfo(timezone)).utcoffset() or dt.timedelta(0)


def local_datetime(v: Any, timezone: str, lang: str | None = None, label: bool = True) -> str:
    """A UTC moment (naive = UTC) in the zone, written for ``lang``, with the zone's label."""
    d = _as_datetime(v)
    if not isinstance(d, dt.datetime):
        return datetime(v, lang)
    from zoneinfo import ZoneInfo
    aware = d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)
    return datetime(aware.astimezone(ZoneInfo(timezone)), lang, zone_label(timezone) if label else "")


def zone_label(timezone: str) -> str:
    """WIB / WITA / WIT for Indonesia's zones; else the zone's abbreviation, or ``UTC+h``.

    >>> zone_label("UTC"), zone_label("Asia/Singapore")
    ('UTC', 'UTC+8')
    """
    if timezone in _ZONES:
        return _ZONES[timezone]
    try:
        from zoneinfo import ZoneInfo
        now = dt.datetime.now(ZoneInfo(timezone))
    except Exception:  # noqa: BLE001 - an unknown zone is shown as written
        return timezone
    abbr = now.tzname() or ""
    if abbr and abbr[0].isalpha():
        return abbr
    off = now.utcoffset() or dt.timedelta(0)
    h, m = divmod(int(off.total_seconds()) // 60, 60)
    return "UTC" + (f"{h:+d}" if not m else f"{h:+d}:{m:02d}")


def separators(lang: str | None = None) -> str:
    """Plotly's ``layout.separators`` (decimal, then thousands) for a language."""
    return ",." if (lang or _LANG.get()) == "id" else ".,"


@lru_cache(maxsize=4)
def plotly_locale(lang: str) -> dict:
    """A Plotly locale module (month and day names, decimal and thousands marks) built from
    Babel, for ``Plotly.register``: date axes then read ``Okt`` in Indonesian."""
    from babel.dates import get_day_names, get_month_names
    loc = locale_of(lang)
    months = [get_month_names("wide", locale=loc)[i] for i in range(1, 13)]
    short = [get_month_names("abbreviated", locale=loc)[i] for i in range(1, 13)]
    # Babel counts days from Monday (0); Plotly (d3) from Sunday
    days = [get_day_names("wide", locale=loc)[(i + 6) % 7] for i in range(7)]
    sdays = [get_day_names("abbreviated", locale=loc)[(i + 6) % 7] for i in range(7)]
    sep = separators(lang)
    return {"moduleType": "locale", "name": lang,
            "dictionary": {}, "format": {"days": days, "shortDays": sdays, "months": months, "shortMonths": short,
                                         "date": "%d/%m/%Y" if lang == "id" else "%m/%d/%Y",
                                         "decimal": sep[0], "thousands": sep[1]}}
