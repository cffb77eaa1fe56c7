"""Coverage-guided fuzz target for the ``tables`` importer family (see ``_target.py``).

    .venv/bin/python tests/fuzz/fuzz_tables.py /tmp/fuzz-tables tests/fuzz/corpus/tables -max_total_time=60
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _target import main  # noqa: E402

if __name__ == "__main__":
    main("tables")
