"""The one text catalogue: every user-facing text, Bahasa Indonesia (default) and English.

Texts are grouped by area: ``ui`` (the web app, :data:`STRINGS`), ``report`` (the daily
brief's frame) and one area per analysis family (``brand``, ``audience``, ``radar``,
``mobilise``, ``lawwatch``, ``forecast``) used by the sections' ``render``. It sits at the
bottom of the layers so that sections (analyse), the renderers (render, report) and the
faces (serve) all read the same texts.

Example
-------
>>> texts("brand", "en")["sov"]
'Share of voice'
>>> text("ui.overview", "id")
'Ringkasan'
"""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "app": "Suara — Ruang Kendali", "login": "Masuk", "logout": "Keluar", "username": "Nama pengguna",
        "password": "Kata sandi", "login_failed": "Nama pengguna atau kata sandi salah.",
        "too_many": "Terlalu banyak percobaan. Coba lagi sebentar lagi.",
        "overview": "Ringkasan", "candidates": "Kandidat", "issues": "Isu", "regions": "Wilayah",
        "influencers": "Influencer & Audiens", "network": "Jaringan", "radar": "Radar & Kasus",
        "mobilise": "Mobilisasi", "posts": "Jelajah Unggahan", "import": "Impor",
        "share_of_voice": "Porsi suara (share of voice)", "net_sentiment": "Sentimen bersih",
        "volume": "Volume", "alerts": "Peringatan", "days_to_vote": "hari menuju pencoblosan",
        "all_accounts": "Semua akun", "filtered": "Tanpa akun terkoordinasi",
        "what_means": "Apa artinya?", "download_csv": "Unduh CSV", "enum_hoax": "Hoaks", "enum_sara_hate": "Ujaran kebencian/SARA", "enum_opponent_attack": "Serangan akun resmi lawan", "enum_black_campaign": "Kampanye hitam terkoordinasi", "enum_organic_criticism": "Kritik organik", "enum_positive_surge": "Lonjakan positif", "enum_volume_spike": "Lonjakan volume", "enum_critical": "Kritis", "enum_high": "Tinggi", "enum_medium": "Sedang", "enum_low": "Rendah", "enum_positive": "positif", "enum_neutral": "netral", "enum_negative": "negatif", "enum_official": "resmi", "enum_party": "partai", "enum_media": "media", "enum_city": "akun kota", "enum_influencer": "influencer", "enum_citizen": "warga", "enum_unknown": "tak diketahui", "download_xlsx": "Unduh XLSX", "search": "Cari", "filter": "Saring",
        "candidate": "Kandidat", "platform": "Platform", "region": "Wilayah", "sentiment": "Sentimen",
        "issue": "Isu", "from": "Dari", "to": "Sampai", "buzzer": "Akun buzzer", "any": "Semua",
        "only": "Hanya buzzer", "exclude": "Tanpa buzzer", "text": "Teks", "author": "Akun",
        "time": "Waktu (WITA)", "engagement": "Interaksi", "no_data": "Belum ada data.",
        "upload": "Unggah berkas ekspor", "start_import": "Mulai impor", "jobs": "Pekerjaan impor",
        "open_case": "Jadikan kasus", "cases": "Kasus", "status": "Status", "severity": "Tingkat",
        "type": "Jenis", "onset": "Mulai", "detected": "Terdeteksi", "more": "Berikutnya",
        "prev": "Sebelumnya", "mentions": "Sebutan", "unique_accounts": "Akun unik", "share": "Porsi",
        "sov_explain": "Porsi suara = bagian sebutan kandidat dari semua sebutan kandidat. Kolom "
                       "'tanpa akun terkoordinasi' menghitung ulang setelah akun buzzer dikeluarkan.",
        "sentiment_explain": "Sentimen bersih = (positif − negatif) / semua sebutan, dari −1 sampai +1.",
        "map_explain": "Ukuran lingkaran = jumlah sebutan; warna = kandidat dengan porsi terbesar. "
                       "Kesenjangan DPT: porsi suara dibandingkan bobot pemilih wilayah itu.",
        "network_explain": "Jaringan akun yang bergerak terkoordinasi (konten sama dalam hitungan detik). "
                           "Skor buzzer ≥ 0,5 berarti akun ditandai terkoordinasi.",
        "radar_explain": "Peringatan diperbarui otomatis tanpa memuat ulang halaman.",
        "posts_explain": "Setiap angka di halaman lain tertaut ke sini dengan saringannya.",
        "role": "Peran", "language": "English", "section_error": "Bagian ini belum bisa dihitung",
        "pseudonymised": "Akun warga biasa disamarkan.",
    },
    "en": {
        "app": "Suara — War Room", "login": "Log in", "logout": "Log out", "username": "Username",
        "password": "Password", "login_failed": "Wrong username or password.",
        "too_many": "Too many attempts. Try again shortly.",
        "overview": "Overview", "candidates": "Candidates", "issues": "Issues", "regions": "Regions",
        "influencers": "Influencers & Audiences", "network": "Networks", "radar": "Radar & Cases",
        "mobilise": "Mobilisation", "posts": "Posts explorer", "import": "Import",
        "share_of_voice": "Share of voice", "net_sentiment": "Net sentiment", "volume": "Volume",
        "alerts": "Alerts", "days_to_vote": "days to vote day", "all_accounts": "All accounts",
        "filtered": "Coordinated accounts removed", "what_means": "What this means",
        "download_csv": "Download CSV", "enum_hoax": "Hoax", "enum_sara_hate": "Hate speech/SARA", "enum_opponent_attack": "Opponent's official attack", "enum_black_campaign": "Coordinated black campaign", "enum_organic_criticism": "Organic criticism", "enum_positive_surge": "Positive surge", "enum_volume_spike": "Volume spike", "enum_critical": "Critical", "enum_high": "High", "enum_medium": "Medium", "enum_low": "Low", "enum_positive": "positive", "enum_neutral": "neutral", "enum_negative": "negative", "enum_official": "official", "enum_party": "party", "enum_media": "media", "enum_city": "city account", "enum_influencer": "influencer", "enum_citizen": "citizen", "enum_unknown": "unknown", "download_xlsx": "Download XLSX", "search": "Search", "filter": "Filter", "candidate": "Candidate",
        "platform": "Platform", "region": "Region", "sentiment": "Sentiment", "issue": "Issue",
        "from": "From", "to": "To", "buzzer": "Buzzer accounts", "any": "Any", "only": "Only buzzers",
        "exclude": "Exclude buzzers", "text": "Text", "author": "Account", "time": "Time (local)",
        "engagement": "Engagement", "no_data": "No data yet.", "upload": "Upload export files",
        "start_import": "Start import", "jobs": "Import jobs", "open_case": "Open case", "cases": "Cases",
        "status": "Status", "severity": "Severity", "type": "Type", "onset": "Onset",
        "detected": "Detected", "more": "Next", "prev": "Previous", "mentions": "Mentions",
        "unique_accounts": "Unique accounts", "share": "Share",
        "sov_explain": "Share of voice = a candidate's share of all candidate mentions. The "
                       "'coordinated accounts removed' column recomputes it without buzzer accounts.",
        "sentiment_explain": "Net sentiment = (positive − negative) / all mentions, from −1 to +1.",
        "map_explain": "Bubble size = mentions; colour = the leading candidate. DPT gap: share of "
                       "voice compared with the region's weight among registered voters.",
        "network_explain": "Networks of accounts acting in coordination (same content within seconds). "
                           "A buzzer score ≥ 0.5 flags an account as coordinated.",
        "radar_explain": "Alerts refresh automatically without reloading the page.",
        "posts_explain": "Every number on the other pages links here with its filter.",
        "role": "Role", "language": "Bahasa Indonesia", "section_error": "This section could not be computed",
        "pseudonymised": "Ordinary citizens' handles are pseudonymised.",
    },
}


