"""The terminal: Rich renderables, the interview loop, listing, explain, the demo and the streams.

The only layer (with screener/cli.py) that imports Rich.
"""
