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
from suara.config.i18n import LANGUAGES, texts

__all__ = ["group_label", "issue_label"]

def group_label(election, group: str, lang: str = "en") -> str:
    """Human label of an audience group.

    Example
    -------
    >>> from suara.config import load_election
    >>> group_label(load_election("kaltim-2024"), "supporter:2")
    'supporters of 2 Rudy-Seno'
    """
    tx = texts("audience", lang if lang in LANGUAGES else "en")
    if ":" in group:
        kind, b = group.split(":", 1)
        return tx.get(f"group_{kind}", kind).format(p=pair_label(election, b))
    return tx.get(f"group_{group}", group)


def issue_label(election, issue: str, lang: str) -> str:
    for i in election.issues:
        if i.id == issue:
            return i.label_en if lang == "en" else i.label_id
    return issue
