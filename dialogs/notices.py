"""What changed between the result an owner was last sent and a fresh assessment. Pure, no I/O.

A :class:`ResultDigest` is the little a subscription keeps of a result: per match (keyed by rule id,
``@events[i]`` for an event's), its status, amount, whether it counts in the total, its window's
end and citation, plus the total, the date and the ruleset version, and which closing windows the
owner was already warned about. It is built from the engine's :class:`rules.engine.Assessment`
(fast: ``awardbot notify`` builds 10,000 of them a run) or from stored assessment JSON (the staff's
records).

:func:`compare` lists every difference (what ``awardbot records diff`` prints for staff);
:func:`notice_changes` keeps what an owner is told (issue 12): a new award, a lost award, a changed
amount, a clause that expired, and a window that closes within :data:`CLOSING_DAYS` of the date
(once per window). :func:`notice_id` is deterministic — the subscriber, the result it was last sent,
and what changed — so two runs at once, or a rerun after a crash, compute the same outbox row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from rules.engine import Assessment, Match
from rules.loader import Ruleset

CLOSING_DAYS = 90
"""A window that ends within this many days of the date is announced as closing (once)."""

ChangeKind = Literal[
    # what an owner is told
    "new_award", "lost_award", "amount", "expired", "closing",
    # what only staff see as well
    "ruleset", "total", "added", "removed", "status",
]
NOTICE_KINDS = ("new_award", "lost_award", "amount", "expired", "closing")


@dataclass(frozen=True, slots=True)
class MatchDigest:
    """One match as a digest keeps it (a dataclass: a notify run builds hundreds of thousands)."""

    rule_id: str
    clause_id: str
    status: str
    amount: float | None = None
    counted: bool = False
    window_to: dt.date | None = None
    document: str = ""
    article: str = ""


class ResultDigest(BaseModel):
    """What a subscription keeps of the last result sent (see the module docstring)."""

    as_of: dt.date
    ruleset_version: str
    total_cny: float = 0
    matches: dict[str, MatchDigest] = Field(default_factory=dict)
    warned_closing: list[str] = Field(default_factory=list)  # "<match key>@<window end>" already announced

    def to_stored(self) -> dict[str, Any]:
        """The digest as JSON-ready data (what :meth:`stored` reads; the same as ``model_dump(mode="json")``)."""
        return {"as_of": self.as_of.isoformat(), "ruleset_version": self.ruleset_version, "total_cny": self.total_cny,
                "matches": {key: {"rule_id": m.rule_id, "clause_id": m.clause_id, "status": m.status,
                                  "amount": m.amount, "counted": m.counted,
                                  "window_to": m.window_to.isoformat() if m.window_to else None,
                                  "document": m.document, "article": m.article}
                            for key, m in self.matches.items()},
                "warned_closing": list(self.warned_closing)}

    @classmethod
    def stored(cls, data: dict[str, Any]) -> ResultDigest:
        """A digest as ``model_dump(mode="json")`` wrote it, read without per-field validation (a notify run
        reads one per subscriber); anything else is validated (and refused with ``ValidationError``)."""
        try:
            matches = {key: MatchDigest(
                rule_id=m["rule_id"], clause_id=m["clause_id"], status=m["status"], amount=m["amount"],
                counted=m["counted"], window_to=dt.date.fromisoformat(m["window_to"]) if m["window_to"] else None,
                document=m["document"], article=m["article"]) for key, m in data["matches"].items()}
            return cls.model_construct(as_of=dt.date.fromisoformat(data["as_of"]),
                                       ruleset_version=data["ruleset_version"], total_cny=data["total_cny"],
                                       matches=matches, warned_closing=list(data["warned_closing"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls.model_validate(data)


def match_key(rule_id: str, event_index: int | None) -> str:
    return rule_id if event_index is None else f"{rule_id}@events[{event_index}]"


def _number(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def digest_of_assessment(ruleset: Ruleset, assessment: Assessment) -> ResultDigest:
    """The digest of an engine assessment (every match, any status)."""
    parts = _rule_parts(ruleset)
    matches = {match_key(match.rule.rule_id, match.event_index): _match_digest(parts, match)
               for match in assessment.matches}
    return ResultDigest.model_construct(as_of=assessment.as_of, ruleset_version=assessment.ruleset_version,
                                        total_cny=_number(assessment.total_max_award_cny) or 0, matches=matches,
                                        warned_closing=[])


_RULE_PARTS: dict[int, tuple[Ruleset, dict[str, tuple[str, dt.date | None, str, str]]]] = {}


def _rule_parts(ruleset: Ruleset) -> dict[str, tuple[str, dt.date | None, str, str]]:
    """rule id → (clause id, window end, document number, article), worked out once per ruleset."""
    cached = _RULE_PARTS.get(id(ruleset))
    if cached is None or cached[0] is not ruleset:
        parts = {rule.rule_id: (rule.clause_id, ruleset.window_of(rule).end, ruleset.document_of(rule).number,
                                rule.article) for rule in ruleset.rules}
        cached = _RULE_PARTS[id(ruleset)] = (ruleset, parts)
    return cached[1]


def _match_digest(parts: dict[str, tuple[str, dt.date | None, str, str]], match: Match) -> MatchDigest:
    rule = match.rule
    clause_id, window_to, document, article = parts[rule.rule_id]
    amount = match.amount.value
    return MatchDigest(rule_id=rule.rule_id, clause_id=clause_id, status=match.status, amount=_number(amount),
                       counted=match.counted and amount is not None and rule.benefit != "loan",
                       window_to=window_to, document=document, article=article)


def digest_of_json(result: dict[str, Any]) -> ResultDigest:
    """The digest of an assessment as CONTRACT §4 JSON (stored records; older ones may lack fields)."""
    matches: dict[str, MatchDigest] = {}
    for match in result.get("matches", []):
        window_to = (match.get("effective") or {}).get("to")
        citation = match.get("citation") or {}
        matches[match_key(match["rule_id"], match.get("event_index"))] = MatchDigest(
            rule_id=match["rule_id"], clause_id=match.get("clause_id", match["rule_id"].split("#")[0]),
            status=match.get("status", ""), amount=_number(match.get("max_award_cny")),
            counted=bool(match.get("counted_in_total", False)),
            window_to=dt.date.fromisoformat(window_to) if window_to else None,
            document=citation.get("document", ""), article=citation.get("article", ""))
    as_of = result.get("as_of")
    return ResultDigest(as_of=dt.date.fromisoformat(as_of) if as_of else dt.date.min,
                        ruleset_version=str(result.get("ruleset_version") or ""),
                        total_cny=_number(result.get("total_max_award_cny")) or 0, matches=matches)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``key`` names the match (empty for the ruleset and the total); ``before`` and
    ``after`` are its digests (None where it is absent); ``days`` is set for a closing window."""

    kind: ChangeKind
    key: str = ""
    before: MatchDigest | None = None
    after: MatchDigest | None = None
    days: int | None = None

    def identity(self) -> str:
        """What makes this change this change (for the deterministic notice id)."""
        after = self.after
        detail = "" if after is None else f"{after.status}|{after.amount}|{after.window_to}"
        return f"{self.kind}:{self.key}:{detail}"


