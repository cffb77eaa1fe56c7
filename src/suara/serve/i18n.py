"""User-interface strings: Bahasa Indonesia (default) and English."""
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
        "what_means": "Apa artinya?", "download_csv": "Unduh CSV", "search": "Cari", "filter": "Saring",
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
        "download_csv": "Download CSV", "search": "Search", "filter": "Filter", "candidate": "Candidate",
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
