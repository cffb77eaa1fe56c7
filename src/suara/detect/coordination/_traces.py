"""Traces: one row per (account, object, time) for every kind of co-activity.

An *object* is the thing two accounts can both act on: a link, a near-duplicate text, a
hashtag set, a post they comment on or share, an account they reply to. Extraction is Ibis
over the canonical tables (DuckDB or Spark); only the near-duplicate step runs in numpy.
"""
from __future__ import annotations

import re

import ibis
import numpy as np
import pandas as pd

from suara.analyse import base

#: trace kinds, in the order used for per-kind counts
KINDS = ("link", "text", "hashtags", "comment", "reply", "share")

#: platforms whose posts' parent is a chat group or channel
CHAT_PLATFORMS = ("whatsapp", "telegram")
#: forwarding the same message into this many groups within FORWARD_WINDOW seconds is a spray
FORWARD_GROUPS = 3
FORWARD_WINDOW = 900

#: whole query parameters that only track who shared a link (never part of its identity)
_TRACKING = r"[?&](utm_[a-z_]+|fbclid|gclid|dclid|msclkid|igshid|igsh|si|mibextid|ref_src|ref_url|_ga)=[^&#]*"
#: on X / Twitter links `s` and `t` are share trackers too (elsewhere `s` may be a search)
_X_TRACKING = r"[?&](s|t)=[^&#]*"
_TOKEN = re.compile(r"[^\w#@]+", re.UNICODE)


def load_posts(ws) -> tuple[ibis.Table, dict]:
    """Posts usable for coordination (author and time present) and counts of skipped ones.

    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> load_posts(ws)[1]
    {'posts': 0, 'skipped_no_time': 0, 'skipped_no_author': 0}
    """
    p = base.posts(ws)
    stats = p.aggregate(
        posts=p.count(),
        skipped_no_time=p.created_at.isnull().sum(),
        skipped_no_author=(p.created_at.notnull() & (p.account_id.isnull() | (p.account_id == ""))).sum(),
    ).execute().iloc[0]
    stats = {k: int(0 if pd.isna(v) else v) for k, v in stats.items()}
    ok = p.filter(p.created_at.notnull(), p.account_id.notnull(), p.account_id != "")
    return ok.mutate(ts=ok.created_at.epoch_seconds().cast("int64")), stats


def norm_link(col):
    """Link identity: lower case, no scheme, ``www.``/``m.``/``mobile.`` prefix or fragment,
    and no whole tracking parameter (``utm_*``, ``fbclid``, ``igshid``, ``si``...; ``s`` and
    ``t`` on X). Other parameters stay: ``read?post=123`` and ``read?post=456`` differ.
    Query separators are written ``&`` (the result is an identity key).

    >>> import ibis
    >>> t = ibis.memtable({"u": ["https://www.news.id/read?post=123&utm_source=wa",
    ...                          "https://news.id/read?post=456", "https://x.com/a/status/9?s=20&t=abc",
    ...                          "https://news.id/read?utm_source=a&utm_medium=b&id=5#top"]})
    >>> t.select(v=norm_link(t.u)).execute()["v"].tolist()
    ['news.id/read&post=123', 'news.id/read&post=456', 'x.com/a/status/9', 'news.id/read&id=5']
    """
    s = col.lower().strip()
    s = s.re_replace(r"^https?://", "").re_replace(r"^(www\.|m\.|mobile\.)", "")
    # no back-references (DuckDB writes them \\1, Spark $1): every separator becomes "&",
    # a key for identity rather than a link to open
    s = s.re_replace(r"#.*$", "").re_replace(_TRACKING, "&")
    s = ibis.ifelse(s.re_search(r"^(twitter\.com|x\.com)/"), s.re_replace(_X_TRACKING, "&"), s)
    s = s.re_replace(r"[?&]+", "&")
    return s.re_replace(r"[&/]+$", "")


