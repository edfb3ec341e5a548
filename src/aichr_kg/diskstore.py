"""The built graph kept on disk, so that every process of the service shares one copy of it.

Building a large graph takes seconds to minutes and holding it in memory costs every process its
own copy. ``open_built`` keeps each build as a pyoxigraph (RocksDB) store in
``Settings.store_cache``, in a folder named by the hash of everything the build reads (data,
ontology, shapes, rules, extra files, base, engine versions, the package's code). The service and each of its query
workers open that folder read-only: a start after the first one takes milliseconds, and the data
sits once in the operating system's page cache instead of once per process. Any change to any
input makes a new folder; folders unused for a week are removed.

The build goes straight into RocksDB (pyoxigraph's bulk loader, from the N-Quads validation read; the rules
run in the store), and what naming and finding things needs is kept beside it: the label index as an SQLite
file (``aichr_kg.search``) and the vocabulary as JSON. Files made from a finished build (the dumps, the
ontology's page) are written once, on first use, into the same folder (``kept``). ``ensure_built(apart=True)``
builds in a child process, so that a service does not keep the build's memory.
"""

import fcntl
import functools
import hashlib
import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from aichr_kg import __version__
from aichr_kg.build import Build, _fingerprint, build
from aichr_kg.catalogue import Catalogue
from aichr_kg.search import LabelIndex, index_graph
from aichr_kg.settings import Settings
from aichr_kg.sources import SourceFile, all_files
from aichr_kg.store import EmbeddedStore
from aichr_kg.vocabulary import Vocabulary

DONE = "BUILT"  # written last (JSON: quads, time): a folder without it is an interrupted build, built again
RDF = "rdf"  # the pyoxigraph store
LABELS = "labels.sqlite"  # the label index (aichr_kg.search), for this store only
VOCABULARY = "vocabulary.json"  # the vocabulary (aichr_kg.vocabulary), for this store only
LAYOUT = "5"  # 4: the default graph holds the merge of the named graphs; 5: labels in SQLite, vocabulary in JSON
KEEP_UNUSED_SECONDS = 7 * 24 * 3600


@functools.cache
def _code_digest() -> str:
    """SHA-256 of this package's modules: what a build writes depends on the code as much as on the data, and
    checkouts of different code share one cache folder (a layout number alone let two branches collide)."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def store_key(settings: Settings, extra: list[SourceFile]) -> str:
    digest = hashlib.sha256(f"{__version__}\0{_fingerprint(all_files(settings) + list(extra))}".encode())
    digest.update(f"\0{settings.base}\0pyoxigraph {ox.__version__}\0layout {LAYOUT}\0code {_code_digest()}\0".encode())
    for rule in sorted((settings.queries_dir / "rules").glob("*.rq")):
        digest.update(rule.name.encode() + b"\0" + rule.read_bytes())
    return digest.hexdigest()[:32]


def open_built(settings: Settings, extra: list[SourceFile] = ()) -> Build:
    """The validated build, opened read-only from the store cache (built there first if it is not yet)."""
    if settings.store_cache is None:
        return build(settings, extra=extra)
    folder = ensure_built(settings, extra)
    os.utime(folder / DONE)  # last use, for pruning
    quads = json.loads((folder / DONE).read_text())["quads"]  # counted once at build: counting costs 0.2-0.5 s at 1e6
    return Build(EmbeddedStore.open_read_only(folder / RDF, copy=quads <= settings.memory_copy_limit))


def ensure_built(settings: Settings, extra: list[SourceFile] = (), apart: bool = False) -> Path:
    """The folder of the validated build in the store cache, built now if it is not there yet (``apart``: in a child
    process, whose memory goes back to the system when it ends; its errors are raised here)."""
    cache = settings.store_cache
    cache.mkdir(parents=True, exist_ok=True)
    key = store_key(settings, list(extra))
    folder = cache / key
    if not (folder / DONE).exists():
        with _locked(cache / f"{key}.lock"):  # one process builds; the others wait and then open it
            if not (folder / DONE).exists() and apart:
                _in_child(_build_into, settings, list(extra), folder)
            elif not (folder / DONE).exists():
                _build_into(settings, list(extra), folder)
        _prune(cache, keep=folder)
    return folder


def saved_names(store: EmbeddedStore) -> tuple[Vocabulary, LabelIndex] | None:
    """The vocabulary and label index saved with a store opened by ``open_built`` (None for any other store)."""
    if store.path is None or not (store.path.parent / LABELS).exists():
        return None
    vocabulary = Vocabulary.from_json(json.loads((store.path.parent / VOCABULARY).read_text(encoding="utf-8")))
    return vocabulary, LabelIndex.open(store.path.parent / LABELS)


def kept(store: EmbeddedStore, name: str, write) -> Path | None:
    """``name`` in the folder of the build ``store`` was opened from, made by ``write(path)`` the first time it is
    asked for (by any process: one writes, the others wait); None for a store not opened by ``open_built``."""
    if store.path is None:
        return None
    folder = store.path.parent
    target = folder / name
    if not target.exists():
        with _locked(folder / f".{name}.lock"):
            if not target.exists():
                partial = folder / f".{name}.{os.getpid()}.partial"
                shutil.rmtree(partial, ignore_errors=True)
                try:
                    write(partial)
                    partial.rename(target)
                finally:
                    shutil.rmtree(partial, ignore_errors=True)
    return target


def _in_child(function, *args):
    """``function(*args)`` in a fresh process (spawned: nothing of this one is copied into it)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _build_into(settings: Settings, extra: list[SourceFile], folder: Path) -> None:
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        # Straight into RocksDB: validated N-Quads bulk-loaded, rules streamed in bulk (bench/: build phases); the
        # label index is read from the store into SQLite.
        writer = EmbeddedStore(ox.Store(str(partial / RDF)))
        build(settings, extra=extra, into=writer)  # raises on invalid data (before loading anything): nothing is kept
        quads = len(writer.oxi)
        vocabulary, index = index_graph(writer, Catalogue(settings), settings.base, partial / LABELS)
        (partial / VOCABULARY).write_text(json.dumps(vocabulary.as_json()), encoding="utf-8")
        writer.oxi.flush()
        writer.oxi.optimize()
        del writer, index  # closes the database: a read-only open must not meet a writer
        (partial / DONE).write_text(json.dumps({"quads": quads, "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                                "pid": os.getpid()}))
        partial.rename(folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


@contextmanager
def _locked(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(cache: Path, keep: Path) -> None:
    """Remove built stores nobody has opened for a week (never the one just built), and builds cut short."""
    now = time.time()
    for partial in cache.glob("*.partial"):
        pid = partial.suffixes[-2][1:] if len(partial.suffixes) >= 2 else ""
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(partial, ignore_errors=True)
    for done in cache.glob(f"*/{DONE}"):
        folder = done.parent
        try:
            if folder != keep and now - done.stat().st_mtime > KEEP_UNUSED_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                (cache / f"{folder.name}.lock").unlink(missing_ok=True)
        except OSError:
            pass
