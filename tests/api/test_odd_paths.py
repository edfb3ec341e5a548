"""Odd characters in any path segment of any route answer 400 or 404 (with the 404 page), never 500.

The routes are read from the app (``routes.get_routes``): a route added later is covered without being
named here. Each path parameter in turn gets each odd value; a route without parameters gets it as one
more segment. Requests go byte for byte over a socket to the real server, so what reaches the app is what
a client sent (an ordinary client would re-encode it); over the embedded store and in remote mode.
"""

import pytest

from . import rawhttp
from .routes import filled, get_routes, params, samples

ODD = {  # as a client sends them: percent-encoded, or raw bytes where HTTP lets them through
    "space": "a%20b", "greater-than": "a%3Eb", "raw greater-than": "a>b", "less-than": "a%3Cb", "quote": "a%22b",
    "NUL": "a%00b", "control": "%02", "line break": "a%0D%0Ab", "encoded slash": "a%2Fb", "dot-dot": "..%2F..%2Fetc",
    "backslash": "a%5Cb", "braces": "%7B%7D", "accented": "caf%C3%A9", "raw accented": "café",
    "astral": "%F0%9D%92%B3", "CJK": "%E6%A8%AC", "invalid UTF-8": "a%FFb", "very long": "a" * 4000,
}


def cases(app) -> list[tuple[str, str]]:
    """(route, the path part to replace): each parameter of each GET route, or a new last segment."""
    found = []
    for route in get_routes(app):
        names = params(route)
        found += [(route, name) for name in names] or [(route, "")]
    return found


@pytest.fixture(scope="module", params=["embedded_service", "remote_service"])
def service(request):
    """The real server over the embedded store, and in front of a real ``oxigraph serve``."""
    import httpx

    server = request.getfixturevalue(request.param)
    with httpx.Client(base_url=server.url, timeout=60) as client:
        values = samples(client)
    return server, values


def _target(route: str, param: str, odd: str, values: dict[str, str]) -> str:
    if param:
        return filled(route, {**values, f"{route}:{param}": odd})
    return route.rstrip("/") + "/" + odd


def test_the_cases_cover_every_route(embedded_service):
    app = embedded_service.app
    routes = get_routes(app)
    assert {"/doc/{kind}/{slug}", "/graph/{name:path}", "/ontology/{version}", "/static"} <= set(routes)
    assert {route for route, _ in cases(app)} == set(routes)


@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
def test_odd_characters_in_any_segment_answer_400_or_404(service, odd):
    server, values = service
    failures = []
    for route, param in cases(server.app):
        target = _target(route, param, odd, values)
        for accept in ("text/html", "*/*"):
            answer = rawhttp.get(server.port, target, {"Accept": accept})
            if answer.status == 400:
                ok = answer.text.strip().endswith(".") or " " in answer.text.strip()  # a sentence, no traceback
            elif answer.status == 404 and accept == "text/html":
                ok = 'class="not-found"' in answer.text and 'role="search"' in answer.text  # the 404 page
            elif answer.status == 404:
                ok = answer.text.startswith("404 Not Found: ") and "/search?q=" in answer.text
            else:
                ok = False
            if not ok or "Traceback" in answer.text:
                failures.append(f"{target[:120]} (Accept {accept}): {answer.status} {answer.text[:160]!r}")
    assert not failures, "\n".join(failures)
