"""Lets `python -m screener` behave exactly like the `screener` command."""

from screener.launch import main

main()
