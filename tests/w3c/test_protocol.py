"""The W3C SPARQL 1.1 Protocol tests (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl), one test per entry.

The suite is a manifest of HTTP exchanges in prose; each entry is transcribed here under its own
name, with the request it describes (method, path, headers, body, byte for byte) sent over real
HTTP to the service, once over the embedded store and once in front of an Oxigraph server. The
suite's data graphs (kasei.us data0-3.rdf) are stand-ins under tests/w3c/data/, served with
``extra_graph_base`` so that their graphs carry the suite's IRIs.

Query, dataset and bad-request entries must pass as the manifest says. This endpoint is read-only
by construction, so every ``update_*`` entry (which expects its update to succeed) must instead be
refused with a 4xx saying so, and the store must be left unchanged: the entry's follow-up query,
which would find the update's effect, finds nothing.

Where the manifest departs from its own intent it is noted at the test.
"""

import json
import xml.etree.ElementTree as ET

import httpx
import pytest

KASEI = "http://kasei.us/2009/09/sparql/data/"
D0 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"
D1 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
D2 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
D3 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata3.rdf"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
BOOLEAN_TYPES = ("application/sparql-results+xml", "application/sparql-results+json")
TABULAR_TYPES = BOOLEAN_TYPES + ("text/tab-separated-values", "text/csv")
RDF_TYPES = ("application/rdf+xml", "application/rdf+json", "text/turtle", "application/n-triples")
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture
def http(service):
    with httpx.Client(base_url=service.url, timeout=30) as client:
        del client.headers["accept"]  # send only the headers the manifest lists
        yield client


