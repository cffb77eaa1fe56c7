"""Texts of the radar's triage inbox and the case pages (catalogue area ``triage``) and of the
morning brief, its report section and summary card (area ``brief``), Bahasa Indonesia and
English. Part of the one catalogue, :mod:`suara.config.i18n`, which registers them.

Example
-------
>>> TRIAGE["id"]["inbox"], BRIEF["en"]["things"]
('Kotak masuk radar', '3 things for today')
"""
from __future__ import annotations

__all__ = ["TRIAGE", "BRIEF"]

TRIAGE = {
    "id": {"inbox": "Kotak masuk radar", "inbox_explain": "Peringatan sejenis (jenis, pasangan, isu atau narasi yang "
           "sama, berdekatan waktunya ≤ 72 jam) digabung menjadi satu insiden dan diurutkan menurut prioritas: "
           "tingkat bahaya, ancaman jenisnya (hoaks dan SARA di atas, lonjakan positif di bawah), ukuran dan "
           "seberapa baru. Insiden yang kasusnya selesai turun ke bawah.",
           "incidents": "insiden", "from_alerts": "dari {n} peringatan", "priority": "Prioritas",
           "n_alerts": "Peringatan", "last_seen": "Terakhir", "all": "Semua", "open": "Belum selesai",
           "st_new": "Baru", "st_case": "Kasus", "st_resolved": "Selesai", "apply": "Terapkan",
           "details": "Rincian", "top_accounts": "Akun teratas", "samples": "Contoh unggahan",
           "alerts_in": "Peringatan dalam insiden ini", "see_posts": "Lihat unggahan",
           "confirm_case": "Jadikan kasus? Kasus baru mendapat panduan tindakan.", "yes": "Ya, jadikan kasus",
           "cancel": "Batal", "case_opened": "Kasus dibuka", "open_case_page": "Buka kasus",
           "why_rank": "Skor prioritas: tingkat {severity}, ancaman {threat}, ukuran {size}, kebaruan {recency}",
           "live_feed": "Semua peringatan (terbaru dulu, diperbarui otomatis)", "none": "Tidak ada insiden.",
           "pair": "Pasangan", "in_alerts": "muncul di {n} peringatan",
           "cases": "Kasus", "cases_explain": "Kasus dari peringatan radar: penanggung jawab, catatan, status, "
           "panduan tindakan dan ekspor bukti. Setiap tindakan tercatat di log audit.",
           "case": "Kasus", "assignee": "Penanggung jawab", "opened": "Dibuka", "updated": "Diperbarui",
           "notes": "Catatan", "note": "Tambah catatan", "assign": "Tugaskan", "start": "dan mulai kerjakan",
           "resolve": "Selesaikan", "outcome": "Hasil", "export": "Unduh bukti (ZIP: CSV + JSON dengan hash)",
           "alert": "Peringatan", "steps": "Langkah", "save": "Simpan", "no_cases": "Belum ada kasus.",
           "viewer_note": "Peran Anda hanya dapat melihat kasus.", "back": "Kembali ke daftar kasus",
           "cs_open": "Terbuka", "cs_assigned": "Ditugaskan", "cs_in_progress": "Dikerjakan", "cs_resolved": "Selesai",
           "resolved_at": "Diselesaikan", "by": "oleh", "unassigned": "Belum ada",
           "case_title": "{type} — {pair}{issue} (tingkat {severity})", "all_pairs": "semua pasangan",
           "playbooks": {
               "ignore_low_reach": ("Abaikan (jangkauan kecil), tetap pantau", [
                   "Jangan membalas atau mengutip: tanggapan justru memperluas jangkauannya.",
                   "Biarkan kasus terbuka 24 jam dan periksa lagi jangkauannya di radar.",
                   "Naikkan penanganan jika tingkatnya naik."]),
               "fact_check_and_report": ("Cek fakta dan laporkan", [
                   "Kirim unggahan pertama dan klaimnya ke pemeriksa fakta (mis. turnbackhoax.id / Mafindo, cekfakta.com).",
                   "Laporkan unggahan ke platform sebagai informasi palsu (ekspor bukti lebih dulu).",
                   "Laporkan ke Bawaslu jika hoaks menyasar pemilu atau pasangan calon.",
                   "Terbitkan fakta dari akun resmi setelah bantahan ada; tautkan bantahannya, jangan ulangi klaimnya."]),
               "report_hate": ("Laporkan SARA / ujaran kebencian", [
                   "Ekspor bukti (unggahan, URL, hash) sebelum unggahan hilang.",
                   "Laporkan unggahan ke platform (ujaran kebencian) dan ke Bawaslu.",
                   "Jangan ditanggapi; minta pendukung tidak membalas dengan cara yang sama.",
                   "Terbitkan pesan persatuan dari akun resmi jika jangkauannya terus tumbuh."]),
               "clarify_with_facts": ("Klarifikasi dengan fakta dari akun resmi", [
                   "Kumpulkan fakta (dokumen program, data, tanggal) yang menjawab kritik itu.",
                   "Terbitkan klarifikasi singkat di akun resmi pada platform tempat kritik menyebar.",
                   "Bekali juru bicara dan relawan dengan fakta yang sama."]),
               "counter_narrative": ("Terbitkan narasi tandingan", [
                   "Dokumentasikan akun asal dan penyebar (ekspor bukti; porsi terkoordinasi ada di jejaknya).",
                   "Terbitkan narasi tandingan dengan fakta positif lewat akun resmi dan relawan.",
                   "Laporkan perilaku terkoordinasi tidak autentik ke platform; ke Bawaslu jika kampanye hitam.",
                   "Pantau radar untuk lompatan narasi berikutnya."]),
               "amplify": ("Perluas lonjakan positif", [
                   "Ucapkan terima kasih dan bagikan unggahan organik terbaik dari akun resmi.",
                   "Beri relawan tagar dan konten untuk menjaga momentumnya."])}},
    "en": {"inbox": "Radar inbox", "inbox_explain": "Alerts of the same kind (same type, pair, issue or narrative, "
           "within 72 hours of each other) are one incident, ranked by priority: severity, the threat of the type "
           "(hoaxes and SARA at the top, positive surges at the bottom), size and recency. Incidents whose cases "
           "are resolved sink to the bottom.",
           "incidents": "incidents", "from_alerts": "from {n} alerts", "priority": "Priority",
           "n_alerts": "Alerts", "last_seen": "Latest", "all": "All", "open": "Not resolved",
           "st_new": "New", "st_case": "Case", "st_resolved": "Resolved", "apply": "Apply",
           "details": "Details", "top_accounts": "Top accounts", "samples": "Sample posts",
           "alerts_in": "Alerts in this incident", "see_posts": "See posts",
           "confirm_case": "Open a case? A new case gets a suggested playbook.", "yes": "Yes, open case",
           "cancel": "Cancel", "case_opened": "Case opened", "open_case_page": "Open case",
           "why_rank": "Priority score: severity {severity}, threat {threat}, size {size}, recency {recency}",
           "live_feed": "All alerts (newest first, refreshed automatically)", "none": "No incidents.",
           "pair": "Pair", "in_alerts": "in {n} alerts",
           "cases": "Cases", "cases_explain": "Cases from radar alerts: owner, notes, status, playbook and evidence "
           "export. Every action is written to the audit log.",
           "case": "Case", "assignee": "Assignee", "opened": "Opened", "updated": "Updated",
           "notes": "Notes", "note": "Add note", "assign": "Assign", "start": "and start work",
           "resolve": "Resolve", "outcome": "Outcome", "export": "Download evidence (ZIP: CSV + JSON with hashes)",
           "alert": "Alert", "steps": "Steps", "save": "Save", "no_cases": "No cases yet.",
           "viewer_note": "Your role can only view cases.", "back": "Back to the case list",
           "cs_open": "Open", "cs_assigned": "Assigned", "cs_in_progress": "In progress", "cs_resolved": "Resolved",
           "resolved_at": "Resolved", "by": "by", "unassigned": "Nobody yet",
           "case_title": "{type} — {pair}{issue} ({severity} severity)", "all_pairs": "all pairs",
           "playbooks": {}},
}

