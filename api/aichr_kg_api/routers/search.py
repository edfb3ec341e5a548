"""Label search: entities by name, acronym or other name, ranked; JSON by default, a page for browsers."""

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from aichr_kg_api.linked import LinkedDep
from aichr_kg_api.negotiation import HTML, Format, NotAcceptable, choose
from aichr_kg_api.respond import html_response, not_acceptable
from aichr_kg_api.templating import href

router = APIRouter(tags=["search"])

JSON = Format("application/json", "json", "json", None)
SEARCH_FORMATS = [HTML, JSON]  # JSON last: what */* and no Accept get


@router.get("/search", summary="Find entities by label, acronym or other name", response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/html": {}},
                             "description": "Matches ranked exact > prefix > word prefix > substring, shorter names first."}})
def search(request: Request, linked: LinkedDep,
           q: str = Query("", max_length=200, description="Words to look for; case and accents do not matter."),
           limit: int | None = Query(None, ge=1, description="How many results (at most the service's max_search_limit)."),
           fmt: str | None = Query(None, alias="format", description="json or html, overriding Accept.")):
    try:
        chosen = choose(SEARCH_FORMATS, request.headers.get("accept"), fmt)
    except NotAcceptable as exc:
        return not_acceptable(exc, {"Vary": "Accept"})
    settings = linked.settings
    limit = min(limit or settings.search_limit, settings.max_search_limit)
    hits = linked.index.search(q, limit)
    results = [{**hit.as_dict(), "href": href(hit.entity.iri, settings.base)} for hit in hits]
    headers = {"Vary": "Accept"}
    if chosen is HTML:
        context = {"title": f"Search: {q}" if q else "Search", "search_query": q, "results": results, "limit": limit}
        return html_response(linked.templates, "search.html", context, headers)
    return JSONResponse({"query": q, "limit": limit, "count": len(results), "results": results}, headers=headers)
