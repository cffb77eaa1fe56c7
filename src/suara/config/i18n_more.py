"""Texts of the catalogue (:mod:`suara.config.i18n`) kept in a second file so that neither
grows past a readable size: the web's error pages and zone-labelled time headings, the
command line's texts for people, and the ``wording`` area — radar reasons, playbooks,
coordination reasons, "why" texts, stances, content formats and weekdays — that
:mod:`suara.analyse.wording` uses to show stored English evidence in the reader's language.
:mod:`suara.config.i18n` merges these into its one ``CATALOGUE``; read them through it.
"""
from __future__ import annotations

__all__ = ["UI", "AREAS"]

#: web page texts merged into ``STRINGS`` (the ``ui`` area)
UI: dict[str, dict[str, str]] = {
    "id": {
        "time_tz": "Waktu ({tz})", "buzzer_score": "Skor buzzer", "error_home": "Kembali ke Ringkasan",
        "error_400": "Permintaan tidak valid", "error_400_text": "Saringan atau parameter halaman ini tidak bisa dibaca. "
        "Periksa isian yang disebut di bawah lalu coba lagi.",
        "error_403": "Akses ditolak", "error_403_text": "Peran Anda tidak memiliki izin untuk membuka halaman atau "
        "melakukan tindakan ini. Hubungi admin ruang kerja bila Anda membutuhkannya.",
        "error_404": "Halaman tidak ditemukan", "error_404_text": "Alamat ini tidak ada atau datanya sudah dihapus.",
        "error_4xx": "Permintaan tidak bisa diproses", "error_4xx_text": "Permintaan ini tidak bisa diproses.",
        "error_422": "Isian tidak lengkap", "error_422_text": "Beberapa isian formulir kosong atau tidak valid.",
        "error_429": "Terlalu banyak permintaan", "error_429_text": "Tunggu sebentar lalu muat ulang halaman.",
        "error_500": "Terjadi kesalahan", "error_500_text": "Terjadi kesalahan di server. Kejadian ini tercatat; "
        "coba lagi sebentar lagi.",
        "vol_consent_at": "Setuju sejak", "vol_withdrawn_at": "Ditarik", "vol_count": "Relawan",
        "vol_active": "Aktif", "voice_index": "indeks suara", "minutes": "Menit", "n_items": "Jumlah",
        "index_100": "Indeks (100 = sama)", "lift_col": "Kelipatan interaksi",
        "lift_note": "kelipatan {x}, setelah penyusutan {y}",
    },
    "en": {
        "time_tz": "Time ({tz})", "buzzer_score": "Buzzer score", "error_home": "Back to the overview",
        "error_400": "Bad request", "error_400_text": "A filter or parameter of this page could not be read. "
        "Check the field named below and try again.",
        "error_403": "Access denied", "error_403_text": "Your role may not open this page or do this. "
        "Ask the workspace's admin if you need it.",
        "error_404": "Page not found", "error_404_text": "This address does not exist or its data was removed.",
        "error_4xx": "The request could not be handled", "error_4xx_text": "This request could not be handled.",
        "error_422": "Incomplete form", "error_422_text": "Some form fields are empty or not valid.",
        "error_429": "Too many requests", "error_429_text": "Wait a moment, then reload the page.",
        "error_500": "Something went wrong", "error_500_text": "The server failed on this request. It was logged; "
        "try again shortly.",
        "vol_consent_at": "Consented", "vol_withdrawn_at": "Withdrawn", "vol_count": "Volunteers",
        "vol_active": "Active", "voice_index": "voice index", "minutes": "Minutes", "n_items": "Count",
        "index_100": "Index (100 = same)", "lift_col": "Lift",
        "lift_note": "lift {x}, shrunk {y}",
    },
}

