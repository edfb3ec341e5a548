"""The SPARQL 1.1 Service Description of /sparql, as triples: what it speaks, writes and holds.

``GET /sparql`` without a query answers with it (Turtle unless asked otherwise): the endpoint,
SPARQL 1.1 Query as the only language (no Update), every result format, the union default
graph, and the default dataset with the size of each named graph (VoID ``void:triples``) and what it is (its kind of
basis, label and document: ``aichr_kg_api.graphs``).
"""

import pyoxigraph as ox

from aichr_kg.settings import Settings
from aichr_kg_api.graphs import GraphDescription, description_triples
from aichr_kg_api.negotiation import RDF_FORMATS, RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCTERMS_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "dcterms": "http://purl.org/dc/terms/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "prov": "http://www.w3.org/ns/prov#"}

# media type written -> its W3C format IRI (https://www.w3.org/ns/formats/)
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON", "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML", "application/trig": "TriG", "application/n-quads": "N-Quads",
}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def describe(endpoint: str, graph_sizes: dict[str, int], default_graph_size: int, settings: Settings,
             described: dict[str, GraphDescription] | None = None, version: str | None = None) -> list[ox.Triple]:
    """The description; ``described`` adds each named graph's kind, label, description and document, ``version``
    the build's data version."""
    service = ox.NamedNode(endpoint + "#service")
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, DCTERMS_TITLE, ox.Literal("aichr-kg SPARQL endpoint", language="en")),
        ox.Triple(service, RDFS_COMMENT, ox.Literal(
            "Read-only SPARQL 1.1 Query endpoint over the knowledge graph of ASEAN human-rights actors. "
            "The default graph is the union of all named graphs. No SPARQL Update, no SERVICE, no LOAD; "
            "FROM and default-graph-uri / named-graph-uri select graphs held here. A query is stopped after "
            f"{settings.query_timeout:g} s; at most {settings.max_concurrent_queries} queries run at once; "
            f"queries may be {settings.max_query_length} characters long.", language="en")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), _count(default_graph_size)),
    ]
    if version:  # which release the endpoint serves (the build's data version), and the dataset VoID describes
        triples += [ox.Triple(dataset, ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo"), ox.Literal(version)),
                    ox.Triple(dataset, ox.NamedNode("http://www.w3.org/ns/dcat#version"), ox.Literal(version)),
                    ox.Triple(dataset, ox.NamedNode("http://rdfs.org/ns/void#inDataset"),
                              ox.NamedNode(settings.base + "dataset"))]
    written = {f.writer.media_type.split(";")[0] for f in RESULT_FORMATS + RDF_FORMATS}
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[m]))
                for m in sorted(written) if m in FORMAT_IRIS]
    for name, size in sorted(graph_sizes.items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), _count(size)),
        ]
        triples += description_triples(graph, (described or {}).get(name))
    return triples
