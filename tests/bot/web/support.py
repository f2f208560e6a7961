"""Shared by the web tests: answering the chat API's questions, and ``awardbot serve`` in a subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[3]

# A Yuzhong software enterprise, answered the way people type (amounts like "1.2亿").
TYPED_ANSWERS: dict[str, str] = {
    "district": "渝中区",
    "is_software_enterprise": "是",
    "certifications": "national_key_software,high_tech_enterprise",
    "new_certifications": "national_key_software",
    "revenue_cny": "1.2亿",
    "revenue_prev_cny": "1亿",
    "software_staff": "5200",
    "software_staff_prev_max": "4800",
    "software_revenue_cny": "8000万",
    "software_revenue_prev_max_cny": "6000万",
    "activities": "无",
    "compute_spend_cny": "200万",
    "rnd_reserve_system": "yes",
    "rnd_expense_cny": "800万",
    "rnd_expense_prev_cny": "600万",
    "invention_patents": "3",
    "blockchain_invention_patents": "1",
    "events": "no",
}
EXPECTED_TOTAL_ZH = "1,602 万元"  # 1000 + 300 + 200 + 50 + 38 + 10 + 4 (万元), after stacking

SKIP = "跳过"
CONTRACT_TURN_KEYS = {"session_id", "messages", "expects", "done", "assessment"}
EXPECTS_KINDS = {"amount", "integer", "choice", "multi", "bool", "text", "confirm"}


def answer_for(expects: dict[str, Any]) -> str:
    """What the scripted user types for the question on screen (skip when the script has nothing)."""
    typed = TYPED_ANSWERS.get(expects["field"])
    if typed is not None:
        return typed
    if expects["kind"] == "multi":
        return "无"
    return SKIP


def check_turn_shape(turn: dict[str, Any]) -> None:
    """CONTRACT §6: the turn's fields, exactly as named and typed."""
    assert set(turn) >= CONTRACT_TURN_KEYS, turn.keys()
    assert isinstance(turn["session_id"], str) and turn["session_id"]
    assert isinstance(turn["messages"], list) and all(isinstance(m, str) for m in turn["messages"])
    assert isinstance(turn["done"], bool)
    if turn["done"]:
        assert turn["expects"] is None
        assert isinstance(turn["assessment"], dict)
    else:
        expects = turn["expects"]
        assert {"field", "kind", "options"} <= set(expects) <= {"field", "kind", "options", "value"}
        assert isinstance(expects["field"], str) and expects["field"]
        assert expects["kind"] in EXPECTS_KINDS
        for option in expects["options"]:
            assert set(option) == {"id", "label"}
            assert isinstance(option["id"], str) and isinstance(option["label"], str)
        assert turn["assessment"] is None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """``awardbot serve`` on a free loopback port with its own data dir, as a user would run it."""

    def __init__(self, data_dir: Path, *, port: int | None = None, env: dict[str, str] | None = None,
                 log_path: Path | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or data_dir / f"serve-{self.port}.log"
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWARDBOT_") and k != "TELEGRAM_BOT_TOKEN"}
        env.update({"AWARDBOT_DATA_DIR": str(self.data_dir), "AWARDBOT_LOG_LEVEL": "INFO",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))})
        env.update(self.extra_env)
        return env

    def launch(self) -> subprocess.Popen[bytes]:
        """Start the process without waiting for it to answer."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))",
                   "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        # cwd: the data dir, so that no .env of the developer's checkout is read
        self.process = subprocess.Popen(command, cwd=self.data_dir, env=self._env(), stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        return self.process

    def start(self, timeout: float = 30) -> ServeProcess:
        """Start and wait until ``/healthz`` answers."""
        self.launch()
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"awardbot serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"awardbot serve did not answer /healthz in {timeout}s:\n{self.log()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Send ``sig`` and wait; returns the exit code (killed after ``timeout``: -9)."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.asynccontextmanager
async def serving(app: Any, port: int) -> AsyncIterator[None]:
    """``app`` served by uvicorn on loopback ``port`` (lifespan on) until the block ends."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started
        yield
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 30)