_CLI = {
    "id": {"sov": "Porsi suara", "sov_cols": ("Paslon", "Sebutan", "Porsi", "Akun unik", "Sentimen bersih",
                                               "Porsi (tanpa buzzer)"),
           "totals": "Unggahan: {posts}  akun: {accounts}  baris karantina: {quarantined}  akun ditandai: "
                     "{flagged_accounts}",
           "failed": "Bagian {n} gagal:",
           "unenriched": "{n} unggahan belum dibaca: jalankan 'suara enrich -w {w}'. Sebutan paslon, sentimen "
                         "dan angka di atas berasal dari langkah itu.",
           "ev_none": "Belum ada label: labeli unggahan dengan 'suara label' atau latih dari CSV dengan 'suara train'.",
           "ev_head": "{task}: {n} label ({counts})", "ev_cv": "macro-F1, validasi silang {k} lipatan: model bawaan {f}",
           "ev_no_shipped": "model bawaan: tidak ada untuk kategori khusus", "ev_ws": "model ruang kerja v{v}",
           "ev_ws_none": "model ruang kerja (belum dilatih)", "ev_table": "{name}: baris = label, kolom = prediksi",
           "ev_shipped": "bawaan", "ev_adapted": "ruang kerja",
           "demo_title": "Alur demo", "demo_step": "langkah", "demo_seconds": "detik",
           "demo_steps": {"Simulating campaign": "Simulasi kampanye", "Importing exports": "Impor berkas ekspor",
                          "Enriching text": "Membaca teks", "Detecting coordination": "Deteksi koordinasi",
                          "Radar": "Radar", "Analysing": "Analisis", "Writing report": "Menulis laporan",
                          "total": "total"},
           "demo_done": "Mengimpor {posts} unggahan dari {files} berkas ({quarantined} baris dikarantina, {bad} tak "
                        "terbaca); membaca {enriched} ({hoax} mengulang hoaks yang dikenal); peringatan {alerts}.",
           "demo_where": "Laporan: [bold]{report}[/]   Ruang kerja: [bold]{d}[/] (coba: suara analyse -w {d} --lang id, "
                         "suara radar -w {d} --lang id, suara serve -w {d})"},
    "en": {"sov": "Share of voice", "sov_cols": ("Pair", "Mentions", "Share", "Unique accounts", "Net sentiment",
                                                  "Share (buzzers removed)"),
           "totals": "Posts: {posts}  accounts: {accounts}  quarantined rows: {quarantined}  flagged accounts: "
                     "{flagged_accounts}",
           "failed": "Section {n} failed:",
           "unenriched": "{n} posts are not enriched yet: run 'suara enrich -w {w}'. Pair mentions, sentiment "
                         "and the figures above come from that step.",
           "ev_none": "No labels yet: label posts with 'suara label' or train from a CSV with 'suara train'.",
           "ev_head": "{task}: {n} labels ({counts})", "ev_cv": "macro-F1, {k}-fold cross-validation: shipped {f}",
           "ev_no_shipped": "shipped: no model for a custom category", "ev_ws": "workspace model v{v}",
           "ev_ws_none": "workspace model (not trained yet)", "ev_table": "{name}: rows = label, columns = prediction",
           "ev_shipped": "shipped", "ev_adapted": "adapted",
           "demo_title": "Demo pipeline", "demo_step": "step", "demo_seconds": "seconds", "demo_steps": {},
           "demo_done": "Imported {posts} posts from {files} files ({quarantined} rows quarantined, {bad} unreadable); "
                        "enriched {enriched} ({hoax} repeat a known hoax); alerts {alerts}.",
           "demo_where": "Report: [bold]{report}[/]   Workspace: [bold]{d}[/] "
                         "(try: suara analyse -w {d}, suara radar -w {d}, suara serve -w {d})"},
}

