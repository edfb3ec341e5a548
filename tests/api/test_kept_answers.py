"""Answers kept while the service runs (``AnswerCache``): a repeated document, canned question or /sparql GET is
answered from memory, byte for byte the same, with every header the HTTP layer adds; nothing is kept of errors,
of other representations, or in front of a remote server."""

import dataclasses
import os
import signal

import httpx
import pytest
from fastapi.testclient import TestClient

DOC = "/doc/event/2018-05-15-1st-aichr-un-meeting"
CANNED = ("/queries/event-participants", {"event": "https://w3id.org/aichr-kg/id/event/2018-05-15-1st-aichr-un-meeting"})
LABEL = "SELECT ?label WHERE { <https://w3id.org/aichr-kg/id/body/aichr> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


class _Gone:
    """A store that answers nothing: once it stands in for the graph, whatever still answers 200 was kept."""

    def __getattr__(self, name):
        raise RuntimeError("the store is gone")


def _without_store(app) -> None:
    graph = app.state.graph
    app.state.graph = dataclasses.replace(graph, store=_Gone())


@pytest.mark.parametrize("accept, encoding", [("text/html", "identity"), ("text/turtle", "gzip"),
                                              ("application/ld+json", "br")])
def test_a_document_asked_again_is_answered_without_its_route(make_app, accept, encoding):
    app = make_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = {"Accept": accept, "Accept-Encoding": encoding, "Origin": "https://elsewhere.example"}
        first = client.get(DOC, headers=headers)
        assert first.status_code == 200
        _without_store(app)
        again = client.get(DOC, headers=headers)
        assert again.status_code == 200 and again.content == first.content
        for name in ("content-type", "content-encoding", "etag", "last-modified", "link", "vary",
                     "access-control-allow-origin", "x-content-type-options", "content-security-policy"):
            assert again.headers.get(name) == first.headers.get(name), name
        assert client.get(DOC, headers={**headers, "If-None-Match": first.headers["etag"]}).status_code == 304
        head = client.head(DOC, headers=headers)
        assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]
        # another representation, or another page, was never kept: without the store, there is nothing
        assert client.get(DOC, headers={**headers, "Accept": "application/n-triples"}).status_code == 500
        assert client.get(DOC, params={"page": 2}, headers=headers).status_code == 500


def test_a_canned_question_asked_again_is_answered_without_its_route(make_app):
    app = make_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        path, params = CANNED
        first = client.get(path, params=params, headers={"Accept": "application/sparql-results+json"})
        assert first.status_code == 200 and first.json()["results"]["bindings"]
        bad = client.get(path, params={"event": "https://w3id.org/aichr-kg/id/event/none"})
        assert bad.status_code == 422
        _without_store(app)
        assert client.get(path, params=params, headers={"Accept": "application/sparql-results+json"}).content == first.content
        assert client.get(path, params={"event": "https://w3id.org/aichr-kg/id/event/none"}).status_code == 500
        assert client.get(path, params=params, headers={"Accept": "text/csv"}).status_code == 500


def test_nothing_is_kept_when_the_cache_is_off(make_app):
    app = make_app(answer_cache_size=0)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get(DOC).status_code == 200
        _without_store(app)
        assert client.get(DOC).status_code == 500


def test_a_repeated_sparql_get_needs_no_worker(make_app):
    """Kept answers of /sparql sit behind the limits on queries at once (so a busy endpoint still says 503), and
    answer while every worker is stopped; a text not kept then has to wait for one."""
    app = make_app(query_timeout=1.0, queue_timeout=0.5, spare_query_workers=0)
    with TestClient(app) as client:
        first = client.get("/sparql", params={"query": LABEL}, headers={"Accept": "application/sparql-results+json"})
        assert first.status_code == 200
        pool = app.state.runner
        pids = pool.idle_pids()
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            again = client.get("/sparql", params={"query": LABEL}, headers={"Accept": "application/sparql-results+json"})
            other = client.get("/sparql", params={"query": LABEL + " LIMIT 1"},
                               headers={"Accept": "application/sparql-results+json"})
        finally:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:  # the pool killed it for overrunning the deadline, and started another
                    pass
        assert again.status_code == 200 and again.content == first.content
        assert other.status_code == 504, other.text  # not kept: it went to a (stopped) worker, past its deadline


def test_nothing_is_kept_in_front_of_a_remote_server(remote_service):
    """The remote server's graph may change under the service (``aichr-kg load``): every request asks it."""
    with httpx.Client(base_url=remote_service.url, timeout=30) as client:
        assert client.get(DOC).status_code == 200
        assert client.get("/sparql", params={"query": LABEL}).status_code == 200
    assert remote_service.app.state.answers is None


