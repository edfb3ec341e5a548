"""Served under a path prefix behind a real reverse proxy (Debian's nginx stripping ``/kg``): every redirect,
Link header, page link, asset and API-doc URL carries the prefix, and following them works."""

import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest

from aichr_kg.catalogue import Catalogue
from aichr_kg.settings import Settings

ROOT = "/kg"
NGINX = "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(not os.path.exists(NGINX) and not os.environ.get("CI"),
                                reason="nginx is installed by `make test`")


@pytest.fixture(scope="module")
def proxy(settings, built, tmp_path_factory):
    from aichr_kg_api.main import create_app
    from aichr_kg_api.state import GraphState
    from servers import NginxServer, ServiceThread, free_port

    port = free_port()  # nginx's, known before the service starts: its public URL
    served = Settings(**{**settings.model_dump(), "query_workers": 1, "root_path": ROOT,
                         "public_url": f"http://127.0.0.1:{port}{ROOT}/"})
    app = create_app(served, state=GraphState(served, built.store, Catalogue(served)))
    with ServiceThread(app) as service, NginxServer(tmp_path_factory.mktemp("nginx"), service.url, ROOT, port) as nginx:
        with httpx.Client(base_url=nginx.url + ROOT, timeout=60) as client:
            yield client


class _Targets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.found |= {v for k, v in attrs if k in ("href", "src", "action", "data-spec", "spec-url") and v}


def local_links(html: str) -> set[str]:
    """Every href, src, form action and API-doc URL in the page that names a path of this server."""
    reader = _Targets()
    reader.feed(html)
    return {t for t in reader.found if t.startswith("/") and not t.startswith("//")}


def test_redirects_carry_the_prefix(proxy):
    entity = proxy.get("/id/body/aichr", headers={"Accept": "text/turtle"})
    assert entity.status_code == 303 and entity.headers["location"] == f"{ROOT}/doc/body/aichr"
    assert proxy.get("/id/body/aichr", follow_redirects=True).status_code == 200
    sparql = proxy.get("/sparql", headers={"Accept": "text/html"})
    assert sparql.status_code == 303 and sparql.headers["location"] == f"{ROOT}/"
    assert proxy.get("/dataset").headers["location"] == f"{ROOT}/.well-known/void"


def test_link_and_content_location_carry_the_prefix(proxy):
    document = proxy.get("/doc/body/aichr", headers={"Accept": "text/turtle"})
    assert document.headers["content-location"] == f"{ROOT}/doc/body/aichr.ttl"
    targets = [part.split(">")[0].lstrip(" <") for part in document.headers["link"].split(",")]
    assert targets and all(t.startswith(f"{ROOT}/") for t in targets), targets
    for target in targets:
        assert proxy.get(target[len(ROOT):]).status_code == 200, target


@pytest.mark.parametrize("path", ["/", "/doc/body/aichr", "/queries/events-by-theme?format=html", "/.well-known/void",
                                  "/search?q=aichr", "/editor", "/docs", "/redoc", "/nothing-here"])
def test_every_page_link_and_asset_carries_the_prefix(proxy, path):
    page = proxy.get(path, headers={"Accept": "text/html"})
    links = local_links(page.text)
    assert links and all(link == ROOT or link.startswith((f"{ROOT}/", f"{ROOT}?")) for link in links), \
        sorted(link for link in links if not link.startswith(ROOT))
    assets = {link for link in links if "/static/" in link}
    for asset in assets:  # stylesheets and scripts load through the proxy
        assert proxy.get(asset[len(ROOT):]).status_code == 200, asset
    assert f'data-root="{ROOT}"' in page.text or path in ("/docs", "/redoc")


def test_ontology_documentation_links_nothing_local(proxy):
    """/ontology in HTML is pyLODE's stand-alone page: its links are fragments and outside IRIs, none to lose the prefix."""
    page = proxy.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'id="ASEANBody"' in page.text
    assert not local_links(page.text)


def test_api_docs_and_service_urls_carry_the_prefix(proxy):
    spec = proxy.get("/openapi.json").json()
    assert spec["servers"] == [{"url": ROOT}]
    assert f'data-spec="{ROOT}/openapi.json"' in proxy.get("/docs").text
    void = proxy.get("/.well-known/void", headers={"Accept": "application/n-triples"}).text
    endpoint = f"{urlsplit(str(proxy.base_url)).netloc}{ROOT}/sparql>"
    assert endpoint in void