BRIEF = {
    "id": {"title": "Ringkasan pagi", "toc": "Daftar isi", "explain": "Yang perlu diketahui tim pagi ini: tren sentimen, isu yang naik, "
           "insiden radar teratas, influencer, percakapan tiap pasangan, dan tiga hal untuk dikerjakan hari ini.",
           "none": "Belum ada data untuk ringkasan.", "things": "3 hal untuk hari ini",
           "things_explain": "Diturunkan dari data: insiden radar terbuka dengan prioritas tertinggi, wilayah dengan "
           "DPT besar yang paling kurang terjangkau percakapan sebuah pasangan, dan isu yang naik paling cepat. "
           "Setiap baris tertaut ke unggahan di baliknya.", "todo": "Yang dikerjakan", "see_posts": "Lihat unggahan",
           "nothing": "Tidak ada yang mendesak hari ini.", "all_pairs": "semua pasangan",
           "do_incident": "Tangani {type} terhadap {pair} (tingkat {severity}, {posts} unggahan, {alerts} peringatan): "
           "{playbook}.",
           "do_region": "Perkuat kehadiran {pair} di {region}: bobot DPT {dpt}, tetapi voice index hanya {vi} "
           "(1 = sebanding dengan jumlah pemilih).",
           "do_issue": "Siapkan pesan soal isu {issue} ({pair}): {last7} sebutan dalam 7 hari terakhir, {prev7} "
           "sebelumnya ({growth}).",
           "do_sentiment": "Periksa unggahan negatif tentang {pair}: sentimen bersih 7 hari terakhir {last7} "
           "({change} dibanding 7 hari sebelumnya).",
           "pb_fact_check_and_report": "cek fakta, laporkan ke platform dan Bawaslu",
           "pb_report_hate": "simpan bukti, laporkan ujaran kebencian, jangan ditanggapi",
           "pb_counter_narrative": "terbitkan narasi tandingan dan dokumentasikan jaringannya",
           "pb_clarify_with_facts": "klarifikasi dengan fakta dari akun resmi",
           "pb_ignore_low_reach": "pantau saja, jangan ikut menyebarkan",
           "pb_amplify": "ucapkan terima kasih dan sebarkan unggahan terbaiknya",
           "period_line": "Data {first} sampai {last} ({tz}); impor terakhir {updated} ({tz}).",
           "trend": "Tren sentimen per pasangan", "trend_label": "{pair} · 7 hari ({change})",
           "trend_explain": "Sentimen bersih 7 hari terakhir (−1 semua negatif, +1 semua positif) dan perubahannya "
           "dibanding 7 hari sebelumnya; grafik: sentimen bersih harian 4 minggu terakhir.",
           "trend_chart": "Sentimen bersih harian", "rising": "Isu yang sedang naik",
           "rising_explain": "Isu dengan pertumbuhan sebutan tercepat: 7 hari terakhir dibanding 7 hari sebelumnya.",
           "last7": "7 hari terakhir", "prev7": "7 hari sebelumnya", "growth": "Pertumbuhan",
           "incidents": "Insiden radar teratas", "incidents_explain": "Dari kotak masuk radar: peringatan sejenis "
           "digabung dan diurutkan menurut prioritas. Angka unggahan membuka unggahan peringatan utamanya.",
           "alerts": "Peringatan", "top_posts": "Unggahan", "status": "Status", "st_new": "Baru", "st_case": "Kasus",
           "st_resolved": "Selesai", "influencers": "Influencer teratas",
           "influencers_explain": "Akun dengan pengaruh terbesar (jangkauan, interaksi, posisi di jaringan). "
           "Akun publik disebut namanya; warga biasa disamarkan.", "type": "Jenis akun", "followers": "Pengikut",
           "engagement": "Interaksi", "conversation": "Percakapan {pair} · 7 hari ({posts} unggahan)",
           "conversation_explain": "Tagar, kata, situs yang ditautkan dan format media terbanyak dalam unggahan "
           "yang menyebut pasangan ini selama 7 hari terakhir (angka = jumlah kemunculan; format: unggahan · "
           "rata-rata interaksi). Kata umum dan nama pasangan tidak dihitung.",
           "hashtags": "Tagar", "terms": "Kata", "sites": "Situs", "media": "Format",
           "m_text": "teks", "m_photo": "foto", "m_video": "video", "m_reel": "reel", "m_carousel": "karosel",
           "m_live": "siaran langsung", "m_link": "tautan"},
    "en": {"title": "Morning brief", "toc": "Contents", "explain": "What the team needs this morning: sentiment trend, rising issues, "
           "top radar incidents, influencers, each pair's conversation, and three things to do today.",
           "none": "No data for the brief yet.", "things": "3 things for today",
           "things_explain": "Derived from the data: the open radar incident with the highest priority, the region "
           "with many voters that a pair's conversation under-reaches most, and the issue rising fastest. Each row "
           "links to the posts behind it.", "todo": "To do", "see_posts": "See posts",
           "nothing": "Nothing urgent today.", "all_pairs": "all pairs",
           "do_incident": "Handle the {type} against {pair} ({severity} severity, {posts} posts, {alerts} alerts): "
           "{playbook}.",
           "do_region": "Strengthen {pair} in {region}: DPT weight {dpt}, but a voice index of only {vi} "
           "(1 = in line with its voters).",
           "do_issue": "Prepare a message on {issue} ({pair}): {last7} mentions in the last 7 days, {prev7} the 7 "
           "before ({growth}).",
           "do_sentiment": "Review the negative posts about {pair}: net sentiment over the last 7 days {last7} "
           "({change} against the 7 days before).",
           "pb_fact_check_and_report": "fact-check, report to the platform and Bawaslu",
           "pb_report_hate": "keep the evidence, report the hate speech, do not engage",
           "pb_counter_narrative": "publish a counter-narrative and document the network",
           "pb_clarify_with_facts": "clarify with facts from the official accounts",
           "pb_ignore_low_reach": "keep watching, do not amplify",
           "pb_amplify": "thank and share the best posts",
           "period_line": "Data from {first} to {last} ({tz}); last import {updated} ({tz}).",
           "trend": "Sentiment trend per pair", "trend_label": "{pair} · 7 days ({change})",
           "trend_explain": "Net sentiment of the last 7 days (−1 all negative, +1 all positive) and its change "
           "against the 7 days before; chart: daily net sentiment over the last 4 weeks.",
           "trend_chart": "Daily net sentiment", "rising": "Rising issues",
           "rising_explain": "Issues whose mentions grow fastest: last 7 days against the 7 before.",
           "last7": "Last 7 days", "prev7": "7 days before", "growth": "Growth",
           "incidents": "Top radar incidents", "incidents_explain": "From the radar inbox: alerts of the same kind "
           "grouped and ranked by priority. The posts figure opens the posts of the incident's main alert.",
           "alerts": "Alerts", "top_posts": "Posts", "status": "Status", "st_new": "New", "st_case": "Case",
           "st_resolved": "Resolved", "influencers": "Top influencers",
           "influencers_explain": "Accounts with the most influence (reach, engagement, network position). Public "
           "accounts are named; ordinary citizens are pseudonymised.", "type": "Account type",
           "followers": "Followers", "engagement": "Engagement",
           "conversation": "{pair}'s conversation · 7 days ({posts} posts)",
           "conversation_explain": "The most frequent hashtags, words, linked sites and media formats in posts "
           "mentioning this pair over the last 7 days (figures = occurrences; formats: posts · mean interactions). "
           "Common words and the pairs' names are left out.",
           "hashtags": "Hashtags", "terms": "Words", "sites": "Sites", "media": "Formats",
           "m_text": "text", "m_photo": "photo", "m_video": "video", "m_reel": "reel", "m_carousel": "carousel",
           "m_live": "live", "m_link": "link"},
}
