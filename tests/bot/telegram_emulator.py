"""Run the ``telegram-test-api`` Bot API emulator (npm) and act as a Telegram user against it.

The emulator is a small Node.js HTTP server that speaks (a subset of) the Telegram Bot API on
``/bot<token>/<method>`` and offers extra "client" endpoints that play the human side:

==========================  ==================================================================
client endpoint (POST)      what it does
==========================  ==================================================================
``/sendMessage``            queue a user message (an Update) for the bot with token ``botToken``
``/sendCommand``            the same, for a message that has a ``bot_command`` entity
``/sendCallback``           queue a ``callback_query`` Update (an inline button press)
``/getUpdates``             the bot's *unread* messages to one chat (``token``, ``chatId``);
                            marks them read
``/getUpdatesHistory``      every stored bot and user message of one bot (``token``), including
                            the current state of edited bot messages
==========================  ==================================================================

This module has two parts:

* :class:`TelegramEmulator` starts ``tests/bot/telegram_emulator_server.js`` with ``node`` on a
  free loopback port and stops it again (a context manager). Point python-telegram-bot at
  :attr:`TelegramEmulator.base_url` / :attr:`TelegramEmulator.base_file_url`, and pass the request
  adapter of :mod:`tests.bot.ptb_emulator_adapter`, which corrects the emulator's departures from
  the real Bot API.
* :class:`EmulatorUser` is an async, httpx-based Telegram *user*: it sends texts and commands,
  presses inline buttons, and waits (polling, with a timeout) for the bot's messages and edits,
  returned as :class:`BotMessage`.

What the emulator does NOT do, and where the harness makes up for it: it stores no edit history
(an edit overwrites the stored message; :meth:`EmulatorUser.wait_for_edit` compares states), it
drops callback-query answers, and it rejects ``setMyCommands`` & co. with HTTP 500 ("API method
... is not supported"); the adapter answers those and records them in
:class:`tests.bot.ptb_emulator_adapter.BotApiRecording` (``commands()``, ``callback_answers``).

The Node dependency is installed from the project's own ``package.json``/``package-lock.json``
with ``npm ci`` (see :func:`ensure_emulator_installed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""Repository root: holds ``package.json``, ``package-lock.json`` and ``node_modules/``."""

EMULATOR_SERVER_SCRIPT = Path(__file__).with_name("telegram_emulator_server.js")
EMULATOR_PACKAGE_NAME = "telegram-test-api"
READY_LINE_PREFIX = "TELEGRAM_TEST_API_READY "

EMULATOR_BOT_FIRST_NAME = "Test First name"
"""``first_name`` that the emulator's ``getMe`` reports for every bot."""
EMULATOR_BOT_USERNAME = "TestNameBot"
"""``username`` that the emulator's ``getMe`` reports for every bot."""
FALLBACK_BOT_ID = 666
"""``id`` that the emulator's ``getMe`` reports for every bot (used when a token has no numeric id)."""


class EmulatorUnavailableError(RuntimeError):
    """``node``/``npm`` or the installed npm package needed to run the emulator is missing."""


class EmulatorStartError(RuntimeError):
    """The emulator process did not come up (its log is part of the message)."""


def bot_id_from_token(bot_token: str) -> int:
    """Return the bot's user id, which the real Bot API encodes before the token's colon."""
    bot_id_text, _, _secret = bot_token.partition(":")
    return int(bot_id_text) if bot_id_text.isdigit() else FALLBACK_BOT_ID


def emulator_bot_user(bot_token: str) -> dict[str, Any]:
    """Return the Bot API ``User`` object of the bot with ``bot_token`` as the harness presents it."""
    return {
        "id": bot_id_from_token(bot_token),
        "is_bot": True,
        "first_name": EMULATOR_BOT_FIRST_NAME,
        "username": EMULATOR_BOT_USERNAME,
    }


def find_node_executable() -> str | None:
    """Return the path of ``node`` (``$NODE`` wins over ``PATH``), or ``None`` if not installed."""
    return os.environ.get("NODE") or shutil.which("node")


