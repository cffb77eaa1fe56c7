"""Chat exports: WhatsApp (Android/iPhone, id/en, 12/24 h), Telegram Desktop, Telethon."""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from suara.ingest.base import ImportContext, Source
from suara.ingest.formats.whatsapp import WhatsAppChat, chat_name_from_file
from suara.ingest.pipeline import ingest_paths
from suara.store import Store

CHAT = Path(__file__).parent / "data" / "chat"
WITA = {"local_timezone": "Asia/Makassar"}


def _load(paths, **kw):
    st = Store(":memory:")
    kw.setdefault("options", WITA)
    reps = ingest_paths(st, [str(p) for p in paths], **kw)
    return st, reps


def _posts(st, chat: str):
    df = st.sql(f"SELECT * FROM posts WHERE parent_id = '{chat}' OR root_id = '{chat}' ORDER BY created_at, post_id")
    return _none(df)


def _none(df):
    """NULLs as None, timestamps as datetimes (comparable to literals)."""
    df = df.astype(object)
    df = df.where(df.notna(), None)
    for c in ("created_at",):
        if c in df:
            df[c] = [v.to_pydatetime() if hasattr(v, "to_pydatetime") else v for v in df[c]]
    return df


def test_ingest_chat_whatsapp_android_indonesian():
    st, (rep,) = _load([CHAT / "Chat WhatsApp dengan Relawan Samarinda Ulu.txt"])
    assert rep.format == "whatsapp" and rep.accepted == 10 and rep.quarantined == 0 and rep.error is None
    assert 'chat "Relawan Samarinda Ulu": 10 messages, 7 system lines' in rep.notes
    assert any(n.startswith("day/month order: day first (a day above 12 comes first on line 15)") for n in rep.notes)
    assert "1 messages are dated earlier than the one before (kept as written)" in rep.notes
    p = _posts(st, "chat:relawan-samarinda-ulu")
    assert len(p) == 10 and set(p.parent_id) == {"chat:relawan-samarinda-ulu"} and set(p.platform) == {"whatsapp"}
    first = p.iloc[0]
    # 05/11/24 08.05 WITA = 00:05 UTC; the three lines of the message stay one body
    assert first.created_at == dt.datetime(2024, 11, 5, 0, 5) and first.account_id == "Budi Relawan"
    assert first.text == "Selamat pagi semua 🙏\nBesok kumpul di posko jam 7 pagi.\nBawa KTP dan seragam."
    by_text = {t: r for t, r in zip(p.text, p.itertuples())}
    photo = by_text["Foto kegiatan kemarin di Sempaja #KaltimBerdaulat"]
    assert photo.media_type == "photo" and list(photo.media_files) == ["IMG-20241105-WA0003.jpg"]
    assert list(photo.hashtags) == ["kaltimberdaulat"]
    assert by_text["Info lengkap: https://kpu.go.id/berita/123"].media_type == "link"
    media = p[p.media_type == "media"]
    assert len(media) == 1 and media.iloc[0].text is None and media.iloc[0].account_id == "+6281200000101"
    deleted = p[p.text.isna() & (p.media_type == "text")]
    assert len(deleted) == 1                                    # "Pesan ini telah dihapus": activity, no text
    twice = p[p.text == "Nonton debat malam ini ya"]           # edit marker removed; the repeat kept
    assert len(twice) == 2 and twice.post_id.nunique() == 2
    late = p[p.text == "(pesan terlambat, jam HP salah)"].iloc[0]
    assert late.created_at == dt.datetime(2024, 11, 12, 14, 0)
    senders = set(p.account_id)
    assert senders == {"Budi Relawan", "Sari Kader", "+6281200000101", "+6281200000102"}


def test_ingest_chat_whatsapp_phone_senders_are_citizens_without_handle():
    st, _ = _load([CHAT / "Chat WhatsApp dengan Relawan Samarinda Ulu.txt", CHAT / "WhatsApp Chat - Debate Watch.txt"])
    acc = st.sql("SELECT account_id, handle, display_name, account_type FROM accounts "
                 "WHERE account_id LIKE '+62%' ORDER BY 1")
    assert list(acc.account_id) == ["+6281200000101", "+6281200000102", "+6281200000401"]
    assert acc.handle.isna().all() and acc.display_name.isna().all() and set(acc.account_type) == {"citizen"}
    named = st.sql("SELECT handle, account_type FROM accounts WHERE account_id = 'Sari Kader'").iloc[0]
    assert named.handle == "Sari Kader" and named.account_type is None   # a saved contact name is a handle
    chat = st.sql("SELECT handle FROM accounts WHERE account_id = 'chat:debate-watch'")
    assert list(chat.handle) == ["Debate Watch"]


