"""The message catalogs: the template is what the code says, and every catalog is complete."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import string
import struct
import sys
from pathlib import Path

import pytest

from screener import i18n

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import catalog  # tools/ is not a package

CATALOGS = sorted(i18n.LOCALE_DIR.glob("*/LC_MESSAGES/screener.po"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_template_is_what_the_code_says() -> None:
    expected = catalog.template(catalog.extract())
    assert catalog.POT.read_text(encoding="utf-8") == expected, (
        "screener/locale/screener.pot is out of date: run python tools/catalog.py"
    )


def test_every_message_is_valid_format_text() -> None:
    for message in catalog.extract().values():
        for text in (message.msgid, message.plural or ""):
            fields(text)  # raises ValueError on a stray brace


@pytest.mark.parametrize("po", CATALOGS, ids=[p.parts[-3] for p in CATALOGS])
def test_a_catalog_translates_every_message_with_the_same_placeholders(po: Path) -> None:
    entries = i18n.parse_po(po.read_text(encoding="utf-8"))
    missing = []
    for m in catalog.extract().values():
        key = m.msgid if m.plural is None else f"{m.msgid}\0{m.plural}"
        if m.context is not None:
            key = f"{m.context}\x04{key}"
        done = entries.get(key, "")
        if not done or any(not form for form in done.split("\0")):
            missing.append(m.msgid)
            continue
        for form in done.split("\0"):
            assert fields(form) <= fields(m.msgid) | fields(m.plural or ""), (m.msgid, form)
    assert not missing, f"{po}: {len(missing)} untranslated, first: {missing[0]!r}"


def compile_po(po_text: str) -> bytes:
    """A `.po` catalog as the bytes of a `.mo` file (GNU gettext's binary form), as msgfmt
    writes it: gettext's own reader of them is the oracle for i18n.Catalog."""
    entries = {key: value for key, value in i18n.parse_po(po_text).items() if value}
    keys = sorted(entries)
    ids = b""
    strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        k, v = key.encode("utf-8"), entries[key].encode("utf-8")
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    n = len(keys)
    start = 7 * 4 + 16 * n
    id_table = b"".join(struct.pack("<II", length, start + o) for o, length, _, _ in offsets)
    str_base = start + len(ids)
    str_table = b"".join(struct.pack("<II", length, str_base + o) for _, _, o, length in offsets)
    header = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return header + id_table + str_table + ids + strs


def test_the_catalog_answers_as_gettext_answers_from_a_compiled_mo() -> None:
    from test_pseudo_locale import pseudo_po

    po = pseudo_po().replace(
        "nplurals=2; plural=(n != 1)", "nplurals=3; plural=(n==1 ? 0 : n<5 ? 1 : 2)"
    )
    po = po.replace("msgstr[1] ", 'msgstr[2] "x"\nmsgstr[1] ')
    ours = i18n.load(po)
    theirs = gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    for key in i18n.parse_po(po):
        if not key:
            continue
        context, _, msgid = key.rpartition("\x04")
        if "\0" in msgid:
            one, many = msgid.split("\0")
            for n in (0, 1, 2, 4, 5, 11):
                assert ours.ngettext(one, many, n) == theirs.ngettext(one, many, n)
        elif context:
            assert ours.pgettext(context, msgid) == theirs.pgettext(context, msgid)
        else:
            assert ours.gettext(msgid) == theirs.gettext(msgid)
    assert ours.gettext("not in the catalog") == "not in the catalog"
    assert ours.ngettext("a file", "files", 3) == "files"


def test_a_po_catalog_reads_as_gettext_reads_it() -> None:
    po = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "{n} file"\nmsgid_plural "{n} files"\n'
        'msgstr[0] "{n} archivo"\nmsgstr[1] "{n} archivos"\n\n'
        'msgctxt "typed answer"\nmsgid "y"\nmsgstr "s"\n\n'
        '#, fuzzy\nmsgid "Skip"\nmsgstr "Omitir"\n\n'
        'msgid "Two\\n"\n"lines"\nmsgstr "Dos\\n"\n"líneas"\n'
    )
    t = i18n.load(po)
    assert t.ngettext("{n} file", "{n} files", 1) == "{n} archivo"
    assert t.ngettext("{n} file", "{n} files", 5) == "{n} archivos"
    assert t.pgettext("typed answer", "y") == "s"
    assert t.gettext("Skip") == "Skip"  # fuzzy entries are not used, as msgfmt leaves them out
    assert t.gettext("Two\nlines") == "Dos\nlíneas"


