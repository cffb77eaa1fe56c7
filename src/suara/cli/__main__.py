"""`python -m suara.cli` runs the command line."""
from suara.cli import main

main()
