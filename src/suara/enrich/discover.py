"""Discovery of unlisted issues: clusters of posts that match none of the election's issues.

An analyst reads each cluster's top terms and example posts, names it, and adds it (with
seed terms) to the election config; the next `suara enrich` then tags it.

Method: TF-IDF over the normalised text of untagged posts (Indonesian stop words, candidate
names and words of the taxonomy's seeds removed), k-means, clusters ranked by size; each
cluster's terms are the highest-weighted terms of its centroid.

Example
-------
>>> texts = ["harga tiket kapal ke derawan naik", "tiket kapal derawan mahal sekali",
...          "kapal ke maratua tiketnya naik lagi", "sinyal internet di mahulu hilang",
...          "internet lemot sinyal susah di long apari", "sinyal hp hilang terus di hulu"] * 3
>>> cl = discover_issues(texts, k=2, min_size=3)
>>> sorted(c["terms"][0] for c in cl)
['kapal', 'sinyal']
"""
from __future__ import annotations

import re

import numpy as np

__all__ = ["discover_issues", "STOPWORDS"]

STOPWORDS = set("""yang dan di ke dari ini itu untuk dengan pada adalah tidak ada akan juga sudah
saya kita kami kamu anda dia mereka atau karena jadi bisa lagi aja saja nya pun sih dong deh
kok kan ya yg gak nggak enggak udah banget buat sama tapi kalau kalo mau harus lebih sangat
masih belum sini sana apa siapa bagaimana kenapa gimana mana semua banyak hari ini juga oleh
para dalam bagi agar supaya serta bahwa hanya cuma tak bukan pak bu ibu bapak orang userref
emopos emoneg nih tuh lah kah tah se the and of to in is for kau kada nah pang pian bubuhan
bujur ulun ikam jar haja am guys gaes min kak bang mas mbak dulu nanti besok tadi
pilih milih coblos nomor urut calon pasangan paslon menang mantap setuju lanjutkan jangan
semoga bismillah amin aamiin kampanye dukung pemimpin butuh cukup baik bagus hebat""".split())


def discover_issues(data, election=None, k: int | None = None, min_size: int = 5,
                    n_terms: int = 8, n_examples: int = 3, seed: int = 0) -> list[dict]:
    """Cluster texts (or the workspace's current-version posts with no issue) into candidate
    new issues.

    Parameters
    ----------
    data : list of str, or a Workspace
        texts to cluster; a workspace uses its enriched posts whose ``issues`` list is empty.
    election : Election, optional
        its candidate names and issue seed words are removed from the terms.
    k : int, optional
        number of clusters (default: about one per 150 texts, 2..20).

    Returns
    -------
    list of dict
        ``{"cluster", "size", "terms", "examples", "post_ids"}`` (post ids only for a
        workspace), largest first; clusters smaller than ``min_size`` are dropped.
    """
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = None
    if hasattr(data, "store"):
        ws = data
        election = election or ws.election
        from suara.store.views import enriched
        e = enriched(ws.store)
        e = e.filter(e.text_norm.notnull() & (e.issues.length() == 0))
        df = e.select("platform", "post_id", "text", "text_norm").to_pandas()
        texts = df.text_norm.fillna("").tolist()
        raw = df.text.fillna("").tolist()
        ids = [f"{p}:{i}" for p, i in zip(df.platform, df.post_id)]
    else:
        from suara.enrich.normalise import Normaliser
        n = Normaliser.load()
        raw = [str(t or "") for t in data]
        texts = [n.normalise(t).text for t in raw]
    stop = set(STOPWORDS)
    if election is not None:
        for c in election.candidates:
            for w in c.persons + c.aliases + c.nicknames + c.jargon + c.hashtags + [c.short]:
                stop |= set(re.findall(r"[a-z]+", w.lower()))
        for w in (election.province or "").lower().split() + [election.id.split("-")[0]]:
            stop.add(w)
        for iss in election.issues:
            for s in iss.seeds:
                stop |= set(re.findall(r"[a-z]+", s.lower()))
    keep = [i for i, t in enumerate(texts) if len(t.split()) >= 3]
    if len(keep) < max(2 * min_size, 4):
        return []
    vec = TfidfVectorizer(stop_words=sorted(stop), min_df=2, max_df=0.5, sublinear_tf=True,
                          token_pattern=r"(?u)\b[a-z][a-z]{2,}\b", ngram_range=(1, 1))
    try:
        X = vec.fit_transform([texts[i] for i in keep])
    except ValueError:  # empty vocabulary
        return []
    k = k or int(min(20, max(2, len(keep) // 150)))
    k = min(k, X.shape[0])
    km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(X)
    terms = np.array(vec.get_feature_names_out())
    out = []
    for c in range(k):
        members = np.where(km.labels_ == c)[0]
        if len(members) < min_size:
            continue
        top = terms[np.argsort(-km.cluster_centers_[c])[:n_terms]]
        centre = km.cluster_centers_[c]
        closest = members[np.argsort(-(X[members] @ centre))[:n_examples]]
        out.append({"cluster": c, "size": int(len(members)), "terms": [str(t) for t in top],
                    "examples": [raw[keep[i]] for i in closest],
                    "post_ids": [ids[keep[i]] for i in members] if ids else []})
    out.sort(key=lambda d: -d["size"])
    return out
