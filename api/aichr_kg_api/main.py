"""App factory: ``create_app(settings)`` builds the graph and mounts one router per concern."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from aichr_kg import __version__
from aichr_kg.settings import Settings
from aichr_kg_api.routers import queries
from aichr_kg_api.state import GraphState


def create_app(settings: Settings | None = None, state: GraphState | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.graph = state or GraphState.from_settings(settings)
        yield

    app = FastAPI(title="aichr-kg", version=__version__, lifespan=lifespan,
                  description="Knowledge graph of ASEAN human-rights actors: SPARQL endpoint, linked data and canned questions.")
    app.include_router(queries.router)
    return app


def app_from_env() -> FastAPI:
    """Entry point for uvicorn's ``--factory`` (settings from AICHR_KG_* variables)."""
    return create_app(Settings())