def structural_traces(ws, posts: ibis.Table) -> pd.DataFrame:
    """Link, hashtag-set, co-comment, co-reply and co-share traces as a DataFrame with
    columns platform, account_id, kind, obj, ts.

    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> list(structural_traces(ws, load_posts(ws)[0]).columns)
    ['platform', 'account_id', 'kind', 'obj', 'ts', 'post_id']
    """
    p = posts
    cols = ["platform", "account_id", "kind", "obj", "ts", "post_id"]
    parts = []
    # the same link (cross-platform: a URL is the same object wherever it is posted)
    lk = p.filter(p.links.length() > 0).select("platform", "account_id", "ts", "post_id", link=p.links.unnest())
    lk = lk.filter(lk.link.notnull())
    lk = lk.mutate(obj=norm_link(lk.link))
    parts.append(lk.filter(lk.obj.length() > 3).select(
        "platform", "account_id", "post_id", kind=ibis.literal("link"), obj="l:" + lk.obj, ts="ts"))
    # the same hashtag set (two or more tags; one popular tag alone is not a signature)
    hs = p.filter(p.hashtags.length() >= 2)
    parts.append(hs.select("platform", "account_id", "post_id", kind=ibis.literal("hashtags"),
                           obj="h:" + hs.hashtags.map(lambda x: x.lower()).unique().sort().join(" "),
                           ts="ts"))
    target = ibis.coalesce(p.parent_id, p.root_id)
    # co-commenting on the same post (comments, replies, live comments)
    # (a WhatsApp / Telegram message's parent is its group or channel: being in the same
    # group is no co-commenting; forwarding into groups is measured by forward_sprays)
    cm = p.filter(p.kind.isin(["comment", "reply", "live_comment"]), target.notnull(),
                  ~p.platform.isin(list(CHAT_PLATFORMS)))
    parts.append(cm.select("platform", "account_id", "post_id", kind=ibis.literal("comment"),
                           obj="c:" + cm.platform + ":" + ibis.coalesce(cm.root_id, cm.parent_id), ts="ts"))
    # co-sharing the same post
    sh = p.filter(p.kind == "share", target.notnull(), ~p.platform.isin(list(CHAT_PLATFORMS)))
    parts.append(sh.select("platform", "account_id", "post_id", kind=ibis.literal("share"),
                           obj="s:" + sh.platform + ":" + ibis.coalesce(sh.root_id, sh.parent_id), ts="ts"))
    # co-replying to the same account: the author of the parent post, else the first @mention
    rp = p.filter(p.kind.isin(["comment", "reply"]))
    par = base.posts(ws).select(pplat="platform", ppost="post_id", pacct="account_id")
    rj = rp.left_join(par, [rp.platform == par.pplat, rp.parent_id == par.ppost])
    who = ibis.coalesce(rj.pacct, "@" + rj.mentions[0].lower().re_replace("^@", ""))
    rj = rj.mutate(who=who)
    rj = rj.filter(rj.who.notnull(), rj.who != rj.account_id)
    parts.append(rj.select("platform", "account_id", "post_id", kind=ibis.literal("reply"),
                           obj="r:" + rj.platform + ":" + rj.who, ts="ts"))
    parts = [x.select(platform=x.platform.cast("string"), account_id=x.account_id.cast("string"),
                      kind=x.kind.cast("string"), obj=x.obj.cast("string"), ts=x.ts.cast("int64"),
                      post_id=x.post_id.cast("string"))
             for x in parts]
    u = parts[0]
    for x in parts[1:]:
        u = u.union(x, distinct=False)
    return u.execute()[cols]


def tag_tokens(posts: ibis.Table) -> pd.DataFrame:
    """Per account and hashtag (lower case): how many of its posts carry it. Columns
    platform, account_id, obj (``t:tag``), tf.

    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> list(tag_tokens(load_posts(ws)[0]).columns)
    ['platform', 'account_id', 'obj', 'tf']
    """
    p = posts.filter(posts.hashtags.length() > 0)
    u = p.select("platform", "account_id", "post_id", tag=p.hashtags.unnest())
    u = u.filter(u.tag.notnull()).mutate(tag=u.tag.lower())
    g = u.group_by(["platform", "account_id", "tag"]).aggregate(tf=u.post_id.nunique())
    d = g.execute()
    d["obj"] = "t:" + d["tag"].astype(str)
    return d[["platform", "account_id", "obj", "tf"]]


