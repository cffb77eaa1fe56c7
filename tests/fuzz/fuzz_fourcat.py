"""Coverage-guided fuzz target for the ``fourcat`` importer family (see ``_target.py``).

    .venv/bin/python tests/fuzz/fuzz_fourcat.py /tmp/fuzz-fourcat tests/fuzz/corpus/fourcat -max_total_time=60
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _target import main  # noqa: E402

if __name__ == "__main__":
    main("fourcat")
