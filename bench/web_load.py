"""Load benchmark of the web chat: N simulated users completing conversations against ``awardbot serve``.

    python bench/web_load.py [--users 200] [--think 2.0] [--conversations 1] [--saturated-conversations 3]
                             [--workers 2] [--skip-paced] [--rounds 1]

Starts ``awardbot serve`` on a free loopback port with a temporary data dir (SQLite), and a bare
FastAPI app (one trivial JSON endpoint) started the same way as the ceiling; stops both after.
Two phases against each server, with httpx.AsyncClient:

* paced — every user waits a random "think time" (0.5–1.5 × ``--think`` seconds) before each
  answer, as people do: turn latency p50/p99 at ``--users`` concurrent conversations;
* saturated — no think time: the most turns/s the server gives to ``--users`` users at once;
  then the same against ``awardbot serve --workers N`` (``--workers``, default 2; 0 skips it).
  ``--rounds N`` repeats the saturated phases, chat and bare alternating, and reports medians: on a
  machine others use too, a busy minute then falls on both sides of the ratio.

Rate limits are off (``AWARDBOT_RATE_LIMITS=off``, CONTRACT §6); each answer carries its turn.

Prints throughput (turns/s), p50/p99 turn latency and errors per phase and server, and the CPU time
the load generator and the server (all its workers) used in each saturated phase. Targets: 0
errors; paced p99 ≤ 50 ms at 200 users; saturated chat throughput of one worker ≥ 65 % of the bare
endpoint's. The load generator shares the machine (and its cores) with the servers: with N workers on
N cores expect less than N× (the generator takes its share: the CPU line says how much).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]

ANSWERS = {  # a Yuzhong software enterprise, typed the way people type
    "district": "渝中区", "is_software_enterprise": "是", "certifications": "national_key_software,high_tech_enterprise",
    "new_certifications": "national_key_software", "revenue_cny": "1.2亿", "revenue_prev_cny": "1亿",
    "software_staff": "5200", "software_staff_prev_max": "4800", "software_revenue_cny": "8000万",
    "software_revenue_prev_max_cny": "6000万", "activities": "无", "compute_spend_cny": "200万",
    "rnd_reserve_system": "yes", "rnd_expense_cny": "800万", "rnd_expense_prev_cny": "600万",
    "invention_patents": "3", "blockchain_invention_patents": "1", "events": "no",
}

BARE_APP = """
import asyncio, signal, sys, uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
app = FastAPI()
class Message(BaseModel):
    text: str
@app.post("/echo")
async def echo(message: Message) -> dict:
    return {"ok": True, "text": message.text}
@app.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}
# started the way awardbot serve starts: uvicorn.Server on uvicorn's loop factory, clean exit on SIGTERM
server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
                                       access_log=False, server_header=False))
signal.signal(signal.SIGTERM, lambda *_: None)
with asyncio.Runner(loop_factory=server.config.get_loop_factory()) as runner:
    runner.run(server.serve())
