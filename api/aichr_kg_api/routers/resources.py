"""Dereferencing: every URI of the graph answers, whatever host serves it.

``/id/{kind}/{slug}`` (an entity) answers 303 See Other to its document ``/doc/{kind}/{slug}``,
which negotiates HTML, Turtle, JSON-LD, N-Triples and RDF/XML (or takes a suffix: ``.ttl``...).
The ontology (``/ontology``, its hash terms and version IRI), the shapes (``/shapes``) and the named
graphs (``/graph/{name}``) are documents of their own. A request path maps onto ``Settings.base``,
never onto the Host header.
"""

from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aichr_kg.namespaces import graph_iri
from aichr_kg_api import describe
from aichr_kg_api.deps import StateDep
from aichr_kg_api.linked import LinkedData, LinkedDep
from aichr_kg_api.negotiation import HTML, Format, NotAcceptable
from aichr_kg_api.respond import (
    DATASET_FORMATS,
    DOCUMENT_FORMATS,
    document_headers,
    format_links,
    html_response,
    negotiate,
    not_acceptable,
    not_found,
    rdf_response,
    split_suffix,
    with_query,
)
from aichr_kg_api.templating import sparql_link
from aichr_kg import ontology_doc
from aichr_kg_api.views import PARTICIPATION_KEYS, Namer, entity_view, graph_view, participants

router = APIRouter(tags=["linked data"])

PageParam = Query(1, ge=1, le=1_000_000, description="Page of incoming links (or of a graph's triples) to show.")
FormatParam = Query(None, alias="format", description="Format name (html, turtle, jsonld, ntriples, rdfxml), overriding Accept.")
_SAFE = "-._~!$&'()*+,;=:@"