def test_ingest_chat_whatsapp_android_english_12h_monthfirst():
    st, (rep,) = _load([CHAT / "WhatsApp Chat with Kaltim Volunteers.txt"])
    assert rep.accepted == 5 and rep.quarantined == 0
    assert 'chat "Kaltim Volunteers": 5 messages, 4 system lines' in rep.notes
    assert any("month first" in n for n in rep.notes)
    p = _posts(st, "chat:kaltim-volunteers")
    rows = [(r.account_id, r.created_at, r.media_type, r.text) for r in p.itertuples()]
    assert rows == [
        ("Rina", dt.datetime(2024, 11, 5, 0, 5), "text", "Good morning team"),
        ("+6281200000201", dt.datetime(2024, 11, 5, 4, 30), "media", None),      # 12:30 PM WITA
        ("Rina", dt.datetime(2024, 11, 12, 16, 5), "text", "Debate recap:\n1. Education\n2. Health\n\n3. Jobs"),
        ("Andi", dt.datetime(2024, 11, 13, 11, 15), "text", None),               # deleted
        ("Rina", dt.datetime(2024, 11, 13, 11, 16), "text", "Thanks!"),
    ]


def test_ingest_chat_whatsapp_iphone_zip_indonesian():
    z = CHAT / "WhatsApp Chat - Simpatisan Balikpapan.zip"
    st, reps = _load([z])
    assert len(reps) == 1, "media in the archive is not imported"   # only _chat.txt
    rep = reps[0]
    assert rep.file.endswith("!_chat.txt") and rep.format == "whatsapp" and rep.accepted == 7
    assert 'chat "Simpatisan Balikpapan": 7 messages, 4 system lines' in rep.notes
    p = _posts(st, "chat:simpatisan-balikpapan")
    rows = [(r.account_id, r.created_at.strftime("%d %H:%M:%S"), r.media_type, r.text) for r in p.itertuples()]
    assert rows == [
        ("Dewi", "05 00:03:45", "text", "Halo semua, grup ini untuk koordinasi simpatisan Balikpapan"),
        ("Dewi", "05 00:04:10", "photo", None),
        ("+6281200000301", "05 00:05:00", "photo", None),    # "gambar dihilangkan"
        ("+6281200000301", "05 00:06:30", "video", None),
        ("Yusuf", "05 00:07:00", "text", "Mantap\nLanjutkan!"),
        ("Dewi", "14 12:00:05", "text", None),               # deleted, behind a U+200E mark
        ("Yusuf", "14 12:01:00", "sticker", None),
    ]
    assert list(p[p.media_type == "photo"].media_files.iloc[0]) == ["00000004-PHOTO-2024-11-05-08-04-10.jpg"]


def test_ingest_chat_whatsapp_iphone_english_12h():
    st, (rep,) = _load([CHAT / "WhatsApp Chat - Debate Watch.txt"])
    assert rep.accepted == 5 and 'chat "Debate Watch": 5 messages, 2 system lines' in rep.notes
    p = _posts(st, "chat:debate-watch")
    rows = [(r.account_id, r.created_at, r.media_type, r.text) for r in p.itertuples()]
    assert rows == [
        ("Maya", dt.datetime(2024, 11, 27, 11, 1, 5), "text", "Debate starts in an hour"),
        ("+6281200000401", dt.datetime(2024, 11, 27, 12, 15, 30), "photo", None),
        ("Maya", dt.datetime(2024, 11, 27, 12, 16), "document", "Notes.pdf"),
        ("Maya", dt.datetime(2024, 11, 27, 15, 59, 59), "text", "Good night"),          # 11:59:59 PM
        ("+6281200000401", dt.datetime(2024, 11, 27, 16, 0, 1), "text", "Night!\nSee you at the polls"),  # 12:00:01 AM
    ]


