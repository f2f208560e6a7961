"""One ``awardbot notify`` run: assess every subscriber again, record what changed, send it exactly once.

For each subscription, :func:`notices_for` (no I/O) assesses the stored answers on the current
rules and date, diffs the result against the digest of the last result sent
(:mod:`dialogs.notices`), and words the notice (:mod:`dialogs.notice_text`); once a year it adds the
"refresh last year's figures" prompt. A real run then goes through the outbox
(:mod:`bot.store.subscriptions`) for each notice:

1. **record** it as ``pending`` under its deterministic id (a rerun, or a second run at the same
   time, computes the same id and finds the row there; an older pending notice of the same
   subscriber that a newer diff supersedes is dropped);
2. **claim** it atomically (one run wins; the others skip it);
3. **send** it (PTB, through :class:`telegram.ext.AIORateLimiter`, which also waits out Telegram's
   ``RetryAfter``);
4. **mark** it ``sent`` once Telegram accepted it — in the same atomic write the subscription's
   digest advances, so the next run diffs against what the owner actually got.

A run killed (SIGKILL) before step 4 leaves either ``pending`` rows (recorded, never sent: the next
run sends them) or at most one ``claimed`` row per send in flight. For that row nobody can know
whether Telegram accepted it: the Bot API has no idempotency key and no way to ask. **We choose
never-twice**: a claim older than ``AWARDBOT_NOTIFY_CLAIM_LEASE_SECONDS`` (its run must be dead; a
live run holds a claim for one HTTP request) is marked ``unconfirmed``, reported on the run's output
(exit code 3), and not sent again; the subscription's digest advances as if it had been sent.
Why: the claim is taken microseconds before the request is written, so a kill in that window
almost always lands while waiting for Telegram's answer, after Telegram has the message —
resending would then duplicate it, not recover it. The same holds for a send that times out
(``TimedOut``). A send refused before it left (no connection) is released back to ``pending``.
A chat that blocked the bot (``Forbidden``) is unsubscribed. ``--dry-run`` computes and prints
the notices and touches neither the store nor Telegram.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError

from bot.store import OutboxNotice, Store, Subscription
from bot.store.base import key_for_log
from dialogs.notice_text import change_line, notice_details, notice_text, refresh_text
from dialogs.notices import (
    ResultDigest,
    digest_after_notice,
    digest_of_assessment,
    notice_changes,
    notice_id,
    refresh_due,
    refresh_notice_id,
)
from locales import t
from rules.engine import assess
from rules.loader import Ruleset
from rules.profile import Profile

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_UNCONFIRMED = 3


class SendRefused(Exception):
    """The notice did not leave: worth retrying on the next run."""


class SendUncertain(Exception):
    """The request may have reached Telegram (a timeout): never sent again (see the module docstring)."""


class ChatBlocked(Exception):
    """Telegram says the bot may not write to this chat (the user blocked it)."""


class NoticeSender(Protocol):
    async def __call__(self, notice: OutboxNotice) -> int | None:
        """Send the notice; the message id Telegram gave it. Raises ChatBlocked, SendRefused, SendUncertain."""


@dataclass
class RunReport:
    subscribers: int = 0
    changed: int = 0
    sent: int = 0
    unconfirmed: int = 0
    blocked: int = 0
    failed: int = 0
    refresh: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.failed:
            return EXIT_SOME_FAILED
        return EXIT_UNCONFIRMED if self.unconfirmed else EXIT_OK

    def summary(self, locale: str) -> str:
        return t(locale, "notify.summary", subscribers=self.subscribers, changed=self.changed, sent=self.sent,
                 unconfirmed=self.unconfirmed, blocked=self.blocked, failed=self.failed, refresh=self.refresh)


def chat_label(chat_id: int) -> str:
    return f"chat {chat_id}"


def notices_for(subscription: Subscription, ruleset: Ruleset, as_of: dt.date, refresh_after: tuple[int, int],
                now: float) -> list[OutboxNotice]:
    """The notices due to one subscriber on ``as_of`` (no I/O): the changes since the last result sent,
    and the yearly refresh prompt. Raises ``ValidationError`` when the stored answers no longer fit."""
    profile = Profile.model_validate(subscription.answers)
    fresh = digest_of_assessment(ruleset, assess(ruleset, profile.facts(), as_of, near_misses=False))
    notices = []
    old = ResultDigest.stored(subscription.last_sent)
    changes = notice_changes(old, fresh)
    if changes:
        locale = subscription.locale
        lines = [change_line(ruleset, change, locale) for change in changes]
        body: dict[str, Any] = {
            "locale": locale,
            "messages": [notice_text(ruleset, old, fresh, changes, locale, lines=lines)],
            "details": notice_details(ruleset, changes, locale, lines=lines),
            "last_sent": digest_after_notice(old, fresh, changes).to_stored(),
            "changes": [f"{change.kind} {change.key}" for change in changes],
        }
        notices.append(OutboxNotice(id=notice_id(subscription.key, old, changes), subscription_key=subscription.key,
                                    chat_id=subscription.chat_id, kind="changes", body=body, created_at=now))
    year = refresh_due(as_of, refresh_after, subscription.answered_on, subscription.refreshed_year)
    if year is not None:
        notices.append(OutboxNotice(
            id=refresh_notice_id(subscription.key, year), subscription_key=subscription.key,
            chat_id=subscription.chat_id, kind="refresh", created_at=now,
            body={"locale": subscription.locale, "messages": [refresh_text(year, subscription.locale)],
                  "refresh_year": year}))
    return notices


class NotifyRun:
    """One run over every subscription (see the module docstring)."""

    def __init__(self, store: Store, ruleset: Ruleset, as_of: dt.date, *, refresh_after: tuple[int, int],
                 claim_lease_seconds: float, locale: str, out: Callable[[str], None],
                 clock: Callable[[], float] = time.time, keep_seconds: float = 180 * 24 * 3600) -> None:
        self.store = store
        self.ruleset = ruleset
        self.as_of = as_of
        self.refresh_after = refresh_after
        self.claim_lease_seconds = claim_lease_seconds
        self.locale = locale
        self.out = out
        self.clock = clock
        self.keep_seconds = keep_seconds
        self.claimer = f"run-{uuid.uuid4().hex[:12]}"
        self.report = RunReport()

    def _say(self, message: str, /, **params: object) -> None:
        line = t(self.locale, message, **params)
        self.report.lines.append(line)
        self.out(line)

    async def dry_run(self) -> RunReport:
        """Compute and print every notice due; write nothing, send nothing."""
        async for subscription in self.store.iter_subscriptions():
            for notice in self._notices(subscription):
                self._say("notify.would_send", chat=chat_label(notice.chat_id), key=notice.subscription_key,
                          id=notice.id)
                for message in notice.body["messages"]:
                    self.out(message)
                self.out("")
        return self.report

    async def run(self, send: NoticeSender) -> RunReport:
        """Settle claims left by dead runs, then record, claim, send and mark each notice due. Notices sent
        more than ``keep_seconds`` ago are deleted first (the outbox stays small)."""
        await self.store.purge_finished_notices(self.clock() - self.keep_seconds)
        await self._settle_dead_claims()
        async for subscription in self.store.iter_subscriptions():
            for notice in self._notices(subscription):
                if notice.kind == "changes":
                    await self.store.drop_pending_notices(subscription.key, keep=notice.id)
                await self.store.add_notice(notice)
                if not await self._deliver(notice, send):
                    break  # blocked: the subscription is gone
        return self.report

    def _notices(self, subscription: Subscription) -> list[OutboxNotice]:
        self.report.subscribers += 1
        try:
            notices = notices_for(subscription, self.ruleset, self.as_of, self.refresh_after, self.clock())
        except ValidationError as exc:
            self._say("notify.unreadable", key=subscription.key, problem=exc.errors()[0].get("msg", ""))
            self.report.failed += 1
            return []
        self.report.changed += any(notice.kind == "changes" for notice in notices)
        self.report.refresh += any(notice.kind == "refresh" for notice in notices)
        return notices

    async def _settle_dead_claims(self) -> None:
        """Claims older than the lease belong to runs that died mid-send: unconfirmed, never resent."""
        deadline = self.clock() - self.claim_lease_seconds
        for notice in await self.store.list_notices():
            if notice.state == "claimed" and (notice.claimed_at or 0) <= deadline \
                    and await self.store.finish_notice(notice.id, notice.claimed_by, "unconfirmed", self.clock()):
                self.report.unconfirmed += 1
                self._say("notify.unconfirmed", id=notice.id, key=notice.subscription_key)

    async def _deliver(self, notice: OutboxNotice, send: NoticeSender) -> bool:
        """Claim, send, mark one notice; False when the chat turned out to be blocked."""
        if not await self.store.claim_notice(notice.id, self.claimer, self.clock()):
            stored = await self.store.get_notice(notice.id)
            if stored is not None and stored.state == "claimed":
                self._say("notify.in_progress", id=notice.id, key=notice.subscription_key)
            return True
        try:
            message_id = await send(notice)
        except ChatBlocked:
            await self.store.delete_subscription(notice.subscription_key)
            self.report.blocked += 1
            self._say("notify.blocked", chat=chat_label(notice.chat_id), key=notice.subscription_key)
            return False
        except SendUncertain as exc:
            await self.store.finish_notice(notice.id, self.claimer, "unconfirmed", self.clock())
            self.report.unconfirmed += 1
            log.warning("notice to %s timed out (%s): unconfirmed", key_for_log(notice.subscription_key), exc)
            self._say("notify.unconfirmed", id=notice.id, key=notice.subscription_key)
            return True
        except SendRefused as exc:
            await self.store.release_notice(notice.id, self.claimer)
            self.report.failed += 1
            self._say("notify.failed", key=notice.subscription_key, id=notice.id, error=str(exc)[:200])
            return True
        await self.store.finish_notice(notice.id, self.claimer, "sent", self.clock(), message_id)
        self.report.sent += 1
        self._say("notify.sent", chat=chat_label(notice.chat_id), key=notice.subscription_key, id=notice.id)
        return True

