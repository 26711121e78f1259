"""Lets `python -m screener` behave exactly like the `screener` command."""

from screener.cli import main

main()
