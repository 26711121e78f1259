"""The bank and what it is made of: immutable records with no I/O and no printing. What a
screening gives and gets (answers, a result, a summary) is in screener.core.results.

The records are NamedTuples rather than frozen dataclasses: they are as immutable, but defining
one costs about a twentieth as much (a dataclass execs its generated methods at import, about a
millisecond each here), and these are defined on the way to the first screen, whose time has a
budget (docs/performance.md).
"""

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, TypeVar

# An answer as it is stored: bool (yes/no), int (scale), str (choice, text),
# tuple of str (multi), or None (skipped on purpose).
Value: TypeAlias = bool | int | str | tuple[str, ...] | None

# How a text addresses its reader (screener.core.wording): "screen", to the person on their own
# screen; "summary", about them in a saved summary; "record", a line in a machine record;
# "line", a few words in a caseload listing.
Voice: TypeAlias = Literal["screen", "summary", "record", "line"]

# The 11 DSM-5 opioid use disorder criteria keys, in DSM order. Part of the public
# contract (bank tags, JSON output): never rename them.
CRITERIA: tuple[str, ...] = (
    "larger_longer",
    "cut_down",
    "time_spent",
    "craving",
    "role_failure",
    "social_problems",
    "activities_given_up",
    "hazardous_use",
    "despite_harm",
    "tolerance",
    "withdrawal",
)

# Criteria not counted for someone taking opioids solely under medical supervision.
SUPERVISION_EXCLUDED: tuple[str, ...] = ("tolerance", "withdrawal")

# The scale id whose counted items make the withdrawal score.
WITHDRAWAL_SCALE = "sows"

# A multi option with this value ("none of these") cannot be chosen with others.
NONE_OPTION = "none"

# The perspective of answers about someone else, given by a person who knows them (a parent,
# partner or friend). Its results are worded as that person's account: a range of signs seen,
# never a severity or a diagnosis-like label for someone who was not asked. Part of the bank
# format: any other perspective id is worded as a person answering about themselves.
OTHER = "other"

# The id of "Who is this screening about?", asked first when a bank offers more than one
# perspective: the linkId of that question in FHIR, too. Not a bank question (a bank's ids
# cannot hold a '-'): its answer is the run's perspective, never one of its answers.
WHO = "about-whom"

# "I don't know": the stored answer to a question whose bank entry allows it (`unknown: true`),
# kept apart from a skip (None). In answers files it is this string.
UNKNOWN = "unknown"


class Kind(StrEnum):
    YES_NO = "yes_no"
    SCALE = "scale"
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"


class Role(StrEnum):
    CONSENT = "consent"  # "no" ends the run politely before any question
    GATE = "gate"  # "no" means no use to screen: a short result
    PRESCRIBED_ONLY = "prescribed_only"  # "yes" may exclude tolerance and withdrawal


