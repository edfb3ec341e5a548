"""The built graph kept on disk: built once per distinct input, opened read-only by every process, checked
against the manifest it was built with and built again when damaged."""

import hashlib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
    vocabulary, index = saved_names(built.store, catalogue, settings.base)
    fresh_vocabulary, fresh_index = index_graph(store, catalogue, settings.base)
    assert vocabulary == fresh_vocabulary
    for query in ("aichr", "trafficking", "viet nam", "UN"):
        assert [h.as_dict() for h in index.search(query)] == [h.as_dict() for h in fresh_index.search(query)]
    assert saved_names(store, catalogue, settings.base) is None  # an in-memory store has none


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


# -- a store that heals -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """One build of the real graph in a store cache of its own, copied by each test that damages it."""
    cache = tmp_path_factory.mktemp("pristine") / "stores"
    open_built(Settings(store_cache=cache))
    return cache


@pytest.fixture()
def cache(pristine, tmp_path):
    copy = tmp_path / "stores"
    shutil.copytree(pristine, copy, copy_function=shutil.copy2)  # times kept, as the build left them
    return copy


def folder_of(cache: Path) -> Path:
    (folder,) = [p for p in cache.iterdir() if p.is_dir()]
    return folder


def largest_table(folder: Path) -> Path:
    return max((folder / "rdf").glob("*.sst"), key=lambda p: p.stat().st_size)


def test_the_marker_lists_every_file_the_build_wrote(cache):
    folder = folder_of(cache)
    marker = json.loads((folder / diskstore.DONE).read_text())
    listed = set(marker["files"])
    assert {"names.json", "rdf/CURRENT"} <= listed and any(name.endswith(".sst") for name in listed)
    for name, entry in marker["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"], name
    assert not list(folder.rglob("*.pickle"))  # the saved names are data (JSON), not code to run
    assert json.loads((folder / "names.json").read_text())["format"] == diskstore.NAMES_FORMAT


def test_an_unchanged_build_is_opened_without_reading_its_data(cache, monkeypatch, store):
    hashed = []
    real = diskstore._sha256
    monkeypatch.setattr(diskstore, "_sha256", lambda path: hashed.append(path) or real(path))
    monkeypatch.setattr(diskstore, "build", lambda *a, **k: pytest.fail("built again"))
    assert open_built(Settings(store_cache=cache)).store.triple_count() == store.triple_count()
    assert hashed and all(p.stat().st_size <= diskstore.ALWAYS_HASHED for p in hashed)  # only the small files


def _truncate(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 200] = bytes(b ^ 0xFF for b in data[middle:middle + 200])
    path.write_bytes(bytes(data))


DAMAGE = {  # what was done to the folder -> (how, what the log line must say)
    "store files deleted, marker kept": (lambda f: shutil.rmtree(f / "rdf"), "is missing"),
    "CURRENT garbled": (lambda f: (f / "rdf" / "CURRENT").write_text("garbage\n"), "rdf/CURRENT is 8 bytes"),
    "a table truncated": (lambda f: _truncate(largest_table(f)), "bytes, "),
    "a table rewritten, same size": (lambda f: _flip(largest_table(f)), "has changed since it was built"),
    "marker not JSON": (lambda f: (f / "BUILT").write_text("{not json"), "BUILT marker cannot be read"),
    "marker gone": (lambda f: (f / "BUILT").unlink(), "no BUILT marker"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_build_is_built_again_at_start(cache, damage, caplog, store):
    folder = folder_of(cache)
    do, said = DAMAGE[damage]
    do(folder)
    with caplog.at_level("WARNING", logger="aichr_kg.diskstore"):
        opened = open_built(Settings(store_cache=cache)).store
    assert opened.triple_count() == store.triple_count()
    (line, *_) = [r.getMessage() for r in caplog.records if "building it again" in r.getMessage()]
    assert said in line and str(folder) in line
    assert len([r for r in caplog.records if "building it again" in r.getMessage()]) == 1
    assert open_built(Settings(store_cache=cache)).store.triple_count() == store.triple_count()  # and it stays so


def test_a_store_the_engine_cannot_open_is_built_again(cache, caplog, store):
    """Damage the manifest does not show (CURRENT garbled with its size, time and hash put back in the marker)
    still ends in a rebuild: the engine's own open error."""
    folder = folder_of(cache)
    current = folder / "rdf" / "CURRENT"
    current.write_text("MANIFEST-9999999\n"[:current.stat().st_size])
    marker = json.loads((folder / "BUILT").read_text())
    marker["files"]["rdf/CURRENT"] = diskstore._entry(current)
    (folder / "BUILT").write_text(json.dumps(marker))
    with caplog.at_level("WARNING", logger="aichr_kg.diskstore"):
        opened = open_built(Settings(store_cache=cache)).store
    assert opened.triple_count() == store.triple_count()
    assert any("could not be opened" in r.getMessage() for r in caplog.records)


def test_a_damaged_label_index_is_made_again_from_the_store(cache, caplog, catalogue, settings, monkeypatch):
    folder = folder_of(cache)
    (folder / "names.json").write_text('{"format": 1, "garbage": ')
    monkeypatch.setattr(diskstore, "build", lambda *a, **k: pytest.fail("the whole store was built again"))
    built = open_built(Settings(store_cache=cache))
    with caplog.at_level("WARNING", logger="aichr_kg.diskstore"):
        vocabulary, index = saved_names(built.store, catalogue, settings.base)
    assert "cannot be read" in caplog.text and "names.json" in caplog.text
    assert [h.iri for h in map(lambda h: h.entity, index.search("aichr"))][:1] == ["https://w3id.org/aichr-kg/id/body/aichr"]
    caplog.clear()
    with caplog.at_level("WARNING", logger="aichr_kg.diskstore"):
        again = saved_names(built.store, catalogue, settings.base)  # saved again: read as it is
    assert caplog.text == "" and again[0] == vocabulary


def test_repair_rebuilds_only_what_is_damaged_and_only_once(cache, monkeypatch, store):
    settings = Settings(store_cache=cache)
    path = open_built(settings).store.path
    builds = []
    real = diskstore._build_into
    monkeypatch.setattr(diskstore, "_build_into", lambda *a: builds.append(a[-1]) or real(*a))
    assert diskstore.repair(settings, [], path) == path and builds == []  # sound: left alone
    shutil.rmtree(path.parent)
    with ThreadPoolExecutor(3) as threads:  # three workers fail at once
        repaired = list(threads.map(lambda _: diskstore.repair(settings, [], path), range(3)))
    assert repaired == [path] * 3 and builds == [path.parent]
    assert open_built(settings).store.triple_count() == store.triple_count()