def strings(lang: str) -> dict[str, str]:
    return STRINGS.get(lang, STRINGS["id"])


# Page texts: each metric's "what this means" (added per language; merged into STRINGS).
_MORE: dict[str, dict[str, str]] = {
    "id": {
        "n_posts": "Unggahan", "accounts": "Akun", "volume_explain": "Jumlah unggahan dan akun di ruang kerja; akun buzzer = akun yang "
        "ditandai terkoordinasi (skor ≥ 0,5). Hitung mundur memakai hari pencoblosan dari konfigurasi pemilu.",
        "alerts_explain": "Jumlah peringatan radar per jenis. Buka Radar & Kasus untuk detail dan untuk membuka kasus.",
        "unenriched": "{n} unggahan belum dibaca: jalankan suara enrich. Sebutan paslon, sentimen, isu dan angka "
        "turunannya berasal dari langkah itu, jadi angka di halaman ini belum menghitung unggahan tersebut.",
        "mentions_per_day": "Sebutan per hari", "sentiment_per_day": "Sentimen bersih per hari",
        "pairs_over_time": "Pasangan calon dari waktu ke waktu",
        "pairs_explain": "Sebutan harian tiap pasangan (garis putus-putus = debat) dan sentimen bersih harian "
                         "(−1 semua negatif, +1 semua positif). Hari menurut zona waktu pemilu.",
        "formats_title": "Format yang berhasil", "format": "Format", "mean_interactions": "Rata-rata interaksi",
        "engagement_rate": "Tingkat interaksi",
        "formats_explain": "Rata-rata suka+komentar+bagikan per unggahan menurut format; angka di atas batang = jumlah unggahan. "
                           "Tingkat interaksi = interaksi dibagi pengikut.",
        "hours_title": "Jam yang berhasil ({tz})", "hour_local": "Jam ({tz})", "day": "Hari",
        "hours_explain": "Rata-rata interaksi menurut jam unggah (waktu setempat). Tabel: kombinasi hari dan jam terbaik.",
        "top_posts": "Unggahan teratas", "why": "Mengapa",
        "top_posts_explain": "Unggahan dengan interaksi tertinggi per pasangan dan alasannya (format, isu, pengali terhadap median).",
        "issues_over_time": "Isu per minggu",
        "issues_explain": "Jumlah sebutan pasangan ini per isu per minggu (minggu dimulai Senin, waktu setempat).",
        "emerging": "Isu yang sedang naik", "last7": "7 hari terakhir", "prev7": "7 hari sebelumnya", "growth": "Pertumbuhan",
        "emerging_explain": "Isu yang sebutannya naik paling cepat: 7 hari terakhir dibanding 7 hari sebelumnya (minimal 5 sebutan).",
        "resonance": "Resonansi isu", "positive_share": "Porsi positif",
        "resonance_explain": "Seberapa kuat isu menggerakkan percakapan: jumlah unggahan, rata-rata interaksi per unggahan, porsi unggahan positif.",
        "narratives": "Narasi yang muncul", "reason": "Alasan",
        "narratives_explain": "Klaster unggahan hampir sama yang terdeteksi radar sebagai narasi baru.",
        "recommendations": "Resonansi per segmen", "segment": "Segmen",
        "recommendations_explain": "Kombinasi isu × format yang mendapat balasan non-negatif di atas biasanya dari segmen ini "
                                   "(lift 2 = dua kali lipat), tanpa akun terkoordinasi.",
        "dpt_weight": "Bobot DPT", "filtered_short": "tanpa buzzer",
        "regions_table_explain": "Per kabupaten/kota: DPT, bobotnya, sebutan dan akun; porsi suara dan sentimen tiap pasangan. "
                                 "Voice index = porsi suara wilayah dibanding bobot DPT (1 = sebanding).",
        "dpt_gaps": "Kesenjangan DPT",
        "gaps_explain": "Wilayah yang pemilihnya banyak (bobot DPT) tetapi percakapan pasangan ini di sana lemah (voice index rendah).",
        "audience_region": "Audiens per wilayah",
        "audience_explain": "Akun per sikap (pendukung, penentang, belum menentukan, diam) per wilayah, dari perilaku akun.",
        "top_influencers": "Influencer teratas", "rising": "Influencer yang sedang naik", "followers": "Pengikut",
        "reach": "Perkiraan jangkauan", "stance": "Sikap",
        "influence_explain": "Influence 0–1 menggabungkan jangkauan, interaksi dan PageRank di jaringan balasan/bagikan. "
                             "Akun warga biasa disamarkan.",
        "by_type": "Interaksi menurut jenis akun", "by_type_explain": "Bagian interaksi yang berasal dari tiap jenis akun.",
        "segments": "Segmen audiens", "segments_explain": "Jumlah akun per segmen sikap terhadap pasangan calon.",
        "exposure": "Paparan", "tiny_share": "Porsi akun kecil", "new_share": "Porsi akun baru",
        "exposure_explain": "Dari akun seberapa besar sebutan berasal (pita pengikut); porsi besar dari akun kecil/baru bisa tanda buzzer.",
        "network_graph": "Graf jaringan terkoordinasi", "networks": "Jaringan", "cluster": "Jaringan", "size": "Ukuran",
        "networks_explain": "Tiap jaringan: jumlah akun, pasangan yang didorong/diserang dan periode aktivitas.",
        "account_scores": "Skor akun", "reasons": "Alasan",
        "scores_explain": "Skor buzzer 0–1 dari koordinasi, usia akun, pengikut, duplikasi teks dan fokus; ≥ 0,5 = ditandai.",
        "actions": "Aksi & tagar", "name": "Nama", "coordinated_share": "Porsi terkoordinasi",
        "actions_explain": "Aksi terdaftar dan tagar yang terdeteksi: unggahan, akun, berapa yang terkoordinasi, jangkauan.",
        "live": "Siaran langsung", "comments": "Komentar", "comments_per_min": "Komentar/menit",
        "live_explain": "Sesi siaran langsung dan keramaian komentarnya.",
        "enthusiasm": "Antusiasme", "week": "Minggu", "active": "Aktif", "previous": "Sebelumnya",
        "enthusiasm_explain": "Akun pendukung aktif minggu ini dibanding minggu lalu; indeks 100 = sama.",
        "volunteers": "Relawan", "law_watch": "Pengawasan aturan", "rule": "Aturan",
        "law_explain": "Temuan yang mungkin melanggar aturan kampanye (masa tenang, iklan di luar jadwal, dll.) dengan bukti.",
        "forecast": "Perkiraan", "type": "Jenis",
        "forecast_explain": "Perkiraan porsi suara dari akun pendukung yang disaring, dengan interval 95%. Bukan survei.",
        "open_case_done": "Kasus dibuka", "playbook": "Panduan", "title": "Judul", "cascades": "Kaskade",
        "cascades_explain": "Peringatan yang berasal dari satu narasi/klaster yang menyebar lintas platform.",
    },
    "en": {
        "n_posts": "Posts", "accounts": "Accounts", "volume_explain": "Posts and accounts in the workspace; buzzer accounts = accounts flagged "
        "as coordinated (score ≥ 0.5). The countdown uses the vote day from the election config.",
        "alerts_explain": "Radar alerts by type. Open Radar & Cases for details and to open a case.",
        "unenriched": "{n} posts are not enriched yet: run suara enrich. Pair mentions, sentiment, issues and "
        "the figures built on them come from that step, so the figures here do not count those posts yet.",
        "mentions_per_day": "Mentions per day", "sentiment_per_day": "Net sentiment per day",
        "pairs_over_time": "The pairs over time",
        "pairs_explain": "Daily mentions of each pair (dotted lines = debates) and daily net sentiment "
                         "(−1 all negative, +1 all positive). Days in the election's time zone.",
        "formats_title": "Formats that work", "format": "Format", "mean_interactions": "Mean interactions",
        "engagement_rate": "Engagement rate",
        "formats_explain": "Mean likes+comments+shares per post by format; the number on each bar = posts. "
                           "Engagement rate = interactions divided by followers.",
        "hours_title": "Hours that work ({tz})", "hour_local": "Hour ({tz})", "day": "Day",
        "hours_explain": "Mean interactions by posting hour (local time). Table: best day-and-hour combinations.",
        "top_posts": "Top posts", "why": "Why",
        "top_posts_explain": "Posts with the most interactions per pair and why (format, issue, multiple of the median).",
        "issues_over_time": "Issues per week",
        "issues_explain": "Mentions of this pair per issue per week (weeks start Monday, local time).",
        "emerging": "Emerging issues", "last7": "Last 7 days", "prev7": "7 days before", "growth": "Growth",
        "emerging_explain": "Issues rising fastest: last 7 days against the 7 before (at least 5 mentions).",
        "resonance": "Issue resonance", "positive_share": "Positive share",
        "resonance_explain": "How strongly an issue moves the conversation: posts, mean interactions per post, share of positive posts.",
        "narratives": "Emerging narratives", "reason": "Reason",
        "narratives_explain": "Clusters of near-identical posts the radar detected as new narratives.",
        "recommendations": "Resonance per segment", "segment": "Segment",
        "recommendations_explain": "Issue × format combinations that get more non-negative replies than usual from this segment "
                                   "(lift 2 = twice as many), coordinated accounts removed.",
        "dpt_weight": "DPT weight", "filtered_short": "no buzzers",
        "regions_table_explain": "Per regency/city: registered voters (DPT), their weight, mentions and accounts; each pair's "
                                 "share of voice and sentiment. Voice index = share of voice against DPT weight (1 = in line).",
        "dpt_gaps": "DPT-weighted gaps",
        "gaps_explain": "Regions with many voters (DPT weight) where this pair's conversation is weak (low voice index).",
        "audience_region": "Inferred audience per region",
        "audience_explain": "Accounts per stance (supporter, opponent, persuadable, silent) per region, inferred from behaviour.",
        "top_influencers": "Top influencers", "rising": "Rising influencers", "followers": "Followers",
        "reach": "Estimated reach", "stance": "Stance",
        "influence_explain": "Influence 0–1 combines reach, engagement and PageRank in the reply/share network. "
                             "Ordinary citizens are pseudonymised.",
        "by_type": "Engagement by account type", "by_type_explain": "Share of engagement coming from each account type.",
        "segments": "Audience segments", "segments_explain": "Accounts per stance segment toward the pairs.",
        "exposure": "Exposure", "tiny_share": "Tiny-account share", "new_share": "New-account share",
        "exposure_explain": "Which accounts mentions come from (follower bands); a large share from tiny/new accounts can signal buzzers.",
        "network_graph": "Coordinated network graph", "networks": "Networks", "cluster": "Network", "size": "Size",
        "networks_explain": "Each network: accounts, the pair it pushes or attacks, and its active period.",
        "account_scores": "Account scores", "reasons": "Reasons",
        "scores_explain": "Buzzer score 0–1 from coordination, account age, followers, duplicated text and focus; ≥ 0.5 = flagged.",
        "actions": "Actions & hashtags", "name": "Name", "coordinated_share": "Coordinated share",
        "actions_explain": "Registered actions and detected hashtag drives: posts, accounts, how many coordinated, reach.",
        "live": "Live streams", "comments": "Comments", "comments_per_min": "Comments/min",
        "live_explain": "Live sessions and how busy their comments were.",
        "enthusiasm": "Enthusiasm", "week": "Week", "active": "Active", "previous": "Previous",
        "enthusiasm_explain": "Supporter accounts active this week against last week; index 100 = unchanged.",
        "volunteers": "Volunteers", "law_watch": "Law watch", "rule": "Rule",
        "law_explain": "Findings that may break campaign rules (quiet period, paid ads outside the window, ...) with evidence.",
        "forecast": "Forecast", "type": "Type",
        "forecast_explain": "Vote-share estimate from filtered supporter accounts, with a 95% interval. Not a poll.",
        "open_case_done": "Case opened", "playbook": "Playbook", "title": "Title", "cascades": "Cascades",
        "cascades_explain": "Alerts from one narrative/cluster spreading across platforms.",
    },
}
for _lang, _extra in _MORE.items():
    for _k, _v in _extra.items():
        STRINGS[_lang].setdefault(_k, _v)
    STRINGS[_lang]["_lang"] = _lang

