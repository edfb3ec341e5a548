"""``/health`` (the process answers) and ``/ready`` (it can answer queries), for orchestrators and load balancers.

``/health`` does no work, so a busy service is not restarted for being busy. ``/ready`` says whether requests
sent now would be answered: the graph is open, at least one query worker is alive, and in remote mode the
SPARQL server answers a trivial query within a short time. Both answer JSON naming each check.
"""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from aichr_kg.execution import QueryError
from aichr_kg.store import EmbeddedStore

router = APIRouter(tags=["Health"])
UPSTREAM_WAIT = 2.0  # seconds the readiness check waits for the remote SPARQL server


@router.get("/health", summary="Liveness: the service process answers")
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


@router.get("/ready", summary="Readiness: the graph is open, query workers are alive, the upstream answers")
async def ready(request: Request) -> JSONResponse:
    state, runner = getattr(request.app.state, "graph", None), getattr(request.app.state, "runner", None)
    checks = {"store": "open" if state is not None else "not open"}
    pool = getattr(runner, "checker", runner)  # remote mode: the workers checking texts
    alive = pool.live_workers() if pool is not None else 0
    checks["workers"] = f"{alive} alive" if alive else "none alive"
    if state is not None and not isinstance(state.store, EmbeddedStore):
        checks["upstream"] = await _upstream(state.store)
    ok = state is not None and alive > 0 and checks.get("upstream", "answers") == "answers"
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503,
                        headers={"Cache-Control": "no-store"})


async def _upstream(store) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(store.serialize, "ASK {}", results_format="application/sparql-results+json",
                                                 graph_format=None, form="ASK"), UPSTREAM_WAIT)
    except asyncio.TimeoutError:
        return f"did not answer within {UPSTREAM_WAIT:g} s"
    except QueryError as exc:
        return str(exc)
    return "answers"
