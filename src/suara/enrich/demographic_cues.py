"""Cue tables of the demographics estimate (:mod:`suara.enrich.demographics`): titles, name
exceptions, and the self-descriptions that signal gender, age band, walk of life or an
organisation, as regular expressions over folded (lower-case ASCII) text.

Example
-------
>>> bool(OCC_CUES[0][0].search("mahasiswi unmul"))
True
"""
from __future__ import annotations

import re

# words that end like names but are not (display names of pages, English words)
_NOT_NAMES = {"official", "indonesia", "berita", "channel", "update", "kuliner", "store", "gallery",
              "studio", "karya", "jaya", "media", "digital", "network", "center", "centre", "bintang",
              "global", "info", "daily", "motor", "komunitas", "kabar", "pemuda", "warga", "rakyat",
              "netizen", "admin", "akun", "satria", "setia", "cinta", "indah", "harapan", "mandiri",
              "sejahtera", "makmur", "sentosa", "santri", "sultan", "fanbase", "lover", "pejuang",
              "relawan", "ranger", "hunter", "gamer", "traveler", "creator", "bandar", "pasar"}

# honorifics/titles in name position: token -> gender ('' = none); compound titles first
_TITLES = {"bapak": "m", "pak": "m", "bp": "m", "mas": "m", "bang": "m", "abang": "m", "kang": "m",
           "aa": "m", "om": "m", "haji": "m", "h": "m", "ustadz": "m", "ustad": "m", "ust": "m",
           "kyai": "m", "kiai": "m", "habib": "m", "teuku": "m", "lalu": "m", "raden": "", "rm": "m",
           "ibu": "f", "bu": "f", "mbak": "f", "mba": "f", "teh": "f", "tante": "f", "hj": "f",
           "hajjah": "f", "ustadzah": "f", "ustazah": "f", "cut": "f", "baiq": "f", "ni": "f",
           "ning": "f", "neng": "f", "mrs": "f", "ms": "f", "miss": "f", "mr": "m", "sir": "m",
           "kak": "", "dr": "", "drg": "", "ir": "", "prof": "", "ra": "", "gusti": "", "tengku": "",
           "i": "", "dra": "f", "drs": ""}
# Balinese "I" is a male marker only before a birth-order name (I Made, I Wayan)
_BIRTH_ORDER = {"wayan", "made", "nyoman", "ketut", "putu", "kadek", "nengah", "komang", "gede", "luh"}
_CASTE = [("ida", "bagus", "m"), ("ida", "ayu", "f"), ("anak", "agung", ""), ("cokorda", "", ""),
          ("desak", "", "f"), ("dewa", "ayu", "f")]

# ---------------------------------------------------------------------------------------------
# cue tables: (regex on folded text, value, confidence)

_W = r"(?<![a-z])"     # word start
_E = r"(?![a-z])"      # word end


def _rx(words: str) -> str:
    return _W + "(?:" + words + ")" + _E


# a relative or a past role is not a self-description: "my grandfather", "former civil servant"
_NOT_SELF = r"(?<!my )(?<!our )(?<!his )(?<!her )(?<!saya )"
_NOT_PAST = r"(?<!former )(?<!ex-)(?<!ex )(?<!mantan )(?<!eks )(?<!retired )(?<!pensiunan )"


GENDER_CUES: list[tuple[str, str, float]] = [
    (_rx(r"ibu (?:dari|dr|\d+|satu|dua|tiga|empat) ?(?:anak|putra|putri|org|orang)?|ibunya|mama (?:dari|\d+ anak)"
         r"|mamah muda|bunda (?:dari|\d+)|emak[- ]emak|istri (?:dari|dr)|istrinya|mahasiswi|siswi|santriwati"
         r"|muslimah|hijabers?|perempuan|wanita|cewek|cewe|gadis|ibu rumah tangga|irt|ibu[- ]ibu|nenek|oma"
         r"|mom|mum|mommy|mother|wife|grandma|grandmother|granny|she ?/ ?her|girl|woman|daughter"
         r"|bidan|ukhti|akhwat"), "f", 0.9),
    (_rx(r"bapak (?:dari|dr|\d+|satu|dua|tiga|empat) ?(?:anak|putra|putri|org|orang)?|ayah (?:dari|dr|\d+|dua|tiga)"
         r"(?: ?anak)?|papa (?:dari|\d+ anak)|suami (?:dari|dr)|suaminya|bapak[- ]bapak|santriwan|pria|cowok"
         r"|cowo|lelaki|laki[- ]laki|kakek|opa|akhi|ikhwan|dad|daddy|father|husband|grandfather|grandpa"
         r"|he ?/ ?him|bapak"), "m", 0.9),
]

