"""The documentation a person finds: the README stays short and keeps the test command, every
relative link in it and in docs/ leads to a file that exists, and the JSON contract lists every id
of the built-in bank."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from screener.core.model import Bank

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]

# [text](target) and [text]: target, outside code spans and fenced blocks.
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:, ...


def prose(text: str) -> str:
    """`text` without fenced code blocks and code spans, where brackets are not links."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def relative_links(page: Path) -> list[str]:
    text = prose(page.read_text(encoding="utf-8"))
    found = INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)
    return [t for t in found if not EXTERNAL.match(t) and not t.startswith("#")]


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes of a page's headings."""
    out = set()
    for line in prose(page.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            words = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            out.add(words.replace(" ", "-"))
    return out


def test_there_are_pages_to_check() -> None:
    assert len(DOCS) >= 10
    assert relative_links(README) and relative_links(ROOT / "docs" / "README.md")


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_every_relative_link_points_to_an_existing_file(page: Path) -> None:
    broken = []
    for target in relative_links(page):
        path, _, anchor = unquote(target).partition("#")
        where = (page.parent / path).resolve()
        if not where.exists():
            broken.append(f"{target}: no such file")
        elif anchor and where.suffix == ".md" and anchor not in anchors(where):
            broken.append(f"{target}: no heading #{anchor} in {where.name}")
    assert broken == []


def test_every_page_in_docs_is_linked_from_the_readme_or_the_docs_index() -> None:
    linked = {
        (page.parent / t.partition("#")[0]).resolve()
        for page in (README, ROOT / "docs" / "README.md")
        for t in relative_links(page)
    }
    assert [p.name for p in DOCS if p.resolve() not in linked and p.name != "README.md"] == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n[ok](page.md) [gone](missing.md) [anchor](page.md#nowhere) "
        "`[code](not-a-link.md)` [web](https://example.org)\n",
        encoding="utf-8",
    )
    assert relative_links(page) == ["page.md", "missing.md", "page.md#nowhere"]
    assert anchors(page) == {"title"}


def test_the_readme_is_short_and_keeps_the_test_command_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    after = text.split("<!-- test-command -->\n", 1)[1].splitlines()
    assert after[0] == "```sh"
    assert after[1] == (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest"
    )


def test_the_readme_says_it_is_a_screening_and_gives_the_emergency_lines() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    for words in (
        "It is a screening, not a diagnosis",
        "Nothing is sent anywhere",
        "call 911",
        "1-800-662-4357",
        "988",
        "screener --lang es",
    ):
        assert words in text, words


def test_the_json_page_lists_every_id_of_the_built_in_bank(bank: Bank) -> None:
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`([^`\s]+)`", text))
    ids = {
        *bank.perspectives,
        *bank.criteria,
        *(f.id for f in bank.flags),
        *(r.id for r in bank.referrals),
        *(c.id for c in bank.caveats),
        *(h.id for h in bank.helplines),
        *(q.id for q in bank.questions),
        *(str(o.value) for q in bank.questions for o in q.options if isinstance(o.value, str)),
    }
    assert sorted(ids - listed) == []


@pytest.mark.parametrize("page", ["README.md", "docs/exit-codes.md"])
def test_the_exit_code_tables_hold_every_code_screener_uses_and_no_other(page: str) -> None:
    from screener.errors import ExitCode

    text = (ROOT / page).read_text(encoding="utf-8")
    table = text.split("| code | meaning |", 1)[1].split("\n\n", 1)[0]
    rows = [int(n) for n in re.findall(r"^\| (\d+) \|", table, re.M)]
    assert rows == sorted(code.value for code in ExitCode)


def test_the_demo_page_lists_every_built_in_persona(bank: Bank) -> None:
    from screener.files.personas import load_personas

    text = (ROOT / "docs" / "demo.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z][a-z0-9_-]*)` \|", text, re.M)
    assert sorted(rows) == sorted(p.name for p in load_personas(None, bank))
