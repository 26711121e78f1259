"""The program's words that more than one kind of output says: the result sentence, severity and
band names, criterion status and answer labels, urgency labels, the withdrawal and safety-flag
sentences, the "not a diagnosis" notice, the demo banner and month names.

The screen, the human summaries (Markdown, HTML, text), FHIR and the caseload line each take
these from here, so a sentence is written, and translated, once. Where the families have always
said a thing differently, the function takes a `voice` and each keeps its own words:

- "screen": to the person, on their own screen (second person, no full stop on the result);
- "summary": about the person, for whoever reads a saved summary;
- "record": a line kept in a machine record (the FHIR narrative and notes);
- "line": a few words on one line of a caseload listing.

Every sentence goes through the catalog (`screener.i18n`); tables are marked with `N_` and
translated when used, never at import time. Pure: no Rich, no I/O, and nothing but
`screener.i18n` and `screener.core` imported, so every summary and `score --json` stay quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screener.core import seenwords, withdrawalwords
from screener.core.conditions import question_names
from screener.core.kinds import kind_of
from screener.core.model import OTHER, Bank, Question, Severity, Status, Urgency, Value, Voice
from screener.core.safetext import clean
from screener.i18n import N_, _, ngettext, pgettext

if TYPE_CHECKING:  # loaded when a result is made, not for the first screen
    from screener.core.results import CriterionResult, Result

# What a severity means, after "6 of 11 criteria: ".
MEANING = {
    Severity.NONE: N_("below the threshold for opioid use disorder (2 or more criteria)"),
    Severity.MILD: N_("a pattern consistent with mild opioid use disorder"),
    Severity.MODERATE: N_("a pattern consistent with moderate opioid use disorder"),
    Severity.SEVERE: N_("a pattern consistent with severe opioid use disorder"),
}
# A severity as one end of a range: "mild opioid use disorder as answered, up to severe ...".
BAND_NAME = {
    Severity.NONE: N_("below the threshold"),
    Severity.MILD: N_("mild opioid use disorder"),
    Severity.MODERATE: N_("moderate opioid use disorder"),
    Severity.SEVERE: N_("severe opioid use disorder"),
}
# A severity as a label of its own, with the counts it stands for (FHIR's display text).
SEVERITY_DISPLAY = {
    Severity.NONE: N_("None (below the threshold of 2 criteria)"),
    Severity.MILD: N_("Mild (2-3 criteria)"),
    Severity.MODERATE: N_("Moderate (4-5 criteria)"),
    Severity.SEVERE: N_("Severe (6 or more criteria)"),
}


# --- severity ---------------------------------------------------------------------------


def meaning(severity: Severity) -> str:
    """ "a pattern consistent with mild opioid use disorder"."""
    return _(MEANING[severity])


def band_name(severity: Severity) -> str:
    """ "mild opioid use disorder", or "below the threshold"."""
    return _(BAND_NAME[severity])


def severity_display(severity: Severity) -> str:
    """The severity with the counts it stands for: "Mild (2-3 criteria)"."""
    return _(SEVERITY_DISPLAY[severity])


def severity_word(severity: Severity) -> str:
    """The severity in one word: "none", "mild", "moderate", "severe"."""
    words = {
        Severity.NONE: pgettext("severity", "none"),
        Severity.MILD: pgettext("severity", "mild"),
        Severity.MODERATE: pgettext("severity", "moderate"),
        Severity.SEVERE: pgettext("severity", "severe"),
    }
    return words[severity]


# --- the result sentence ----------------------------------------------------------------


def result_sentence(res: Result, voice: Voice = "screen") -> str:
    """The result in one sentence (for answers about someone else, `seen_sentence`).

    - screen: "5 of 11 criteria: a pattern consistent with moderate opioid use disorder";
    - summary: "5 of 11 criteria met: a pattern consistent with moderate opioid use disorder.";
    - line: "moderate (5 of 11 criteria)", "mild to moderate (3-4 of 11 criteria)";
    - record: as on screen (FHIR says the result with codes and notes of its own instead).
    """
    if res.perspective == OTHER:
        return seenwords.seen_sentence(res, voice)
    if voice == "line":
        return _result_line(res)
    if res.screened_out:
        return _(
            "No opioid use in the past 12 months was reported, so the criteria were not asked."
        )
    doubtful = len(res.ids(Status.UNCERTAIN))
    if doubtful:
        return _doubtful_sentence(res, voice, doubtful)
    open_ = res.count_max - res.count
    if voice == "summary":  # about the person, with a full stop
        return _counted(
            res,
            _("{count} of 11 criteria met: {meaning}."),
            _(
                "{count} to {top} of 11 criteria met ({open} not answered): {meaning}, "
                "whatever the unanswered ones turn out to be."
            ),
            ngettext(
                "{count} to {top} of 11 criteria met ({open} not answered): {low} on the answers "
                "given, up to {high} if it is met.",
                "{count} to {top} of 11 criteria met ({open} not answered): {low} on the answers "
                "given, up to {high} if they are met.",
                open_,
            ),
        )
    return _counted(  # on screen (and in a record): to the person, no full stop
        res,
        _("{count} of 11 criteria: {meaning}"),
        _(
            "{count} to {top} of 11 criteria ({open} not answered): {meaning}, however the "
            "unanswered ones turn out"
        ),
        ngettext(
            "{count} to {top} of 11 criteria ({open} not answered): {low} as answered, up to "
            "{high} if it is a yes",
            "{count} to {top} of 11 criteria ({open} not answered): {low} as answered, up to "
            "{high} if they are a yes",
            open_,
        ),
    )


def _counted(res: Result, exact: str, settled: str, ranged: str) -> str:
    """The counted result in one of three messages, filled alike: `exact` when nothing is
    open, `settled` when the open criteria cannot change the severity, `ranged` otherwise."""
    count, top = res.count, res.count_max
    if count == top:
        return exact.format(count=count, meaning=meaning(res.severity))
    if res.severity is res.severity_max:
        return settled.format(count=count, top=top, open=top - count, meaning=meaning(res.severity))
    return ranged.format(
        count=count,
        top=top,
        open=top - count,
        low=band_name(res.severity),
        high=band_name(res.severity_max),
    )


def _doubtful_sentence(res: Result, voice: Voice, doubtful: int) -> str:
    """The result sentence when tolerance or withdrawal hang on a skipped "all use was
    prescribed?": they are open, and the sentence says why rather than "not answered"."""
    unanswered = res.count_max - res.count - doubtful
    why = ngettext(
        "{n} depends on whether all use was prescribed",
        "{n} depend on whether all use was prescribed",
        doubtful,
    ).format(n=doubtful)
    if unanswered:
        why = _("{unanswered} not answered, {uncertain}").format(
            unanswered=unanswered, uncertain=why
        )
    values = {
        "count": res.count,
        "top": res.count_max,
        "open": why,
        "meaning": meaning(res.severity),
        "low": band_name(res.severity),
        "high": band_name(res.severity_max),
    }
    if voice == "summary":
        if res.severity is res.severity_max:
            return _("{count} to {top} of 11 criteria met ({open}): {meaning} either way.").format(
                **values
            )
        return _(
            "{count} to {top} of 11 criteria met ({open}): {low} on the answers given, up to "
            "{high}."
        ).format(**values)
    if res.severity is res.severity_max:
        return _("{count} to {top} of 11 criteria ({open}): {meaning} either way").format(**values)
    return _("{count} to {top} of 11 criteria ({open}): {low} as answered, up to {high}").format(
        **values
    )


