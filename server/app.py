"""The FastAPI app factory: wires settings, the event store, the service and the routes."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Optional

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from game.messages import Refusal

from . import api, errors, pages, reports
from .hub import Hub
from .render import WEB, Renderer
from .service import GameService
from .settings import Settings
from .store import EventStore


SWAGGER = "5.35.0"
MAX_BODY = 256 * 1024


async def _tick(service: GameService) -> None:
    """Once a second: lock rounds whose clock ran out."""
    while True:
        await asyncio.sleep(1)
        try:
            await service.tick()
        except Exception:  # keep ticking; the error is in the log
            logging.getLogger("driekamer").exception("timer tick failed")


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        await app.state.service.load_all()
        ticker = asyncio.create_task(_tick(app.state.service))
        yield
        ticker.cancel()
        await app.state.service.hub.close_all(1012)  # clients reconnect after a restart

    app = FastAPI(title="DrieKamerSpel", version="1.0",
                  description="Serious games for housing associations. JSON API v1 for bots and integrations.",
                  lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.get("/docs", include_in_schema=False)
    async def docs():
        """Swagger UI from the vendored files: no CDN at run time."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="DrieKamerSpel API",
                                   swagger_js_url=f"/static/vendor/swagger-ui-dist/{SWAGGER}/swagger-ui-bundle.js",
                                   swagger_css_url=f"/static/vendor/swagger-ui-dist/{SWAGGER}/swagger-ui.css",
                                   swagger_favicon_url="data:,")

    @app.middleware("http")
    async def limit_body(request, call_next):
        """A request body over MAX_BODY is refused before it is read (413)."""
        size = request.headers.get("content-length")
        if size and (not size.isdigit() or int(size) > MAX_BODY):
            return errors.error_json(413, "too_large", "Dit verzoek is te groot (hooguit 256 kB).")
        return await call_next(request)
    store = EventStore(settings.database_url)
    svc = GameService(store, settings.scenarios_dir)
    svc.hub = Hub(svc)
    svc.hub.grace = settings.presence_grace
    app.state.settings, app.state.service, app.state.renderer = settings, svc, Renderer()

    app.add_exception_handler(Refusal, errors.refusal_handler)
    app.add_exception_handler(RequestValidationError, errors.validation_handler)
    app.add_exception_handler(StarletteHTTPException, errors.http_handler)
    app.add_exception_handler(Exception, errors.unexpected_handler)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(reports.router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    return app
