"""RemoteStore against a real Oxigraph server (and a stub server for the failures Oxigraph will not produce)."""

import http.server
import threading
import time

import pyoxigraph as ox
import pytest

from aichr_kg.catalogue import Catalogue
from aichr_kg.execution import QuerySyntaxError, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from aichr_kg.remote import RemoteStore, push, term_text
from aichr_kg.store import Dataset

AICHR = ox.NamedNode("https://w3id.org/aichr-kg/id/body/aichr")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KASEI = "http://kasei.us/2009/09/sparql/data/"


@pytest.fixture(scope="module")
def remote(oxigraph, service_settings):
    return RemoteStore(oxigraph.query_url, timeout=10, queries_dir=service_settings.queries_dir)


@pytest.fixture(scope="module")
def embedded(service_graph):
    return service_graph.store


def test_push_keeps_every_named_graph(remote, embedded):
    assert list(remote.graph_names()) == list(embedded.graph_names())
    assert remote.triple_count() == embedded.triple_count()
    assert f"{KASEI}data1.rdf" in remote.graph_names()


def test_parameters_bound_as_values_give_the_embedded_answer(remote, embedded):
    text = f"SELECT ?entity ?label WHERE {{ ?entity <{RDFS_LABEL}> ?label }}"
    assert remote.select(text, {"entity": AICHR}).rows == embedded.select(text, {"entity": AICHR}).rows
    assert remote.select(text, {"entity": AICHR}).column("label") == ["ASEAN Intergovernmental Commission on Human Rights"]
    assert remote.ask("ASK { ?entity a ?type }", {"entity": AICHR}) is True
    triples = remote.construct("CONSTRUCT { ?entity ?p ?o } WHERE { ?entity ?p ?o }", {"entity": AICHR})
    assert set(triples) == set(embedded.construct("CONSTRUCT { ?entity ?p ?o } WHERE { ?entity ?p ?o }", {"entity": AICHR}))


def _normalised(table):
    """Rows as sorted tuples; GROUP_CONCAT lists sorted, as their order is the engine's choice."""
    def cell(term):
        value = term.value
        return "; ".join(sorted(value.split("; "))) if "; " in value else value
    return sorted(tuple(cell(row[v]) if v in row else None for v in table.variables) for row in table.rows)


def test_every_canned_query_gives_the_same_rows_remotely(remote, embedded, service_settings):
    catalogue = Catalogue(service_settings)
    for query in catalogue:
        local, far = catalogue.run(query.name, {}, embedded), catalogue.run(query.name, {}, remote)
        assert far.variables == local.variables, query.name
        assert _normalised(far) == _normalised(local), query.name


def test_values_cannot_carry_blank_nodes():
    with pytest.raises(ValueError):
        term_text(ox.BlankNode())
    assert term_text(ox.Literal('say "hi"\n', language="en")) == '"say \\"hi\\"\\n"@en'


def test_serialize_passes_the_servers_bytes_through(remote):
    answer = remote.serialize(f"SELECT ?l WHERE {{ <{AICHR.value}> <{RDFS_LABEL}> ?l }}", results_format="text/csv",
                              graph_format=None)
    assert answer.kind == "solutions" and answer.media_type == "text/csv"
    assert answer.body.decode().split()[-1] == "Rights"
    graph = remote.serialize(f"DESCRIBE <{AICHR.value}>", results_format=None, graph_format="text/turtle")
    assert graph.kind == "graph" and b"ASEAN Intergovernmental" in graph.body


def test_dataset_goes_as_protocol_parameters(remote):
    text = f"ASK {{ <{KASEI}data1.rdf> a ?type }}"
    assert remote.serialize(text, results_format="application/sparql-results+json", graph_format=None,
                            dataset=Dataset((f"{KASEI}data1.rdf",), ())).body.count(b"true") == 1
    assert remote.serialize(text, results_format="application/sparql-results+json", graph_format=None,
                            dataset=Dataset((f"{KASEI}data2.rdf",), ())).body.count(b"false") == 1


def test_syntax_errors_keep_their_position(remote):
    with pytest.raises(QuerySyntaxError, match=r"line 2, column"):
        remote.serialize("SELECT *\nWHERE { ?s ?p }", results_format="application/sparql-results+json",
                         graph_format=None, base_iri="https://w3id.org/aichr-kg/")


# -- failures, from a stub server ------------------------------------------------------------------
class Stub(http.server.BaseHTTPRequestHandler):
    replies: dict = {}

    def do_POST(self):
        status, media_type, body, delay = self.replies[self.path]
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # the client hung up on /slow, as it should
        pass