def is_emulator_installed(project_root: Path = PROJECT_ROOT) -> bool:
    """Tell whether ``node_modules/telegram-test-api`` is installed under ``project_root``."""
    return (project_root / "node_modules" / EMULATOR_PACKAGE_NAME / "package.json").is_file()


def ensure_emulator_installed(project_root: Path = PROJECT_ROOT, *, timeout_seconds: float = 300.0) -> None:
    """Run ``npm ci`` in ``project_root`` unless ``telegram-test-api`` is installed already.

    Raises:
        EmulatorUnavailableError: ``npm`` is missing or ``npm ci`` failed (its output is included).
    """
    if is_emulator_installed(project_root):
        return
    npm_executable = shutil.which("npm")
    if npm_executable is None:
        raise EmulatorUnavailableError(
            f"node_modules/{EMULATOR_PACKAGE_NAME} is missing and `npm` is not installed: "
            f"run `npm ci` in {project_root}"
        )
    completed = subprocess.run(
        [npm_executable, "ci", "--no-audit", "--no-fund"],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=timeout_seconds,
        check=False,
    )
    if completed.returncode != 0 or not is_emulator_installed(project_root):
        raise EmulatorUnavailableError(
            f"`npm ci` in {project_root} failed (exit {completed.returncode}):\n"
            f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
        )


