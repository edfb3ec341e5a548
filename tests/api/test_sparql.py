"""/sparql over real HTTP, against the embedded store and in front of an Oxigraph server (the ``service`` fixture).

Every answer is parsed back (rdflib for RDF and SPARQL results, json, csv) and checked for the
facts it must carry; errors are checked for their status and for the sentence that says what is wrong.
"""

import csv
import io
import json

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.query import Result

AICHR = URIRef("https://w3id.org/aichr-kg/id/body/aichr")
AICHR_LABEL = Literal("ASEAN Intergovernmental Commission on Human Rights", lang="en")
MEETING = "https://w3id.org/aichr-kg/id/event/2018-05-15-1st-aichr-un-meeting"
REFERENCE = "https://w3id.org/aichr-kg/graph/reference"
KASEI = "http://kasei.us/2009/09/sparql/data/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
LABEL_QUERY = f"PREFIX rdfs: <{RDFS}> SELECT ?label WHERE {{ <{AICHR}> rdfs:label ?label }}"
DESCRIBE_AICHR = f"CONSTRUCT {{ <{AICHR}> ?p ?o }} WHERE {{ <{AICHR}> ?p ?o }}"


@pytest.fixture
def http(service):
    with httpx.Client(base_url=service.url, timeout=30) as client:
        yield client


