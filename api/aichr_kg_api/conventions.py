"""HTTP's own conventions for every route, in one ASGI layer: CORS, security headers, the path check, HEAD,
compression, validators, 304, kept answers.

- Reads are open to any origin (CORS, answered by Starlette's rules: a preflight gets its answer here).
- Every answer gets ``X-Content-Type-Options: nosniff``; HTML also gets the Content-Security-Policy, framing
  and referrer rules (``Settings.content_security_policy``).
- A path that, decoded, holds a character no IRI may hold gets 404 before any route builds an IRI of it.

- HEAD is answered as GET with the body left out, so every GET route has it, with the same headers.
- Answers of at least ``Settings.compress_min_bytes`` are compressed (brotli, else gzip) by
  ``brotli-asgi``, for clients that say they accept it; a Range request is left uncompressed.
- A 200 to GET carries a strong ``ETag`` and ``Last-Modified`` and ``Cache-Control: max-age``, unless its route said
  ``Cache-Control: no-store`` (an answer written while part of it was unavailable is not the build's). What a
  route answers depends only on the build (its inputs' content hash), the service's code and the
  request (path and query, which carry the query text; never the Host header: absolute links come
  from ``Settings.public``), chosen media type and encoding; the ETag
  is a hash of exactly these, so it is computed without reading the body, and the same request against
  the same build always gets the same ETag. ``If-None-Match`` (or, without it, ``If-Modified-Since``)
  that matches gets 304 with no body. (Blank nodes in a CONSTRUCT answer or the service description are
labelled afresh each time: the bytes differ, the graph does not; no route serves ranges of those.)

- A redirect never names the request's Host (Starlette's trailing-slash redirect would): a path instead.
- Under ``Settings.root_path`` (``/kg`` behind a reverse proxy that strips it), the request is seen with
  that prefix (as uvicorn's ``--root-path`` does), and the paths this service writes into ``Location``,
  ``Content-Location`` and ``Link`` get it; pages put it in their links themselves (``templating.at_root``).

- In front of the embedded store, a 200 to GET on a document, canned-question, search or ``/sparql`` path (``KEPT``,
  ``QUERY_PATHS``), unless its route said ``Cache-Control: no-store``, is kept in the service's ``AnswerCache``
  (``Settings.answer_cache_size``), keyed by everything it depends on (the same inputs as its ETag, plus the
  request headers its ``Vary`` names, such as the ``Accept`` that chose its type): the graph is read-only while
  the service runs, so the same request is answered from memory, without routing, a thread or a query. A kept
  ``/sparql`` answer still counts against the limits on queries at once (``execution.Admission``), so that a busy
  endpoint says so whether or not the answer is kept;
  POSTs are kept by the query pool instead (``execution.WorkerPool``), whose key is the job. In front of a remote
  server nothing is kept (its graph may change under the service) unless the operator says it is read-only
  (``Settings.remote_read_only``).

One layer instead of seven keeps the per-request cost low: the endpoint is called in loops (the review measured a
quarter of a label lookup's time in the middleware chain).
"""

import hashlib
import re
import time
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path

from brotli_asgi import BrotliMiddleware
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aichr_kg import __version__
from aichr_kg.diskstore import store_key
from aichr_kg.execution import Saturated
from aichr_kg.settings import Settings
from aichr_kg.sources import all_files, extra_files
from aichr_kg_api.respond import not_found_handler
from aichr_kg_api.templating import at_root

CODE = Path(__file__).parent
UNCACHED = ("/static/",)  # StaticFiles sends and checks validators of its own
LINK_TARGET = re.compile(r"<(/[^>]*)>")
PATH_HEADERS = (b"location", b"content-location")
KEPT_ON_304 = ("cache-control", "content-location", "etag", "expires", "last-modified", "vary", "link")
KEPT = ("/doc/", "/queries/", "/graph/", "/ontology", "/shapes", "/search")  # answers kept in memory (paths under the root)
QUERY_PATHS = ("/sparql", "/sparql/")  # kept too, behind the limits on queries at once (``_admitted``)
# A character no IRI path may hold (RFC 3987): space, controls, < > " { } | \\ ^ `, and outside ASCII anything but
# its ``ucschar`` ranges (so no U+FFFD, which invalid UTF-8 decodes to, no noncharacters, no surrogates). Every
# path here names an IRI (an entity, a graph, an ontology or shapes version, a canned question), so a path holding
# one names nothing served.
_UCSCHAR = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(  # plane 14 from E1000: not its tag characters
    f"{chr(0xE1000 if plane == 14 else plane << 16)}-{chr((plane << 16) + 0xFFFD)}" for plane in range(1, 15))
NOT_IN_IRIS = re.compile(f'[^\x21-\x7e{_UCSCHAR}]|[<>"{{}}|\\\\^`]')


