"""The bank reader's last parts: what a result shows, read after the questions they test.

Flags (noticed from answers), referrals and caveats (chosen by answers or by the result), the
emergency block and the helplines. Their conditions are read by `Conditions`; problems are
noted through `FieldReader`. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Mapping

from screener.core.model import Caveat, Emergency, Flag, Helpline, Question, Referral, Urgency
from screener.core.safetext import show_value
from screener.files import yamlsrc
from screener.files.bank_conditions import Conditions
from screener.files.problems import Hint
from screener.i18n import N_, _


class Results(Conditions):
    """Reads flags, referrals, caveats, the emergency block and the helplines."""

    def readable(self, perspective: str | None) -> Mapping[str, Question]:
        """The questions the `when` of a flag, referral or caveat for `perspective` may name:
        any, for one shown in every perspective (it never holds where they are not asked)."""
        return self.questions if perspective is None else self.asked_where(perspective)

    def read_flags(self, value: object) -> list[Flag]:
        self.in_findings = True  # flags, referrals and caveats come after every question
        out: list[Flag] = []
        for i, item in enumerate(self.items(value, ("flags",), required=False)):
            path: yamlsrc.Path = ("flags", i)
            keys = {
                "id", "label", "detail", "when", "source", "perspective", "overdose", "call",
                "immediate",
            }  # fmt: skip
            m = self.mapping(item, path, keys, ("id", "label", "when"))
            if m is None:
                continue
            fid = self.ident(m, "id", path)
            if fid in self.flag_ids:
                self.error((*path, "id"), _("duplicate flag id {id}"), id=show_value(fid))
            self.flag_ids.append(fid)
            perspective = self.perspective_key(m, path)
            when = self.condition(m.get("when"), (*path, "when"), self.readable(perspective))
            if when is None:
                continue
            out.append(
                Flag(
                    id=fid,
                    label=self.text(m, "label", path),
                    detail=self.text(m, "detail", path, required=False),
                    when=when,
                    source=self.sources(m, path),
                    perspective=perspective,
                    overdose=self.flag(m, "overdose", path) if "overdose" in m else True,
                    call=self.calls(m.get("call"), (*path, "call")),
                    immediate=self.flag(m, "immediate", path),
                )
            )
        return out

    def calls(self, value: object, path: yamlsrc.Path) -> tuple[str, ...]:
        """A flag's `call`: helpline ids, checked once the helplines are read."""
        if value is None:
            return ()
        out = []
        for i, item in enumerate(self.items(value, path)):
            if not isinstance(item, str):
                self.error(
                    (*path, i), _("expected a helpline id, got {value}"), value=show_value(item)
                )
                continue
            self.call_uses.append(((*path, i), item))
            out.append(item)
        return tuple(out)

    def steps_named(self, value: object, path: yamlsrc.Path) -> tuple[str, ...]:
        """A helpline's `only_with`: referral ids, read after the referrals."""
        if value is None:
            return ()
        out = []
        for i, item in enumerate(self.items(value, path)):
            if not isinstance(item, str) or item not in self.referral_ids:
                self.error(
                    (*path, i),
                    _("{value} is not a referral{hint}"),
                    value=show_value(item),
                    hint=Hint(str(item), self.referral_ids),
                )
                continue
            out.append(item)
        return tuple(out)

    def read_referrals(self, value: object) -> list[Referral]:
        out: list[Referral] = []
        ids: set[str] = set()
        for i, item in enumerate(self.items(value, ("referrals",), required=False)):
            path: yamlsrc.Path = ("referrals", i)
            keys = {"id", "title", "brief", "text", "urgency", "when", "source", "perspective"}
            m = self.mapping(item, path, keys, ("id", "title", "text", "urgency"))
            if m is None:
                continue
            rid = self.unique(m, path, ids, N_("duplicate referral id {id}"))
            self.referral_ids.append(rid)
            urgency = self.enum(Urgency, m, "urgency", path) or Urgency.WHEN_READY
            perspective = self.perspective_key(m, path)
            when = self.condition(
                m.get("when"), (*path, "when"), self.readable(perspective), results=True
            )
            out.append(
                Referral(
                    id=rid,
                    title=self.text(m, "title", path),
                    text=self.text(m, "text", path),
                    urgency=urgency,
                    brief=self.text(m, "brief", path, required=False),
                    when=when,
                    source=self.sources(m, path),
                    perspective=perspective,
                )
            )
        return out

    def read_caveats(self, value: object) -> list[Caveat]:
        out: list[Caveat] = []
        ids: set[str] = set()
        for i, item in enumerate(self.items(value, ("caveats",), required=False)):
            path: yamlsrc.Path = ("caveats", i)
            keys = {"id", "text", "when", "source", "perspective"}
            m = self.mapping(item, path, keys, ("id", "text"))
            if m is None:
                continue
            cid = self.unique(m, path, ids, N_("duplicate caveat id {id}"))
            perspective = self.perspective_key(m, path)
            out.append(
                Caveat(
                    id=cid,
                    text=self.text(m, "text", path),
                    when=self.condition(
                        m.get("when"), (*path, "when"), self.readable(perspective), results=True
                    ),
                    source=self.sources(m, path),
                    perspective=perspective,
                )
            )
        return out

    def read_emergency(self, value: object) -> Emergency:
        path: yamlsrc.Path = ("emergency",)
        if value is None:
            self.error(path, _("the bank needs an emergency block (overdose signs and what to do)"))
            return Emergency("", (), (), "", ())
        keys = {"title", "brief", "signs", "steps", "note", "source"}
        m = self.mapping(value, path, keys, ("title", "signs", "steps")) or {}
        return Emergency(
            title=self.text(m, "title", path),
            signs=self.text_list(m.get("signs"), (*path, "signs")),
            steps=self.text_list(m.get("steps"), (*path, "steps")),
            note=self.text(m, "note", path, required=False),
            source=self.sources(m, path),
            brief=self.text(m, "brief", path, required=False),
        )

    def read_helplines(self, value: object) -> list[Helpline]:
        out: list[Helpline] = []
        ids: set[str] = set()
        items = self.items(value, ("helplines",), required=False)
        if not items:
            self.error(("helplines",), _("the bank needs at least one helpline"))
        for i, item in enumerate(items):
            path: yamlsrc.Path = ("helplines", i)
            keys = {
                "id", "name", "contact", "detail", "brief", "emergency", "source", "only_with",
            }  # fmt: skip
            m = self.mapping(item, path, keys, ("id", "name", "contact"))
            if m is None:
                continue
            out.append(
                Helpline(
                    id=self.unique(m, path, ids, N_("duplicate helpline id {id}")),
                    name=self.text(m, "name", path),
                    contact=self.text(m, "contact", path),
                    detail=self.text(m, "detail", path, required=False),
                    source=self.sources(m, path),
                    brief=self.text(m, "brief", path, required=False),
                    emergency=self.flag(m, "emergency", path),
                    only_with=self.steps_named(m.get("only_with"), (*path, "only_with")),
                )
            )
        known = [h.id for h in out]
        for where, hid in self.call_uses:
            if hid not in known:
                self.error(
                    where,
                    _("{value} is not a helpline{hint}"),
                    value=show_value(hid),
                    hint=Hint(hid, known),
                )
        return out