def query(http: httpx.Client, text: str, accept: str | None = None, **params) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return http.get("/sparql", params={"query": text, **params}, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


def error(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/plain")
    for word in words:
        assert word.lower() in response.text.lower(), response.text


# -- results, in every format, parsed back ----------------------------------------------------------
@pytest.mark.parametrize("accept, rdflib_format", [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
])
def test_select_results_in_each_format(http, accept, rdflib_format):
    response = query(http, LABEL_QUERY, accept)
    assert response.status_code == 200 and media_type(response) == accept
    assert response.headers["vary"].startswith("Accept")
    rows = list(Result.parse(io.BytesIO(response.content), format=rdflib_format))
    expected = Literal(AICHR_LABEL) if rdflib_format != "csv" else Literal(str(AICHR_LABEL))  # CSV drops the language
    assert [row[0] for row in rows] == [expected]


def test_select_json_is_the_default(http):
    response = query(http, LABEL_QUERY)
    assert media_type(response) == "application/sparql-results+json"
    assert json.loads(response.text)["results"]["bindings"] == [
        {"label": {"type": "literal", "value": str(AICHR_LABEL), "xml:lang": "en"}}]


def test_csv_rows(http):
    text = f"SELECT ?event ?label WHERE {{ <{MEETING}> <{RDFS.label}> ?label BIND(<{MEETING}> AS ?event) }}"
    rows = list(csv.reader(io.StringIO(query(http, text, "text/csv").text)))
    assert rows[0] == ["event", "label"] and rows[1][0] == MEETING and rows[1][1]


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_construct_in_each_format(http, accept, rdflib_format):
    response = query(http, DESCRIBE_AICHR, accept)
    assert response.status_code == 200 and media_type(response) == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (AICHR, RDFS.label, AICHR_LABEL) in graph
    assert len(graph) > 3


@pytest.mark.parametrize("fmt, rdflib_format", [("trig", "trig"), ("nquads", "nquads")])
def test_construct_as_dataset_formats(http, fmt, rdflib_format):
    response = query(http, DESCRIBE_AICHR, format=fmt)
    assert response.status_code == 200
    dataset = Dataset()
    dataset.parse(data=response.content, format=rdflib_format)
    assert (AICHR, RDFS.label, AICHR_LABEL) in dataset.default_graph


def test_describe(http):
    graph = Graph().parse(data=query(http, f"DESCRIBE <{AICHR}>", "text/turtle").content, format="turtle")
    assert (AICHR, RDFS.label, AICHR_LABEL) in graph


def test_ask(http):
    assert query(http, f"ASK {{ <{AICHR}> a ?type }}").json()["boolean"] is True
    assert query(http, "ASK { <http://example.org/nothing> ?p ?o }").json()["boolean"] is False


def test_format_parameter_overrides_accept(http):
    response = query(http, LABEL_QUERY, "text/csv", format="xml")
    assert media_type(response) == "application/sparql-results+xml"
    assert [row[0] for row in Result.parse(io.BytesIO(response.content), format="xml")] == [AICHR_LABEL]


def test_accept_q_values_decide(http):
    response = query(http, LABEL_QUERY, "text/csv;q=0.5, application/sparql-results+xml;q=0.9, text/html;q=0.1")
    assert media_type(response) == "application/sparql-results+xml"
    response = query(http, DESCRIBE_AICHR, "application/rdf+xml;q=0.2, application/n-triples")
    assert media_type(response) == "application/n-triples"


def test_no_acceptable_format(http):
    error(query(http, LABEL_QUERY, "text/turtle"), 406, "offered", "application/sparql-results+json", "SELECT")
    error(query(http, DESCRIBE_AICHR, "text/csv"), 406, "text/turtle", "CONSTRUCT")


def test_a_format_parameter_is_a_preference_not_a_veto(http):
    """A ``format`` naming nothing offered for the query form gives way to Accept, then to the form's default."""
    assert media_type(query(http, LABEL_QUERY, "text/csv", format="yaml")) == "text/csv"
    assert media_type(query(http, LABEL_QUERY, format="yaml")) == "application/sparql-results+json"
    assert media_type(query(http, LABEL_QUERY, "text/turtle", format="turtle")) == "application/sparql-results+json"
    assert media_type(query(http, DESCRIBE_AICHR, "application/rdf+xml", format="xml")) == "application/rdf+xml"
    assert media_type(query(http, DESCRIBE_AICHR, "application/ld+json", format="csv")) == "application/ld+json"
    # SPARQLWrapper's JSON-LD: format repeated, the second a list of media types; output and results too
    response = http.get("/sparql", params=[("query", DESCRIBE_AICHR), ("format", "json-ld"),
                                           ("format", "application/ld+json,application/x-json+ld"), ("output", "json-ld")])
    assert media_type(response) == "application/ld+json"


@pytest.mark.parametrize("text, accept, answered", [
    (LABEL_QUERY, "application/xml", "application/sparql-results+xml"),
    (DESCRIBE_AICHR, "text/n3", "text/turtle"), (DESCRIBE_AICHR, "application/x-turtle", "text/turtle"),
    (DESCRIBE_AICHR, "application/json", "application/ld+json"),
])
def test_legacy_media_types_are_understood(http, text, accept, answered):
    response = query(http, text, accept)
    assert response.status_code == 200 and media_type(response) == answered


# -- the protocol's three ways in -------------------------------------------------------------------
def test_get_post_form_and_post_direct_agree(http):
    by_get = query(http, LABEL_QUERY).json()
    by_form = http.post("/sparql", data={"query": LABEL_QUERY}).json()
    by_body = http.post("/sparql", content=LABEL_QUERY.encode(), headers={"Content-Type": "application/sparql-query"}).json()
    assert by_get == by_form == by_body
    assert by_get["results"]["bindings"][0]["label"]["value"] == str(AICHR_LABEL)


def test_unicode_query(http):
    text = 'SELECT ?x WHERE { BIND("Việt Nam – ÀÉ" AS ?x) }'
    response = http.post("/sparql", content=text.encode("utf-8"), headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "Việt Nam – ÀÉ"


# -- the dataset: union by default, FROM and protocol graphs only among those held here ----------------
def test_default_graph_is_the_union_of_named_graphs(http):
    text = f"ASK {{ <{AICHR}> <{RDFS.label}> ?label . <{MEETING}> a ?type . <{KASEI}data1.rdf> a ?doc }}"
    assert query(http, text).json()["boolean"] is True


def test_from_and_from_named_select_graphs(http):
    inside = f"ASK FROM <{REFERENCE}> {{ <{AICHR}> <{RDFS.label}> ?label }}"
    assert query(http, inside).json()["boolean"] is True
    outside = f"ASK FROM <{KASEI}data1.rdf> {{ <{AICHR}> ?p ?o }}"
    assert query(http, outside).json()["boolean"] is False
    named = f"SELECT DISTINCT ?g FROM NAMED <{KASEI}data1.rdf> FROM NAMED <{KASEI}data2.rdf> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    graphs = {b["g"]["value"] for b in query(http, named).json()["results"]["bindings"]}
    assert graphs == {f"{KASEI}data1.rdf", f"{KASEI}data2.rdf"}


def test_protocol_graphs_override_from(http):
    text = f"ASK FROM <{REFERENCE}> {{ <{AICHR}> ?p ?o }}"
    assert query(http, text, **{"default-graph-uri": f"{KASEI}data1.rdf"}).json()["boolean"] is False


def test_graphs_not_held_here_are_empty_graphs(http):
    """SPARQL's dataset semantics (as Oxigraph and Fuseki): a graph the store does not hold is empty, not an error."""
    elsewhere = "http://example.org/elsewhere"
    assert query(http, f"SELECT * FROM <{elsewhere}> WHERE {{ ?s ?p ?o }}").json()["results"]["bindings"] == []
    assert query(http, f"ASK FROM NAMED <{elsewhere}> {{ GRAPH ?g {{ ?s ?p ?o }} }}").json()["boolean"] is False
    assert query(http, "ASK { ?s ?p ?o }", **{"default-graph-uri": elsewhere}).json()["boolean"] is False
    assert query(http, "ASK { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": elsewhere}).json()["boolean"] is False
    # one held graph beside one that is not: the held one answers
    both = f"ASK FROM <{REFERENCE}> FROM <{elsewhere}> {{ <{AICHR}> <{RDFS.label}> ?label }}"
    assert query(http, both).json()["boolean"] is True
    error(query(http, "ASK {}", **{"default-graph-uri": "not an iri"}), 400, "is not an absolute IRI")


def test_relative_iris_resolve_against_the_graph_base(http):
    assert query(http, "ASK { <id/body/aichr> a ?type }").json()["boolean"] is True


# -- what is refused before anything runs ----------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", ["SERVICE", "does not call other servers"]),
    ("SELECT * WHERE { FILTER(?a<?b)SERVICE ?v#>\n{ ?s ?p ?o } }", ["SERVICE"]),
    ("LOAD <http://example.org/data.ttl>", ["LOAD", "does not fetch"]),
    ("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }", ["read-only"]),
    ("PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }", ["read-only"]),
])
def test_refused_before_running(http, text, words):
    error(query(http, text), 403, *words)
    error(http.post("/sparql", data={"query": text}), 403, *words)


