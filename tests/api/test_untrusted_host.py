"""Absolute links come from the configured public URL (``Settings.public``), never from the request.

A forged ``Host`` (and the forwarded-host headers, which no proxy is trusted to send here) goes to every GET
route of the real server, read from the app (``routes.get_routes``) so a route added later is covered, in
every format the absolute-link writers answer in; the forged name must appear nowhere in an answer.
"""

import pytest

from . import rawhttp
from .routes import filled, get_routes, samples

FORGED = "evil.example"
FORGED_HEADERS = {"Host": FORGED, "X-Forwarded-Host": FORGED, "X-Forwarded-Proto": "https",
                  "Forwarded": f"host={FORGED};proto=https", "X-Forwarded-Prefix": "/evil", "X-Original-URL": "/evil"}
ABSOLUTE_LINK_WRITERS = [  # (path, Accept) that write absolute links; each must name the public URL
    ("/sparql", "text/turtle"), ("/sparql", "application/rdf+xml"), ("/sparql", "application/ld+json"),
    ("/.well-known/void", "text/turtle"), ("/.well-known/void", "text/html"), ("/.well-known/void.jsonld", "*/*"),
    ("/sitemap.xml", "*/*"), ("/robots.txt", "*/*"), ("/", "text/html"), ("/?q=un-partners", "text/html"),
]
REDIRECTS = ["/id/body/aichr", "/dataset", "/sparql"]  # Location (relative, or the public URL's)


@pytest.fixture(scope="module")
def server(embedded_service):
    import httpx

    with httpx.Client(base_url=embedded_service.url, timeout=60) as client:
        values = samples(client)
    return embedded_service, values


def _forged(server, target: str, accept: str = "*/*") -> rawhttp.Answer:
    return rawhttp.get(server.port, target, {**FORGED_HEADERS, "Accept": accept})


@pytest.mark.parametrize("path, accept", ABSOLUTE_LINK_WRITERS)
def test_absolute_links_name_the_public_url_whatever_the_host_header(server, path, accept):
    service, _ = server
    public = service.app.state.graph.settings.public
    answer = _forged(service, path, accept)
    assert answer.status == 200, answer.text[:300]
    assert FORGED not in answer.text and "https://" + public.split("://")[1] not in answer.text
    assert public in answer.text or public.replace("/", "\\/") in answer.text, answer.text[:300]


@pytest.mark.parametrize("path", REDIRECTS)
def test_redirects_never_name_the_host_header(server, path):
    service, _ = server
    answer = _forged(service, path, "text/html")
    assert answer.status == 303
    assert FORGED not in answer.headers["location"] and answer.headers["location"].startswith("/")


def test_no_route_answers_with_the_forged_host(server):
    service, values = server
    leaks = []
    for route in get_routes(service.app):
        target = filled(route, values)
        for accept in ("text/html", "text/turtle", "*/*"):
            answer = _forged(service, target, accept)
            headers = "\n".join(f"{k}: {v}" for k, v in answer.headers.items())
            if FORGED in answer.text or FORGED in headers or "/evil" in headers:
                leaks.append(f"{target} (Accept {accept}): {answer.status}")
    assert not leaks, leaks


def test_the_etag_does_not_vary_with_the_host_header(server):
    service, _ = server
    honest = rawhttp.get(service.port, "/.well-known/void", {"Accept": "text/turtle"})
    forged = _forged(service, "/.well-known/void", "text/turtle")
    assert honest.body == forged.body and honest.headers["etag"] == forged.headers["etag"]
