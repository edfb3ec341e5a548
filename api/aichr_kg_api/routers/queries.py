"""Canned queries: the catalogue, and results by name with validated, bound parameters.

``GET /queries`` lists every question with its parameters (type, default, allowed values);
``GET /queries/{name}?param=...`` answers in SPARQL JSON, CSV, TSV or an HTML table, chosen by
``Accept`` or ``format``. A bad parameter gets 422 with JSON naming the parameter and the reason.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from aichr_kg.catalogue import CannedQuery, Catalogue, ParameterError, QueryNotFound
from aichr_kg.store import Store
from aichr_kg_api.deps import CatalogueDep, StoreDep
from aichr_kg_api.linked import LinkedDep
from aichr_kg_api.negotiation import HTML, RESULT_FORMATS, NotAcceptable, choose, preferences
from aichr_kg_api.respond import html_response, not_acceptable, with_query
from aichr_kg_api.results import html_table, sparql_csv, sparql_json, sparql_tsv

router = APIRouter(prefix="/queries", tags=["canned queries"])

_NAMES = ("csv", "tsv", "json-plain", "json")  # SPARQL JSON last: what */* and no Accept get
QUERY_FORMATS = [HTML, *[f for name in _NAMES for f in RESULT_FORMATS if f.name == name]]
WRITERS = {"json": sparql_json, "json-plain": sparql_json, "csv": sparql_csv, "tsv": sparql_tsv}
RESERVED = {"format"}  # request parameters that are not query parameters


def describe_query(query: CannedQuery, catalogue: Catalogue, store: Store) -> dict:
    """A catalogue entry: the header's metadata, each parameter with its allowed values, and links."""
    entry = query.as_dict()
    for param, out in zip(query.params, entry["params"], strict=True):
        out["allowed"] = [{"value": v, "label": label} for v, label in catalogue.allowed_values(param, store)]
    entry["links"] = {"results": f"/queries/{query.name}",
                      **{f.name: with_query(f"/queries/{query.name}", format=f.name)
                         for f in QUERY_FORMATS if f.name != "json-plain"}}
    return entry


@router.get("", summary="The catalogue of canned questions, with parameters and their allowed values")
def list_queries(catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep) -> list[dict]:
    return linked.cached("catalogue", lambda: [describe_query(q, catalogue, store) for q in catalogue])


@router.get("/{name}", summary="Run a canned question (SPARQL JSON, CSV, TSV or an HTML table)", response_class=Response,
            responses={200: {"content": {f.media_type: {} for f in QUERY_FORMATS}},
                       404: {"description": "No canned question has this name."},
                       406: {"description": "None of the accepted types is offered."},
                       422: {"description": "A parameter is unknown or its value invalid: "
                                            '{"detail": {"parameter": ..., "message": ...}}'}})
def run_query(name: str, request: Request, catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep):
    given = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    try:
        query = catalogue.get(name)
    except QueryNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    try:
        chosen = choose(QUERY_FORMATS, request.headers.get("accept"),
                        preferences(request.query_params.getlist("format")))
    except NotAcceptable as exc:
        return not_acceptable(exc, {"Vary": "Accept"})
    try:
        table = store.select(query.text, catalogue.bind(query, given, store))
    except ParameterError as exc:
        raise HTTPException(422, {"parameter": exc.param, "message": exc.reason}) from None
    headers = {"Vary": "Accept"}
    if chosen is not HTML:
        if chosen.name in ("csv", "tsv"):
            headers["Content-Disposition"] = f'inline; filename="{name}.{chosen.suffix}"'
        media_type = chosen.media_type + ("; charset=utf-8" if chosen.media_type.startswith("text/") else "")
        return Response(WRITERS[chosen.name](table), media_type=media_type, headers=headers)
    settings = linked.settings
    entry = linked.cached("catalogue", lambda: [describe_query(q, catalogue, store) for q in catalogue])
    context = {
        "title": query.title, "query": next(e for e in entry if e["name"] == name),
        "given": {p.name: given.get(p.name, p.default or "") for p in query.params},
        "table": html_table(table, settings.base, linked.vocabulary, linked.index, settings.max_html_rows,
                            frozenset(p.name for p in query.params)),
        "downloads": [{"title": t, "href": with_query(f"/queries/{name}", **given, format=f)}
                      for t, f in (("CSV", "csv"), ("TSV", "tsv"), ("JSON", "json"))],
    }
    return html_response(linked.templates, "query.html", context, headers)
