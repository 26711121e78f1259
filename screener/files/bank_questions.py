"""The bank reader's middle part: sections and their questions, each checked as it is read
(ids, kinds, roles, criteria, options or scale, "I don't know", conditions on earlier answers).
Problems are noted through `FieldReader`; nothing here prints.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screener.core.kinds import kind_of
from screener.core.model import CRITERIA, UNKNOWN, Kind, Option, Question, Role, Section
from screener.core.safetext import show_value
from screener.files import yamlsrc
from screener.files.bank_fields import ID, value_in_words
from screener.files.bank_results import Results
from screener.files.problems import Hint
from screener.i18n import N_, _

SECTION_KEYS = {
    "id", "title", "intro", "show_if", "show_emergency", "questions", "perspective", "unknown",
}  # fmt: skip
QUESTION_KEYS = {
    "id", "kind", "text", "short", "why", "source", "criterion", "role", "scale", "options",
    "show_if", "required", "overridden_if", "unknown", "changed_in",
}  # fmt: skip
_VERSION = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9}){0,3}")


class Questions(Results):
    """Reads the sections and their questions."""

    def __init__(self, filename: str, doc: yamlsrc.Located) -> None:
        super().__init__(filename, doc)
        self.question_paths: dict[str, yamlsrc.Path] = {}
        self.read_questions: list[Question] = []  # duplicates too, so one mistake is one problem

    def read_sections(self, value: object) -> list[Section]:
        out: list[Section] = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(value, ("sections",))):
            path: yamlsrc.Path = ("sections", i)
            m = self.mapping(item, path, SECTION_KEYS, ("id", "title", "questions"))
            if m is None:
                continue
            sid = self.unique(m, path, seen, N_("duplicate section id {id}"))
            self.reading = self.perspective_key(m, path)
            show_if = self.condition(m.get("show_if"), (*path, "show_if"), self.earlier_only())
            unknown = self.flag(m, "unknown", path)
            questions = [
                q
                for j, qitem in enumerate(self.items(m.get("questions"), (*path, "questions")))
                if (q := self.question(qitem, (*path, "questions", j), sid, unknown)) is not None
            ]
            out.append(
                Section(
                    id=sid,
                    title=self.text(m, "title", path),
                    intro=self.wording(m, "intro", path),
                    show_if=show_if,
                    show_emergency=self.flag(m, "show_emergency", path),
                    questions=tuple(questions),
                    perspective=self.reading,
                )
            )
            self.reading = None
        if value is not None and not out:
            self.error(("sections",), _("the bank has no sections"))
        return out

    def question(
        self, value: object, path: yamlsrc.Path, section: str, unknown: bool = False
    ) -> Question | None:
        """One question; `unknown` is its section's `unknown`, which it may set otherwise."""
        m = self.mapping(value, path, QUESTION_KEYS, ("id", "kind", "text"))
        if m is None:
            return None
        qid = self.ident(m, "id", path)
        if qid in self.questions:
            self.error(
                (*path, "id"),
                _("duplicate question id {id} (first used on line {line})"),
                id=show_value(qid),
                line=self.questions[qid].line,
            )
        kind = self.enum(Kind, m, "kind", path) or Kind.YES_NO
        role = self.enum(Role, m, "role", path) if "role" in m else None
        criterion = self.criterion(m, path, kind, role)
        options = self.question_options(m, path, kind)
        scale, options = self.question_scale(m, path, kind, options)
        earlier = self.earlier_only()
        show_if = self.condition(m.get("show_if"), (*path, "show_if"), earlier)
        overridden_if = None
        if "overridden_if" in m:
            if role is not Role.PRESCRIBED_ONLY:
                self.error(
                    (*path, "overridden_if"), _("only the prescribed_only question has this")
                )
            overridden_if = self.condition(m["overridden_if"], (*path, "overridden_if"), earlier)
        required = self.flag(m, "required", path)
        unknown = self.unknown(m, path, kind, role, options, unknown)
        changed_in = self.changed_in(m, path)
        q = Question(
            id=qid,
            section=section,
            kind=kind,
            text=self.wording(m, "text", path),
            short=self.text(m, "short", path, required=False) or qid.replace("_", " "),
            why=self.text(m, "why", path, required=False),
            source=self.sources(m, path),
            options=options,
            criterion=criterion,
            role=role,
            scale=scale,
            show_if=show_if,
            overridden_if=overridden_if,
            required=required,
            line=self.doc.line(path),
            unknown=unknown,
            changed_in=changed_in,
        )
        self.read_questions.append(q)
        if qid not in self.questions:
            self.questions[qid] = q
            self.question_paths[qid] = path
            self.asked_in[qid] = self.reading
        return q

    def criterion(
        self, m: Mapping[str, Any], path: yamlsrc.Path, kind: Kind, role: Role | None
    ) -> str | None:
        """The DSM-5 criterion a question counts for; only a yes/no question (which alone may
        also carry a role) counts."""
        criterion = m.get("criterion")
        if criterion is not None and criterion not in CRITERIA:
            self.error(
                (*path, "criterion"),
                _("{value} is not a criterion{hint}"),
                value=show_value(criterion),
                hint=Hint(criterion, CRITERIA),
            )
            criterion = None
        if criterion is not None and not kind_of(kind).can_count:
            self.error((*path, "kind"), _("a criterion question must be yes_no"))
        if role is not None and not kind_of(kind).can_count:
            self.error((*path, "kind"), _("a {role} question must be yes_no"), role=role.value)
        return criterion if isinstance(criterion, str) else None

    def question_scale(
        self, m: Mapping[str, Any], path: yamlsrc.Path, kind: Kind, options: tuple[Option, ...]
    ) -> tuple[str | None, tuple[Option, ...]]:
        """The scale a question is on, and its options: the scale's, for a scale question."""
        scale = m.get("scale")
        if kind_of(kind).on_scale:
            if scale not in self.scales:
                self.error(
                    (*path, "scale"),
                    _("{value} is not a scale in 'scales'{hint}"),
                    value=show_value(scale),
                    hint=Hint(scale, self.scales),
                )
            else:
                options = self.scales[scale].options
        elif scale is not None:
            self.error((*path, "scale"), _("only scale questions name a scale"))
        on_scale = kind_of(kind).on_scale and isinstance(scale, str)
        return (scale if on_scale else None), options

    def changed_in(self, m: Mapping[str, Any], path: yamlsrc.Path) -> str:
        """The bank version in which a question last changed meaning (empty: never)."""
        changed_in = m.get("changed_in")
        if changed_in is not None and (
            not isinstance(changed_in, str) or not _VERSION.fullmatch(changed_in)
        ):
            self.error(
                (*path, "changed_in"),
                _('expected a quoted bank version like "2.0.0", got {value}'),
                value=value_in_words(changed_in),
            )
            changed_in = None
        return changed_in or ""

    def unknown(
        self,
        m: Mapping[str, Any],
        path: yamlsrc.Path,
        kind: Kind,
        role: Role | None,
        options: tuple[Option, ...],
        default: bool,
    ) -> bool:
        """Whether "I don't know" is an answer: the question's own `unknown`, else its
        section's. A section's leaves out the consent question and text questions, which
        cannot take it; the question's own says so as a problem."""
        said = "unknown" in m
        allowed = self.flag(m, "unknown", path) if said else default
        if not allowed:
            return False
        if role is Role.CONSENT or kind_of(kind).written:
            if said:
                self.error(
                    (*path, "unknown"),
                    _("the consent question and text questions cannot take 'I don't know'"),
                )
            return False
        if any(o.value == UNKNOWN for o in options):
            self.error(
                (*path, "options"),
                _(
                    "{value} is the stored 'I don't know' answer of a question with unknown: "
                    "true; give this option another value"
                ),
                value=show_value(UNKNOWN),
            )
        return True

    def question_options(
        self, m: Mapping[str, Any], path: yamlsrc.Path, kind: Kind
    ) -> tuple[Option, ...]:
        value = m.get("options")
        fixed = kind_of(kind).fixed_options
        if fixed is not None:
            if value is not None:
                self.error((*path, "options"), _("yes_no questions have fixed options (yes, no)"))
            return fixed
        if not kind_of(kind).own_options:
            if value is not None:
                self.error(
                    (*path, "options"), _("{kind} questions take no options"), kind=kind.value
                )
            return ()
        out: list[Option] = []
        for i, item in enumerate(self.items(value, (*path, "options"))):
            where = (*path, "options", i)
            o = self.mapping(item, where, {"value", "label"}, ("value", "label"))
            if o is None:
                continue
            v = o.get("value")
            if not isinstance(v, str) or not ID.fullmatch(v):
                self.error(
                    (*where, "value"),
                    _("{value} is not a valid option value"),
                    value=show_value(v),
                )
                continue
            if any(x.value == v for x in out):
                self.error(
                    (*where, "value"), _("duplicate option value {value}"), value=show_value(v)
                )
            out.append(Option(v, self.text(o, "label", where)))
        if value is None:  # a choice nobody could answer
            self.error(path, _("missing required key {key}"), key=show_value("options"))
        elif len(out) < 2:
            self.error((*path, "options"), _("give at least two options"))
        return tuple(out)

    def question_path(self, q: Question, key: str) -> yamlsrc.Path:
        return (*self.question_paths[q.id], key)
