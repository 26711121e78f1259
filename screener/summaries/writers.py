"""Write the summary document as Markdown, HTML or plain text; pure functions returning strings.

Bank and user text is data, never markup: each writer strips control characters (`bank.clean`)
and escapes what its format would read as markup. The HTML loads nothing: no scripts, fonts,
images or links, only inline CSS.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Iterator

from screener.core.safetext import clean
from screener.summaries.report import (
    Banner,
    Block,
    Document,
    Fields,
    Heading,
    Items,
    Para,
    Table,
)

# --- Markdown ---------------------------------------------------------------------------

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
    lines = []
    for qa in block.items:
        mark = f"{qa.number}. "
        answer = _md_indented(qa.answer, len(mark) + 2, line_start=False)
        lines.append(f"{mark}{_md_indented(qa.question, len(mark))}")
        lines.append(f"{' ' * len(mark)}- Answer: {answer if qa.given else f'*{answer}*'}")
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


def markdown(doc: Document) -> str:
    return "\n\n".join(_md_block(b) for b in doc.blocks) + "\n"


# --- plain text -------------------------------------------------------------------------

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
    width = max(2, *(len(str(qa.number)) for qa in block.items))
    lines = []
    for qa in block.items:
        mark = f"{qa.number:>{width}}. "
        lines += _wrap(qa.question, mark, " " * len(mark))
        lines += _wrap(f"Answer: {qa.answer}", " " * len(mark), " " * (len(mark) + 2))
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


def plain_text(doc: Document) -> str:
    return "\n\n".join("\n".join(_txt_block(b)) for b in doc.blocks) + "\n"


# --- HTML -------------------------------------------------------------------------------

STYLE = """\
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: #fff; color: #1f2933;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
}
main { max-width: 48rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; overflow-wrap: break-word; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 1rem; }
h2 {
  font-size: 1.25rem; margin: 2.25rem 0 .75rem; padding-bottom: .3rem;
  border-bottom: 1px solid #cbd2d9;
}
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
p { margin: .5rem 0; }
ul, ol { padding-left: 1.5rem; }
li { margin: .25rem 0; }
.demo {
  margin: 0 0 1rem; padding: .75rem 1rem; border: 2px solid #b45309; border-radius: 6px;
  background: #fff7ed; color: #7c2d12;
}
.demo strong { display: block; font-size: 1.15rem; }
.fields { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; }
.fields div { display: contents; }
.fields dt { font-weight: 600; color: #52606d; }
.fields dd { margin: 0; }
.notice {
  padding: .6rem 1rem; border-left: 4px solid #2f6f8f; background: #eef5f8; font-weight: 600;
}
.strong { font-weight: 700; font-size: 1.05rem; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; }
th, td {
  padding: .45rem .5rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid #e4e7eb; overflow-wrap: anywhere;
}
thead th {
  border-bottom: 2px solid #9aa5b1; font-size: .9rem; color: #52606d;
  white-space: nowrap; overflow-wrap: normal;
}
td:nth-child(4) { white-space: nowrap; }
td:first-child { color: #7b8794; text-align: right; width: 2.5rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
tr.met td:nth-child(4) { font-weight: 700; }
tr.excluded td, tr.unanswered td:nth-child(4) { font-style: italic; }
.qa { padding-left: 2.25rem; }
.qa li { margin: 0 0 .75rem; }
.qa .q { margin: 0; }
.qa .a {
  margin: .15rem 0 0; padding-left: .6rem; border-left: 3px solid #9fb3c8; font-weight: 600;
}
.qa .a.missing {
  font-weight: 400; font-style: italic; color: #616e7c; border-left-color: #e4e7eb;
}
@media screen and (max-width: 36rem) {
  main { padding: 1rem .75rem 2rem; }
  .fields { grid-template-columns: 1fr; }
  .fields dd { margin-bottom: .4rem; }
  table, thead, tbody, tr, th, td { display: block; width: auto; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { padding: .5rem 0; border-bottom: 1px solid #cbd2d9; }
  td { border: 0; padding: .1rem 0; text-align: left; }
  td:first-child { width: auto; text-align: left; }
  td::before { content: attr(data-label) ": "; font-weight: 600; color: #52606d; }
}
@media print {
  @page { margin: 16mm 14mm; }
  body { font-size: 10.5pt; color: #000; background: #fff; }
  main { max-width: none; padding: 0; }
  .demo, .notice { background: #fff; color: #000; border-color: #000; }
  th, td, thead th, td:first-child { color: #000; border-color: #777; }
  thead { display: table-header-group; }
  tr, li, .fields, .demo, .notice { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .new-page { break-before: page; page-break-before: always; }
}
"""


def _h(text: str) -> str:
    """Bank or user text as HTML text: cleaned, escaped, its line breaks kept."""
    return html.escape(clean(text)).replace("\n", "<br>\n")


def _html_item(label: str, text: str) -> str:
    if label and text:
        return f"<li><strong>{_h(label)}:</strong> {_h(text)}</li>"
    return f"<li><strong>{_h(label)}</strong></li>" if label else f"<li>{_h(text)}</li>"


def _html_block(block: Block) -> Iterator[str]:
    if isinstance(block, Heading):
        cls = ' class="new-page"' if block.new_page else ""
        yield f"<h{block.level}{cls}>{_h(block.text)}</h{block.level}>"
    elif isinstance(block, Banner):
        text, detail = _h(block.text), _h(block.detail)
        yield f'<p class="demo" role="note"><strong>{text}</strong> {detail}</p>'
    elif isinstance(block, Fields):
        yield '<dl class="fields">'
        for label, value in block.rows:
            yield f"<div><dt>{_h(label)}</dt><dd>{_h(value)}</dd></div>"
        yield "</dl>"
    elif isinstance(block, Para):
        cls = f' class="{block.style}"' if block.style else ""
        yield f"<p{cls}>{_h(block.text)}</p>"
    elif isinstance(block, Items):
        tag = "ol" if block.numbered else "ul"
        yield f"<{tag}>"
        yield from (_html_item(item.label, item.text) for item in block.items)
        yield f"</{tag}>"
    elif isinstance(block, Table):
        yield from _html_table(block)
    else:
        yield f'<ol class="qa" start="{block.items[0].number}">'
        for qa in block.items:
            cls = "a" if qa.given else "a missing"
            yield f'<li><p class="q">{_h(qa.question)}</p><p class="{cls}">{_h(qa.answer)}</p></li>'
        yield "</ol>"


def _html_table(table: Table) -> Iterator[str]:
    yield "<table>"
    yield "<thead><tr>" + "".join(f'<th scope="col">{_h(c)}</th>' for c in table.columns)
    yield "</tr></thead>"
    yield "<tbody>"
    for n, row in enumerate(table.rows):
        cls = f' class="{html.escape(table.row_class[n])}"' if table.row_class else ""
        cells = []
        for i, (column, text) in enumerate(zip(table.columns, row, strict=True)):
            body = f"<code>{_h(text)}</code>" if i in table.code else _h(text)
            cells.append(f'<td data-label="{html.escape(clean(column))}">{body}</td>')
        yield f"<tr{cls}>{''.join(cells)}</tr>"
    yield "</tbody>"
    yield "</table>"


def html_page(doc: Document) -> str:
    title = f"DEMO: {doc.title}" if doc.demo else doc.title
    head = [
        "<!doctype html>",
        f'<html lang="{html.escape(clean(doc.language) or "en")}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title>",
        "<style>",
        STYLE.rstrip("\n"),
        "</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    body = [line for block in doc.blocks for line in _html_block(block)]
    return "\n".join([*head, *body, "</main>", "</body>", "</html>"]) + "\n"


WRITERS: dict[str, Callable[[Document], str]] = {
    "md": markdown,
    "html": html_page,
    "txt": plain_text,
}