# The Indonesian side of stored English evidence. Keys name the English pattern they replace
# (suara.analyse.wording holds the patterns); {p}, {n}... are the numbers, reformatted.
_WORDING = {
    "id": {
        # radar reasons (suara.detect.radar.evidence / narratives)
        "r_hoax": "{p} unggahan cocok dengan klaim hoaks yang dikenal",
        "r_hate": "{p} unggahan berisi ujaran kebencian, kata kasar atau SARA",
        "r_opponent": "{p} unggahan berasal dari akun resmi lawan",
        "r_coordinated": "{p} unggahan berasal dari akun terkoordinasi",
        "r_organic": "{p} negatif, {q} terkoordinasi",
        "r_positive": "{p} unggahan positif",
        "r_volume": "volume di atas biasanya untuk jam ini",
        "r_cluster": "klaster unggahan hampir sama, {n} unggahan/jam di awal",
        # playbook reasons (suara.analyse.cases.suggest_playbook)
        "w_positive": "lonjakan positif", "w_hoax": "unggahan cocok dengan klaim hoaks yang dikenal",
        "w_hate": "SARA / ujaran kebencian", "w_low": "tingkat rendah dan jangkauan {n} < 10.000",
        "w_type_sev": "{type} dengan tingkat {sev}",
        # coordination reasons (suara.detect.coordination)
        "c_objects": "bertindak pada {n} objek bersama dalam jendela ko-aktivitas akun lain, total {m} mitra",
        "c_similar": "mengunggah keluarga teks, tagar, tautan atau sasaran yang sama dengan {n} akun lain jauh di atas "
                     "kebetulan (kemiripan jejak hingga {x})",
        "c_timed": "bertemu {n} akun lain dalam rentang {m} menit yang sama pada hingga {k} objek berumur panjang, jauh "
                   "lebih sering daripada kebetulan waktu acak",
        "c_created": "akun dibuat {d} (akun masa kampanye)", "c_followers": "{n} pengikut",
        "c_duplicated": "{p} teksnya hampir sama dengan unggahan akun lain",
        "c_focus": "{p} fokus pada satu paslon ({dir} paslon {c})",
        "c_sprays": "meneruskan {n} pesan ke {g}+ grup dalam 15 menit",
        "c_bursty": "mengunggah bergelombang (B={b})", "c_regular": "mengunggah teratur seperti jam (B={b})",
        "c_network": "jaringan {c}", "dir_for": "mendukung", "dir_against": "menyerang",
        # why a top post worked (suara.analyse.brand.engagement)
        "y_format": "format {f}", "y_issues": "isu {i}", "y_author": "penulis {a}", "y_lift": "{x} median interaksi paslon",
        # stances, content formats, weekdays
        "st_supporter": "pendukung", "st_opponent": "penentang", "st_persuadable": "bisa diyakinkan",
        "st_critical_of_all": "kritis terhadap semua", "st_silent": "diam", "st_neutral": "netral",
        "f_text": "teks", "f_photo": "foto", "f_video": "video", "f_reel": "reel", "f_carousel": "karosel",
        "f_live": "siaran langsung", "f_link": "tautan", "f_story": "story", "f_unknown": "lainnya",
        "act_occasional": "sesekali", "act_regular": "rutin", "act_heavy": "sangat aktif",
        "d_Mon": "Senin", "d_Tue": "Selasa", "d_Wed": "Rabu", "d_Thu": "Kamis", "d_Fri": "Jumat", "d_Sat": "Sabtu",
        "d_Sun": "Minggu",
    },
    "en": {
        "r_hoax": "{p} of posts match a known hoax claim", "r_hate": "{p} of posts are hate speech, abusive or SARA",
        "r_opponent": "{p} of posts come from the opponent's official accounts",
        "r_coordinated": "{p} of posts come from coordinated accounts", "r_organic": "{p} negative, {q} coordinated",
        "r_positive": "{p} of posts are positive", "r_volume": "volume above the usual level for this time of day",
        "r_cluster": "near-duplicate cluster, {n} posts/hour at first",
        "w_positive": "positive surge", "w_hoax": "posts match a known hoax claim", "w_hate": "SARA / hate speech",
        "w_low": "low severity and reach {n} < 10,000",
        "c_objects": "acted on {n} shared objects within the co-activity window of other account(s), {m} partner(s) in all",
        "c_similar": "posts the same text families, hashtags, links or targets as {n} other account(s) far beyond chance "
                     "(trace similarity up to {x})",
        "c_timed": "met {n} other account(s) within the same {m}-minute spans on up to {k} long-lived objects, far more "
                   "often than time-shuffled chance",
        "c_created": "account created {d} (campaign-period account)", "c_followers": "{n} followers",
        "c_duplicated": "{p} of its texts are near-duplicates of other accounts' posts",
        "c_focus": "{p} single-candidate focus ({dir} pair {c})",
        "c_sprays": "forwarded {n} message(s) into {g}+ groups within 15 minutes",
        "c_bursty": "bursty posting (B={b})", "c_regular": "clock-regular posting (B={b})", "c_network": "network {c}",
        "f_text": "text", "f_photo": "photo", "f_video": "video", "f_reel": "reel", "f_carousel": "carousel",
        "f_live": "live", "f_link": "link", "f_story": "story", "f_unknown": "other",
        "act_occasional": "occasional", "act_regular": "regular", "act_heavy": "heavy",
        "d_Mon": "Monday", "d_Tue": "Tuesday", "d_Wed": "Wednesday", "d_Thu": "Thursday", "d_Fri": "Friday",
        "d_Sat": "Saturday", "d_Sun": "Sunday",
        "w_type_sev": "{type} with {sev} severity", "dir_for": "for", "dir_against": "against",
        "st_supporter": "supporter", "st_opponent": "opponent", "st_persuadable": "persuadable",
        "st_critical_of_all": "critical of all", "st_silent": "silent", "st_neutral": "neutral",
        "y_format": "format {f}", "y_issues": "issues {i}", "y_author": "author {a}",
        "y_lift": "{x} the pair's median engagement",
    },
}

