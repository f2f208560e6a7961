"""The glue every channel shares: run the pure dialog against the store, one message at a time.

``ConversationService`` loads a conversation's state, applies :func:`dialogs.conversation.step`
inside the store's compare-and-set update (so two messages at once are applied one after the
other, across processes too), and stores an assessment record when a conversation finishes.
Channels only translate its :class:`dialogs.turn.Turn`. Next to the dialog state the store keeps a
bounded transcript (:mod:`bot.session_record`), written in the same update, for a reload; the
records this process wrote last are kept with their text (:class:`bot.session_record.RecentRecords`),
so the next turn reads its record back without parsing it again.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.session_record import RecentRecords, SessionRecord
from bot.store import AssessmentRecord, Store
from bot.store.base import key_for_log
from dialogs.conversation import current_turn, restart, start, start_refresh, step
from dialogs.selection import toggle_option
from dialogs.state import DialogState
from dialogs.turn import Turn

log = logging.getLogger(__name__)


class ConversationMissing(LookupError):
    """``reply(create=False)`` on a conversation that does not exist (never made, expired, forgotten),
    or any use of a web conversation that was forgotten."""


FORGOTTEN_STATE = '{"forgotten": true}'
"""What a forgotten web conversation's key holds: nothing of it, only that it was forgotten, so that
its id (still validly signed) answers "not found" instead of starting afresh. It expires like an idle
conversation."""


class ConversationService:
    def __init__(self, store: Store, default_locale: str = "zh-CN") -> None:
        self.store = store
        self.default_locale = default_locale
        self._records = RecentRecords()

    def _stored_record(self, key: str, old: str | None, *, read_only: bool = False) -> SessionRecord | None:
        """The record stored as ``old`` (None: nothing stored); a forgotten conversation is missing.
        ``read_only``: see :meth:`RecentRecords.load` (the updates here only read it and step its dialog)."""
        if old == FORGOTTEN_STATE:
            raise ConversationMissing(key)
        return self._records.load(key, old, read_only=read_only)

    async def start(self, key: str, locale: str | None = None, delivery: int | None = None) -> Turn:
        """Start (or start over) the conversation ``key``."""
        def begin(_old: str | None) -> tuple[str, Turn]:
            state, turn = start(locale or self.default_locale)
            state.delivered(delivery)
            return self._records.dump(key, SessionRecord(dialog=state).showing(turn)), turn

        _, turn = await self.store.update(key, begin)
        log.debug("conversation %s started", key_for_log(key))
        return turn

    async def reply(self, key: str, text: str, channel: str, *, create: bool = True,
                    locale: str | None = None, fresh_locale: str | None = None,
                    answering: int | None = None, delivery: int | None = None) -> Turn:
        """Apply one user message, atomically.

        A conversation that does not exist yet is started (in ``locale``) when ``create``; otherwise
        :class:`ConversationMissing` is raised and nothing is written, so a message racing a
        deletion cannot bring a forgotten conversation back. ``fresh_locale``: the conversation was
        handed out but not stored yet (a web session before its first message): it is started in
        that locale and ``text`` applied to it. ``answering``: the number of the turn ``text``
        answers; when the conversation is no longer on that turn (a retried or duplicated send)
        the text is not applied again and the current turn is returned. ``delivery``: the channel's
        id of the message (Telegram's ``update_id``); one among the last applied is a redelivery,
        likewise not applied again. Both checks run inside the compare-and-set update,
        with the new state in one write, so neither concurrent duplicates nor a crash between
        applying and answering apply a message twice.
        """
        def apply(old: str | None) -> tuple[str, tuple[Turn, DialogState | None]]:
            record = self._stored_record(key, old, read_only=True)
            if record is None:
                if fresh_locale is not None:
                    state, first = start(fresh_locale)
                    record = SessionRecord(dialog=state).showing(first)
                elif not create:
                    raise ConversationMissing(key)
                else:
                    state, turn = start(locale or self.default_locale)
                    state.delivered(delivery)
                    return self._records.dump(key, SessionRecord(dialog=state).showing(turn)), (turn, None)
            elif (answering is not None and answering != record.dialog.turn) or (
                    delivery is not None and delivery in record.dialog.deliveries):
                return self._records.dump(key, record), (current_turn(record.dialog, as_sent=True), None)
            was_done = record.dialog.done
            state, turn = step(record.dialog, text)
            state.deliveries = list(record.dialog.deliveries)  # kept across a restart of the dialog too
            state.delivered(delivery)
            if turn.turn > record.dialog.turn:  # applied: what was said and shown joins the transcript
                switched = state.locale if state.locale != record.dialog.locale else None  # "English" is English
                record = record.said(text, switched).model_copy(update={"dialog": state}).showing(turn)
            else:
                record = record.model_copy(update={"dialog": state})
            return self._records.dump(key, record), (turn, state if turn.done and not was_done else None)

        _, (turn, finished) = await self.store.update(key, apply)
        if finished is not None:
            await self._record(key, finished, turn, channel)
        return turn

    async def start_refresh(self, key: str, answers: dict[str, Any], locale: str,
                            delivery: int | None = None) -> Turn:
        """Start the conversation ``key`` again from earlier ``answers`` (the yearly refresh): the yearly
        figures are asked again, the old value shown (:func:`dialogs.conversation.start_refresh`)."""
        def begin(_old: str | None) -> tuple[str, Turn]:
            state, turn = start_refresh(answers, locale)
            state.delivered(delivery)
            return self._records.dump(key, SessionRecord(dialog=state).showing(turn)), turn

        _, turn = await self.store.update(key, begin)
        return turn

    async def toggle(self, key: str, question_key: str, option_id: str) -> list[str] | None:
        """A multi-select button pressed: applied to the stored state (so fast taps never lose one);
        the selection now, or ``None`` when there is no such conversation."""
        def apply(old: str | None) -> tuple[str, list[str]]:
            record = self._stored_record(key, old, read_only=True)
            if record is None:
                raise ConversationMissing(key)  # nothing is written
            state, selected = toggle_option(record.dialog, question_key, option_id)
            return self._records.dump(key, record.model_copy(update={"dialog": state})), selected

        try:
            _, selected = await self.store.update(key, apply)
        except ConversationMissing:
            return None
        return selected

    async def restart(self, key: str, locale: str | None = None, delivery: int | None = None) -> Turn:
        """Start over after the user confirmed it in the channel (every answer cleared); a
        redelivered confirmation (``delivery`` among the last applied) is not applied again."""
        def apply(old: str | None) -> tuple[str, Turn]:
            record = self._records.load(key, old, read_only=True)
            if record is None:
                state, turn = start(locale or self.default_locale)
                state.delivered(delivery)
                return self._records.dump(key, SessionRecord(dialog=state).showing(turn)), turn
            if delivery is not None and delivery in record.dialog.deliveries:
                return self._records.dump(key, record), current_turn(record.dialog, as_sent=True)
            state, turn = restart(record.dialog)
            state.deliveries = list(record.dialog.deliveries)
            state.delivered(delivery)
            return self._records.dump(key, record.model_copy(update={"dialog": state}).showing(turn)), turn

        _, turn = await self.store.update(key, apply)
        return turn

    async def current(self, key: str) -> Turn | None:
        """The question or result on screen, to show it again; ``None`` if there is no such conversation."""
        resumed = await self.resume(key, as_sent=False)
        return resumed[0] if resumed else None

    async def resume(self, key: str, as_sent: bool = True) -> tuple[Turn, list[dict[str, Any]]] | None:
        """The turn on screen (``as_sent``: exactly the last reply, for a page reload) and the transcript
        of the turns before it; ``None``: no such conversation (:class:`ConversationMissing`: forgotten)."""
        record = await self._record_of(key)
        return (current_turn(record.dialog, as_sent=as_sent), record.history()) if record else None

    async def state(self, key: str) -> DialogState | None:
        """The dialog state; ``None``: no such conversation (:class:`ConversationMissing`: forgotten)."""
        record = await self._record_of(key)
        return record.dialog if record else None

    async def _record_of(self, key: str) -> SessionRecord | None:
        conversation = await self.store.get(key)
        return self._stored_record(key, conversation.state_json) if conversation else None

    async def forget(self, key: str, *, mark_forgotten: bool = False) -> int:
        """Delete the conversation, every assessment record of it and every question it left for the help
        desk. ``mark_forgotten``: keep only the mark that it was forgotten, so that its key is missing from then on (a web session id, which
        would otherwise start afresh)."""
        from bot.questions.service import forget_questions

        self._records.forget(key)
        removed = await self.store.forget(key)
        removed += await forget_questions(self.store, key)  # questions left for the help desk, too
        if mark_forgotten:
            await self.store.update(key, lambda _old: (FORGOTTEN_STATE, None))
        log.info("conversation %s forgotten (%d items)", key_for_log(key), removed)
        return removed

    async def _record(self, key: str, state: DialogState, turn: Turn, channel: str) -> None:
        if turn.assessment is None:
            return
        record = AssessmentRecord(
            conversation_key=key, channel=channel if channel in ("web", "telegram", "cli") else "web",
            locale=state.locale, ruleset_version=turn.assessment["ruleset_version"],
            profile=state.profile().model_dump(mode="json", exclude_none=True), result=turn.assessment)
        await self.store.add_record(record)
        log.info("assessment recorded for %s (ruleset %s)", key_for_log(key), record.ruleset_version)
