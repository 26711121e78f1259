"""The terminal: Rich renderables, the interview loop, listing, explain and the demo.

The only layer (with screener/cli.py) that imports Rich.
"""