def compare(old: ResultDigest, new: ResultDigest) -> list[Change]:
    """Every difference between two results, as staff read it: the ruleset, the total, matches added
    and removed (any status), status and amount changes. Empty: nothing changed."""
    changes: list[Change] = []
    if old.ruleset_version != new.ruleset_version:
        changes.append(Change("ruleset"))
    if old.total_cny != new.total_cny:
        changes.append(Change("total"))
    for key, after in new.matches.items():
        if key not in old.matches:
            changes.append(Change("added", key, None, after))
    for key, before in old.matches.items():
        if key not in new.matches:
            changes.append(Change("removed", key, before, None))
    for key, after in new.matches.items():
        before = old.matches.get(key)
        if before is None:
            continue
        if before.status != after.status:
            changes.append(Change("status", key, before, after))
        if before.amount != after.amount:
            changes.append(Change("amount", key, before, after))
    return changes


def _closing_mark(key: str, match: MatchDigest) -> str:
    return f"{key}@{match.window_to}"


def notice_changes(old: ResultDigest, new: ResultDigest, closing_days: int = CLOSING_DAYS) -> list[Change]:
    """What the owner is told, in this order: new awards, lost awards, expired clauses, changed
    amounts, windows closing within ``closing_days`` of ``new.as_of`` (not announced before)."""
    new_awards, lost, expired, amounts, closing = [], [], [], [], []
    for key, after in new.matches.items():
        before = old.matches.get(key)
        was_eligible = before is not None and before.status == "eligible"
        if after.status == "eligible" and not was_eligible:
            new_awards.append(Change("new_award", key, before, after))
        elif after.status == "expired" and before is not None and before.status in ("eligible", "possible"):
            expired.append(Change("expired", key, before, after))
        elif was_eligible and after.status != "eligible":
            lost.append(Change("lost_award", key, before, after))
        elif was_eligible and before is not None and before.amount != after.amount:
            amounts.append(Change("amount", key, before, after))
        if after.status in ("eligible", "possible") and after.window_to is not None \
                and _closing_mark(key, after) not in old.warned_closing:
            days = (after.window_to - new.as_of).days
            if 0 <= days <= closing_days:
                closing.append(Change("closing", key, before, after, days=days))
    for key, before in old.matches.items():
        if key not in new.matches and before.status == "eligible":
            lost.append(Change("lost_award", key, before, None))
    return [*new_awards, *lost, *expired, *amounts, *closing]


