"""``/sparql``: the SPARQL 1.1 Protocol query operation (GET, POST form, POST direct) and the service description.

The route reads the request (``protocol``), screens the text in linear time (``querycheck.screen``:
nesting depth), picks the formats from Accept or ``format`` and hands the job to the runner, whose
worker checks the text with the full grammar (read-only, no SERVICE), plans the dataset and
answers within the deadline or raises. No parser runs in this process. The event loop waits on the
query worker's socket itself; only long query texts and calls to a remote server take a thread.
"""

import asyncio
from functools import lru_cache

import pyoxigraph as ox

from aichr_kg.release import read_version
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from aichr_kg import querycheck
from aichr_kg.execution import NotAcceptable as NoFormat
from aichr_kg.execution import (AnswerTooLarge, QueryError, QueryEvaluationError, QueryJob, QueryRefused,
                                QuerySyntaxError, QueryTimeout, QueryTooBig, Runner, Saturated, TooManyFromClient,
                                UpstreamError,
                                UpstreamTimeout, UpstreamUnavailable, WorkerFailed, protocol_dataset)
from aichr_kg_api import protocol, service_description
from aichr_kg_api.graphs import graph_descriptions
from aichr_kg_api.negotiation import HTML, RDF_FORMATS, RESULT_FORMATS, Format, NotAcceptable, choose
from aichr_kg_api.security import error_response
from aichr_kg_api.state import GraphState

router = APIRouter(tags=["SPARQL"])
OTHER_METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]  # HEAD is GET without the body (conventions)
INLINE_CHECK = 4000  # characters of query text read on the event loop itself

SD_FORMATS = [HTML, *[f for name in ("rdfxml", "ntriples", "jsonld", "turtle") for f in RDF_FORMATS if f.name == name]]
STATUS = {TooManyFromClient: 429, QuerySyntaxError: 400, QueryEvaluationError: 400, QueryRefused: 403,
          AnswerTooLarge: 400, NoFormat: 406, QueryTimeout: 504,
          QueryTooBig: 503, Saturated: 503, WorkerFailed: 503, UpstreamUnavailable: 502, UpstreamTimeout: 504,
          UpstreamError: 502}
_ABOUT = """SPARQL 1.1 Protocol, read-only. Send a query as `query=` (GET, or POST form-encoded) or as an
`application/sparql-query` body; `default-graph-uri` / `named-graph-uri` (or FROM / FROM NAMED) select
graphs held here, a graph not held here being an empty graph, never fetched (the default graph is
otherwise the union of all named graphs). SELECT and ASK answer in SPARQL JSON, XML,
CSV or TSV; CONSTRUCT and DESCRIBE in Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads: chosen by
`Accept`, or by `format` (json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, trig, nquads).
Without a query, GET answers with the service description (browsers are sent to the query page).
Updates, LOAD and SERVICE are refused (403), a text that does not parse or nests too deeply too (400);
a query is stopped after the configured timeout (504), an answer over the size limit refused (400)."""


@router.get("/sparql", name="sparql", summary="SPARQL query by GET; without a query, the service description",
            description=_ABOUT)
@router.get("/sparql/", include_in_schema=False)
async def sparql_get(request: Request) -> Response:
    return await _answer(request, b"")


@router.post("/sparql", summary="SPARQL query by POST (form-encoded, or the query as application/sparql-query)",
             description=_ABOUT)
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request) -> Response:
    try:
        body = await protocol.read_body(request, protocol.body_limit(request.app.state.graph.settings.max_query_length))
    except protocol.ProtocolError as exc:
        return error_response(exc.status, exc.message)
    return await _answer(request, body)


@router.api_route("/sparql", methods=OTHER_METHODS, include_in_schema=False)
@router.api_route("/sparql/", methods=OTHER_METHODS, include_in_schema=False)
def sparql_other(request: Request) -> Response:
    """Any other method: 405 naming both methods (the router alone would name only the first route's)."""
    return error_response(405, f"{request.method} is not allowed on {request.url.path}; use GET or POST",
                          headers={"Allow": "GET, POST"})