def _result_line(res: Result) -> str:
    if res.screened_out:
        return _("no opioid use in the past 12 months reported")
    low, high = severity_word(res.severity), severity_word(res.severity_max)
    if res.count == res.count_max:
        return _("{severity} ({count} of 11 criteria)").format(severity=low, count=res.count)
    if res.severity is res.severity_max:
        return _("{severity} ({count}-{top} of 11 criteria)").format(
            severity=low, count=res.count, top=res.count_max
        )
    return _("{low} to {high} ({count}-{top} of 11 criteria)").format(
        low=low, high=high, count=res.count, top=res.count_max
    )


def not_a_diagnosis(voice: Voice = "screen", perspective: str = "self") -> str:
    """The reminder every result carries; about someone else, that it is not theirs to give."""
    if perspective == OTHER:
        return _not_a_diagnosis_other(voice)
    if voice == "summary":
        return _(
            "This is a screening, not a diagnosis. Only a clinician can diagnose opioid use "
            "disorder."
        )
    if voice == "record":
        return _("A self-screening, not a diagnosis: only a clinician can diagnose.")
    return _("This is a screening, not a diagnosis. Only a clinician can diagnose.")


def uncertain_supervision(voice: Voice = "screen") -> str:
    """Why tolerance and withdrawal answered yes are open: "all use was prescribed?" was
    skipped, and nothing else the person said rules it out."""
    if voice == "screen":
        return _(
            "You did not say whether all your opioid use was prescribed. Needing more and "
            "withdrawal count only when it was not, so your yes to them is shown as open, not "
            "as met."
        )
    return _(
        "Whether all opioid use was prescribed was not answered, so tolerance and withdrawal "
        "answered yes are left open rather than counted (the exclusion for use under medical "
        "supervision may apply)."
    )


