"""Write the built-in bank's prepared form, questions.prepared.jsonl, from its YAML files.

    python tools/prepared_bank.py          # after editing questions.yaml or a translation
    python tools/prepared_bank.py --check  # exit 1 if it is not what the YAML makes (tests)

The bank is read from questions.yaml in its own language and with each translation file laid
over it (questions.es.yaml), by the same reader as any bank; each is written as one line of
JSON, after a first line with the size and CRC-32 of every file read. A run uses the prepared
form only while those still match (screener/files/prepared.py), so an edited bank is never
shown from a stale copy; this keeps the copy in the repository and the wheel current. The same
YAML always gives the same bytes. Never merge the file by hand: run this again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screener import i18n  # noqa: E402
from screener.files import prepared  # noqa: E402
from screener.files.bank import load_bank  # noqa: E402

BANK = ROOT / prepared.BANK_FILE
PREPARED = ROOT / prepared.PREPARED_FILE


def make(bank_file: Path = BANK) -> tuple[str, list[str]]:
    """The prepared file's text for the bank in `bank_file` (read as YAML, never prepared),
    and the languages it holds."""
    with i18n.speaking(i18n.SOURCE):  # the bank's words do not depend on the program's
        own = load_bank(bank_file, language=i18n.SOURCE)
        banks = {own.language: own}
        for code in own.languages[1:]:
            banks[code] = load_bank(bank_file, language=code)
    files = prepared.sources(bank_file, own.languages[1:])
    return prepared.write_text(banks, files), list(banks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help=f"only check {PREPARED.name}")
    args = parser.parse_args(argv)
    text, languages = make()
    if args.check:
        current = PREPARED.read_text(encoding="utf-8") if PREPARED.exists() else ""
        if current != text:
            print(f"{PREPARED.name} is out of date: run python tools/prepared_bank.py")
            return 1
        return 0
    PREPARED.write_text(text, encoding="utf-8")
    print(f"wrote {PREPARED.name}: the bank in {', '.join(languages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
