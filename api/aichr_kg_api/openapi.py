"""The OpenAPI description, generated from the routes and from the canned questions' ``.rq`` headers.

FastAPI describes the routes it sees, which leaves ``/queries/{name}`` one operation with a string
``name``, and ``/sparql`` without its parameters (the endpoint reads the request itself, for speed and
for the protocol's rules). This module replaces those: one operation per canned question, whose
parameters carry their type, default (the example) and allowed values with their labels, read from
the graph as the query page's drop-downs are; ``/sparql`` as the SPARQL 1.1 Protocol defines it (GET,
POST form-encoded, POST ``application/sparql-query``); and every operation lists the media types it
answers in and the errors it can give. Built once, on the first request for it (the graph does not
change while the service runs).
"""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from aichr_kg.catalogue import CannedQuery, Catalogue, Param
from aichr_kg.settings import StoreKind
from aichr_kg.store import Store
from aichr_kg_api.negotiation import RDF_FORMATS, RESULT_FORMATS

PLAIN = {"text/plain": {"schema": {"type": "string"}}}
ERRORS = {
    400: "The request is malformed: a syntax error (with line and column), a bad IRI, a bad parameter, or not "
         "readable as HTTP.",
    403: "An update, LOAD or SERVICE: this endpoint is read-only and calls no other server.",
    404: "Nothing is published here (the message suggests a search).",
    406: "None of the accepted media types is offered (the message lists those offered).",
    408: "The request did not arrive whole within the server's read time (AICHR_KG_REQUEST_READ_TIMEOUT).",
    413: "The query or the request body is longer than the limit.",
    414: "The request line is longer than the server takes (AICHR_KG_MAX_HEADER_SIZE): send a long query by POST.",
    415: "A POST whose Content-Type is neither application/sparql-query nor application/x-www-form-urlencoded.",
    422: "A parameter is unknown or its value is not allowed: JSON naming the parameter and the reason.",
    429: "This client address already has as many queries running or waiting as it may "
         "(AICHR_KG_MAX_QUERIES_PER_CLIENT); Retry-After says when to retry.",
    431: "The request's headers are larger than the server takes (AICHR_KG_MAX_HEADER_SIZE).",
    502: "The SPARQL server behind this service cannot be reached, failed, or broke its answer off (remote mode).",
    503: "Too many queries or connections at once, or the query needs more memory than allowed; Retry-After says "
         "when to retry.",
    504: "The query ran past the time limit and was stopped (or, in remote mode, the SPARQL server did not answer "
         "in time).",
}
# Which errors an operation can give, by what it does; ``_error_codes`` applies these to every operation.
SERVER_ERRORS = (400, 408, 414, 431, 503)  # the HTTP server's own limits: any request
SPARQL_ERRORS = (400, 403, 406, 413, 429, 503, 504)  # the query runner (POST adds 415)
CANNED_ERRORS = (406, 422, 504)
UPSTREAM_ERRORS = (502, 504)  # remote mode, any route reading the graph
NOT_FROM_THE_GRAPH = ("/health", "/ready", "/docs", "/redoc", "/robots.txt", "/researchers", "/openapi.json")
PARAM_TYPES = {"year": {"type": "integer"}, "integer": {"type": "integer"}, "date": {"type": "string", "format": "date"},
               "iri": {"type": "string", "format": "iri"}}
_SPARQL_PARAMS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100_000},
     "description": "The SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE). Without it, the service description.",
     "example": "SELECT ?body ?label WHERE { ?body a <http://www.w3.org/ns/org#FormalOrganization> ; "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 10"},
    {"name": "default-graph-uri", "in": "query", "required": False, "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
     "description": "A graph to merge into the default graph (repeatable); none: the union of all named graphs."},
    {"name": "named-graph-uri", "in": "query", "required": False, "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
     "description": "A graph the query may name with GRAPH (repeatable)."},
    {"name": "format", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "A preferred format (json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, trig, nquads, or a "
                    "media type); when it names none offered for the query form, Accept decides."},
]


def errors(*codes: int) -> dict:
    return {str(code): {"description": ERRORS[code], "content": PLAIN if code != 422 else {"application/json": {}}}
            for code in codes}


def media_types(formats) -> dict:
    return {f.media_type: {"schema": {"type": "string"}} for f in formats}


