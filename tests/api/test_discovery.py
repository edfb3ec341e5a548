"""/.well-known/void (VoID + DCAT, negotiated), the dumps under /download/, and the OpenAPI docs."""

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib import namespace as ns

from .htmlcheck import read_html
from .rdfcheck import media_type, parse

BASE = "https://w3id.org/aichr-kg/"
DATASET = URIRef(BASE + "dataset")
SERVICE = "http://127.0.0.1:8000/"  # AICHR_KG_PUBLIC_URL unset: where `aichr-kg serve` listens by default
ORG = Namespace("http://www.w3.org/ns/org#")


def _count(store, sparql: str) -> int:
    return int(store.select(sparql).rows[0]["n"].value)


@pytest.fixture(scope="module")
def void(ld_client):
    response = ld_client.get("/.well-known/void", headers={"accept": "text/turtle"})
    assert response.status_code == 200 and media_type(response) == "text/turtle"
    return parse(response)


def test_void_describes_the_dataset_with_counts_and_licence(void, store):
    assert (DATASET, ns.RDF.type, ns.VOID.Dataset) in void and (DATASET, ns.RDF.type, ns.DCAT.Dataset) in void
    triples = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert void.value(DATASET, ns.VOID.triples) == Literal(triples, datatype=ns.XSD.integer)
    entities = _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{BASE}id/')) }}")
    assert void.value(DATASET, ns.VOID.entities).toPython() == entities > 300
    assert (DATASET, ns.DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in void
    assert void.value(DATASET, ns.DCTERMS.title) is not None


def test_void_names_examples_endpoint_and_vocabularies(void):
    assert URIRef(BASE + "id/body/aichr") in set(void.objects(DATASET, ns.VOID.exampleResource))
    assert void.value(DATASET, ns.VOID.sparqlEndpoint) == URIRef(SERVICE + "sparql")
    vocabularies = set(void.objects(DATASET, ns.VOID.vocabulary))
    assert {URIRef(str(ORG)), URIRef("https://schema.org/"), URIRef(BASE + "ontology#")} <= vocabularies
    services = set(void.subjects(ns.RDF.type, ns.DCAT.DataService))
    assert services and all(void.value(s, ns.DCAT.endpointURL) == URIRef(SERVICE + "sparql") for s in services)


def test_void_partitions_by_class_and_named_graph(void, store):
    partitions = {void.value(p, ns.VOID["class"]): void.value(p, ns.VOID.entities).toPython()
                  for p in void.objects(DATASET, ns.VOID.classPartition)}
    events = _count(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { "
                           "GRAPH ?g { ?e a <https://w3id.org/aichr-kg/ontology#Event> } "
                           "FILTER(!STRENDS(STR(?g), '/graph/derived')) }")
    assert partitions[URIRef(BASE + "ontology#Event")] == events
    name = URIRef("http://www.w3.org/ns/sparql-service-description#name")
    subsets = {void.value(s, name): void.value(s, ns.VOID.triples).toPython() for s in void.objects(DATASET, ns.VOID.subset)}
    reference = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/reference> {{ ?s ?p ?o }} }}")
    assert subsets[URIRef(BASE + "graph/reference")] == reference


def test_void_says_what_each_named_graph_is(void, store):
    """Every named graph of the data is a subset with its kind of basis, label, document and size."""
    name = URIRef("http://www.w3.org/ns/sparql-service-description#name")
    subsets = {void.value(s, name): s for s in void.objects(DATASET, ns.VOID.subset)}
    note = subsets[URIRef(BASE + "graph/background-note-aichr-un-cooperation")]
    assert void.value(note, ns.DCTERMS.type) == URIRef(BASE + "ontology#SourceGraph")
    assert void.value(note, ns.PROV.wasDerivedFrom) == URIRef(BASE + "id/source/background-note-aichr-un-cooperation")
    assert str(void.value(note, ns.DCTERMS.title)).startswith("What the AICHR background note")
    assert void.value(note, ns.VOID.triples).toPython() > 100
    kinds = {str(void.value(s, ns.DCTERMS.type)).rsplit("#", 1)[-1] for s in subsets.values()}
    assert {"SourceGraph", "ReadingsGraph", "BackgroundGraph", "ReferenceGraph", "DerivedGraph"} <= kinds
    described = {r["g"].value for r in store.select(
        "SELECT ?g WHERE { ?g a/<http://www.w3.org/2000/01/rdf-schema#subClassOf> "
        "<https://w3id.org/aichr-kg/ontology#StatementGraph> }").rows}
    assert all(void.value(subsets[URIRef(g)], ns.DCTERMS.type) is not None for g in described if URIRef(g) in subsets)


