"""Text in images: OCR of a post's local image files with Tesseract (Indonesian data).

Infographics and banners carry much campaign messaging; their text is appended to the
post's text for every other component and stored in ``ocr_text``. Tesseract is a system
program (Debian: ``apt-get install -y tesseract-ocr tesseract-ocr-ind``); when it or its
``ind`` data is missing, OCR is skipped and the reason is recorded in the enrichment's
``models`` field instead of failing.

Only images inside the workspace, the folders of the imported files and the folders listed
under ``media_dirs`` in ``suara.yaml`` are read: an export is untrusted, and a media path
such as ``/home/analyst/ktp.jpg`` or ``../../secret.png`` must not put text from elsewhere on
the server into a post. Such paths are skipped with a warning (logger ``suara.enrich.ocr``)
and counted in the enrichment notes.

Example
-------
>>> r = OcrReader()
>>> r.read(["no/such/file.png"])     # relative: inside the workspace (``base``)
''
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import shutil
import subprocess
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator

from suara.enrich.base import Batch, Component, register, workspace_folder

__all__ = ["OcrReader", "IMAGE_SUFFIXES", "MediaScope", "media_scope"]

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
log = logging.getLogger(__name__)


class MediaScope:
    """Folders OCR may read besides its base, and the media paths it refused (examples, count)."""

    def __init__(self, folders: Iterable[str | Path] = ()):
        self.folders = tuple(str(f) for f in folders if f)
        self.refused: list[str] = []
        self.refused_count = 0


_SCOPE: contextvars.ContextVar[MediaScope | None] = contextvars.ContextVar("suara_ocr_scope", default=None)


@contextlib.contextmanager
def media_scope(folders: Iterable[str | Path]) -> Iterator[MediaScope]:
    """OCR readers created inside this block may also read images under ``folders``
    (the workspace sets the folders of its imported files and its ``media_dirs``)."""
    scope = MediaScope(folders)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def _real(p: str | Path) -> str:
    return os.path.realpath(os.fspath(p))


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
    allow : list of folders
        besides ``base`` (and the folders of the enclosing :func:`media_scope`), where images
        may be read; any other path (absolute, ``..``, or a link leading out) is skipped.
    """

    name, version, order = "ocr", "v1", 10
    requires, assigns = ("text",), ("ocr_text",)

    def __init__(self, base: str | Path = ".", lang: str = "ind", timeout: float = 30.0,
                 max_images: int = 4, allow: Iterable[str | Path] = ()):
        self.lang, self.timeout, self.max_images = lang, timeout, max_images
        self.allow = tuple(allow)
        self._cache: dict[str, str] = {}
        self.images_read = 0
        self.refused: list[str] = []
        self._set_base(base)

    def _set_base(self, base: str | Path) -> None:
        self.base = Path(base)
        self._scope = _SCOPE.get() or MediaScope()
        self.roots = tuple(dict.fromkeys(_real(r) for r in (self.base, *self.allow, *self._scope.folders)))

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """Read images relative to the workspace; skipped outside a workspace, when disabled
        in the settings (``ocr: false``) or when tesseract is missing."""
        folder = workspace_folder(workspace)
        if settings is not None and not settings.get("ocr", True):
            self.skipped = "disabled in settings"
        elif folder is None:
            self.skipped = "no workspace"
        else:
            self._set_base(folder)
            self.skipped = self.unavailable
        return super().initialize(election, workspace, settings, pipeline)

    def allowed(self, path: str | Path) -> bool:
        """Whether ``path`` (links resolved) lies inside one of the allowed folders."""
        real = _real(path)
        for root in self.roots:
            try:
                if os.path.commonpath([real, root]) == root:
                    return True
            except ValueError:  # different drives
                continue
        return False

    def _refuse(self, f: str) -> None:
        self._scope.refused_count += 1
        if len(self.refused) < 20:
            self.refused.append(f)
            self._scope.refused.append(f)
            log.warning("OCR: media path outside the workspace and the import folders skipped: %r", f[:300])

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
            if p.suffix.lower() not in IMAGE_SUFFIXES:
                return None
            if not self.allowed(p):
                self._refuse(str(f))
                return None
            return p if p.is_file() else None
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
