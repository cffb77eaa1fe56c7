"""Coverage-guided fuzz target for the ``telegram`` importer family (see ``_target.py``).

    .venv/bin/python tests/fuzz/fuzz_telegram.py /tmp/fuzz-telegram tests/fuzz/corpus/telegram -max_total_time=60
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _target import main  # noqa: E402

if __name__ == "__main__":
    main("telegram")