#: playbooks (suara.analyse.cases.PLAYBOOKS) in Indonesian, by playbook id
_PLAYBOOKS_ID = {
    "ignore_low_reach": ("Abaikan (jangkauan rendah), tetap pantau", [
        "Jangan membalas atau mengutip: tanggapan justru memperluas jangkauannya.",
        "Biarkan kasus terbuka 24 jam dan periksa lagi jangkauannya di radar.",
        "Naikkan penanganan bila tingkatnya naik."]),
    "fact_check_and_report": ("Periksa fakta dan laporkan", [
        "Kirim unggahan pertama dan klaimnya ke pemeriksa fakta (mis. turnbackhoax.id / Mafindo, cekfakta.com).",
        "Laporkan unggahan ke platform sebagai informasi palsu (ekspor bukti lebih dulu).",
        "Laporkan ke Bawaslu bila hoaks menyasar pemilu atau kandidat.",
        "Setelah bantahan ada, terbitkan fakta dari akun resmi; tautkan bantahannya, jangan ulangi klaimnya."]),
    "report_hate": ("Laporkan SARA / ujaran kebencian", [
        "Ekspor bukti (unggahan, URL, hash) sebelum unggahan hilang.",
        "Laporkan unggahan ke platform (ujaran kebencian) dan ke Bawaslu.",
        "Jangan menanggapi; minta pendukung tidak membalas dengan cara yang sama.",
        "Terbitkan pesan persatuan dari akun resmi bila jangkauannya terus tumbuh."]),
    "clarify_with_facts": ("Klarifikasi dengan fakta dari akun resmi", [
        "Kumpulkan fakta (dokumen program, data, tanggal) yang menjawab kritik itu.",
        "Terbitkan klarifikasi singkat di akun resmi pada platform tempat kritik menyebar.",
        "Bekali juru bicara dan relawan dengan fakta yang sama."]),
    "counter_narrative": ("Terbitkan narasi tandingan", [
        "Dokumentasikan akun asal dan akun penguat (ekspor bukti; porsi terkoordinasi di jejak).",
        "Terbitkan narasi tandingan berisi fakta positif lewat akun resmi dan akun relawan.",
        "Laporkan perilaku tidak autentik terkoordinasi ke platform; ke Bawaslu bila itu kampanye hitam.",
        "Pantau radar untuk lompatan narasi berikutnya."]),
    "amplify": ("Perkuat lonjakan positif", [
        "Ucapkan terima kasih dan bagikan unggahan organik terbaik dari akun resmi.",
        "Beri relawan tagar dan konten untuk menjaga momentum."]),
}
#: the same playbooks as suara.analyse.cases.PLAYBOOKS writes them (English)
_PLAYBOOKS_EN = {
    "ignore_low_reach": ("Ignore (low reach), keep watching", [
        "Do not reply or quote: a response would amplify it.",
        "Keep the case open for 24 h and re-check reach in the radar.", "Escalate if severity rises."]),
    "fact_check_and_report": ("Fact-check and report", [
        "Send the first posts and the claim to fact-checkers (e.g. turnbackhoax.id / Mafindo, cekfakta.com).",
        "Report the posts to the platform as false information (export the evidence first).",
        "Report to Bawaslu when the hoax targets the election or a candidate.",
        "Publish the facts from the official accounts once the debunk exists; link it, do not repeat the claim."]),
    "report_hate": ("Report SARA / hate speech", [
        "Export the evidence (posts, URLs, hashes) before posts disappear.",
        "Report the posts to the platform (hate speech) and to Bawaslu.",
        "Do not engage; ask supporters not to reply in kind.",
        "Publish a unity message from the official accounts if reach keeps growing."]),
    "clarify_with_facts": ("Clarify with facts from the official accounts", [
        "Collect the facts (programme documents, data, dates) that answer the criticism.",
        "Publish a short clarification on the official accounts of the platforms it spread on.",
        "Brief spokespeople and volunteers with the same facts."]),
    "counter_narrative": ("Publish a counter-narrative", [
        "Document the origin and amplifier accounts (export evidence; coordinated share in the trace).",
        "Publish a counter-narrative with positive facts through official and volunteer accounts.",
        "Report coordinated inauthentic behaviour to the platform; to Bawaslu if it is a black campaign.",
        "Track the radar for the narrative's next hop."]),
    "amplify": ("Amplify the positive surge", [
        "Thank and share the best organic posts from the official accounts.",
        "Give volunteers the hashtag and content to keep the momentum."]),
}
for _lang, _books in (("id", _PLAYBOOKS_ID), ("en", _PLAYBOOKS_EN)):
    _WORDING[_lang].update({f"pb_{k}": v[0] for k, v in _books.items()})
    _WORDING[_lang].update({f"pb_{k}_steps": tuple(v[1]) for k, v in _books.items()})