AGE_CUES: list[tuple[str, str, float]] = [
    (_NOT_SELF + _rx(r"pelajar|siswa|siswi|murid|anak (?:sma|smk|smp|sekolah)|(?:sma|smk|smp|mts)n? ?\d*|man ?\d+"
                     r"|(?:x|xi|xii) ?(?:ipa|ips|mipa|tkj|akl|rpl)|kelas (?:1[0-2]|[7-9])|gen ?z|ababil"), "<25", 0.8),
    (_NOT_SELF + _rx(r"mahasiswa|mahasiswi|mhs|maba|anak (?:kuliahan|kos)|kuliah|student|undergrad|college|santri"
                     r"|fresh ?graduate|jomblo|jomlo"), "<25", 0.6),
    (_NOT_SELF + _rx(r"ibu muda|mamah muda|mama muda|ayah muda|newlywed|pengantin baru|milenial|millennial"
                     r"|ibu (?:dari|dr) (?:\d|satu|dua|tiga) (?:anak|balita)|ibu \d anak|ayah \d anak|bapak \d anak"
                     r"|(?:mom|mum|mother|dad|father) of (?:\d|one|two|three|2|3)"), "25-44", 0.6),
    (_NOT_SELF + _rx(r"pensiunan|pensiun|purnawirawan|purna ?bakti|retired|retiree|kakek|nenek|eyang|opa|oma|grandma"
                     r"|grandpa|grandmother|grandfather|grandparent|cucu|boomer|lansia"), "45+", 0.8),
]

OCC_CUES: list[tuple[str, str, float]] = [
    (r"pelajar|siswa|siswi|mahasiswa|mahasiswi|mhs|maba|santri|santriwati|student|anak (?:sma|smk|smp|kuliahan)"
     r"|(?:x|xi|xii) ?(?:ipa|ips|mipa|tkj|akl|rpl)|undergrad", "pelajar_mahasiswa", 0.85),
    (r"guru|pengajar|pendidik|dosen|tenaga pendidik|teacher|lecturer|educator|profesora?|honorer", "guru_dosen", 0.85),
    (r"pns|asn|aparatur sipil negara|pegawai negeri|abdi negara|pppk|civil servant", "pns_asn", 0.85),
    (r"tni|polri|polisi|polwan|tentara|prajurit|bhayangkara|bhayangkari|persit|soldier|police officer"
     , "tni_polri", 0.8),
    (r"perawat|bidan|dokter|nakes|apoteker|tenaga kesehatan|nurse|physician|paramedi[ck]", "tenaga_kesehatan", 0.8),
    (r"tambang|batu ?bara|anak tambang|operator alat berat|driver hd|hauling|mining|miner|pertambangan",
     "buruh_tambang", 0.8),
    (r"buruh|karyawan|karyawati|pekerja pabrik|pegawai swasta|karyawan swasta|kuli|employee|factory worker",
     "buruh_karyawan", 0.75),
    (r"petani|pekebun|petani sawit|berkebun|peternak|farmer|rancher|ranching|tani", "petani", 0.8),
    (r"nelayan|fisherman|fishermen|pelaut", "nelayan", 0.85),
    (r"ojol|ojek|gojek|grab ?bike|driver online|driver ojol|mitra gojek|mitra grab|maxim|sopir|supir|driver taxi",
     "ojol", 0.8),
    (r"pedagang|jualan|berjualan|menjual|jual|dagang|olshop|online ?shop|reseller|dropshipper|umkm|wirausaha|wiraswasta"
     r"|pengusaha|small business owner|seller|usaha kecil", "pedagang_umkm", 0.75),
    (r"ibu rumah tangga|irt|stay at home mom|full ?time mom|housewife|homemaker|mamah muda", "ibu_rumah_tangga", 0.85),
    (r"ustadz|ustad|ustadzah|ustazah|kyai|kiai|habib|pendeta|pastor|preacher|penceramah|dai|imam masjid"
     r"|takmir|romo|biksu|bhikkhu|pemangku|pimpinan pondok|pengasuh (?:pondok|ponpes)|minister of (?:the )?gospel",
     "tokoh_agama", 0.8),
    (r"wartawan|jurnalis|journalist|reporter|correspondent|columnist|kolumnis|editor", "jurnalis", 0.8),
    (r"pensiunan|purnawirawan|retired|retiree|pensiun", "pensiunan", 0.8),
]
OCC_CUES = [(re.compile(_NOT_PAST + _rx(p) if v != "pensiunan" else _rx(p)), v, c) for p, v, c in OCC_CUES]
GENDER_CUES = [(re.compile(_NOT_SELF + p), v, c) for p, v, c in GENDER_CUES]
AGE_CUES = [(re.compile(p), v, c) for p, v, c in AGE_CUES]

