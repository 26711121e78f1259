"""Rebuild the message template, screener/locale/screener.pot, from the code; update catalogs.

Every `_("...")`, `N_("...")`, `ngettext("...", "...", n)`, `pgettext("ctx", "...")` (and
`Np_`, `npgettext`) call in the package with literal strings is a message; so is each
catalog's name for its language in English (i18n.ENGLISH_NAME), for every catalog to
translate. Run after changing the program's words:

    python tools/catalog.py          # write screener.pot, merge it into every LANG/.../screener.po
    python tools/catalog.py --check  # exit 1 if screener.pot is not what the code says (tests)

Each catalog's entries are also written beside it as JSON (screener.json), which a run reads
instead of parsing the `.po` while the `.po` is unchanged; after editing a `.po` by hand (or in
Poedit), run this again, or the `.po` is parsed at each run, as it always was.

Merging keeps each catalog's translations, adds new messages untranslated and drops the ones
the code no longer has, as `msgmerge` would. Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "screener"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "screener.pot"
CALLS = {
    "_": 1,
    "N_": 1,
    "gettext": 1,
    "ngettext": 2,
    "N_plural": 2,
    "pgettext": 2,
    "Np_": 2,
    "npgettext": 3,
}
HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: screener\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
)


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    context: str | None = None
    places: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.context, self.msgid


def extract(package: Path = PACKAGE) -> dict[tuple[str | None, str], Message]:
    """Every message: the package's code's, in order of first use, then each language's name
    in English from its catalog (`language_names`)."""
    found = in_code(package)
    for key, message in language_names(package / "locale").items():
        if key in found:
            found[key].places += [p for p in message.places if p not in found[key].places]
        else:
            found[key] = message
    return found


def in_code(package: Path = PACKAGE) -> dict[tuple[str | None, str], Message]:
    """Every message in the package's code, in order of first use."""
    found: dict[tuple[str | None, str], Message] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            if name not in CALLS or len(node.args) < CALLS[name]:
                continue
            strings = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            if any(not isinstance(s, str) for s in strings[: CALLS[name]]):
                continue  # a variable: the message itself is marked where it is written
            if name in ("pgettext", "Np_"):
                message = Message(str(strings[1]), context=str(strings[0]))
            elif name == "npgettext":
                message = Message(str(strings[1]), plural=str(strings[2]), context=str(strings[0]))
            elif name in ("ngettext", "N_plural"):
                message = Message(str(strings[0]), plural=str(strings[1]))
            else:
                message = Message(str(strings[0]))
            # The file, not the line: a line number would change the template at every edit.
            place = str(path.relative_to(package.parent))
            places = found.setdefault(message.key, message).places
            if place not in places:
                places.append(place)
    return found


def language_names(locale: Path = LOCALE) -> dict[tuple[str | None, str], Message]:
    """Each catalog's language named in English, as its own catalog says (i18n.ENGLISH_NAME):
    a message of every catalog, so that each can name every other language in its words."""
    sys.path.insert(0, str(ROOT))
    from screener.i18n import ENGLISH_NAME, parse_po

    found: dict[tuple[str | None, str], Message] = {}
    key = "\x04".join(ENGLISH_NAME)
    for po in sorted(locale.glob("*/LC_MESSAGES/screener.po")):
        name = parse_po(po.read_text(encoding="utf-8")).get(key)
        if name:
            place = str(po.parent.parent.relative_to(locale.parent.parent))
            found.setdefault((None, name), Message(name)).places.append(place)
    return found


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in escaped or (escaped.endswith("\n") and escaped.count("\n") == 1):
        return '"' + escaped.replace("\n", "\\n") + '"'
    lines = escaped.split("\n")
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def entry(message: Message, translation: list[str] | None = None, pot: bool = True) -> str:
    out = [f"#: {' '.join(message.places)}"] if pot or message.places else []
    if "{" in message.msgid or "{" in (message.plural or ""):
        out.append("#, python-brace-format")
    if message.context is not None:
        out.append(f"msgctxt {quote(message.context)}")
    out.append(f"msgid {quote(message.msgid)}")
    if message.plural is not None:
        out.append(f"msgid_plural {quote(message.plural)}")
        forms = translation or ["", ""]
        out.extend(f"msgstr[{i}] {quote(form)}" for i, form in enumerate(forms))
    else:
        out.append(f"msgstr {quote(translation[0] if translation else '')}")
    return "\n".join(out) + "\n"


def template(messages: dict[tuple[str | None, str], Message]) -> str:
    return HEADER + "".join("\n" + entry(m) for m in messages.values())


def merge(po_path: Path, messages: dict[tuple[str | None, str], Message]) -> None:
    """Bring a catalog up to the template, keeping its header and translations."""
    sys.path.insert(0, str(ROOT))
    from screener.i18n import parse_po

    text = po_path.read_text(encoding="utf-8")
    known = parse_po(text)
    header_end = text.find("\n\n")
    header = text[: header_end + 1] if header_end > 0 else HEADER
    parts = [header]
    for m in messages.values():
        key = m.msgid if m.plural is None else f"{m.msgid}\0{m.plural}"
        if m.context is not None:
            key = f"{m.context}\x04{key}"
        done = known.get(key)
        parts.append("\n" + entry(m, done.split("\0") if done else None))
    po_path.write_text("".join(parts), encoding="utf-8")


def prepared(po_path: Path) -> str:
    """The catalog's entries as a run reads them without parsing the `.po` (screener.json
    beside it, used only while the `.po` is the one it was made from)."""
    sys.path.insert(0, str(ROOT))
    from screener.i18n import prepared_text

    return prepared_text(po_path.read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check screener.pot")
    args = parser.parse_args()
    found = extract()
    text = template(found)
    if args.check:
        current = POT.read_text(encoding="utf-8") if POT.exists() else ""
        if current != text:
            print(f"{POT.relative_to(ROOT)} is out of date: run python tools/catalog.py")
            return 1
        for po in sorted(LOCALE.glob("*/LC_MESSAGES/screener.po")):
            ready = po.with_suffix(".json")
            if not ready.exists() or ready.read_text("utf-8") != prepared(po):
                print(f"{ready.relative_to(ROOT)} is out of date: run python tools/catalog.py")
                return 1
        return 0
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_text(text, encoding="utf-8")
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/screener.po")):
        merge(po, found)
        po.with_suffix(".json").write_text(prepared(po), encoding="utf-8")
    print(f"{len(found)} messages in {POT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
