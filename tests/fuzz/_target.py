"""Entry point shared by the per-family atheris targets (``fuzz_<family>.py``).

Suara's ingest modules are imported under atheris' coverage instrumentation, then every input
goes through :func:`_harness.exercise` for the family. libFuzzer options follow the corpus
folders, e.g. (write new inputs to a scratch folder, read the seeds kept in the repository)::

    .venv/bin/python tests/fuzz/fuzz_x.py /tmp/x-new tests/fuzz/corpus/x -max_total_time=60

An uncaught exception or failed invariant stops the run and writes ``crash-<sha1>`` (the
input) to ``-artifact_prefix``.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(family: str, argv: list[str] | None = None) -> None:
    """Instrument the importers, then fuzz ``family`` with libFuzzer's options from argv."""
    import atheris

    with atheris.instrument_imports(include=["suara"]):
        import importlib

        import suara.ingest.base  # noqa: F401
        import suara.ingest.lines  # noqa: F401
        import suara.ingest.pipeline  # noqa: F401
        import suara.ingest.formats._apijson  # noqa: F401
        from suara.ingest.formats import BUILTIN_MODULES
        for mod in BUILTIN_MODULES:
            importlib.import_module(f"suara.ingest.formats.{mod}")
    import _harness

    _harness.family_formats(family)  # load the registry before the clock starts

    def one_input(data: bytes) -> None:
        _harness.exercise(family, data)

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        # half the time a hostile value in a real record, half libFuzzer's byte mutations
        import random
        rnd = random.Random(seed)
        if rnd.random() < 0.5:
            try:
                out = _harness.mutate_bytes(data, rnd)
            except Exception:  # noqa: BLE001 - the mutator itself must never stop the run
                out = data
            if out != data and len(out) <= max_size:
                return out
        return atheris.Mutate(data, max_size)

    atheris.Setup(list(argv if argv is not None else sys.argv), one_input, custom_mutator=mutator)
    atheris.Fuzz()
