"""PyLD, a JSON-LD 1.1 processor, reads the service's JSON-LD offline and finds the same triples as in its Turtle.

Entity documents and the VoID description are fetched by content negotiation from the running service (the three
configurations, ``service``); the home page's schema.org Dataset is read from its data block. PyLD's document
loader here answers only URLs of the service itself and fails on any other: a ``@context`` that names a remote
document (as ``"https://schema.org/"`` once did) cannot be read by a processor without the network, and fails the
test. Each document is expanded, compacted with its own context and turned into RDF; the triples of the JSON-LD,
and those of its compacted form, are isomorphic (rdflib) to those of the Turtle representation of the same page.
"""

import json
import re

import httpx
import pytest
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

ID = "https://w3id.org/aichr-kg/id/"
SCHEMA = "https://schema.org/"
DOCUMENTS = ["body/aichr", "person/chanthalangsy", "event/2025-11-17-7th-asean-human-rights-dialogue",
             "holding/bon-chair-of-aichr-2025", "instrument/asean-un-plan-of-action-2016-2020"]


def only_from(service):
    """A PyLD document loader that answers the service's own URLs and refuses every other one."""
    def load(url, options=None):
        if not url.startswith(service.url + "/"):
            raise jsonld.JsonLdError(f"a JSON-LD document names {url}, which a processor offline cannot fetch",
                                     "jsonld.LoadDocumentError", code="loading remote context failed")
        response = httpx.get(url, headers={"Accept": "application/ld+json"}, follow_redirects=True, timeout=30)
        response.raise_for_status()
        return {"contextUrl": None, "documentUrl": str(response.url), "document": response.json()}
    return load


def fetch(service, path: str, accept: str) -> httpx.Response:
    response = httpx.get(f"{service.url}{path}", headers={"Accept": accept}, follow_redirects=True, timeout=60)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == accept
    return response


def triples(document, loader) -> Graph:
    quads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=quads, format="nt")


def read_both_ways(service, path: str) -> tuple[Graph, Graph]:
    """The triples PyLD finds in the JSON-LD at ``path`` (checked against those of its compacted form), and the
    triples of the Turtle at ``path``."""
    loader = only_from(service)
    document = fetch(service, path, "application/ld+json").json()
    assert isinstance(document["@context"], dict)  # inline: nothing to fetch
    expanded = jsonld.expand(document, {"documentLoader": loader})
    compacted = jsonld.compact(expanded, document["@context"], {"documentLoader": loader})
    found = triples(document, loader)
    assert isomorphic(triples(compacted, loader), found)
    return found, Graph().parse(data=fetch(service, path, "text/turtle").text, format="turtle")


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_an_entity_document(service, slug):
    found, turtle = read_both_ways(service, f"/id/{slug}")  # the 303 to /doc/ is followed
    assert (URIRef(ID + slug), None, None) in found and len(found) > 5
    assert isomorphic(found, turtle)


def test_the_dataset_description(service):
    found, turtle = read_both_ways(service, "/.well-known/void")
    assert (None, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in found
    assert isomorphic(found, turtle)


def test_the_home_pages_dataset_markup(service):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', fetch(service, "/", "text/html").text, re.S)
    found = triples(json.loads(block.group(1)), only_from(service))
    dataset = found.value(None, RDF.type, URIRef(SCHEMA + "Dataset"))
    assert dataset is not None
    assert isinstance(found.value(dataset, URIRef(SCHEMA + "license")), URIRef)  # an IRI, as schema.org types it
    api = found.value(dataset, URIRef(SCHEMA + "subjectOf"))
    assert isinstance(found.value(api, URIRef(SCHEMA + "url")), URIRef)
    assert isinstance(found.value(dataset, URIRef(SCHEMA + "name")), Literal)
    contents = set(found.objects(None, URIRef(SCHEMA + "contentUrl")))
    assert contents and all(isinstance(url, URIRef) for url in contents)
