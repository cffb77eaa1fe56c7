"""Suara: social-media intelligence for Indonesian election campaigns and watchdogs.

>>> import suara
>>> ws = suara.open("my-workspace")            # doctest: +SKIP
>>> ws.analyse()["share_of_voice"]["all"]      # doctest: +SKIP
"""
__version__ = "0.1.0"

from suara.api import Workspace, init, open  # noqa: E402,A004

__all__ = ["Workspace", "init", "open", "__version__"]
