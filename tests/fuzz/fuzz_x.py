"""Coverage-guided fuzz target for the ``x`` importer family (see ``_target.py``).

    .venv/bin/python tests/fuzz/fuzz_x.py /tmp/fuzz-x tests/fuzz/corpus/x -max_total_time=60
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _target import main  # noqa: E402

if __name__ == "__main__":
    main("x")