# The network page's graph, chart drill-downs and the web import's summary.
_WEB_TOOLS: dict[str, dict[str, str]] = {
    "id": {
        "net_push": "Mendorong", "net_attack": "Menyerang", "net_mixed": "Campuran soal", "net_no_pair": "Tanpa pasangan",
        "net_whole": "Graf percakapan (semua akun)",
        "net_show_whole": "Tampilkan seluruh graf percakapan (maks. {cap} akun)",
        "net_show_coordinated": "Kembali ke jaringan terkoordinasi",
        "net_gexf": "Unduh GEXF (Gephi)", "net_edges_csv": "Unduh daftar sisi (CSV)",
        "net_whole_explain": "Semua akun yang saling membalas, berkomentar, membagikan atau menyebut (@) — bukan hanya "
                             "akun yang ditandai. Tebal garis = seberapa sering.",
        "net_legend_explain": "Warna = pasangan calon yang didorong (●) atau diserang (✕) jaringan/akun itu; ◆ = campuran; "
                              "putih = tanpa pasangan; garis tepi tebal = akun yang ditandai terkoordinasi. "
                              "Klik titik untuk membuka unggahan akun itu.",
        "net_whole_cap": "Ditampilkan {shown} dari {total} akun (batas {cap} akun paling terhubung) dan {edges} dari "
                         "{edges_total} hubungan.",
        "net_empty": "Belum ada hasil deteksi koordinasi di ruang kerja ini; jalankan `suara detect`.",
        "click_hint": "Klik batang/titik untuk membuka unggahannya.",
        "sentiment_mentions_per_day": "Sebutan per sentimen per hari",
        "exposure_chart": "Paparan menurut pita pengikut",
        "import_format": "Format", "import_format_auto": "Otomatis (dikenali dari isi berkas)",
        "import_timezone": "Zona waktu berkas", "import_timezone_auto": "Sesuai berkas (bila tak disebut: UTC; obrolan WhatsApp/Telegram: zona pemilu)",
        "import_enrich": "Perkaya (sentimen, isu, wilayah) setelah impor",
        "import_summary": "Hasil impor", "import_rows": "{n} unggahan diimpor: {new} baru, {updated} diperbarui",
        "import_dupes": "{n} baris sudah ada di ruang kerja (duplikat, tidak dihitung dua kali)",
        "import_quarantined": "{n} baris dikarantina", "import_unreadable": "Berkas tak terbaca: {files}",
        "import_enriched": "{n} unggahan diperkaya", "import_not_enriched": "Belum diperkaya",
        "import_outside": "{n} unggahan di luar masa pemilu ({start} – {end})",
        "import_no_candidate": "{n} unggahan tidak menyebut pasangan calon mana pun",
        "import_reasons": "Alasan karantina", "import_row": "Baris pertama", "import_field": "Kolom",
        "import_running": "sedang berjalan…", "import_file": "Berkas", "import_new": "Baru",
        "no_author": "(penulis tidak ada di ekspor)",
        "job_queued": "antre", "job_running": "berjalan", "job_done": "selesai", "job_failed": "gagal",
        "import_updated": "Diperbarui", "import_duplicates": "Duplikat", "import_quarantine": "Karantina",
        "import_rows_n": "Jumlah baris", "import_warnings": "Perhatian", "import_failed": "Impor gagal: tidak ada berkas yang terbaca.",
        "import_not_enriched_hint": "Jalankan impor dengan pilihan “Perkaya” atau `suara enrich` agar unggahan ini masuk analisis.",
    },
    "en": {
        "net_push": "Pushes", "net_attack": "Attacks", "net_mixed": "Mixed on", "net_no_pair": "No pair",
        "net_whole": "Conversation graph (all accounts)",
        "net_show_whole": "Show the whole conversation graph (at most {cap} accounts)",
        "net_show_coordinated": "Back to coordinated networks",
        "net_gexf": "Download GEXF (Gephi)", "net_edges_csv": "Download edge list (CSV)",
        "net_whole_explain": "Every account that replies to, comments on, shares or @mentions another — not only "
                             "flagged accounts. Line width = how often.",
        "net_legend_explain": "Colour = the pair a network/account pushes (●) or attacks (✕); ◆ = mixed; white = no pair; "
                              "thick outline = account flagged as coordinated. Click a point to open that account's posts.",
        "net_whole_cap": "Showing {shown} of {total} accounts (cap: the {cap} most connected) and {edges} of "
                         "{edges_total} links.",
        "net_empty": "No coordination results in this workspace yet; run `suara detect`.",
        "click_hint": "Click a bar/point to open its posts.",
        "sentiment_mentions_per_day": "Mentions by sentiment per day",
        "exposure_chart": "Exposure by follower band",
        "import_format": "Format", "import_format_auto": "Automatic (recognised from the file's content)",
        "import_timezone": "File time zone", "import_timezone_auto": "As in the file (when not stated: UTC; WhatsApp/Telegram chats: the election's zone)",
        "import_enrich": "Enrich (sentiment, issues, regions) after the import",
        "import_summary": "Import result", "import_rows": "{n} posts imported: {new} new, {updated} updated",
        "import_dupes": "{n} rows already in the workspace (duplicates, not counted twice)",
        "import_quarantined": "{n} rows quarantined", "import_unreadable": "Unreadable files: {files}",
        "import_enriched": "{n} posts enriched", "import_not_enriched": "Not enriched yet",
        "import_outside": "{n} posts outside the election period ({start} – {end})",
        "import_no_candidate": "{n} posts mention no candidate pair",
        "import_reasons": "Quarantine reasons", "import_row": "First row", "import_field": "Field",
        "import_running": "running…", "import_file": "File", "import_new": "New",
        "no_author": "(no author in the export)",
        "job_queued": "queued", "job_running": "running", "job_done": "done", "job_failed": "failed",
        "import_updated": "Updated", "import_duplicates": "Duplicates", "import_quarantine": "Quarantined",
        "import_rows_n": "Rows", "import_warnings": "Warnings", "import_failed": "Import failed: no file could be read.",
        "import_not_enriched_hint": "Import with “Enrich” ticked, or run `suara enrich`, so these posts reach the analysis.",
    },
}
for _lang, _extra in _WEB_TOOLS.items():
    for _k, _v in _extra.items():
        STRINGS[_lang].setdefault(_k, _v)


