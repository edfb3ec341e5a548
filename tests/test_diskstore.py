"""The built graph kept on disk: built once per distinct input, opened read-only by every process."""


import pytest

from aichr_kg import diskstore
from aichr_kg.build import InvalidData
from aichr_kg.diskstore import open_built, saved_names
from aichr_kg.execution import QueryJob, open_runner
from aichr_kg.search import index_graph
from aichr_kg.settings import Settings

JSON = "application/sparql-results+json"


def test_built_once_then_opened(project, tmp_path, monkeypatch, store):
    settings = Settings(root=project, store_cache=tmp_path / "stores", validation_cache=None, memory_copy_limit=0)
    first = open_built(settings)
    assert first.store.path is not None and first.store.path.is_relative_to(tmp_path / "stores")
    assert first.store.triple_count() == store.triple_count()  # the same graph as an in-memory build
    monkeypatch.setattr(diskstore, "build", lambda *a, **k: pytest.fail("built a second time"))
    second = open_built(settings)
    assert second.store.path == first.store.path
    assert second.store.triple_count() == store.triple_count()
    with pytest.raises(RuntimeError, match="read-write"):  # read-only: the service cannot change what it serves
        second.store.oxi.add(next(iter(second.store.oxi)))


def test_a_changed_input_is_built_anew_and_invalid_input_is_not_kept(project, tmp_path):
    settings = Settings(root=project, store_cache=tmp_path / "stores", validation_cache=None)
    first = open_built(settings).store.path
    event = next((project / "data").rglob("events/*.ttl"))
    event.write_text(event.read_text().replace("schema:startDate", "schema:endDate", 1))  # an event without a start
    with pytest.raises(InvalidData):
        open_built(settings)
    folders = [p for p in (tmp_path / "stores").iterdir() if p.is_dir()]
    assert folders == [first.parent]  # the failed build left nothing behind


def test_saved_names_match_names_read_from_the_graph(tmp_path, settings, store, catalogue):
    built = open_built(Settings(store_cache=tmp_path / "stores"))
    vocabulary, index = saved_names(built.store)
    fresh_vocabulary, fresh_index = index_graph(store, catalogue, settings.base)
    assert vocabulary == fresh_vocabulary
    for query in ("aichr", "trafficking", "viet nam", "UN"):
        assert [h.as_dict() for h in index.search(query)] == [h.as_dict() for h in fresh_index.search(query)]
    assert saved_names(store) is None  # an in-memory store has none


def test_query_workers_open_the_same_folder(tmp_path):
    settings = Settings(store_cache=tmp_path / "stores", query_workers=1)
    built = open_built(settings)
    runner = open_runner(settings, built.store)
    try:
        count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
        answer = runner.run(QueryJob(count, results_format=JSON))
        here = built.store.select(count).rows[0]["n"].value
        assert int(here) > 1000 and f'"value":"{here}"'.encode() in answer.body
    finally:
        runner.close()


def test_no_cache_builds_in_memory():
    assert open_built(Settings(store_cache=None)).store.path is None


@pytest.mark.parametrize("copy_limit, in_memory", [(0, False), (10**6, True)])
def test_small_graphs_are_copied_into_memory(tmp_path, copy_limit, in_memory, store):
    built = open_built(Settings(store_cache=tmp_path / "stores", memory_copy_limit=copy_limit))
    assert built.store.triple_count() == store.triple_count()
    if in_memory:  # a copy is writable (nothing in the service writes), the disk store is not
        built.store.oxi.add(next(iter(built.store.oxi)))
    else:
        with pytest.raises(RuntimeError, match="read-write"):
            built.store.oxi.add(next(iter(built.store.oxi)))


def test_graph_names_of_a_finished_build_are_listed_once(tmp_path, store):
    built = open_built(Settings(store_cache=tmp_path / "stores", memory_copy_limit=0)).store
    assert list(built.graph_names()) == list(store.graph_names())
    assert built.graph_names() is built.graph_names()  # remembered: the build on disk never changes
