"""``create_app(engine, settings)``: the FastAPI app over one Engine, built fresh per call.

Who runs the engine: whoever made it. By default the app only serves the engine it is given
(``mini-reasoner serve`` starts and closes it, alongside the other front-ends). With
``owns_engine=True`` (one engine per worker process) the app's lifespan starts it and closes
it when the server stops. It does not wait for the model, so ``GET /`` reports loading or
training, unless ``wait_ready=True``: a worker of ``serve --workers`` loads a model that is
already cached, and must not accept requests (which a sibling could serve) before it has;
``on_ready`` then runs once it has, before the first request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import errors, routes_complete, routes_openai, routes_status
from api.limits import BodyLimit
from api.static import DEFAULT_DIST, mount_web_ui
from engine.service import Engine
from engine.settings import Settings

DESCRIPTION = """\
A tiny Seq2Seq model that answers small number questions with a short chain of thought,
ending in `therefore the answer is X.`

- `POST /api/complete` answers a prompt; `/api/complete/stream` streams it token by token
  (Server-Sent Events); `/api/inspect` adds attention and confidences.
- `/v1/*` speaks the OpenAI API (chat and text completions), for existing clients.
"""


def create_app(
    engine: Engine,
    settings: Settings,
    *,
    owns_engine: bool = False,
    wait_ready: bool = False,
    on_ready: Callable[[], None] | None = None,
    web_ui: Path | None = DEFAULT_DIST,
) -> FastAPI:
    """The web API over ``engine``; ``web_ui`` is a built frontend to serve (None: no UI)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if owns_engine:
            engine.start()
            if wait_ready:
                await engine.wait_ready()
                if on_ready is not None:
                    on_ready()
        try:
            yield
        finally:
            if owns_engine:
                await engine.close()

    app = FastAPI(
        title="Mini Reasoner",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        strict_content_type=False,  # a JSON body without a Content-Type is still JSON
    )
    app.state.engine = engine
    app.state.settings = settings
    errors.install(app)
    app.include_router(routes_status.router)
    app.include_router(routes_complete.router)
    app.include_router(routes_openai.router)
    app.state.index_html = mount_web_ui(app, web_ui)
    # outermost last: CORS headers go on every reply, 413s included
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["Retry-After"],
    )
    return app