_REPORT = {
    "id": {"title": "Laporan Harian", "generated": "Dibuat", "period": "Periode data",
           "engine": "Mesin", "overview": "Ringkasan",
           "overview_explain": "Jumlah unggahan, akun, dan baris yang dikarantina dalam ruang kerja ini.",
           "posts": "unggahan & komentar", "accounts": "akun", "quarantined": "baris dikarantina",
           "flagged": "akun terkoordinasi (buzzer)", "days_to_vote": "hari menuju pemungutan suara",
           "footer": "Suara — analitik media sosial pemilu. Akun warga biasa disamarkan.",
           "section_failed": "Bagian ini gagal dihitung"},
    "en": {"title": "Daily Brief", "generated": "Generated", "period": "Data period",
           "engine": "Engine", "overview": "Overview",
           "overview_explain": "Posts, accounts and quarantined rows in this workspace.",
           "posts": "posts & comments", "accounts": "accounts", "quarantined": "rows quarantined",
           "flagged": "coordinated (buzzer) accounts", "days_to_vote": "days to vote day",
           "footer": "Suara — election social-media analytics. Ordinary citizens' handles are pseudonymised.",
           "section_failed": "This section could not be computed"},
}

_BRAND = {
    "id": {
        "sov": "Pangsa suara (share of voice)",
        "sov_explain": "Porsi setiap paslon dari seluruh penyebutan paslon. 'Pangsa warga' = porsi akun unik; "
                       "'berbobot sentimen' memberi bobot (skor+1)/2 tiap penyebutan; 'kepercayaan' = batas bawah "
                       "95% porsi akun yang bersikap positif di antara akun yang bersikap. Kolom 'tanpa buzzer' "
                       "menghapus akun yang ditandai terkoordinasi.",
        "pair": "Paslon", "mentions": "Penyebutan", "share": "Pangsa", "citizens": "Pangsa warga",
        "net": "Sentimen bersih", "weighted": "Berbobot sentimen", "trust": "Kepercayaan",
        "nobuzz": "tanpa buzzer", "daily": "Pangsa harian (semua akun)", "all": "semua akun",
        "eng": "Jangkauan & keterlibatan",
        "eng_explain": "Tingkat keterlibatan = interaksi (suka+komentar+bagikan) / jangkauan perkiraan "
                       "(tayangan, atau 10% pengikut bila tayangan tidak ada). Jam dalam zona waktu pemilu.",
        "format": "Format", "rate": "Tingkat keterlibatan", "hour": "Jam", "mean_inter": "Rata-rata interaksi per unggahan",
        "best": "Waktu terbaik mengunggah", "top_posts": "Unggahan teratas", "why": "Mengapa berhasil",
        "author": "Penulis", "inter": "Interaksi",
        "inf": "Pemengaruh & tokoh publik",
        "inf_explain": "Pengaruh = 0,4×persentil keterlibatan + 0,3×persentil jangkauan + 0,3×persentil PageRank "
                       "dalam jaringan balasan/sebutan/bagikan. Akun warga biasa disamarkan (warga-xxxxxx).",
        "account": "Akun", "type": "Jenis", "influence": "Pengaruh", "toward": "Sikap per paslon",
        "rising": "Suara yang sedang naik", "growth": "Pertumbuhan 7 hari",
        "exp": "Profil paparan",
        "exp_explain": "Porsi penyebutan tiap paslon menurut jumlah pengikut penulis, dan dari akun yang dibuat "
                       "selama masa kampanye. Kerumunan akun kecil dan baru adalah ciri buzzer.",
        "new": "Dari akun baru", "tiny": "Dari akun 0–25 pengikut",
    },
    "en": {
        "sov": "Share of voice",
        "sov_explain": "Each pair's portion of all pair mentions. 'Share of citizens' = portion of unique accounts; "
                       "'sentiment-weighted' weights each mention by (score+1)/2; 'trust' = 95% lower bound of the "
                       "favourable share among accounts that take a side. 'Buzzers removed' drops accounts "
                       "flagged as coordinated.",
        "pair": "Pair", "mentions": "Mentions", "share": "Share", "citizens": "Share of citizens",
        "net": "Net sentiment", "weighted": "Sentiment-weighted", "trust": "Trust",
        "nobuzz": "buzzers removed", "daily": "Daily share (all accounts)", "all": "all accounts",
        "eng": "Reach & engagement",
        "eng_explain": "Engagement rate = interactions (likes+comments+shares) / estimated reach (views, or 10% "
                       "of followers when views are missing). Hours are in the election's time zone.",
        "format": "Format", "rate": "Engagement rate", "hour": "Hour", "mean_inter": "Mean interactions per post",
        "best": "Best times to post", "top_posts": "Top posts", "why": "Why it worked",
        "author": "Author", "inter": "Interactions",
        "inf": "Influencers & public figures",
        "inf_explain": "Influence = 0.4×engagement percentile + 0.3×reach percentile + 0.3×PageRank percentile in "
                       "the reply/mention/share network. Ordinary citizens are pseudonymised (warga-xxxxxx).",
        "account": "Account", "type": "Type", "influence": "Influence", "toward": "Stance per pair",
        "rising": "Rising voices", "growth": "7-day growth",
        "exp": "Exposure profile",
        "exp_explain": "Share of each pair's mentions by the author's follower count, and from accounts created "
                       "during the campaign. A crowd of tiny, new accounts is the mark of buzzers.",
        "new": "From new accounts", "tiny": "From 0–25 follower accounts",
    },
}

