"""Suara's own modules compiled to bytecode once, as ``pip install`` does for a regular
install. An editable install (``pip install -e .``, the README's set-up) leaves the sources
uncompiled, and where the environment sets ``PYTHONDONTWRITEBYTECODE`` (common in
containers) Python then compiles every module it imports again in every command and never
keeps the result: about 0.2 s of CPU in each `suara analyse`. `suara init` and `suara demo`
call :func:`compile_package`; it writes nothing when the bytecode is current, and nothing at
all when ``SUARA_COMPILE=0`` or where Python keeps bytecode by itself.

Example
-------
>>> import os
>>> os.environ["SUARA_COMPILE"] = "0"
>>> compile_package()
False
>>> del os.environ["SUARA_COMPILE"]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["compile_package"]


def compile_package() -> bool:
    """Compile the modules of the installed ``suara`` package whose bytecode is missing or
    stale: True when every module's bytecode is current afterwards, False when switched off,
    not needed or not possible."""
    if os.environ.get("SUARA_COMPILE") == "0" or not sys.dont_write_bytecode:
        return False   # off, or Python writes bytecode as it imports
    import compileall
    pkg = Path(__file__).resolve().parent
    try:
        # quiet: an unwritable folder (a system install) is not an error here
        return bool(compileall.compile_dir(str(pkg), quiet=2))
    except OSError:
        return False
