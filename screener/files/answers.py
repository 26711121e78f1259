"""Read, check and build answers files (`screener-answers/1`); never prints, never scores.

The same format serves prefill (`run --answers`), scoring (`score FILE`) and, later, export and
resume, so a file written by one can be read by the others. A FHIR QuestionnaireResponse is
read wherever an answers file is: `parse_answers` hands it to `screener.files.fhirin`.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

from screener import i18n
from screener.core.kinds import kind_of
from screener.core.model import NONE_OPTION, UNKNOWN, Bank, Kind, Question, Role, Value
from screener.core.results import Answers
from screener.core.safetext import clean, one_line, show_value
from screener.errors import AnswersError
from screener.files import located
from screener.files.answered import missing as missing  # the CLI and tests ask answers for it
from screener.files.answered import older_version_notes
from screener.files.problems import Hint, Problems, at
from screener.files.readfile import read_text
from screener.i18n import _

FORMAT = "screener-answers/1"
# Keys a summary may carry beside the answers (a JSON export adds the result); ignored here.
IGNORED_KEYS = {"result", "generator", "notice"}
# `created` (when saved) and `demo` (the persona, for fictional answers) travel with the answers.
KNOWN_KEYS = {"format", "bank", "perspective", "created", "demo", "answers"} | IGNORED_KEYS


class Read(NamedTuple):
    """What a file gave: its answers, warnings to show, and whether it was FHIR."""

    answers: Answers
    warnings: list[str]
    fhir: bool = False  # a QuestionnaireResponse, not a screener answers file


def read_answers(path: Path | str, bank: Bank) -> tuple[Answers, list[str]]:
    """Read and check an answers file against `bank`: (answers, warnings).

    Raises AnswersError listing every problem, each as `FILE:LINE: answers.ID: message`.
    """
    answers, warnings, _fhir = read_file(path, bank)
    return answers, warnings


def read_file(path: Path | str, bank: Bank) -> Read:
    """`read_answers`, saying also whether the file was a FHIR QuestionnaireResponse."""
    text = read_text(path, "answers", AnswersError)
    return parse(text, bank, one_line(str(path)))


def parse_answers(text: str, bank: Bank, filename: str = "answers") -> tuple[Answers, list[str]]:
    """Answers from the text of an answers file or a FHIR QuestionnaireResponse (JSON)."""
    answers, warnings, _fhir = parse(text, bank, filename)
    return answers, warnings


def parse(text: str, bank: Bank, filename: str = "answers") -> Read:
    """`parse_answers`, saying also whether the text was a FHIR QuestionnaireResponse."""
    # A JSON file (an export, say) is first read with the json module, which is quick but
    # knows no lines; only one with problems to point at is read again as YAML, with lines.
    looks_json = text.lstrip().startswith("{")
    if looks_json:
        try:
            doc = located.load_json(text)
            if not doc.problems:
                return _check(filename, doc, bank)
        except (located.ParseError, AnswersError):
            pass
    from screener.files import yamlsrc  # only now: a path that reads JSON never loads YAML

    try:
        doc = yamlsrc.load(text)  # YAML is a superset of JSON, and it keeps line numbers
    except yamlsrc.ParseError as yaml_exc:
        try:
            doc = located.load_json(text)
        except located.ParseError as json_exc:
            # JSON's own word on a file that looks like JSON, YAML's on any other
            exc = json_exc if looks_json else yaml_exc
            message = _("not valid YAML or JSON: {problem}").format(problem=exc.message)
            raise AnswersError([at(filename, exc.line or 1, message)]) from None
    return _check(filename, doc, bank)


def parse_record(data: bytes, bank: Bank, filename: str, line: int) -> Read:
    """Answers from one line of a bulk file (`filename`, line `line`): a FHIR
    QuestionnaireResponse or an answers document as JSON, checked as a file is, every
    problem placed at that line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        reason = _("cannot read the answers: {reason}").format(reason=_("not UTF-8 text"))
        raise AnswersError([at(filename, line, reason)]) from None
    try:
        doc = located.load_json(text)
    except located.ParseError as exc:
        message = _("not valid JSON: {problem}").format(problem=exc.message)
        raise AnswersError([at(filename, line, message)]) from None
    doc.lines = {(): line}  # one line holds it all: every path is on it
    return _check(filename, doc, bank)


def _check(filename: str, doc: located.Located, bank: Bank) -> Read:
    """An answers file, or a FHIR QuestionnaireResponse (or a Bundle holding one)."""
    if isinstance(doc.data, dict) and "resourceType" in doc.data:  # FHIR's reader, if it may be
        from screener.files import fhirin

        if fhirin.is_resource(doc.data):
            return Read(*fhirin.read_response(doc, bank, filename), fhir=True)
    return Read(*_Checker(filename, doc, bank).check())


