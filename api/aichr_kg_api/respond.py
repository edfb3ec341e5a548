"""Responses of the linked-data routes: negotiated RDF or HTML with Vary and Link headers, and 404 pages.

A document answers in the format its path suffix names (``.ttl``), else the ``format`` parameter,
else the ``Accept`` header; every answer carries ``Vary: Accept`` and one ``Link: rel="alternate"``
per format, so a client can find the others.
"""

from collections.abc import Iterable
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment

from aichr_kg_api.negotiation import HTML, RDF_FORMATS, Format, NotAcceptable, by_suffix, choose, preferences
from aichr_kg_api.serialize import write

TEXT = Format("text/plain", "text", "txt", None)
_TRIPLE_NAMES = ("rdfxml", "ntriples", "jsonld", "turtle")  # Turtle last: what */* and no Accept get
TRIPLE_FORMATS = [f for name in _TRIPLE_NAMES for f in RDF_FORMATS if f.name == name]
DOCUMENT_FORMATS = [HTML, *TRIPLE_FORMATS]
DATASET_FORMATS = [HTML, *[f for f in RDF_FORMATS if f.name in ("nquads", "trig")], *TRIPLE_FORMATS]
FORMAT_TITLES = {"html": "HTML", "turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples",
                 "rdfxml": "RDF/XML", "trig": "TriG", "nquads": "N-Quads"}


def split_suffix(name: str, offers: list[Format]) -> tuple[str, Format | None]:
    """'aichr.ttl' -> ('aichr', Turtle); a name without a known suffix is left whole."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem:
        fmt = by_suffix(offers, suffix)
        if fmt is not None:
            return stem, fmt
    return name, None


def negotiate(request: Request, offers: list[Format], suffix_format: Format | None = None) -> Format:
    """The format asked for: path suffix, then ``format`` parameter, then Accept (raises NotAcceptable)."""
    if suffix_format is not None:
        return suffix_format
    return choose(offers, request.headers.get("accept"), preferences(request.query_params.getlist("format")))


def with_query(path: str, **params) -> str:
    kept = {k: v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(kept)}" if kept else path


def link_header(path: str, offers: Iterable[Format], query: str = "", extra: Iterable[str] = ()) -> str:
    """One ``rel="alternate"`` link per format (``{path}.{suffix}``), plus any extra links (next, prev)."""
    links = [f'<{path}.{f.suffix}{query}>; rel="alternate"; type="{f.media_type}"' for f in offers]
    return ", ".join([*links, *extra])


def format_links(path: str, offers: Iterable[Format], query: str = "") -> list[dict]:
    return [{"href": f"{path}.{f.suffix}{query}", "title": FORMAT_TITLES.get(f.name, f.name), "type": f.media_type}
            for f in offers]


def document_headers(path: str, offers: list[Format], chosen: Format, query: str = "",
                     next_href: str | None = None, prev_href: str | None = None) -> dict[str, str]:
    extra = []
    if next_href:
        extra.append(f'<{next_href}>; rel="next"')
    if prev_href:
        extra.append(f'<{prev_href}>; rel="prev"')
    return {"Vary": "Accept", "Link": link_header(path, offers, query, extra),
            "Content-Location": f"{path}.{chosen.suffix}{query}"}


def rdf_response(triples, fmt: Format, prefixes: dict[str, str], headers: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    body = write(triples, fmt.writer, prefixes)
    return Response(body, status_code=status_code, media_type=_with_charset(fmt.media_type), headers=headers)


def html_response(templates: Environment, name: str, context: dict, headers: dict[str, str] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**context), status_code=status_code, headers=headers)


def not_acceptable(exc: NotAcceptable, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(f"406 Not Acceptable: {exc}", status_code=406, headers=headers)


def not_found(request: Request, templates: Environment | None, message: str, **values) -> Response:
    """A 404 that offers a search: an HTML page for browsers, plain text for everyone else. ``message`` is a message
    of the interface's catalogue, said in the pages' language; ``values`` fill its %(name)s places."""
    words = templates.globals.get("words") if templates is not None else None
    message = words.gettext(message) if words is not None else message
    message = message % values if values else message
    try:
        wants_html = choose([HTML, TEXT], request.headers.get("accept")) is HTML
    except NotAcceptable:
        wants_html = False
    headers = {"Vary": "Accept"}
    if wants_html and templates is not None:
        context = {"message": message, "path": request.url.path}
        return html_response(templates, "404.html", context, headers, 404)
    return PlainTextResponse(f"404 Not Found: {message}\nSearch the graph: /search?q=...\n", status_code=404,
                             headers=headers)


def _with_charset(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("+json", "+xml", "/n-triples", "/n-quads", "/trig"))
    return f"{media_type}; charset=utf-8" if textual else media_type


async def not_found_handler(request: Request, exc) -> Response:
    """Exception handler for 404s: the same page (or line of text) for unknown paths and unknown things."""
    linked = getattr(request.app.state, "linked", None)
    detail = getattr(exc, "detail", None)
    if isinstance(detail, str) and detail != "Not Found":
        return not_found(request, linked.templates if linked else None, detail)
    return not_found(request, linked.templates if linked else None, "Nothing is published at %(path)s.",
                     path=request.url.path)
