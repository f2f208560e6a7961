"""A throwaway redis-server on loopback, for tests and benchmarks (never for production).

Runs Debian's ``/usr/bin/redis-server`` on a free 127.0.0.1 port, without persistence
(``--save '' --appendonly no``), in a temporary directory removed on stop.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import redis

REDIS_SERVER_BINARY = Path("/usr/bin/redis-server")
_START_ATTEMPTS = 3
_READY_TIMEOUT_SECONDS = 10.0


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRedisServer:
    """``with LocalRedisServer() as server: open_store(server.url)``."""

    def __init__(self, binary: Path = REDIS_SERVER_BINARY) -> None:
        self.binary = Path(binary)
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if not self.binary.exists():
            raise FileNotFoundError(
                f"{self.binary} not found: install Debian's redis-server (apt-get install redis-server)"
            )
        self._workdir = Path(tempfile.mkdtemp(prefix="awardbot-redis-"))
        for _ in range(_START_ATTEMPTS):
            self.port = _free_loopback_port()
            self._process = subprocess.Popen(
                [
                    str(self.binary),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self._workdir),
                    "--daemonize",
                    "no",
                    "--loglevel",
                    "warning",
                    "--logfile",
                    str(self._workdir / "redis.log"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_until_ready():
                return
            self._terminate()  # most likely the port was taken in the meantime: try another
        log_text = (self._workdir / "redis.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"redis-server did not start; its log ends with:\n{log_text}")

    def _wait_until_ready(self) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                with redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2) as client:
                    if client.ping():
                        return True
            except redis.ConnectionError:
                time.sleep(0.02)
        return False

    def _terminate(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def stop(self) -> None:
        self._terminate()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