def send(http: httpx.Client, method: str, path: str, body: str | bytes | None = None,
         content_type: str | None = None, accept: str | None = None) -> httpx.Response:
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if accept is not None:
        headers["Accept"] = accept
    content = body.encode("utf-8") if isinstance(body, str) else body
    return http.request(method, path, content=content, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def boolean(response: httpx.Response) -> bool:
    """The ASK result of a SPARQL XML or JSON results document."""
    kind = media_type(response)
    if kind == "application/sparql-results+json":
        return json.loads(response.text)["boolean"]
    assert kind == "application/sparql-results+xml", kind
    return ET.fromstring(response.content).find(f"{SRX}boolean").text == "true"


def expect_boolean(response: httpx.Response, expected: bool = True) -> None:
    assert 200 <= response.status_code < 400, response.text
    assert media_type(response) in BOOLEAN_TYPES
    assert boolean(response) is expected


def expect_4xx(response: httpx.Response, *words: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("text/plain")
    for word in words:
        assert word.lower() in response.text.lower(), response.text


def expect_refused_update(response: httpx.Response) -> None:
    expect_4xx(response, "read-only")


# -- query operation ------------------------------------------------------------------------------
def test_query_post_form(http):
    expect_boolean(send(http, "POST", f"/sparql/?default-graph-uri={D0}", "query=ASK%20%7B%7D", FORM))


def test_query_dataset_default_graphs_get(http):
    path = ("/sparql/?query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E%20a%20"
            "%3Ftype%20.%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20.%20%7D"
            f"&default-graph-uri={D1}&default-graph-uri={D2}")
    expect_boolean(send(http, "GET", path))


def test_query_dataset_default_graphs_post(http):
    body = f"ASK {{ <{KASEI}data1.rdf> a ?type . <{KASEI}data2.rdf> a ?type . }}"
    expect_boolean(send(http, "POST", f"/sparql/?default-graph-uri={D1}&default-graph-uri={D2}", body, DIRECT))


def test_query_dataset_named_graphs_post(http):
    body = f"ASK {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}"
    expect_boolean(send(http, "POST", f"/sparql/?named-graph-uri={D1}&named-graph-uri={D2}", body, DIRECT))


def test_query_dataset_named_graphs_get(http):
    path = ("/sparql/?query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
            "data1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2F"
            f"data%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D&named-graph-uri={D1}&named-graph-uri={D2}")
    expect_boolean(send(http, "GET", path))


def test_query_dataset_full(http):
    body = (f"ASK {{\n  <{KASEI}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }}\n"
            f"  GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }}\n}}")
    path = f"/sparql/?default-graph-uri={D3}&named-graph-uri={D1}&named-graph-uri={D2}"
    expect_boolean(send(http, "POST", path, body, DIRECT))
    # and the dataset really is the protocol's: data3 is the default graph, data1 and data2 are named
    check = f"ASK {{ GRAPH ?g {{ <{KASEI}data3.rdf> a ?type }} }}"
    expect_boolean(send(http, "POST", path, check, DIRECT), False)


def test_query_multiple_dataset(http):
    """The manifest writes the second parameter percent-encoded into the first (``...data1.rdf%26named-graph-uri%3D...``),
    which makes one IRI that names no graph; the entry's description (and its expected ``true``) is about two
    named-graph-uri parameters overriding the query's FROM, which is what is sent here. The request as written is
    checked by the next test."""
    body = (f"ASK FROM <{KASEI}data3.rdf> {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
            f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}")
    expect_boolean(send(http, "POST", f"/sparql/?named-graph-uri={D1}&named-graph-uri={D2}", body, DIRECT))
    # the protocol's dataset wins: data3, named by FROM only, is not the default graph
    check = f"ASK FROM <{KASEI}data3.rdf> {{ <{KASEI}data3.rdf> a ?type }}"
    expect_boolean(send(http, "POST", f"/sparql/?named-graph-uri={D1}&named-graph-uri={D2}", check, DIRECT), False)


def test_query_multiple_dataset_as_written(http):
    body = (f"ASK FROM <{KASEI}data3.rdf> {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
            f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}")
    path = f"/sparql/?named-graph-uri={D1}%26named-graph-uri%3D{D2}"
    expect_boolean(send(http, "POST", path, body, DIRECT), False)  # one IRI naming no graph held: an empty graph


def test_query_get(http):
    expect_boolean(send(http, "GET", f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}"))


def test_query_content_type_select(http):
    response = send(http, "POST", f"/sparql/?default-graph-uri={D0}", "SELECT (1 AS ?value) {}", DIRECT)
    assert response.status_code == 200
    assert media_type(response) in TABULAR_TYPES
    assert json.loads(response.text)["results"]["bindings"][0]["value"]["value"] == "1"


def test_query_content_type_ask(http):
    response = send(http, "POST", f"/sparql/?default-graph-uri={D0}", "ASK {}", DIRECT)
    assert response.status_code == 200
    assert media_type(response) in BOOLEAN_TYPES


def test_query_content_type_describe(http):
    response = send(http, "POST", f"/sparql/?default-graph-uri={D0}", "DESCRIBE <http://example.org/>", DIRECT)
    assert response.status_code == 200
    assert media_type(response) in RDF_TYPES


def test_query_content_type_construct(http):
    response = send(http, "POST", f"/sparql/?default-graph-uri={D0}", "CONSTRUCT { <s> <p> 1 } WHERE {}", DIRECT)
    assert response.status_code == 200
    assert media_type(response) in RDF_TYPES


def test_query_post_direct(http):
    expect_boolean(send(http, "POST", "/sparql/", "ASK {}", DIRECT))


# -- update operation: refused, and nothing changes -----------------------------------------------
PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
INSERT_THREE = f"""DROP ALL ;
INSERT DATA {{
    GRAPH <{KASEI}data1.rdf> {{ <{KASEI}data1.rdf> a foaf:Document }}
    GRAPH <{KASEI}data2.rdf> {{ <{KASEI}data2.rdf> a foaf:Document }}
    GRAPH <{KASEI}data3.rdf> {{ <{KASEI}data3.rdf> a foaf:Document }}
}} ;
"""


def refused_then_unchanged(http, path: str, update: str, follow_up: str) -> None:
    expect_refused_update(send(http, "POST", path, update, UPDATE))
    expect_boolean(send(http, "POST", "/sparql/", follow_up, DIRECT, accept="application/sparql-results+xml"), False)
    assert send(http, "GET", "/sparql/?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D").json()["boolean"] is True


def test_update_dataset_default_graph(http):
    update = PREFIXES + f"""CLEAR ALL ;
INSERT DATA {{
    GRAPH <{KASEI}data1.rdf> {{
        <{KASEI}data1.rdf> a foaf:Document
    }}
}} ;
INSERT {{
    GRAPH <http://example.org/protocol-update-dataset-test/> {{
        ?s a dc:BibliographicResource
    }}
}}
WHERE {{
    ?s a foaf:Document
}}"""
    follow_up = f"""ASK {{
    GRAPH <http://example.org/protocol-update-dataset-test/> {{
        <{KASEI}data1.rdf> a <http://purl.org/dc/terms/BibliographicResource>
    }}
}}"""
    refused_then_unchanged(http, f"/sparql/?using-graph-uri={D1}", update, follow_up)


def _graphs_follow_up(graph: str) -> str:
    return f"""ASK {{
    GRAPH <{graph}> {{
        <{KASEI}data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
        <{KASEI}data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
    }}
    FILTER NOT EXISTS {{
        GRAPH <{graph}> {{
            <{KASEI}data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
        }}
    }}
}}"""


def test_update_dataset_default_graphs(http):
    graph = "http://example.org/protocol-update-dataset-graphs-test/"
    update = PREFIXES + INSERT_THREE + f"INSERT {{\n    GRAPH <{graph}> {{\n        ?s a dc:BibliographicResource\n    }}\n}}\nWHERE {{\n    ?s a foaf:Document\n}}"
    refused_then_unchanged(http, f"/sparql/?using-graph-uri={D1}&using-graph-uri={D2}", update, _graphs_follow_up(graph))


def test_update_dataset_named_graphs(http):
    graph = "http://example.org/protocol-update-dataset-named-graphs-test/"
    update = PREFIXES + INSERT_THREE + (f"INSERT {{\n    GRAPH <{graph}> {{\n        ?s a dc:BibliographicResource\n    }}\n}}\n"
                                        "WHERE {\n    GRAPH ?g {\n        ?s a foaf:Document\n    }\n}")
    refused_then_unchanged(http, f"/sparql/?using-named-graph-uri={D1}&using-named-graph-uri={D2}", update,
                           _graphs_follow_up(graph))


def test_update_dataset_full(http):
    graph = "http://example.org/protocol-update-dataset-full-test/"
    update = PREFIXES + INSERT_THREE + f"""INSERT {{
    GRAPH <{graph}> {{
        ?s <http://example.org/in> ?in
    }}
}}
WHERE {{
    {{
        GRAPH ?g {{ ?s a foaf:Document }}
        BIND(?g AS ?in)
    }}
    UNION
    {{
        ?s a foaf:Document .
        BIND("default" AS ?in)
    }}
}}"""
    follow_up = f"""ASK {{
    GRAPH <{graph}> {{
        <{KASEI}data1.rdf> <http://example.org/in> "default" .
        <{KASEI}data2.rdf> <http://example.org/in> <{KASEI}data2.rdf> .
    }}
    FILTER NOT EXISTS {{
        GRAPH <{graph}> {{
            <{KASEI}data3.rdf> ?p ?o
        }}
    }}
}}"""
    refused_then_unchanged(http, f"/sparql/?using-graph-uri={D1}&using-named-graph-uri={D2}", update, follow_up)


def test_update_post_form(http):
    expect_refused_update(send(http, "POST", "/sparql/", "update=CLEAR+ALL", FORM))
    expect_boolean(send(http, "GET", f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}"))  # still answering


def test_update_post_direct(http):
    expect_refused_update(send(http, "POST", "/sparql/", "CLEAR ALL", UPDATE))
    check = f"ASK {{ GRAPH <{KASEI}data1.rdf> {{ ?s ?p ?o }} }}"
    expect_boolean(send(http, "POST", "/sparql/", check, DIRECT))  # not cleared


def test_update_base_uri(http):
    update = ("CLEAR GRAPH <http://example.org/protocol-base-test/> ;\n"
              "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }")
    expect_refused_update(send(http, "POST", "/sparql/", update, UPDATE))
    select = ("SELECT ?o WHERE {\n    GRAPH <http://example.org/protocol-base-test/> {\n"
              "        <http://example.org/s> <http://example.org/p> ?o\n    }\n}")
    response = send(http, "POST", "/sparql/", select, DIRECT, accept="application/sparql-results+xml")
    assert response.status_code == 200 and media_type(response) == "application/sparql-results+xml"
    assert ET.fromstring(response.content).find(f"{SRX}results").findall(f"{SRX}result") == []


# -- bad requests ---------------------------------------------------------------------------------
def test_bad_query_method(http):
    response = send(http, "PUT", f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}", b"", FORM)
    expect_4xx(response, "PUT is not allowed")
    assert response.status_code == 405 and set(response.headers["allow"].split(", ")) == {"GET", "POST"}


def test_bad_multiple_queries(http):
    response = send(http, "GET", "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    expect_4xx(response, "2 queries given")
    assert response.status_code == 400


def test_bad_query_wrong_media_type(http):
    response = send(http, "POST", "/sparql/", "ASK {}", "text/plain")
    expect_4xx(response, "text/plain is not accepted")
    assert response.status_code == 415


def test_bad_query_missing_form_type(http):
    response = send(http, "POST", "/sparql/", "query=ASK%20%7B%7D")
    expect_4xx(response, "needs a Content-Type")
    assert response.status_code == 415


def test_bad_query_missing_direct_type(http):
    response = send(http, "POST", "/sparql/", "ASK {}")
    expect_4xx(response, "needs a Content-Type")
    assert response.status_code == 415


def test_bad_query_non_utf8(http):
    response = send(http, "POST", "/sparql/", "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16")
    expect_4xx(response, "UTF-8")
    assert response.status_code == 400
    # and without the charset parameter the bytes themselves are refused
    undeclared = send(http, "POST", "/sparql/", "ASK {}".encode("utf-16"), DIRECT)
    expect_4xx(undeclared, "not valid UTF-8")


def test_bad_query_syntax(http):
    response = send(http, "GET", "/sparql/?query=ASK%20%7B")
    expect_4xx(response, "syntax error")
    assert response.status_code == 400


def test_bad_update_get(http):
    expect_refused_update(send(http, "GET", "/sparql/?update=CLEAR%20ALL"))


def test_bad_multiple_updates(http):
    expect_refused_update(send(http, "POST", "/sparql/", "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM))


def test_bad_update_wrong_media_type(http):
    response = send(http, "POST", "/sparql/", "CLEAR NAMED", "text/plain")
    expect_4xx(response, "text/plain is not accepted")


def test_bad_update_missing_form_type(http):
    expect_4xx(send(http, "POST", "/sparql/", "update=CLEAR%20NAMED"), "needs a Content-Type")


def test_bad_update_non_utf8(http):
    response = send(http, "POST", "/sparql/", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16")
    expect_4xx(response)


def test_bad_update_syntax(http):
    expect_refused_update(send(http, "POST", "/sparql/", "update=CLEAR%20XYZ", FORM))


def test_bad_update_dataset_conflict(http):
    update = ("PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
              "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
              "WHERE {\n    ?person foaf:givenName 'Bill'\n}")
    expect_refused_update(send(http, "POST", "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople", update, UPDATE))
