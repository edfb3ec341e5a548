"""The dataset described in VoID and DCAT: sizes, licence, examples, SPARQL endpoint, vocabularies, dumps.

Counts come from system queries once per run (the graph does not change while the service runs);
URLs of the endpoint and the dumps start with ``Settings.public`` (the configured public URL, never the request's).
"""

from dataclasses import dataclass, field

import pyoxigraph as ox

from aichr_kg.catalogue import Catalogue
from aichr_kg.store import Store
from aichr_kg.vocabulary import Vocabulary
from aichr_kg_api.graphs import GraphDescription, description_triples, graph_descriptions

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
SD = "http://www.w3.org/ns/sparql-service-description#"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = "aichr-kg: knowledge graph of ASEAN human rights actors"
DESCRIPTION = ("Bodies, people, posts, events, instruments and recommendations of human rights work in South-East Asia, "
               "curated from source documents; every fact cites the document it comes from.")
EXAMPLES = ("id/body/aichr", "id/event/2018-05-15-1st-aichr-un-meeting", "id/instrument/ahrd", "id/theme/trafficking-in-persons")
DUMP_FORMATS = {"ttl": ("text/turtle", "Turtle"), "nt": ("application/n-triples", "N-Triples"),
                "trig": ("application/trig", "TriG (with named graphs)"),
                "nq": ("application/n-quads", "N-Quads (with named graphs)"),
                "jsonld": ("application/ld+json", "JSON-LD")}
VOID_PREFIXES = {"void": VOID, "dcat": DCAT, "sd": SD, "vcard": "http://www.w3.org/2006/vcard/ns#"}
VCARD = "http://www.w3.org/2006/vcard/ns#"
OWL = "http://www.w3.org/2002/07/owl#"
PUBLISHER_NAME = "aichr-kg maintainers"
LINK_TARGETS = {"wikidata": ("Wikidata", "http://www.wikidata.org/entity/", "https://www.wikidata.org/")}


def publisher_iri(base: str) -> str:
    """The maintainers as a resource (creator and publisher of the dataset and the ontology)."""
    return base + "dataset#maintainers"


@dataclass(frozen=True)
class Stats:
    triples: int
    entities: int
    subjects: int
    properties: int
    objects: int
    classes: list[tuple[str, int]]  # (class IRI, instances)
    graphs: list[tuple[str, int]]  # (graph IRI, triples)
    vocabularies: list[str]  # namespace IRIs
    examples: list[str]
    described: dict[str, GraphDescription] = field(default_factory=dict)  # graph IRI -> kind, label, document
    version: str | None = None  # the build's data version (release.Release.version)
    issued: ox.Literal | None = None
    modified: ox.Literal | None = None
    linksets: tuple[tuple[str, int], ...] = ()  # (LINK_TARGETS key, owl:sameAs links)


def _int(row, name) -> int:
    return int(row[name].value) if name in row else 0


def dataset_stats(store: Store, catalogue: Catalogue, vocabulary: Vocabulary) -> Stats:
    base = vocabulary.base
    namespace = ox.Literal(base + "id/")
    stats = store.select(catalogue.system("dataset-stats"), {"namespace": namespace}).rows
    row = stats[0] if stats else {}
    triples = store.select(catalogue.system("triple-count")).rows
    classes = [(r["class"].value, _int(r, "count")) for r in store.select(catalogue.system("class-counts")).rows]
    graphs = [(r["graph"].value, _int(r, "triples")) for r in store.select(catalogue.system("graph-sizes")).rows]
    terms = {r["term"].value for r in store.select(catalogue.system("vocabulary-terms")).rows}
    namespaces = sorted({ns for ns in vocabulary.prefixes.values() if any(t.startswith(ns) for t in terms)
                         and not ns.startswith(base + "id/")})
    examples = [base + e for e in EXAMPLES
                if store.ask(catalogue.system("exists"), {"entity": ox.NamedNode(base + e)})]
    ontology = {"document": ox.NamedNode(base + "ontology")}
    version = store.select(catalogue.system("version-info"), ontology).rows
    dates = store.select(catalogue.system("ontology-dates"), ontology).rows
    linksets = []
    for key, (_, prefix, _) in LINK_TARGETS.items():
        found = store.select(catalogue.system("linkset"), {"target": ox.Literal(prefix)}).rows
        if found and _int(found[0], "links"):
            linksets.append((key, _int(found[0], "links")))
    return Stats(_int(triples[0], "count") if triples else 0, _int(row, "entities"), _int(row, "subjects"),
                 _int(row, "properties"), _int(row, "objects"), classes, graphs, namespaces, examples,
                 graph_descriptions(store, catalogue.system),
                 version[0]["version"].value if version else None,
                 dates[0].get("issued") if dates else None, dates[0].get("modified") if dates else None, tuple(linksets))


def dump_path(version: str | None, suffix: str) -> str:
    """Where a release's dump is kept under /download/: ``{version}/aichr-kg-{version}.{suffix}``."""
    return f"{version}/aichr-kg-{version}.{suffix}" if version else f"aichr-kg.{suffix}"


def dataset_iri(base: str) -> str:
    return base + "dataset"