class TelegramEmulator:
    """The ``telegram-test-api`` server as a child process on loopback.

    Usage::

        with TelegramEmulator() as emulator:
            ApplicationBuilder().token(token).base_url(emulator.base_url)...

    One emulator serves any number of bots: every bot token has its own queues, so tests that share
    a (session-scoped) emulator stay apart by using distinct tokens.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        project_root: Path = PROJECT_ROOT,
        node_executable: str | None = None,
        startup_timeout_seconds: float = 20.0,
        store_timeout_seconds: int = 3600,
        debug_log: bool = False,
    ) -> None:
        """Configure (but do not start) the emulator.

        Args:
            host: loopback address to listen on.
            port: TCP port; ``0`` lets the OS pick a free one (see :attr:`port` after start).
            project_root: directory whose ``node_modules`` holds ``telegram-test-api``.
            node_executable: ``node`` to use; default :func:`find_node_executable`.
            startup_timeout_seconds: how long to wait for the server's ready line.
            store_timeout_seconds: how long the emulator keeps messages (its default is 60 s).
            debug_log: run the emulator with ``DEBUG=TelegramServer:*`` (request log in
                :attr:`log_path`).
        """
        self.host = host
        self._requested_port = port
        self.project_root = project_root
        self._node_executable = node_executable
        self._startup_timeout_seconds = startup_timeout_seconds
        self._store_timeout_seconds = store_timeout_seconds
        self._debug_log = debug_log
        self._process: subprocess.Popen[str] | None = None
        self._log_file: IO[str] | None = None
        self._port: int | None = None
        self.emulator_version: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        """Start the Node server and wait for its ready line.

        Raises:
            EmulatorUnavailableError: ``node`` or the npm package is missing.
            EmulatorStartError: the server exited or did not report readiness in time.
        """
        if self._process is not None:
            raise RuntimeError("TelegramEmulator is already running")
        node_executable = self._node_executable or find_node_executable()
        if node_executable is None:
            raise EmulatorUnavailableError("`node` is not installed (needed for telegram-test-api)")
        if not is_emulator_installed(self.project_root):
            raise EmulatorUnavailableError(
                f"{self.project_root}/node_modules/{EMULATOR_PACKAGE_NAME} is missing: run `npm ci`"
            )
        environment = dict(os.environ)
        if self._debug_log:
            environment["DEBUG"] = "TelegramServer:*"
        self._log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open while the server runs
            mode="w+", prefix="telegram-test-api-", suffix=".log", delete=False, encoding="utf-8"
        )
        command = [
            node_executable,
            str(EMULATOR_SERVER_SCRIPT),
            "--host",
            self.host,
            "--port",
            str(self._requested_port),
            "--store-timeout",
            str(self._store_timeout_seconds),
        ]
        self._process = subprocess.Popen(
            command,
            cwd=self.project_root,
            env=environment,
            stdin=subprocess.PIPE,  # the server exits when this pipe closes (e.g. we get killed)
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
            encoding="utf-8",
        )
        try:
            ready_info = self._wait_for_ready_line(self._process)
        except BaseException:
            self.stop()
            raise
        self._port = int(ready_info["port"])
        self.emulator_version = str(ready_info.get("version"))
        return self

    def _wait_for_ready_line(self, process: subprocess.Popen[str]) -> dict[str, Any]:
        assert process.stdout is not None
        stdout_lines: queue.Queue[str | None] = queue.Queue()

        def pump_stdout() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                stdout_lines.put(line)
            stdout_lines.put(None)

        threading.Thread(target=pump_stdout, name="telegram-emulator-stdout", daemon=True).start()
        deadline = time.monotonic() + self._startup_timeout_seconds
        while True:
            remaining_seconds = deadline - time.monotonic()
            if remaining_seconds <= 0:
                raise EmulatorStartError(
                    f"telegram-test-api did not start within {self._startup_timeout_seconds} s\n"
                    f"{self.read_log()}"
                )
            try:
                line = stdout_lines.get(timeout=remaining_seconds)
            except queue.Empty:
                continue
            if line is None:
                raise EmulatorStartError(
                    f"telegram-test-api exited with code {process.wait()} before it was ready\n"
                    f"{self.read_log()}"
                )
            if line.startswith(READY_LINE_PREFIX):
                return json.loads(line[len(READY_LINE_PREFIX) :])

    def stop(self) -> None:
        """Stop the server (close its stdin, then SIGTERM, then SIGKILL) and remove its log."""
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
            if process.stdout is not None:
                process.stdout.close()
        log_file, self._log_file = self._log_file, None
        if log_file is not None:
            log_file.close()
            Path(log_file.name).unlink(missing_ok=True)
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def port(self) -> int:
        """TCP port the server listens on (only while running)."""
        if self._port is None:
            raise RuntimeError("TelegramEmulator is not running")
        return self._port

    @property
    def server_url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:43210``; the client endpoints live right under it."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Bot API base URL for PTB (``ApplicationBuilder().base_url(...)``); PTB appends the token."""
        return f"{self.server_url}/bot"

    @property
    def base_file_url(self) -> str:
        """File base URL for PTB (``ApplicationBuilder().base_file_url(...)``).

        The emulator serves no files; this only keeps PTB away from the real Telegram servers.
        """
        return f"{self.server_url}/file/bot"

    @property
    def log_path(self) -> Path | None:
        """File that receives the server's stderr (``DEBUG`` request log when enabled)."""
        return Path(self._log_file.name) if self._log_file is not None else None

    def read_log(self) -> str:
        """Return the server's stderr so far (for failure messages)."""
        log_path = self.log_path
        if log_path is None or not log_path.exists():
            return ""
        return log_path.read_text(encoding="utf-8", errors="replace")[-8000:]

    def user(self, bot_token: str, **user_options: Any) -> EmulatorUser:
        """Return an :class:`EmulatorUser` talking to the bot with ``bot_token`` on this emulator."""
        return EmulatorUser(self.server_url, bot_token, **user_options)


# -- the user side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InlineButton:
    """One button of an inline keyboard."""

    text: str
    callback_data: str | None = None
    url: str | None = None


