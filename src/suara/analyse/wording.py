"""Stored English evidence in the reader's language.

The radar, the case playbooks and the coordination detector store their reasons as English
sentences (they are evidence: exports and audits keep them as written). Pages and the daily
brief show them through this module: each known sentence pattern maps to a catalogue text
(area ``wording`` of :mod:`suara.config.i18n`) with its numbers rewritten by
:mod:`suara.config.formats`; a sentence no pattern knows is shown as stored. Labels of
stances, content formats, activity levels and weekdays come from the same area.

Example
-------
>>> reason("45% of posts match a known hoax claim; near-duplicate cluster, 12 posts/hour at first", "id")
'45% unggahan cocok dengan klaim hoaks yang dikenal; klaster unggahan hampir sama, 12 unggahan/jam di awal'
>>> reason("45% of posts match a known hoax claim", "en")
'45% of posts match a known hoax claim'
>>> playbook({"id": "amplify", "title": "Amplify the positive surge", "steps": ["a"], "why": "positive surge"}, "id")["title"]
'Perkuat lonjakan positif'
>>> label("st", "supporter", "id"), label("f", "video", "id"), label("f", "hologram", "id")
('pendukung', 'video', 'hologram')
"""
from __future__ import annotations

import re
from typing import Any, Callable

from suara.config import formats
from suara.config.i18n import strings, texts

__all__ = ["reason", "coordination_reasons", "playbook", "playbook_why", "label", "why_post"]

_PCT = r"(\d+)%"
_NUM = r"([\d,]+)"
_DEC = r"([+-]?\d+(?:\.\d+)?)"


def _int(s: str, lang: str) -> str:
    return formats.integer(int(s.replace(",", "")), lang)


def _dec(s: str, lang: str) -> str:
    d = len(s.split(".")[1]) if "." in s else 0
    return formats.decimal(float(s), lang, d) if d else formats.integer(int(float(s)), lang)


def _pct(s: str, lang: str) -> str:
    return s + "%"


#: (pattern, catalogue key, group name -> converter)
_REASONS: list[tuple[re.Pattern, str, dict[str, Callable]]] = [(re.compile(p + r"$"), k, c) for p, k, c in [
    (_PCT + r" of posts match a known hoax claim", "r_hoax", {"p": _pct}),
    (_PCT + r" of posts are hate speech, abusive or SARA", "r_hate", {"p": _pct}),
    (_PCT + r" of posts come from the opponent's official accounts", "r_opponent", {"p": _pct}),
    (_PCT + r" of posts come from coordinated accounts", "r_coordinated", {"p": _pct}),
    (_PCT + r" negative, " + _PCT + r" coordinated", "r_organic", {"p": _pct, "q": _pct}),
    (_PCT + r" of posts are positive", "r_positive", {"p": _pct}),
    (r"volume above the usual level for this time of day", "r_volume", {}),
    (r"near-duplicate cluster, " + _NUM + r" posts/hour at first", "r_cluster", {"n": _int}),
    # coordination (suara.detect.coordination): one account's reasons
    (r"acted on " + _NUM + r" shared objects within the co-activity window of other account\(s\), " + _NUM
     + r" partner\(s\) in all", "c_objects", {"n": _int, "m": _int}),
    (r"posts the same text families, hashtags, links or targets as " + _NUM + r" other account\(s\) far beyond "
     r"chance \(trace similarity up to " + _DEC + r"\)", "c_similar", {"n": _int, "x": _dec}),
    (r"met " + _NUM + r" other account\(s\) within the same " + _NUM + r"-minute spans on up to " + _NUM
     + r" long-lived objects, far more often than time-shuffled chance", "c_timed", {"n": _int, "m": _int, "k": _int}),
    (r"account created (\d{4}-\d\d-\d\d) \(campaign-period account\)", "c_created",
     {"d": lambda s, lang: formats.date(s, lang)}),
    (_NUM + r" followers", "c_followers", {"n": _int}),
    (_PCT + r" of its texts are near-duplicates of other accounts' posts", "c_duplicated", {"p": _pct}),
    (_PCT + r" single-candidate focus \((\w+) pair (\w+)\)", "c_focus",
     {"p": _pct, "dir": lambda s, lang: texts("wording", lang).get(f"dir_{s}", s), "c": lambda s, lang: s}),
    (r"forwarded " + _NUM + r" message\(s\) into " + _NUM + r"\+ groups within 15 minutes", "c_sprays",
     {"n": _int, "g": _int}),
    (r"bursty posting \(B=" + _DEC + r"\)", "c_bursty", {"b": _dec}),
    (r"clock-regular posting \(B=" + _DEC + r"\)", "c_regular", {"b": _dec}),
]]
_NETWORK = re.compile(r"^(.*) \(network ([^()]+)\)$")