@pytest.fixture(scope="module")
def stub():
    server = QuietServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _store(url: str, service_settings) -> RemoteStore:
    return RemoteStore(url, timeout=1, queries_dir=service_settings.queries_dir)


def test_answer_in_another_format_is_converted(stub, service_settings):
    xml = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/>'
           b'</head><results><result><binding name="x"><literal>1</literal></binding></result></results></sparql>')
    Stub.replies["/xml"] = (200, "application/sparql-results+xml", xml, 0)
    answer = _store(f"{stub}/xml", service_settings).serialize("SELECT ?x {}", results_format="application/sparql-results+json",
                                                                graph_format=None)
    assert answer.media_type == "application/sparql-results+json"
    assert b'"x":{"type":"literal","value":"1"}' in answer.body


@pytest.mark.parametrize("path, reply, error, words", [
    ("/broken", (500, "text/plain", b"disk on fire", 0), UpstreamError, "failed (500): disk on fire"),
    ("/refuses", (400, "text/plain", b"error at 1:8: expected WHERE", 0), QuerySyntaxError, "line 1, column 8"),
    ("/busy", (503, "text/plain", b"overloaded", 0), UpstreamUnavailable, "unavailable (503)"),
    ("/slow", (200, "application/sparql-results+json", b"{}", 2.0), UpstreamTimeout, "did not answer within 1 s"),
    ("/garbled", (200, "application/sparql-results+json", b"{not json", 0), UpstreamError, "unreadable"),
])
def test_server_failures_become_execution_errors(stub, service_settings, path, reply, error, words):
    Stub.replies[path] = reply
    store = _store(f"{stub}{path}", service_settings)
    text = "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        if path == "/garbled":
            store.serialize(text, results_format="text/csv", graph_format=None)  # asked CSV, got broken JSON
        else:
            store.serialize(text, results_format="application/sparql-results+json", graph_format=None)


def test_unreachable_server(service_settings):
    from servers import free_port

    store = _store(f"http://127.0.0.1:{free_port()}/query", service_settings)
    with pytest.raises(UpstreamUnavailable, match="cannot be reached"):
        store.select("SELECT * WHERE { ?s ?p ?o }")


def test_push_to_a_server_that_refuses(stub, embedded):
    from aichr_kg.remote import PushError

    with pytest.raises(PushError, match="cannot reach|refused"):
        push(embedded, f"{stub}/no-such-store")


def test_virtuoso_style_answers_are_read_as_sparql_says(service_settings):
    """Blank nodes labelled nodeID://..., N-Triples sent as text/plain: normalised before they are read."""
    from aichr_kg.remote import RemoteStore

    store = RemoteStore("http://127.0.0.1:9/sparql", timeout=1, queries_dir=service_settings.queries_dir, passthrough=False)
    body = (b'{ "head": { "vars": ["s"] }, "results": { "bindings": [ { "s": { "type": "bnode", "value": "nodeID://b10059" } } ] } }')
    solutions = list(store._parse("application/sparql-results+json", body))
    assert solutions[0]["s"].value == "b10059"
    xml = (b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/></head><results>'
           b'<result><binding name="s"><bnode>nodeID://b7</bnode></binding></result></results></sparql>')
    assert list(store._parse("application/sparql-results+xml", xml))[0]["s"].value == "b7"


class KeepAlive(Stub):
    """The stub speaking HTTP/1.1 (connections kept open), noting the client's port of every request."""

    protocol_version = "HTTP/1.1"
    ports: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        KeepAlive.ports.append(self.client_address[1])
        super().do_POST()


def test_queries_share_kept_alive_connections(service_settings):
    """One pooled client: a store's calls reuse one connection rather than opening one each (from any thread)."""
    server = QuietServer(("127.0.0.1", 0), KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        Stub.replies["/ask"] = (200, "application/sparql-results+json", b'{"head":{},"boolean":true}', 0)
        store = _store(f"http://127.0.0.1:{server.server_port}/ask", service_settings)
        for _ in range(5):
            assert store.ask("ASK {}") is True
        worker = threading.Thread(target=lambda: store.ask("ASK {}"))
        worker.start()
        worker.join()
        store.close()
    finally:
        server.shutdown()
    assert len(KeepAlive.ports) == 6 and len(set(KeepAlive.ports)) == 1, KeepAlive.ports