def digest_after_notice(old: ResultDigest, new: ResultDigest, changes: list[Change]) -> ResultDigest:
    """The digest to keep once the notice of ``changes`` is sent: ``new``, remembering the closing
    windows announced (now or before) that still apply."""
    warned = {_closing_mark(change.key, change.after) for change in changes
              if change.kind == "closing" and change.after is not None}
    still = {_closing_mark(key, match) for key, match in new.matches.items()}
    kept = sorted((set(old.warned_closing) & still) | warned)
    return ResultDigest.model_construct(as_of=new.as_of, ruleset_version=new.ruleset_version,
                                        total_cny=new.total_cny, matches=new.matches, warned_closing=kept)


def notice_id(subscription_key: str, old: ResultDigest, changes: list[Change]) -> str:
    """The outbox id of the notice of ``changes`` to this subscriber: the same inputs, the same id. The
    result it was last sent is named by its date, ruleset and total (so the same change announced again
    later, after it was undone, is a new notice)."""
    base = f"{old.as_of}|{old.ruleset_version}|{old.total_cny}"
    identity = "|".join([subscription_key, base, *sorted(c.identity() for c in changes)])
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def refresh_notice_id(subscription_key: str, year: int) -> str:
    """The outbox id of the yearly "refresh your figures" prompt of ``year``."""
    return hashlib.sha256(f"{subscription_key}|refresh|{year}".encode()).hexdigest()[:32]


def refresh_due(as_of: dt.date, refresh_after: tuple[int, int], answered_on: dt.date,
                refreshed_year: int | None) -> int | None:
    """The year whose refresh prompt is due on ``as_of`` (None: none is). ``refresh_after`` is the
    (month, day) from which a year's new accounts are final; figures given before that day of this
    year are last year's, and the prompt is sent once per year."""
    month, day = refresh_after
    threshold = dt.date(as_of.year, month, day)
    if as_of < threshold or answered_on >= threshold or refreshed_year == as_of.year:
        return None
    return as_of.year