def test_ingest_chat_whatsapp_day_order_from_time_order_and_override():
    f = CHAT / "WhatsApp Chat with Bontang Watch.txt"
    st, (rep,) = _load([f])
    assert any("day first (every date fits both orders; this one keeps the messages in time order" in n
               for n in rep.notes)
    assert sorted(st.sql("SELECT created_at FROM posts").created_at.dt.strftime("%m-%d"))[-1] == "12-02"
    st, (rep,) = _load([f], options={**WITA, "dayfirst": False})
    assert "day/month order: set by option (--monthfirst)" in rep.notes
    assert sorted(st.sql("SELECT created_at FROM posts").created_at.dt.strftime("%m-%d")) == \
        ["01-11", "02-12", "10-11", "11-11"]   # Jan 12 07:30 WITA is Jan 11 in UTC


def test_ingest_chat_whatsapp_ambiguous_file_says_assumed(tmp_path):
    f = tmp_path / "WhatsApp Chat with Kecil.txt"
    f.write_text("01/02/24 09.00 - A: satu\n01/02/24 09.05 - B: dua\n")
    st, (rep,) = _load([f])
    assert "day/month order: day first (assumed: every date fits both orders; use --monthfirst if wrong)" in rep.notes
    assert st.sql("SELECT min(created_at) t FROM posts").t[0] == dt.datetime(2024, 2, 1, 1, 0)


def test_ingest_chat_whatsapp_timezone_option_wins(tmp_path):
    st, _ = _load([CHAT / "WhatsApp Chat with Bontang Watch.txt"], timezone="Asia/Jakarta")
    assert st.sql("SELECT min(created_at) t FROM posts").t[0] == dt.datetime(2024, 11, 10, 2, 0)   # WIB = UTC+7


def test_ingest_chat_whatsapp_damaged_lines_quarantined_with_line_numbers():
    f = CHAT / "WhatsApp Chat with Rusak.txt"
    st, (rep,) = _load([f])
    assert rep.format == "whatsapp" and rep.accepted == 3 and rep.quarantined == 3
    q = st.sql("SELECT file, row, field, reason, raw FROM quarantine ORDER BY row")
    assert list(q.row) == [1, 5, 6] and set(q.file) == {str(f)}
    assert "text before the first message header" in q.reason[0]
    assert "impossible date/time 31/02/24" in q.reason[1]
    assert "cannot read the date/time" in q.reason[2] and "kl 10:15" in q.raw[2]
    assert "could not date 2 line(s): 5, 6 (quarantined)" in rep.notes
    # the continuation line stays with its message
    assert "Pesan kedua\nbaris lanjutan" in set(st.sql("SELECT text FROM posts").text)


def test_ingest_chat_whatsapp_unknown_locale_lists_undated_lines(tmp_path):
    f = tmp_path / "WhatsApp Chat with Asing.txt"
    f.write_text("".join(f"1{i}.11.24 kl. 19:0{i} - Nama {i}: pesan {i}\n" for i in range(5)))
    st, (rep,) = _load([f])
    assert rep.format == "whatsapp" and rep.accepted == 0 and rep.quarantined == 5 and rep.error is None
    assert "could not date 5 line(s): 1, 2, 3, 4, 5 (quarantined)" in rep.notes


def test_ingest_chat_whatsapp_reimport_idempotent_and_overlapping_export(tmp_path):
    f = CHAT / "Chat WhatsApp dengan Relawan Samarinda Ulu.txt"
    st, _ = _load([f])
    again = ingest_paths(st, [str(f)], options=WITA)[0]
    assert again.accepted == 0 and again.unchanged == 10
    # a later export of the same group: older messages dropped, new ones appended
    lines = f.read_text(encoding="utf-8").splitlines()
    later = tmp_path / f.name
    later.write_text("\n".join(lines[5:] + ["14/11/24 08.00 - Sari Kader: Pesan baru"]) + "\n", encoding="utf-8")
    rep = ingest_paths(st, [str(later)], options=WITA)[0]
    assert rep.accepted == 1 and st.sql("SELECT count(*) n FROM posts").n[0] == 11


def test_ingest_chat_folder_reads_chats_and_skips_other_text():
    st, reps = _load([CHAT])
    by = {Path(r.file.split("!")[0]).name: r for r in reps}
    assert by["catatan-rapat.txt"].format is None and by["catatan-rapat.txt"].error is None
    assert "not a chat export" in by["catatan-rapat.txt"].notes[0]
    assert by["WhatsApp Chat - Simpatisan Balikpapan.zip"].format == "whatsapp"
    assert by["result.json"].format == "telegram" and by["telethon-kaltim.jsonl"].format == "telethon"
    plats = set(st.sql("SELECT DISTINCT platform FROM posts").platform)
    assert plats == {"whatsapp", "telegram"}