class _HtmlToPlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain_text(text: str, parse_mode: str | None) -> str:
    """Approximate what a Telegram client shows for ``text`` sent with ``parse_mode``."""
    if parse_mode and parse_mode.upper() == "HTML":
        parser = _HtmlToPlainText()
        parser.feed(text)
        parser.close()
        return "".join(parser.parts)
    return html.unescape(text) if parse_mode else text


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent, in the (current) state the emulator stores for it."""

    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    """The markup as sent (``inline_keyboard``, ``keyboard``, ...); ``None`` if there is none."""
    sent_at: float
    """Unix time in seconds at which the emulator stored the message."""
    raw: dict[str, Any] = field(repr=False, compare=False)
    """The emulator's storage entry (``time``, ``botToken``, ``message``, ``messageId`` ...)."""

    @classmethod
    def from_storage_entry(cls, entry: dict[str, Any]) -> BotMessage:
        """Build from one entry of the emulator's bot-message storage."""
        message = entry["message"]
        reply_markup = message.get("reply_markup")
        if isinstance(reply_markup, str):
            reply_markup = json.loads(reply_markup)
        if isinstance(reply_markup, dict) and reply_markup.get("inline_keyboard") == []:
            reply_markup = None  # how the harness encodes "keyboard removed" (see the adapter)
        return cls(
            message_id=int(entry["messageId"]),
            chat_id=int(message["chat_id"]),
            text=str(message.get("text", "")),
            parse_mode=message.get("parse_mode") or None,
            reply_markup=reply_markup or None,
            sent_at=float(entry["time"]) / 1000.0,
            raw=entry,
        )

    @property
    def plain_text(self) -> str:
        """The text as a user would read it (HTML tags removed, entities unescaped)."""
        return _plain_text(self.text, self.parse_mode)

    @property
    def inline_keyboard(self) -> list[list[InlineButton]]:
        """Rows of inline buttons (empty when the message has no inline keyboard)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [
                InlineButton(
                    text=str(button.get("text", "")),
                    callback_data=button.get("callback_data"),
                    url=button.get("url"),
                )
                for button in row
            ]
            for row in rows
        ]

    @property
    def inline_buttons(self) -> list[InlineButton]:
        """All inline buttons, row by row."""
        return [button for row in self.inline_keyboard for button in row]

    def find_button(self, *, text: str | None = None, callback_data: str | None = None) -> InlineButton:
        """Return the inline button with this ``text`` and/or ``callback_data``.

        Raises:
            LookupError: no such button (the message's buttons are listed).
        """
        for button in self.inline_buttons:
            if (text is None or button.text == text) and (
                callback_data is None or button.callback_data == callback_data
            ):
                return button
        raise LookupError(
            f"message {self.message_id} has no button text={text!r} callback_data={callback_data!r}; "
            f"buttons: {self.inline_buttons}"
        )

    def as_bot_api_message(self, chat: dict[str, Any], bot_user: dict[str, Any]) -> dict[str, Any]:
        """Render as a Bot API ``Message`` object (as carried in ``callback_query.message``)."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(self.sent_at),
            "chat": chat,
            "from": bot_user,
            "text": self.plain_text,
        }
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message


def _content_key(message: BotMessage) -> tuple[str, str | None, str]:
    return message.text, message.parse_mode, json.dumps(message.reply_markup, sort_keys=True)


