"""Every GET route the app has, read from the app itself, so that a test over "every route" covers a route
added later without being told about it.

``get_routes(app)`` lists the route paths (``/doc/{kind}/{slug}``, ``/static``) and ``filled(path, values)``
writes one with its parameters filled in. ``SAMPLES`` gives a real value for every path parameter the app
has today; a new parameter without a sample makes ``filled`` fail, naming it.
"""

import re

from starlette.routing import Mount

PARAM = re.compile(r"{([a-z_]+)(?::[a-z]+)?}")


def _flat(routes):
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI keeps an included router whole
        if included is not None:
            yield from _flat(included.routes)
        else:
            yield route


def get_routes(app) -> list[str]:
    """Paths of the routes answering GET (mounted apps as their prefix), each once, in the app's order."""
    paths: list[str] = []
    for route in _flat(app.routes):
        if isinstance(route, Mount) or "GET" in (getattr(route, "methods", None) or ()):
            if route.path not in paths:
                paths.append(route.path)
    return paths


def params(path: str) -> list[str]:
    return PARAM.findall(path)


def filled(path: str, values: dict[str, str]) -> str:
    """``path`` with each parameter replaced by ``values[f"{path}:{param}"]``, else ``values[param]``."""
    def value(param: str) -> str | None:
        return values.get(f"{path}:{param}", values.get(param))

    missing = [p for p in params(path) if value(p) is None]
    assert not missing, f"{path}: no sample value for {missing} (add one to tests/api/routes.py's samples)"
    return PARAM.sub(lambda m: value(m.group(1)), path)


def samples(client) -> dict[str, str]:
    """A real value for each path parameter (per route where routes differ), read from the service itself."""
    void = client.get("/.well-known/void", headers={"Accept": "application/n-triples"}).text
    version = re.search(r"/download/([^/]+)/aichr-kg-", void).group(1)
    graph = re.search(r"<[^>]*/graph/([^>/]+)>", void).group(1)
    ontology = client.get("/ontology", headers={"Accept": "application/n-triples"}).text
    shapes = client.get("/shapes", headers={"Accept": "application/n-triples"}).text
    version_iri = r"<http://www.w3.org/2002/07/owl#versionIRI> <[^>]*/{}/([^>/]+)>"
    return {"kind": "body", "slug": "aichr", "name": "un-partners", "ext": "ttl", "suffix": "csv",
            "/graph/{name:path}:name": graph, "version": version,
            "/ontology/{version}:version": re.search(version_iri.format("ontology"), ontology).group(1),
            "/shapes/{version}:version": re.search(version_iri.format("shapes"), shapes).group(1),
            "/download/{filename}:filename": "aichr-kg.ttl", "filename": f"aichr-kg-{version}.ttl"}