def check_value(q: Question, value: object) -> tuple[Value, str | None]:
    """The stored form of `value` for `q`, or an error message saying what it takes."""
    if value is None:
        return None, None
    if isinstance(value, str) and value == UNKNOWN:
        if q.unknown:
            return UNKNOWN, None
        _stored, problem = kind_of(q).check(q, value)
        if problem is not None:  # a choice may have an option of that name
            return None, _("{problem} ('unknown', I don't know, is not an answer here)").format(
                problem=problem
            )
    return kind_of(q).check(q, value)


def document(answers: Answers, bank: Bank) -> dict[str, Any]:
    """The answers-file mapping for `answers`, questions in bank order, multi as lists."""
    order = [q.id for q in bank.questions if q.id in answers.values]
    doc: dict[str, Any] = {
        "format": FORMAT,
        "bank": {"id": answers.bank_id, "version": answers.bank_version},
        "perspective": answers.perspective,
    }
    if answers.created is not None:
        doc["created"] = answers.created
    if answers.demo is not None:
        doc["demo"] = answers.demo
    doc["answers"] = {qid: _plain(answers.values[qid]) for qid in order}
    return doc


class _Checker:
    """Checks one answers file against the bank, collecting every problem with its line."""

    def __init__(self, filename: str, doc: located.Located, bank: Bank) -> None:
        self.filename = filename
        self.doc = doc
        self.bank = bank
        self.problems = Problems(filename, doc)
        self.warnings: list[str] = []

    def error(self, path: located.Path, message: str, /, **values: object) -> None:
        """Note a problem at `path` (see `Problems.add`)."""
        self.problems.add(path, message, **values)

    def check(self) -> tuple[Answers, list[str]]:
        data = self.doc.data
        if self.doc.problems:
            self.problems.add_all(self.doc.problems)
        if not isinstance(data, dict):
            self.error(
                (),
                _("expected a {format} mapping (format, bank, perspective, answers)"),
                format=FORMAT,
            )
            raise AnswersError(self.problems.lines())
        for key in () if KNOWN_KEYS.issuperset(data) else data:  # most: every key known
            if key not in KNOWN_KEYS:
                self.error(
                    (key,),
                    _("unknown key {key}{hint}"),
                    key=show_value(key),
                    hint=Hint(key, KNOWN_KEYS),
                )
        if data.get("format") != FORMAT:
            self.error(
                ("format",),
                _("expected {format}, got {value}"),
                format=repr(FORMAT),
                value=_show(data.get("format")),
            )
        version = self.check_bank(data.get("bank"))
        perspective = data.get("perspective", next(iter(self.bank.perspectives)))
        # Not `in` a mapping first: a list or a mapping here would not even hash.
        if not isinstance(perspective, str) or perspective not in self.bank.perspectives:
            self.error(
                ("perspective",),
                _("{value} is not a perspective of this bank ({perspectives})"),
                value=_show(perspective),
                perspectives=", ".join(self.bank.perspectives),
            )
        created = self.created(data.get("created"))
        demo = self.demo(data.get("demo"))
        known = isinstance(perspective, str) and perspective in self.bank.perspectives
        # Answers to another perspective's questions are problems only for a known one.
        values = self.check_answers(data.get("answers"), str(perspective) if known else None)
        if self.problems:
            raise AnswersError(self.problems.lines())
        answers = Answers(self.bank.id, version, str(perspective), values, created, demo)
        self.warnings += older_version_notes(self.bank, answers, self.filename)
        return answers, self.warnings

    def demo(self, value: object) -> str | None:
        """The name of the fictional persona whose answers these are, if they are one's."""
        if value is None:
            return None
        if isinstance(value, str) and value.strip() and clean(value) == value:
            return value
        self.error(
            ("demo",),
            _("expected the name of the fictional persona, got {value}"),
            value=_show(value),
        )
        return None

    def created(self, value: object) -> str | None:
        """An ISO 8601 date and time, kept as written (it reaches summaries and CSV cells)."""
        if value is None:
            return None
        if isinstance(value, datetime | date):  # YAML reads an unquoted timestamp itself
            return value.isoformat()
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.error(
            ("created",),
            _("expected a date and time like 2026-11-21T23:40:00, got {value}"),
            value=_show(value),
        )
        return None

    def check_bank(self, value: object) -> str:
        if not isinstance(value, dict):
            self.error(
                ("bank",),
                _("expected {keys} of the bank the answers were given to"),
                keys="{id, version}",
            )
            return self.bank.version
        if value.get("id") != self.bank.id:
            self.error(
                ("bank", "id"),
                _("these answers are for bank {value}, not {id}"),
                value=_show(value.get("id")),
                id=repr(self.bank.id),
            )
        version = value.get("version")
        if version != self.bank.version:
            warning = _(
                "answers were given to version {value} of the bank; "
                "checking them against version {version}"
            ).format(value=_show(version), version=repr(self.bank.version))
            self.warnings.append(f"{self.filename}: {warning}")
        # Keep the version the answers were given to: a caseload lists it, and a re-export
        # says it. The result names the version that scored them.
        if isinstance(version, str) and version.strip():
            return _version_shown(version)  # it reaches CSV cells and summaries
        return self.bank.version

    def check_answers(self, value: object, perspective: str | None) -> dict[str, Value]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(
                ("answers",),
                _("expected a mapping of question id to answer, got {value}"),
                value=_show(value),
            )
            return {}
        table = _accepted(self.bank)
        # Most answers are stored just as they are written: those are taken in one look.
        plain_in = _plain_in(self.bank).get(perspective, {}) if perspective is not None else {}
        quick = plain_in.get
        out: dict[str, Value] = {}
        for qid, raw in value.items():
            if (taken := quick(qid)) is not None:
                if raw is None or (type(raw) is taken[0] and raw in taken[1]):
                    out[qid] = raw  # type: ignore[assignment]
                    continue
                if taken[2] and (listed := _listed(raw, taken[1], taken[2])) is not None:
                    out[qid] = listed
                    continue
            self.check_one(qid, raw, table.get(str(qid)), perspective, out)
        return out

    def check_one(
        self,
        qid: Any,  # as the file wrote it: YAML may give a number
        raw: object,
        entry: Accepted | None,
        perspective: str | None,
        out: dict[str, Value],
    ) -> None:
        """One answer the quick look did not take: into `out` as stored, or a problem noted."""
        if entry is None:
            self.error(
                ("answers", qid),
                _("{value} is not a question in this bank{hint}"),
                value=show_value(qid),
                hint=Hint(qid, _accepted(self.bank)),
            )
            return
        q, asked_in, consent, plain_type, plain, rank = entry
        if consent:  # consent is asked afresh at every run, never stored
            return
        if perspective is not None and asked_in is not None and asked_in != perspective:
            self.error(
                ("answers", qid),
                _(
                    "{value} is asked only in perspective {asked}, and these answers are in "
                    "perspective {perspective}"
                ),
                value=show_value(qid),
                asked=show_value(asked_in),
                perspective=show_value(perspective),
            )
            return
        if raw is None or (type(raw) is plain_type and raw in plain):
            out[q.id] = raw  # type: ignore[assignment] # most answers: stored as written
            return
        if rank and (listed := _listed(raw, plain, rank)) is not None:
            out[q.id] = listed  # a list of options, in the bank's order
            return
        stored, problem = check_value(q, raw)
        if problem:
            self.error(("answers", qid), problem)
        else:
            out[q.id] = stored


