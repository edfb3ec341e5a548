"""Typed dependencies: routes ask for the store, the catalogue or the settings, never for globals.

They are ``async def``: a plain ``def`` dependency costs every request a hop through the thread pool.
"""

from typing import Annotated

from fastapi import Depends, Request

from aichr_kg.catalogue import Catalogue
from aichr_kg.settings import Settings
from aichr_kg.store import EmbeddedStore
from aichr_kg_api.state import GraphState


async def get_state(request: Request) -> GraphState:
    return request.app.state.graph


async def get_store(request: Request) -> EmbeddedStore:
    return request.app.state.graph.store


async def get_catalogue(request: Request) -> Catalogue:
    return request.app.state.graph.catalogue


async def get_settings(request: Request) -> Settings:
    return request.app.state.graph.settings


StateDep = Annotated[GraphState, Depends(get_state)]
StoreDep = Annotated[EmbeddedStore, Depends(get_store)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
