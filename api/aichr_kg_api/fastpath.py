"""``/sparql`` straight to its handler, past FastAPI's routing.

Researchers' scripts call the endpoint in loops, and for a short query the request's way through
the framework (matching some forty routes, preparing the endpoint call) costs about as much as
running the query. This middleware sits inside the CORS and security-header middlewares, so
responses get the same headers, and hands GET and POST on ``/sparql`` to the same functions the
router would call; anything else goes on to the router as usual.
"""

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from aichr_kg_api.conventions import path_below_root
from aichr_kg_api.routers import sparql
from aichr_kg_api.security import unexpected

PATHS = ("/sparql", "/sparql/")
HANDLERS = {"GET": sparql.sparql_get, "POST": sparql.sparql_post}


class SparqlFastPath:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = HANDLERS.get(scope.get("method")) if scope["type"] == "http" else None  # not for lifespan
        if handler is None or path_below_root(scope["path"], scope.get("root_path", "")) not in PATHS:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await handler(request)
        except Exception as exc:  # as the app's own handler does: logged with an id, a plain 500
            response = await unexpected(request, exc)
        await response(scope, receive, send)