def test_english_loads_no_catalog() -> None:
    i18n.use("en")
    assert i18n._("Type one number.") == "Type one number."
    assert re.fullmatch(r"1 of 10 files?", i18n.ngettext("1 of 10 file", "1 of 10 files", 1))


@pytest.mark.parametrize("po", CATALOGS, ids=[p.parts[-3] for p in CATALOGS])
def test_the_prepared_entries_are_the_catalogs_own(po: Path) -> None:
    assert po.with_suffix(".json").read_text(encoding="utf-8") == catalog.prepared(po), (
        f"{po.with_suffix('.json')} is out of date: run python tools/catalog.py"
    )
    from_po = i18n.load(po.read_text(encoding="utf-8"))
    ready = i18n.read_catalog(po.parts[-3])
    assert ready._catalog == from_po._catalog
    assert ready._plurals == from_po._plurals
    assert [ready._plural(n) for n in range(5)] == [from_po._plural(n) for n in range(5)]


def test_an_edited_catalog_is_read_from_its_po(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = i18n.catalog_path("es")
    po = folder / source.name
    text = source.read_text(encoding="utf-8")
    shutil.copy(i18n.prepared_path("es"), folder / "screener.json")
    msgid = 'msgid "Error: {message}"\nmsgstr "'
    assert msgid in text
    po.write_text(text.replace(msgid, msgid + "Cambiado: "), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.read_catalog("es").gettext("Error: {message}").startswith("Cambiado: ")
    (folder / "screener.json").write_text("{not json", encoding="utf-8")
    assert i18n.read_catalog("es").gettext("Error: {message}").startswith("Cambiado: ")


class TestPartialCatalogs:
    """A plural a catalog lacks, or has left empty, reads as its English form: never blank."""

    ONE = (
        "{n} text of the question bank has no {language} translation yet, so it is shown in "
        "{own} (screener validate lists it)"
    )
    MANY = (
        "{n} texts of the question bank have no {language} translation yet, so they are shown "
        "in {own} (screener validate lists them)"
    )

    def spanish_with(self, forms: list[str]) -> i18n.Catalog:
        """The Spanish catalog with the untranslated-texts warning's forms replaced."""
        text = i18n.catalog_path("es").read_text(encoding="utf-8")
        head = f"msgid {catalog.quote(self.ONE)}\nmsgid_plural {catalog.quote(self.MANY)}\n"
        start = text.index(head) + len(head)
        end = text.index("\n\n", start)
        new = "\n".join(f"msgstr[{i}] {catalog.quote(form)}" for i, form in enumerate(forms))
        return i18n.load(text[:start] + new + text[end:])

    @pytest.mark.parametrize("forms", [["", ""], [""], ["{n} texto del banco sin traducir", ""]])
    def test_an_empty_plural_form_is_the_english_form(self, forms: list[str]) -> None:
        spanish = self.spanish_with(forms)
        for n in (1, 3):
            said = spanish.ngettext(self.ONE, self.MANY, n)
            assert said, n
            index = 0 if n == 1 else 1
            if index < len(forms) and forms[index]:
                assert said == forms[index]
            else:
                assert said == (self.ONE if n == 1 else self.MANY)

    def test_the_warning_reads_in_english_rather_than_blank(self) -> None:
        i18n.install(self.spanish_with(["", ""]), "es")
        try:
            said = i18n.ngettext(self.ONE, self.MANY, 2).format(n=2, language="x", own="y")
        finally:
            i18n.use("en")
        assert said.startswith("2 texts of the question bank have no x translation yet")

    def test_a_plural_with_a_context_falls_back_the_same_way(self) -> None:
        po = (
            'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            'msgctxt "files"\nmsgid "{n} file"\nmsgid_plural "{n} files"\n'
            'msgstr[0] "{n} archivo"\nmsgstr[1] ""\n'
        )
        t = i18n.load(po)
        assert t.npgettext("files", "{n} file", "{n} files", 1) == "{n} archivo"
        assert t.npgettext("files", "{n} file", "{n} files", 4) == "{n} files"
        assert t.npgettext("other", "{n} file", "{n} files", 4) == "{n} files"
        i18n.install(t, "es")
        try:
            assert i18n.npgettext("files", "{n} file", "{n} files", 4) == "{n} files"
        finally:
            i18n.use("en")
