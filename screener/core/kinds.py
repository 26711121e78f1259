"""One object per question kind: everything that differs between yes/no, scale, choice, multi
and text questions lives here, and the rest of the code asks `kind_of(q)`.

Each kind knows which conditions apply to it and where its options come from (for the bank
reader), how to read a typed reply and a value from an answers file, what a person types to give
a value (for the demo), how an answer reads and how to ask for one (plain text: the screen
adds the styling), and its FHIR: the item type, the value[x] keys it writes and reads, how an
answer and an enableWhen value are written, and the codes its answers go by. Adding a kind means
a new class here, an entry in `Kind` (model.py), and its tests; `kind_of` ends in
`assert_never`, so mypy names any place that was missed. Pure: no I/O, no Rich.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple, assert_never

from screener.core import typed
from screener.core.fhirnames import YES_NO_CODES, YES_NO_SYSTEM
from screener.core.model import NONE_OPTION, Kind, Option, Question, Value
from screener.core.safetext import clean, did_you_mean, one_line, show_value
from screener.i18n import _, pgettext

YES_WORDS = frozenset({"y", "yes"})
NO_WORDS = frozenset({"n", "no"})


def typed_yes() -> str:
    """The letter typed for yes in the language in use (y in English)."""
    return pgettext("typed answer", "y")


def typed_no() -> str:
    return pgettext("typed answer", "n")


def is_yes(typed: str) -> bool:
    """A typed line (lowercased) that means yes: at a yes/no question or any confirmation;
    the language's letter and word (s, sí or si in Spanish), and the English y and yes."""
    return typed in YES_WORDS or typed in _words(typed_yes(), pgettext("typed answer", "yes"))


def is_no(typed: str) -> bool:
    return typed in NO_WORDS or typed in _words(typed_no(), pgettext("typed answer", "no"))


def yes_or_no_anywhere(typed: str) -> bool | None:
    """What a typed line means at a prompt that offers a choice by Enter (a file name to take
    or type over): True for a yes, False for a no, in any language screener speaks and any
    letter case (y, yes, s, sí, si; n, no); None for anything else."""
    from screener import i18n

    low = typed.strip().lower()
    if not low:
        return None
    for code in (i18n.language(), *i18n.LANGUAGES):
        with i18n.speaking(code):
            if is_yes(low):
                return True
            if is_no(low):
                return False
    return None


def _words(*words: str) -> set[str]:
    """Typed words as a person may type them: also without accents (si for sí)."""
    return {w for word in words for w in (word, _plain(word))}