def changed_since(bank: Bank, res: Result, voice: Voice = "screen") -> str:
    """The note for answers given to an earlier wording of questions that have changed meaning
    since: they are counted as given. Empty when there are none."""
    if not res.changed_since:
        return ""
    names = ", ".join(clean(bank.question(qid).short) for qid in res.changed_since)
    if voice == "screen":
        return ngettext(
            "One of these answers was given to an earlier wording of its question, which has "
            "changed meaning since: {names}. It is counted as given; you may want to answer "
            "it again.",
            "Some of these answers were given to an earlier wording of their questions, which "
            "have changed meaning since: {names}. They are counted as given; you may want to "
            "answer them again.",
            len(res.changed_since),
        ).format(names=names)
    return ngettext(
        "These answers were given to version {given} of the questions. Since then {n} "
        "question has changed meaning: {names}. Its answer is counted as given.",
        "These answers were given to version {given} of the questions. Since then {n} "
        "questions have changed meaning: {names}. Their answers are counted as given.",
        len(res.changed_since),
    ).format(given=res.answered_version, n=len(res.changed_since), names=names)


# --- answers about someone else ---------------------------------------------------------
#
# A result about another person (perspective `other`) never labels them: it says how many of
# the 11 signs what the person answering has seen matches, as a range (what they do not know,
# and what no one can see from outside, could go either way), and no severity.


def safety_heading(perspective: str) -> str:
    """The heading over the safety flags on the result screen."""
    if perspective == OTHER:
        return _("Overdose risks you have seen")
    return _("Safety")


def save_offer(perspective: str) -> str:
    """The first choice after the result at a terminal: what a summary is for."""
    if perspective == OTHER:
        return _("Save a summary to keep, or to show a counselor")
    return _("Save a summary to bring to a clinician")


def who_text() -> str:
    """The question asked first when a bank offers more than one perspective."""
    return _("Who is this screening about?")


def result_heading(perspective: str) -> str:
    """The heading over a result on screen."""
    if perspective == OTHER:
        return _("What you have seen")
    return _("Your screening result")


def prescribed_note(res: Result, voice: Voice = "screen") -> str:
    """About someone else whose opioids are all prescribed and taken as prescribed."""
    if voice == "summary":
        return _(
            "The person answering said all the other person's opioid use is prescribed and taken "
            "as prescribed, so withdrawal seen is not counted: it is expected with prescribed "
            "opioids."
        )
    return _(
        "You said all their opioid use is prescribed and taken as prescribed, so withdrawal you "
        "have seen is not counted: it is expected with prescribed opioids."
    )


def prescribed_open_note(voice: Voice = "screen") -> str:
    """About someone else whose only known opioids are prescribed, when whether they take them
    as prescribed was not known or not answered."""
    if voice == "summary":
        return _(
            "Whether all the other person's opioid use is prescribed was not known, so withdrawal "
            "seen is left open: it may be expected with prescribed medicine."
        )
    return _(
        "You did not say whether all their opioid use is prescribed, so withdrawal you have seen "
        "is left open: it may be expected with prescribed medicine."
    )


def _not_a_diagnosis_other(voice: Voice) -> str:
    if voice == "summary":
        return _(
            "This is not a diagnosis, and no one can be diagnosed through someone else's "
            "answers. Only the person themselves, with a clinician who talks with them, can say "
            "more."
        )
    if voice == "record":
        return _("Someone else's account, not a diagnosis: only a clinician can diagnose.")
    return _(
        "This is not a diagnosis. Only they, and a clinician who talks with them, can say more."
    )