class Validators:
    """The build's identity for ETags, and the time it last changed, for Last-Modified."""

    def __init__(self, settings: Settings):
        files = all_files(settings) + extra_files(settings)
        code = hashlib.sha256(__version__.encode())
        for path in sorted(p for p in [*CODE.rglob("*.py"), *CODE.rglob("templates/**/*")] if p.is_file()):  # a new template is a new page
            code.update(path.read_bytes())
        self.key = f"{store_key(settings, extra_files(settings))}:{code.hexdigest()[:16]}"
        self.modified = int(max((f.path.stat().st_mtime for f in files), default=time.time()))
        self.last_modified = formatdate(self.modified, usegmt=True)
        self.etag = lru_cache(maxsize=4096)(self._etag)  # clients repeat their requests: each tag hashed once

    def _etag(self, *representation: str) -> str:
        digest = hashlib.sha256("\0".join((self.key, *representation)).encode()).hexdigest()[:32]
        return f'"{digest}"'


def not_modified(request: Headers, etag: str, modified: int) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it."""
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.get("if-modified-since")
    if since:
        try:
            return modified <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False  # an unreadable date is ignored, as the RFC says
    return False


def _relative_location(message: Message, host: str | None) -> Message:
    """A redirect to this service's own host as a path: Starlette's trailing-slash redirect (``/static`` ->
    ``/static/``) writes the request's Host header into ``Location``; this service's own redirects are paths."""
    if not host:
        return message
    own = tuple(f"{scheme}://{host}".encode("latin-1") for scheme in ("http", "https"))
    headers = []
    for name, value in message["headers"]:
        if name.lower() == b"location" and value.startswith(own):
            value = value.split(b"://", 1)[1][len(host.encode("latin-1")):] or b"/"
        headers.append((name, value))
    return {**message, "headers": headers}


class HttpConventions:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.plain = app
        self.compressing = BrotliMiddleware(app, minimum_size=settings.compress_min_bytes, gzip_fallback=True)
        self.cache_control = f"public, max-age={settings.cache_max_age}"
        self.root = settings.root_path
        self.csp = [(b"content-security-policy", settings.content_security_policy.encode("latin-1")),
                    (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]
        # Starlette's CORS rules, used for the preflight answer and for the headers of every other answer
        self.cors = CORSMiddleware(app, allow_origins=["*"], allow_credentials=False,
                                   allow_methods=["GET", "POST", "HEAD"], allow_headers=["*"],
                                   expose_headers=["Retry-After", "Link", "Content-Location"], max_age=3600)
        self.cors_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.cors.simple_headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.plain(scope, receive, send)
            return
        request = Headers(scope=scope)  # one read of the request headers for every decision below
        origin = "origin" in request
        if origin and scope["method"] == "OPTIONS" and "access-control-request-method" in request:
            await self.cors.preflight_response(request_headers=request)(scope, receive, send)
            return
        send = self._with_headers(send, origin)
        odd = NOT_IN_IRIS.search(scope["path"])
        if odd is not None:
            await self._odd_path(scope, receive, send, odd.group())
            return
        if self.root:
            scope, send = self._under_root(scope, send)
        encodings = request.get("accept-encoding", "")
        ranged = "range" in request
        encoding = "" if ranged else "br" if "br" in encodings else "gzip" if "gzip" in encodings else ""
        inner = self.compressing if encoding else self.plain
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await inner(scope, receive, send)
            return
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        path = scope["path"]  # the whole path, root_path included (ASGI)
        state = scope["app"].state
        validators: Validators | None = getattr(state, "validators", None)
        cacheable = validators is not None and not path.startswith(UNCACHED)
        drop_body = head

        async def send_with_conventions(message: Message) -> None:
            nonlocal drop_body
            if message["type"] == "http.response.start":
                if 300 <= message["status"] < 400:
                    message = _relative_location(message, request.get("host"))
                if cacheable and message["status"] == 200 and not _no_store(message.get("headers", ())):
                    # the build's validators replace any a response set itself (FileResponse's from the
                    # file's time: a kept dump is older than the build that serves it), so there is one of each
                    headers = message["headers"] = [(k, v) for k, v in message.get("headers", ())
                                                    if k.lower() not in (b"etag", b"last-modified")]
                    content_type = content_encoding = ""
                    for name, value in headers:
                        if name == b"content-type":
                            content_type = value.decode("latin-1")
                        elif name == b"content-encoding":
                            content_encoding = value.decode("latin-1")
                    etag = validators.etag(path, scope["query_string"].decode("latin-1"),
                                           content_type, content_encoding)
                    headers += [(b"etag", etag.encode("latin-1")),
                                (b"last-modified", validators.last_modified.encode("latin-1")),
                                (b"cache-control", self.cache_control.encode("latin-1"))]
                    if not_modified(request, etag, validators.modified):
                        kept = [(k, v) for k, v in headers if k.decode("latin-1").lower() in KEPT_ON_304]
                        message = {"type": "http.response.start", "status": 304, "headers": kept}
                        drop_body = True
                await send(message)
            elif drop_body:
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        answers = getattr(state, "answers", None)
        below = path_below_root(path, self.root)
        query = below in QUERY_PATHS
        if answers is None or ranged or not (query or below.startswith(KEPT)):
            await inner(scope, receive, send_with_conventions)
            return
        # What the answer depends on: the resource (with the encoding chosen), then the request headers its Vary names
        resource = ("http", scope.get("scheme"), request.get("host", ""), path, scope["query_string"], encoding)
        varies = answers.get(("vary", resource))
        kept = None if varies is None else answers.get((resource, varies, tuple(request.get(name, "") for name in varies)))
        if kept is not None and (not query or _admitted(getattr(state, "runner", None), scope)):
            status, headers, body = kept
            await send_with_conventions({"type": "http.response.start", "status": status, "headers": list(headers)})
            await send_with_conventions({"type": "http.response.body", "body": body, "more_body": False})
            return
        await inner(scope, receive, _keeping(send_with_conventions, answers, resource, request))

    def _with_headers(self, send: Send, origin: bool) -> Send:
        """``send`` adding nosniff everywhere, the CSP on HTML, and CORS (as Starlette's middleware would)."""
        cors = self.cors_headers if origin else []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {name.lower() for name, _ in headers}
                vary = [value for name, value in headers if name.lower() == b"vary"]
                added = [] if b"x-content-type-options" in names else [(b"x-content-type-options", b"nosniff")]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    added += [(k, v) for k, v in self.csp if k not in names]
                cors_names = {k for k, _ in cors}
                headers = [(k, v) for k, v in headers if k.lower() != b"vary" and k.lower() not in cors_names]
                headers += added + cors + [(b"vary", b", ".join([*vary, b"Origin"]))]
                message = {**message, "headers": headers}
            await send(message)

        return send_with_headers

    async def _odd_path(self, scope: Scope, receive: Receive, send: Send, odd: str) -> None:
        shown = repr(odd) if odd.isprintable() else f"U+{ord(odd):04X}"
        detail = (f"Nothing is published at {scope['path']}: it holds {shown}, a character no IRI here has "
                  "(percent-encoded or not).")
        response = await not_found_handler(Request(scope, receive), HTTPException(404, detail))
        await response(scope, receive, send)

    def _under_root(self, scope: Scope, send: Send) -> tuple[Scope, Send]:
        root = self.root
        scope = {**scope, "root_path": root, "path": at_root(scope["path"], root)}  # unless the proxy kept it

        async def send_under_root(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                for name, value in message["headers"]:
                    if name.lower() in PATH_HEADERS:
                        value = at_root(value.decode("latin-1"), root).encode("latin-1")
                    elif name.lower() == b"link":
                        value = LINK_TARGET.sub(lambda m: f"<{at_root(m.group(1), root)}>",
                                                value.decode("latin-1")).encode("latin-1")
                    headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        return scope, send_under_root


def path_below_root(path: str, root: str) -> str:
    """A request's path as routes see it: without the root path in front (``/kg/doc/x`` -> ``/doc/x``)."""
    return path[len(root):] if root and path.startswith(root) else path


def _admitted(runner, scope: Scope) -> bool:
    """Whether the limits on queries at once let one more in (``execution.Admission``), counted as the query route
    counts it: a kept answer is refused when a query run would be, so a busy endpoint says so either way (the route,
    asked then, writes the 503 or 429)."""
    if runner is None:
        return False
    client = scope.get("client")
    try:
        with runner.admission(client[0] if client else None):
            return True
    except Saturated:
        return False


def _keeping(send: Send, answers, resource: tuple, request: Headers) -> Send:
    """``send`` that also keeps a 200 answer whole (status, headers as the route wrote them, body), under the
    resource and the values of the request headers its ``Vary`` names (the encoding is in ``resource`` already)."""
    start: dict | None = None
    chunks: list[bytes] = []
    size = 0

    async def send_keeping(message: Message) -> None:
        nonlocal start, size
        if message["type"] == "http.response.start":
            headers = tuple(message.get("headers", ()))
            varies = _varies(headers)
            if message["status"] == 200 and varies is not None and not _no_store(headers):
                start = {"headers": headers, "varies": varies}
        elif message["type"] == "http.response.body" and start is not None:
            body = message.get("body", b"")
            size += len(body)
            if size > answers.largest:
                start = None
            else:
                chunks.append(body)
                if not message.get("more_body", False):
                    headers, varies = start["headers"], start["varies"]
                    answers.put(("vary", resource), varies, 64)
                    answers.put((resource, varies, tuple(request.get(name, "") for name in varies)),
                                (200, headers, b"".join(chunks)), size + sum(len(k) + len(v) for k, v in headers))
        await send(message)

    return send_keeping


def _no_store(headers: tuple) -> bool:
    """Whether the route said the answer is not to be kept (``Cache-Control: no-store``: say, one written while a
    part of it was unavailable), which holds for this layer as for any other cache."""
    return any(key.lower() == b"cache-control" and b"no-store" in value.lower() for key, value in headers)


def _varies(headers: tuple) -> tuple[str, ...] | None:
    """The request headers an answer varies by, as its ``Vary`` names them (None for ``Vary: *``: never kept)."""
    names = sorted({name.strip().lower() for key, value in headers if key.lower() == b"vary"
                    for name in value.decode("latin-1").split(",") if name.strip()} - {"accept-encoding"})
    return None if "*" in names else tuple(names)
