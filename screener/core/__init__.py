"""The pure core: the model, conditions, question kinds, result facts, scoring and text safety.

Nothing here reads or writes a file, prints, or imports Rich, Typer or PyYAML; it speaks in ids
and numbers, and the few words it owns are catalog messages (screener.i18n).
"""
