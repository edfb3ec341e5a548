"""`python -m aichr_kg` runs the CLI."""

from aichr_kg.cli import main

main()