async def _answer(request: Request, body: bytes) -> Response:
    # The hot path reads the app state directly: resolving dependencies costs more than the query itself.
    state: GraphState = request.app.state.graph
    runner: Runner = request.app.state.runner
    try:
        asked = protocol.parse(request.method, request.headers.get("content-type"), request.scope["query_string"],
                               body, state.settings.max_query_length)
    except protocol.ProtocolError as exc:
        return error_response(exc.status, exc.message)
    accept = request.headers.get("accept")
    if asked.query is None:
        return await _service_description(request, state, accept, asked.prefer)
    # Screening a short query takes microseconds; a long one takes a thread.
    if len(asked.query) <= INLINE_CHECK:
        planned = _plan(state, asked, accept)
    else:
        planned = await run_in_threadpool(_plan, state, asked, accept)
    if isinstance(planned, Response):
        return planned
    job, (results, results_problem), (graph, graph_problem) = planned
    client = request.client and request.client.host
    try:  # a kept answer needs no worker, hence no watch for the client hanging up either
        answer = runner.kept(job, client) or await _unless_disconnected(request, runner.run_async(job, client))
    except _Disconnected:
        return Response(status_code=499)  # nobody reads it; the query was stopped and its worker replaced
    except NoFormat as exc:  # known once the worker has read the query's form
        return error_response(406, f"{graph_problem if graph is None else results_problem} ({exc})")
    except QueryError as exc:
        return query_error(exc)
    chosen = graph if answer.kind == "graph" else results
    return Response(answer.body, media_type=_with_charset(chosen.media_type), headers={"Vary": "Accept"})


class _Disconnected(Exception):
    """The client went away before its answer was ready."""


async def _unless_disconnected(request: Request, running):
    """Await ``running`` unless the client hangs up first: then it is cancelled (the pool replaces the worker at
    once, instead of letting a runaway query hold it for the whole timeout) and ``_Disconnected`` is raised."""
    query = asyncio.ensure_future(running)
    gone = asyncio.ensure_future(_disconnect(request))
    try:
        await asyncio.wait((query, gone), return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not query.done():
            query.cancel()
    if query.cancelled():
        raise _Disconnected
    return query.result()


async def _disconnect(request: Request) -> None:
    """Returns once the ASGI server reports the client gone (the body has been read by then)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _plan(state: GraphState, asked: protocol.QueryRequest, accept: str | None):
    """The job to run and the formats chosen for it, or the response refusing the request."""
    try:
        querycheck.screen(asked.query, state.settings.max_query_nesting)
    except querycheck.QueryUnreadable as exc:
        return error_response(400, str(exc))
    (results, results_problem), (graph, graph_problem) = _formats(accept, asked.prefer)
    if results is None and graph is None:
        return error_response(406, results_problem)
    job = QueryJob(asked.query, protocol_dataset(asked.default_graphs, asked.named_graphs),
                   results and _writer(results), graph and _writer(graph), base_iri=state.settings.base)
    return job, (results, results_problem), (graph, graph_problem)


@lru_cache(maxsize=256)
def _formats(accept: str | None, override: tuple[str, ...]) -> tuple[tuple[Format | None, str], tuple[Format | None, str]]:
    """The results format and the graph format for an Accept header (clients repeat theirs: remembered)."""
    return _pick(RESULT_FORMATS, accept, override), _pick(RDF_FORMATS, accept, override)


def _pick(offers: list[Format], accept: str | None, override: tuple[str, ...]) -> tuple[Format | None, str]:
    try:
        return choose(offers, accept, override), ""
    except NotAcceptable as exc:
        return None, str(exc)


def _writer(fmt: Format) -> str:
    return fmt.writer.media_type.split(";")[0]


def query_error(exc: QueryError) -> Response:
    """The response for a query that could not be answered, on any route (registered as the app's handler, so
    that an upstream outage under /doc, /id or /queries is a 502/504 with its sentence, not a 500)."""
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Saturated) else None
    return error_response(status, str(exc), headers)


def _with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


async def _service_description(request: Request, state: GraphState, accept: str | None, override: tuple[str, ...]) -> Response:
    try:
        fmt = choose(SD_FORMATS, accept, override)
    except NotAcceptable as exc:
        return error_response(406, str(exc))
    if fmt is HTML:  # a browser: the query page is the human face of the endpoint
        return RedirectResponse(request.scope.get("root_path", "") + "/", status_code=303, headers={"Vary": "Accept"})
    endpoint = state.settings.public + "sparql"
    try:
        body = await run_in_threadpool(_describe, state, endpoint, fmt)
    except QueryError as exc:
        return query_error(exc)
    return Response(body, media_type=_with_charset(fmt.media_type), headers={"Vary": "Accept"})


def _describe(state: GraphState, endpoint: str, fmt: Format) -> bytes:
    system = state.catalogue.system
    sizes = {row["graph"].value: int(row["triples"].value) for row in state.store.select(system("graph-sizes")).rows}
    default = state.store.select(system("default-graph-size")).rows
    triples = service_description.describe(endpoint, sizes, int(default[0]["count"].value) if default else 0,
                                           state.settings, graph_descriptions(state.store, system),
                                           read_version(state.store, state.settings))
    prefixed = fmt.writer in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)
    return ox.serialize(triples, format=fmt.writer, **({"prefixes": service_description.PREFIXES} if prefixed else {}))
