"""HTTP's own conventions for every route, in one middleware: HEAD, compression, validators, 304.

- HEAD is answered as GET with the body left out, so every GET route has it, with the same headers.
- Answers of at least ``Settings.compress_min_bytes`` are compressed (brotli, else gzip) by
  ``brotli-asgi``, for clients that say they accept it; a Range request is left uncompressed.
- A 200 to GET carries a strong ``ETag`` and ``Last-Modified`` and ``Cache-Control: max-age``. What a
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

One layer instead of four keeps the per-request cost low: the endpoint is called in loops.
"""

import hashlib
import re
import time
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from brotli_asgi import BrotliMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aichr_kg import __version__
from aichr_kg.diskstore import store_key
from aichr_kg.settings import Settings
from aichr_kg.sources import all_files, extra_files
from aichr_kg_api.templating import at_root

CODE = Path(__file__).parent
UNCACHED = ("/static/",)  # StaticFiles sends and checks validators of its own
LINK_TARGET = re.compile(r"<(/[^>]*)>")
PATH_HEADERS = (b"location", b"content-location")
KEPT_ON_304 = ("cache-control", "content-location", "etag", "expires", "last-modified", "vary", "link")


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

    def etag(self, *representation: str) -> str:
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.plain(scope, receive, send)
            return
        if self.root:
            scope, send = self._under_root(scope, send)
        request = Headers(scope=scope)  # one read of the request headers for every decision below
        encodings = request.get("accept-encoding", "")
        compress = ("br" in encodings or "gzip" in encodings) and "range" not in request
        inner = self.compressing if compress else self.plain
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await inner(scope, receive, send)
            return
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        path = scope["path"]  # the whole path, root_path included (ASGI)
        validators: Validators | None = getattr(scope["app"].state, "validators", None)
        cacheable = validators is not None and not path.startswith(UNCACHED)
        drop_body = head

        async def send_with_conventions(message: Message) -> None:
            nonlocal drop_body
            if message["type"] == "http.response.start":
                if 300 <= message["status"] < 400:
                    message = _relative_location(message, request.get("host"))
                if cacheable and message["status"] == 200:
                    headers = MutableHeaders(scope=message)
                    etag = validators.etag(path, scope["query_string"].decode("latin-1"),
                                           headers.get("content-type", ""), headers.get("content-encoding", ""))
                    headers["ETag"], headers["Last-Modified"] = etag, validators.last_modified
                    headers["Cache-Control"] = self.cache_control
                    if not_modified(request, etag, validators.modified):
                        kept = [(k, v) for k, v in message["headers"] if k.decode("latin-1").lower() in KEPT_ON_304]
                        message = {"type": "http.response.start", "status": 304, "headers": kept}
                        drop_body = True
                await send(message)
            elif drop_body:
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await inner(scope, receive, send_with_conventions)

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