def sign_status(c: CriterionResult, res: Result) -> str:
    """One of the 11 signs as the person answering saw it: "seen", "not seen", "don't know",
    "can't be seen from outside" (no question can look at it), "skipped", "not answered"."""
    if c.status is Status.MET:
        return pgettext("sign", "seen")
    if c.status is Status.NOT_MET:
        return pgettext("sign", "not seen")
    if c.status is Status.EXCLUDED:
        return pgettext("sign", "not counted (prescribed use)")
    if c.status is Status.UNCERTAIN:
        return pgettext("sign", "seen, but may be from prescribed medicine")
    if c.status is Status.UNKNOWN:
        return dont_know() if c.answers else pgettext("sign", "can't be seen from outside")
    if any(qid in res.answers for qid, _value in c.answers):
        return skipped()
    return not_answered()


def open_counts(res: Result) -> tuple[int, int, int]:
    """How many signs a range leaves open: (answered "don't know", no question can see them,
    skipped or never reached, or seen but perhaps from prescribed medicine)."""
    unknown = unseen = open_ = 0
    for c in res.criteria:
        if c.status is Status.UNKNOWN:
            if c.answers:
                unknown += 1
            else:
                unseen += 1
        elif c.status in (Status.UNANSWERED, Status.UNCERTAIN):
            open_ += 1
    return unknown, unseen, open_


def open_sentence(res: Result, voice: Voice = "screen") -> str:
    """Why the count about someone else is a range ("" when it is not): what was not known,
    what no one can see from outside, and what was not answered."""
    unknown, unseen, open_ = open_counts(res)
    if not (unknown or unseen or open_):
        return ""
    parts = []
    if unknown:
        parts.append(
            ngettext("{n} you did not know about", "{n} you did not know about", unknown).format(
                n=unknown
            )
            if voice == "screen"
            else ngettext(
                "{n} the person answering did not know about",
                "{n} the person answering did not know about",
                unknown,
            ).format(n=unknown)
        )
    if unseen:
        parts.append(
            ngettext(
                "{n} no one can see from outside (only they can tell)",
                "{n} no one can see from outside (only they can tell)",
                unseen,
            ).format(n=unseen)
        )
    if open_:
        parts.append(ngettext("{n} not answered", "{n} not answered", open_).format(n=open_))
    listed = parts[0]
    for n, part in enumerate(parts[1:], start=2):
        # The last one joined as the language joins a list's last item ("2 ..., 3 ... y 1 ...").
        joiner = pgettext("list, last", "{first}, {second}") if n == len(parts) else None
        listed = (joiner or _("{first}, {second}")).format(first=listed, second=part)
    return _(
        "Of the 11 signs, {listed}. Each of these could go either way, so the count is a range."
    ).format(listed=listed)


# --- criteria and answers ---------------------------------------------------------------


def status_label(status: Status, perspective: str = "self") -> str:
    """How one criterion came out: "met", "not met", ...; about someone else, as what the
    person answering has seen: "seen", "not seen", "not known"."""
    if perspective == OTHER:
        labels = {
            Status.MET: pgettext("sign", "seen"),
            Status.NOT_MET: pgettext("sign", "not seen"),
            Status.EXCLUDED: pgettext("criterion", "not counted (prescribed use)"),
            Status.UNANSWERED: pgettext("criterion", "not answered"),
            Status.UNCERTAIN: pgettext("sign", "open (prescribed use not known)"),
            Status.UNKNOWN: pgettext("sign", "not known"),
        }
        return labels[status]
    labels = {
        Status.MET: pgettext("criterion", "met"),
        Status.NOT_MET: pgettext("criterion", "not met"),
        Status.EXCLUDED: pgettext("criterion", "not counted (prescribed use)"),
        Status.UNANSWERED: pgettext("criterion", "not answered"),
        Status.UNCERTAIN: pgettext("criterion", "open (prescribed use not answered)"),
        Status.UNKNOWN: pgettext("criterion", "not known"),
    }
    return labels[status]


def answer_label(q: Question, value: Value) -> str:
    """How an answer reads to a person; None is a question skipped on purpose."""
    if value is None:
        return skipped()
    if q.is_unknown(value):
        return dont_know()
    return kind_of(q).label(q, value)


