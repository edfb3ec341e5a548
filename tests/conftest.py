"""Shared fixtures: settings pointing at this checkout, and one build of the real graph per session."""

import pytest

from aichr_kg.build import build
from aichr_kg.catalogue import Catalogue
from aichr_kg.settings import Settings


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
