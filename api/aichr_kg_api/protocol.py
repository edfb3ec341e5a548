"""The SPARQL 1.1 Protocol's query operation, read from an HTTP request (and every way to get it wrong).

Three ways to send a query: GET with ``query=``; POST form-encoded (``query=`` in the body); POST
with the query itself as an ``application/sparql-query`` body. ``default-graph-uri`` and
``named-graph-uri`` may be repeated, in the URL or in the form. Anything else is refused with a
status and one sentence: no or the wrong media type (415), an update in any form (403, the
endpoint is read-only), more than one query, a body that is not UTF-8, an IRI that is not one
(400), a query over the length limit (413).
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import Request

from aichr_kg_api.negotiation import PREFERENCE_PARAMS, preferences

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "SPARQL Update is not accepted: this endpoint is read-only"
_UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")


class ProtocolError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class QueryRequest:
    query: str | None  # None: a GET asking for the service description
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    prefer: tuple[str, ...] = ()  # `format` / `output` / `results` values: preferred over Accept where offered


def body_limit(max_query_length: int) -> int:
    """Bytes a POST body may have: the longest query, percent-encoded UTF-8, plus room for other fields."""
    return 12 * max_query_length + 65536


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) one longer than ``limit`` before reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"the request body is {int(declared)} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the request body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse(method: str, content_type: str | None, query_string: bytes, body: bytes, max_query_length: int) -> QueryRequest:
    params = _pairs(query_string, "the URL's query string")
    if method == "POST":
        params = _post_params(content_type, params, body)
    names = {name for name, _ in params}
    if names & set(_UPDATE_PARAMS):
        raise ProtocolError(403, READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} queries given; send exactly one 'query'")
    query = queries[0] if queries else None
    if query is None and method == "POST":
        raise ProtocolError(400, "no query: send 'query=...' (form) or the query itself as the body")
    if query is not None:
        query = query.removeprefix("\ufeff")
        if not query.strip():
            raise ProtocolError(400, "the query is empty")
        if len(query) > max_query_length:
            raise ProtocolError(413, f"the query is {len(query)} characters long; the limit is {max_query_length}")
    prefer = preferences(value for name, value in params if name in PREFERENCE_PARAMS)
    return QueryRequest(query, _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri"), prefer)


def _post_params(content_type: str | None, url_params: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    if not content_type or not content_type.strip():
        raise ProtocolError(415, f"a POST needs a Content-Type: {DIRECT} (the query as the body) or {FORM} (query=...)")
    media_type, charset = _media_type(content_type)
    if media_type == UPDATE:
        raise ProtocolError(403, READ_ONLY)
    if media_type not in (FORM, DIRECT):
        raise ProtocolError(415, f"Content-Type {media_type} is not accepted here; use {DIRECT} or {FORM}")
    if charset and charset.lower().replace("-", "") != "utf8":
        raise ProtocolError(400, f"the request declares charset={charset}; queries must be sent as UTF-8")
    if media_type == FORM:
        return url_params + _pairs(body, "the form")
    if any(name == "query" for name, _ in url_params):
        raise ProtocolError(400, "the query is given twice, as the body and as a 'query' URL parameter; send it once")
    return url_params + [("query", _utf8(body, "the query"))]


def _media_type(content_type: str) -> tuple[str, str | None]:
    media_type, *parameters = content_type.split(";")
    charset = None
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"')
    return media_type.strip().lower(), charset


def _utf8(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{what} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                 "send it as UTF-8") from None


def _pairs(raw: bytes, what: str) -> list[tuple[str, str]]:
    text = _utf8(raw, what)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{what} holds percent-encoded bytes that are not UTF-8") from None


def _iris(params: list[tuple[str, str]], name: str) -> list[str]:
    iris = []
    for key, value in params:
        if key != name:
            continue
        try:
            ox.NamedNode(value)
        except ValueError:
            raise ProtocolError(400, f"{name} '{value[:100]}' is not an absolute IRI") from None
        iris.append(value)
    return iris