_AUDIENCE = {
    "id": {
        "reg": "Wilayah & kesenjangan suara",
        "reg_explain": "Indeks suara = porsi penyebutan paslon yang berasal dari wilayah itu dibagi bobot wilayah "
                       "dalam DPT. Di bawah 1: paslon kurang terdengar di sana dibanding jumlah pemilihnya. Wilayah "
                       "akun ditebak dari lokasi profil, bio, geotag, nama tempat dan interaksi dengan akun lokal.",
        "region": "Wilayah", "dpt": "Bobot DPT", "index": "Indeks suara", "coverage": "Akun dengan wilayah",
        "seg": "Segmen audiens",
        "seg_explain": "Akun dikelompokkan menurut wilayah × sikap terhadap tiap paslon (pendukung: sentimen rata-rata "
                       "≥ 0,2; penentang: ≤ −0,2; lainnya bisa diyakinkan) × isu × aktivitas × platform. Tanpa buzzer.",
        "group": "Kelompok", "accounts": "Akun", "issue": "Isu", "lift": "Lift", "pers": "Akun yang bisa diyakinkan",
        "activity": "Aktivitas",
        "rec": "Rekomendasi pesan",
        "rec_explain": "Isu dan format yang mendapat respons di atas rata-rata di tiap segmen (tanpa buzzer). "
                       "Lift = respons per unggahan dibanding rata-rata segmen; diperingkat setelah penyusutan ke 1 "
                       "untuk sel dengan sedikit unggahan.",
        "none": "Belum cukup data untuk rekomendasi.",
        "group_persuadable": "akun yang belum menentukan pilihan",
        "group_critical_of_all": "akun yang kritis terhadap semua paslon",
        "group_supporter": "pendukung {p}", "group_opponent": "penentang {p}",
    },
    "en": {
        "reg": "Regions & voice gaps",
        "reg_explain": "Voice index = share of the pair's mentions coming from the region divided by the region's "
                       "weight in the DPT. Below 1: the pair is under-heard there relative to its voters. Account "
                       "regions are inferred from profile location, bio, geotags, place names and local accounts.",
        "region": "Region", "dpt": "DPT weight", "index": "Voice index", "coverage": "Accounts with a region",
        "seg": "Audience segments",
        "seg_explain": "Accounts grouped by region × stance toward each pair (supporter: mean sentiment ≥ 0.2; "
                       "opponent: ≤ −0.2; else persuadable) × issue × activity × platform. Buzzers removed.",
        "group": "Group", "accounts": "Accounts", "issue": "Issue", "lift": "Lift", "pers": "Persuadable accounts",
        "activity": "Activity",
        "rec": "Message recommendations",
        "rec_explain": "Issues and formats that get above-baseline responses in each segment (buzzers removed). "
                       "Lift = responses per post against the segment's average; ranked after shrinking toward 1 "
                       "for cells with few posts.",
        "none": "Not enough data for recommendations yet.",
        "group_persuadable": "persuadable (undecided) accounts",
        "group_critical_of_all": "accounts critical of every pair",
        "group_supporter": "supporters of {p}", "group_opponent": "opponents of {p}",
    },
}

