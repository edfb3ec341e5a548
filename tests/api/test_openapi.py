"""The OpenAPI description: valid, one operation per canned question with typed, enumerated parameters,
/sparql per the protocol, media types and errors; served with the viewers from this service."""

import pytest
from openapi_spec_validator import validate

from aichr_kg.catalogue import Catalogue


@pytest.fixture(scope="module")
def spec(ld_client):
    response = ld_client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_description_is_valid_openapi(spec):
    validate(spec)


def test_one_operation_per_canned_question(spec, settings, store):
    catalogue = Catalogue(settings)
    assert "/queries/{name}" not in spec["paths"]
    for query in catalogue:
        operation = spec["paths"][f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.title
        assert {"406", "422", "503", "504"} <= set(operation["responses"])
        assert {"text/csv", "application/sparql-results+json", "text/html"} <= set(operation["responses"]["200"]["content"])
        parameters = {p["name"]: p for p in operation["parameters"]}
        for param in query.params:
            described = parameters[param.name]
            allowed = [v for v, _ in catalogue.allowed_values(param, store)]
            if allowed:  # the same values the query page offers, each with its label
                assert [str(v) for v in described["schema"]["enum"]] == allowed
                assert set(described["schema"]["x-enumDescriptions"]) == set(allowed)
                assert str(described["example"]) in allowed


def test_a_year_is_an_integer_and_a_theme_an_iri_with_labels(spec):
    year = spec["paths"]["/queries/aichr-posts-by-year"]["get"]["parameters"][0]
    assert year["schema"]["type"] == "integer" and all(isinstance(v, int) for v in year["schema"]["enum"])
    theme = spec["paths"]["/queries/events-by-theme"]["get"]["parameters"][0]
    trafficking = "https://w3id.org/aichr-kg/id/theme/trafficking-in-persons"
    assert theme["schema"]["default"] == trafficking and theme["schema"]["x-enumDescriptions"][trafficking]


def test_every_operation_lists_the_server_s_own_errors(spec):
    """Any request may meet the HTTP server's limits (414 for a long GET, 431, 408, 503 for connections)."""
    missing = {f"{method.upper()} {path}": sorted({"400", "408", "414", "431", "503"} - set(operation["responses"]))
               for path, operations in spec["paths"].items() for method, operation in operations.items()}
    assert not {k: v for k, v in missing.items() if v}
    for path, operations in spec["paths"].items():  # and only the documented ones: no stray FastAPI 422 schemas
        for operation in operations.values():
            assert all(code.isdigit() or code == "default" for code in operation["responses"])


def test_the_per_client_limit_and_upstream_errors_are_documented(spec, make_app):
    from fastapi.testclient import TestClient

    for method in ("get", "post"):
        assert "429" in spec["paths"]["/sparql"][method]["responses"]
        assert "502" not in spec["paths"]["/sparql"][method]["responses"]  # embedded: there is no upstream
    with TestClient(make_app()) as client:  # the same rules, generated once, in remote mode
        from aichr_kg_api.openapi import describe
        from fastapi.openapi.utils import get_openapi

        app = client.app
        schema = get_openapi(title="t", version="1", routes=app.routes)
        describe(schema, app.state.graph.catalogue, app.state.graph.store, remote=True)
    for path in ("/sparql", "/doc/{kind}/{slug}", "/queries/un-partners", "/.well-known/void"):
        assert {"502", "504"} <= set(next(iter(schema["paths"][path].values()))["responses"]), path
    assert "502" not in schema["paths"]["/health"]["get"]["responses"]


def test_sparql_is_described_per_the_protocol(spec):
    get, post = spec["paths"]["/sparql"]["get"], spec["paths"]["/sparql"]["post"]
    assert {p["name"] for p in get["parameters"]} >= {"query", "default-graph-uri", "named-graph-uri"}
    assert set(post["requestBody"]["content"]) == {"application/x-www-form-urlencoded", "application/sparql-query"}
    assert {"400", "403", "406", "413", "503", "504"} <= set(get["responses"]) and "415" in post["responses"]
    media = set(get["responses"]["200"]["content"])
    assert {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/turtle",
            "application/ld+json"} <= media


def test_docs_pages_load_their_viewers_from_this_service(ld_client):
    for path, script in (("/docs", "/static/apidocs/swagger-ui-bundle.js"), ("/redoc", "/static/apidocs/redoc.standalone.js")):
        page = ld_client.get(path)
        assert page.status_code == 200 and f'src="{script}"' in page.text and "cdn" not in page.text.lower()
        assert "<script>" not in page.text  # no inline script: the CSP forbids it
        assert ld_client.get(script).status_code == 200