def test_ingest_chat_explicit_non_chat_text_is_refused(tmp_path):
    st, (rep,) = _load([CHAT / "catatan-rapat.txt"])
    assert rep.error and "catatan-rapat.txt" in rep.error and "not recognised" in rep.error


def test_ingest_chat_name_from_files():
    assert chat_name_from_file(Source(Path("WhatsApp Chat with Relawan (1).txt"))) == "Relawan"
    assert chat_name_from_file(Source(Path("Chat WhatsApp dengan Tim Sukses.txt"))) == "Tim Sukses"
    assert chat_name_from_file(Source(Path("WhatsApp Chat - Grup A.zip"), member="_chat.txt")) == "Grup A"
    assert chat_name_from_file(Source(Path("ekspor.txt"))) == "ekspor"
    assert chat_name_from_file(Source(Path("ekspor.zip"), member="WhatsApp Chat - Grup B/_chat.txt")) == "Grup B"


def test_ingest_chat_name_option(tmp_path):
    f = tmp_path / "ekspor.txt"
    f.write_text("14/11/24 10.00 - Budi: halo\n")
    st, (rep,) = _load([f], options={**WITA, "chat_name": "Relawan Tenggarong"})
    assert st.sql("SELECT parent_id FROM posts").parent_id[0] == "chat:relawan-tenggarong"


def test_ingest_chat_telegram_channel():
    st, (rep,) = _load([CHAT / "result.json"])
    assert rep.format == "telegram" and rep.accepted == 4 and rep.quarantined == 0
    assert "1 chat(s): 4 messages, 2 service messages kept apart" in rep.notes
    p = _none(st.sql("SELECT * FROM posts ORDER BY created_at"))
    rows = [(r.post_id, r.kind, r.parent_id, r.media_type, r.likes, r.views) for r in p.itertuples()]
    assert rows == [
        ("chat:1987654321:2", "post", "chat:1987654321", "link", 135, 15230),
        ("chat:1987654321:3", "share", "chat:1987654321", "photo", None, 9800),   # forwarded_from
        ("chat:1987654321:4", "reply", "chat:1987654321:2", "video", None, 7100),
        ("chat:1987654321:5", "post", "chat:1987654321", "audio", None, 3000),
    ]
    assert set(p.root_id) == {"chat:1987654321"}
    first = p.iloc[0]
    # date_unixtime (UTC) wins over the exporting computer's local "date"
    assert first.created_at == dt.datetime(2024, 11, 12, 11, 5, 33)
    assert first.text == "Debat kedua malam ini pukul 19.00 WITA #PilgubKaltim\nTonton di siaran langsung"
    assert list(first.links) == ["https://kpu.go.id/live"] and list(first.hashtags) == ["pilgubkaltim"]
    assert p.iloc[3].text == "Rekap debat\nbaris kedua" and list(p.iloc[3].media_files) == []
    assert st.sql("SELECT handle FROM accounts WHERE account_id = 'chat:1987654321'").handle[0] == "Kaltim Bersatu Info"


def test_ingest_chat_telegram_full_account_export_skips_private_chats():
    st, (rep,) = _load([CHAT / "telegram-full-export" / "result.json"])
    assert rep.accepted == 4 and "1 private conversation(s) (personal, bot, saved) skipped" in rep.notes
    p = st.sql("SELECT post_id, account_id, kind, parent_id, text FROM posts ORDER BY post_id")
    assert "pesan pribadi" not in set(p.text)
    assert list(p.post_id) == ["chat:1700000002:7", "chat:1800000001:11", "chat:1800000001:12", "chat:1800000001:13"]
    fwd = p[p.post_id == "chat:1800000001:13"].iloc[0]
    assert fwd.kind == "share" and fwd.parent_id == "chat:1800000001" and fwd.text.endswith("@kpu_kaltim")
    reply = p[p.post_id == "chat:1800000001:12"].iloc[0]
    assert reply.kind == "reply" and reply.parent_id == "chat:1800000001:11"
    phone = st.sql("SELECT handle, account_type FROM accounts WHERE account_id = 'user5000000502'").iloc[0]
    assert phone.handle is None and phone.account_type == "citizen"   # shown as a number: personal data