def install(app: FastAPI) -> None:
    """``app.openapi`` builds the full description once, from the routes and the catalogue in the app's state."""

    def openapi() -> dict:
        if app.openapi_schema is None:
            graph = app.state.graph
            root = graph.settings.root_path
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                                 servers=[{"url": root}] if root else None)
            describe(schema, graph.catalogue, graph.store, graph.settings.store is StoreKind.remote)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def describe(schema: dict, catalogue: Catalogue, store: Store, remote: bool = False) -> None:
    from aichr_kg_api.routers.queries import QUERY_FORMATS

    paths = schema["paths"]
    paths.pop("/queries/{name}", None)
    for query in catalogue:
        paths[f"/queries/{query.name}"] = {"get": _query_operation(query, catalogue, store, QUERY_FORMATS)}
    results = {**media_types(RESULT_FORMATS), **media_types(RDF_FORMATS)}
    paths["/sparql"] = {
        "get": {"operationId": "sparql_get", "tags": ["SPARQL"], "summary": "SPARQL query by GET",
                "description": (paths.get("/sparql", {}).get("get") or {}).get("description", ""),
                "parameters": _SPARQL_PARAMS,
                "responses": {"200": {"description": "SELECT/ASK results, or a CONSTRUCT/DESCRIBE graph; without a "
                                                     "query, the service description (Turtle, RDF/XML, ...).",
                                      "content": results},
                              "303": {"description": "A browser asking without a query is sent to the query page."},
                              "304": {"description": "If-None-Match or If-Modified-Since matched."}}},
        "post": {"operationId": "sparql_post", "tags": ["SPARQL"],
                 "summary": "SPARQL query by POST: form-encoded, or the query itself as application/sparql-query",
                 "parameters": [p for p in _SPARQL_PARAMS if p["name"] != "query"],
                 "requestBody": {"required": True, "content": {
                     "application/x-www-form-urlencoded": {"schema": {
                         "type": "object", "required": ["query"],
                         "properties": {p["name"]: {**p["schema"], "description": p["description"]}
                                        for p in _SPARQL_PARAMS}}},
                     "application/sparql-query": {"schema": {"type": "string"},
                                                  "example": _SPARQL_PARAMS[0]["example"]}}},
                 "responses": {"200": {"description": "SELECT/ASK results, or a CONSTRUCT/DESCRIBE graph.",
                                       "content": results}}},
    }
    canned = {f"/queries/{query.name}" for query in catalogue}
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if path not in canned and path != "/search":
                responses.pop("422", None)  # FastAPI's validation error, for parameters these routes read themselves
            for code in _error_codes(path, method, responses, path in canned, remote):
                responses.setdefault(str(code), errors(code)[str(code)])
            operation["responses"] = dict(sorted(responses.items()))


def _error_codes(path: str, method: str, responses: dict, canned: bool, remote: bool) -> list[int]:
    """Every error the operation can answer with, from what it does (one rule for all routes)."""
    codes = list(SERVER_ERRORS)
    if path == "/sparql":
        codes += [*SPARQL_ERRORS, *([415] if method == "post" else [])]
    if canned:
        codes += CANNED_ERRORS
    if "{" in path or path.startswith(("/download", "/ontology", "/shapes", "/graph")):
        codes.append(404)
    if any(k.startswith("text/") or "+" in k for k in responses.get("200", {}).get("content", {})):
        codes.append(406)
    if remote and path not in NOT_FROM_THE_GRAPH:
        codes += UPSTREAM_ERRORS
    return sorted(set(codes))


def _query_operation(query: CannedQuery, catalogue: Catalogue, store: Store, formats) -> dict:
    parameters = [_parameter(p, catalogue.allowed_values(p, store)) for p in query.params]
    parameters.append({"name": "format", "in": "query", "required": False,
                       "schema": {"type": "string", "enum": [f.name for f in formats if f.name != "json-plain"]},
                       "description": "A preferred format; Accept decides when absent."})
    return {"operationId": f"query_{query.name.replace('-', '_')}", "tags": ["canned queries"], "summary": query.title,
            "description": f"{query.description}\n\nTopic: {query.topic}. Shown on the query page as a {query.view}.",
            "parameters": parameters,
            "responses": {"200": {"description": "The answer table.", "content": media_types(formats)}}}


def _parameter(param: Param, allowed: list[tuple[str, str]]) -> dict:
    schema = dict(PARAM_TYPES.get(param.type, {"type": "string"}))
    def typed(value: str):
        return int(value) if schema["type"] == "integer" and value.lstrip("-").isdigit() else value

    if allowed:
        schema["enum"] = [typed(v) for v, _ in allowed]
        schema["x-enumDescriptions"] = {v: label for v, label in allowed}  # the labels (ReDoc shows them)
    if param.default is not None:
        schema["default"] = typed(param.default)
    out = {"name": param.name, "in": "query", "required": param.required and param.default is None, "schema": schema,
           "description": param.description or param.label}
    example = param.default or (allowed[0][0] if allowed else None)
    if example is not None:
        out["example"] = typed(example)
    return out