# For each question: the question, the one perspective it is asked in (None: every one),
# whether it is the consent question, the type and values of the answers that are stored
# just as they are written (true/false; an option's id; a number on the scale), and for a
# multi question each option's place in the bank's order (a list of them is stored as a tuple
# in that order).
# Any other answer is checked by its kind, which says what is wrong with it.
Rank: TypeAlias = dict[str, int]  # an option's place among its question's options
Accepted: TypeAlias = tuple[Question, str | None, bool, type | None, frozenset[object], Rank]


def prepare(bank: Bank) -> None:
    """Make now what checking answers needs of `bank` (kept with it), and what scoring them
    needs of each perspective's view: a caseload does so before its workers are forked, so
    that each inherits it rather than making its own."""
    from screener.core.rows import row  # only here: reading answers needs no scoring
    from screener.core.scoring import tally

    _plain_in(bank)
    for perspective in bank.perspectives:
        nothing = Answers(bank.id, bank.version, perspective, {})
        tally(bank, nothing)
        row(bank, nothing)  # a caseload row's plans (core/shapes.py)


def _accepted(bank: Bank) -> dict[str, Accepted]:
    """Question id -> what it accepts (above), made once per bank and kept with it: a
    caseload checks thousands of files against it."""
    return bank.made(_accepted_by)


