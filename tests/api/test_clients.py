"""The researchers' own clients against the running service over HTTP: SPARQLWrapper, rdflib's SPARQLStore,
and Debian's ``rapper`` dereferencing an entity URI through the 303 and content negotiation.

Each runs against both configurations (the embedded store, and the service in front of Oxigraph).
"""

import os
import shutil
import subprocess

import io
import warnings

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import (CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDF, RDFXML, TSV, TURTLE, URLENCODED, XML,
                           SPARQLWrapper)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

AICHR = "https://w3id.org/aichr-kg/id/body/aichr"
AICHR_LABEL = "ASEAN Intergovernmental Commission on Human Rights"
LABEL_QUERY = f"PREFIX rdfs: <{RDFS}> SELECT ?label WHERE {{ <{AICHR}> rdfs:label ?label }}"


def wrapper(service, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(f"{service.url}/sparql")
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_and_ask(service, method):
    client = wrapper(service, method)
    client.setQuery(LABEL_QUERY)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == [AICHR_LABEL]
    client.setQuery(f"ASK {{ <{AICHR}> a ?kind }}")
    assert client.queryAndConvert()["boolean"] is True


FORMS = {"SELECT": LABEL_QUERY, "ASK": f"ASK {{ <{AICHR}> a ?kind }}",
         "CONSTRUCT": f"CONSTRUCT {{ <{AICHR}> ?p ?o }} WHERE {{ <{AICHR}> ?p ?o }}", "DESCRIBE": f"DESCRIBE <{AICHR}>"}
RESULT_PARSERS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                  "text/csv": "csv", "text/tab-separated-values": "tsv"}
RDF_PARSERS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
               "application/n-triples": "nt"}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("method", ["GET", URLENCODED, POSTDIRECTLY])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV, JSONLD, N3, TURTLE, RDFXML, RDF])
def test_sparqlwrapper_every_return_format(service, form, method, return_format):
    """Whatever SPARQLWrapper asks for (it always adds format=, output=, results=), it gets a 200 in a type it
    asked for when the query form has one, else the form's default, and the answer parses and says the fact."""
    client = wrapper(service, "GET" if method == "GET" else POST)
    if method != "GET":
        client.setRequestMethod(method)
    client.setQuery(FORMS[form])
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns of formats a form does not have
        response = client.query()
        media_type = response.response.headers["content-type"].split(";")[0]
        body = response.response.read()
    if form in ("SELECT", "ASK"):
        if form == "ASK" and media_type in ("text/csv", "text/tab-separated-values"):  # rdflib reads no CSV booleans
            assert body.decode().split() == ["true"]
        elif form == "ASK":
            assert Result.parse(io.BytesIO(body), format=RESULT_PARSERS[media_type]).askAnswer is True
        else:
            answer = Result.parse(io.BytesIO(body), format=RESULT_PARSERS[media_type])
            assert [str(row[0]) for row in answer] == [AICHR_LABEL]
        wanted = {XML: "xml", JSON: "json", CSV: "csv", TSV: "tsv"}.get(return_format)
        assert RESULT_PARSERS[media_type] == (wanted or "json")
    else:
        graph = Graph().parse(data=body, format=RDF_PARSERS[media_type])
        assert (URIRef(AICHR), RDFS.label, Literal(AICHR_LABEL, lang="en")) in graph
        wanted = {XML: "xml", RDFXML: "xml", RDF: "xml", JSONLD: "json-ld", JSON: "json-ld", N3: "turtle",
                  TURTLE: "turtle"}.get(return_format)
        assert RDF_PARSERS[media_type] == (wanted or "turtle")


def test_sparqlwrapper_construct_as_turtle(service):
    client = wrapper(service)
    client.setQuery(f"CONSTRUCT {{ <{AICHR}> ?p ?o }} WHERE {{ <{AICHR}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert (URIRef(AICHR), RDFS.label, Literal(AICHR_LABEL, lang="en")) in graph
    assert len(graph) > 5


def test_sparqlwrapper_reports_a_bad_query(service):
    client = wrapper(service)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="line"):  # the 400 message names where the syntax breaks
        client.queryAndConvert()


def test_rdflib_sparqlstore_reads_the_graph(service):
    graph = Graph(store=SPARQLStore(query_endpoint=f"{service.url}/sparql", returnFormat="json"))
    labels = {str(o) for o in graph.objects(URIRef(AICHR), RDFS.label)}
    assert AICHR_LABEL in labels
    rows = list(graph.query(LABEL_QUERY))
    assert [str(row.label) for row in rows] == [AICHR_LABEL]


RAPPER = shutil.which("rapper")


@pytest.mark.skipif(RAPPER is None and not os.environ.get("CI"),  # in CI (`make test`) it must be there
                    reason="rapper (Debian raptor2-utils) is installed by `make test`")
@pytest.mark.parametrize("syntax", ["turtle", "rdfxml"])
def test_rapper_dereferences_an_entity_uri(service, syntax):
    """rapper asks for its syntax, follows the 303 from /id/ to /doc/ and parses what comes back."""
    result = subprocess.run([RAPPER or "rapper", "-q", "-i", syntax, "-o", "ntriples", f"{service.url}/id/body/aichr"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f'<{AICHR}> <{RDFS.label}> "{AICHR_LABEL}"@en .' in result.stdout.splitlines()
