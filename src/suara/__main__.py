"""`python -m suara` runs the command line."""
from suara.cli import main

main()