class Severity(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


class Status(StrEnum):
    """How one criterion came out."""

    MET = "met"
    NOT_MET = "not_met"
    EXCLUDED = "excluded"  # met or not, it is not counted under supervision
    UNANSWERED = "unanswered"
    # Answered yes, but whether it counts hangs on a skipped "all use was prescribed?": it
    # widens the range like an unanswered criterion, and is never reported as met.
    UNCERTAIN = "uncertain"
    # "I don't know" was answered, or no question of this perspective can see it (an observer
    # cannot know someone else's cravings): open, like unanswered, and kept apart from it.
    UNKNOWN = "unknown"


class Urgency(StrEnum):
    NOW = "now"
    SOON = "soon"
    WHEN_READY = "when_ready"

    @property
    def rank(self) -> int:
        return _URGENCY_RANK[self]


# Enum iteration is slow, and a caseload asks for ranks thousands of times.
_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
_URGENCY_RANK = {u: i for i, u in enumerate(Urgency)}
SEVERITY_ORDER = [s.value for s in Severity]


# --- what is made of a record once --------------------------------------------------------

_T = TypeVar("_T")


class Kept:
    """A record that keeps, beside its fields, what is made of it once: a condition its
    compiled form (`screener.core.conditions.check`), a bank what checking and scoring need
    of it (`Bank.made`). It lives and goes with the record (no cache keyed by `id()` keeps a
    record alive); a copy or a pickle carries only the fields. The fields stay read-only."""

    __slots__ = ()

    @cached_property
    def _made(self) -> dict[Callable[[Any], object], object]:
        return {}

    def made(self, make: "Callable[[Any], _T]") -> _T:
        """What `make(self)` gives, made the first time it is asked for and kept."""
        kept = self._made
        try:
            return kept[make]  # type: ignore[return-value]
        except KeyError:
            built = kept[make] = make(self)
            return built

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __getstate__(self) -> None:
        return None  # only the fields: what was made of them is made again


# --- conditions -------------------------------------------------------------------------


class _LeafFields(NamedTuple):
    subject: str  # "question" or "result"
    name: str
    op: str  # equals, in, contains, at_least
    value: object


class Leaf(_LeafFields, Kept):
    """`{question: ID, op: value}` or `{result: NAME, op: value}`."""


class _AllOfFields(NamedTuple):
    items: "tuple[Condition, ...]"
    kind: Literal["all"] = "all"  # keeps AllOf(x) != AnyOf(x) under tuple equality


class AllOf(_AllOfFields, Kept):
    """Every one of `items` holds."""


class _AnyOfFields(NamedTuple):
    items: "tuple[Condition, ...]"
    kind: Literal["any"] = "any"


class AnyOf(_AnyOfFields, Kept):
    """At least one of `items` holds."""


class _NotFields(NamedTuple):
    item: "Condition"


class Not(_NotFields, Kept):
    """`item` does not hold."""


Condition: TypeAlias = Leaf | AllOf | AnyOf | Not


# --- the bank ---------------------------------------------------------------------------

# Text that may differ by perspective ("self", later "other"): one string, or one per perspective.
Wording: TypeAlias = str | Mapping[str, str]


def word(text: Wording, perspective: str) -> str:
    """The wording of `text` for `perspective`."""
    if isinstance(text, str):
        return text
    return text[perspective]


class Source(NamedTuple):
    id: str
    title: str
    file: str | None = None
    ref: str | None = None


class Option(NamedTuple):
    value: bool | int | str
    label: str


class Band(NamedTuple):
    low: int
    high: int
    label: str  # also its id: results, answers conditions and JSON name a band by its label
    text: str = ""  # the words shown for it, when they differ (the bank in another language)

    @property
    def shown(self) -> str:
        return self.text or self.label


class Scale(NamedTuple):
    id: str
    title: str
    options: tuple[Option, ...]
    counted: bool  # do its items add up to a total?
    items: int  # how many questions a counted scale has
    bands: tuple[Band, ...] = ()
    band_note: str = ""
    source: tuple[str, ...] = ()
    band_source: tuple[str, ...] = ()
    # The scale's published name ("Subjective Opiate Withdrawal Scale (SOWS)"), for clinicians:
    # `explain`, the summaries and the `?` help; the person's screens use the plain `title`.
    formal_name: str = ""

    @property
    def formal(self) -> str:
        """The published name, or the title when the bank gives none."""
        return self.formal_name or self.title

    @property
    def top(self) -> int:
        return max(int(o.value) for o in self.options)


class Question(NamedTuple):
    id: str
    section: str
    kind: Kind
    text: Wording
    short: str
    why: str
    source: tuple[str, ...]
    options: tuple[Option, ...] = ()
    criterion: str | None = None
    role: Role | None = None
    scale: str | None = None
    show_if: Condition | None = None
    overridden_if: Condition | None = None
    required: bool = False
    line: int = 0
    unknown: bool = False  # "I don't know" is an answer (stored as UNKNOWN)

    def is_unknown(self, value: object) -> bool:
        """Whether a stored answer to this question is "I don't know"."""
        return self.unknown and isinstance(value, str) and value == UNKNOWN

    # The bank version in which the question last changed meaning ("" if never): answers given
    # to an earlier version still score, with a note that this one was asked differently.
    changed_in: str = ""

    def label_of(self, value: object) -> str:
        """The option label for a stored value (the value itself when it has none)."""
        for option in self.options:
            if option.value == value and type(option.value) is type(value):
                return option.label
        return str(value)


class Section(NamedTuple):
    id: str
    title: str
    intro: Wording = ""
    show_if: Condition | None = None
    show_emergency: bool = False
    questions: tuple[Question, ...] = ()
    perspective: str | None = None  # asked only in this perspective; None: in every one


class Flag(NamedTuple):
    id: str
    label: str
    detail: str
    when: Condition
    source: tuple[str, ...]
    perspective: str | None = None  # raised only in this perspective; None: in every one
    # An overdose risk (the default): it puts the emergency line and the overdose steps first.
    # A crisis flag (thoughts of suicide) is not one: its own lines (`call`) come first instead.
    overdose: bool = True
    # The helplines to call first when it is raised, in order (ids), before any other.
    call: tuple[str, ...] = ()
    # Shown at once, with its `call` lines, right after the answer that raises it, before the
    # next question; the person chooses to go on. The result opens with it too.
    immediate: bool = False


class Referral(NamedTuple):
    id: str
    title: str
    text: str
    urgency: Urgency
    when: Condition | None
    source: tuple[str, ...]
    # One short sentence for the first screen of the result and its closing card ("" if none).
    brief: str = ""
    perspective: str | None = None  # shown only in this perspective; None: in every one


class Caveat(NamedTuple):
    id: str
    text: str
    when: Condition | None
    source: tuple[str, ...]
    perspective: str | None = None


class Helpline(NamedTuple):
    id: str
    name: str
    contact: str
    detail: str
    source: tuple[str, ...]
    # A few words for the result's first screen, its closing card and the `!` box ("" if none).
    brief: str = ""
    # The line to call in an overdose (911): first on the result when there is an overdose risk.
    emergency: bool = False
    # Listed on a result only when it holds one of these next steps (referral ids); empty:
    # always. The `!` box lists every line.
    only_with: tuple[str, ...] = ()


class Emergency(NamedTuple):
    title: str
    signs: tuple[str, ...]
    steps: tuple[str, ...]
    note: str
    source: tuple[str, ...]
    # The steps in one sentence, for the welcome's small box ("" if none: the steps are shown).
    brief: str = ""


class _BankFields(NamedTuple):
    id: str
    version: str
    title: str
    language: str
    perspectives: Mapping[str, str]  # id -> label
    sources: Mapping[str, Source]
    scales: Mapping[str, Scale]
    sections: tuple[Section, ...]
    flags: tuple[Flag, ...]
    referrals: tuple[Referral, ...]
    caveats: tuple[Caveat, ...]
    emergency: Emergency
    helplines: tuple[Helpline, ...]
    criteria: Mapping[str, str] = MappingProxyType({})  # key -> plain meaning
    path: str = ""
    canonical: str = ""  # as written in the bank; see `url`
    publisher: str = ""  # who publishes the bank (FHIR `Questionnaire.publisher`), if it says
    date: str = ""  # when the bank's content last changed, YYYY-MM-DD, if it says
    # What `validate` reports without refusing the bank (FILE:LINE: path: message lines).
    warnings: tuple[str, ...] = ()
    # Every language the bank has words in, its own first (`language` is the one these are in).
    languages: tuple[str, ...] = ()
    # Where this bank's words are a translation: the texts it lacks, shown in the bank's own
    # language instead (as the translation file would name them, like `questions.craving.why`).
    untranslated: tuple[str, ...] = ()
    # The title of each perspective's screens and summaries, when the bank gives one per
    # perspective; `title` is then the first one's, and `about` puts each in its view.
    titles: Mapping[str, str] = MappingProxyType({})


class Bank(_BankFields, Kept):
    """A question bank, as read. What checking and scoring many answers need of it (indexes,
    the walks through its conditions, each perspective's view) is made once and kept with it:
    `indexes`, and `made` for what the layers above make of it."""

    @cached_property
    def indexes(self) -> "Indexes":
        return Indexes(self)

    @property
    def url(self) -> str:
        """The canonical URI of the bank (FHIR `Questionnaire.url`), without the version."""
        return self.canonical or f"urn:screener:bank:{self.id}"

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, qid: str) -> Question:
        """The question with id `qid` (KeyError if none), from the bank's index: a caseload
        asks for thousands."""
        return self.indexes.questions[qid]

    def section(self, sid: str) -> Section:
        for s in self.sections:
            if s.id == sid:
                return s
        raise KeyError(sid)

    def by_role(self, role: Role) -> Question | None:
        return next((q for s in self.sections for q in s.questions if q.role is role), None)

    def flag(self, fid: str) -> Flag:
        return next(f for f in self.flags if f.id == fid)

    def referral(self, rid: str) -> Referral:
        return next(r for r in self.referrals if r.id == rid)

    def caveat(self, cid: str) -> Caveat:
        return next(c for c in self.caveats if c.id == cid)

    def listed(self, res: "Result") -> tuple[Helpline, ...]:
        """The helplines a result lists: each one whose `only_with` is empty or names one of
        the result's next steps (no Never Use Alone line for someone taking medicine as
        directed)."""
        steps = {f.id for f in res.referrals}
        return tuple(h for h in self.helplines if not h.only_with or steps & set(h.only_with))

    def band_text(self, scale: str, label: str) -> str:
        """The words shown for a band of `scale`, given its label (a result's `band`)."""
        found = self.scales.get(scale)
        band = next((b for b in found.bands if b.label == label), None) if found else None
        return band.shown if band is not None else label

    def cited(self) -> tuple[Source, ...]:
        """The sources this bank's texts cite, in the order the bank lists them: for a view
        made by `about`, those of one perspective (a result about oneself does not list the
        family-support references, nor one about someone else the withdrawal scale's)."""
        ids = {sid for q in self.questions for sid in q.source}
        for scale in {q.scale for q in self.questions if q.scale}:
            ids.update(self.scales[scale].source, self.scales[scale].band_source)
        cite: tuple[Flag | Referral | Caveat | Helpline, ...] = (
            *self.flags,
            *self.referrals,
            *self.caveats,
            *self.helplines,
        )
        for item in cite:
            ids.update(item.source)
        ids.update(self.emergency.source)
        return tuple(s for sid, s in self.sources.items() if sid in ids)

    def about(self, perspective: str) -> "Bank":
        """The bank as it is asked in `perspective`: only the sections, flags, referrals and
        caveats for it (or for every perspective). Made once per bank and perspective and kept
        with the bank, so what is made of a view (conditions, answers) stays made through a
        caseload."""
        views = self.indexes.views
        try:
            view = views[perspective]
        except KeyError:
            view = views[perspective] = self._view(perspective)
        return self if view is None else view

    def _view(self, perspective: str) -> "Bank | None":
        """The bank as asked in `perspective`, or None when that is all of it (kept as None:
        a bank that held itself would wait for the garbage collector to go)."""

        def keep(item: Section | Flag | Referral | Caveat) -> bool:
            return item.perspective is None or item.perspective == perspective

        parts = (self.sections, self.flags, self.referrals, self.caveats)
        title = self.titles.get(perspective, self.title)
        if title == self.title and all(keep(item) for part in parts for item in part):
            return None
        return self._replace(
            title=title,
            sections=tuple(s for s in self.sections if keep(s)),
            flags=tuple(f for f in self.flags if keep(f)),
            referrals=tuple(r for r in self.referrals if keep(r)),
            caveats=tuple(c for c in self.caveats if keep(c)),
        )

    def perspective_of(self, qid: str) -> str | None:
        """The one perspective a question is asked in, or None when it is asked in every one."""
        return self.section(self.question(qid).section).perspective


