"""Read a number a person types (a choice, a scale point, a menu entry, a criterion): the one
parser for them all. Pure: no I/O, no words of its own.

Only ASCII digits are a number here. `str.isdigit()` also takes `²`, `³` or `٣`, which `int()`
then refuses (French and Belgian keyboards have a `²` key), so a stray key press must not reach
`int()`: it is simply not a number, and the caller says what it expected.
"""

from __future__ import annotations

MAX_DIGITS = 3  # no list screener shows has a thousand entries


def number(text: str, low: int, high: int) -> int | None:
    """The whole number `text` spells in ASCII digits (spaces around it aside), when it is from
    `low` to `high`; None for anything else."""
    text = text.strip()
    if not text or len(text) > MAX_DIGITS or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def numbers(text: str, low: int, high: int) -> list[int] | None:
    """Several such numbers, apart by spaces or commas (`1 3`, `1,3`); None unless every one is
    a number from `low` to `high`, or there is none."""
    parts = text.replace(",", " ").split()
    found = [number(part, low, high) for part in parts]
    if not found or None in found:
        return None
    return [n for n in found if n is not None]
