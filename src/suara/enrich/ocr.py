"""Text in images: OCR of a post's local image files with Tesseract (Indonesian data).

Infographics and banners carry much campaign messaging; their text is appended to the
post's text for every other component and stored in ``ocr_text``. Tesseract is a system
program (Debian: ``apt-get install -y tesseract-ocr tesseract-ocr-ind``); when it or its
``ind`` data is missing, OCR is skipped and the reason is recorded in the enrichment's
``models`` field instead of failing.

Example
-------
>>> r = OcrReader()
>>> r.read(["/no/such/file.png"])
''
"""
from __future__ import annotations

import shutil
import subprocess
from functools import cached_property
from pathlib import Path

from suara.enrich.base import Batch, Component, register

__all__ = ["OcrReader", "IMAGE_SUFFIXES"]

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"}


@register
class OcrReader(Component):
    """OCR for rows with ``media_files``; assigns ``ocr_text`` and appends it to ``text``.

    Parameters
    ----------
    base : Path
        folder that relative media paths are resolved against (the workspace).
    lang : str
        Tesseract language(s), ``ind`` by default (``ind+eng`` works when both are installed).
    timeout : float
        seconds per image.
    """

    name, version = "ocr", "v1"
    requires, assigns = ("text",), ("ocr_text",)

    def __init__(self, base: str | Path = ".", lang: str = "ind", timeout: float = 30.0,
                 max_images: int = 4):
        self.base, self.lang, self.timeout, self.max_images = Path(base), lang, timeout, max_images
        self._cache: dict[str, str] = {}
        self.images_read = 0

    @cached_property
    def unavailable(self) -> str | None:
        """Why OCR cannot run here (None when it can)."""
        exe = shutil.which("tesseract")
        if not exe:
            return "tesseract not installed (apt-get install -y tesseract-ocr tesseract-ocr-ind)"
        try:
            langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True,
                                   timeout=20).stdout.split()
        except (OSError, subprocess.SubprocessError) as e:
            return f"tesseract does not run: {e}"
        missing = [x for x in self.lang.split("+") if x not in langs]
        if missing:
            return f"tesseract language data missing: {', '.join(missing)} (tesseract-ocr-{missing[0]})"
        return None

    def _resolve(self, f: str) -> Path | None:
        p = Path(str(f))
        if not p.is_absolute():
            p = self.base / p
        try:
            return p if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file() else None
        except (OSError, ValueError):  # a name from an export: too long, NUL byte ... not a file
            return None

    def read_file(self, path: str | Path) -> str:
        """OCR text of one image ('' when unreadable)."""
        key = str(path)
        if key in self._cache:
            return self._cache[key]
        text = ""
        if self.unavailable is None:
            try:
                r = subprocess.run(["tesseract", key, "stdout", "-l", self.lang],
                                   capture_output=True, timeout=self.timeout)
                text = " ".join(r.stdout.decode("utf-8", errors="replace").split())
                self.images_read += 1
            except (OSError, subprocess.SubprocessError):
                text = ""
        self._cache[key] = text
        return text

    def read(self, files) -> str:
        """OCR text of the local images among ``files`` (joined), '' when none."""
        if files is None:
            return ""
        try:
            files = list(files)
        except TypeError:
            return ""
        out = []
        for f in files[: self.max_images]:
            p = self._resolve(f) if f else None
            if p is not None:
                t = self.read_file(p)
                if t:
                    out.append(t)
        return "\n".join(out)

    def apply(self, batch: Batch) -> Batch:
        df = batch.df
        if "media_files" not in df or self.unavailable is not None:
            df["ocr_text"] = None
            return batch
        texts = [self.read(f) or None for f in df["media_files"]]
        df["ocr_text"] = texts
        df["text"] = [(t if o is None else f"{t or ''}\n{o}") for t, o in zip(df["text"], texts)]
        return batch
