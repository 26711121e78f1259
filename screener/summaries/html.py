"""The summary as one HTML page: one writer of the export registry (`screener.summaries.export`).

Bank and user text is data, never markup: it is cleaned (`clean`) and escaped. The page loads
nothing: no scripts, fonts, images or links, only inline CSS. Its `lang` is the bank's language,
the language its text is in. The program's words come translated from the report and the
catalog. Pure functions returning strings: no I/O.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import assert_never

from screener.core.model import Voice
from screener.core.results import Summary
from screener.core.safetext import clean
from screener.i18n import N_, SOURCE, _
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

DESCRIPTION = N_("an HTML summary")  # in "Saved an HTML summary to PATH"
SUFFIXES = (".html", ".htm")


VOICE: Voice = "summary"


def render(summary: Summary, notice: Notice) -> str:
    return write(build(summary, notice))


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
  border-bottom: 1px solid #e4e7eb; overflow-wrap: break-word;
}
thead th {
  border-bottom: 2px solid #9aa5b1; font-size: .9rem; color: #52606d;
  white-space: nowrap; overflow-wrap: normal;
}
td:nth-child(4) { white-space: nowrap; }
td:first-child { color: #7b8794; text-align: right; width: 2.5rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
td code { overflow-wrap: normal; }  /* an id stays whole on one line */
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
    elif isinstance(block, QAList):
        yield from _html_answers(block)
    else:
        assert_never(block)


def _html_answers(block: QAList) -> Iterator[str]:
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


def write(doc: Document) -> str:
    """The report as an HTML page."""
    title = _("DEMO: {title}").format(title=doc.title) if doc.demo else doc.title
    head = [
        "<!doctype html>",
        f'<html lang="{html.escape(clean(doc.language) or SOURCE)}">',
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