def forward_sprays(posts: ibis.Table) -> pd.DataFrame:
    """Per WhatsApp / Telegram account: how many distinct messages (20+ characters) it
    posted into ``FORWARD_GROUPS`` or more groups/channels within one ``FORWARD_WINDOW``
    (15-minute) bucket. Columns platform, account_id, sprays.

    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> len(forward_sprays(load_posts(ws)[0]))
    0
    """
    p = posts.filter(posts.platform.isin(list(CHAT_PLATFORMS)), posts.parent_id.notnull(),
                     posts.text.notnull(), posts.text.length() >= 20)
    g = p.group_by([p.platform, p.account_id, p.text.lower().strip().name("msg"),
                    (p.ts // FORWARD_WINDOW).name("bucket")]).aggregate(groups=p.parent_id.nunique())
    g = g.filter(g.groups >= FORWARD_GROUPS)
    return g.group_by(["platform", "account_id"]).aggregate(sprays=g.msg.nunique()).execute()


def text_counts(posts: ibis.Table) -> pd.DataFrame:
    """Per account: posts with text of its own (shares left out, except forwards into chat
    groups). Columns platform, account_id, n_text."""
    p = posts.filter(posts.kind.isnull() | (posts.kind != "share") | posts.platform.isin(list(CHAT_PLATFORMS)),
                     posts.text.notnull(), posts.text != "")
    return p.group_by(["platform", "account_id"]).aggregate(n_text=p.count()).execute()


def _normalise_text(s: pd.Series) -> pd.Series:
    s = s.fillna("").str.lower()
    s = s.str.replace(r"https?://\S+", " ", regex=True).str.replace(r"^rt @\w+:?", " ", regex=True)
    return s.str.replace(_TOKEN, " ", regex=True).str.strip()


def near_duplicate_clusters(texts: pd.Series, threshold: float = 0.6, num_perm: int = 32,
                            shingle: int = 2, min_tokens: int = 5, seed: int = 1) -> pd.Series:
    """Near-duplicate cluster label per text (NA when the text is too short or unique).

    MinHash signatures over word ``shingle``-grams and LSH banding (bands of rows chosen for
    ``threshold`` Jaccard) propose candidate pairs; a pair is kept when its signatures agree
    on at least ``threshold`` of the hashes; a text takes the label of its smallest kept
    neighbour (one hop, so similar templates do not chain into one giant cluster).
    Written in numpy instead of one ``datasketch.MinHash`` per document because the Python
    loop per document costs ~40 µs, i.e. 40 s for a million posts; the hashing scheme is the
    same universal hashing datasketch uses. Exact duplicates collapse first.

    >>> s = pd.Series(["Ayo dukung pasangan nomor satu untuk Kaltim maju sejahtera",
    ...                "ayo dukung pasangan nomor satu untuk kaltim maju sejahtera!!",
    ...                "Ayo dukung pasangan nomor satu untuk Kaltim maju dan sejahtera",
    ...                "harga sembako naik terus di pasar samarinda hari ini"])
    >>> lab = near_duplicate_clusters(s)
    >>> bool(lab[0] == lab[1] == lab[2]), bool(pd.isna(lab[3]))
    (True, True)
    """
    norm = _normalise_text(texts.reset_index(drop=True))
    out = pd.Series(pd.NA, index=texts.index, dtype="object")
    if norm.empty:
        return out
    codes, uniq = pd.factorize(norm)
    utext = pd.Series(uniq)
    toks = utext.str.split()
    ntok = toks.str.len().fillna(0).to_numpy()
    ok = np.flatnonzero(ntok >= min_tokens)
    if len(ok):
        tk = toks.iloc[ok].explode()
        doc = tk.index.to_numpy()
        h = pd.util.hash_array(tk.to_numpy(dtype=object)).astype(np.uint64)
        # word shingles: combine each token hash with the next (shingle-1) of the same text
        sh = h.copy()
        valid = np.ones(len(h), dtype=bool)
        for k in range(1, shingle):
            nxt = np.roll(h, -k)
            same = np.roll(doc, -k) == doc
            same[-k:] = False
            sh = sh * np.uint64(1000003) ^ nxt
            valid &= same
        sh, sdoc = sh[valid], doc[valid]
        sh = (sh & np.uint64(0xFFFFFFFF)).astype(np.uint64)
        rng = np.random.RandomState(seed)
        prime = np.uint64((1 << 61) - 1)
        a = rng.randint(1, 1 << 31, size=num_perm, dtype=np.int64).astype(np.uint64)
        b = rng.randint(0, 1 << 31, size=num_perm, dtype=np.int64).astype(np.uint64)
        # sdoc is sorted (explode keeps order), so reduceat over segment starts works
        starts = np.flatnonzero(np.r_[True, sdoc[1:] != sdoc[:-1]])
        sig = np.empty((len(starts), num_perm), dtype=np.uint64)
        for i in range(num_perm):
            v = ((a[i] * sh + b[i]) % prime) & np.uint64(0xFFFFFFFF)
            sig[:, i] = np.minimum.reduceat(v, starts)
        docs = sdoc[starts]
        bands, rows = _lsh_params(threshold, num_perm)
        src, dst = [], []
        pos = np.empty(len(uniq), dtype=np.int64)
        pos[docs] = np.arange(len(docs))
        for bnd in range(bands):
            key = pd.util.hash_pandas_object(
                pd.DataFrame(sig[:, bnd * rows:(bnd + 1) * rows].astype(np.int64)), index=False).to_numpy()
            first = pd.Series(docs).groupby(key).transform("min").to_numpy()
            m = first != docs
            src.append(docs[m])
            dst.append(first[m])
        src, dst = np.concatenate(src), np.concatenate(dst)
        # keep candidate links whose estimated Jaccard (share of equal minhashes) clears the
        # threshold, then label each text by its smallest verified neighbour: one hop, so
        # templated texts cannot chain into one corpus-wide cluster as connected components would
        pairs = pd.DataFrame({"s": src, "d": dst}).drop_duplicates()
        agree = np.zeros(len(pairs))
        for lo in range(0, len(pairs), 200_000):
            ss = pos[pairs["s"].to_numpy()[lo:lo + 200_000]]
            dd = pos[pairs["d"].to_numpy()[lo:lo + 200_000]]
            agree[lo:lo + 200_000] = (sig[ss] == sig[dd]).mean(axis=1)
        pairs = pairs[agree >= threshold]
        root = np.arange(len(uniq))
        if len(pairs):
            best = pairs.groupby("s")["d"].min()
            root[best.index.to_numpy()] = np.minimum(root[best.index.to_numpy()], best.to_numpy())
    else:
        root = np.arange(len(uniq))
    lab = root[codes]
    counts = pd.Series(lab).map(pd.Series(lab).value_counts())
    labels = pd.Series(["t%x" % x for x in lab], dtype="object")
    labels[(counts.to_numpy() < 2) | (ntok[codes] < min_tokens)] = pd.NA
    # exact duplicates of short texts still count (e.g. the same slogan copied verbatim)
    exact_short = (ntok[codes] >= 3) & (ntok[codes] < min_tokens) & (pd.Series(codes).map(
        pd.Series(codes).value_counts()).to_numpy() >= 2)
    labels[exact_short] = ["e%x" % c for c in codes[exact_short]]
    out[:] = labels.to_numpy()
    return out


def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands x rows whose S-curve crosses 0.5 closest to ``threshold``."""
    best, err = (num_perm, 1), 9.0
    for r in range(1, num_perm + 1):
        b = num_perm // r
        if b < 1:
            break
        t = (1.0 / b) ** (1.0 / r)
        if abs(t - threshold) < err:
            best, err = (b, r), abs(t - threshold)
    return best


def text_traces(ws, posts: ibis.Table, threshold: float = 0.6) -> pd.DataFrame:
    """Near-duplicate text traces: the current enrichment's ``dup_cluster`` when present,
    else clusters computed here with MinHash LSH. Shares are left out (their text is the
    shared post's), except forwards into WhatsApp / Telegram groups. Columns: platform, account_id, kind, obj, ts, post_id.

    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> len(text_traces(ws, load_posts(ws)[0]))
    0
    """
    # a forward into a WhatsApp / Telegram group carries the message itself: its text counts
    p = posts.filter(posts.kind.isnull() | (posts.kind != "share") | posts.platform.isin(list(CHAT_PLATFORMS)),
                     posts.text.notnull())
    v = base.current_version(ws)
    have_dup = False
    if v:
        e = ws.store.table("enrichments")
        e = e.filter(e.version == v)
        have_dup = int(e.filter(e.dup_cluster.notnull()).count().execute()) > 0
    if have_dup:
        e = e.select(eplat="platform", epost="post_id", dup="dup_cluster")
        j = p.inner_join(e, [p.platform == e.eplat, p.post_id == e.epost])
        j = j.filter(j.dup.notnull())
        df = j.select("platform", "account_id", "post_id", "ts", "dup").execute()
        df["obj"] = "d:" + df["dup"].astype(str)
    else:
        df = p.select("platform", "account_id", "post_id", "ts", "text").execute()
        # LSH clusters depend on the order texts arrive in; engines return rows in any order
        df = df.sort_values(["platform", "post_id"], kind="stable").reset_index(drop=True)
        df["obj"] = near_duplicate_clusters(df["text"], threshold=threshold)
        df = df[df["obj"].notna()]
        df["obj"] = "d:" + df["obj"].astype(str)
    df["kind"] = "text"
    return df[["platform", "account_id", "kind", "obj", "ts", "post_id"]].reset_index(drop=True)