def void_triples(stats: Stats, base: str, public: str, byte_sizes: dict[str, int] | None = None) -> list[ox.Triple]:
    """The VoID + DCAT description; ``public`` is the service's URL ending in '/'; ``byte_sizes`` by dump suffix."""
    ds = ox.NamedNode(dataset_iri(base))
    out: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    def text(value: str) -> ox.Literal:
        return ox.Literal(value, language="en")

    add(ds, RDF_TYPE, iri(VOID + "Dataset"))
    add(ds, RDF_TYPE, iri(DCAT + "Dataset"))
    add(ds, DCT + "title", text(TITLE))
    add(ds, DCT + "description", text(DESCRIPTION))
    add(ds, DCT + "license", iri(LICENSE))
    add(ds, DCAT + "landingPage", iri(public))
    maintainers = iri(publisher_iri(base))
    add(ds, DCT + "publisher", maintainers)
    add(ds, DCT + "creator", maintainers)
    add(maintainers, RDF_TYPE, iri(FOAF + "Organization"))
    add(maintainers, FOAF + "name", ox.Literal(PUBLISHER_NAME))
    add(maintainers, FOAF + "homepage", iri(base))
    contact = iri(base + "dataset#contact")
    add(ds, DCAT + "contactPoint", contact)
    add(contact, RDF_TYPE, iri(VCARD + "Organization"))
    add(contact, VCARD + "fn", ox.Literal(PUBLISHER_NAME))
    add(contact, VCARD + "hasURL", iri(base))
    if stats.version:
        add(ds, DCAT + "version", ox.Literal(stats.version))
        add(ds, OWL + "versionInfo", ox.Literal(stats.version))
    for predicate, value in (("issued", stats.issued), ("modified", stats.modified)):
        if value is not None:
            add(ds, DCT + predicate, value)
    add(ds, FOAF + "homepage", iri(public))
    for keyword in ("human rights", "ASEAN", "AICHR", "linked data"):
        add(ds, DCAT + "keyword", text(keyword))
    add(ds, VOID + "uriSpace", ox.Literal(base + "id/"))
    add(ds, VOID + "triples", count(stats.triples))
    add(ds, VOID + "entities", count(stats.entities))
    add(ds, VOID + "distinctSubjects", count(stats.subjects))
    add(ds, VOID + "properties", count(stats.properties))
    add(ds, VOID + "distinctObjects", count(stats.objects))
    add(ds, VOID + "classes", count(len(stats.classes)))
    add(ds, VOID + "sparqlEndpoint", iri(public + "sparql"))
    add(ds, VOID + "rootResource", iri(base + "ontology"))
    for example in stats.examples:
        add(ds, VOID + "exampleResource", iri(example))
    for namespace in stats.vocabularies:
        add(ds, VOID + "vocabulary", iri(namespace))
    for suffix, (media_type, title) in DUMP_FORMATS.items():
        url = iri(f"{public}download/{dump_path(stats.version, suffix)}")
        dist = iri(f"{base}dataset#dump-{suffix}")
        add(ds, VOID + "dataDump", url)
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF_TYPE, iri(DCAT + "Distribution"))
        add(dist, DCT + "title", text(f"Whole graph as {title}"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", iri(f"https://www.iana.org/assignments/media-types/{media_type}"))
        add(dist, DCT + "license", iri(LICENSE))
        if byte_sizes and suffix in byte_sizes:
            add(dist, DCAT + "byteSize", ox.Literal(str(byte_sizes[suffix]), datatype=ox.NamedNode(XSD + "nonNegativeInteger")))
    for key, links in stats.linksets:
        name, prefix, homepage = LINK_TARGETS[key]
        linkset, target = iri(f"{base}dataset#linkset-{key}"), iri(f"{base}dataset#{key}")
        add(ds, VOID + "subset", linkset)
        add(linkset, RDF_TYPE, iri(VOID + "Linkset"))
        add(linkset, VOID + "linkPredicate", iri(OWL + "sameAs"))
        add(linkset, VOID + "subjectsTarget", ds)
        add(linkset, VOID + "objectsTarget", target)
        add(linkset, VOID + "triples", count(links))
        add(target, RDF_TYPE, iri(VOID + "Dataset"))
        add(target, DCT + "title", ox.Literal(name))
        add(target, VOID + "uriSpace", ox.Literal(prefix))
        add(target, FOAF + "homepage", iri(homepage))
    service, access = iri(base + "dataset#sparql"), iri(base + "dataset#sparql-access")
    add(ds, DCAT + "distribution", access)
    add(access, RDF_TYPE, iri(DCAT + "Distribution"))
    add(access, DCT + "title", text("SPARQL 1.1 endpoint"))
    add(access, DCAT + "accessURL", iri(public + "sparql"))
    add(access, DCAT + "accessService", service)
    add(service, RDF_TYPE, iri(DCAT + "DataService"))
    add(service, RDF_TYPE, iri(SD + "Service"))
    add(service, DCT + "title", text("aichr-kg SPARQL endpoint"))
    add(service, DCAT + "endpointURL", iri(public + "sparql"))
    add(service, SD + "endpoint", iri(public + "sparql"))
    add(service, DCAT + "servesDataset", ds)
    for n, (cls, instances) in enumerate(stats.classes):
        part = iri(f"{base}dataset#class-{n + 1}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", iri(cls))
        add(part, VOID + "entities", count(instances))
    for graph, size in stats.graphs:
        name = graph[len(base + "graph/"):] if graph.startswith(base + "graph/") else graph
        part = iri(f"{base}dataset#graph-{name.replace('/', '-')}")
        add(ds, VOID + "subset", part)
        add(part, RDF_TYPE, iri(VOID + "Dataset"))
        add(part, SD + "name", iri(graph))
        add(part, VOID + "triples", count(size))
        add(part, FOAF + "page", iri(f"{public}graph/{name}"))
        described = stats.described.get(graph)
        if described is None or described.label is None:
            add(part, DCT + "title", text(f"Named graph {name}"))
        out.extend(description_triples(part, described))
    return out
