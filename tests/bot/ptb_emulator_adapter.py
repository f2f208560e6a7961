"""TEST-ONLY python-telegram-bot request adapter for the ``telegram-test-api`` emulator.

:class:`EmulatorCompatibleRequest` is a :class:`telegram.request.HTTPXRequest` (so the real PTB
network stack, httpx included, talks to the emulator over loopback HTTP) whose ``do_request``
corrects the emulator's replies where they depart from the real Telegram Bot API, so that
unmodified product code runs against it. Hand it to the product (which accepts an optional
``request``) or use :func:`make_emulator_application_builder`.

Departures of telegram-test-api 4.2.1 from the Bot API, and how they are corrected
--------------------------------------------------------------------------------------

Replies and types

1.  ``getMe`` lacks ``is_bot`` (PTB's ``User`` requires it) and reports ``id`` 666 for every
    token. → ``is_bot: true`` is added and ``id`` is taken from the token (``<id>:<secret>``), as
    in real Telegram.
2.  Dates of bot messages are in *milliseconds* (PTB expects Unix seconds; a ms value overflows
    ``datetime``). → every ``date``/``edit_date`` above 10**11 in a reply is divided by 1000.
3.  ``sendMessage`` returns the request's fields echoed into the Message (``chat_id``,
    ``parse_mode``, ...), no ``from`` and a fake chat (``first_name: "Bot"``, always private).
    → the Message is rebuilt from the Bot API fields only, ``from`` is the bot (see 1) and ``chat``
    is the chat as seen in the user's updates when known.
4.  ``editMessageText`` and ``editMessageReplyMarkup`` return ``null`` (PTB expects the edited
    Message, or ``True`` for inline messages), and silently succeed when the message does not
    exist. → the adapter reads the edited message back from ``/getUpdatesHistory`` and returns
    it (with ``edit_date``), ``True`` for ``inline_message_id``, or HTTP 400 "Bad Request: message
    to edit not found" like Telegram.
5.  Edits are merged into the stored message: ``editMessageText`` without ``reply_markup`` keeps
    the old inline keyboard (Telegram removes it), ``editMessageReplyMarkup`` without
    ``reply_markup`` does nothing (Telegram removes the keyboard), and ``editMessageText`` without
    ``parse_mode`` keeps the old text's parse mode. → the adapter sends such an edit itself, in one
    request, with ``reply_markup`` set to an empty ``inline_keyboard`` and/or an empty
    ``parse_mode``; :class:`tests.bot.telegram_emulator.BotMessage` reads an empty inline keyboard
    as "no markup" and an empty parse mode as ``None``.
6.  ``answerCallbackQuery``, ``deleteMessage`` and ``setWebhook`` return ``null`` (PTB expects
    ``True``). → ``True``. Callback answers (text, show_alert, url) are recorded in
    :attr:`BotApiRecording.callback_answers`, since the emulator drops them.
7.  ``callback_query`` updates lack the required ``chat_instance``. → added (derived from the chat
    id of the message the button belongs to).
8.  User updates carry the emulator's routing field ``botToken`` inside ``message``. → removed.
9.  Errors are not Bot API shaped: unknown methods and failed assertions give HTTP 500 with
    ``{"message": ...}`` (PTB would raise an unhelpful ``NetworkError`` and its polling loop
    would retry forever), and ``deleteMessage`` failures give HTTP 200 with ``ok: false`` (PTB would
    hit a ``KeyError``). → errors become ``{"ok": false, "error_code", "description"}`` with the
    HTTP status set to ``error_code``, so PTB raises ``BadRequest`` etc.; a method the emulator does
    not implement and the adapter does not emulate raises :class:`EmulatorUnsupportedMethodError`
    (a ``TelegramError``) naming the method, instead of being retried.

Methods the emulator does not implement, answered by the adapter

10. ``setMyCommands``/``getMyCommands``/``deleteMyCommands`` (stored per scope and
    ``language_code``, observable through :meth:`BotApiRecording.commands`),
    ``setMyDescription``/``getMyDescription``, ``setMyShortDescription``/``getMyShortDescription``,
    ``setMyName``/``getMyName``, ``setChatMenuButton``/``getChatMenuButton``, ``getWebhookInfo``
    (no webhook, ``pending_update_count`` from the buffer below) and ``sendChatAction``
    (recorded in :attr:`BotApiRecording.chat_actions`). Anything else (``sendPhoto``,
    ``editMessageCaption``, ``copyMessage``, ...) raises :class:`EmulatorUnsupportedMethodError`.

``getUpdates``

11. It answers at once, even when ``timeout`` asks for long polling, so PTB's polling loop
    (``poll_interval`` 0 by default) would hammer the emulator. → the adapter emulates long
    polling: while nothing is pending it re-polls the emulator every
    ``long_poll_step_seconds`` (0.05 s) until ``timeout`` runs out. No ``poll_interval`` is needed
    in ``start_polling`` (any value still works); stopping stays instant, since PTB cancels the
    wait.
12. It ignores ``offset``: an update is marked read as soon as it is *returned*, not when a later
    ``offset`` confirms it. Updates fetched while PTB shuts down (its final cleanup
    ``getUpdates`` or a cancelled long poll) would be lost, so a restarted bot would never see
    them. → fetched updates are kept in :class:`BotApiRecording` (shared by every adapter of the
    same bot, i.e. across Application restarts) until an ``offset`` confirms them; the fetch runs
    shielded from cancellation. ``deleteWebhook(drop_pending_updates=True)`` drains them, as in
    Telegram. ``limit`` is honoured; ``allowed_updates`` is ignored (as by the emulator).

Other observations (not corrected, harmless for PTB)

* Any token is accepted; message ids come from one counter shared by all bots and chats (unique,
  increasing, but not per chat); ``update_id`` has gaps (bot messages use the same counter).
* Sent text is stored as sent: HTML/Markdown is not parsed into ``entities`` (the user side
  offers :attr:`BotMessage.plain_text`).
* Messages are purged after ``storeTimeout`` (60 s by default; the launcher sets 3600 s).
* ``deleteWebhook`` works.

Webhooks

13. ``setWebhook`` makes the emulator POST each update to the URL as it stores it (dates in
    milliseconds, the ``botToken`` field, no ``chat_instance``), without Telegram's
    ``X-Telegram-Bot-Api-Secret-Token`` header, and it forgets ``secret_token``. → when a test sets
    :attr:`BotApiRecording.webhook_relay_url`, ``setWebhook`` registers that relay with the emulator
    and keeps the bot's own URL and secret in :attr:`BotApiRecording.webhook`; the relay
    (:func:`webhook_relay`) corrects each update as for ``getUpdates`` and posts it on with the
    secret header, as Telegram does. ``getWebhookInfo`` reports the bot's URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest, RequestData

from .telegram_emulator import bot_id_from_token, emulator_bot_user

MILLISECOND_TIMESTAMP_THRESHOLD = 10**11
"""Unix timestamps above this are milliseconds (10**11 seconds is the year 5138)."""

_MESSAGE_FIELDS = ("message_id", "date", "edit_date", "chat", "from", "text", "entities", "reply_markup")
"""Fields of a bot message that the emulator returns and that exist in the Bot API ``Message``."""


class EmulatorUnsupportedMethodError(TelegramError):
    """The bot called a Bot API method that neither the emulator nor this adapter implements."""


def _json_reply(result: Any) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}).encode()


def _error_reply(status_code: int, description: str) -> tuple[int, bytes]:
    payload = {"ok": False, "error_code": status_code, "description": description}
    return status_code, json.dumps(payload).encode()


def _seconds(timestamp: Any) -> Any:
    if isinstance(timestamp, int | float) and timestamp > MILLISECOND_TIMESTAMP_THRESHOLD:
        return int(timestamp // 1000)
    return timestamp


def _as_bool(value: Any) -> bool:
    return value is True or str(value).lower() in {"true", "1"}


def _parse_json_value(value: Any) -> Any:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


@dataclass
class BotApiRecording:
    """Bot-API-side state of ONE bot that the emulator does not keep, shared across Applications.

    Holds the ``getUpdates`` redelivery buffer (departure 12) and what the adapter answers for
    methods the emulator lacks (departure 10), so tests can observe e.g. ``setMyCommands``.
    """

    pending_updates: list[dict[str, Any]] = field(default_factory=list)
    """Updates fetched from the emulator but not yet confirmed by a ``getUpdates`` ``offset``."""
    commands_by_scope: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    """``setMyCommands`` lists keyed by (scope as sorted JSON, language_code or "")."""
    profile_texts: dict[str, str] = field(default_factory=dict)
    """``name``, ``description`` and ``short_description`` keyed by field and language: ``"name:en"``."""
    menu_buttons: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``setChatMenuButton`` values keyed by chat id (``""`` for the default)."""
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    """Parameters of every ``answerCallbackQuery`` (``callback_query_id``, ``text``, ``show_alert``...)."""
    chat_actions: list[dict[str, Any]] = field(default_factory=list)
    """Parameters of every ``sendChatAction`` (``chat_id``, ``action``)."""
    known_chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Chats seen in user updates, to give bot messages their real ``chat`` object."""
    webhook_relay_url: str | None = None
    """Where the emulator posts updates when the bot sets a webhook (departure 13); None: the bot's URL."""
    webhook: dict[str, str] = field(default_factory=dict)
    """The ``url`` and ``secret_token`` the bot set with ``setWebhook`` (when relayed)."""
    relayed_updates: list[dict[str, Any]] = field(default_factory=list)
    """Every update the relay posted to the bot, corrected, in order."""

    def commands(
        self, *, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The command list set for ``scope`` (default scope if ``None``) and ``language_code``."""
        return list(self.commands_by_scope.get(_commands_key(scope, language_code), []))


def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    parsed_scope = _parse_json_value(scope) or {"type": "default"}
    return json.dumps(parsed_scope, sort_keys=True), str(language_code or "")


class EmulatorBotApiState:
    """One :class:`BotApiRecording` per bot token; share one instance between all adapters of a test."""

    def __init__(self) -> None:
        self._recordings: dict[str, BotApiRecording] = {}

    def for_bot(self, bot_token: str) -> BotApiRecording:
        """The recording of the bot with ``bot_token`` (created on first use)."""
        return self._recordings.setdefault(bot_token, BotApiRecording())


@dataclass(frozen=True)
class _BotApiCall:
    url: str
    server_url: str
    bot_token: str
    method_name: str
    parameters: dict[str, Any]
    """The call's parameters as Python values."""
    form_parameters: dict[str, str]
    """The same, encoded as PTB sends them (non-strings as JSON)."""


class EmulatorCompatibleRequest(HTTPXRequest):
    """HTTPXRequest that makes telegram-test-api replies look like the real Bot API's.

    See the module docstring for every correction. Use one instance for ``request`` and another for
    ``get_updates_request`` (PTB initialises and shuts both down), sharing one ``state``.
    """

    def __init__(
        self,
        state: EmulatorBotApiState | None = None,
        *,
        long_poll_step_seconds: float = 0.05,
        connection_pool_size: int = 16,
        read_timeout: float | None = 10.0,
        write_timeout: float | None = 10.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 5.0,
        httpx_kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Create the adapter.

        Args:
            state: shared Bot-API-side state; pass the same object to every adapter (and every
                Application) of one test so that restarts keep unconfirmed updates.
            long_poll_step_seconds: re-poll interval while emulating a long ``getUpdates``.
            connection_pool_size, read_timeout, write_timeout, connect_timeout, pool_timeout,
            httpx_kwargs: as for :class:`HTTPXRequest`; ``trust_env`` defaults to ``False`` so
                that no proxy from the environment is used for loopback.
        """
        super().__init__(
            connection_pool_size=connection_pool_size,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            httpx_kwargs={"trust_env": False, **(httpx_kwargs or {})},
        )
        self.state = state if state is not None else EmulatorBotApiState()
        self.long_poll_step_seconds = long_poll_step_seconds
        self._background_fetches: set[asyncio.Task[None]] = set()
        self._emulated_methods: dict[str, Callable[[_BotApiCall], tuple[int, bytes]]] = {
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._set_profile_text,
            "getmydescription": self._get_profile_text,
            "setmyshortdescription": self._set_profile_text,
            "getmyshortdescription": self._get_profile_text,
            "setmyname": self._set_profile_text,
            "getmyname": self._get_profile_text,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
            "getwebhookinfo": self._get_webhook_info,
            "sendchataction": self._send_chat_action,
        }

    # -- entry point -----------------------------------------------------------------------------

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See :meth:`telegram.request.BaseRequest.do_request`; corrects the emulator's replies."""
        call = self._parse_bot_api_url(url, request_data)
        if call is None:  # not a Bot API method call (e.g. a file download)
            return await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        emulated_method = self._emulated_methods.get(call.method_name.lower())
        if emulated_method is not None:
            return emulated_method(call)
        if call.method_name.lower() == "getupdates":
            return await self._get_updates(call)
        recording = self.state.for_bot(call.bot_token)
        if call.method_name.lower() == "setwebhook" and recording.webhook_relay_url:
            recording.webhook = {"url": str(call.parameters["url"]),
                                 "secret_token": str(call.parameters.get("secret_token") or "")}
            status_code, payload = await self._emulator_post(
                f"{call.server_url}/bot{call.bot_token}/setWebhook", {"url": recording.webhook_relay_url})
            return status_code, payload
        if call.method_name.lower() == "deletewebhook" and _as_bool(
            call.parameters.get("drop_pending_updates")
        ):
            await self._fetch_updates_into_buffer(call)
            self.state.for_bot(call.bot_token).pending_updates.clear()
        edit_overrides = self._edit_overrides(call)
        if edit_overrides:
            # Send the corrected edit in ONE request, so the user side never sees a half-done edit.
            status_code, payload = await self._emulator_post(url, {**call.form_parameters, **edit_overrides})
        else:
            status_code, payload = await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        return await self._correct_reply(call, status_code, payload)

    @staticmethod
    def _edit_overrides(call: _BotApiCall) -> dict[str, str]:
        """Form fields that make the emulator's merge-style edit replace what Telegram replaces.

        Telegram removes the inline keyboard of a message edited without ``reply_markup``, and an
        ``editMessageText`` without ``parse_mode`` makes the new text plain; the emulator merges the
        edit into the stored message and so keeps both (departure 5).
        """
        method_name = call.method_name.lower()
        if method_name not in {"editmessagetext", "editmessagereplymarkup"}:
            return {}
        if call.parameters.get("inline_message_id"):
            return {}
        overrides: dict[str, str] = {}
        if "reply_markup" not in call.parameters:
            overrides["reply_markup"] = '{"inline_keyboard": []}'
        if method_name == "editmessagetext" and "parse_mode" not in call.parameters:
            overrides["parse_mode"] = ""
        return overrides

    @staticmethod
    def _parse_bot_api_url(url: str, request_data: RequestData | None) -> _BotApiCall | None:
        server_url, _, bot_segment_and_method = url.rpartition("/bot")
        bot_segment, _, method_name = bot_segment_and_method.partition("/")
        if not server_url or not method_name or "/" in method_name or ":" not in bot_segment:
            return None
        return _BotApiCall(
            url=url,
            server_url=server_url,
            bot_token=bot_segment,
            method_name=method_name,
            parameters=dict(request_data.parameters) if request_data else {},
            form_parameters=dict(request_data.json_parameters) if request_data else {},
        )

    @staticmethod
    async def _emulator_post(url: str, form_parameters: dict[str, str]) -> tuple[int, bytes]:
        """POST form parameters to the emulator for one of the adapter's own follow-up calls.

        A short-lived client keeps these independent of PTB's connection pool and of this request
        object's initialize/shutdown cycle.
        """
        async with httpx.AsyncClient(timeout=10.0, trust_env=False) as side_client:
            response = await side_client.post(url, data=form_parameters)
        return response.status_code, response.content

    async def _emulator_call(self, url: str, form_parameters: dict[str, str]) -> dict[str, Any]:
        """:meth:`_emulator_post`, returning the JSON reply (a ``TelegramError`` unless HTTP 200)."""
        status_code, payload = await self._emulator_post(url, form_parameters)
        if status_code != 200:
            raise TelegramError(f"telegram-test-api {url} answered {status_code}: {payload!r}")
        return json.loads(payload)

    # -- reply corrections -----------------------------------------------------------------------

    async def _correct_reply(self, call: _BotApiCall, status_code: int, payload: bytes) -> tuple[int, bytes]:
        try:
            reply = json.loads(payload)
        except ValueError:
            return status_code, payload
        if not isinstance(reply, dict):
            return status_code, payload
        if "ok" not in reply:  # the emulator's own error shape: {"message": "..."}
            description = str(reply.get("message", reply))
            if "is not supported" in description:
                raise EmulatorUnsupportedMethodError(
                    f"telegram-test-api does not implement Bot API method {call.method_name!r} and "
                    f"tests/bot/ptb_emulator_adapter.py does not emulate it: {description}"
                )
            return _error_reply(
                status_code if status_code >= 400 else 500, f"telegram-test-api: {description}"
            )
        if not reply["ok"]:
            error_code = int(reply.get("error_code") or 400)
            return _error_reply(error_code, str(reply.get("description", "Bad Request")))

        result = reply.get("result")
        method_name = call.method_name.lower()
        if method_name == "getme":
            result = {**result, "is_bot": True, "id": bot_id_from_token(call.bot_token)}
        elif method_name == "sendmessage":
            result = self._bot_api_message(call.bot_token, result)
        elif method_name in {"editmessagetext", "editmessagereplymarkup"}:
            return await self._edited_message_reply(call)
        elif method_name == "answercallbackquery":
            self.state.for_bot(call.bot_token).callback_answers.append(call.parameters)
            result = True
        elif method_name in {"deletemessage", "setwebhook", "deletewebhook"}:
            result = True
        return _json_reply(result)

    def _bot_api_message(self, bot_token: str, emulator_message: dict[str, Any]) -> dict[str, Any]:
        message = {name: emulator_message[name] for name in _MESSAGE_FIELDS if name in emulator_message}
        message["date"] = _seconds(message.get("date", time.time()))
        if "edit_date" in message:
            message["edit_date"] = _seconds(message["edit_date"])
        message["from"] = emulator_bot_user(bot_token)
        chat_id = int((message.get("chat") or {}).get("id") or emulator_message.get("chat_id"))
        message["chat"] = self.state.for_bot(bot_token).known_chats.get(chat_id) or {
            "id": chat_id,
            "type": "private",
        }
        reply_markup = _parse_json_value(message.get("reply_markup"))
        if isinstance(reply_markup, dict) and reply_markup.get("inline_keyboard"):
            message["reply_markup"] = reply_markup
        else:
            message.pop("reply_markup", None)  # Telegram returns only inline keyboards
        message["entities"] = _parse_json_value(message.get("entities")) or []
        if not message["entities"]:
            del message["entities"]
        return message

    async def _edited_message_reply(self, call: _BotApiCall) -> tuple[int, bytes]:
        if call.parameters.get("inline_message_id"):
            return _json_reply(True)
        history = await self._emulator_call(f"{call.server_url}/getUpdatesHistory", {"token": call.bot_token})
        wanted_chat_id = str(call.parameters.get("chat_id"))
        wanted_message_id = str(call.parameters.get("message_id"))
        for entry in history.get("result") or []:
            stored_message = entry.get("message") or {}
            if (
                str(entry.get("messageId")) == wanted_message_id
                and str(stored_message.get("chat_id")) == wanted_chat_id
            ):
                message = self._bot_api_message(
                    call.bot_token,
                    {**stored_message, "message_id": entry["messageId"], "date": entry["time"]},
                )
                message["edit_date"] = int(time.time())
                return _json_reply(message)
        return _error_reply(400, "Bad Request: message to edit not found")

    # -- getUpdates (departures 7, 8, 11, 12) ----------------------------------------------------

    async def _get_updates(self, call: _BotApiCall) -> tuple[int, bytes]:
        recording = self.state.for_bot(call.bot_token)
        offset = int(call.parameters.get("offset") or 0)
        limit = min(max(int(call.parameters.get("limit") or 100), 1), 100)
        long_poll_seconds = float(call.parameters.get("timeout") or 0)
        deadline = time.monotonic() + long_poll_seconds
        while True:
            await self._fetch_updates_into_buffer(call)
            if offset < 0:
                recording.pending_updates[:] = recording.pending_updates[offset:]
            elif offset > 0:
                recording.pending_updates[:] = [
                    update for update in recording.pending_updates if update["update_id"] >= offset
                ]
            if recording.pending_updates or time.monotonic() >= deadline:
                return _json_reply(recording.pending_updates[:limit])
            await asyncio.sleep(self.long_poll_step_seconds)

    async def _fetch_updates_into_buffer(self, call: _BotApiCall) -> None:
        """Move new updates from the emulator into the buffer; survives cancellation of the caller.

        The emulator forgets an update once it has answered with it, so the answer must reach the
        buffer even if PTB cancels the ``getUpdates`` call while the request is in flight.
        """
        fetch = asyncio.ensure_future(self._fetch_updates(call))
        self._background_fetches.add(fetch)
        fetch.add_done_callback(self._forget_background_fetch)
        await asyncio.shield(fetch)

    def _forget_background_fetch(self, fetch: asyncio.Task[None]) -> None:
        self._background_fetches.discard(fetch)
        if not fetch.cancelled():
            fetch.exception()  # retrieved here so that an orphaned fetch never logs "never retrieved"

    async def _fetch_updates(self, call: _BotApiCall) -> None:
        # Through PTB's own httpx client: getUpdates is the call that runs all the time.
        status_code, payload = await super().do_request(
            f"{call.server_url}/bot{call.bot_token}/getUpdates", "POST"
        )
        if status_code != 200:
            raise TelegramError(f"telegram-test-api getUpdates answered {status_code}: {payload!r}")
        reply = json.loads(payload)
        recording = self.state.for_bot(call.bot_token)
        buffered_update_ids = {update["update_id"] for update in recording.pending_updates}
        for update in reply.get("result") or []:
            if update["update_id"] not in buffered_update_ids:
                recording.pending_updates.append(self._corrected_update(recording, update))
        recording.pending_updates.sort(key=lambda update: update["update_id"])

    @staticmethod
    def _corrected_update(recording: BotApiRecording, update: dict[str, Any]) -> dict[str, Any]:
        corrected_update = dict(update)
        if "message" in corrected_update:
            message = {key: value for key, value in update["message"].items() if key != "botToken"}
            message["date"] = _seconds(message.get("date", time.time()))
            corrected_update["message"] = message
            if isinstance(message.get("chat"), dict):
                recording.known_chats[int(message["chat"]["id"])] = message["chat"]
        if "callback_query" in corrected_update:
            callback_query = dict(update["callback_query"])
            original_message = callback_query.get("message")
            if isinstance(original_message, dict):
                original_message = {**original_message, "date": _seconds(original_message.get("date", 0))}
                callback_query["message"] = original_message
                chat_id = (original_message.get("chat") or {}).get("id")
            else:
                chat_id = (callback_query.get("from") or {}).get("id")
            callback_query.setdefault("chat_instance", f"emulator-chat-{chat_id}")
            corrected_update["callback_query"] = callback_query
        return corrected_update

    # -- methods the emulator lacks (departure 10) -----------------------------------------------

    def _set_my_commands(self, call: _BotApiCall) -> tuple[int, bytes]:
        commands = _parse_json_value(call.parameters.get("commands")) or []
        key = _commands_key(call.parameters.get("scope"), call.parameters.get("language_code"))
        self.state.for_bot(call.bot_token).commands_by_scope[key] = list(commands)
        return _json_reply(True)

    def _get_my_commands(self, call: _BotApiCall) -> tuple[int, bytes]:
        key = _commands_key(call.parameters.get("scope"), call.parameters.get("language_code"))
        return _json_reply(self.state.for_bot(call.bot_token).commands_by_scope.get(key, []))

    def _delete_my_commands(self, call: _BotApiCall) -> tuple[int, bytes]:
        key = _commands_key(call.parameters.get("scope"), call.parameters.get("language_code"))
        self.state.for_bot(call.bot_token).commands_by_scope.pop(key, None)
        return _json_reply(True)

    @staticmethod
    def _profile_field(method_name: str) -> str:
        return {"name": "name", "description": "description", "shortdescription": "short_description"}[
            method_name.lower().removeprefix("setmy").removeprefix("getmy")
        ]

    def _set_profile_text(self, call: _BotApiCall) -> tuple[int, bytes]:
        field_name = self._profile_field(call.method_name)
        language_code = call.parameters.get("language_code") or ""
        value = str(call.parameters.get(field_name) or "")
        self.state.for_bot(call.bot_token).profile_texts[f"{field_name}:{language_code}"] = value
        return _json_reply(True)

    def _get_profile_text(self, call: _BotApiCall) -> tuple[int, bytes]:
        field_name = self._profile_field(call.method_name)
        language_code = call.parameters.get("language_code") or ""
        profile_texts = self.state.for_bot(call.bot_token).profile_texts
        value = profile_texts.get(f"{field_name}:{language_code}", profile_texts.get(f"{field_name}:", ""))
        return _json_reply({field_name: value})

    def _set_chat_menu_button(self, call: _BotApiCall) -> tuple[int, bytes]:
        menu_button = _parse_json_value(call.parameters.get("menu_button")) or {"type": "default"}
        self.state.for_bot(call.bot_token).menu_buttons[str(call.parameters.get("chat_id") or "")] = (
            menu_button
        )
        return _json_reply(True)

    def _get_chat_menu_button(self, call: _BotApiCall) -> tuple[int, bytes]:
        menu_buttons = self.state.for_bot(call.bot_token).menu_buttons
        chat_key = str(call.parameters.get("chat_id") or "")
        return _json_reply(menu_buttons.get(chat_key) or menu_buttons.get("") or {"type": "commands"})

    def _get_webhook_info(self, call: _BotApiCall) -> tuple[int, bytes]:
        recording = self.state.for_bot(call.bot_token)
        return _json_reply({"url": recording.webhook.get("url", ""), "has_custom_certificate": False,
                            "pending_update_count": len(recording.pending_updates)})

    def _send_chat_action(self, call: _BotApiCall) -> tuple[int, bytes]:
        self.state.for_bot(call.bot_token).chat_actions.append(call.parameters)
        return _json_reply(True)


# -- wiring helpers --------------------------------------------------------------------------------


def make_emulator_application_builder(
    *,
    base_url: str,
    base_file_url: str,
    bot_token: str,
    state: EmulatorBotApiState,
) -> ApplicationBuilder:
    """An ``ApplicationBuilder`` wired to the emulator through two adapters sharing ``state``.

    Add handlers etc. to the built Application as usual. Pass the same ``state`` to every
    Application of a test so that a restarted bot receives the updates its predecessor left.
    """
    return (
        ApplicationBuilder()
        .token(bot_token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .request(EmulatorCompatibleRequest(state))
        .get_updates_request(EmulatorCompatibleRequest(state, connection_pool_size=4))
    )


@contextlib.asynccontextmanager
async def polling_application(
    application: Application[Any, Any, Any, Any, Any, Any], **start_polling_options: Any
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run ``application`` with long polling for the ``async with`` body, then stop and shut it down.

    Mirrors ``Application.run_polling`` (``post_init``, ``post_stop`` and ``post_shutdown``
    included) without owning the event loop, which pytest-asyncio does. ``start_polling_options``
    go to ``Updater.start_polling``; none are needed with the adapter.
    """
    updater = application.updater
    assert updater is not None, "the Application needs an Updater for polling"
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await updater.start_polling(**start_polling_options)
        await application.start()
        try:
            yield application
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def webhook_relay(recording: BotApiRecording) -> Callable[..., Any]:
    """An ASGI app standing in for Telegram's webhook delivery (departure 13): each update the emulator
    POSTs to it is corrected and posted to the URL the bot set, with the bot's secret token header;
    it answers with the bot's status code, so the emulator sees a refused delivery as Telegram would."""

    async def relay(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        update = EmulatorCompatibleRequest._corrected_update(recording, json.loads(body))
        update.pop("botToken", None)
        recording.relayed_updates.append(update)
        async with httpx.AsyncClient(trust_env=False) as client:
            delivered = await client.post(recording.webhook["url"], json=update, headers={
                "X-Telegram-Bot-Api-Secret-Token": recording.webhook["secret_token"]})
        await send({"type": "http.response.start", "status": delivered.status_code, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return relay