# first-person self-references in posts ("saya seorang guru", "aku anak SMA", "sebagai petani")
_SELF = re.compile(r"(?<![a-z])(?:saya|sy|aku|gue|gw|ane|kami|kita)(?: ini| juga| cuma| hanya)?"
                   r"(?: seorang| sbg| sebagai| selaku| para| anak)? (.{0,40})")

# pages, shops, media, institutions (display name or bio); person names rarely carry these
ORG_CUES = re.compile(_rx(
    r"official|oficial|officiel|resmi|akun resmi|berita|news|info|media|tv|radio|channel|magazine|majalah"
    r"|koran|portal|update|daily|shop|store|olshop|toko|kedai|cafe|resto|restaurant|restoran|studio|company|pt"
    r"|cv|agency|agensi|foundation|yayasan|komunitas|community|institute|institut|institution|universitas"
    r"|university|dinas|pemkab|pemkot|pemprov|kabupaten|dprd|kpu|bawaslu|partai|party|fans|fanbase|fanpage"
    r"|network|group|grupos|page|facts|hub|services|service|official account|humas|sekretariat|kementerian"
    r"|ministry|department|league|federacion|federation|association|asosiasi|himpunan|organisasi|ukm|bem"
    r"|order|pemesanan|open order|wa ?:|whatsapp ?:|pesan sekarang|reseller wanted|ready stock|cod"
    r"|menerima pesanan|jasa|grosir|distributor|supplier|brand|collection|store official|club|klub"))
#: account types that are not a person (from the store / election config / admin)
NOT_PERSON_TYPES = {"official", "party", "media", "city"}

_YEAR_CUES = re.compile(r"(?<![a-z0-9])(?:lahir|kelahiran|lhr|born|b\.|kelahiran tahun|thn lahir|tahun lahir)"
                        r"\s*(?:di\s+[a-z]+\s*,?\s*)?(?:tahun\s*)?(?:\d{1,2}[-/ .][a-z0-9]{1,9}[-/ .])?"
                        r"((?:19|20)\d\d)(?![0-9])")
_AGE_CUES = re.compile(r"(?<![a-z0-9])(?:umur|usia|age|aged)\s*:?\s*(\d{2})(?![0-9])"
                       r"|(?<![a-z0-9])(\d{2})\s*(?:th|thn|tahun|y\.?o\.?|yrs?|years? old|-year-old)(?![a-z])")
_COHORT = re.compile(r"(?<![a-z])(?:angkatan|angk\.?|class of|batch|alumni(?: [a-z0-9 ]{0,20})?)\s*'?((?:19|20)\d\d)"
                     r"(?![0-9])")

# language register: short forms young users favour ("wkwk", "anjir", "bestie")
_YOUNG_REGISTER = set("wkwk wkwkwk wkwkwkwk anjir anjay anjrit bjir njir gws bestie bestai ygy gabut mabar bucin "
                      "baper salty healing literally slay sksd nolep kuy gaes gais cmiiw fomo mager gue gw lu lo elu "
                      "bro sis anjg bgst jir lol xixi awokawok akwoakwo kocak".split())
_OLD_REGISTER = set("ananda saudara-saudara saudaraku hadirin jamaah ibu-ibu bapak-bapak alhamdulillahirabbilalamin "
                    "wassalam wassalamualaikum assalamualaikum".split())
#: platforms whose users skew young / older (weak prior only; see docs/demographics.md)
_PLATFORM_AGE = {"tiktok": ("<25", 0.35), "facebook": ("25-44", 0.3), "whatsapp": ("25-44", 0.3)}
