"""The build remembers inputs that passed validation (by content hash) and validates anything else."""


import pytest

from aichr_kg.build import InvalidData, build
from aichr_kg.settings import Settings


def test_unchanged_input_is_validated_once(project, tmp_path):
    settings = Settings(root=project, validation_cache=tmp_path / "cache")
    first = build(settings)
    assert first.validated  # parsed and validated
    assert list((tmp_path / "cache").glob("*.json"))
    second = build(settings)
    assert second.validated is False  # remembered: no second validation
    assert second.violations == first.violations
    assert second.store.triple_count() == first.store.triple_count()


def test_a_changed_file_is_validated_again(project, tmp_path):
    settings = Settings(root=project, validation_cache=tmp_path / "cache")
    build(settings)
    event = next((project / "data").rglob("events/*.ttl"))
    event.write_text(event.read_text().replace("schema:startDate", "schema:endDate", 1))  # an event without a start
    for _ in range(2):  # invalid input is never remembered
        with pytest.raises(InvalidData):
            build(settings)


def test_no_cache_folder_validates_every_time(project):
    settings = Settings(root=project, validation_cache=None)
    assert build(settings).validated
    assert build(settings).validated
