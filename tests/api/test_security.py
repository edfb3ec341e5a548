"""Headers and errors every route gets from ``security.install``: CSP on HTML, nosniff, plain errors without internals."""

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from aichr_kg.settings import Settings
from aichr_kg_api import security


@pytest.fixture(scope="module")
def client():
    settings = Settings(content_security_policy="default-src 'self'; frame-ancestors 'none'")
    app = FastAPI()
    security.install(app, settings)

    @app.get("/page", response_class=HTMLResponse)
    def page():
        return "<!doctype html><title>t</title>"

    @app.get("/data")
    def data():
        return {"ok": True}

    @app.get("/boom")
    def boom():
        raise RuntimeError("cannot open /srv/aichr-kg/secret/config.toml")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_html_gets_the_content_security_policy(client):
    response = client.get("/page")
    assert response.headers["content-security-policy"] == "default-src 'self'; frame-ancestors 'none'"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_other_responses_get_nosniff_but_no_csp(client):
    response = client.get("/data")
    assert response.json() == {"ok": True}
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers


def test_unexpected_errors_leak_nothing(client, caplog):
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("500 Internal Server Error: the server failed to answer this request (error ")
    for secret in ("Traceback", "RuntimeError", "/srv/", "config.toml", "security.py"):
        assert secret not in response.text
    error_id = response.text.split("(error ")[1].split(",")[0]
    assert any(error_id in record.getMessage() for record in caplog.records)  # the log has it, the client does not


def test_wrong_method_names_the_allowed_ones(client):
    response = client.post("/data")
    assert response.status_code == 405
    assert response.text == "405 Method Not Allowed: POST is not allowed on /data; use GET\n"


def test_cors_for_any_origin_without_credentials(client):
    response = client.get("/data", headers={"Origin": "https://elsewhere.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_sparql_is_answered_past_the_router_with_the_same_headers(make_app):
    """/sparql is handed to its handler before routing (bench/PROFILES.md); CORS and errors stay as everywhere."""
    app = make_app()
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") not in ("/sparql", "/sparql/")]
    with TestClient(app) as client:
        answer = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json", "Origin": "https://example.org"})
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert answer.headers["access-control-allow-origin"] == "*"
        assert answer.headers["x-content-type-options"] == "nosniff"
        posted = client.post("/sparql", content="SELECT ?s ?p ?o { ?s ?p ?o } LIMIT 1",
                             headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
        assert posted.status_code == 200 and posted.text.startswith("s,p,o")
        bad = client.get("/sparql", params={"query": "SELECT * {"})
        assert bad.status_code == 400 and "line" in bad.text
        assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 200  # service description
        assert client.get("/queries").status_code == 200  # everything else still goes through the router


@pytest.mark.parametrize("base", ["/graph/", "/ontology/", "/shapes/", "/id/body/", "/doc/body/", "/queries/", "/id/"])
@pytest.mark.parametrize("odd", ["a%20b", "a%3Eb", "a%3Cb", "a%22b", "a%00b", "a%0Ab", "%7B%7D", "a%5Cb"])
def test_odd_characters_in_a_path_answer_404_not_500(client, base, odd):
    response = client.get(base + odd, follow_redirects=False)
    assert response.status_code == 404, response.text
    assert "a character no IRI here has" in response.text


def test_the_path_check_refuses_exactly_what_the_iri_parser_refuses():
    """Every code point of the first plane, each plane's first and last ones and plane 14's tags: the check
    before the routes agrees with pyoxigraph's IRI parser, which the routes use (so no route meets a 500)."""
    import pyoxigraph as ox

    from aichr_kg_api.security import _NOT_IN_IRIS

    points = [*range(0x10000), *((p << 16) + o for p in range(1, 17) for o in (0, 1, 0xFFFD, 0xFFFE, 0xFFFF)),
              *range(0xE0000, 0xE1010)]
    disagree = []
    for point in points:
        char = chr(point)
        if char in "%/?#[]@" or 0xD800 <= point <= 0xDFFF:  # delimiters; lone surrogates never reach a path
            continue
        try:
            ox.NamedNode("https://w3id.org/aichr-kg/id/x" + char)
            parser_takes = True
        except ValueError:
            parser_takes = False
        if parser_takes != (_NOT_IN_IRIS.search("/id/x" + char) is None):
            disagree.append(f"U+{point:04X}")
    assert not disagree, disagree[:20]
