"""Coverage-guided fuzz target for the ``youtube`` importer family (see ``_target.py``).

    .venv/bin/python tests/fuzz/fuzz_youtube.py /tmp/fuzz-youtube tests/fuzz/corpus/youtube -max_total_time=60
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _target import main  # noqa: E402

if __name__ == "__main__":
    main("youtube")
