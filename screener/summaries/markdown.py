"""The summary as Markdown: one writer of the export registry (`screener.summaries.export`).

Bank and user text is data, never markup: it is cleaned (`clean`) and everything Markdown would
read as markup is escaped. The program's words come translated from the report and the catalog.
Pure functions returning strings: no I/O.
"""

from __future__ import annotations

import re
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

DESCRIPTION = N_("a Markdown summary")  # in "Saved a Markdown summary to PATH"
SUFFIXES = (".md", ".markdown")


VOICE: Voice = "summary"


def render(summary: Summary, notice: Notice) -> str:
    return write(build(summary, notice))


# Escaped wherever they are: emphasis, code, links, raw HTML, tables, strikethrough, entities.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Escaped at the start of a line: headings, list items, setext underlines, quotes.
_MD_LEAD = re.compile(r"^([#+=-])")
_MD_NUMBERED = re.compile(r"^(\d+)([.)])")


def md_escape(text: str, line_start: bool = True) -> str:
    """Bank or user text as Markdown that renders as exactly that text (lines kept).

    `line_start=False` for text that follows something on its line (a label, a table cell):
    only its later lines can start a heading or a list item.
    """
    lines = []
    for n, line in enumerate(clean(text).split("\n")):
        line = _MD_INLINE.sub(r"\\\1", line.strip())
        line = _MD_ENTITY.sub(r"\\&", line)
        if line_start or n:
            line = _MD_NUMBERED.sub(r"\1\\\2", _MD_LEAD.sub(r"\\\1", line))
        lines.append(line)
    return "\n".join(lines)


def _md_indented(text: str, indent: int, line_start: bool = True) -> str:
    return md_escape(text, line_start).replace("\n", "\n" + " " * indent)


def _md_item(mark: str, label: str, text: str) -> str:
    if not label:
        return f"{mark}{_md_indented(text, len(mark))}"
    lead = f"**{md_escape(label)}"
    if not text:
        return f"{mark}{lead}**"
    return f"{mark}{lead}:** {_md_indented(text, len(mark), line_start=False)}"


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {md_escape(block.text).replace(chr(10), ' ')}"
    if isinstance(block, Banner):
        body = f"**{md_escape(block.text)}**\n{md_escape(block.detail)}"
        return "\n".join(f"> {line}" for line in body.split("\n"))
    if isinstance(block, Fields):
        return "\n".join(_md_item("- ", label, value) for label, value in block.rows)
    if isinstance(block, Para):
        text = md_escape(block.text)
        return f"**{text}**" if block.style else text
    if isinstance(block, Items):
        return "\n".join(
            _md_item(f"{i}. " if block.numbered else "- ", item.label, item.text)
            for i, item in enumerate(block.items, 1)
        )
    if isinstance(block, Table):
        return _md_table(block)
    if isinstance(block, QAList):
        return _md_answers(block)
    assert_never(block)


def _md_answers(block: QAList) -> str:
    lines = []
    for qa in block.items:
        mark = f"{qa.number}. "
        answer = _md_indented(qa.answer, len(mark) + 2, line_start=False)
        lines.append(f"{mark}{_md_indented(qa.question, len(mark))}")
        shown = answer if qa.given else f"*{answer}*"
        label = md_escape(_("Answer: {answer}"), line_start=False).format(answer=shown)
        lines.append(f"{' ' * len(mark)}- {label}")
    return "\n".join(lines)


def _md_table(table: Table) -> str:
    def cell(i: int, text: str) -> str:
        if i in table.code:
            return f"`{clean(text).replace('`', '')}`"
        return md_escape(text, line_start=False).replace("\n", " ")

    lines = [
        "| " + " | ".join(md_escape(c, line_start=False) for c in table.columns) + " |",
        "|" + "|".join("--:" if i == 0 else "---" for i in range(len(table.columns))) + "|",
    ]
    lines += ["| " + " | ".join(cell(i, t) for i, t in enumerate(row)) + " |" for row in table.rows]
    return "\n".join(lines)


def write(doc: Document) -> str:
    """The report as a Markdown file."""
    return "\n\n".join(_md_block(b) for b in doc.blocks) + "\n"
