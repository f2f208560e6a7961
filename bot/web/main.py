"""Build the web application: chat API, widget files, pages, staff records, OpenAPI at ``/docs``.

``create_app(settings)`` opens the store from the settings in the app's lifespan and closes it on
shutdown; tests pass an open ``store`` instead (then no lifespan is needed, e.g. with
``httpx.ASGITransport``). With ``with_telegram=True`` and ``TELEGRAM_BOT_TOKEN`` set, the Telegram
bot runs in the same event loop, started and stopped by the lifespan.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.conversation_service import ConversationService
from bot.settings import Settings
from bot.store import Store, open_store
from bot.telegram_runner import run_telegram, stop_telegram_task
from bot.web.errors import ApiError, install_error_handlers
from bot.web.routers import faq, pages, records, sessions
from bot.web.schemas import Health

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
HEALTH_PROBE_KEY = "health:probe"


def _lifespan(settings: Settings, with_telegram: bool,
              telegram_options: Mapping[str, Any]) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if app.state.service is None:
                store = open_store(settings.store_url, idle_ttl_seconds=settings.idle_ttl_seconds)
                stack.push_async_callback(store.close)
                app.state.service = ConversationService(store, settings.default_locale)
                log.info("store opened (%s)", settings.store_url.split("://", 1)[0])
            if with_telegram and settings.telegram_bot_token is not None:
                stopping = asyncio.Event()
                task = asyncio.create_task(run_telegram(settings, app.state.service, telegram_options, stopping),
                                           name="telegram")
                stack.push_async_callback(stop_telegram_task, task, stopping)  # runs before the store closes
            try:
                yield
            finally:
                log.info("shutting down: stopping Telegram (if running) and closing the store")
        if not app.state.external_store:
            app.state.service = None

    return lifespan


def _serve_api_docs_offline(app: FastAPI) -> None:
    """``/docs`` with Swagger UI's files from the swagger-ui-bundle package instead of a CDN."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="awardbot API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")


def create_app(settings: Settings | None = None, *, store: Store | None = None, with_telegram: bool = False,
               telegram_options: Mapping[str, Any] | None = None) -> FastAPI:
    """The ASGI app. ``store``: an open store the caller owns (else one is opened from ``settings``).

    ``telegram_options`` go to :func:`bot.telegram.app.build_application` (tests pass the
    ``request`` / ``get_updates_request`` of an emulator).
    """
    settings = settings or Settings()
    app = FastAPI(
        title="awardbot",
        summary="Which Chongqing software-industry awards can an enterprise claim: chat API, widget, FAQ",
        version="0.1.0",
        docs_url=None,  # served below from the packaged Swagger UI: /docs works without a CDN
        lifespan=_lifespan(settings, with_telegram, telegram_options or {}),
    )
    app.state.settings = settings
    app.state.external_store = store is not None
    app.state.service = ConversationService(store, settings.default_locale) if store is not None else None

    app.add_middleware(
        CORSMiddleware,  # the widget is embedded in other sites' pages and calls the API from there
        allow_origins=["*"],
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Accept-Language"],
        max_age=600,
    )
    install_error_handlers(app)
    app.include_router(sessions.router)
    app.include_router(faq.router)
    app.include_router(records.router)
    app.include_router(pages.router)
    _serve_api_docs_offline(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", response_model=Health, tags=["meta"], summary="Liveness and store check")
    async def healthz() -> Health:
        service = app.state.service
        if service is None:
            raise ApiError(503, "web.errors.store_unavailable")
        await service.store.get(HEALTH_PROBE_KEY)  # a StoreError here answers 503
        return Health(status="ok")

    return app
