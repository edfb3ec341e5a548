"""The built graph kept on disk: built once per distinct input, opened read-only by every process, checked
against the manifest it was built with and built again when damaged."""

import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aichr_kg import diskstore
from aichr_kg.build import InvalidData
from aichr_kg.catalogue import Catalogue
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


def test_saved_parameter_values_are_what_the_graph_lists_and_are_offered_without_a_query(tmp_path, settings, store):
    """A form's choices (11,000 events at 10^6 triples, 0.8 s each to list) are listed once, at build, and read back
    at start: the catalogue then offers them without asking the store."""
    built = open_built(Settings(store_cache=tmp_path / "stores"))
    assert "choices.json" in json.loads((built.store.path.parent / "BUILT").read_text())["files"]
    catalogue = Catalogue(settings)
    saved_names(built.store, catalogue, settings.base)
    fresh = Catalogue(settings)
    params = [p for q in catalogue for p in q.params]
    expected = [fresh.allowed_values(p, store) for p in params]
    assert sum(map(len, expected)) > 100 and any(len(e) > 10 for e in expected)

    class NoQueries:
        def __getattr__(self, name):
            pytest.fail(f"the store was asked ({name}) for values saved with the build")

    refusing = NoQueries()
    catalogue._choices[refusing] = catalogue._choices[built.store]  # the same saved values, a store that refuses
    assert [catalogue.allowed_values(p, refusing) for p in params] == expected


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


def test_a_build_apart_runs_in_a_child_and_its_errors_come_back_whole(project, tmp_path):
    """serve builds in a child process (its memory goes back to the system); a failure reads as one built here."""
    settings = Settings(root=project, store_cache=tmp_path / "stores", validation_cache=None)
    event = next((project / "data").rglob("events/*.ttl"))
    good = event.read_text()
    event.write_text(good.replace("schema:startDate", "schema:endDate", 1))
    with pytest.raises(InvalidData) as failed:
        diskstore.ensure_built(settings, apart=True)
    assert failed.value.violations and all(v.files for v in failed.value.violations)  # the report, not its summary
    event.write_text(good)
    folder = diskstore.ensure_built(settings, apart=True)
    built = json.loads((folder / diskstore.DONE).read_text())
    assert built["pid"] != os.getpid()  # built by another process
    assert open_built(settings).store.path == folder / diskstore.RDF


def test_names_are_kept_as_files_beside_the_store(tmp_path, catalogue, settings):
    """The label index is an SQLite file and the vocabulary JSON: nothing is unpickled, nothing indexed at start."""
    built = open_built(Settings(store_cache=tmp_path / "stores", memory_copy_limit=0))
    folder = built.store.path.parent
    assert {p.name for p in folder.iterdir()} >= {diskstore.LABELS, diskstore.VOCABULARY, diskstore.DONE}
    assert not list(folder.glob("*.pickle"))
    _vocabulary, index = saved_names(built.store, catalogue, settings.base)
    assert index.path == folder / diskstore.LABELS
    assert index.search("trafiking")[0].match == "near"


def test_the_saved_index_answers_after_its_folder_is_deleted(tmp_path, catalogue, settings):
    """As names held in memory did: a store cache folder deleted under the running service (and built again
    later) leaves the index it opened readable, from threads that had not used it yet too."""
    built = open_built(Settings(store_cache=tmp_path / "stores", memory_copy_limit=0))
    _vocabulary, index = saved_names(built.store, catalogue, settings.base)
    shutil.rmtree(built.store.path.parent)
    with ThreadPoolExecutor(4) as threads:
        found = list(threads.map(lambda q: [h.entity.iri for h in index.search(q, 1)], ["AICHR"] * 8))
    assert found == [[settings.base + "id/body/aichr"]] * 8
    assert index.label(settings.base + "id/body/aichr") == "ASEAN Intergovernmental Commission on Human Rights"


def test_files_made_from_a_build_are_made_once_and_listed(tmp_path):
    built = open_built(Settings(store_cache=tmp_path / "stores", memory_copy_limit=0)).store
    made = []
    first = diskstore.kept(built, "thing.txt", lambda path: (made.append(path), path.write_text("x")))
    again = diskstore.kept(built, "thing.txt", lambda path: pytest.fail("made twice"))
    assert first == again == built.path.parent / "thing.txt" and first.read_text() == "x" and len(made) == 1
    marker = json.loads((built.path.parent / diskstore.DONE).read_text())
    assert marker["kept"]["thing.txt"]["thing.txt"]["sha256"] == hashlib.sha256(b"x").hexdigest()
    assert diskstore.kept(open_built(Settings(store_cache=None)).store, "thing.txt", lambda p: None) is None


KEPT_DAMAGE = {  # what was done to a kept folder of files -> what the log line says
    "a file rewritten": (lambda f: (f / "a.txt").write_text("y" * 5), "dumps/a.txt has changed since it was built"),
    "a file truncated": (lambda f: (f / "b.txt").write_text(""), "dumps/b.txt is 0 bytes, 5 when it was built"),
    "a file deleted": (lambda f: (f / "a.txt").unlink(), "dumps/a.txt is missing"),
}


