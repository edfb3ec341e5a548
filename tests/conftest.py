"""Shared fixtures: settings pointing at this checkout, and one build of the real graph per session."""

import shutil

import pytest
from rdflib import Graph

from aichr_kg.build import build
from aichr_kg.catalogue import Catalogue
from aichr_kg.parsing import parse_all
from aichr_kg.settings import Settings
from aichr_kg.sources import ontology_files, shapes_files


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def built(settings):
    """The real curated graph, validated and loaded (the same build `make run` serves)."""
    return build(settings)


@pytest.fixture(scope="session")
def store(built):
    return built.store


@pytest.fixture(scope="session")
def catalogue(settings) -> Catalogue:
    return Catalogue(settings)


@pytest.fixture()
def project(tmp_path, settings):
    """A copy of the data beside links to the real ontology, shapes and queries (the copy may be broken)."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("ontology", "shapes", "queries"):
        (root / name).symlink_to(settings.root / name, target_is_directory=True)
    shutil.copytree(settings.data_dir, root / "data")
    return root


@pytest.fixture(scope="session")
def context(settings):
    """The shapes and ontology graphs (rdflib) and the reference data, for validating small fixtures."""
    parsed = parse_all(ontology_files(settings) + shapes_files(settings))
    reference = Graph()
    for path in sorted((settings.data_dir / "reference").glob("*.ttl")):
        reference.parse(path)
    return parsed.kind("shapes"), parsed.kind("ontology"), reference


# -- the running service (added for the /sparql tests: tests/api, tests/w3c) ---------------------------
from pathlib import Path  # noqa: E402

from servers import OxigraphServer, ServiceThread, VirtuosoServer  # noqa: E402  (tests/ is on sys.path: conftest's folder)

W3C_DATA = Path(__file__).parent / "w3c" / "data"
KASEI = "http://kasei.us/2009/09/sparql/data/"  # graph IRIs the W3C SPARQL 1.1 Protocol tests name


@pytest.fixture(scope="session")
def service_settings() -> Settings:
    """The served graph: the real one plus the W3C protocol suite's four small graphs, named by their kasei.us IRIs."""
    return Settings(extra=sorted(W3C_DATA.glob("*.rdf")), extra_graph_base=KASEI, query_workers=2)


@pytest.fixture(scope="session")
def service_graph(service_settings):
    from aichr_kg_api.state import GraphState

    return GraphState.from_settings(service_settings)


def _loaded(server, service_graph, default_graph: bool = True):
    """``server`` started, with the service graph's named graphs (and, with ``default_graph``, their merge as the
    default graph) PUT through its Graph Store Protocol."""
    from aichr_kg.remote import push

    with server:
        push(service_graph.store, server.store_url, default_graph=default_graph)
        yield server


@pytest.fixture(scope="session")
def oxigraph(service_graph, tmp_path_factory):
    """An Oxigraph server holding the same named graphs and their merge as default graph, loaded through the Graph
    Store Protocol."""
    yield from _loaded(OxigraphServer(tmp_path_factory.mktemp("oxigraph")), service_graph)


@pytest.fixture(scope="session")
def virtuoso(service_graph, tmp_path_factory):
    """A Virtuoso Open Source server (Debian's, own database and ini file) loaded through its Graph Store Protocol."""
    # Virtuoso's default graph is always the union of its graphs (a bag): no merged copy on top of it
    yield from _loaded(VirtuosoServer(tmp_path_factory.mktemp("virtuoso")), service_graph, default_graph=False)


@pytest.fixture(scope="session")
def embedded_service(service_settings, service_graph):
    from aichr_kg_api.main import create_app

    with ServiceThread(create_app(service_settings, state=service_graph)) as service:
        yield service


def _in_front_of(service_settings, server, **changes):
    """The service over real HTTP in front of ``server`` (store=remote)."""
    from aichr_kg_api.main import create_app

    settings = Settings(**{**service_settings.model_dump(), "store": "remote", "endpoint": server.query_url, **changes})
    with ServiceThread(create_app(settings)) as service:
        yield service


@pytest.fixture(scope="session")
def remote_service(service_settings, oxigraph):
    yield from _in_front_of(service_settings, oxigraph)


@pytest.fixture(scope="session")
def virtuoso_service(service_settings, virtuoso):
    """In front of Virtuoso, whose own result formats are not passed on (see deploy/virtuoso/README.md)."""
    yield from _in_front_of(service_settings, virtuoso, endpoint_passthrough=False)


@pytest.fixture(scope="session", params=["embedded", "remote", "virtuoso"])
def service(request):
    """The service over real HTTP (``.url``): over the embedded store, in front of Oxigraph, in front of Virtuoso."""
    return request.getfixturevalue(f"{request.param}_service")