def _one(part: str, lang: str) -> str:
    net = _NETWORK.match(part)
    if net:
        return _one(net.group(1), lang) + f" ({texts('wording', lang).get('c_network', 'network {c}').format(c=net.group(2))})"
    for pat, key, conv in _REASONS:
        m = pat.match(part)
        if m:
            tpl = texts("wording", lang).get(key)
            if not tpl:
                return part
            vals = {name: fn(m.group(i + 1), lang) for i, (name, fn) in enumerate(conv.items())}
            return tpl.format(**vals)
    return part


def reason(text: Any, lang: str | None = None) -> str:
    """A stored radar or coordination reason (parts joined by ``; ``) in ``lang``; unknown
    parts stay as stored, an empty reason is ``""``."""
    lang = lang or formats.current()
    if not isinstance(text, str) or not text:
        return ""
    if lang == "en":
        return text
    return "; ".join(_one(p.strip(), lang) for p in text.split(";"))


coordination_reasons = reason


def playbook_why(why: Any, lang: str | None = None) -> str:
    """Why a playbook was suggested (:func:`suara.analyse.cases.suggest_playbook`) in ``lang``."""
    lang = lang or formats.current()
    if not isinstance(why, str) or not why or lang == "en":
        return why if isinstance(why, str) else ""
    w = texts("wording", lang)
    ui = strings(lang)
    fixed = {"positive surge": "w_positive", "posts match a known hoax claim": "w_hoax", "SARA / hate speech": "w_hate"}
    if why in fixed:
        return w[fixed[why]]
    m = re.match(r"low severity and reach ([\d,]+) < 10,000$", why)
    if m:
        return w["w_low"].format(n=_int(m.group(1), lang))
    m = re.match(r"(.+) with (\w+) severity$", why)
    if m:
        typ = ui.get("enum_" + m.group(1).replace(" ", "_"), m.group(1))
        sev = ui.get("enum_" + m.group(2), m.group(2))
        return w["w_type_sev"].format(type=typ, sev=sev.lower())
    return why


def playbook(pb: dict | None, lang: str | None = None) -> dict:
    """A case's playbook (``id``, ``title``, ``steps``, ``why``) with its texts in ``lang``."""
    lang = lang or formats.current()
    pb = dict(pb or {})
    if lang != "en" and pb.get("id"):
        w = texts("wording", lang)
        pb["title"] = w.get(f"pb_{pb['id']}", pb.get("title"))
        pb["steps"] = list(w.get(f"pb_{pb['id']}_steps", pb.get("steps") or []))
    if pb.get("why"):
        pb["why"] = playbook_why(pb["why"], lang)
    return pb


def label(kind: str, value: Any, lang: str | None = None) -> str:
    """A stance (``st``), content format (``f``), activity level (``act``) or weekday
    (``d``, Mon..Sun) in ``lang``; an unknown value as it is."""
    lang = lang or formats.current()
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return texts("wording", lang).get(f"{kind}_{value}", str(value))


def why_post(p: dict, lang: str | None = None) -> str:
    """Why a top post worked, from its fields (format, issues, author type, multiple of the
    pair's median engagement), in ``lang``."""
    lang = lang or formats.current()
    w, ui = texts("wording", lang), strings(lang)
    parts = [w["y_format"].format(f=label("f", p.get("format") or "text", lang))]
    if p.get("issues"):
        parts.append(w["y_issues"].format(i=", ".join(str(i) for i in p["issues"])))
    if p.get("author_type"):
        parts.append(w["y_author"].format(a=ui.get("enum_" + str(p["author_type"]), p["author_type"])))
    if isinstance(p.get("lift_vs_median"), (int, float)):
        parts.append(w["y_lift"].format(x=formats.ratio(p["lift_vs_median"], lang)))
    return "; ".join(parts)
