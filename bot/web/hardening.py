"""The web app's shell on the open internet: unknown hosts refused, security and cache headers.

One pure ASGI middleware (no task or thread per request): a request naming a Host that is not
ours gets 400 before the app sees it, so no page can ever print ``Host: evil.example`` into a
link; every response gets ``X-Content-Type-Options``, ``Referrer-Policy``, a frame policy and a
Content Security Policy; conversations, reports and records are ``Cache-Control: no-store``.
Request bodies: one announced larger than ``max_body_bytes`` is answered 413 at once; one that grows
past it while being read (chunked) is stopped there, before it is buffered whole: the read raises
:class:`BodyTooLarge`, which the app's error handler answers 413 in the contract's shape.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.errors import locale_from_header
from locales import t

NO_STORE_PREFIXES = ("/api/sessions", "/api/records", "/api/questions")
"""Conversations, reports (company figures), records and questions: never kept by a browser or proxy cache."""

BASE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
REPORT_PRINT_HANDLER = "window.print()"
"""The printable report's one inline handler (its ``onclick``), allowed by hash, nothing else inline."""


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413)


def script_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def content_security_policies(docs_inline_scripts: Iterable[str]) -> dict[str, str]:
    """Policy per kind of page: everything from this origin only, no framing by other sites."""
    docs_scripts = " ".join(script_hash(source) for source in docs_inline_scripts)
    return {
        "default": BASE_POLICY,
        # Swagger UI's page starts it with one inline script; React sets inline styles
        "docs": BASE_POLICY.replace("script-src 'self'", f"script-src 'self' {docs_scripts}")
                           .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
        "report": BASE_POLICY.replace("script-src 'self'",
                                      f"script-src 'self' 'unsafe-hashes' {script_hash(REPORT_PRINT_HANDLER)}")
                             .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
    }


def host_name(value: str) -> str:
    """``example.com:8000`` → ``example.com``; ``[::1]:8000`` → ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Hardening:
    """``allowed_hosts``: Host names answered (None: any)."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: frozenset[str] | None, policies: dict[str, str],
                 default_locale: str, max_body_bytes: int, strict_transport: bool = False) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = allowed_hosts
        self.policies = policies
        self.default_locale = default_locale
        common = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                  (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]
        if strict_transport:
            common.append((b"strict-transport-security", b"max-age=31536000"))
        self.common = common
        self.encoded = {kind: policy.encode() for kind, policy in policies.items()}

    def _policy(self, path: str) -> bytes:
        if path.startswith("/docs"):
            return self.encoded["docs"]
        if path.startswith("/api/sessions/") and path.endswith("/report"):
            return self.encoded["report"]
        return self.encoded["default"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = accept_language = ""
        length = 0
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
            elif name == b"accept-language":
                accept_language = value.decode("latin-1")
            elif name == b"content-length":
                length = int(value) if value.isdigit() else 0
        locale = locale_from_header(accept_language, self.default_locale)
        if self.allowed_hosts is not None and host_name(host) not in self.allowed_hosts:
            await self._refuse(400, t(locale, "web.errors.bad_host"), send)
            return
        if length > self.max_body_bytes:
            await self._refuse(413, t(locale, "web.errors.too_large", limit=self.max_body_bytes), send)
            return
        path: str = scope["path"]
        extra = [*self.common, (b"content-security-policy", self._policy(path))]
        no_store = path.startswith(NO_STORE_PREFIXES)

        received = 0
        started = False

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", ()) if not (no_store and k == b"cache-control")]
                headers.extend(extra)
                if no_store:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive_limited, send_with_headers)
        except BodyTooLarge:  # read outside a route (the route's own read is answered by the app)
            if started:
                raise
            await self._refuse(413, t(locale, "web.errors.too_large", limit=self.max_body_bytes), send)

    async def _refuse(self, status: int, message: str, send: Send) -> None:
        body = json.dumps({"detail": message, "message": message}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *self.common, (b"content-security-policy", self.encoded["default"])]})
        await send({"type": "http.response.body", "body": body})
