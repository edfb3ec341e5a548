"""Remote mode: an answer the SPARQL server breaks off after its first byte never reaches the client as a 200.

Two real failures: a stand-in server (``servers.BreakingProxy``, relaying to a real ``oxigraph serve``) that
writes half of each answer and then either an error text in a normally ended body (as Oxigraph does) or
closes the connection short of its ``Content-Length``; and a real ``oxigraph serve --timeout-s 1`` whose
query is cancelled after its first solution has been streamed. Every route answers 502 with a sentence,
whatever the format, and answers again once the server behaves.
"""

import httpx
import pytest
from servers import BreakingProxy, OxigraphServer, ServiceThread

from aichr_kg.settings import Settings

SELECT = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 200"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 200"
RESULTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
GRAPHS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "application/trig",
          "application/n-quads"]
ROUTES = [("/doc/body/aichr", "text/turtle"), ("/doc/body/aichr", "text/html"), ("/queries/un-partners", "application/json"),
          ("/id/body/aichr", "text/turtle"), ("/search?q=aichr", "application/json")]
# the first solution comes at once; the second branch then runs past oxigraph's 1 s timeout
CANCELLED = ('SELECT ?x WHERE { { BIND(1 AS ?x) } UNION { ?a ?b ?c . ?d ?e ?f '
             'FILTER(STR(?c) = CONCAT(STR(?f), "never")) } }')


def _service(service_settings, endpoint: str):
    from aichr_kg_api.main import create_app

    settings = Settings(**{**service_settings.model_dump(), "store": "remote", "endpoint": endpoint, "query_workers": 1})
    return ServiceThread(create_app(settings))


@pytest.fixture(scope="module")
def proxied(service_settings, oxigraph):
    with BreakingProxy(oxigraph.url) as proxy, _service(service_settings, proxy.query_url) as service:
        with httpx.Client(base_url=service.url, timeout=60) as client:
            yield proxy, client


def _sparql(client, query: str, accept: str) -> httpx.Response:
    return client.get("/sparql", params={"query": query}, headers={"Accept": accept})


def _refused(response: httpx.Response) -> bool:
    return response.status_code == 502 and response.text.startswith("502 Bad Gateway: ") and "Traceback" not in response.text


@pytest.mark.parametrize("way", ["error text", "dropped"])
def test_a_broken_answer_is_a_502_in_every_format(proxied, way):
    proxy, client = proxied
    assert all(_sparql(client, SELECT, a).status_code == 200 for a in RESULTS)  # whole answers pass
    proxy.breaking, before = way, proxy.broken
    try:
        answers = {a: _sparql(client, SELECT, a) for a in RESULTS} | {a: _sparql(client, CONSTRUCT, a) for a in GRAPHS}
    finally:
        proxy.breaking = None
    assert proxy.broken - before >= len(answers)
    wrong = {a: (r.status_code, r.text[:200]) for a, r in answers.items() if not _refused(r)}
    assert not wrong, wrong
    said = " ".join(r.text for r in answers.values())
    assert ("broke off" in said) if way == "error text" else ("failed" in said or "broke off" in said)
    assert all(_sparql(client, SELECT, a).status_code == 200 for a in RESULTS)  # and it recovers


@pytest.mark.parametrize("way", ["error text", "dropped"])
def test_every_route_over_a_broken_server_answers_502(proxied, way):
    proxy, client = proxied
    proxy.breaking = way
    try:
        answers = {f"{path} ({accept})": client.get(path, headers={"Accept": accept}) for path, accept in ROUTES}
    finally:
        proxy.breaking = None
    wrong = {route: (r.status_code, r.text[:200]) for route, r in answers.items()
             if r.status_code != 502 and not (r.status_code == 200 and route.startswith("/search"))}  # search: an index
    assert not wrong, wrong
    assert all(client.get(path, headers={"Accept": accept}).status_code in (200, 303) for path, accept in ROUTES)


@pytest.fixture(scope="module")
def impatient(service_settings, service_graph, tmp_path_factory):
    """A real ``oxigraph serve`` that cancels a query after 1 s, even halfway through its answer."""
    from aichr_kg.remote import push

    with OxigraphServer(tmp_path_factory.mktemp("impatient"), timeout_s=1) as server:
        push(service_graph.store, server.store_url)
        with _service(service_settings, server.query_url) as service:
            with httpx.Client(base_url=service.url, timeout=60) as client:
                yield server, client


@pytest.mark.parametrize("accept", RESULTS)
def test_a_query_oxigraph_cancels_midway_is_a_502(impatient, accept):
    server, client = impatient
    with httpx.Client(timeout=30) as direct:  # what the server itself sends: a 200 whose body ends in its error
        raw = direct.post(server.query_url, data={"query": CANCELLED}, headers={"Accept": accept})
    assert raw.status_code == 200 and raw.content.endswith(b"The SPARQL operation has been cancelled")
    answer = _sparql(client, CANCELLED, accept)
    assert _refused(answer) and "broke off" in answer.text, (answer.status_code, answer.text[:300])
    assert _sparql(client, "ASK { ?s ?p ?o }", "application/sparql-results+json").json()["boolean"] is True


def test_a_read_only_server_answers_are_kept_and_others_never(service_settings, oxigraph):
    """With AICHR_KG_REMOTE_READ_ONLY the operator says the server holds this build and nothing writes to it: the
    same request is answered from what was kept, without asking the server (here: while it breaks every answer).
    Without it, every request goes to the server, whose broken answer is refused."""
    from aichr_kg_api.main import create_app

    query = SELECT + " # kept"
    for read_only in (True, False):
        with BreakingProxy(oxigraph.url) as proxy:
            settings = Settings(**{**service_settings.model_dump(), "store": "remote", "query_workers": 1,
                                   "endpoint": proxy.query_url, "remote_read_only": read_only})
            with ServiceThread(create_app(settings)) as service, httpx.Client(base_url=service.url, timeout=60) as client:
                first = {path: client.get(path, headers={"Accept": accept}) for path, accept in ROUTES[:3]}
                first["/sparql"] = _sparql(client, query, RESULTS[0])
                assert all(r.status_code == 200 for r in first.values())
                proxy.breaking = "dropped"
                again = {path: client.get(path, headers={"Accept": accept}) for path, accept in ROUTES[:3]}
                again["/sparql"] = _sparql(client, query, RESULTS[0])
                if read_only:
                    assert {p: r.content for p, r in again.items()} == {p: r.content for p, r in first.items()}
                    assert proxy.broken == 0  # not one of them reached the server
                else:
                    assert all(_refused(r) for r in again.values()), {p: r.status_code for p, r in again.items()}
