"""The summary card: one PNG for a WhatsApp group (1080 × 1350 px by default, the 4:5 portrait
that phones show whole), drawn with matplotlib from the same analysis document as the daily
report: share of voice and 7-day net sentiment per pair, the three things to do today, the
top rising issue and radar incident, the data period. Texts from the catalogue (Bahasa
Indonesia by default); ordinary citizens never appear on it (it names pairs, issues and
regions only).

Example
-------
>>> import suara, tempfile, pathlib
>>> ws = suara.init(tempfile.mkdtemp())
>>> p = write_card(ws, pathlib.Path(tempfile.mkdtemp()) / "card.png")
>>> png_size(p)
(1080, 1350)
"""
from __future__ import annotations

import struct
import textwrap
from pathlib import Path

from suara.analyse.base import pair_label
from suara.config.i18n import texts

__all__ = ["write_card", "png_size", "CARD_SIZE"]

#: width, height in pixels
CARD_SIZE = (1080, 1350)
_DPI = 100


def png_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of a PNG file, read from its header (no image library needed)."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    return struct.unpack(">II", head[16:24])


def _doc(ws, analysis: dict | None) -> dict:
    if analysis is not None and "brief" in analysis and "share_of_voice" in analysis:
        return analysis
    return ws.analyse(sections=["meta", "share_of_voice", "influencers", "regions", "alerts", "brief"])


def write_card(ws, out: str | Path, analysis: dict | None = None, lang: str = "id",
               size: tuple[int, int] = CARD_SIZE) -> Path:
    """Draw the card into ``out`` (PNG) and return its path; ``analysis`` (a document from
    ``ws.analyse()``) is reused when it holds the brief and share of voice."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    from suara.analyse.brief import _f, _n, _when, thing_text
    from suara.analyse.run import failed
    doc = _doc(ws, analysis)
    el = ws.election
    tb, ui = texts("brief", lang), texts("ui", lang)
    brief = doc.get("brief") if not failed(doc.get("brief")) else {}
    brief = brief or {}
    sov = doc.get("share_of_voice") if not failed(doc.get("share_of_voice")) else {}
    sov = sov or {}
    w, h = size
    fig = plt.figure(figsize=(w / _DPI, h / _DPI), dpi=_DPI)
    fig.patch.set_facecolor("#f5f7fa")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.axis("off")
    ink, muted, brand = "#1d2733", "#5a6776", "#123b5d"
    # header
    ax.add_patch(FancyBboxPatch((0, 0), w, 190, boxstyle="square,pad=0", color=brand))
    ax.text(54, 70, el.name, color="white", fontsize=30, fontweight="bold", va="center")
    per = brief.get("period") or {}
    ax.text(54, 130, f"{tb['title']} · {_when(per.get('last_post'), el)} {_tz(el)}", color="#dbe6f0", fontsize=20,
            va="center")
    y = 240
    # share of voice and sentiment per pair
    ax.text(54, y, ui["share_of_voice"], color=brand, fontsize=22, fontweight="bold", va="center")
    y += 40
    all_ = sov.get("all") or {}
    trend = brief.get("trend") or {}
    bar_w = w - 2 * 54 - 360
    for c in el.candidates:
        share = (all_.get(c.ballot) or {}).get("share") or 0.0
        ax.text(54, y + 22, pair_label(el, c.ballot), color=ink, fontsize=19, va="center")
        ax.add_patch(FancyBboxPatch((330, y + 4), bar_w, 36, boxstyle="round,pad=0,rounding_size=6", color="#e3e8ee"))
        ax.add_patch(FancyBboxPatch((330, y + 4), max(bar_w * share, 8), 36, boxstyle="round,pad=0,rounding_size=6",
                                    color=c.colour or brand))
        ax.text(330 + bar_w + 16, y + 22, _f(share, lang, pct=True), color=ink, fontsize=19, fontweight="bold",
                va="center")
        tr = trend.get(c.ballot) or {}
        ax.text(54, y + 62, f"{ui['net_sentiment']} 7 {'hari' if lang == 'id' else 'days'}: "
                f"{_f(tr.get('last7'), lang, signed=True)} ({_f(tr.get('change'), lang, signed=True)})",
                color=muted, fontsize=15, va="center")
        y += 100
    # three things
    y += 20
    ax.add_patch(FancyBboxPatch((36, y), w - 72, 470, boxstyle="round,pad=0,rounding_size=14", color="white"))
    ax.text(64, y + 44, tb["things"], color=brand, fontsize=24, fontweight="bold", va="center")
    ty = y + 96
    things = brief.get("things") or []
    if not things:
        ax.text(64, ty, tb["nothing"], color=ink, fontsize=18, va="top")
    for i, t in enumerate(things[:3]):
        lines = textwrap.wrap(thing_text(t, lang, el), width=62)[:4]
        ax.add_patch(FancyBboxPatch((64, ty - 4), 40, 40, boxstyle="circle,pad=0", color=brand))
        ax.text(84, ty + 16, str(i + 1), color="white", fontsize=18, fontweight="bold", ha="center", va="center")
        ax.text(124, ty - 2, "\n".join(lines), color=ink, fontsize=17, va="top", linespacing=1.35)
        ty += 34 * len(lines) + 30
    y += 500
    # rising issue and top incident
    ri = (brief.get("rising_issues") or [])[:2]
    if ri:
        ax.text(54, y, tb["rising"], color=brand, fontsize=20, fontweight="bold", va="center")
        for r in ri:
            y += 38
            ax.text(54, y, f"• {r['label_id'] if lang == 'id' else r['label_en']} ({pair_label(el, r['candidate'])}): "
                    f"{_n(r['last7'], lang)} · {_f(r['growth'], lang, pct=True, signed=True)}", color=ink, fontsize=17,
                    va="center")
        y += 56
    inc = (brief.get("incidents") or [])[:2]
    if inc:
        ax.text(54, y, tb["incidents"], color=brand, fontsize=20, fontweight="bold", va="center")
        for g in inc:
            y += 38
            who = pair_label(el, g["candidate"]) if g.get("candidate") else tb["all_pairs"]
            ax.text(54, y, f"• {ui.get('enum_' + g['type'], g['type'])} · {who} · "
                    f"{ui.get('enum_' + g['severity'], g['severity'])} · {_n(g['posts'], lang)} {ui['n_posts'].lower()}",
                    color=ink, fontsize=17, va="center")
    foot = (f"Suara · {tb['period_line'].format(first=_day(per.get('first_post'), el), last=_when(per.get('last_post'), el), updated=_when(per.get('updated'), el), tz=_tz(el))}")
    ax.text(w / 2, h - 56, textwrap.fill(foot, 90), color=muted, fontsize=13, ha="center", va="center")
    ax.text(w / 2, h - 24, ui["pseudonymised"], color=muted, fontsize=12, ha="center", va="center")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    from suara.store.export import atomic_write
    atomic_write(out, lambda tmp: fig.savefig(tmp, format="png", dpi=_DPI, facecolor=fig.get_facecolor()))
    plt.close(fig)
    return out


def _tz(election) -> str:
    from suara.analyse.brief import _tz as tz
    return tz(election)


def _day(v, election) -> str:
    from suara.analyse.brief import _day as day
    return day(v, election)
