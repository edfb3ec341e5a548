"""The built graph kept on disk, so that every process of the service shares one copy of it.

Building a large graph takes seconds to minutes and holding it in memory costs every process its
own copy. ``open_built`` keeps each build as a pyoxigraph (RocksDB) store in
``Settings.store_cache``, in a folder named by the hash of everything the build reads (data,
ontology, shapes, rules, extra files, base, engine versions, the package's code). The service and each of its query
workers open that folder read-only: a start after the first one takes milliseconds, and the data
sits once in the operating system's page cache instead of once per process. Any change to any
input makes a new folder; folders unused for a week are removed.
"""

import fcntl
import functools
import hashlib
import json
import os
import pickle
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
NAMES = "names.pickle"  # the vocabulary and the label index, written by this module, for this store only
LAYOUT = "4"  # 4: the default graph holds the merge of the named graphs
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


def ensure_built(settings: Settings, extra: list[SourceFile] = ()) -> Path:
    """The folder of the validated build in the store cache, built now if it is not there yet."""
    cache = settings.store_cache
    cache.mkdir(parents=True, exist_ok=True)
    key = store_key(settings, list(extra))
    folder = cache / key
    if not (folder / DONE).exists():
        with _locked(cache / f"{key}.lock"):  # one process builds; the others wait and then open it
            if not (folder / DONE).exists():
                _build_into(settings, list(extra), folder)
        _prune(cache, keep=folder)
    return folder


def saved_names(store: EmbeddedStore) -> tuple[Vocabulary, LabelIndex] | None:
    """The vocabulary and label index saved with a store opened by ``open_built`` (None for any other store)."""
    if store.path is None or not (store.path.parent / NAMES).exists():
        return None
    with open(store.path.parent / NAMES, "rb") as handle:
        return pickle.load(handle)


def _build_into(settings: Settings, extra: list[SourceFile], folder: Path) -> None:
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        # Built in memory, then bulk-written to disk: loading and deriving into RocksDB quad by quad cost 220 s at
        # 1e6 triples against 9 s in memory (bench/: build phases); the label index is read from memory too.
        built = build(settings, extra=extra).store  # raises on invalid data: nothing is kept
        quads = len(built.oxi)
        names = index_graph(built, Catalogue(settings), settings.base)
        writer = EmbeddedStore(ox.Store(str(partial / RDF)))
        writer.oxi.bulk_extend(built.oxi)
        writer.oxi.flush()
        writer.oxi.optimize()
        del built
        with open(partial / NAMES, "wb") as handle:
            pickle.dump(names, handle, protocol=pickle.HIGHEST_PROTOCOL)
        del writer, names  # closes the database: a read-only open must not meet a writer
        (partial / DONE).write_text(json.dumps({"quads": quads, "built": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
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