def _plain(word: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def command_keys() -> dict[str, str]:
    """The keys typed at a question, by what they do, in the language in use: b, s, ?, !, q
    and h in English. A translation picks letters that do not clash with its own letters for
    yes and no (Spanish types s for sí, so it skips with o)."""
    return {
        "back": pgettext("key: go back", "b"),
        "skip": pgettext("key: skip a question", "s"),
        "why": "?",
        "emergency": "!",
        "quit": pgettext("key: quit", "q"),
        "help": pgettext("key: list the keys", "h"),
    }


def unknown_key() -> str:
    """What is typed for "I don't know", at a question that takes it: d in English. Spanish
    types ns ("no sé", as NS marks it on Spanish-language survey forms): its d would mean
    nothing, and its n is no."""
    return pgettext("key: I don't know", "d")


def unknown_words() -> frozenset[str]:
    """Every way "I don't know" may be typed (lowercased): the key, the words with and without
    accents or apostrophe, and `unknown`, as an answers file stores it, in every language."""
    words = pgettext("typed words: I don't know", "don't know")
    return frozenset({unknown_key(), "unknown", *_words(words), *_words(words.replace("'", ""))})


def help_words() -> frozenset[str]:
    """Words that list the keys, besides the help key: "help" in every language."""
    return frozenset({"help", pgettext("typed word: list the keys", "help")})


# FHIR's value[x] keys for the answers screener writes and reads.
VALUE_BOOLEAN = "valueBoolean"
VALUE_CODING = "valueCoding"
VALUE_INTEGER = "valueInteger"
VALUE_STRING = "valueString"
_BOOLEAN_OR_CODING = (VALUE_BOOLEAN, VALUE_CODING)  # a yes/no that takes "I don't know"


class TypedAnswer(NamedTuple):
    """A typed line read as an answer: its value, or a hint saying what to type instead."""

    value: Value = None
    hint: str | None = None


class QuestionKind:
    """What every kind answers; the subclasses fill it in."""

    kind: ClassVar[Kind]
    ops: ClassVar[tuple[str, ...]]  # the condition operators that apply (bank `show_if` etc.)
    # Where the options come from: fixed (`fixed_options`), the question's own list, its
    # scale's, or none at all (written text, which cannot take "I don't know" either).
    fixed_options: ClassVar[tuple[Option, ...] | None] = None
    own_options: ClassVar[bool] = False
    on_scale: ClassVar[bool] = False
    written: ClassVar[bool] = False
    can_count: ClassVar[bool] = False  # may carry a criterion or a role (only yes/no)
    repeats: ClassVar[bool] = False
    # FHIR: the item type and value[x] key of a plain (not coded) answer; a coded kind answers
    # with Codings from answer options, and a choice item.
    fhir_type: ClassVar[str] = "choice"
    fhir_value: ClassVar[str] = VALUE_CODING
    fhir_accepts: ClassVar[tuple[str, ...]] = (VALUE_CODING,)  # value[x] keys read

    def read(self, q: Question, text: str) -> TypedAnswer:
        """A typed line (not empty, not a command) as an answer to `q`."""
        raise NotImplementedError

    def check(self, q: Question, value: object) -> tuple[Value, str | None]:
        """A value from an answers file as stored, or a message saying what `q` takes."""
        raise NotImplementedError

    def keys(self, q: Question, value: Value) -> str:
        """What a person types to give `value` (not None) to `q`: the inverse of `read`."""
        return str(value)

    def label(self, q: Question, value: Value) -> str:
        """How an answer (not None) reads to a person."""
        return clean(q.label_of(value))

    def choices(self, q: Question) -> list[str]:
        """The lines that list what can be answered, before the instruction."""
        return [f"  {i}  {clean(o.label)}" for i, o in enumerate(q.options, 1)]

    def instruction(self, q: Question) -> str:
        """How to answer, shown under the question."""
        raise NotImplementedError

    def word(self) -> str:
        """The kind's name where questions are listed (`screener questions`): "yes/no"."""
        raise NotImplementedError

    def expected(self, q: Question) -> str:
        """What to type, said again after a reply that did not fit."""
        raise NotImplementedError

    def retry(self, q: Question, problem: str) -> TypedAnswer:
        return TypedAnswer(hint=f"{problem} {self.expected(q)}")

    def fhir_values(self, value: Value) -> list[object]:
        """The FHIR answer values for a stored value (codes for the coded kinds)."""
        return [value]

    # --- FHIR ---------------------------------------------------------------------------

    def fhir_coded(self, q: Question) -> bool:
        """Whether `q` is answered with Codings from answer options (a choice item)."""
        return self.fhir_value == VALUE_CODING

    def fhir_item_type(self, q: Question) -> str:
        return "choice" if self.fhir_coded(q) else self.fhir_type

    def fhir_keys(self, q: Question) -> tuple[str, ...]:
        """The value[x] keys an answer to `q` may use in a QuestionnaireResponse."""
        return self.fhir_accepts

    def fhir_option_values(self, q: Question) -> tuple[Value, ...]:
        """The stored values a coded item offers as answer options, in order."""
        return tuple(o.value for o in q.options)

    def fhir_code(self, q: Question, value: object) -> tuple[str, str | None]:
        """The code of a stored value, and its code system when the kind fixes one (None: the
        code system of the question's own options or scale)."""
        return str(value), None

    def fhir_from_code(self, q: Question, code: str) -> Value:
        """The stored value a Coding's code names, or None when it names none."""
        return next((o.value for o in q.options if str(o.value) == code), None)

    def fhir_codes(self, q: Question) -> list[str]:
        """Every code an answer to `q` may give, for a message saying which."""
        return [str(o.value) for o in q.options]

    def fhir_read(self, q: Question, key: str, value: object) -> tuple[Value, str | None]:
        """A plain (not Coding) answer value given under `key`, one of `fhir_keys`, as stored,
        or a message saying what is wrong with it. This reads valueBoolean, valueString and
        valueInteger (an option's value); a kind that takes another key reads it itself."""
        if key == VALUE_BOOLEAN:
            if isinstance(value, bool):
                return value, None
            return None, _("expected true or false, got {value}").format(value=show_value(value))
        if key == VALUE_STRING:
            if isinstance(value, str):
                return value, None
            return None, _("expected text, got {value}").format(value=show_value(value))
        if isinstance(value, bool) or not isinstance(value, int):  # VALUE_INTEGER
            return None, _("expected a whole number, got {value}").format(value=show_value(value))
        if any(o.value == value and type(o.value) is int for o in q.options):
            return value, None
        codes = self.fhir_codes(q)
        return None, _("{value} is not an option of {id} ({codes}){hint}").format(
            value=show_value(value),
            id=q.id,
            codes=", ".join(codes),
            hint=did_you_mean(str(value), codes),
        )

    def fhir_answers(
        self, q: Question, value: Value, coding: Callable[[object], object]
    ) -> list[dict[str, Any]]:
        """The `answer` list of a QuestionnaireResponse item: empty when skipped;
        `coding(v)` makes the Coding of a stored value for a coded item."""
        if value is None:
            return []
        if self.fhir_coded(q):
            return [{VALUE_CODING: coding(v)} for v in self.fhir_values(value)]
        return [{self.fhir_value: v} for v in self.fhir_values(value)]

    def fhir_enable(
        self, q: Question, coding: Callable[[object], object]
    ) -> tuple[str, Callable[[object], object]]:
        """The enableWhen answer[x] key that tests `q`, and how a value is written in it."""
        key = VALUE_CODING if self.fhir_coded(q) else self.fhir_value
        answer = "answer" + key.removeprefix("value")  # valueBoolean -> answerBoolean
        return answer, (coding if self.fhir_coded(q) else _as_is)

    def fhirpath_test(self, q: Question, value: object, quote: Callable[[str], str]) -> str:
        """A FHIRPath test on one answer's `value` that it is `value`."""
        if self.fhir_coded(q):
            return f"value.code = {quote(self.fhir_code(q, value)[0])}"
        if self.fhir_value == VALUE_BOOLEAN:
            return f"value = {str(value).lower()}"
        return f"value = {quote(str(value))}"

    def takes(self, q: Question, want: object) -> bool:
        """Whether a condition may compare `q`'s answer with `want`."""
        return any(type(want) is type(o.value) and want == o.value for o in q.options)

    def __repr__(self) -> str:
        return f"<{self.kind.value} kind>"


def _as_is(value: object) -> object:
    return value


def _number(q: Question, value: object) -> int:
    for i, option in enumerate(q.options, 1):
        if str(option.value) == str(value):
            return i
    raise ValueError(
        _("{value} is not an option of {question}").format(value=show_value(value), question=q.id)
    )


def _short(text: str) -> str:
    shown = one_line(text, None)
    return shown if len(shown) <= 20 else shown[:19] + "…"


class YesNoKind(QuestionKind):
    kind = Kind.YES_NO
    ops = ("equals", "in")
    # The bank's own labels for the stored values, as a choice question's would be: a screen
    # shows an answer through `label`, in the person's language.
    fixed_options = (Option(True, "yes"), Option(False, "no"))
    can_count = True
    fhir_type = "boolean"
    fhir_value = VALUE_BOOLEAN
    fhir_accepts = (VALUE_BOOLEAN,)

    def fhir_coded(self, q: Question) -> bool:
        """A yes/no that takes "I don't know" is a choice of three (yes, no, don't know): a
        boolean item cannot offer a third answer."""
        return q.unknown

    def fhir_keys(self, q: Question) -> tuple[str, ...]:
        return _BOOLEAN_OR_CODING if q.unknown else self.fhir_accepts

    def fhir_option_values(self, q: Question) -> tuple[Value, ...]:
        return (True, False)

    def fhir_code(self, q: Question, value: object) -> tuple[str, str | None]:
        if isinstance(value, bool):  # HL7's Y and N (table 0136)
            return YES_NO_CODES[value], YES_NO_SYSTEM
        return str(value), None

    def fhir_from_code(self, q: Question, code: str) -> Value:
        return next((v for v, c in YES_NO_CODES.items() if c == code), None)

    def fhir_codes(self, q: Question) -> list[str]:
        return list(YES_NO_CODES.values())

    def fhirpath_test(self, q: Question, value: object, quote: Callable[[str], str]) -> str:
        if self.fhir_coded(q) and isinstance(value, bool):
            return f"value.code = {quote(YES_NO_CODES[value])}"
        return f"value = {str(value).lower()}"

    def read(self, q: Question, text: str) -> TypedAnswer:
        low = text.lower()
        if is_yes(low):
            return TypedAnswer(True)
        if is_no(low):
            return TypedAnswer(False)
        return self.retry(q, _("'{reply}' is not an answer here.").format(reply=_short(text)))

    def check(self, q: Question, value: object) -> tuple[Value, str | None]:
        if isinstance(value, bool):
            return value, None
        return None, _("expected true or false, got {value}").format(value=show_value(value))

    def keys(self, q: Question, value: Value) -> str:
        return typed_yes() if value else typed_no()

    def label(self, q: Question, value: Value) -> str:
        return _("yes") if value else _("no")

    def choices(self, q: Question) -> list[str]:
        return []

    def word(self) -> str:
        return pgettext("question kind", "yes/no")

    def instruction(self, q: Question) -> str:
        return _("Type {yes} for yes or {no} for no.").format(yes=typed_yes(), no=typed_no())

    def expected(self, q: Question) -> str:
        keys = command_keys()
        return _("Type {yes} or {no} (or {why} for why we ask, {help} for all keys).").format(
            yes=typed_yes(), no=typed_no(), why=keys["why"], help=keys["help"]
        )

    def takes(self, q: Question, want: object) -> bool:
        return isinstance(want, bool)


class ScaleKind(QuestionKind):
    kind = Kind.SCALE
    ops = ("equals", "in", "at_least")
    on_scale = True
    fhir_accepts = (VALUE_CODING, VALUE_INTEGER)

    def read(self, q: Question, text: str) -> TypedAnswer:
        allowed = [int(o.value) for o in q.options]
        value = typed.number(text, min(allowed, default=0), max(allowed, default=-1))
        if value is not None and value in allowed:
            return TypedAnswer(value)
        return self.retry(q, _("'{reply}' is not on the scale.").format(reply=_short(text)))

    def check(self, q: Question, value: object) -> tuple[Value, str | None]:
        allowed = [o.value for o in q.options]
        if isinstance(value, int) and not isinstance(value, bool) and value in allowed:
            return value, None
        return None, _("expected a whole number {low}-{high}, got {value}").format(
            low=min(allowed), high=max(allowed), value=show_value(value)
        )

    def label(self, q: Question, value: Value) -> str:
        return f"{value} ({clean(q.label_of(value))})"

    def choices(self, q: Question) -> list[str]:
        return [clean("   ".join(f"{o.value} {o.label}" for o in q.options))]

    def word(self) -> str:
        return pgettext("question kind", "scale")

    def instruction(self, q: Question) -> str:
        return self.expected(q)

    def expected(self, q: Question) -> str:
        low, high = q.options[0].value, q.options[-1].value
        return _("Type a number from {low} to {high}.").format(low=low, high=high)


class ChoiceKind(QuestionKind):
    kind = Kind.CHOICE
    ops = ("equals", "in")
    own_options = True

    def read(self, q: Question, text: str) -> TypedAnswer:
        chosen = typed.number(text, 1, len(q.options))
        if chosen is not None:
            return TypedAnswer(q.options[chosen - 1].value)
        return self.retry(q, _("'{reply}' is not one of the choices.").format(reply=_short(text)))

    def check(self, q: Question, value: object) -> tuple[Value, str | None]:
        values = [str(o.value) for o in q.options]
        if isinstance(value, str) and value in values:
            return value, None
        listed = ", ".join(values)
        if isinstance(value, bool):
            word = "yes" if value else "no"
            if word in values:
                return None, _(
                    "expected one of {values}, got {value} (YAML reads yes/no/on/off as "
                    'true/false: quote the value, like "{word}")'
                ).format(values=listed, value=show_value(value), word=word)
            return None, _(
                "expected one of {values}, got {value} (YAML reads yes/no/on/off as "
                "true/false: quote the value)"
            ).format(values=listed, value=show_value(value))
        hint = did_you_mean(value, values)
        return None, _("expected one of {values}, got {value}{hint}").format(
            values=listed, value=show_value(value), hint=hint
        )

    def keys(self, q: Question, value: Value) -> str:
        return str(_number(q, value))

    def word(self) -> str:
        return pgettext("question kind", "choice")

    def instruction(self, q: Question) -> str:
        return _("Type one number.")

    def expected(self, q: Question) -> str:
        return _("Type a number from 1 to {count}.").format(count=len(q.options))


class MultiKind(QuestionKind):
    kind = Kind.MULTI
    ops = ("contains", "at_least")
    own_options = True
    repeats = True

    def read(self, q: Question, text: str) -> TypedAnswer:
        chosen = typed.numbers(text, 1, len(q.options))
        if chosen is not None:
            picked = set(chosen)
            value = tuple(str(o.value) for i, o in enumerate(q.options, 1) if i in picked)
            if NONE_OPTION in value and len(value) > 1:
                return TypedAnswer(
                    hint=_("'None' cannot go with other choices. Type it alone, or leave it out.")
                )
            return TypedAnswer(value)
        return self.retry(q, _("'{reply}' is not a list of choices.").format(reply=_short(text)))

    def check(self, q: Question, value: object) -> tuple[Value, str | None]:
        values = [str(o.value) for o in q.options]
        listed = ", ".join(values)
        if not isinstance(value, list | tuple):
            return None, _("expected a list of {values}, got {value}").format(
                values=listed, value=show_value(value)
            )
        bad = [v for v in value if not isinstance(v, str) or v not in values]
        if bad:
            return None, _("{value} is not one of {values}{hint}").format(
                value=show_value(bad[0]), values=listed, hint=did_you_mean(bad[0], values)
            )
        if len(set(value)) != len(value):
            return None, _("lists the same option twice")
        if NONE_OPTION in value and len(value) > 1:
            return None, _("{none} cannot be listed with other options").format(
                none=show_value(NONE_OPTION)
            )
        return tuple(v for v in values if v in value), None

    def keys(self, q: Question, value: Value) -> str:
        picked = value if isinstance(value, tuple) else (value,)
        return " ".join(str(_number(q, v)) for v in picked)

    def label(self, q: Question, value: Value) -> str:
        if isinstance(value, tuple):
            return ", ".join(clean(q.label_of(v)) for v in value) if value else _("none of these")
        return clean(q.label_of(value))

    def word(self) -> str:
        return pgettext("question kind", "multi")

    def instruction(self, q: Question) -> str:
        return _("Type the numbers of all that apply, separated by spaces (like 1 3).")

    def expected(self, q: Question) -> str:
        return _("Type one or more numbers from 1 to {count}, like 1 3.").format(
            count=len(q.options)
        )

    def fhir_values(self, value: Value) -> list[object]:
        return list(value) if isinstance(value, tuple) else [value]


class TextKind(QuestionKind):
    kind = Kind.TEXT
    ops = ("equals", "in")
    written = True
    fhir_type = "string"
    fhir_value = VALUE_STRING
    fhir_accepts = (VALUE_STRING,)

    def read(self, q: Question, text: str) -> TypedAnswer:
        if len(text) > MAX_TEXT_ANSWER:
            return TypedAnswer(hint=_too_long_answer(len(text)))
        return TypedAnswer(_as_typed(text))

    def check(self, q: Question, value: object) -> tuple[Value, str | None]:
        if isinstance(value, str) and len(value) > MAX_TEXT_ANSWER:
            return None, _too_long_answer(len(value))
        if isinstance(value, str):
            return clean(value), None  # it reaches screens, summaries and CSV cells
        return None, _("expected text, got {value}").format(value=show_value(value))

    def label(self, q: Question, value: Value) -> str:
        return clean(str(value))

    def choices(self, q: Question) -> list[str]:
        return []

    def word(self) -> str:
        return pgettext("question kind", "text")

    def instruction(self, q: Question) -> str:
        return _("Type your answer, or {skip} to skip.").format(skip=command_keys()["skip"])

    def expected(self, q: Question) -> str:
        return _("Type your answer.")

    def takes(self, q: Question, want: object) -> bool:
        return isinstance(want, str)


# The longest written answer: a few paragraphs. A summary holds each answer several times
# (the answer, the FHIR narrative, escaped), and every summary must stay small enough for
# screener to read back (docs/files.md).
MAX_TEXT_ANSWER = 2000


def _too_long_answer(length: int) -> str:
    return _("expected text of at most {limit} characters, got {n}").format(
        limit=f"{MAX_TEXT_ANSWER:,}", n=f"{length:,}"
    )


def _as_typed(text: str) -> str:
    """A written answer as the person meant it. Bytes the locale could not read arrive as lone
    surrogates (`surrogateescape`): read them again as UTF-8, the usual terminal's encoding,
    and anything still unreadable as U+FFFD, so that a summary can always be saved."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that no byte stands for
        return text.encode("utf-8", "replace").decode("utf-8")


_KINDS: dict[Kind, QuestionKind] = {}


def kind_of(q: Question | Kind) -> QuestionKind:
    """The object for a question's kind (or for a kind)."""
    kind = q if isinstance(q, Kind) else q.kind
    found = _KINDS.get(kind)
    if found is None:
        found = _KINDS[kind] = _make(kind)
    return found


def _make(kind: Kind) -> QuestionKind:
    match kind:
        case Kind.YES_NO:
            return YesNoKind()
        case Kind.SCALE:
            return ScaleKind()
        case Kind.CHOICE:
            return ChoiceKind()
        case Kind.MULTI:
            return MultiKind()
        case Kind.TEXT:
            return TextKind()
        case _:
            assert_never(kind)


def fhir_answer(q: Question, value: Value, coding: Any) -> list[dict[str, Any]]:
    """The `answer` list of a QuestionnaireResponse item: empty when skipped; `coding(v)`
    makes a Coding for a coded kind."""
    return kind_of(q).fhir_answers(q, value, coding)