def _entity_iri(linked: LinkedData, kind: str, slug: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(f"{linked.settings.base}id/{kind}/{slug}")
    except ValueError:
        return None


@router.get("/id/{kind}/{slug}", summary="An entity's URI: 303 See Other to its document", response_class=Response,
            responses={303: {"description": "The entity exists: see its document."},
                       404: {"description": "No entity has this URI."}})
def entity_uri(kind: str, slug: str, request: Request, graph: StateDep, linked: LinkedDep):
    entity = _entity_iri(linked, kind, slug)
    if entity is None or not graph.store.ask(graph.catalogue.system("exists"), {"entity": entity}):
        iri = f"{linked.settings.base}id/{kind}/{slug}"
        return not_found(request, linked.templates, "No entity has the URI %(iri)s.", iri=iri)
    location = f"/doc/{quote(kind, safe=_SAFE)}/{quote(slug, safe=_SAFE)}"
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


@router.get("/doc/{kind}/{slug}", summary="An entity's document (HTML or RDF)", response_class=Response,
            responses={200: {"content": {f.media_type: {} for f in DOCUMENT_FORMATS}}, 404: {}, 406: {}})
def entity_document(kind: str, slug: str, request: Request, graph: StateDep, linked: LinkedDep,
                    page: int = PageParam, fmt: str | None = FormatParam):
    slug, suffix_format = split_suffix(slug, DOCUMENT_FORMATS)
    path = f"/doc/{quote(kind, safe=_SAFE)}/{quote(slug, safe=_SAFE)}"
    try:
        chosen = negotiate(request, DOCUMENT_FORMATS, suffix_format)
    except NotAcceptable as exc:
        return not_acceptable(exc, document_headers(path, DOCUMENT_FORMATS, DOCUMENT_FORMATS[-1]))
    entity = _entity_iri(linked, kind, slug)
    settings = linked.settings
    try:
        doc = entity and describe.entity_document(graph.store, graph.catalogue, entity.value,
                                                  f"{settings.base}doc/{kind}/{slug}", page, settings.page_size,
                                                  settings.base + "dataset")
    except describe.PageOutOfRange as exc:
        return not_found(request, linked.templates, str(exc))
    if not doc:
        iri = f"{settings.base}id/{kind}/{slug}"
        return not_found(request, linked.templates, "No entity has the URI %(iri)s.", iri=iri)
    here = path + (f".{suffix_format.suffix}" if suffix_format else "")
    pager = _pager(here, doc.page, doc.last_page)
    query = "" if page == 1 else f"?page={page}"
    headers = document_headers(path, DOCUMENT_FORMATS, chosen, query, pager["next"], pager["prev"])
    if chosen is HTML:
        view = entity_view(doc, linked.vocabulary, linked.index, settings.base, linked.words)
        context = {"e": view, "pages": pager, "participants": _participants(graph, linked, view),
                   "participation_keys": PARTICIPATION_KEYS,
                   "format_links": format_links(path, DOCUMENT_FORMATS[1:], query),
                   "alternates": format_links(path, DOCUMENT_FORMATS[1:], query)}
        return html_response(linked.templates, "entity.html", context, headers)
    return rdf_response(doc.triples(), chosen, linked.vocabulary.prefixes, headers)


def _participants(graph, linked: LinkedData, view) -> list[dict]:
    """An event's page lists who took part, in what role (the canned question's rows); other kinds: nothing."""
    if view["layout"] != "event":
        return []
    table = graph.catalogue.run("event-participants", {"event": view["iri"]}, graph.store)
    return participants(table, Namer(linked.settings.base, linked.vocabulary, linked.index), view["iri"])


def _pager(here: str, page: int, last: int) -> dict:
    return {"page": page, "last": last,
            "next": with_query(here, page=page + 1) if page < last else None,
            "prev": (with_query(here, page=page - 1) if page > 2 else here) if page > 1 else None}


# -- the ontology, the shapes, named graphs -------------------------------------------------------

def _suffix(ext: str, request: Request, linked: LinkedData) -> Format | Response:
    fmt = next((f for f in DATASET_FORMATS if f.suffix == ext), None)
    return fmt or not_found(request, linked.templates, "'.%(suffix)s' is not a format offered here; use one of %(known)s",
                            suffix=ext, known=", ".join(f".{f.suffix}" for f in DATASET_FORMATS))


def _graph_document(request: Request, graph: StateDep, linked: LinkedData, name: str, path: str, iri: str,
                    suffix_format: Format | None, page: int, title: str, kind: str, description: str | None = None,
                    ontology: bool = False) -> Response:
    """A named graph's document: all of it in RDF (TriG and N-Quads keep the graph name), a page of it in HTML."""
    try:
        chosen = negotiate(request, DATASET_FORMATS, suffix_format)
    except NotAcceptable as exc:
        return not_acceptable(exc, document_headers(path, DATASET_FORMATS, DATASET_FORMATS[-1]))
    store, catalogue, settings = graph.store, graph.catalogue, linked.settings
    graph_name = graph_iri(name, settings.base)
    total = describe.graph_size(store, catalogue, graph_name)
    if not total:
        return not_found(request, linked.templates, "There is no named graph %(graph)s.", graph=graph_name)
    if ontology and chosen is HTML:
        page = 1
    here = path + (f".{suffix_format.suffix}" if suffix_format else "")
    query = "" if page == 1 else f"?page={page}"
    last = describe.pages(total, settings.graph_page_size)
    if page > last:
        return not_found(request, linked.templates, "page %(page)s does not exist: this graph fills %(last)s page(s)",
                         page=page, last=last)
    pager = _pager(here, page, last) if chosen is HTML and not ontology else {"page": 1, "last": 1, "next": None, "prev": None}
    headers = document_headers(path, DATASET_FORMATS, chosen, query if chosen is HTML else "", pager["next"], pager["prev"])
    if chosen is not HTML:
        triples = describe.graph_triples(store, catalogue, graph_name)
        if chosen.name in ("trig", "nquads"):
            g = ox.NamedNode(graph_name)
            triples = [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
        return rdf_response(triples, chosen, linked.vocabulary.prefixes, headers)
    context = {"iri": iri, "title": title, "kind": kind, "description": description, "total": total,
               "format_links": format_links(path, DATASET_FORMATS[1:]), "alternates": format_links(path, DATASET_FORMATS[1:]),
               "sparql": sparql_link(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_name}> {{ ?s ?p ?o }} }}"),
               "page_size": settings.graph_page_size, "pages": pager}
    if ontology:  # pyLODE's documentation of the ontology as built (rendered once per run)
        page_html = linked.cached(f"ontology-html:{iri}", lambda: ontology_doc.render(
            describe.graph_triples(store, catalogue, graph_name), settings.base + "ontology#"))
        return HTMLResponse(page_html, headers=headers)
    found = describe.graph_page(store, catalogue, graph_name, total, page, settings.graph_page_size)
    context["groups"] = graph_view(found, linked.vocabulary, linked.index, settings.base, iri)
    return html_response(linked.templates, "graph.html", context, headers)


