"""Built-in source formats, one module per format family.

Each module exposes ``IMPORTERS``. Add a module here (one per line) to register it.
"""
BUILTIN_MODULES: list[str] = [
    "native",
    "crowdtangle",
    "meta",
    "tiktok_research",
    "instaloader",
    "apify",
    "youtube",
    "zeeschuimer",
    "x",
    "fourcat",
    "tables",
    "whatsapp",
    "telegram",
    "generic",
]
