"""Which language a run speaks: `--lang` anywhere on the command line, else the locale
variables in gettext's order; and the keys each language types."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from screener import i18n
from screener.cli import app, main
from screener.core.kinds import command_keys, is_no, is_yes, typed_no, typed_yes


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield
    i18n.use("en")


class TestLocaleNames:
    """A locale name means a language screener speaks, or nothing."""

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("en_US.UTF-8", "en"),
            ("en", "en"),
            ("EN_gb", "en"),
            ("C", None),
            ("C.UTF-8", None),
            ("POSIX", None),
            ("fr_FR.UTF-8", None),
            ("", None),
        ],
    )
    def test_a_locale_name_is_read_as_its_language(self, name: str, expected: str | None) -> None:
        assert i18n.known(name) == expected

    def test_spanish_locales_of_every_shape_mean_spanish(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(i18n, "LANGUAGES", ("en", "es"))
        for name in ("es_US.UTF-8", "es_MX", "es", "es-419", "es_ES@euro", "ES_us.utf8"):
            assert i18n.known(name) == "es", name


class TestEnvironment:
    """LANGUAGE, LC_ALL, LC_MESSAGES, LANG: the first one set decides, as gettext reads them."""

    @pytest.fixture(autouse=True)
    def spanish_known(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(i18n, "LANGUAGES", ("en", "es"))

    @pytest.mark.parametrize(
        ("environ", "expected"),
        [
            ({}, "en"),
            ({"LANG": "es_US.UTF-8"}, "es"),
            ({"LANG": "es_MX"}, "es"),
            ({"LANG": "es"}, "es"),
            ({"LANG": "C.UTF-8"}, "en"),
            ({"LC_MESSAGES": "es_MX.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
            ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "es_MX.UTF-8"}, "en"),
            ({"LC_ALL": "es_MX.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
            ({"LANGUAGE": "es_MX:es:en", "LC_ALL": "en_US.UTF-8"}, "es"),
            ({"LANGUAGE": "fr:es", "LANG": "en_US.UTF-8"}, "es"),
            ({"LANGUAGE": "fr", "LANG": "es_MX.UTF-8"}, "en"),  # LANGUAGE set decides
            ({"LANGUAGE": "", "LC_ALL": "", "LANG": "es_MX.UTF-8"}, "es"),  # empty is unset
        ],
    )
    def test_the_first_variable_set_decides(self, environ: dict[str, str], expected: str) -> None:
        assert i18n.from_environment(environ) == expected

    @pytest.mark.parametrize(
        ("args", "expected"),
        [
            (["--lang", "es"], "es"),
            (["run", "--lang=es"], "es"),
            (["score", "a.yaml", "--lang", "en", "--json"], "en"),
            (["--lang", "es", "--lang", "en"], "en"),  # the last one, as for any option
            (["--lang", "fr"], None),  # the command line says what is wrong with it
            (["--lang", "es", "run", "--lang", "fr"], "es"),  # ... in the language it can
            (["score", "--", "--lang", "es"], None),  # a file called --lang
            (["--lang"], None),
        ],
    )
    def test_lang_on_the_command_line(self, args: list[str], expected: str | None) -> None:
        assert i18n.from_arguments(args) == expected

    def test_the_command_line_wins_over_the_locale(self) -> None:
        assert i18n.choose(["--lang", "en"], {"LANG": "es_MX.UTF-8"}) == "en"
        assert i18n.choose(["run"], {"LANG": "es_MX.UTF-8"}) == "es"


class TestLangOption:
    """`--lang` is an option of every command, and of screener itself before the command."""

    @pytest.mark.parametrize(
        "command", ["run", "score", "questions", "validate", "demo", "explain"]
    )
    def test_every_command_lists_lang_in_its_help(self, command: str) -> None:
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "--lang" in result.stdout

    def test_a_language_screener_does_not_speak_is_a_usage_error(self) -> None:
        result = CliRunner().invoke(app, ["validate", "--lang", "xx"])
        assert result.exit_code == 2
        assert "'xx' is not a language screener speaks; use " in result.stderr

    def test_lang_before_the_command_still_names_the_command(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit) as done:
            main(["--lang", "en", "validate"])
        assert done.value.code == 0
        assert ": OK: bank oud-self-screen" in capsys.readouterr().out

    def test_lang_alone_starts_the_screening(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as done:
            main(["--lang=en", "--answers", "/nonexistent/answers.yaml"])
        assert done.value.code == 4  # `run`, which read --answers
        assert "no such answers file" in capsys.readouterr().err


class TestKeys:
    """The keys a person types: none stands for two things in any language."""

    @pytest.mark.parametrize("language", i18n.LANGUAGES)
    def test_no_key_means_two_things(self, language: str) -> None:
        i18n.use(language)
        keys = list(command_keys().values())
        typed = [*keys, typed_yes(), typed_no()]
        assert len(set(typed)) == len(typed), typed

    def test_yes_and_no_read_in_english_whatever_the_language(self) -> None:
        assert is_yes("y") and is_yes("yes") and is_no("n") and is_no("no")
        assert not is_yes("s") and not is_no("")
