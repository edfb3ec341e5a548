"""The download files: written from a finished build by two child processes at once (one per kind of file), they
are the files the same store gives when written in this process, and a child that fails says why."""

import shutil

import pyoxigraph as ox
import pytest

from aichr_kg import dumps
from aichr_kg.diskstore import open_built
from aichr_kg.settings import Settings


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory, settings):
    """The curated graph built into a store on disk and opened read-only, as `aichr-kg build` opens it."""
    cache = tmp_path_factory.mktemp("stores")
    return open_built(Settings(store_cache=cache, validation_cache=None, memory_copy_limit=0)).store


def test_children_write_what_this_process_writes(on_disk, tmp_path, monkeypatch):
    monkeypatch.setattr(dumps, "IN_CHILDREN_FROM", 0)
    children = dumps.write_dumps(on_disk, tmp_path / "children")
    monkeypatch.setattr(dumps, "IN_CHILDREN_FROM", 10**12)
    here = dumps.write_dumps(on_disk, tmp_path / "here")
    assert [p.name for p in children] == [p.name for p in here] and len(children) == len(dumps.DUMPS)
    for a, b in zip(children, here):
        assert a.stat().st_size > 0 and a.read_bytes() == b.read_bytes(), a.name
    merged = ox.Store()
    merged.load(path=str(tmp_path / "children" / "aichr-kg.nq"), format=ox.RdfFormat.N_QUADS)
    named = sum(1 for g in on_disk.oxi.named_graphs() for _ in on_disk.oxi.quads_for_pattern(None, None, None, g))
    assert len(merged) == named  # every statement in its graph, the merged default graph left out


def test_a_child_that_fails_says_why(on_disk, tmp_path, monkeypatch):
    monkeypatch.setattr(dumps, "IN_CHILDREN_FROM", 0)
    gone = tmp_path / "gone"
    shutil.copytree(on_disk.path, gone)
    moved = type(on_disk).open_read_only(gone)
    shutil.rmtree(gone)
    with pytest.raises(RuntimeError, match="writing the n[qt] dumps failed: .+"):
        dumps.write_dumps(moved, tmp_path / "out")
