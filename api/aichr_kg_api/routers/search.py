"""Label search: entities by name, acronym or other name, ranked; JSON by default, a page for browsers."""

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from aichr_kg.execution import UpstreamTimeout, UpstreamUnavailable
from aichr_kg_api.dating import entity_dates
from aichr_kg_api.deps import StateDep
from aichr_kg_api.linked import LinkedDep
from aichr_kg_api.negotiation import HTML, Format, NotAcceptable, choose
from aichr_kg_api.respond import html_response, not_acceptable
from aichr_kg_api.templating import href

router = APIRouter(tags=["search"])
SEARCH_WINDOW = 200  # results ranked per request: paging and the kind filter work within them

JSON = Format("application/json", "json", "json", None)
SEARCH_FORMATS = [HTML, JSON]  # JSON last: what */* and no Accept get


@router.get("/search", summary="Find entities by label, acronym or other name", response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/html": {}},
                             "description": "Matches ranked exact > prefix > word prefix > substring, shorter names first."}})
def search(request: Request, linked: LinkedDep, graph: StateDep,
           q: str = Query("", max_length=200, description="Words to look for; case and accents do not matter."),
           limit: int | None = Query(None, ge=1, description="How many results (at most the service's max_search_limit)."),
           offset: int = Query(0, ge=0, le=10_000, description="How many ranked results to skip (paging)."),
           kind: str | None = Query(None, max_length=200, description="Only results of this kind (as each result's kind names it)."),
           fmt: str | None = Query(None, alias="format", description="json or html, overriding Accept.")):
    try:
        chosen = choose(SEARCH_FORMATS, request.headers.get("accept"), fmt)
    except NotAcceptable as exc:
        return not_acceptable(exc, {"Vary": "Accept"})
    settings = linked.settings
    limit = min(limit or settings.search_limit, settings.max_search_limit)
    ranked = linked.index.search(q, SEARCH_WINDOW)  # the kinds found are counted over the whole window
    kinds: dict[str, int] = {}
    for hit in ranked:
        kinds[hit.entity.kind] = kinds.get(hit.entity.kind, 0) + 1
    if kind:
        ranked = [hit for hit in ranked if hit.entity.kind == kind]
    more = len(ranked) > offset + limit
    hits = ranked[offset:offset + limit]
    headers = {"Vary": "Accept"}
    try:
        dates = entity_dates(linked, graph.store, graph.catalogue)
    except (UpstreamUnavailable, UpstreamTimeout):  # the names are the service's own: results now, dates once it is back
        dates = {}
        headers["Cache-Control"] = "no-store"  # not kept without its dates, here or by any cache on the way
    results = [{**hit.as_dict(), "href": href(hit.entity.iri, settings.base), "when": dates.get(hit.entity.iri),
                "otherNames": linked.index.other_names(hit.entity.iri)} for hit in hits]
    if chosen is HTML:
        def at(n: int) -> str:
            return "/search?" + urlencode([("q", q), *([("kind", kind)] if kind else []), ("offset", n)])
        context = {"title": f"Search: {q}" if q else "Search", "search_query": q, "results": results, "limit": limit,
                   "offset": offset, "kind": kind, "kinds": sorted(kinds.items(), key=lambda k: (-k[1], k[0])),
                   "next": at(offset + limit) if more else None,
                   "prev": at(max(offset - limit, 0)) if offset else None,
                   "near": bool(hits) and all(h.match == "near" for h in hits)}
        return html_response(linked.templates, "search.html", context, headers)
    return JSONResponse({"query": q, "limit": limit, "count": len(results), "results": results}, headers=headers)
