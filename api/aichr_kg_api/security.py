"""What every response gets, whatever the route: CORS for reads, a Content-Security-Policy on HTML,
and errors as one plain line (status, reason, what to do) that never carries a traceback or a path."""

import logging
import re
import uuid
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aichr_kg.settings import Settings
from aichr_kg_api.respond import not_found_handler

log = logging.getLogger("aichr_kg_api")


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    """``400 Bad Request: the query is empty`` as text/plain."""
    return PlainTextResponse(f"{status} {HTTPStatus(status).phrase}: {message}\n", status_code=status, headers=headers)


class SecurityHeaders:
    """Adds ``X-Content-Type-Options: nosniff`` everywhere, and the CSP (plus framing and referrer rules) on HTML."""

    def __init__(self, app: ASGIApp, csp: str):
        self.app, self.csp = app, csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", self.csp)
                    headers.setdefault("X-Frame-Options", "DENY")
                    headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# A character no IRI path may hold (RFC 3987): space, controls, < > " { } | \ ^ `, and outside ASCII anything but
# its ``ucschar`` ranges (so no U+FFFD, which invalid UTF-8 decodes to, no noncharacters, no surrogates). Every
# path here names an IRI (an entity, a graph, an ontology or shapes version, a canned question), so a path holding
# one names nothing served.
_UCSCHAR = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(  # plane 14 from E1000: not its tag characters
    f"{chr(0xE1000 if plane == 14 else plane << 16)}-{chr((plane << 16) + 0xFFFD)}" for plane in range(1, 15))
_NOT_IN_IRIS = re.compile(f'[^\x21-\x7e{_UCSCHAR}]|[<>"{{}}|\\\\^`]')


class PathCheck:
    """Answers 404 for a path that, decoded, holds a character no IRI may hold, before any route builds an IRI of it
    (which would fail with a 500)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = _NOT_IN_IRIS.search(scope["path"])
            if found is not None:
                odd = found.group()
                shown = repr(odd) if odd.isprintable() else f"U+{ord(odd):04X}"
                detail = (f"Nothing is published at {scope['path']}: it holds {shown}, a character no IRI here has "
                          "(percent-encoded or not).")
                response = await not_found_handler(Request(scope, receive), StarletteHTTPException(404, detail))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


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
    app.add_middleware(PathCheck)
    app.add_middleware(SecurityHeaders, csp=settings.content_security_policy)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                       allow_methods=["GET", "POST", "HEAD"], allow_headers=["*"],
                       expose_headers=["Retry-After", "Link", "Content-Location"], max_age=3600)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, unexpected)
