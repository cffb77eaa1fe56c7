"""The posts export keeps its compiled query per filter and data version: what it returns
must still follow the data (posts added later, the filter asked)."""
from __future__ import annotations

import datetime as dt

import pandas as pd


def _posts(ws, rows):
    df = pd.DataFrame([{"platform": "x", "post_id": pid, "account_id": acc, "created_at": dt.datetime.fromisoformat(at),
                        "kind": "post", "text": text} for pid, acc, at, text in rows])
    for c in ("hashtags", "links", "mentions", "media_files"):
        df[c] = [[] for _ in range(len(df))]
    ws.store.upsert("posts", df)


def _ids(ws, filters=None, limit=None):
    return [r[0] for b in ws.export_posts(filters or {}, show_identities=True, limit=limit) for r in b]


def test_export_follows_new_posts_and_filters(workspace):
    ws = workspace
    _posts(ws, [("1", "a", "2024-11-01 08:00", "banjir di Samarinda"),
                ("2", "b", "2024-11-02 08:00", "jalan rusak"),
                ("3", "a", "2024-11-03 08:00", "banjir lagi")])
    first = _ids(ws, limit=2)
    assert len(first) == 2 and first == _ids(ws, limit=2)        # the kept query gives the same rows
    _posts(ws, [("4", "c", "2024-11-04 08:00", "banjir surut")])
    assert len(_ids(ws, limit=2)) == 2 and _ids(ws, limit=2)[0] != first[0]   # the newest post leads now
    assert len(_ids(ws)) == 4                                    # no limit: every post, the new one too
    assert len(_ids(ws, {"q": "banjir"})) == 3 and len(_ids(ws, {"q": "jalan"})) == 1
