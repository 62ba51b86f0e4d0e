"""A DeskConfig in; the Starlette application of the advocate desk out (routes, templates, static files, middleware)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from . import _routes as r
from ._desk import Desk, DeskConfig
from ._security import DeskMiddleware

HERE = Path(__file__).resolve().parent


def create_app(config: DeskConfig = DeskConfig()) -> Starlette:
    desk = Desk(config)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await desk.start()
        try:
            yield
        finally:
            await desk.stop()

    routes = [
        Route("/", r.page, methods=["GET"]),
        Route("/guide.pdf", r.guide_form, methods=["POST"]),
        Route("/api/sections", r.api_sections, methods=["GET"]),
        Route("/api/guide", r.api_guide, methods=["POST"]),
        Route("/api/pages", r.api_pages, methods=["GET"]),
        Route("/healthz", r.healthz, methods=["GET"]),
        Route("/signin", r.signin, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(DeskMiddleware, guard=desk.guard)])
    # autoescape everything: every typed value is shown back in the form
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.state.templates = Jinja2Templates(env=env)
    app.state.desk = desk
    return app
