"""Finding the data: the VoID / DCAT description at /.well-known/void, and the dumps at /download/."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from aichr_kg_api import crawl
from aichr_kg_api.deps import StateDep
from aichr_kg_api.linked import DUMP_MEDIA_TYPES, DUMP_NAME, LinkedData, LinkedDep
from aichr_kg_api.negotiation import HTML, Format, NotAcceptable
from aichr_kg_api.provenance import coverage
from aichr_kg_api.respond import (
    DOCUMENT_FORMATS,
    document_headers,
    format_links,
    html_response,
    negotiate,
    not_acceptable,
    not_found,
    rdf_response,
)
from aichr_kg_api.void import DUMP_FORMATS, VOID_PREFIXES, dataset_iri, dump_path, void_triples

router = APIRouter(tags=["discovery"])
VOID_PATH = "/.well-known/void"


def _void(request: Request, graph, linked: LinkedData, suffix_format: Format | None) -> Response:
    try:
        chosen = negotiate(request, DOCUMENT_FORMATS, suffix_format)
    except NotAcceptable as exc:
        return not_acceptable(exc, document_headers(VOID_PATH, DOCUMENT_FORMATS, DOCUMENT_FORMATS[-1]))
    stats = linked.stats(graph)
    base, public = linked.settings.base, linked.settings.public
    headers = document_headers(VOID_PATH, DOCUMENT_FORMATS, chosen)
    if chosen is not HTML:
        prefixes = {**linked.vocabulary.prefixes, **VOID_PREFIXES}
        sizes = linked.cached("dump-sizes", lambda: {s: linked.dumps.path(s, graph.store, graph.catalogue).stat().st_size
                                                     for s in DUMP_FORMATS})
        return rdf_response(void_triples(stats, base, public, sizes), chosen, prefixes, headers)
    vocabulary = linked.vocabulary
    context = {
        "title": linked.words.gettext("About the dataset"), "iri": dataset_iri(base), "stats": stats, "public": public,
        "classes": [{"text": vocabulary.class_label(c), "title": vocabulary.curie(c), "count": n} for c, n in stats.classes],
        "graphs": [{"name": g[len(base + "graph/"):], "iri": g, "count": n} for g, n in stats.graphs],
        "examples": [{"text": linked.index.label(e) or vocabulary.curie(e), "iri": e} for e in stats.examples],
        "vocabularies": [{"iri": ns, "prefix": next((p for p, v in vocabulary.prefixes.items() if v == ns), None)}
                         for ns in stats.vocabularies],
        "dumps": [{"href": f"/download/{dump_path(stats.version, suffix)}", "title": title, "type": media_type}
                  for suffix, (media_type, title) in DUMP_FORMATS.items()],
        "format_links": format_links(VOID_PATH, DOCUMENT_FORMATS[1:]),
        "alternates": format_links(VOID_PATH, DOCUMENT_FORMATS[1:]),
        "coverage": coverage(linked, graph.store, graph.catalogue),
    }
    return html_response(linked.templates, "void.html", context, headers)


@router.get("/researchers", summary="The researchers' guide (Markdown): prefixes, modelling patterns with worked "
            "queries, limits, citing a release", response_class=PlainTextResponse,
            responses={200: {"content": {"text/markdown": {}}}})
def researchers_guide(linked: LinkedDep):
    text = (linked.settings.root / "docs" / "researchers.md").read_text(encoding="utf-8")
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.get("/robots.txt", summary="Where crawlers may go, and the sitemap", response_class=PlainTextResponse)
def robots_txt(linked: LinkedDep):
    return PlainTextResponse(crawl.robots(linked.settings.public))


@router.get("/sitemap.xml", summary="Every entity's document, the dataset description and the dumps",
            response_class=Response, responses={200: {"content": {"application/xml": {}}}})
def sitemap_xml(graph: StateDep, linked: LinkedDep):
    public = linked.settings.public
    stats = linked.stats(graph)
    documents = linked.cached("entity-documents", lambda: crawl.entity_documents(graph.store, graph.catalogue,
                                                                                linked.settings.base))
    urls = [public, f"{public}.well-known/void", f"{public}ontology", f"{public}queries", *(public + d for d in documents),
            *(f"{public}download/{dump_path(stats.version, s)}" for s in DUMP_FORMATS)]
    return Response(crawl.sitemap(urls), media_type="application/xml")


@router.get(VOID_PATH, summary="VoID and DCAT description of the dataset (negotiated RDF or HTML)", response_class=Response,
            responses={200: {"content": {f.media_type: {} for f in DOCUMENT_FORMATS}}})
def void(request: Request, graph: StateDep, linked: LinkedDep):
    return _void(request, graph, linked, None)


@router.get(VOID_PATH + ".{ext}", summary="The dataset description in the format its suffix names", response_class=Response)
def void_as(ext: str, request: Request, graph: StateDep, linked: LinkedDep):
    fmt = next((f for f in DOCUMENT_FORMATS if f.suffix == ext), None)
    if fmt is None:
        return not_found(request, linked.templates, "'.%(suffix)s' is not a format of the dataset description.", suffix=ext)
    return _void(request, graph, linked, fmt)


@router.get("/dataset", summary="The dataset's URI: 303 See Other to its description", response_class=Response,
            responses={303: {"description": "See /.well-known/void."}})
def dataset():
    return RedirectResponse(VOID_PATH, status_code=303, headers={"Vary": "Accept"})


def _version(graph, linked: LinkedData) -> str | None:
    return linked.stats(graph).version


def _no_dump(request: Request, linked: LinkedData, version: str | None, what: str) -> Response:
    known = ", ".join(f"{DUMP_NAME}.{s}" for s in DUMP_MEDIA_TYPES)
    releases = sorted({version, *linked.settings.released_versions()} - {None})
    kept = f"; released versions kept here: {', '.join(releases)} (/download/VERSION/{DUMP_NAME}-VERSION.SUFFIX)" if releases else ""
    return not_found(request, linked.templates, "There is no dump %(what)s; the current dumps are %(known)s%(kept)s.",
                     what=what, known=known, kept=kept)


@router.get("/download/{filename}", summary="A dump of the whole graph (aichr-kg.ttl, .nt, .trig, .nq, .jsonld)",
            response_class=FileResponse, responses={200: {"content": {t: {} for t in DUMP_MEDIA_TYPES.values()}}, 404: {}})
async def download(filename: str, request: Request, graph: StateDep, linked: LinkedDep):
    stem, _, suffix = filename.rpartition(".")
    if stem != DUMP_NAME or suffix not in DUMP_MEDIA_TYPES:
        return _no_dump(request, linked, await run_in_threadpool(_version, graph, linked), f"named {filename}")
    path = await run_in_threadpool(linked.dumps.path, suffix, graph.store, graph.catalogue)
    return FileResponse(path, media_type=DUMP_MEDIA_TYPES[suffix], filename=filename)  # validators: conventions


@router.get("/download/{version}/{filename}", summary="A release's dump, named by its data version "
            "(VERSION/aichr-kg-VERSION.ttl, ...): the current build's, or one kept in AICHR_KG_RELEASES_DIR",
            response_class=FileResponse, responses={200: {"content": {t: {} for t in DUMP_MEDIA_TYPES.values()}}, 404: {}})
async def download_release(version: str, filename: str, request: Request, graph: StateDep, linked: LinkedDep):
    current = await run_in_threadpool(_version, graph, linked)
    stem, _, suffix = filename.rpartition(".")
    if stem != f"{DUMP_NAME}-{version}" or suffix not in DUMP_MEDIA_TYPES:
        return _no_dump(request, linked, current, f"named {version}/{filename}")
    if version == current:
        path = await run_in_threadpool(linked.dumps.path, suffix, graph.store, graph.catalogue)
    else:
        path = linked.settings.release_file(version, filename)
        if path is None:
            return _no_dump(request, linked, current, f"of version {version}")
    return FileResponse(path, media_type=DUMP_MEDIA_TYPES[suffix], filename=filename)  # validators: conventions