_DEMOGRAPHICS = {
    "id": {"title": "Demografi audiens (agregat)",
           "explain": "Perkiraan jenis kelamin, kelompok umur dan pekerjaan dari nama tampilan dan bio publik, hanya "
                      "sebagai agregat. Sel dengan kurang dari {k} akun disembunyikan; tidak ada perkiraan per akun "
                      "yang ditampilkan (UU PDP 27/2022), dan sel tidak ditautkan ke unggahan. Interval 95 %. "
                      "Tanpa buzzer.",
           "known": "akun dengan perkiraan", "accounts": "Akun", "share": "porsi", "net": "sentimen bersih",
           "gap": "Kesenjangan terbesar", "no_gap": "Belum ada kelompok yang berbeda nyata dari keseluruhan.",
           "none": "Belum ada sel yang cukup besar.", "suppressed": "sel disembunyikan (< {k} akun)",
           "organisations": "akun organisasi/media dikecualikan", "group": "Kelompok", "issues": "Isu utama",
           "gender": "jenis kelamin", "age_band": "kelompok umur", "occupation": "pekerjaan", "region": "wilayah",
           "messages": "Pesan yang mengena per kelompok demografi"},
    "en": {"title": "Audience demographics (aggregate)",
           "explain": "Gender, age band and walk of life estimated from public display names and bios, shown only in "
                      "aggregate. Cells with fewer than {k} accounts are suppressed; no per-account estimate is ever "
                      "shown (UU PDP 27/2022), and cells do not link to posts. 95 % intervals. Buzzers removed.",
           "known": "accounts with an estimate", "accounts": "Accounts", "share": "share", "net": "net sentiment",
           "gap": "Largest gap", "no_gap": "No group differs clearly from the whole yet.",
           "none": "No cell is large enough yet.", "suppressed": "cells suppressed (< {k} accounts)",
           "organisations": "organisation/media accounts excluded", "group": "Group", "issues": "Top issues",
           "gender": "gender", "age_band": "age band", "occupation": "walk of life", "region": "region",
           "messages": "What resonates with each demographic group"},
}

