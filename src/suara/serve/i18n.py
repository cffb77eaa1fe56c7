"""User-interface strings of the web app: the ``ui`` area of the one text catalogue
(:mod:`suara.config.i18n`)."""
from suara.config.i18n import STRINGS, strings

__all__ = ["STRINGS", "strings"]
