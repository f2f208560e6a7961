"""Build the web application: chat API, widget files, pages, staff records, OpenAPI at ``/docs``.

``create_app(settings)`` opens the store from the settings in the app's lifespan and closes it on
shutdown; tests pass an open ``store`` instead (then no lifespan is needed, e.g. with
``httpx.ASGITransport``). ``background``: things to run next to the web while it serves (``awardbot
serve`` passes the Telegram bot), each an async context manager made from the app once the store is
open; they stop before the store closes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.conversation_service import ConversationService
from bot.settings import Settings
from bot.store import Store, open_store
from bot.web.errors import ApiError, install_error_handlers
from bot.web.hardening import Hardening, content_security_policies
from bot.web.rate_limits import RateLimiter
from bot.web.routers import faq, overview, pages, questions, records, sessions, subscriptions
from bot.web.schemas import Health
from bot.web.session_ids import SessionIds

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
HEALTH_PROBE_KEY = "health:probe"
DOCS_ASSETS = "/static/docs"

Background = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def _lifespan(settings: Settings, background: Sequence[Background]) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if app.state.service is None:
                store = open_store(settings.store_url, idle_ttl_seconds=settings.idle_ttl_seconds)
                stack.push_async_callback(store.close)
                app.state.service = ConversationService(store, settings.default_locale)
                log.info("store opened (%s)", settings.store_url.split("://", 1)[0])
            stack.push_async_callback(app.state.rate_limiter.close)
            for run_alongside in background:  # entered after the store opened, left before it closes
                await stack.enter_async_context(run_alongside(app))
            try:
                yield
            finally:
                log.info("shutting down: stopping what runs alongside and closing the store")
        if not app.state.external_store:
            app.state.service = None

    return lifespan


def _serve_api_docs_offline(app: FastAPI) -> list[str]:
    """``/docs``: current Swagger UI from the fastapi-offline package's files, no CDN. Returns the
    page's inline scripts (allowed by hash in its Content Security Policy)."""
    import fastapi_offline
    from fastapi.openapi.docs import get_swagger_ui_html

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    def page() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="awardbot API",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url="/favicon.ico")

    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return page()

    return re.findall(r"<script>(.*?)</script>", bytes(page().body).decode(), flags=re.S)


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    names = {name.strip().lower().strip("[]") for name in settings.allowed_hosts.split(",") if name.strip()}
    if "*" in names:
        return None
    if settings.public_base_url:
        names.add((urlsplit(settings.public_base_url).hostname or "").lower())
    if settings.host not in ("0.0.0.0", "::", ""):
        names.add(settings.host.lower())
    return frozenset(names)


def create_app(settings: Settings | None = None, *, store: Store | None = None,
               background: Sequence[Background] = ()) -> FastAPI:
    """The ASGI app. ``store``: an open store the caller owns (else one is opened from ``settings``)."""
    settings = settings or Settings()
    if settings.rules_dir is not None:
        from rules.loader import use_rules_dir

        use_rules_dir(settings.rules_dir)
    app = FastAPI(
        title="awardbot",
        summary="Which Chongqing software-industry awards can an enterprise claim: chat API, widget, FAQ",
        version="0.1.0",
        docs_url=None,  # served below from packaged Swagger UI files: /docs works without a CDN
        redoc_url=None,
        lifespan=_lifespan(settings, background),
    )
    app.state.settings = settings
    app.state.external_store = store is not None
    app.state.service = ConversationService(store, settings.default_locale) if store is not None else None
    app.state.session_ids = SessionIds(settings)
    app.state.rate_limiter = RateLimiter(settings)

    install_error_handlers(app)
    app.include_router(sessions.router)
    app.include_router(faq.router)
    app.include_router(records.router)
    app.include_router(subscriptions.router)
    app.include_router(questions.owner_router)
    app.include_router(questions.staff_router)
    app.include_router(overview.router)
    app.include_router(pages.router)
    docs_scripts = _serve_api_docs_offline(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", response_model=Health, tags=["meta"], summary="Liveness and store check",
             responses={503: {"description": "the store is not reachable"}})
    async def healthz() -> Health:
        service = app.state.service
        if service is None:
            raise ApiError(503, "web.errors.store_unavailable")
        await service.store.get(HEALTH_PROBE_KEY)  # a StoreError here answers 503
        return Health(status="ok")

    app.add_middleware(
        CORSMiddleware,  # the widget is embedded in other sites' pages and calls the API from there
        allow_origins=["*"],
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Accept-Language"],
        expose_headers=["Retry-After"],
        max_age=600,
    )
    app.add_middleware(Hardening, allowed_hosts=allowed_hosts(settings),  # outermost: before CORS and the app
                       policies=content_security_policies(docs_scripts), default_locale=settings.default_locale,
                       max_body_bytes=settings.max_body_bytes,
                       strict_transport=(settings.public_base_url or "").startswith("https://"))
    return app