_MOBILISE = {
    "id": {"actions": "Aksi & mobilisasi", "actions_explain":
           "Ajakan aksi (kampanye tagar, ajakan berbagi, siaran langsung, serbu komentar): akun yang ikut "
           "(organik vs terkoordinasi), unggahan, jangkauan (jumlah pengikut akun yang ikut), wilayah, "
           "sentimen, dan kemajuan terhadap target. Tagar yang dimulai akun resmi lalu diikuti banyak akun "
           "dideteksi otomatis.",
           "name": "Aksi", "kind": "Jenis", "posts": "Unggahan", "acc": "Akun organik", "coord": "Akun terkoordinasi",
           "reach": "Jangkauan", "regions": "Wilayah", "net": "Sentimen bersih", "progress": "Kemajuan",
           "live": "Siaran langsung", "live_explain":
           "Sesi siaran langsung yang terdeteksi dari data: komentar per menit, momen puncak, sentimen dan "
           "pertanyaan di kolom komentar, serta penonton yang kembali (pernah berkomentar di siaran "
           "sebelumnya dari akun yang sama).",
           "session": "Sesi", "start": "Mulai", "cpm": "Komentar/menit", "peak": "Puncak", "q": "Pertanyaan",
           "att": "Penonton", "rep": "Penonton kembali",
           "enth": "Indeks antusiasme", "enth_explain":
           "Jumlah akun berbeda (buzzer dikeluarkan) yang menyebut pasangan secara positif per minggu. "
           "Indeks 100 = sama dengan minggu sebelumnya; di atas 100 = antusiasme tumbuh.",
           "week": "Minggu ke-", "none": "Belum ada data.", "pair": "Paslon", "region": "Wilayah"},
    "en": {"actions": "Actions & mobilisation", "actions_explain":
           "Calls to action (hashtag campaigns, posts to share, live streams, comment drives): taking-part "
           "accounts (organic vs coordinated), posts, reach (followers of taking-part accounts), regions, "
           "sentiment and progress against the goal. Hashtags started by an official account and taken up "
           "by many accounts are detected automatically.",
           "name": "Action", "kind": "Kind", "posts": "Posts", "acc": "Organic accounts",
           "coord": "Coordinated accounts",
           "reach": "Reach", "regions": "Regions", "net": "Net sentiment", "progress": "Progress",
           "live": "Live streams", "live_explain":
           "Live sessions detected from the data: comments per minute, peak moments, sentiment and questions "
           "in the comments, and repeat attendees (who commented on an earlier stream of the same host).",
           "session": "Session", "start": "Start", "cpm": "Comments/min", "peak": "Peak", "q": "Questions",
           "att": "Attendees", "rep": "Repeat attendees",
           "enth": "Enthusiasm index", "enth_explain":
           "Distinct accounts (buzzers removed) speaking positively about a pair each week. Index 100 = as many "
           "as the week before; above 100 = enthusiasm is growing.",
           "week": "Week", "none": "No data yet.", "pair": "Pair", "region": "Region"},
}

_RADAR = {
    "id": {"title": "Radar isu & krisis", "explain": "Lonjakan tidak wajar dibanding jam yang sama "
           "selama 7 hari terakhir, dengan jenis, tingkat bahaya dan akun teratas.",
           "none": "Tidak ada peringatan.", "cols": ("Terdeteksi", "Paslon", "Isu", "Jenis", "Tingkat",
                                                      "Unggahan", "Akun teratas")},
    "en": {"title": "Issue & crisis radar", "explain": "Unusual rises compared with the same time "
           "of day over the past 7 days, with type, severity and top accounts.",
           "none": "No alerts.", "cols": ("Detected", "Pair", "Issue", "Type", "Severity", "Posts",
                                          "Top accounts")},
}

_LAWWATCH = {
    "id": {"title": "Pantauan aturan kampanye",
           "explain": "Konten akun resmi paslon pada masa tenang ({quiet0} – {quiet1}) dan hari pemungutan suara "
                      "({vote_day}), iklan berbayar di luar {paid0} – {paid1}, dan akun resmi melebihi batas per "
                      "platform. Ekspor bukti dengan `suara lawwatch --export DIR`.",
           "none": "Tidak ada temuan.", "watched": "akun resmi dipantau",
           "cols": ("Aturan", "Tingkat", "Paslon", "Platform", "Akun", "Unggahan", "Pertama (lokal)", "URL")},
    "en": {"title": "Election-law watch",
           "explain": "Content from the pairs' official accounts in the quiet period ({quiet0} – {quiet1}) and on "
                      "voting day ({vote_day}), paid content outside {paid0} – {paid1}, and more official accounts "
                      "per platform than allowed. Export the evidence with `suara lawwatch --export DIR`.",
           "none": "No findings.", "watched": "official accounts watched",
           "cols": ("Rule", "Severity", "Pair", "Platform", "Account", "Posts", "First (local)", "URL")},
}