@pytest.mark.parametrize("damage", KEPT_DAMAGE)
def test_a_damaged_kept_file_is_made_again(tmp_path, caplog, damage):
    built = open_built(Settings(store_cache=tmp_path / "stores", memory_copy_limit=0)).store

    def write(folder):
        folder.mkdir()
        (folder / "a.txt").write_text("aaaaa")
        (folder / "b.txt").write_text("bbbbb")

    dumps = diskstore.kept(built, "dumps", write)
    do, said = KEPT_DAMAGE[damage]
    do(dumps)
    with caplog.at_level("WARNING", logger="aichr_kg.diskstore"):
        assert diskstore.kept(built, "dumps", write) == dumps
    assert (dumps / "a.txt").read_text() == "aaaaa" and (dumps / "b.txt").read_text() == "bbbbb"
    (line,) = [r.getMessage() for r in caplog.records]
    assert said in line and "making it again" in line
    assert diskstore.kept(built, "dumps", lambda f: pytest.fail("made again though sound")) == dumps


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
    assert {"labels.sqlite", "vocabulary.json", "rdf/CURRENT"} <= listed and any(n.endswith(".sst") for n in listed)
    for name, entry in marker["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"], name
    assert not list(folder.rglob("*.pickle"))  # the saved names are data (SQLite, JSON), not code to run
    assert (folder / "labels.sqlite").read_bytes().startswith(b"SQLite format 3\0")
    assert json.loads((folder / "vocabulary.json").read_text())["base"] == "https://w3id.org/aichr-kg/"


def test_the_triples_are_counted_once_when_built(cache, store):
    """What ``aichr-kg build`` prints, read from the marker when the build is opened (counting its default graph
    through pyoxigraph's iterator took 8.6 s of a 10 s unchanged build at 10^6)."""
    marker = json.loads((folder_of(cache) / diskstore.DONE).read_text())
    assert marker["triples"] == store.triple_count()
    for copy_limit in (0, 10**9):  # on disk, and copied into memory
        assert open_built(Settings(store_cache=cache, memory_copy_limit=copy_limit)).store._triples == marker["triples"]


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


def _garbled_but_listed(folder: Path) -> None:
    """labels.sqlite replaced by bytes that are no SQLite file, its size, time and hash put back in the marker:
    damage the manifest does not show, which opening the index finds."""
    labels = folder / "labels.sqlite"
    labels.write_bytes(b"not an index " * (labels.stat().st_size // 13))
    marker = json.loads((folder / "BUILT").read_text())
    marker["files"]["labels.sqlite"] = diskstore._entry(labels)
    (folder / "BUILT").write_text(json.dumps(marker))


NAMES_DAMAGE = {  # what was done to the saved names -> what the log line names
    "labels.sqlite deleted": (lambda f: (f / "labels.sqlite").unlink(), "labels.sqlite is missing"),
    "labels.sqlite truncated": (lambda f: _truncate(f / "labels.sqlite"), "labels.sqlite is "),
    "labels.sqlite rewritten, same size": (lambda f: _flip(f / "labels.sqlite"), "labels.sqlite has changed"),
    "labels.sqlite not an index, listed as built": (_garbled_but_listed, "file is not a database"),
    "vocabulary.json not JSON": (lambda f: (f / "vocabulary.json").write_text('{"base": '), "vocabulary.json is "),
    "choices.json deleted": (lambda f: (f / "choices.json").unlink(), "choices.json is missing"),
}


@pytest.mark.parametrize("damage", NAMES_DAMAGE)
def test_a_damaged_label_index_is_made_again_from_the_store(cache, caplog, catalogue, settings, monkeypatch, damage):
    folder = folder_of(cache)
    do, said = NAMES_DAMAGE[damage]
    do(folder)
    monkeypatch.setattr(diskstore, "build", lambda *a, **k: pytest.fail("the whole store was built again"))
    built = open_built(Settings(store_cache=cache))
    with caplog.at_level("WARNING", logger="aichr_kg.diskstore"):
        vocabulary, index = saved_names(built.store, catalogue, settings.base)
    assert "cannot be read" in caplog.text and said in caplog.text, caplog.text
    assert [h.iri for h in map(lambda h: h.entity, index.search("aichr"))][:1] == ["https://w3id.org/aichr-kg/id/body/aichr"]
    assert index.path == folder / "labels.sqlite"  # saved again in its place
    caplog.clear()
    with caplog.at_level("WARNING", logger="aichr_kg.diskstore"):
        again = saved_names(built.store, catalogue, settings.base)  # saved again: read as it is
    assert caplog.text == "" and again[0] == vocabulary


def test_repair_rebuilds_only_what_is_damaged_and_only_once(cache, monkeypatch, store):
    settings = Settings(store_cache=cache)
    path = open_built(settings).store.path
    builds = []
    real = diskstore._build
    monkeypatch.setattr(diskstore, "_build", lambda *a: builds.append(a[2]) or real(*a))
    assert diskstore.repair(settings, [], path) == path and builds == []  # sound: left alone
    shutil.rmtree(path.parent)
    with ThreadPoolExecutor(3) as threads:  # three workers fail at once
        repaired = list(threads.map(lambda _: diskstore.repair(settings, [], path), range(3)))
    assert repaired == [path] * 3 and builds == [path.parent]
    assert json.loads((path.parent / diskstore.DONE).read_text())["pid"] != os.getpid()  # the service keeps no build
    assert open_built(settings).store.triple_count() == store.triple_count()
