"""A bank's translation file: what it still lacks, what has changed since it was written, and
its marks of the English each text was translated from.

    python tools/bank_translation.py es              # the default bank: what needs translating
    python tools/bank_translation.py es --mark       # after checking: mark every text as current
    python tools/bank_translation.py es --bank B     # another bank (B.es.yaml beside it)

The status lists each text the translation lacks and each text whose English has changed since
it was translated, with its English (`screener validate` warns of the same at their lines).
`--mark` rewrites the `translated_from:` block at the end of the translation file: one
fingerprint of the current English for every text the file translates. Run it only once every
listed text has been checked; the translations themselves are never touched.
Standard library and screener only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screener import i18n  # noqa: E402
from screener.files import bank_language, yamlsrc  # noqa: E402
from screener.files.bank import default_path, load_bank  # noqa: E402

HEADER = """\
# The English each text above was translated from, as a fingerprint: `screener validate` warns
# when the English has changed since. Written by tools/bank_translation.py --mark, after the
# translations were checked; do not edit by hand.
"""


def translation_file(bank_path: Path, language: str) -> Path:
    return bank_path.with_name(bank_language.file_name(bank_path.name, language))


def without_marks(text: str) -> str:
    """The translation file's text up to its `translated_from:` block (and that block's
    comment)."""
    cut = text.find(HEADER)
    if cut < 0:
        found = text.find(f"\n{bank_language.MARKS}:")
        cut = found + 1 if found >= 0 else len(text)
    return text[:cut].rstrip("\n") + "\n"


def overlay(
    bank_path: Path, language: str, text: str | None = None
) -> tuple[bank_language.Overlay, Path]:
    load_bank(bank_path, "en")  # the bank itself must be valid first
    base = yamlsrc.load(bank_path.read_text(encoding="utf-8"))
    where = translation_file(bank_path, language)
    doc = yamlsrc.load(where.read_text(encoding="utf-8") if text is None else text)
    bank_id = str(base.data.get("id"))
    found = bank_language.Overlay(
        base.data,
        language,
        str(where),
        doc,
        bank_id,
        own_codes=i18n.TEXT_CODES.get(language, frozenset()),  # as the loader checks it
    )
    found.apply()
    return found, where


def english(bank_path: Path, path: yamlsrc.Path) -> str:
    data = yamlsrc.load(bank_path.read_text(encoding="utf-8")).data
    for part in path:
        data = data[part]
    return " ".join(str(data).split())


def status(bank_path: Path, language: str) -> int:
    found, _where = overlay(bank_path, language)
    for problem in found.problems.lines():
        print(problem)
    for title, items in (("Not translated", found.missing), ("Changed since", found.stale)):
        print(f"{title} ({len(items)}):")
        for path, place in items:
            print(f"  {place}\n      {english(bank_path, path)}")
    return 1 if found.problems or found.missing or found.stale else 0


def mark(bank_path: Path, language: str) -> int:
    text = without_marks(translation_file(bank_path, language).read_text(encoding="utf-8"))
    found, where = overlay(bank_path, language, text)
    if found.problems:
        print("\n".join(found.problems.lines()))
        return 1
    lines = [f'  {place}: "{mark}"' for place, mark in found.translated.items()]
    block = HEADER + f"{bank_language.MARKS}:\n" + "\n".join(lines) + "\n"
    where.write_text(text + "\n" + block, encoding="utf-8")
    print(f"{where}: {len(lines)} texts marked")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language", help="the translation's language, like es")
    parser.add_argument("--bank", type=Path, default=None, help="the bank (default: built-in)")
    parser.add_argument("--mark", action="store_true", help="mark every text as current")
    args = parser.parse_args(argv)
    bank_path = args.bank or default_path()
    return (mark if args.mark else status)(bank_path, args.language)


if __name__ == "__main__":
    sys.exit(main())
