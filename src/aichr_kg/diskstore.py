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
file (``aichr_kg.search``), the vocabulary and the values canned questions offer as JSON, data all, never code to run. Files made from a finished
build (the dumps, the ontology's page, the quality report) are written once, on first use, into the same folder
(``kept``). ``ensure_built(apart=True)`` builds in a child process, so that a service does not keep the build's
memory.

A folder is trusted only as far as it can be checked. The ``BUILT`` marker, written last, lists
every file the build wrote with its size, modification time and SHA-256 (a manifest), and the kept files
are added to it as they are made; opening compares sizes and times (a file whose time moved is hashed
again, the small ones always), so an unchanged build reopens without reading its data, and a folder that
is partial, truncated, rewritten or missing files is built again, with one log line saying why, instead
of failing to start. The engine's own open errors lead to the same rebuild. While the service runs, a
query worker that cannot open the folder (deleted or damaged under it) asks for ``repair``, which
rebuilds it once however many workers ask (a file lock, and a second look after taking it). The saved
names and the kept files are checked the same way when they are opened: a damaged one costs only
itself, made again from the store.
"""

import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
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

log = logging.getLogger(__name__)

DONE = "BUILT"  # written last (JSON: quads, time, build id, manifest): a folder without it is a build cut short
RDF = "rdf"  # the pyoxigraph store
LABELS = "labels.sqlite"  # the label index (aichr_kg.search), for this store only
VOCABULARY = "vocabulary.json"  # the vocabulary (aichr_kg.vocabulary), for this store only
CHOICES = "choices.json"  # the values each canned query's parameters offer (``Catalogue.choices``)
NAMES = (LABELS, VOCABULARY, CHOICES)  # checked as they are opened (``saved_names``), made again from the store if damaged
LAYOUT = "8"  # 4: merged default graph; 5: a manifest in BUILT, names.json; 6: labels in SQLite, vocabulary JSON, kept files; 7: parameter values; 8: every word of the names in the label index
KEEP_UNUSED_SECONDS = 7 * 24 * 3600
ALWAYS_HASHED = 64 * 1024  # files up to this size (CURRENT, MANIFEST, OPTIONS) are hashed at every open
UNLISTED = ("LOCK", "LOG")  # RocksDB's lock file and its own diagnostics log (LOG, LOG.old.*): not the data
ENGINE_ERRORS = (OSError, RuntimeError, ValueError)  # what pyoxigraph raises for a store it cannot open or read


class StoreDamaged(Exception):
    """A built folder fails its check; the message says what is wrong with it, in words."""


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
    """The validated build, opened read-only from the store cache (built there first if it is not yet, and built
    again if it is damaged or the engine cannot open it)."""
    if settings.store_cache is None:
        return build(settings, extra=extra)
    folder = ensure_built(settings, extra)
    try:
        return Build(_open(folder, settings))
    except ENGINE_ERRORS as exc:
        folder = _rebuild(settings, list(extra), folder, f"could not be opened: {_one_line(exc)}")
        return Build(_open(folder, settings))  # failing again right after a build is not damage: it is raised


def ensure_built(settings: Settings, extra: list[SourceFile] = (), apart: bool = False) -> Path:
    """The folder of the validated build in the store cache, built now if it is not there yet or fails its check
    (``apart``: in a child process, whose memory goes back to the system when it ends; its errors are raised here)."""
    cache = settings.store_cache
    cache.mkdir(parents=True, exist_ok=True)
    folder = cache / store_key(settings, list(extra))
    try:
        _check(folder)
    except StoreDamaged as exc:
        folder = _rebuild(settings, list(extra), folder, f"is damaged: {exc}" if folder.exists() else None, apart)
    return folder


def repair(settings: Settings, extra: list[SourceFile], path: Path) -> Path:
    """The store folder (``rdf/``) a query worker should open now that it could not open ``path``: the same one
    if it checks and opens after all (nothing is rebuilt), else the build of the current input, made again (in a
    child process: the service does not keep the build's memory)."""
    folder = path.parent
    try:
        _check(folder)
        ox.Store.read_only(str(folder / RDF))
    except StoreDamaged as exc:
        return _rebuild(settings, list(extra), folder, f"is damaged: {exc}", apart=True) / RDF
    except ENGINE_ERRORS as exc:
        return _rebuild(settings, list(extra), folder, f"could not be opened: {_one_line(exc)}", apart=True) / RDF
    return path


def _rebuild(settings: Settings, extra: list[SourceFile], folder: Path, reason: str | None, apart: bool = False) -> Path:
    """Build the current input again, saying why (``reason``; None: a first build, said nothing about), under the
    cache's lock so that one process builds while the others wait, unless another process has just done it (the
    build id changed and the new build checks). The folder built: ``folder``, unless the input changed meanwhile."""
    target = folder.parent / store_key(settings, extra)
    seen = _build_id(folder)
    with _locked(folder.parent / f"{target.name}.lock"):
        if _build_id(target) in (seen, None) or _fails_check(target):
            if reason is not None:
                log.warning("the built store %s %s; building it again", folder, reason)
            started = time.monotonic()
            _build(settings, extra, target, apart)
            if reason is not None:
                log.info("the store %s was built again in %.1f s", target, time.monotonic() - started)
    _prune(folder.parent, keep=target)
    return target


def _build(settings: Settings, extra: list[SourceFile], folder: Path, apart: bool) -> None:
    """Build into ``folder`` here, or ``apart`` in a child process."""
    if apart:
        _in_child(_build_into, settings, extra, folder)
    else:
        _build_into(settings, extra, folder)


def _in_child(function, *args):
    """``function(*args)`` in a fresh process (spawned: nothing of this one is copied into it)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _fails_check(folder: Path) -> bool:
    try:
        _check(folder)
    except StoreDamaged:
        return True
    return False


def _open(folder: Path, settings: Settings) -> EmbeddedStore:
    marker = json.loads((folder / DONE).read_text())
    os.utime(folder / DONE)  # last use, for pruning
    quads = marker["quads"]  # counted once at build: counting costs 0.2-0.5 s at 1e6
    return EmbeddedStore.open_read_only(folder / RDF, copy=quads <= settings.memory_copy_limit,
                                        triples=marker.get("triples"))


# -- what is kept beside the store ----------------------------------------------------------------
NAME_ERRORS = (OSError, ValueError, KeyError, TypeError, AttributeError, sqlite3.Error)


def saved_names(store: EmbeddedStore, catalogue: Catalogue, base: str) -> tuple[Vocabulary, LabelIndex] | None:
    """The vocabulary and label index saved with a store opened by ``open_built`` (None for any other store); the
    parameter values saved with them are handed to ``catalogue`` (``keep_choices``). Saved names that fail their
    check or cannot be read are made again from the store and saved again for the next start (one log line)."""
    if store.path is None or not store.path.parent.joinpath(DONE).exists():
        return None
    folder = store.path.parent
    try:
        return _read_names(folder, store, catalogue)
    except NAME_ERRORS as exc:
        log.warning("the saved label index in %s cannot be read (%s); making it again from the store",
                    folder, _one_line(exc))
    try:
        with _locked(folder / ".names.lock"):
            try:
                return _read_names(folder, store, catalogue)  # made again by another process meanwhile
            except NAME_ERRORS:
                _write_names(folder, store, catalogue, base)
            return _read_names(folder, store, catalogue)
    except NAME_ERRORS as exc:  # a read-only cache only costs the next start the same work
        log.warning("the label index could not be saved in %s (%s)", folder, _one_line(exc))
    return index_graph(store, catalogue, base)


def _read_names(folder: Path, store: EmbeddedStore, catalogue: Catalogue) -> tuple[Vocabulary, LabelIndex]:
    files = _marker(folder)["files"]
    for name in NAMES:
        fault = _fault(folder, name, files.get(name))
        if fault is not None:
            raise ValueError(fault)
    vocabulary = Vocabulary.from_data(json.loads((folder / VOCABULARY).read_text(encoding="utf-8")))
    index = LabelIndex.open(folder / LABELS)  # sqlite3.DatabaseError for a file that is not an index
    catalogue.keep_choices(store, json.loads((folder / CHOICES).read_text(encoding="utf-8")))
    return vocabulary, index


def _write_names(folder: Path, store: EmbeddedStore, catalogue: Catalogue, base: str) -> None:
    """The vocabulary and label index of ``store`` written into ``folder`` (files replaced whole) and listed."""
    temporary = {name: folder / f"{name}.{os.getpid()}.tmp" for name in NAMES}
    try:
        _names_into(temporary, store, catalogue, base)
        for name, path in temporary.items():
            path.replace(folder / name)
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)
    _update_marker(folder, lambda marker: marker["files"].update({name: _entry(folder / name) for name in NAMES}))


def _names_into(paths: dict[str, Path], store: EmbeddedStore, catalogue: Catalogue, base: str) -> None:
    """The label index, the vocabulary and the parameter values of ``store`` written to ``paths`` (by name)."""
    vocabulary, index = index_graph(store, catalogue, base, paths[LABELS])
    del index  # closes the SQLite file
    paths[VOCABULARY].write_text(json.dumps(vocabulary.to_data(), ensure_ascii=False), encoding="utf-8")
    paths[CHOICES].write_text(json.dumps(catalogue.choices(store), ensure_ascii=False), encoding="utf-8")


def kept(store: EmbeddedStore, name: str, write) -> Path | None:
    """``name`` (a file or a folder) in the folder of the build ``store`` was opened from, made by ``write(path)``
    the first time it is asked for (by any process: one writes, the others wait) and listed in the marker; made
    again if it fails its check. None for a store not opened by ``open_built``."""
    if store.path is None:
        return None
    folder = store.path.parent
    target = folder / name
    if _kept_fault(folder, name) is not None:
        with _locked(folder / f".{name}.lock"):
            fault = _kept_fault(folder, name)
            if fault is not None:
                if target.exists():
                    log.warning("the kept %s %s; making it again", target, fault)
                partial = folder / f".{name}.{os.getpid()}.partial"
                _remove(partial)
                try:
                    write(partial)
                    entries = {(name + str(p)[len(str(partial)):]): _entry(p) for p in _files(partial)}
                    _remove(target)
                    partial.rename(target)
                finally:
                    _remove(partial)
                _update_marker(folder, lambda marker: marker.setdefault("kept", {}).__setitem__(name, entries))
    return target


def _kept_fault(folder: Path, name: str) -> str | None:
    """What is wrong with the kept ``name`` (None: it is there as the marker lists it)."""
    try:
        entries = _marker(folder).get("kept", {}).get(name)
    except (OSError, ValueError, AttributeError) as exc:
        return f"cannot be checked ({_one_line(exc)})"
    if entries is None:
        return "is not listed in its BUILT marker"
    return next((fault for path, entry in entries.items() if (fault := _fault(folder, path, entry))), None)


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# -- the manifest -------------------------------------------------------------------------------
def _listed(folder: Path) -> list[Path]:
    """The files of a build that its manifest lists (everything but RocksDB's lock and diagnostics log)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != DONE
                  and not p.name.startswith(UNLISTED) and not p.name.endswith(".tmp"))


def _entry(path: Path) -> dict:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _manifest(folder: Path) -> dict[str, dict]:
    return {p.relative_to(folder).as_posix(): _entry(p) for p in _listed(folder)}


def _marker(folder: Path) -> dict:
    return json.loads((folder / DONE).read_text())


def _update_marker(folder: Path, change) -> None:
    """``change(marker)`` written into the marker, one process at a time (files kept or made again after the build)."""
    with _locked(folder / ".marker.lock"):
        marker = _marker(folder)
        change(marker)
        _write_marker(folder, marker)


def _write_marker(folder: Path, marker: dict) -> None:
    tmp = folder / f"{DONE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(marker, indent=1))
    tmp.replace(folder / DONE)


def _build_id(folder: Path) -> str | None:
    try:
        return _marker(folder).get("id")
    except (OSError, ValueError, AttributeError):
        return None


def _check(folder: Path) -> None:
    """Raise ``StoreDamaged`` naming the first fault of a built folder's store: no marker (gone, or a build cut
    short), an unreadable marker, a listed file gone, of another size, or (its time moved, or small) of other
    content. The saved names and the kept files are checked as they are opened (``saved_names``, ``kept``): damage
    there costs that file, not a build."""
    if not (folder / DONE).exists():
        raise StoreDamaged("it is gone" if not folder.exists() else "it has no BUILT marker (a build cut short)")
    try:
        marker = _marker(folder)
        files, _ = marker["files"], marker["quads"]
        entries = [(name, {k: e[k] for k in ("size", "mtime_ns", "sha256")}) for name, e in files.items()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreDamaged(f"its BUILT marker cannot be read ({_one_line(exc)})") from None
    if not any(name.startswith(f"{RDF}/CURRENT") for name, _ in entries):
        raise StoreDamaged("its BUILT marker lists no store files")
    for name, entry in entries:
        if name not in NAMES and (fault := _fault(folder, name, entry)) is not None:
            raise StoreDamaged(fault)


def _fault(folder: Path, name: str, entry: dict | None) -> str | None:
    """What is wrong with the listed file ``name`` (None: its size, time or content are as built)."""
    if entry is None:
        return f"{name} is not listed in the BUILT marker"
    path = folder / name
    try:
        stat = path.stat()
    except OSError:
        return f"{name} is missing"
    if stat.st_size != entry["size"]:
        return f"{name} is {stat.st_size} bytes, {entry['size']} when it was built"
    if (stat.st_mtime_ns != entry["mtime_ns"] or entry["size"] <= ALWAYS_HASHED) and _sha256(path) != entry["sha256"]:
        return f"{name} has changed since it was built"
    return None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


# -- building -----------------------------------------------------------------------------------
def _build_into(settings: Settings, extra: list[SourceFile], folder: Path) -> None:
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        # Straight into RocksDB: validated N-Quads bulk-loaded, rules streamed in bulk (bench/: build phases); the
        # label index is read from the store into SQLite.
        writer = EmbeddedStore(ox.Store(str(partial / RDF)))
        build(settings, extra=extra, into=writer)  # raises on invalid data (before loading anything): nothing is kept
        quads = len(writer.oxi)
        catalogue = Catalogue(settings)
        triples = counted_triples(writer, catalogue)
        _names_into({name: partial / name for name in NAMES}, writer, catalogue, settings.base)
        writer.oxi.flush()
        writer.oxi.optimize()
        del writer  # closes the database: a read-only open must not meet a writer
        _write_marker(partial, {"quads": quads, "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "id": uuid.uuid4().hex,
                                "triples": triples, "pid": os.getpid(), "files": _manifest(partial)})
        shutil.rmtree(folder, ignore_errors=True)  # a damaged build of the same input, if any
        partial.rename(folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def counted_triples(store: EmbeddedStore, catalogue: Catalogue) -> int:
    """``EmbeddedStore.triple_count`` as the engine counts it (``quad-count.rq``): a fraction of a second at 10^6,
    where counting in Python takes seconds."""
    return int(store.select(catalogue.system("quad-count")).rows[0]["count"].value)


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