def test_ingest_chat_telethon_dump():
    st, (rep,) = _load([CHAT / "telethon-kaltim.jsonl"])
    assert rep.format == "telethon" and rep.accepted == 2 and "1 service messages kept apart" in rep.notes
    p = st.sql("SELECT * FROM posts ORDER BY post_id")
    a, b = p.iloc[0], p.iloc[1]
    assert (a.post_id, a.account_id, a.likes, a.views, a.shares, a.comments) == \
        ("chat:1987654321:501", "channel1987654321", 40, 5400, 31, 4)
    assert a.created_at == dt.datetime(2024, 11, 14, 3, 0)
    assert (b.kind, b.parent_id, b.media_type) == ("share", "chat:1987654321", "photo")   # a forward: the chat


def test_ingest_chat_telegram_truncated_export_keeps_messages_read(tmp_path):
    data = (CHAT / "result.json").read_bytes()
    f = tmp_path / "result.json"
    f.write_bytes(data[: data.index(b'"id": 5')])
    st, (rep,) = _load([f])
    assert rep.error is None and rep.accepted == 3 and rep.quarantined == 1
    assert "invalid JSON" in st.sql("SELECT reason FROM quarantine").reason[0]


@pytest.mark.parametrize("body", [
    b"", b"\xff\xfe\x00garbage", b"[12/11/24 19.05.33] \n" * 3, b"12/11/24 19.05 - :\n" * 4,
    b"99/99/99 99.99 - A: b\n" * 3, "13/11/24 19.05 - \u200f\u202eBudi: x\n".encode() * 3,
    b"12/11/24 19.05 - A: " + b"x" * 5000 + b"\n",
])
def test_ingest_chat_hostile_input_never_crashes(tmp_path, body):
    f = tmp_path / "WhatsApp Chat with X.txt"
    f.write_bytes(body)
    imp = WhatsAppChat()
    ctx = ImportContext(file=str(f), options=dict(WITA))
    from suara.ingest.base import FileError, RowError
    try:
        for _, raw in imp.read(Source(f), ctx):
            try:
                imp.map(raw, ctx)
            except RowError:
                pass
    except FileError:
        pass


def test_ingest_chat_workspace_uses_election_zone_and_pseudonymises(tmp_path):
    import suara
    ws = suara.init(tmp_path / "ws")
    reps = ws.ingest([CHAT / "WhatsApp Chat with Bontang Watch.txt"])
    assert "local times read in Asia/Makassar, stored as UTC" in reps[0].notes
    from suara.analyse.privacy import Pseudonymiser
    ps = Pseudonymiser(ws)
    assert ps("citizen", "whatsapp", "+6281200000101", None).startswith("warga-")
    ws.close()


def test_ingest_chat_zip_with_other_members_still_reads_them(tmp_path):
    z = tmp_path / "bundle.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a/result.json", (CHAT / "result.json").read_bytes())
        zf.writestr("a/notes.txt", "bukan chat")
    st, reps = _load([z])
    by = {r.file.split("!")[-1]: r for r in reps}
    assert by["a/result.json"].accepted == 4 and by["a/notes.txt"].format is None
    assert json.loads(json.dumps([r.to_dict() for r in reps]))   # reports stay JSON-able


@pytest.mark.spark
def test_ingest_chat_lake_parity(tmp_path):
    """Chat exports land the same in the Parquet lake (Spark engine) as in DuckDB, partitioned
    by the new platforms."""
    pytest.importorskip("pyspark")
    import suara
    duck = suara.init(tmp_path / "duck")
    duck.ingest([CHAT])
    suara.init(tmp_path / "lake").close()
    lake = suara.open(tmp_path / "lake", engine="spark")
    lake.ingest([CHAT])
    q = ("SELECT platform, post_id, account_id, created_at, kind, parent_id, text, media_type FROM posts "
         "ORDER BY platform, post_id")
    assert lake.store.sql(q).values.tolist() == duck.store.sql(q).values.tolist()
    for t in ("accounts", "quarantine"):
        assert lake.store.count(t) == duck.store.count(t), t
    parts = {p.parent.parent.name for p in (lake.store.lake / "posts").rglob("*.parquet")}
    assert {"platform=whatsapp", "platform=telegram"} <= parts
    duck.close()
    lake.close()