def test_keyword_glued_to_a_name_is_a_name(http):
    """The grammar reads SERVICEex:sparql as one prefixed name (a lenient engine reads SERVICE ex:sparql): refused."""
    error(query(http, "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEex:sparql { ?s ?p ?o } }"), 400,
          "syntax error at line 1")
    # rdflib's grammar also takes '$' as part of a keyword: stricter than the standard, refused all the same
    error(query(http, "SELECT * WHERE { FILTER(?a<?b)SERVICE$v#>\n{ ?s ?p ?o } }"), 400, "syntax error at line 1")


def test_update_operation_is_refused(http):
    error(http.post("/sparql", data={"update": "CLEAR ALL"}), 403, "read-only")
    error(http.post("/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}), 403, "read-only")
    assert query(http, f"ASK {{ <{AICHR}> ?p ?o }}").json()["boolean"] is True


def test_syntax_error_gives_line_and_column(http):
    response = query(http, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?x = }")
    error(response, 400, "syntax error at line 4, column")


def test_malformed_requests(http):
    error(http.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}), 415, "text/plain")
    error(http.post("/sparql", content=b"ASK {}"), 415, "needs a Content-Type")
    error(http.post("/sparql", content=b"\xff\xfeA\x00", headers={"Content-Type": "application/sparql-query"}), 400, "UTF-8")
    error(http.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400, "2 queries")
    error(http.post("/sparql?query=ASK%7B%7D", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}),
          400, "given twice")
    error(http.post("/sparql", data={"format": "json"}), 400, "no query")
    error(query(http, "   "), 400, "empty")
    error(http.delete("/sparql"), 405, "DELETE is not allowed", "use GET or POST")


def test_query_length_limit(http):
    text = "ASK {}" + " " * 100_000
    error(http.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"}), 413,
          "the limit is 100000")


# -- the service description -----------------------------------------------------------------------
@pytest.mark.parametrize("accept, rdflib_format", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                   ("application/rdf+xml", "xml"), (None, "turtle")])
def test_service_description(http, service, accept, rdflib_format):
    response = http.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=rdflib_format)
    endpoint = URIRef(service.app.state.graph.settings.public + "sparql")  # the public URL, never the request's
    service_node = graph.value(predicate=SD.endpoint, object=endpoint)
    assert (service_node, RDF.type, SD.Service) in graph
    assert (service_node, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service_node, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (service_node, SD.feature, SD.UnionDefaultGraph) in graph
    formats = set(graph.objects(service_node, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
            FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["JSON-LD"], FORMATS.RDF_XML} <= formats
    dataset = graph.value(service_node, SD.defaultDataset)
    default_size = graph.value(graph.value(dataset, SD.defaultGraph), VOID.triples).toPython()
    sizes = {graph.value(named, SD.name): graph.value(graph.value(named, SD.graph), VOID.triples).toPython()
             for named in graph.objects(dataset, SD.namedGraph)}
    assert sizes[URIRef(REFERENCE)] > 100
    assert sizes[URIRef(f"{KASEI}data1.rdf")] == 2
    assert 1000 < default_size <= sum(sizes.values())
    # what each graph is: its kind of basis, label and the document it rests on (a researcher's graph has none)
    graphs = {graph.value(named, SD.name): graph.value(named, SD.graph) for named in graph.objects(dataset, SD.namedGraph)}
    note = graphs[URIRef("https://w3id.org/aichr-kg/graph/press-release-2022-10-03-tip-consultation/readings")]
    assert graph.value(note, DCTERMS.type) == URIRef("https://w3id.org/aichr-kg/ontology#ReadingsGraph")
    assert graph.value(note, PROV.wasDerivedFrom) == URIRef(
        "https://w3id.org/aichr-kg/id/source/press-release-2022-10-03-tip-consultation")
    assert str(graph.value(note, DCTERMS.title)).startswith("Curators' readings")
    assert graph.value(graphs[URIRef(f"{KASEI}data1.rdf")], DCTERMS.type) is None


def test_browser_goes_to_the_query_page(http):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = http.get("/sparql", headers={"Accept": browser}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


# -- CORS ------------------------------------------------------------------------------------------
def test_cors_open_for_reads(http):
    response = http.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = http.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    refused = http.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"})
    assert refused.status_code == 400


# -- canned queries run through the same store ----------------------------------------------------
def test_canned_query_with_a_bound_parameter(http):
    response = http.get("/queries/event-participants", params={"event": "event:2018-05-15-1st-aichr-un-meeting"})
    assert response.status_code == 200
    bindings = response.json()["results"]["bindings"]
    assert {b["event"]["value"] for b in bindings} == {MEETING}
    assert str(AICHR) in {b["participant"]["value"] for b in bindings}
