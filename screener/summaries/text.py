"""The summary as plain text, wrapped to 78 columns: one writer of the export registry
(`screener.summaries.export`).

Bank and user text is cleaned (`clean`) of control characters; tables become numbered lists.
The program's words come translated from the report and the catalog. Pure functions returning
strings: no I/O.
"""

from __future__ import annotations

import textwrap
from typing import assert_never

from screener.core.model import Voice
from screener.core.results import Summary
from screener.core.safetext import clean
from screener.i18n import N_, _
from screener.summaries.notice import Banner, Notice
from screener.summaries.report import (
    Block,
    Document,
    Fields,
    Heading,
    Items,
    Para,
    QAList,
    Table,
    build,
)

DESCRIPTION = N_("a plain-text summary")  # in "Saved a plain-text summary to PATH"
SUFFIXES = (".txt", ".text")


VOICE: Voice = "summary"


def render(summary: Summary, notice: Notice) -> str:
    return write(build(summary, notice))


WIDTH = 78
_UNDERLINE = {1: "=", 2: "-", 3: "~"}


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """`text` wrapped to WIDTH, its own line breaks kept; `first` and `rest` are prefixes."""
    out: list[str] = []
    for line in clean(text).split("\n"):
        prefix = rest if out else first
        wrapped = textwrap.wrap(
            " ".join(line.split()),
            WIDTH,
            initial_indent=prefix,
            subsequent_indent=rest,
            break_on_hyphens=False,  # phone numbers stay whole
        )
        out += wrapped or [prefix.rstrip()]
    return out


def _txt_item(mark: str, label: str, text: str) -> list[str]:
    joined = f"{label}: {text}" if label and text else label or text
    return _wrap(joined, mark, " " * len(mark))


def _txt_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        lines = _wrap(block.text)
        return [*lines, _UNDERLINE[block.level] * max(len(line) for line in lines)]
    if isinstance(block, Banner):
        return [*_wrap(f"*** {block.text} ***"), *_wrap(block.detail)]
    if isinstance(block, Fields):
        width = max(len(label) for label, _ in block.rows) + 2
        lines = []
        for label, value in block.rows:
            lines += _wrap(value, f"{label}:".ljust(width), " " * width)
        return lines
    if isinstance(block, Para):
        return _wrap(block.text)
    if isinstance(block, Items):
        lines = []
        for i, item in enumerate(block.items, 1):
            lines += _txt_item(f"{i}. " if block.numbered else "- ", item.label, item.text)
        return lines
    if isinstance(block, Table):
        return _txt_table(block)
    if isinstance(block, QAList):
        return _txt_answers(block)
    assert_never(block)


def _txt_answers(block: QAList) -> list[str]:
    width = max(2, *(len(str(qa.number)) for qa in block.items))
    lines = []
    for qa in block.items:
        mark = f"{qa.number:>{width}}. "
        lines += _wrap(qa.question, mark, " " * len(mark))
        answer = _("Answer: {answer}").format(answer=qa.answer)
        lines += _wrap(answer, " " * len(mark), " " * (len(mark) + 2))
    return lines


def _txt_table(table: Table) -> list[str]:
    """A table as a numbered list, one `Column: value` line per further column."""
    width = max(2, *(len(row[0]) for row in table.rows))
    lines = []
    for row in table.rows:
        mark = f"{row[0]:>{width}}. "
        pad = " " * len(mark)
        lines += _wrap(row[1], mark, pad)
        for column, value in zip(table.columns[2:], row[2:], strict=True):
            lines += _wrap(f"{column}: {value}", pad, pad + "  ")
    return lines


def write(doc: Document) -> str:
    """The report as a plain-text file."""
    return "\n\n".join("\n".join(_txt_block(b)) for b in doc.blocks) + "\n"