def option_label(q: Question, value: object) -> str:
    """One option of a question as a person reads it: its label from the bank, or yes/no in
    the language in use (the yes/no labels are the program's words, not the bank's)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if q.is_unknown(value):
        return dont_know()
    return clean(q.label_of(value))


def not_finished(res: Result) -> str:
    """Said with the result of answers saved part-way: the screening was not finished."""
    n = len(res.not_reached)
    return ngettext(
        "This screening was not finished: {n} question was not reached.",
        "This screening was not finished: {n} questions were not reached.",
        n,
    ).format(n=n)


def skipped() -> str:
    """An answer skipped on purpose."""
    return pgettext("answer", "skipped")


def dont_know() -> str:
    """ "I don't know", given as an answer (kept apart from a skip)."""
    return pgettext("answer", "don't know")


def not_answered() -> str:
    """A question never reached (the run stopped before it)."""
    return pgettext("answer", "not answered")


def not_asked() -> str:
    """A criterion none of whose questions applied."""
    return pgettext("answer", "not asked")


# --- next steps -------------------------------------------------------------------------


def urgency_label(urgency: Urgency, voice: Voice = "screen") -> str:
    """How soon a next step is: "Now" before it on screen, "(urgent)" after it in a summary."""
    if voice == "summary":
        labels = {
            Urgency.NOW: pgettext("urgency", "urgent"),
            Urgency.SOON: pgettext("urgency", "soon"),
            Urgency.WHEN_READY: pgettext("urgency", "when ready"),
        }
    else:
        labels = {
            Urgency.NOW: pgettext("urgency", "Now"),
            Urgency.SOON: pgettext("urgency", "Soon"),
            Urgency.WHEN_READY: pgettext("urgency", "When you are ready"),
        }
    return labels[Urgency(urgency)]


def flag_questions_answered(bank: Bank, res: Result) -> bool:
    """Whether any question a safety flag reads has an answer: no flag then means "none"."""
    asked = set().union(*(question_names(f.when) for f in bank.flags))
    return any(res.answers.get(qid) is not None for qid in asked)


def no_flags_sentence(bank: Bank, res: Result, voice: Voice = "screen") -> str:
    """What stands where the safety flags would be when none was raised."""
    if not flag_questions_answered(bank, res):
        return _("The overdose-risk questions were not answered.")
    if voice == "summary":
        return _("None of the overdose risks asked about were reported.")
    return _("None of the overdose risks we asked about were reported.")


# --- the demo ---------------------------------------------------------------------------


def demo_banner(persona: str | None = None, voice: Voice = "screen") -> str:
    """The notice on everything made from a persona's fictional answers: "DEMO: fictional
    answers (persona: sam)". The persona's name is given as it is: callers clean it."""
    if persona is None:
        return _("DEMO: fictional answers")
    if voice == "summary":
        return _("DEMO: fictional answers (persona {name})").format(name=persona)
    return _("DEMO: fictional answers (persona: {name})").format(name=persona)


# --- dates ------------------------------------------------------------------------------


def month_name(month: int) -> str:
    """The name of month 1 to 12, as in "21 November 2026"."""
    names = (
        pgettext("month", "January"),
        pgettext("month", "February"),
        pgettext("month", "March"),
        pgettext("month", "April"),
        pgettext("month", "May"),
        pgettext("month", "June"),
        pgettext("month", "July"),
        pgettext("month", "August"),
        pgettext("month", "September"),
        pgettext("month", "October"),
        pgettext("month", "November"),
        pgettext("month", "December"),
    )
    return names[month - 1]


# The words of a screening about someone else and of a withdrawal rating have modules of their
# own (screener.core.seenwords, screener.core.withdrawalwords); they stay importable from here,
# where code written before the split finds them.
whose_account = seenwords.whose_account
seen_sentence = seenwords.seen_sentence
seen_headline = seenwords.seen_headline
seen_meaning = seenwords.seen_meaning
withdrawal_sentence = withdrawalwords.withdrawal_sentence
band_sentence = withdrawalwords.band_sentence
band_meaning = withdrawalwords.band_meaning
withdrawal_treatable = withdrawalwords.withdrawal_treatable
translated_scale_note = withdrawalwords.translated_scale_note