#: audit-log action ids (stored in ``audit_log.action``) -> what the admin page shows
_AUDIT = {
    "id": {
        "login.ok": "Masuk", "login.failed": "Gagal masuk", "login.ratelimited": "Masuk ditahan (terlalu sering)",
        "logout": "Keluar", "session.revoke": "Sesi diakhiri", "user.set": "Pengguna dibuat/diubah",
        "user.disable": "Pengguna dinonaktifkan", "user.enable": "Pengguna diaktifkan", "user.role": "Peran diubah",
        "token.create": "Token API dibuat", "token.revoke": "Token API dicabut",
        "export.csv": "Unduh CSV", "export.xlsx": "Unduh XLSX", "export.gexf": "Unduh jaringan (GEXF)",
        "import.upload": "Unggah impor", "case.open": "Kasus dibuka", "case.note": "Catatan kasus",
        "case.assign": "Kasus ditugaskan", "case.status": "Status kasus diubah", "case.resolve": "Kasus diselesaikan",
        "case.export": "Bukti kasus diunduh", "alert.deliver": "Peringatan dikirim",
        "action.add": "Ajakan aksi ditambahkan", "action.delete": "Ajakan aksi dihapus",
        "volunteer.consent": "Persetujuan relawan dicatat", "volunteer.withdraw": "Relawan menarik persetujuan",
        "label.add": "Label ditambahkan", "label.import": "Label diimpor", "model.train": "Model dilatih",
        "privacy.rotate_key": "Kunci pseudonim diganti", "backup": "Cadangan dibuat",
        "forget": "Data akun dihapus (hak dilupakan)", "purge": "Data lama dihapus (retensi)",
        "account_type": "Jenis akun ditetapkan",
    },
    "en": {
        "login.ok": "Logged in", "login.failed": "Failed login", "login.ratelimited": "Login held (too many tries)",
        "logout": "Logged out", "session.revoke": "Sessions ended", "user.set": "User created/changed",
        "user.disable": "User disabled", "user.enable": "User enabled", "user.role": "Role changed",
        "token.create": "API token created", "token.revoke": "API token revoked",
        "export.csv": "CSV download", "export.xlsx": "XLSX download", "export.gexf": "Network download (GEXF)",
        "import.upload": "Import upload", "case.open": "Case opened", "case.note": "Case note",
        "case.assign": "Case assigned", "case.status": "Case status changed", "case.resolve": "Case resolved",
        "case.export": "Case evidence downloaded", "alert.deliver": "Alert delivered",
        "action.add": "Call to action added", "action.delete": "Call to action deleted",
        "volunteer.consent": "Volunteer consent recorded", "volunteer.withdraw": "Volunteer withdrew consent",
        "label.add": "Labels added", "label.import": "Labels imported", "model.train": "Model trained",
        "privacy.rotate_key": "Pseudonym key rotated", "backup": "Backup made",
        "forget": "Account data erased (right to be forgotten)", "purge": "Old data purged (retention)",
        "account_type": "Account type set",
    },
}

#: area -> language -> key -> text, merged into the catalogue
AREAS: dict[str, dict[str, dict]] = {"cli": _CLI, "wording": _WORDING, "audit": _AUDIT}