def _ontology(request, graph, linked, suffix_format, page=1):
    base, _ = linked.settings.base, linked.words.gettext
    return _graph_document(request, graph, linked, "ontology", "/ontology", base + "ontology", suffix_format, page,
                           _("aichr-kg ontology"), _("Ontology"), ontology=True)


def _shapes(request, graph, linked, suffix_format, page):
    base, _ = linked.settings.base, linked.words.gettext
    return _graph_document(request, graph, linked, "shapes", "/shapes", base + "shapes", suffix_format, page,
                           _("aichr-kg SHACL shapes"), _("Shapes graph"),
                           _("The constraints the curated data must meet before it is built or served; each shape has "
                             "a stable IRI (an anchor on this page) and a message."))


@router.get("/ontology", summary="The ontology: HTML documentation or RDF", response_class=Response)
def ontology(request: Request, graph: StateDep, linked: LinkedDep, fmt: str | None = FormatParam):
    return _ontology(request, graph, linked, None)


@router.get("/ontology.{ext}", summary="The ontology in the format its suffix names", response_class=Response)
def ontology_as(ext: str, request: Request, graph: StateDep, linked: LinkedDep):
    fmt = _suffix(ext, request, linked)
    return fmt if isinstance(fmt, Response) else _ontology(request, graph, linked, fmt)


@router.get("/ontology/{version}", summary="A version IRI of the ontology: that version's document", response_class=Response)
def ontology_version(version: str, request: Request, graph: StateDep, linked: LinkedDep, fmt: str | None = FormatParam):
    base = linked.settings.base
    version, suffix_format = split_suffix(version, DATASET_FORMATS)
    if not describe.is_version_of(graph.store, graph.catalogue, base + "ontology", f"{base}ontology/{version}"):
        iri = f"{base}ontology/{version}"
        return not_found(request, linked.templates, "%(iri)s is not a version of the ontology served here.", iri=iri)
    return _ontology(request, graph, linked, suffix_format)


@router.get("/shapes", summary="The SHACL shapes: HTML or RDF", response_class=Response)
def shapes(request: Request, graph: StateDep, linked: LinkedDep, page: int = PageParam, fmt: str | None = FormatParam):
    return _shapes(request, graph, linked, None, page)


@router.get("/shapes.{ext}", summary="The SHACL shapes in the format their suffix names", response_class=Response)
def shapes_as(ext: str, request: Request, graph: StateDep, linked: LinkedDep, page: int = PageParam):
    fmt = _suffix(ext, request, linked)
    return fmt if isinstance(fmt, Response) else _shapes(request, graph, linked, fmt, page)


@router.get("/shapes/{version}", summary="A version IRI of the shapes: that version's document", response_class=Response)
def shapes_version(version: str, request: Request, graph: StateDep, linked: LinkedDep, page: int = PageParam,
                   fmt: str | None = FormatParam):
    base = linked.settings.base
    version, suffix_format = split_suffix(version, DATASET_FORMATS)
    if not describe.is_version_of(graph.store, graph.catalogue, base + "shapes", f"{base}shapes/{version}"):
        iri = f"{base}shapes/{version}"
        return not_found(request, linked.templates, "%(iri)s is not a version of the shapes served here.", iri=iri)
    return _shapes(request, graph, linked, suffix_format, page)


@router.get("/graph/{name:path}", summary="A named graph: its triples (paged in HTML, whole in RDF)", response_class=Response)
def named_graph(name: str, request: Request, graph: StateDep, linked: LinkedDep, page: int = PageParam,
                fmt: str | None = FormatParam):
    base = linked.settings.base
    name, suffix_format = split_suffix(name, DATASET_FORMATS)
    source = f"{base}id/source/{name}"
    label = linked.index.label(source)
    _ = linked.words.gettext
    description = (_("What the source document “%(title)s” says: every statement curated from it.") % {"title": label}
                   if label else None)
    return _graph_document(request, graph, linked, name, f"/graph/{quote(name, safe='/' + _SAFE)}", f"{base}graph/{name}",
                           suffix_format, page, _("Named graph %(name)s") % {"name": name}, _("Named graph"), description)
