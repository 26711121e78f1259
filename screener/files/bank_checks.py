"""The bank reader's cross-checks, made once every part is read: one question per role in each
perspective, every criterion covered, counted scales with their items, every perspective
asked something, and a warning for a question whose answer nothing uses. Nothing here prints.
"""

from __future__ import annotations

from screener.core.conditions import question_names
from screener.core.model import CRITERIA, Caveat, Flag, Question, Referral, Role, Section
from screener.core.safetext import show_value
from screener.files.bank_questions import Questions
from screener.i18n import _, ngettext


class Checks(Questions):
    """Checks across the parts of a bank that no part can check alone."""

    def check_roles_and_coverage(self) -> None:
        self.check_roles()
        self.check_coverage()

    def check_roles(self) -> None:
        """One question of each role wherever the questions are asked: a bank with two
        perspectives may have a consent (or gate) question in each one's own sections."""
        several = len(self.perspectives) > 1
        reported: set[str] = set()
        for perspective in self.perspectives or {"self": ""}:
            seen: dict[Role, Question] = {}
            for q in self.questions.values():
                if q.role is None or self.asked_in.get(q.id) not in (None, perspective):
                    continue
                if q.role in seen and q.id not in reported:
                    reported.add(q.id)
                    if several:
                        self.error(
                            self.question_path(q, "role"),
                            _(
                                "only one {role} question is allowed in perspective "
                                "{perspective} ({first} already is)"
                            ),
                            role=q.role.value,
                            perspective=show_value(perspective),
                            first=repr(seen[q.role].id),
                        )
                    else:
                        self.error(
                            self.question_path(q, "role"),
                            _("only one {role} question is allowed ({first} already is)"),
                            role=q.role.value,
                            first=repr(seen[q.role].id),
                        )
                seen.setdefault(q.role, q)

    def check_coverage(self) -> None:
        """Only consent is required; every criterion has a question; a counted scale has as
        many questions as it says."""
        for q in self.questions.values():
            if q.required and q.role is not None and q.role is not Role.CONSENT:
                self.error(
                    self.question_path(q, "required"), _("only the consent question is required")
                )
        covered = {q.criterion for q in self.read_questions if q.criterion}
        missing = [c for c in CRITERIA if c not in covered]
        if missing:
            self.error(
                ("sections",),
                _("no question covers criteria: {criteria}"),
                criteria=", ".join(missing),
            )
        for sid, scale in self.scales.items():
            n = sum(1 for q in self.questions.values() if q.scale == sid)
            if scale.counted and n != scale.items:
                # The same English either way (as it always read); a translation may inflect.
                says = ngettext(
                    "says {items} items, but {n} questions use it",
                    "says {items} items, but {n} questions use it",
                    n,
                )
                self.error(("scales", sid, "items"), says, items=scale.items, n=n)

    def check_perspectives_asked(self, sections: list[Section]) -> None:
        """Every declared perspective is asked some questions."""
        for perspective in self.perspectives:
            if not any(s.perspective in (None, perspective) and s.questions for s in sections):
                self.error(
                    ("perspectives", perspective),
                    _(
                        "no section is asked in perspective {value}: give one 'perspective: "
                        "{value}', or leave 'perspective' out of a section to ask it in every one"
                    ),
                    value=perspective,
                )

    def check_every_question_is_read(
        self, sections: list[Section], results: list[Flag | Referral | Caveat]
    ) -> None:
        """Warn about a question whose answer nothing uses: no criterion, counted scale or
        role, and no condition (another question's or section's `show_if`, an `overridden_if`,
        or a flag's, referral's or caveat's `when`) names it. Asking it would cost the person
        time for nothing. The items of a scale that is not counted are read by nothing unless
        a condition names them (a caveat that says what they are for, say)."""
        conditions = [s.show_if for s in sections]
        conditions += [c for q in self.questions.values() for c in (q.show_if, q.overridden_if)]
        conditions += [r.when for r in results]
        named = set().union(*(question_names(c) for c in conditions if c is not None))
        for q in self.questions.values():
            scale = self.scales.get(q.scale) if q.scale else None
            if q.criterion or (scale is not None and scale.counted) or q.role or q.id in named:
                continue
            self.warn(
                self.question_paths[q.id],
                _(
                    "question {id} feeds no criterion, scale, flag, referral or caveat, and no "
                    "other question depends on it: use its answer or remove it"
                ),
                id=show_value(q.id),
            )