def test_an_answer_is_kept_for_the_request_headers_its_vary_names(make_app):
    """A route that varies by another header (here a page answering by Accept-Language) is kept per value of it."""
    from fastapi.responses import PlainTextResponse

    app = make_app()

    @app.get("/doc/test/greeting")
    def greeting(request: __import__("fastapi").Request):
        hello = "bonjour" if request.headers.get("accept-language", "").startswith("fr") else "hello"
        return PlainTextResponse(hello, headers={"Vary": "Accept, Accept-Language"})

    app.router.routes.insert(0, app.router.routes.pop())  # before /doc/{kind}/{slug}
    with TestClient(app) as client:
        assert client.get("/doc/test/greeting", headers={"Accept-Language": "fr"}).text == "bonjour"
        assert client.get("/doc/test/greeting", headers={"Accept-Language": "en"}).text == "hello"
        assert client.get("/doc/test/greeting", headers={"Accept-Language": "fr"}).text == "bonjour"
        assert app.state.answers.hits >= 1


def test_a_repeated_sparql_get_is_answered_before_routing_and_still_counted(make_app):
    """A kept /sparql GET is answered by the HTTP layer (the query route and its runner are not asked), with the
    headers of the first answer; it still counts against the limits on queries at once, so a full endpoint refuses
    it as it would a query run (503 with Retry-After, written by the route)."""
    app = make_app()
    asked = {"query": LABEL}
    json_results = {"Accept": "application/sparql-results+json", "Origin": "https://elsewhere.example"}
    with TestClient(app, raise_server_exceptions=False) as client:
        first = client.get("/sparql", params=asked, headers=json_results)
        assert first.status_code == 200 and first.json()["results"]["bindings"]
        runner = app.state.runner
        calls = []

        class Counting:  # the real runner, but every call past its limits is seen
            admission = runner.admission

            def __getattr__(self, name):
                calls.append(name)
                return getattr(runner, name)

        app.state.runner = Counting()
        try:
            again = client.get("/sparql", params=asked, headers=json_results)
            assert again.status_code == 200 and again.content == first.content and calls == []
            for name in ("content-type", "etag", "vary", "access-control-allow-origin"):
                assert again.headers.get(name) == first.headers.get(name), name
            assert client.get("/sparql", params=asked, headers={**json_results, "Accept": "text/csv"}).status_code == 200
            assert calls, "another representation was not kept: the route asked the runner"
            held = [runner.admission(None) for _ in range(runner.admission.limit)]
            for slot in held:
                slot.__enter__()
            try:
                busy = client.get("/sparql", params=asked, headers=json_results)
            finally:
                for slot in held:
                    slot.__exit__(None, None, None)
            assert busy.status_code == 503 and busy.headers["retry-after"], busy.text
            assert "busy" in busy.text
            assert client.get("/sparql", params=asked, headers=json_results).content == first.content
        finally:
            app.state.runner = runner


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_repeated_search_is_answered_without_its_route(make_app, accept):
    """A search is answered from the build's own index, which does not change while the service runs: a repeat is
    kept (the load cell of issue 10 repeats three of them), another search is not."""
    app = make_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        first = client.get("/search", params={"q": "human rights"}, headers={"Accept": accept})
        assert first.status_code == 200 and "Commission" in first.text
        app.state.linked = dataclasses.replace(app.state.linked, index=_Gone())
        again = client.get("/search", params={"q": "human rights"}, headers={"Accept": accept})
        assert again.status_code == 200 and again.content == first.content
        assert again.headers["vary"] == first.headers["vary"]
        assert client.get("/search", params={"q": "trafficking"}, headers={"Accept": accept}).status_code == 500


def test_a_search_written_without_its_dates_is_not_kept(make_app):
    """While the store cannot give the entities' dates, a search still answers from the names, marked no-store;
    once the store is back, the same search is made again, with its dates, and kept from then on."""
    from aichr_kg.execution import UpstreamUnavailable

    class Down:
        def __getattr__(self, name):
            raise UpstreamUnavailable("the SPARQL server is unavailable (503)")

    app = make_app()
    asked = {"q": "1st AICHR-UN meeting"}
    with TestClient(app, raise_server_exceptions=False) as client:
        graph = app.state.graph
        app.state.graph = dataclasses.replace(graph, store=Down())
        degraded = client.get("/search", params=asked)
        assert degraded.status_code == 200 and degraded.headers["cache-control"] == "no-store"
        assert degraded.json()["results"] and not any(r["when"] for r in degraded.json()["results"])
        app.state.graph = graph
        whole = client.get("/search", params=asked)
        assert whole.status_code == 200 and any(r["when"] for r in whole.json()["results"])
        assert "no-store" not in whole.headers.get("cache-control", "")
        _without_store(app)
        app.state.linked = dataclasses.replace(app.state.linked, index=_Gone())
        assert client.get("/search", params=asked).content == whole.content
