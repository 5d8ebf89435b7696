"""``python -m horizonscan`` runs the CLI."""

from horizonscan.cli import main

main()
