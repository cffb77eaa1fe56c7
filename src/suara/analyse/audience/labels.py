"""Human labels of audience groups and issues (id/en), shared by the segment and
recommendation sections.

Example
-------
>>> from suara.config import load_election
>>> group_label(load_election("kaltim-2024"), "persuadable", "id")
'akun yang belum menentukan pilihan'
"""
from __future__ import annotations

from suara.analyse.base import pair_label

__all__ = ["group_label", "issue_label"]

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


def issue_label(election, issue: str, lang: str) -> str:
    for i in election.issues:
        if i.id == issue:
            return i.label_en if lang == "en" else i.label_id
    return issue
