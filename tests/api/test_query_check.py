"""/sparql's query check over real HTTP, on the embedded store and in front of a real ``oxigraph serve`` and Virtuoso.

Every smuggling attempt names a local listener; the listener must hear nothing, in every
configuration (in remote mode it is the SPARQL server that would call out). Then the bounds on
work per request: nesting bombs, an answer over the size limit, the text that was quadratic.
"""

import time

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from fastapi.testclient import TestClient
from servers import Listener, no_namespace_library
from strategies import service_queries

from aichr_kg import querycheck

import smuggling

_LISTENER = Listener().__enter__()  # one for the module: hypothesis draws its URL once, at collection
URL = _LISTENER.url


@pytest.fixture(scope="module")
def listener():
    yield _LISTENER
    _LISTENER.__exit__(None, None, None)


@pytest.fixture
def http(service, listener):
    heard = len(listener.connections)
    with httpx.Client(base_url=service.url, timeout=60) as client:
        yield client
    assert listener.connections[heard:] == []  # after every test: nobody called out


def ask(http: httpx.Client, text: str, **params) -> httpx.Response:
    return http.post("/sparql", data={"query": text, **params}, headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"})


def still_answers(http: httpx.Client) -> None:
    assert ask(http, "ASK { ?s ?p ?o }").json()["boolean"] is True


@pytest.mark.parametrize("text", smuggling.service(URL))
def test_service_calls_are_refused_403(http, text):
    response = ask(http, text)
    assert response.status_code == 403 and "SERVICE" in response.text, response.text


@pytest.mark.parametrize("text", smuggling.refused(URL)[len(smuggling.service(URL)):])
def test_other_attempts_are_refused(http, text):
    response = ask(http, text)
    assert response.status_code in (400, 403), response.text


@pytest.mark.parametrize("text", smuggling.no_fetch(URL))
def test_graphs_named_as_data_are_empty_and_never_fetched(http, text):
    response = http.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json, text/turtle"})
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("application/sparql-results+json"):
        assert response.json()["results"]["bindings"] == []


def test_protocol_graphs_are_never_fetched(http):
    for name in ("default-graph-uri", "named-graph-uri"):
        response = ask(http, "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", **{name: f"{URL}{name}"})
        assert response.json()["boolean"] is False


@given(pair=service_queries(URL))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_service_anywhere_in_the_grammar_is_refused(http, pair):
    """The text without its SERVICE call passes the service's own check and runs on Oxigraph (an empty store, in
    this process), so the refusal is about SERVICE and not about a text the generator got wrong. It is not sent to
    the servers: Virtuoso 7.2.5 fails (500) on valid texts of these shapes, and one stops it altogether
    (deploy/virtuoso/README.md, "Queries that fail in Virtuoso")."""
    with_service, without = pair
    querycheck.check(without)
    ox.Store().query(without)  # parses and plans it (raises on a text Oxigraph refuses)
    response = ask(http, with_service)
    assert response.status_code == 403 and "SERVICE" in response.text, (with_service, response.text)


# -- bounded work per request ---------------------------------------------------------------------
@pytest.mark.parametrize("bomb", ["{" * 5000 + " ?s ?p ?o " + "}" * 5000, "{ FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
                                  "{" * 40000, "{ ?s ?p " + "[ ?q " * 5000 + "] " * 5000 + "}"])
def test_nesting_bombs_are_refused_naming_the_limit(http, bomb):
    response = ask(http, f"SELECT * WHERE {bomb}")
    assert response.status_code == 400 and "128 deep" in response.text and "max_query_nesting" in response.text
    still_answers(http)


def test_nesting_hidden_from_the_screen_is_refused_without_a_crash(http):
    """The screen reads "it's>..." as a string and misses the brackets; the worker's parser stops at its limit."""
    bomb = "SELECT * { ?s <http://x/it's> ?o . " + "{" * 5000 + " ?a ?b ?c " + "}" * 5000 + " FILTER(?o != 'x') }"
    response = ask(http, bomb)
    assert response.status_code == 400 and "nested too deeply" in response.text, response.text
    still_answers(http)


def test_an_answer_over_the_size_limit_is_refused(http):
    """Issue 10's amplification: a 90 KB query whose answer repeats a 45,000-character name (263 MB). In front of
    a server the name goes under a short one (Virtuoso keeps 97 characters), and the answer is refused as soon
    as the name put back would make it too large."""
    name = "v" * 45_000
    response = http.post("/sparql", content=f"SELECT ?{name} WHERE {{ ?s ?p ?{name} }}".encode(),
                         headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "larger than 100 MB" in response.text, response.text[:300]
    assert "max_answer_size" in response.text
    still_answers(http)


def test_the_quadratic_text_is_answered_at_once(http):
    started = time.monotonic()
    response = http.post("/sparql", content=("ASK {} " + "a-" * 25_000).encode(),
                         headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "syntax error at line 1" in response.text
    assert time.monotonic() - started < 5  # 15-18 s of the service's CPU with the old tokenizer


def test_the_service_does_not_start_where_workers_would_keep_the_network(make_app, monkeypatch, tmp_path, caplog):
    from aichr_kg.execution import NetworkNotIsolated

    monkeypatch.setenv("LD_PRELOAD", str(no_namespace_library(tmp_path)))  # the workers' unshare(2) fails
    with pytest.raises(NetworkNotIsolated), TestClient(make_app()):
        pass
    assert "AICHR_KG_ALLOW_WORKER_NETWORK=true" in caplog.text
    with TestClient(make_app(allow_worker_network=True)) as client:  # the operator accepts it
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        assert client.get("/sparql", params={"query": f"ASK {{ SERVICE <{URL}> {{ }} }}"}).status_code == 403
    assert "query check alone" in caplog.text