@pytest.mark.slow
def test_ingest_chat_end_to_end_report_never_names_phone_senders(tmp_path):
    """Chat exports go through enrich, analysis and the report; the phone-number senders
    appear nowhere in the report, only pseudonyms."""
    import json as _json

    import suara
    ws = suara.init(tmp_path / "ws")
    ws.ingest([CHAT])
    ws.enrich()
    doc = ws.analyse()
    out = ws.report(tmp_path / "report.html")
    html = out.read_text(encoding="utf-8")
    blob = _json.dumps(doc, default=str)
    for number in ("6281200000101", "812-0000-0101", "6281200000401", "user5000000502"):
        assert number not in html and number not in blob, number
    assert "whatsapp" in html.lower()
    ws.close()


def test_ingest_chat_same_message_into_many_groups_is_seen_by_coordination(tmp_path):
    """One phone number posting the same message into four WhatsApp groups within minutes:
    the sender is one account across the exports (its number in one form), each group is the
    message's parent, and coordination reports the forwarding spray."""
    import suara
    msg = "HOAKS! Paslon 2 akan menghapus bantuan sembako, sebarkan ke semua grup"
    d = tmp_path / "ekspor"
    d.mkdir()
    for i, g in enumerate(["Relawan Ulu", "Warga Sempaja", "Ibu PKK Loa Bakung", "Ojol Samarinda"]):
        number = ["+62 812-0000-0999", "0812-0000-0999", "+62 812 0000 0999", "+6281200000999"][i]
        (d / f"WhatsApp Chat with {g}.txt").write_text(
            f"14/11/24 09.0{i} - {number}: {msg}\n14/11/24 09.1{i} - Warga {i}: apa benar?\n")
    ws = suara.init(tmp_path / "ws")
    assert [r.accepted for r in ws.ingest([d])] == [2, 2, 2, 2]
    p = ws.store.sql("SELECT DISTINCT account_id, parent_id FROM posts WHERE text LIKE 'HOAKS%'")
    assert set(p.account_id) == {"+6281200000999"} and p.parent_id.nunique() == 4
    ws.detect(["coordination"])
    r = ws.store.sql("SELECT reasons FROM account_scores WHERE account_id = '+6281200000999'").reasons[0]
    assert "forwarded 1 message(s) into 3+ groups within 15 minutes" in r
    ws.close()


@pytest.mark.slow
def test_ingest_chat_web_lists_new_platforms_and_hides_phone_senders(tmp_path):
    """The war room's posts page, JSON and CSV list WhatsApp/Telegram messages with pseudonyms
    for phone-number senders (no number in any response)."""
    import re

    from fastapi.testclient import TestClient

    import suara
    from suara.serve.app import create_app
    from suara.serve.auth import add_user
    ws = suara.init(tmp_path / "w")
    ws.ingest([CHAT])
    add_user(ws.store, "ana", "analyst-pass-123", "analyst")
    ws.close()
    with TestClient(create_app(tmp_path / "w")) as c:
        r = c.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        c.post("/login", data={"username": "ana", "password": "analyst-pass-123", "csrf": csrf, "next": "/"},
               follow_redirects=False)
        page = c.get("/posts")
        assert page.status_code == 200 and ">whatsapp<" in page.text and ">telegram<" in page.text
        js = c.get("/api/v1/posts?limit=200")
        csv_ = c.get("/api/v1/posts.csv?limit=200")
        assert js.status_code == 200 and csv_.status_code == 200
        wa = [p for p in js.json()["posts"] if p["platform"] == "whatsapp"]
        assert len(wa) == 34
        for body in (page.text, js.text, csv_.text, c.get("/posts?platform=whatsapp").text):
            for number in ("6281200000101", "812-0000-0101", "6281200000401"):
                assert number not in body
        assert all(p["account_id"].startswith("warga-") for p in wa if p["account_id"])


def test_ingest_chat_telegram_html_export_is_named_in_the_skip_line(tmp_path):
    d = tmp_path / "ChatExport_2024-11-20"
    d.mkdir()
    (d / "messages.html").write_text('<!DOCTYPE html>\n<html>\n<head><title>Exported Data</title></head>\n'
                                     '<body><div class="page_header"><div class="text bold">Kaltim Info</div></div>\n'
                                     '<div class="history"><div class="message service">Telegram</div></div></body></html>\n')
    (d / "style.css").write_text("body{}")
    st, reps = _load([d])
    assert len(reps) == 1 and reps[0].error is None and reps[0].format is None
    assert "a Telegram HTML export; export the chat again with 'Machine-readable JSON'" in reps[0].notes[0]