class EmulatorUser:
    """A Telegram user (and the chat they write in) driving one bot through the emulator.

    All methods are coroutines: the bot under test usually runs in the same event loop, so the
    user side must never block it. Use as ``async with EmulatorUser(...) as user:`` or call
    :meth:`aclose`.
    """

    def __init__(
        self,
        server_url: str,
        bot_token: str,
        *,
        user_id: int = 100001,
        chat_id: int | None = None,
        first_name: str = "Test",
        last_name: str | None = "User",
        username: str | None = "test_user",
        language_code: str | None = "en",
        chat_type: str = "private",
        chat_title: str | None = None,
        poll_interval_seconds: float = 0.05,
        default_timeout_seconds: float = 5.0,
    ) -> None:
        """Describe the user and their chat.

        Args:
            server_url: :attr:`TelegramEmulator.server_url`.
            bot_token: token of the bot this user talks to.
            user_id: Telegram user id (``from.id``).
            chat_id: chat id; defaults to ``user_id`` (a private chat, as in real Telegram).
            first_name, last_name, username, language_code: the ``from`` user's fields;
                ``language_code`` can be overridden per message.
            chat_type: ``private``, ``group`` or ``supergroup``.
            chat_title: title of a group chat.
            poll_interval_seconds: pause between polls of the emulator while waiting.
            default_timeout_seconds: timeout of the ``wait_*`` methods when none is given.
        """
        self.server_url = server_url.rstrip("/")
        self.bot_token = bot_token
        self.user_id = user_id
        self.chat_id = chat_id if chat_id is not None else user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.chat_type = chat_type
        self.chat_title = chat_title
        self.poll_interval_seconds = poll_interval_seconds
        self.default_timeout_seconds = default_timeout_seconds
        self._http_client: httpx.AsyncClient | None = None
        self._unconsumed_bot_messages: deque[BotMessage] = deque()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool (a later call opens a new one)."""
        http_client, self._http_client = self._http_client, None
        if http_client is not None:
            await http_client.aclose()

    # -- Bot API shaped objects ------------------------------------------------------------------

    def from_user(self, language_code: str | None = None) -> dict[str, Any]:
        """This user as a Bot API ``User`` object."""
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        effective_language_code = language_code or self.language_code
        if effective_language_code:
            user["language_code"] = effective_language_code
        return user

    def chat(self) -> dict[str, Any]:
        """This user's chat as a Bot API ``Chat`` object."""
        chat: dict[str, Any] = {"id": self.chat_id, "type": self.chat_type}
        if self.chat_type == "private":
            chat["first_name"] = self.first_name
            if self.last_name:
                chat["last_name"] = self.last_name
            if self.username:
                chat["username"] = self.username
        else:
            chat["title"] = self.chat_title or f"Test {self.chat_type} {self.chat_id}"
        return chat

    def _message_body(self, text: str, language_code: str | None) -> dict[str, Any]:
        return {
            "botToken": self.bot_token,
            "date": int(time.time()),
            "chat": self.chat(),
            "from": self.from_user(language_code),
            "text": text,
        }

    # -- acting ----------------------------------------------------------------------------------

    async def send_message(self, text: str, *, language_code: str | None = None) -> None:
        """Send a plain text message to the bot."""
        await self._post("/sendMessage", self._message_body(text, language_code))

    async def send_command(self, command: str, *, language_code: str | None = None) -> None:
        """Send a command, e.g. ``"/start"`` or ``"/start deep-link-payload"``.

        The leading slash is optional; the message carries a ``bot_command`` entity like in real
        Telegram, so PTB's ``CommandHandler`` picks it up.
        """
        text = command if command.startswith("/") else f"/{command}"
        command_length = len(text.split(maxsplit=1)[0])
        body = self._message_body(text, language_code)
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": command_length}]
        await self._post("/sendCommand", body)

    async def press_button(
        self,
        message: BotMessage,
        *,
        callback_data: str | None = None,
        text: str | None = None,
        language_code: str | None = None,
    ) -> InlineButton:
        """Press the inline button (found by ``callback_data`` and/or button ``text``) on ``message``.

        The button is looked up in the message's *current* state in the emulator (it may have been
        edited since ``message`` was received). Returns the pressed button.

        Raises:
            LookupError: the message has no such button (any more).
        """
        if callback_data is None and text is None:
            raise ValueError("press_button needs callback_data or text")
        current_message = await self.get_bot_message(message.message_id) or message
        button = current_message.find_button(text=text, callback_data=callback_data)
        if button.callback_data is None:
            raise LookupError(f"button {button.text!r} has no callback_data (url: {button.url!r})")
        body = {
            "botToken": self.bot_token,
            "date": int(time.time()),
            "from": self.from_user(language_code),
            "message": current_message.as_bot_api_message(self.chat(), emulator_bot_user(self.bot_token)),
            "data": button.callback_data,
        }
        await self._post("/sendCallback", body)
        return button

    async def press_buttons_at_once(self, message: BotMessage, texts: list[str]) -> None:
        """Press several buttons of ``message`` as it is now, without waiting for the bot in between
        (a user tapping fast on a keyboard the bot has not redrawn yet)."""
        current = await self.get_bot_message(message.message_id) or message
        bodies = [{
            "botToken": self.bot_token,
            "date": int(time.time()),
            "from": self.from_user(None),
            "message": current.as_bot_api_message(self.chat(), emulator_bot_user(self.bot_token)),
            "data": current.find_button(text=text).callback_data,
        } for text in texts]
        await asyncio.gather(*(self._post("/sendCallback", body) for body in bodies))

    # -- observing -------------------------------------------------------------------------------

    async def wait_for_bot_messages(
        self, count: int = 1, *, timeout: float | None = None
    ) -> list[BotMessage]:
        """Wait for the bot's next ``count`` messages to this chat and return them, oldest first.

        Messages that arrive beyond ``count`` are kept for the next call.

        Raises:
            TimeoutError: fewer than ``count`` messages arrived in time (what did arrive is listed).
        """
        timeout_seconds = self.default_timeout_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout_seconds
        while True:
            self._unconsumed_bot_messages.extend(await self._fetch_unread_bot_messages())
            if len(self._unconsumed_bot_messages) >= count:
                return [self._unconsumed_bot_messages.popleft() for _ in range(count)]
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"bot sent {len(self._unconsumed_bot_messages)} of {count} expected message(s) to "
                    f"chat {self.chat_id} within {timeout_seconds} s: {list(self._unconsumed_bot_messages)}"
                )
            await asyncio.sleep(self.poll_interval_seconds)

    async def wait_for_bot_message(self, *, timeout: float | None = None) -> BotMessage:
        """Wait for the bot's next message to this chat."""
        (message,) = await self.wait_for_bot_messages(1, timeout=timeout)
        return message

    async def expect_no_bot_message(self, *, within: float = 0.5) -> None:
        """Assert that the bot sends nothing (new) to this chat for ``within`` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self._unconsumed_bot_messages.extend(await self._fetch_unread_bot_messages())
            if self._unconsumed_bot_messages:
                raise AssertionError(f"bot sent unexpected message(s): {list(self._unconsumed_bot_messages)}")
            await asyncio.sleep(self.poll_interval_seconds)

    async def bot_messages_history(self) -> list[BotMessage]:
        """All stored bot messages to this chat, oldest first, each in its current (edited) state."""
        response = await self._post("/getUpdatesHistory", {"token": self.bot_token})
        history = [
            BotMessage.from_storage_entry(entry)
            for entry in response.get("result") or []
            if "chat_id" in (entry.get("message") or {})  # bot messages; user ones carry "chat"
        ]
        return [message for message in history if message.chat_id == self.chat_id]

    async def get_bot_message(self, message_id: int) -> BotMessage | None:
        """The current state of the bot's message ``message_id`` in this chat (``None`` if unknown)."""
        for message in await self.bot_messages_history():
            if message.message_id == message_id:
                return message
        return None

    async def wait_for_bot_message_state(
        self,
        message_id: int,
        predicate: Callable[[BotMessage], bool],
        *,
        timeout: float | None = None,
    ) -> BotMessage:
        """Wait until the bot's message ``message_id`` satisfies ``predicate`` and return it.

        Raises:
            TimeoutError: it did not in time (its last state is included).
        """
        timeout_seconds = self.default_timeout_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout_seconds
        while True:
            current_message = await self.get_bot_message(message_id)
            if current_message is not None and predicate(current_message):
                return current_message
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"bot message {message_id} in chat {self.chat_id} did not reach the expected state "
                    f"within {timeout_seconds} s; last state: {current_message}"
                )
            await asyncio.sleep(self.poll_interval_seconds)

    async def wait_for_edit(self, message: BotMessage, *, timeout: float | None = None) -> BotMessage:
        """Wait until the bot edits ``message`` (text, parse mode or markup differ); return the new state."""
        original_content = _content_key(message)
        return await self.wait_for_bot_message_state(
            message.message_id,
            lambda current: _content_key(current) != original_content,
            timeout=timeout,
        )

    # -- HTTP ------------------------------------------------------------------------------------

    async def _fetch_unread_bot_messages(self) -> list[BotMessage]:
        response = await self._post("/getUpdates", {"token": self.bot_token, "chatId": self.chat_id})
        messages = [BotMessage.from_storage_entry(entry) for entry in response.get("result") or []]
        return sorted(messages, key=lambda message: message.message_id)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if self._http_client is None:
            # trust_env=False: never route loopback traffic through a proxy from the environment.
            self._http_client = httpx.AsyncClient(base_url=self.server_url, timeout=10.0, trust_env=False)
        response = await self._http_client.post(path, json=body)
        if response.status_code != 200:
            raise RuntimeError(f"emulator {path} answered {response.status_code}: {response.text}")
        return response.json()