def _accepted_by(bank: Bank) -> dict[str, Accepted]:
    where = _asked_in(bank)
    table: dict[str, Accepted] = {}
    for q in bank.questions:
        plain_type: type | None = None
        plain: frozenset[object] = frozenset()
        rank: Rank = {}
        if q.kind is Kind.YES_NO:
            plain_type, plain = bool, frozenset((True, False))
        elif q.kind is Kind.CHOICE:
            plain_type, plain = str, frozenset(str(o.value) for o in q.options)
        elif q.kind is Kind.SCALE and all(type(o.value) is int for o in q.options):
            plain_type, plain = int, frozenset(o.value for o in q.options)
        elif q.kind is Kind.MULTI and q.options:
            order = [str(o.value) for o in q.options]
            rank = {option: place for place, option in enumerate(order)}
            plain = frozenset(order)
        entry = (q, where.get(q.id), q.role is Role.CONSENT, plain_type, plain, rank)
        table.setdefault(q.id, entry)  # the first of an id, as the bank reader keeps it
    return table


def _plain_in(bank: Bank) -> dict[str, dict[str, Plain]]:
    """For each perspective: question id -> the type and values of the answers stored just as
    they are written, for the questions answers in it may give (not consent); made once per
    bank and kept with it."""
    return bank.made(_plain_by_perspective)


def _plain_by_perspective(bank: Bank) -> dict[str, dict[str, Plain]]:
    table = _accepted(bank)
    return {
        perspective: {
            qid: (plain_type, plain, rank)
            for qid, (_q, asked_in, consent, plain_type, plain, rank) in table.items()
            if not consent and (asked_in is None or asked_in == perspective)
        }
        for perspective in bank.perspectives
    }


# What the quick look at one answer needs: the type and values of the answers stored just as
# they are written, and for a multi question its options' places.
Plain: TypeAlias = tuple[type | None, frozenset[object], Rank]


def _listed(raw: object, options: frozenset[object], rank: Rank) -> Value | None:
    """A list of options as the kind's check stores it (a tuple in the bank's order, from
    `rank`), when each is one of `options`, none twice, and "none" only alone; None for any
    other answer (the kind's check then says what is wrong with it)."""
    if type(raw) is not list:
        return None
    try:
        picked = set(raw)
    except TypeError:  # a list or a mapping in it: not an option
        return None
    # Only strings are options: a number, true or nothing in the list is not among them.
    if (
        len(picked) == len(raw)
        and picked <= options
        and (len(raw) == 1 or NONE_OPTION not in picked)
    ):
        return tuple(sorted(picked, key=rank.__getitem__))
    return None


def _asked_in(bank: Bank) -> dict[str, str]:
    """Question id -> the one perspective it is asked in, for questions not asked in every
    perspective."""
    return {q.id: s.perspective for s in bank.sections if s.perspective for q in s.questions}


@lru_cache(maxsize=64)  # a caseload's files name the same few versions
def _version_shown(version: str) -> str:
    return one_line(clean(version), 40)


def _plain(value: Value) -> bool | int | str | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def _show(value: object) -> str:
    return show_value(value)


def suggest_save_path(folder: Path, today: date) -> Path:
    """A file name for answers saved part-way that is not taken yet, in `folder`: named by
    files.safefile, which the first screen loads where it does not load this reader."""
    from screener.files.safefile import suggest_save_path as suggested

    return suggested(folder, today)


def carry_on_command(program: str, path: Path) -> str:
    """The command that carries on from answers saved in `path`, in the language of this run
    whatever the locale of the next one: `screener --lang es run --answers FILE`."""
    import shlex

    return f"{program} {i18n.LANG_OPTION} {i18n.language()} run --answers {shlex.quote(str(path))}"


def save_partial(
    path: Path, answers: Answers, bank: Bank, replace: bool = False, program: str = "screener"
) -> None:
    """Write the answers so far as an answers file (mode 0600) to finish later.

    Raises ExportError with one line when the file cannot be written; `replace` allows
    replacing an existing file (the person said so).
    """
    from screener.core import wording
    from screener.files import safefile

    now = datetime.now().astimezone()
    doc = document(answers._replace(created=now.isoformat(timespec="seconds")), bank)
    lines = (
        _("{title}: answers saved part-way on {date} at {time}.").format(
            title=bank.about(answers.perspective).title if answers.perspective else bank.title,
            date=_("{day} {month} {year}").format(
                day=now.day, month=wording.month_name(now.month), year=now.year
            ),
            time=f"{now:%H:%M}",
        ),
        _("To carry on where you left off: {command}").format(
            command=carry_on_command(program, path)
        ),
        _("This file holds private health information. Delete it when you no longer need it."),
    )
    header = "".join(f"# {line}\n" for line in lines)
    if not replace:
        safefile.check_target(path, False)
    from screener.files import yamlsrc

    safefile.write_private(path, header + yamlsrc.dump(doc), force=replace)
