"""Web session ids: 192-bit random credentials, signed so that a session is stored only on its first message.

``POST /api/sessions`` writes nothing: it hands out ``<random><locale letter><tag>``, the tag an HMAC
of the rest under a key shared by every instance (``AWARDBOT_SESSION_SECRET``, else one kept in the
store). Until its first message a session is that id alone: its welcome turn is rebuilt from the
locale, so a burst of new sessions costs no rows. Ids stored before (plain random) keep working.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time

from bot.settings import Settings
from bot.store import Store

RANDOM_BYTES = 24  # 192 bits, 32 URL-safe characters
TAG_BYTES = 12  # 96 bits, 16 URL-safe characters
LOCALE_LETTERS = {"zh-CN": "z", "en": "e"}
LETTER_LOCALES = {letter: locale for locale, letter in LOCALE_LETTERS.items()}
SIGNED_LENGTH = 32 + 1 + 16
SECRET_KEY = "meta:session-id-secret"
SECRET_REFRESH_SECONDS = 24 * 3600
"""Reading the stored secret again this often also keeps it from expiring like an idle conversation."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class SessionIds:
    def __init__(self, settings: Settings) -> None:
        configured = settings.session_secret
        self._key = hashlib.sha256(configured.get_secret_value().encode()).digest() if configured else None
        self._configured = configured is not None
        self._loaded_at = 0.0
        self._loading = asyncio.Lock()

    async def _signing_key(self, store: Store) -> bytes:
        if self._key is None or (not self._configured and time.monotonic() - self._loaded_at > SECRET_REFRESH_SECONDS):
            async with self._loading:
                if self._key is None or time.monotonic() - self._loaded_at > SECRET_REFRESH_SECONDS:
                    def keep_or_make(old: str | None) -> tuple[str, str]:
                        kept = old or secrets.token_hex(32)
                        return kept, kept

                    _, secret = await store.update(SECRET_KEY, keep_or_make)
                    self._key = bytes.fromhex(secret)
                    self._loaded_at = time.monotonic()
        return self._key

    def _tag(self, key: bytes, unsigned: str) -> str:
        return _b64(hmac.digest(key, unsigned.encode(), "sha256")[:TAG_BYTES])  # one-shot: no HMAC object

    async def new(self, store: Store, locale: str) -> str:
        unsigned = secrets.token_urlsafe(RANDOM_BYTES) + LOCALE_LETTERS[locale]
        return unsigned + self._tag(await self._signing_key(store), unsigned)

    async def fresh_locale(self, store: Store, session_id: str) -> str | None:
        """The locale of an id we issued (signed); None for anything else."""
        if len(session_id) != SIGNED_LENGTH:
            return None
        unsigned, tag = session_id[:-16], session_id[-16:]
        if not hmac.compare_digest(tag, self._tag(await self._signing_key(store), unsigned)):
            return None
        return LETTER_LOCALES.get(unsigned[-1])