def test_ingest_chat_whatsapp_newer_placeholders_polls_locations(tmp_path):
    f = tmp_path / "WhatsApp Chat with Varian.txt"
    f.write_text("14/11/24 10.00 - Budi: <View once voice message omitted>\n"
                 "14/11/24 10.01 - Budi: <Video note omitted>\n"
                 "14/11/24 10.02 - Sari: Waiting for this message. This may take a while.\n"
                 "14/11/24 10.03 - Sari: Location: https://maps.google.com/?q=-0.5,117.1\n"
                 "14/11/24 10.04 - Sari: POLL:\nJam kumpul?\nOPTION: 07.00 (3 votes)\nOPTION: 08.00 (1 vote)\n")
    st, (rep,) = _load([f])
    p = _none(st.sql("SELECT media_type, text FROM posts ORDER BY created_at"))
    assert [tuple(r) for r in p.itertuples(index=False)] == [
        ("audio", None), ("video", None), ("text", None),
        ("link", "Location: https://maps.google.com/?q=-0.5,117.1"),
        ("text", "POLL:\nJam kumpul?\nOPTION: 07.00 (3 votes)\nOPTION: 08.00 (1 vote)")]


def test_ingest_chat_cli_options_and_forget_a_phone_sender(tmp_path):
    from typer.testing import CliRunner

    import suara
    from suara.cli import app
    ws_dir = tmp_path / "ws"
    suara.init(ws_dir).close()
    f = CHAT / "WhatsApp Chat with Bontang Watch.txt"
    r = CliRunner().invoke(app, ["ingest", str(f), "--monthfirst", "--chat-name", "Tim Bontang", "-w", str(ws_dir)])
    assert r.exit_code == 0, r.output
    assert "day/month order: set by option (--monthfirst)" in r.output and 'chat "Tim Bontang"' in r.output
    r = CliRunner().invoke(app, ["ingest", str(CHAT / "catatan-rapat.txt"), "-w", str(ws_dir)])
    assert r.exit_code == 2 and "catatan-rapat.txt" in r.output
    r = CliRunner().invoke(app, ["ingest", str(CHAT / "Chat WhatsApp dengan Relawan Samarinda Ulu.txt"), "-w", str(ws_dir)])
    assert r.exit_code == 0
    r = CliRunner().invoke(app, ["forget", "--account", "whatsapp:+6281200000101", "--yes", "-w", str(ws_dir)])
    assert r.exit_code == 0, r.output
    ws = suara.open(ws_dir)
    assert ws.store.sql("SELECT count(*) n FROM posts WHERE account_id = '+6281200000101'").n[0] == 0
    assert ws.store.sql("SELECT count(*) n FROM posts WHERE parent_id = 'chat:tim-bontang'").n[0] == 4
    ws.close()


def test_ingest_chat_telegram_old_channel_export_without_sender(tmp_path):
    f = tmp_path / "result.json"
    f.write_text(json.dumps({"name": "Kanal Lama", "type": "public_channel", "id": 42, "messages": [
        {"id": 1, "type": "message", "date": "2020-11-12T19:05:00", "text": "Pengumuman"}]}))
    st, (rep,) = _load([f])
    p = st.sql("SELECT account_id, created_at FROM posts").iloc[0]
    # no date_unixtime: the local "date" is read in the election's zone (WITA)
    assert p.account_id == "channel42" and p.created_at == dt.datetime(2020, 11, 12, 11, 5)


@pytest.mark.parametrize("name", ["result.json", "telegram-full-export/result.json"])
def test_ingest_chat_telegram_streamed_and_whole_reads_agree(monkeypatch, name):
    from suara.ingest.formats import telegram
    q = "SELECT platform, post_id, account_id, created_at, kind, parent_id, text, likes, views FROM posts ORDER BY post_id"
    st, (whole,) = _load([CHAT / name])
    monkeypatch.setattr(telegram, "WHOLE_FILE_BYTES", 0)
    st2, (streamed,) = _load([CHAT / name])
    assert st.sql(q).values.tolist() == st2.sql(q).values.tolist()
    assert whole.notes == streamed.notes and whole.accepted == streamed.accepted