@pytest.mark.parametrize("suffix, mt", [("ttl", "text/turtle"), ("nt", "application/n-triples"),
                                        ("jsonld", "application/ld+json"), ("trig", "application/trig"),
                                        ("nq", "application/n-quads")])
def test_every_dump_the_void_links_downloads_the_whole_graph(ld_client, void, store, suffix, mt):
    version = str(void.value(DATASET, ns.DCAT.version))
    url = URIRef(f"{SERVICE}download/{version}/aichr-kg-{version}.{suffix}")  # a release's name: citable
    assert url in set(void.objects(DATASET, ns.VOID.dataDump))
    distribution = next(d for d in void.objects(DATASET, ns.DCAT.distribution) if void.value(d, ns.DCAT.downloadURL) == url)
    assert str(void.value(distribution, ns.DCAT.mediaType)).endswith(mt)
    response = ld_client.get(url.removeprefix(SERVICE[:-1]))
    assert response.status_code == 200 and media_type(response) == mt
    assert int(void.value(distribution, ns.DCAT.byteSize)) == len(response.content)
    assert f"aichr-kg-{version}.{suffix}".replace("+", "%2B") in response.headers["content-disposition"]
    assert ld_client.get(f"/download/aichr-kg.{suffix}").content == response.content  # the latest, unversioned
    graph = parse(response)
    if suffix in ("trig", "nq"):
        assert URIRef(BASE + "graph/reference") in {g.identifier for g in graph.graphs()}
        triples = {(s, p, o) for s, p, o, _ in graph.quads((None, None, None, None))}
    else:
        triples = set(graph)
    assert len(triples) == void.value(DATASET, ns.VOID.triples).toPython()
    assert (URIRef(BASE + "id/body/aichr"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("ASEAN Intergovernmental Commission on Human Rights", lang="en")) in triples


def test_unknown_dump_is_404(ld_client):
    assert ld_client.get("/download/aichr-kg.xlsx").status_code == 404
    assert ld_client.get("/download/other.ttl").status_code == 404


def test_void_is_content_negotiated(ld_client, void):
    jsonld = ld_client.get("/.well-known/void", headers={"accept": "application/ld+json"})
    assert media_type(jsonld) == "application/ld+json" and len(parse(jsonld)) == len(void)
    assert len(parse(ld_client.get("/.well-known/void.nt"))) == len(void)
    page = ld_client.get("/.well-known/void", headers={"accept": "text/html"})
    assert media_type(page) == "text/html"
    html = read_html(page.text)
    version = str(void.value(DATASET, ns.DCAT.version))
    assert f"/download/{version}/aichr-kg-{version}.ttl" in html.hrefs() and "/graph/reference" in html.hrefs()
    assert "accept" in page.headers["vary"].lower() and "rel=\"alternate\"" in page.headers["link"]


def test_dataset_uri_points_to_the_description(ld_client):
    response = ld_client.get("/dataset", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/.well-known/void"


def test_openapi_docs_give_every_route_a_summary(ld_client):
    assert ld_client.get("/docs").status_code == 200
    spec = ld_client.get("/openapi.json").json()
    operations = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]
    for path in ("/id/{kind}/{slug}", "/doc/{kind}/{slug}", "/search", "/queries", "/queries/events-by-theme",
                 "/.well-known/void", "/download/{filename}", "/ontology", "/graph/{name}"):
        assert path in spec["paths"], path
    missing = [f"{method.upper()} {path}" for path, method, op in operations if not op.get("summary")]
    assert not missing, f"routes without a summary: {missing}"


def test_one_data_version_everywhere(ld_client, void, settings):
    """VoID, the service description, the ontology's version IRI (as served) and the dumps carry the same version."""
    from aichr_kg import __version__
    from aichr_kg.release import content_hash

    version = str(void.value(DATASET, ns.DCAT.version))
    assert version == f"{__version__}+{content_hash(settings)}"
    described = parse(ld_client.get("/sparql", headers={"accept": "text/turtle"}))
    assert Literal(version) in set(described.objects(None, ns.DCAT.version))
    ontology = parse(ld_client.get("/ontology", headers={"accept": "text/turtle"}))
    version_iri = ontology.value(URIRef(BASE + "ontology"), ns.OWL.versionIRI)
    assert version_iri == URIRef(f"{BASE}ontology/{version}")
    assert ld_client.get(f"/ontology/{version}", headers={"accept": "text/turtle"}).status_code == 200
    documentation = ld_client.get("/ontology", headers={"accept": "text/html"})  # pyLODE's page of the built ontology
    assert documentation.headers["content-type"].startswith("text/html") and f"ontology/{version}" in documentation.text
    nq = ld_client.get(f"/download/{version}/aichr-kg-{version}.nq")
    assert nq.status_code == 200 and f"<{BASE}ontology/{version}>".encode() in nq.content


def test_void_names_publisher_contact_dates_and_the_wikidata_linkset(void, store):
    publisher = void.value(DATASET, ns.DCTERMS.publisher)
    assert isinstance(publisher, URIRef) and void.value(DATASET, ns.DCTERMS.creator) == publisher
    assert (publisher, ns.RDF.type, ns.FOAF.Organization) in void and void.value(publisher, ns.FOAF.name) is not None
    contact = void.value(DATASET, ns.DCAT.contactPoint)
    assert void.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#fn")) is not None
    assert void.value(DATASET, ns.DCTERMS.issued).datatype == ns.XSD.date
    assert void.value(DATASET, ns.DCTERMS.modified).datatype == ns.XSD.date
    linksets = [s for s in void.objects(DATASET, ns.VOID.subset) if (s, ns.RDF.type, ns.VOID.Linkset) in void]
    assert len(linksets) == 1 and void.value(linksets[0], ns.VOID.linkPredicate) == ns.OWL.sameAs
    wikidata = void.value(linksets[0], ns.VOID.objectsTarget)
    assert str(void.value(wikidata, ns.VOID.uriSpace)) == "http://www.wikidata.org/entity/"
    links = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o "
                          "FILTER(STRSTARTS(STR(?o), 'http://www.wikidata.org/entity/')) }")
    assert void.value(linksets[0], ns.VOID.triples).toPython() == links > 0


def test_released_dumps_are_kept_and_served_by_version(make_app, tmp_path):
    from fastapi.testclient import TestClient

    kept = tmp_path / "releases" / "0.0.9+0123456789ab"
    kept.mkdir(parents=True)
    (kept / "aichr-kg-0.0.9+0123456789ab.nt").write_text("<urn:a> <urn:b> <urn:c> .\n")
    with TestClient(make_app(releases_dir=tmp_path / "releases")) as client:
        old = client.get("/download/0.0.9+0123456789ab/aichr-kg-0.0.9+0123456789ab.nt")
        assert old.status_code == 200 and old.text == "<urn:a> <urn:b> <urn:c> .\n"
        missing = client.get("/download/0.0.8+0123456789ab/aichr-kg-0.0.8+0123456789ab.nt")
        assert missing.status_code == 404 and "0.0.9+0123456789ab" in missing.text
        assert client.get("/download/0.0.9+0123456789ab/..%2Fx.nt").status_code == 404
