"""TEST-ONLY: ``awardbot notify`` in a child process against the emulator, optionally SIGKILLing itself.

    python -m tests.bot.telegram.notify_child AS_OF KILL_AFTER

Settings come from the environment (``AWARDBOT_STORE``, ``TELEGRAM_BOT_TOKEN``,
``AWARDBOT_TELEGRAM_BASE_URL``, ``AWARDBOT_RULES_DIR`` …). With ``KILL_AFTER`` = n > 0 the process
kills itself with SIGKILL right after Telegram (the emulator) accepted the n-th message and before
the run could mark it sent: the one window where exactly-once cannot be known.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from typing import Any

from bot.notify_cli import notify
from bot.settings import Settings
from tests.bot.ptb_emulator_adapter import EmulatorBotApiState, EmulatorCompatibleRequest


class KillingRequest(EmulatorCompatibleRequest):
    def __init__(self, kill_after: int) -> None:
        super().__init__(EmulatorBotApiState())
        self.left = kill_after

    async def do_request(self, url: str, method: str, request_data: Any = None, **kwargs: Any) -> tuple[int, bytes]:
        reply = await super().do_request(url, method, request_data, **kwargs)
        if url.endswith("/sendMessage") and self.left > 0:
            self.left -= 1
            if self.left == 0:
                os.kill(os.getpid(), signal.SIGKILL)
        return reply


def main() -> int:
    as_of, kill_after = dt.date.fromisoformat(sys.argv[1]), int(sys.argv[2])
    report = asyncio.run(notify(Settings(_env_file=None), as_of=as_of, dry_run=False, locale="en",
                                request=KillingRequest(kill_after)))
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
