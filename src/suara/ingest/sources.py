"""Expanding the paths given to ``suara ingest`` into :class:`Source` s: folders are walked,
zip members become sources, media and notes next to exports are left out, and a WhatsApp
export archive contributes its chat text only.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterable, Iterator

from suara.ingest.base import FileError, Source

__all__ = ["iter_sources"]

_SKIP_NAMES = {".DS_Store", "Thumbs.db"}
_SKIP_SUFFIX = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".mp4", ".mov", ".md", ".yaml", ".yml",
                # media saved next to chat exports (WhatsApp .zip, Telegram's export folder)
                ".opus", ".ogg", ".m4a", ".mp3", ".aac", ".amr", ".wav", ".3gp", ".mkv", ".webm",
                ".heic", ".pdf", ".vcf", ".doc", ".docx", ".ppt", ".pptx", ".tgs", ".css", ".js")
#: text files read from folders and archives only when they are chat exports (a Telegram
#: HTML export is recognised and named in the skip line)
_MAYBE_CHAT = (".txt", ".html")


def _chat_members(names: list[str]) -> list[str]:
    """The chat text of a WhatsApp export archive (``_chat.txt`` or ``WhatsApp Chat ...txt``):
    when present, the rest of the archive is the chat's media and is not imported."""
    from suara.ingest.formats.whatsapp import _FILE_NAME
    return [n for n in names if n.lower().endswith(".txt") and (
        Path(n).name.lower() == "_chat.txt" or _FILE_NAME.match(Path(n).stem))]


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Source | FileError]:
    """Expand files and folders (recursively) into Sources; zip members become Sources."""
    for p in paths:
        p = Path(p)
        if not p.exists():
            yield FileError(f"{p}: no such file or folder")
            continue
        files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in files:
            if f.name in _SKIP_NAMES or f.name.startswith(".") and p.is_dir():
                continue
            if p.is_dir() and f.suffix.lower() in _SKIP_SUFFIX:
                continue
            if p.is_dir() and f.suffix.lower() in _MAYBE_CHAT:
                yield Source(f, optional=True)
                continue
            if f.suffix.lower() == ".zip":
                try:
                    with zipfile.ZipFile(f) as zf:
                        members = [i for i in zf.infolist() if not i.is_dir()]
                except (zipfile.BadZipFile, OSError) as e:
                    yield FileError(f"{f}: not a readable zip archive: {e}")
                    continue
                chats = set(_chat_members([i.filename for i in members]))
                if chats:
                    members = [i for i in members if i.filename in chats]
                for info in members:
                    name = info.filename
                    if name.startswith("/") or ".." in Path(name).parts:
                        yield FileError(f"{f}!{name}: unsafe member path (path traversal); skipped")
                        continue
                    if Path(name).suffix.lower() in _SKIP_SUFFIX or Path(name).name.startswith("."):
                        continue
                    yield Source(f, member=name, optional=Path(name).suffix.lower() in _MAYBE_CHAT
                                 and name not in chats)
            else:
                yield Source(f)
