"""Fixtures of the web-service tests: in-process apps over the session's build of the real graph."""

import pytest
from fastapi.testclient import TestClient

from aichr_kg.catalogue import Catalogue
from aichr_kg.settings import Settings


def _app(settings: Settings, built, **changes):
    from aichr_kg_api.main import create_app
    from aichr_kg_api.state import GraphState

    ld_settings = Settings(**{**settings.model_dump(), "query_workers": 1, **changes})
    return create_app(ld_settings, state=GraphState(ld_settings, built.store, Catalogue(ld_settings)))


@pytest.fixture
def make_app(settings, built):
    """A new app over the session's build, with these settings changed."""
    return lambda **changes: _app(settings, built, **changes)


@pytest.fixture(scope="session")
def ld_client(settings, built):
    """The whole service in-process (linked data, search, queries, discovery) with default settings."""
    with TestClient(_app(settings, built)) as client:
        yield client


@pytest.fixture(scope="session")
def small_client(settings, built):
    """The service with tiny page sizes and limits, so that paging and truncation show on the real data."""
    with TestClient(_app(settings, built, page_size=5, graph_page_size=40, max_html_rows=3,
                         search_limit=3, max_search_limit=5)) as client:
        yield client
