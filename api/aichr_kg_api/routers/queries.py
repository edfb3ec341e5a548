"""Canned queries: the catalogue, and results by name with validated, bound parameters."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from aichr_kg.catalogue import ParameterError, QueryNotFound
from aichr_kg.output import render
from aichr_kg_api.deps import CatalogueDep, StoreDep

router = APIRouter(prefix="/queries", tags=["canned queries"])


@router.get("", summary="The catalogue of canned questions")
def list_queries(catalogue: CatalogueDep) -> list[dict]:
    return [q.as_dict() for q in catalogue]


@router.get("/{name}", summary="Run a canned question")
async def run_query(name: str, request: Request, catalogue: CatalogueDep, store: StoreDep):
    given = dict(request.query_params)
    given.pop("format", None)
    try:
        table = await run_in_threadpool(catalogue.run, name, given, store)
    except QueryNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except ParameterError as exc:
        raise HTTPException(422, {"parameter": exc.param, "message": exc.reason}) from None
    import json
    return json.loads(render(table, "json"))
