"""Clauses of a post and the comparisons in them, for sentiment toward each candidate.

A post naming several candidates is split into clauses at punctuation and contrast words
("tapi", "namun", "sedangkan", "vs"); a clause without a name belongs to the last candidate
named (or the next one at the start of the post); in a comparison ("01 lebih baik dari 02")
the candidate after "dari/daripada/dibanding" is compared against. Used by
`components.TargetedSentiment` and the labelling tools.

Example
-------
>>> more_shift("jauh lebih baik", type("N", (), {"inset": {"baik": 2.0}})())
3.0
"""
from __future__ import annotations

import re

from suara.enrich.cues import _POLITICAL_CUES
from suara.enrich.normalise import clean_text

__all__ = ["clause_pieces", "more_shift"]

_CLAUSE = re.compile(r"[.!?;\n]+|,|\s(?:tapi|tetapi|tp|namun|sedangkan|sementara|padahal|"
                     r"beda\s+sama|beda\s+dengan|vs\.?|versus|lain\s+halnya)\s", re.I)
_MORE = re.compile(r"\b(?:lebih|jauh\s+lebih|lbh|makin)\s+([a-z]+)", re.I)
_COMPARE = re.compile(r"\s(?:dari|daripada|drpd|dibanding(?:kan)?|dibandingin|ketimbang|"
                      r"timbang)\s|\s>\s", re.I)


def more_shift(norm_text: str, normaliser) -> float:
    """Logit shift from a comparison's adjective ("lebih baik" +, "lebih parah" -): reviews
    use "lebih baik ..." mostly as negative advice, campaigns as praise."""
    shift = 0.0
    for w in _MORE.findall(norm_text):
        v = normaliser.inset.get(w, 0.0) or _POLITICAL_CUES.get(w, 0.0)
        shift += 3.0 if v > 0 else (-3.0 if v < 0 else 0.0)
    return shift


def clause_pieces(text: str, mentions) -> dict[str, list[tuple[str, int]]]:
    """candidate -> [(text piece with names blanked, sign)]; sign -1 = compared against."""
    s = clean_text(text)
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(s)] + [len(s)]
    clauses = [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
    out: dict[str, list[tuple[str, int]]] = {}
    last: list[str] = []
    pending: list[str] = []
    for a, b in clauses:
        inside = [m for m in mentions if a <= m.start < b]
        chunk = list(s[a:b])
        for m in inside:
            chunk[m.start - a:m.end - a] = " " * (m.end - m.start)
        blank = "".join(chunk)
        if not inside:
            if last:
                for c in last:
                    out.setdefault(c, []).append((blank, 1))
            else:
                pending.append(blank)
            continue
        cands = list(dict.fromkeys(m.ballot for m in inside))
        comp = _COMPARE.search(blank)
        if len(cands) >= 2 and comp:
            before = [m.ballot for m in inside if m.start - a < comp.start()]
            after = [m.ballot for m in inside if m.start - a >= comp.start()
                     and m.ballot not in before]
            head = blank[:comp.start()]  # "01 jelas lebih baik": the comparison itself
            for c in before:
                out.setdefault(c, []).append((head, 1))
            for c in after:
                out.setdefault(c, []).append((head, -1))
        else:
            for c in cands:
                out.setdefault(c, []).extend([(p, 1) for p in pending] + [(blank, 1)])
        pending = []
        last = cands
    return out