_FORECAST = {
    "id": {"title": "Prakiraan perolehan suara (eksperimental)",
           "explain": "Perkiraan perolehan suara dari pendukung positif yang berbeda (buzzer dikeluarkan), dikalibrasi "
                      "per wilayah dengan DPT dan penetrasi internet. Eksperimental: baca catatan di bawah.",
           "overall": "Keseluruhan (rentang 95%)", "by_region": "Per wilayah", "region": "Wilayah",
           "supporters": "pendukung", "trust": "Tingkat kepercayaan", "counted": "pendukung dihitung",
           "unfiltered": "Tanpa penyaringan buzzer: "},
    "en": {"title": "Vote-share forecast (experimental)",
           "explain": "Estimated vote share from distinct positive supporters (buzzers removed), calibrated by region "
                      "with DPT and internet penetration. Experimental: read the caveats.",
           "overall": "Overall (95% interval)", "by_region": "By region", "region": "Region",
           "supporters": "supporters", "trust": "Trust", "counted": "supporters counted",
           "unfiltered": "Without buzzer removal: "},
}


_MAP = {
    "id": {"title": "Peta wilayah",
           "explain": "Pilih lapisan peta di kiri atas. Pasangan unggul: warna paslon dengan porsi sebutan terbesar "
                      "di wilayah itu; selisih: porsi paslon teratas dikurangi paslon kedua (poin persen); porsi "
                      "suara: bagian sebutan satu paslon (makin pekat makin besar); sentimen bersih: (positif − "
                      "negatif) / sebutan, merah negatif, biru positif; cakupan: porsi sebutan wilayah dibagi "
                      "bobot DPT-nya (biru = lebih ramai daripada bobot pemilihnya, merah = lebih sepi). Abu-abu = "
                      "belum ada data. Klik wilayah untuk membuka unggahannya.",
           "lead": "Pasangan unggul", "margin": "Selisih unggul", "share": "Porsi suara", "net": "Sentimen bersih",
           "coverage": "Cakupan (sebutan vs pemilih)", "coverage_short": "Indeks percakapan",
           "points": "poin", "tie": "Seri", "posts": "Unggahan", "mentions": "Sebutan",
           "filtered": "tanpa buzzer", "no_data": "belum ada data",
           "coverage_needs_dpt": "Lapisan cakupan butuh DPT per wilayah di konfigurasi pemilihan.",
           "missing": "Batas wilayah tidak tersedia untuk: {regions}.",
           "no_regions": "Konfigurasi pemilihan ini belum memuat daftar wilayah.",
           "credit": "Batas wilayah: {source}, disederhanakan"},
    "en": {"title": "Region map",
           "explain": "Pick the map layer at the top left. Leading pair: the colour of the pair with the largest "
                      "share of mentions in the region; margin: the leader's share minus the runner-up's "
                      "(percentage points); share of voice: one pair's share of mentions (darker = larger); net "
                      "sentiment: (positive − negative) / mentions, red negative, blue positive; coverage: the "
                      "region's share of mentions divided by its DPT weight (blue = louder online than its "
                      "voters weigh, red = quieter). Grey = no data yet. Click a region to open its posts.",
           "lead": "Leading pair", "margin": "Lead margin", "share": "Share of voice", "net": "Net sentiment",
           "coverage": "Coverage (mentions vs voters)", "coverage_short": "Conversation index",
           "points": "points", "tie": "Tie", "posts": "Posts", "mentions": "Mentions",
           "filtered": "without buzzers", "no_data": "no data yet",
           "coverage_needs_dpt": "The coverage layer needs the DPT per region in the election config.",
           "missing": "No boundary available for: {regions}.",
           "no_regions": "This election config lists no regions yet.",
           "credit": "Boundaries: {source}, simplified"},
}


#: area -> language -> key -> text (``ui`` is the web app's :data:`STRINGS`)
CATALOGUE: dict[str, dict[str, dict]] = {
    "ui": STRINGS, "report": _REPORT, "brand": _BRAND, "audience": _AUDIENCE, "mobilise": _MOBILISE,
    "radar": _RADAR, "lawwatch": _LAWWATCH, "forecast": _FORECAST, "demographics": _DEMOGRAPHICS,
    "map": _MAP,
}
LANGUAGES = ("id", "en")
from suara.config.i18n_more import AREAS, UI  # noqa: E402 - the catalogue's second file (errors, CLI, wording)
_merged = [STRINGS[lang].setdefault(k, v) for lang, more in UI.items() for k, v in more.items()]
CATALOGUE.update({k: v for k, v in AREAS.items() if k not in CATALOGUE})

def texts(area: str, lang: str) -> dict:
    """All texts of one area in ``lang`` (Indonesian for an unknown language)."""
    cat = CATALOGUE[area]
    return cat.get(lang, cat["id"])


def text(ref: str, lang: str) -> str:
    """One text by ``"area.key"``; the reference itself when the key is unknown, so a
    missing text shows where it is missing instead of breaking a page."""
    area, _, key = ref.partition(".")
    return texts(area, lang).get(key, ref) if area in CATALOGUE else ref



# The radar's triage inbox and case pages (area ``triage``) and the morning brief (``brief``)
# live in their own module of the catalogue.
from suara.config.i18n_brief import BRIEF as _BRIEF, TRIAGE as _TRIAGE  # noqa: E402

CATALOGUE["triage"] = _TRIAGE
CATALOGUE["brief"] = _BRIEF
