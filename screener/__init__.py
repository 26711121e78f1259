"""screener: a private, offline terminal self-screening for opioid (heroin) use disorder."""

__version__ = "0.2.0"
