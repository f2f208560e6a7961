"""Staff answers to Telegram chats: at once, exactly once, from whichever process took the answer.

Sending a message needs only a ``Bot`` with the token, not the running Telegram application (which
polls in one worker only): :func:`delivery_bot` uses that application's bot in the worker that runs
it, else a bot of its own. Every delivery is claimed first (a lease in the store) and marked
delivered after Telegram accepted it, so a staff double click or a retried request never sends twice;
a failed send gives the claim back. What could not be sent then — Telegram was down, or the web
process answering has no token — is sent by the worker running the bot (:func:`answers_alongside`
sweeps every :data:`SWEEP_SECONDS`). A process killed between Telegram's acceptance and the mark
would send once more after the lease (:data:`bot.questions.models.DELIVERY_LEASE`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, cast

from bot.questions.models import OwnerQuestion, claimed_for_delivery, delivered, refused, released
from bot.store.models import utc_now
from bot.store.questions import QuestionStore
from locales import t

if TYPE_CHECKING:
    from fastapi import FastAPI
    from telegram import Bot

    from bot.settings import Settings
    from bot.web.main import Background

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30
SWEEP_LIMIT = 500


def chat_id_of(question: OwnerQuestion) -> int | None:
    from bot.telegram.replies import CHAT_KEY_PREFIX

    key = question.conversation_key
    if question.channel != "telegram" or not key.startswith(CHAT_KEY_PREFIX):
        return None
    try:
        return int(key.removeprefix(CHAT_KEY_PREFIX))
    except ValueError:
        return None


def answer_messages(question: OwnerQuestion) -> list[str]:
    """The answer as Telegram HTML messages: the owner's question, the answer, each citation verbatim."""
    from bot.telegram.render import escape, pack, plain_parts

    assert question.answer is not None
    locale = question.locale
    parts = [f"<b>{escape(t(locale, 'ask.answer_heading'))}</b>\n"
             f"<i>{escape(t(locale, 'ask.your_question', text=question.text))}</i>"]
    parts += plain_parts(question.answer.text)
    if question.answer.citations:
        parts.append(f"<b>{escape(t(locale, 'ask.sources'))}</b>")
    for number, citation in enumerate(question.answer.citations, 1):
        line = t(locale, "ask.source", number=number, title=citation.title, document=citation.document,
                 article=citation.article)
        quote = plain_parts(citation.quote, 3900)
        parts.append(f"{escape(line)}\n<blockquote>{quote[0]}</blockquote>")
        parts += [f"<blockquote>{piece}</blockquote>" for piece in quote[1:]]
    return pack(parts)


async def deliver(bot: Bot, store: QuestionStore, question_id: str) -> bool:
    """Send a Telegram question's answer unless it was sent or another sender holds it; True: sent now."""
    from telegram.error import BadRequest, Forbidden, TelegramError

    from bot.telegram.replies import send_html

    now = utc_now()
    question, claimed = await store.change_question(question_id, lambda q: claimed_for_delivery(q, now))
    chat_id = chat_id_of(question) if question else None
    if not claimed or question is None:
        return False
    if chat_id is None:  # not a Telegram conversation: the widget shows it
        await store.change_question(question_id, released)
        return False
    try:
        await send_html(bot, chat_id, answer_messages(question))
    except (Forbidden, BadRequest) as error:  # blocked, or no such chat: trying again would not help
        log.warning("answer %s refused by Telegram (%s); not tried again", question_id[:8], type(error).__name__)
        await store.change_question(question_id, lambda q: refused(q, utc_now()))
        return False
    except TelegramError as error:
        log.warning("answer %s not delivered to Telegram (%s); will retry", question_id[:8], type(error).__name__)
        await store.change_question(question_id, released)
        return False
    await store.change_question(question_id, lambda q: delivered(q, utc_now()))
    log.info("answer %s delivered to Telegram", question_id[:8])
    return True


async def deliver_pending(bot: Bot, store: QuestionStore) -> int:
    """Send every answered Telegram question not delivered yet; how many were sent."""
    sent = 0
    for question in await store.list_questions(status="answered", limit=SWEEP_LIMIT):
        if question.channel == "telegram" and question.delivered_at is None and question.delivery_refused_at is None:
            sent += await deliver(bot, store, question.id)
    return sent


async def delivery_bot(app: FastAPI) -> Bot | None:
    """A bot to send answers with: the running Telegram application's, else one made from the settings
    (kept for the app's life); ``None`` when no token is configured."""
    application = getattr(app.state, "telegram", None)
    if application is not None:
        return application.bot
    bot = getattr(app.state, "delivery_bot", None)
    if bot is not None:
        return bot
    settings: Settings = app.state.settings
    if settings.telegram_bot_token is None:
        return None
    from telegram import Bot

    options: dict[str, Any] = {}
    if settings.telegram_base_url:
        options["base_url"] = settings.telegram_base_url
    bot = Bot(settings.telegram_bot_token.get_secret_value(), **options)
    await bot.initialize()
    app.state.delivery_bot = bot
    return bot


async def deliver_now(app: FastAPI, question: OwnerQuestion) -> str:
    """After an answer: ``sent`` when Telegram took it (now or before), ``refused`` when Telegram will
    never take it (the owner blocked the bot), ``sending`` while another request sends it, ``pending`` when it will be retried, ``widget`` for a web question (shown when
    the widget next opens)."""
    if question.channel != "telegram":
        return "widget"
    try:
        bot = await delivery_bot(app)
    except Exception as error:  # Telegram unreachable or the token refused: the sweep retries
        log.warning("no Telegram bot to deliver an answer with (%s)", type(error).__name__)
        return "pending"
    if bot is None:
        return "pending"
    store = cast(QuestionStore, app.state.service.store)
    if await deliver(bot, store, question.id):
        return "sent"
    latest = await store.get_question(question.id)
    if latest is not None and latest.delivered_at is not None:
        return "sent"
    if latest is not None and latest.delivery_refused_at is not None:
        return "refused"
    return "sending" if latest is not None and latest.delivery_claimed_at is not None else "pending"


def answers_alongside(settings: Settings) -> Background:
    """For ``create_app(background=[…])``: where the Telegram bot runs, send answers that could not be
    sent when given; close the delivery bot on shutdown."""
    @contextlib.asynccontextmanager
    async def running(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep(app), name="answer-delivery") if settings.telegram_bot_token else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            bot = getattr(app.state, "delivery_bot", None)
            if bot is not None:
                app.state.delivery_bot = None
                with contextlib.suppress(Exception):
                    await bot.shutdown()

    return running


async def _sweep(app: FastAPI) -> None:
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        application = getattr(app.state, "telegram", None)
        service = getattr(app.state, "service", None)
        if application is None or service is None:
            continue  # the bot runs in another worker, which sweeps
        try:
            await deliver_pending(application.bot, cast(QuestionStore, service.store))
        except Exception:
            log.exception("sending pending answers to Telegram failed; retrying later")