"""

SERVE = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and its children (uvicorn's workers), from /proc
    (Linux); 0 where there is no /proc."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server subprocess on a free loopback port, ready once ``/healthz`` answers."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-c", *args, *self._port_args(args)], cwd=cwd,
                                            env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start:\n{self.log.read_text()}")

    def _port_args(self, args: list[str]) -> list[str]:
        return ["--port", str(self.port)] if args[0] == SERVE else [str(self.port)]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conversations: int = 0
    started: float = 0.0
    finished: float = 0.0
    cpu: tuple[float, float] = (0.0, 0.0)  # load generator, server (all workers): CPU seconds

    def timed(self, seconds: float) -> None:
        self.latencies.append(seconds)


async def _request(client: httpx.AsyncClient, tally: Tally, method: str, url: str, body: Any) -> dict | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, json=body)
    except httpx.HTTPError as exc:
        tally.errors.append(type(exc).__name__)
        return None
    tally.timed(time.perf_counter() - started)
    if response.status_code != 200:
        tally.errors.append(f"HTTP {response.status_code}")
        return None
    return response.json()


async def chat_user(client: httpx.AsyncClient, tally: Tally, think: float, conversations: int,
                    rng: random.Random) -> None:
    for _ in range(conversations):
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # users arrive spread out
        turn = await _request(client, tally, "POST", "/api/sessions", {"locale": "zh-CN"})
        for _ in range(60):
            if turn is None or turn["done"]:
                break
            if think:
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
            expects = turn["expects"]
            text = ANSWERS.get(expects["field"]) or ("无" if expects["kind"] == "multi" else "跳过")
            turn = await _request(client, tally, "POST", f"/api/sessions/{turn['session_id']}/messages",
                                  {"text": text, "turn": turn.get("turn")})
        if turn is not None and turn["done"]:
            tally.conversations += 1
        elif turn is not None:
            tally.errors.append("conversation did not finish")


async def bare_user(client: httpx.AsyncClient, tally: Tally, think: float, requests: int,
                    rng: random.Random) -> None:
    if think:
        await asyncio.sleep(rng.uniform(0, think))
    for _ in range(requests):
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        await _request(client, tally, "POST", "/echo", {"text": "1.2亿"})


async def run_phase(base_url: str, users: int, think: float, per_user: int, bare: bool) -> Tally:
    """Every user has its own client (connection), like a browser; all connect first, then start."""
    tally = Tally()
    go = asyncio.Event()
    ready = 0

    async def user(seed: int) -> None:
        nonlocal ready
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            await client.get("/healthz")  # open the connection before the clock starts
            ready += 1
            if ready == users:
                tally.started = time.perf_counter()
                go.set()
            await go.wait()
            rng = random.Random(seed)
            if bare:
                await bare_user(client, tally, think, per_user, rng)
            else:
                await chat_user(client, tally, think, per_user, rng)

    await asyncio.gather(*(user(seed) for seed in range(users)))
    tally.finished = time.perf_counter()
    return tally


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(name: str, tally: Tally) -> float:
    seconds = tally.finished - tally.started
    throughput = len(tally.latencies) / seconds if seconds else 0.0
    median = statistics.median(tally.latencies) * 1000 if tally.latencies else float("nan")
    print(f"  {name:24} {len(tally.latencies):6d} turns in {seconds:6.1f} s  {throughput:8.1f} turns/s  "
          f"p50 {median:6.1f} ms  p99 {percentile(tally.latencies, 0.99) * 1000:7.1f} ms  "
          f"errors {len(tally.errors)}{' ' + str(sorted(set(tally.errors))) if tally.errors else ''}")
    return throughput


async def measured_phase(server: Server, users: int, think: float, per_user: int, bare: bool) -> Tally:
    """:func:`run_phase`, also noting the CPU time the load generator and the server used in it."""
    generator, served = time.process_time(), tree_cpu_seconds(server.process.pid)
    tally = await run_phase(server.url, users, think, per_user, bare)
    tally.cpu = (time.process_time() - generator, tree_cpu_seconds(server.process.pid) - served)
    return tally


def report_cpu(tally: Tally) -> None:
    seconds = tally.finished - tally.started
    generator, served = tally.cpu
    per_turn = served / len(tally.latencies) * 1000 if tally.latencies else float("nan")
    print(f"  {'':24} cpu: load generator {generator:6.1f} s, server {served:6.1f} s ({per_turn:.2f} ms/turn) "
          f"in {seconds:.1f} s on {os.cpu_count()} cores")


async def phases(chat: Server, bare: Server, workers: Server | None, args: argparse.Namespace) -> dict[str, float]:
    turns_per_conversation = 19  # the scripted conversation: 1 start + 18 answers
    results = {}
    results["paced_p99_ms"], results["errors"] = float("nan"), 0
    bare_paced = Tally()
    if not args.skip_paced:
        print(f"paced: {args.users} users, think time {args.think:.1f} s (±50 %), "
              f"{args.conversations} conversation(s) each")
        paced = await run_phase(chat.url, args.users, args.think, args.conversations, bare=False)
        results["paced_p99_ms"] = percentile(paced.latencies, 0.99) * 1000
        results["errors"] = len(paced.errors)
        report("chat (awardbot serve)", paced)
        bare_paced = await run_phase(bare.url, args.users, args.think, turns_per_conversation * args.conversations,
                                     bare=True)
        report("bare FastAPI endpoint", bare_paced)

    chat_rates, bare_rates, worker_rates, p99s = [], [], [], []
    for round_number in range(1, args.rounds + 1):  # chat and bare alternate: a busy minute hits both
        print(f"saturated{f' (round {round_number} of {args.rounds})' if args.rounds > 1 else ''}: {args.users} "
              f"users, no think time, {args.saturated_conversations} conversation(s) each")
        saturated = await measured_phase(chat, args.users, 0, args.saturated_conversations, bare=False)
        chat_rates.append(report("chat (awardbot serve)", saturated))
        report_cpu(saturated)
        p99s.append(percentile(saturated.latencies, 0.99) * 1000)
        bare_saturated = await measured_phase(bare, args.users, 0,
                                              turns_per_conversation * args.saturated_conversations, bare=True)
        bare_rates.append(report("bare FastAPI endpoint", bare_saturated))
        report_cpu(bare_saturated)
        results["errors"] += len(saturated.errors) + len(bare_saturated.errors)
        if workers is not None:
            several = await measured_phase(workers, args.users, 0, args.saturated_conversations, bare=False)
            worker_rates.append(report(f"chat ({args.workers} workers)", several))
            report_cpu(several)
            results["errors"] += len(several.errors)
    results["errors"] += len(bare_paced.errors)
    results["chat_turns_per_s"], results["bare_turns_per_s"] = statistics.median(chat_rates), statistics.median(bare_rates)
    results["saturated_p99_ms"] = statistics.median(p99s)
    results["ratio"] = statistics.median(c / b for c, b in zip(chat_rates, bare_rates, strict=True) if b)
    if worker_rates:
        results["workers_ratio"] = statistics.median(w / c for w, c in zip(worker_rates, chat_rates, strict=True) if c)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="concurrent simulated users (default 200)")
    parser.add_argument("--think", type=float, default=2.0, help="mean think time of the paced phase, seconds")
    parser.add_argument("--conversations", type=int, default=1, help="conversations per user, paced phase")
    parser.add_argument("--saturated-conversations", type=int, default=3,
                        help="conversations per user, saturated phase (default 3)")
    parser.add_argument("--workers", type=int, default=2,
                        help="also measure awardbot serve --workers N, saturated (default 2; 0: skip)")
    parser.add_argument("--skip-paced", action="store_true", help="only the saturated phases")
    parser.add_argument("--rounds", type=int, default=1,
                        help="saturated phases, chat and bare alternating; medians reported (default 1)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="awardbot-bench-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_") and k != "TELEGRAM_BOT_TOKEN"}
        env.update({"AWARDBOT_DATA_DIR": str(work / "data"), "AWARDBOT_LOG_LEVEL": "INFO", "AWARDBOT_RATE_LIMITS": "off",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))})
        chat = Server("awardbot-serve", [SERVE, "serve", "--host", "127.0.0.1"], env, work)
        bare = Server("bare-fastapi", [BARE_APP], env, work)
        several = (Server("awardbot-serve-workers", [SERVE, "serve", "--host", "127.0.0.1", "--workers", str(args.workers)],
                          {**env, "AWARDBOT_DATA_DIR": str(work / "data-workers")}, work)
                   if args.workers > 1 else None)
        try:
            results = asyncio.run(phases(chat, bare, several, args))
        finally:
            codes = chat.stop(), bare.stop()
            if several is not None:
                several.stop()
    print(f"servers stopped (exit codes {codes[0]}, {codes[1]})")
    rounds = f" (median of {args.rounds} rounds)" if args.rounds > 1 else ""
    print(f"targets: errors {results['errors']} (0) | paced p99 {results['paced_p99_ms']:.1f} ms (≤ 50) | "
          f"chat/bare throughput {results['ratio']:.0%}{rounds} (≥ 65 %)")
    if "workers_ratio" in results:
        print(f"--workers {args.workers} vs 1 worker: {results['workers_ratio']:.2f}×{rounds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
