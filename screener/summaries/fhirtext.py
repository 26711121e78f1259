"""The human-readable narrative (`text`) of a FHIR resource: escaped text in a few plain XHTML
tags, as FHIR's narrative rules allow (no scripts, styles, links or images). Pure; no I/O.

Callers pass words (from the bank or the catalog); everything is escaped here, so bank text
such as `<b>` or `&` shows as written and can never become markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from screener.core.safetext import clean

XHTML = "http://www.w3.org/1999/xhtml"


def text(words: str) -> str:
    """`words` made safe for XHTML: control characters removed, markup characters escaped."""
    return escape(clean(words), quote=False)


def para(words: str, strong: str = "") -> str:
    """A paragraph: `strong` in bold first (with a colon) when given, then `words`."""
    head = f"<b>{text(strong)}</b>: " if strong else ""
    return f"<p>{head}{text(words)}</p>"


def heading(words: str) -> str:
    return f"<p><b>{text(words)}</b></p>"


def listing(lines: Iterable[str], ordered: bool = False) -> str:
    """A list of fragments already made by `para`-like helpers or `pair` (not escaped here)."""
    tag = "ol" if ordered else "ul"
    inner = "".join(f"<li>{line}</li>" for line in lines)
    return f"<{tag}>{inner}</{tag}>" if inner else ""


def pair(label: str, value: str) -> str:
    """`label: value` with the value in bold, for a list item."""
    return f"{text(label)}: <b>{text(value)}</b>"


def narrative(*blocks: str) -> dict[str, Any]:
    """A resource's `text`: generated from its own data, so `status` is `generated`."""
    body = "".join(blocks)
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}
