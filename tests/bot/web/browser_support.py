"""Shared by the browser tests: Chromium, ``awardbot serve``, a widget driver, axe-core, other sites' pages.

Debian's Chromium (``/usr/bin/chromium``) is driven by Playwright; axe-core comes from the npm package
the tests install (``package.json``); screenshots go to ``test-output/`` for people to look at.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .support import REPO_ROOT, TYPED_ANSWERS, ServeProcess

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT_DIR = REPO_ROOT / "test-output"
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
MULTI_CHOICES = {"certifications": ["national_key_software", "high_tech_enterprise"],
                 "new_certifications": ["national_key_software"]}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@contextlib.contextmanager
def customer_site(page_html: str, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Another site (a loopback HTTP server on its own port) whose page embeds the widget."""
    body = page_html.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}/customer.html"
    finally:
        site.shutdown()
        site.server_close()


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[ServeProcess]:
    with ServeProcess(data_dir, env={"AWARDBOT_RATE_LIMITS": "off"}) as running:
        yield running


def widget_strings(server: ServeProcess) -> dict[str, dict[str, str]]:
    """The widget's UI strings, as the server hands them out (never written into the tests)."""
    return {locale: httpx.get(f"{server.base_url}/api/i18n/{locale}").json()["messages"]
            for locale in ("zh-CN", "en")}


async def launch_chromium() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        message = ("!!! /usr/bin/chromium IS MISSING: the browser tests are SKIPPED. "
                   "Install Debian's chromium package (test.sh does) to run them. !!!")
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def axe_violations(page: Any, context: str = "document") -> list[str]:
    """axe-core's WCAG 2.1 A/AA and best-practice violations on the page (shadow roots included).

    The page's context must be made with ``bypass_csp=True`` (axe is injected as a script).
    """
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run npm ci (test.sh does)")
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE_SCRIPT))
    results = await page.evaluate(
        "async ([context, tags]) => (await axe.run(context === 'document' ? document : context,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => JSON.stringify(n.target)).join(', '))",
        [context, WCAG_AA])
    return list(results)


def in_widget(expression: str) -> str:
    """A JavaScript expression evaluated with ``root`` bound to the widget's shadow root."""
    return f"() => {{ const root = document.querySelector('.awardbot-widget').shadowRoot; return {expression}; }}"


class WidgetDriver:
    """Acts on the widget like a person and reads each turn the server sent for the action."""

    def __init__(self, page: Any, strings: dict[str, dict[str, str]], locale: str = "zh-CN") -> None:
        self.page = page
        self.all_strings = strings
        self.locale = locale
        self.panel = page.locator(".ab-panel")
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    @property
    def s(self) -> dict[str, str]:
        return self.all_strings[self.locale]

    async def rendered(self) -> int:
        value = await self.panel.get_attribute("data-turns") if await self.panel.count() else None
        return int(value or 0)

    async def act(self, action: Callable[[], Awaitable[Any]], after_reload: bool = False) -> dict[str, Any]:
        """Do ``action``; wait for the server's turn and for the widget to show it; return the turn."""
        from playwright.async_api import expect

        before = 0 if after_reload else await self.rendered()

        def is_turn(response: Any) -> bool:
            path = response.url.split("?")[0]
            return ("/api/sessions" in path and not path.endswith("/report")
                    and response.request.method != "OPTIONS" and response.ok)

        async with self.page.expect_response(is_turn) as info:
            await action()
        turn = await (await info.value).json()
        await expect(self.panel).to_have_attribute("data-turns", str(before + 1))
        self.locale = turn.get("locale", self.locale)
        return turn

    async def open(self) -> dict[str, Any]:
        return await self.act(lambda: self.page.get_by_role("button", name=self.s["bubble"]).click())

    def button(self, name: str) -> Any:
        return self.panel.get_by_role("button", name=name, exact=True)

    async def answer(self, turn: dict[str, Any]) -> dict[str, Any]:
        expects = turn["expects"]
        field, kind = expects["field"], expects["kind"]
        labels = {option["id"]: option["label"] for option in expects["options"]}
        if field == "district":
            return await self.act(lambda: self.button(labels["渝中区"]).click())
        if kind == "bool":
            return await self.act(lambda: self.button(labels["no" if field == "events" else "yes"]).click())
        if kind == "multi":
            wanted = [option for option in MULTI_CHOICES.get(field, []) if option in labels]
            if not wanted:
                return await self.act(lambda: self.button(self.s["none"]).click())
            for option in wanted:
                await self.panel.get_by_role("checkbox", name=labels[option], exact=True).check()
            return await self.act(lambda: self.button(self.s["multi_done"]).click())
        typed = TYPED_ANSWERS.get(field)
        if kind in ("amount", "integer") and typed:
            async def type_it() -> None:
                box = self.panel.get_by_role("textbox", name=self.s["input_label"])
                await box.fill(typed)
                await box.press("Enter")
            return await self.act(type_it)
        return await self.act(lambda: self.button(self.s["skip"]).click())

    async def answer_until(self, turn: dict[str, Any], stop: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        for _ in range(80):
            if turn["done"] or stop(turn):
                return turn
            turn = await self.answer(turn)
        raise AssertionError("the conversation did not get there in 80 turns")

    async def bubbles(self) -> list[tuple[str, str | None, str]]:
        """Every message in the log: (role, lang, text)."""
        found = await self.page.evaluate(in_widget(
            "[...root.querySelectorAll('.ab-log > .ab-msg')].map(m => [m.classList.contains('ab-msg-user') ? "
            "'user' : 'bot', m.getAttribute('lang'), m.querySelector('.ab-msg-text').textContent])"))
        return [tuple(bubble) for bubble in found]

    async def focused(self) -> str:
        """What has the keyboard focus: the tag and text of the widget's active element, or ``BODY``."""
        return await self.page.evaluate(
            "() => { const host = document.querySelector('.awardbot-widget');"
            " const inner = host && host.shadowRoot.activeElement;"
            " if (document.activeElement === host && inner) return inner.tagName + ':' + (inner.textContent ||"
            " inner.getAttribute('aria-label') || inner.value || '');"
            " return document.activeElement.tagName; }")


def save_screenshot_path(name: str) -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR / name
