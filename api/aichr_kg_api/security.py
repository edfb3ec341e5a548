"""What every response gets, whatever the route: CORS for reads, a Content-Security-Policy on HTML, 404 for a path
no IRI can have (all three in the one HTTP layer, ``conventions.HttpConventions``), and errors as one plain line
(status, reason, what to do) that never carries a traceback or a path."""

import logging
import uuid
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aichr_kg.settings import Settings
from aichr_kg_api.conventions import HttpConventions

log = logging.getLogger("aichr_kg_api")


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    """``400 Bad Request: the query is empty`` as text/plain."""
    return PlainTextResponse(f"{status} {HTTPStatus(status).phrase}: {message}\n", status_code=status, headers=headers)


async def _http_error(request: Request, exc: StarletteHTTPException):
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "GET")
        return error_response(405, f"{request.method} is not allowed on {request.url.path}; use {allowed}",
                              headers=exc.headers)
    return await http_exception_handler(request, exc)


async def unexpected(request: Request, exc: Exception):
    error_id = uuid.uuid4().hex[:12]
    log.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    return error_response(500, f"the server failed to answer this request (error {error_id}, logged)")


def install(app: FastAPI, settings: Settings) -> None:
    """The HTTP layer (headers, HEAD, compression, validators; added last, so outside any middleware added before)
    and the error handlers."""
    app.add_middleware(HttpConventions, settings=settings)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, unexpected)
