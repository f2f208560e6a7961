"""Updates of different chats run concurrently; those of one chat run one after the other, in order.

PTB's default handles every update sequentially, so one slow chat would hold up all others.
:class:`PerChatUpdateProcessor` lets up to ``max_concurrent_updates`` updates run at once but
serialises each chat on its own FIFO lock, so a user's quick succession of answers is
applied in the order sent (the store's compare-and-set keeps each step atomic regardless).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._users: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        chat_id = chat.id if chat is not None else None
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:  # nobody waits: drop the lock so the dict stays small
                del self._users[chat_id]
                del self._locks[chat_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
