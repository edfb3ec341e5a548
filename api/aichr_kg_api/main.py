"""App factory: ``create_app(settings)`` builds the graph and mounts one router per concern."""

import asyncio
import contextlib
import logging

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from aichr_kg import __version__
from aichr_kg.answers import AnswerCache
from aichr_kg.execution import QueryError, open_runner
from aichr_kg.settings import Settings
from aichr_kg.store import EmbeddedStore
from aichr_kg_api import openapi, respond, security
from aichr_kg_api.conventions import Validators
from aichr_kg_api.fastpath import SparqlFastPath
from aichr_kg_api.linked import LinkedData
from aichr_kg_api.routers import apidocs, discovery, health, page, queries, resources, search, sparql
from aichr_kg_api.state import GraphState
from aichr_kg_api.templating import STATIC


def create_app(settings: Settings | None = None, state: GraphState | None = None) -> FastAPI:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.public_url is None:  # `aichr-kg serve` sets it; started some other way, say what links name
            logging.getLogger("aichr_kg_api").warning(
                "AICHR_KG_PUBLIC_URL is unset: absolute links name %s (set it to the address clients use)", settings.public)
        app.state.graph = graph = state or GraphState.from_settings(settings)
        app.state.answers = answer_cache(graph)  # exact answers of this build (in front of a server: if read-only)
        with contextlib.ExitStack() as opened:  # closed in the reverse order: workers, linked data, the graph
            if state is None:  # made here: its connections are this app's
                opened.callback(graph.close)
            # /sparql's query workers start in processes of their own meanwhile: the rest of the start runs beside them
            starting = asyncio.ensure_future(asyncio.to_thread(open_runner, graph.settings, graph.store, app.state.answers))
            try:
                app.state.linked = LinkedData.from_graph(graph)  # search index, vocabulary, templates, dumps
                opened.callback(app.state.linked.close)
                app.state.validators = Validators(graph.settings)  # ETag and Last-Modified of this build
            finally:
                app.state.runner = await starting
                opened.callback(app.state.runner.close)
            yield

    app = FastAPI(title="aichr-kg", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Knowledge graph of ASEAN human-rights actors: SPARQL endpoint, linked data and canned questions.")
    app.add_middleware(SparqlFastPath)  # added first: the innermost, so the HTTP layer still wraps it
    security.install(app, settings)  # the HTTP layer: headers, CORS, HEAD, compression, ETag / 304, kept answers
    app.include_router(queries.router)
    app.include_router(sparql.router)
    for router in (resources.router, search.router, discovery.router, apidocs.router, page.router, health.router):
        app.include_router(router)
    app.add_exception_handler(QueryError, lambda request, exc: sparql.query_error(exc))  # any route: 4xx/502/504
    app.add_exception_handler(404, respond.not_found_handler)  # unknown URIs: a page with a search form
    app.mount("/static/apidocs", StaticFiles(directory=apidocs.VIEWERS), name="apidocs")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    openapi.install(app)
    return app


def answer_cache(graph: GraphState) -> AnswerCache | None:
    size = graph.settings.answer_cache_size
    kept = isinstance(graph.store, EmbeddedStore) or graph.settings.remote_read_only  # else it may change under us
    return AnswerCache(size * 2**20) if size and kept else None


def app_from_env() -> FastAPI:
    """Entry point for uvicorn's ``--factory`` (settings from AICHR_KG_* variables)."""
    return create_app(Settings())


def server_limits(settings: Settings) -> dict:
    """uvicorn's settings for this service (SECURITY.md "Server limits"): forwarded headers believed only from the
    proxies named, idle keep-alive connections closed after a few seconds, and the HTTP protocol that enforces
    the head size, read time and connection limits (``aichr_kg_api.server``, which reads them from the environment)."""
    from aichr_kg_api.server import IMPORT_PATH

    return {"proxy_headers": bool(settings.trusted_proxies),
            "forwarded_allow_ips": ",".join(settings.trusted_proxies) or None,
            "timeout_keep_alive": settings.keep_alive_timeout, "http": IMPORT_PATH}
