"""HTTP's own conventions over real HTTP (both configurations): HEAD wherever GET answers, compression
decoded back, and validators that make a repeated request cheap (304)."""

import gzip

import brotli
import httpx
import pytest

AICHR = "https://w3id.org/aichr-kg/id/body/aichr"
BIG_SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 500"
GETS = [("/sparql", {"query": f"ASK {{ <{AICHR}> ?p ?o }}"}), ("/sparql", {}), ("/download/aichr-kg.nt", {}),
        ("/.well-known/void", {}), ("/ontology", {}), ("/shapes", {}), ("/", {}), ("/queries", {}),
        ("/search", {"q": "aichr"}), ("/id/body/aichr", {}), ("/doc/body/aichr", {}), ("/graph/reference", {}),
        ("/openapi.json", {})]
SAME_HEADERS = ("content-type", "content-length", "etag", "last-modified", "cache-control", "location", "link", "vary")


@pytest.fixture
def http(service):
    with httpx.Client(base_url=service.url, timeout=60, headers={"Accept-Encoding": "identity"}) as client:
        yield client


@pytest.mark.parametrize("path, params", GETS)
def test_head_answers_wherever_get_does_with_the_same_headers(http, path, params):
    for accept in ("*/*", "text/html, */*;q=0.5"):
        got = http.get(path, params=params, headers={"Accept": accept})
        head = http.head(path, params=params, headers={"Accept": accept})
        assert head.status_code == got.status_code and got.status_code in (200, 303), (path, accept, got.text[:200])
        assert head.content == b""
        for name in SAME_HEADERS:
            if name == "content-length" and path == "/sparql" and not params:
                continue  # the service description's blank nodes get new labels each time
            assert head.headers.get(name) == got.headers.get(name), (path, accept, name)


def raw(http: httpx.Client, path: str, encoding: str, **params) -> httpx.Response:
    """The response with its body as sent (httpx would decode it otherwise)."""
    with http.stream("GET", path, params=params, headers={"Accept-Encoding": encoding}) as response:
        response.raw_body = b"".join(response.iter_raw())
    return response


@pytest.mark.parametrize("path, params", [("/download/aichr-kg.nq", {}), ("/sparql", {"query": BIG_SELECT}),
                                          ("/doc/body/aichr", {}), ("/.well-known/void", {})])
def test_large_answers_are_compressed_and_decode_to_the_plain_body(http, path, params):
    plain = raw(http, path, "identity", **params)
    assert "content-encoding" not in plain.headers and len(plain.raw_body) > 10_000
    zipped = raw(http, path, "gzip", **params)
    assert zipped.headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["vary"]
    assert gzip.decompress(zipped.raw_body) == plain.raw_body and len(zipped.raw_body) < len(plain.raw_body) / 3
    squeezed = raw(http, path, "br, gzip", **params)
    assert squeezed.headers["content-encoding"] == "br"
    assert brotli.decompress(squeezed.raw_body) == plain.raw_body


def test_small_answers_are_sent_plain(http):
    small = raw(http, "/sparql", "gzip, br", query=f"ASK {{ <{AICHR}> ?p ?o }}")
    assert small.status_code == 200 and "content-encoding" not in small.headers


@pytest.mark.parametrize("path, params", [("/sparql", {"query": BIG_SELECT}), ("/doc/body/aichr", {}),
                                          ("/download/aichr-kg.ttl", {}), ("/.well-known/void", {}),
                                          ("/ontology", {}), ("/shapes", {})])
def test_validators_answer_304(http, path, params):
    first = http.get(path, params=params)
    # one of each: a dump's FileResponse set its own from the file's time beside the build's
    assert len(first.headers.get_list("etag")) == len(first.headers.get_list("last-modified")) == 1, first.headers
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.status_code == 200 and etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "public, max-age=3600"
    assert http.get(path, params=params).headers["etag"] == etag  # the same build, the same representation
    again = http.get(path, params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert http.get(path, params=params, headers={"If-Modified-Since": modified}).status_code == 304
    assert http.get(path, params=params, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200


def test_each_representation_has_its_own_etag(http):
    def etag(params, accept="*/*", encoding="identity"):
        response = http.get("/sparql", params=params, headers={"Accept": accept, "Accept-Encoding": encoding})
        assert response.status_code == 200
        return response.headers["etag"]

    first = etag({"query": BIG_SELECT})
    others = {etag({"query": BIG_SELECT + "0"}), etag({"query": BIG_SELECT}, "text/csv"),
              etag({"query": BIG_SELECT}, encoding="gzip")}
    assert first not in others and len(others) == 3


def test_cache_max_age_is_a_setting(make_app):
    from fastapi.testclient import TestClient

    with TestClient(make_app(cache_max_age=60)) as client:
        assert client.get("/doc/body/aichr").headers["cache-control"] == "public, max-age=60"