class Indexes:
    """What is made once of a bank (`Bank.indexes`) and kept with it: its questions by id
    (the first of an id, as the bank reader keeps it), and its view in each perspective."""

    __slots__ = ("questions", "views")

    def __init__(self, bank: Bank) -> None:
        questions: dict[str, Question] = {}
        for q in bank.questions:
            questions.setdefault(q.id, q)
        self.questions = questions
        self.views: dict[str, Bank | None] = {}  # None: the bank itself


@lru_cache(maxsize=256)  # a caseload compares the same few versions thousands of times
def version_key(version: str) -> tuple[int, ...]:
    """A version's numbers for comparing ("2.0.0" > "1.10" > "1.9"); text that holds none, or
    more than a few, sorts first: answers from an unknown version are assumed to be older."""
    numbers = re.findall(r"[0-9]{1,9}", version)
    return tuple(int(n) for n in numbers[:4])


# What a screening gives and gets lives in screener.core.results; its records stay importable
# from here, where code written before the split (and tests, and clinics' scripts) finds them.
# That module is loaded when one of them is first asked for: the first screen asks for none.
_RESULTS = frozenset({"Answers", "CriterionResult", "Finding", "Result", "Summary", "Withdrawal"})

if TYPE_CHECKING:
    from screener.core.results import Answers as Answers
    from screener.core.results import CriterionResult as CriterionResult
    from screener.core.results import Finding as Finding
    from screener.core.results import Result as Result
    from screener.core.results import Summary as Summary
    from screener.core.results import Withdrawal as Withdrawal
else:

    def __getattr__(name: str) -> object:
        if name in _RESULTS:
            from screener.core import results

            return getattr(results, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
