"""The built graph kept on disk, so that every process of the service shares one copy of it.

Building a large graph takes seconds to minutes and holding it in memory costs every process its
own copy. ``open_built`` keeps each build as a pyoxigraph (RocksDB) store in
``Settings.store_cache``, in a folder named by the hash of everything the build reads (data,
ontology, shapes, rules, extra files, base, engine versions, the package's code). The service and each of its query
workers open that folder read-only: a start after the first one takes milliseconds, and the data
sits once in the operating system's page cache instead of once per process. Any change to any
input makes a new folder; folders unused for a week are removed.

A folder is trusted only as far as it can be checked. The ``BUILT`` marker, written last, lists
every file the build wrote with its size, modification time and SHA-256 (a manifest); opening
compares sizes and times (a file whose time moved is hashed again, the small ones always), so an
unchanged build reopens without reading its data, and a folder that is partial, truncated,
rewritten or missing files is built again, with one log line saying why, instead of failing to
start. The engine's own open errors lead to the same rebuild. While the service runs, a query
worker that cannot open the folder (deleted or damaged under it) asks for ``repair``, which
rebuilds it once however many workers ask (a file lock, and a second look after taking it).
The vocabulary and label index saved beside the store are JSON (``names.json``), never code to
run; a damaged one is written again from the store.
"""

import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
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
NAMES = "names.json"  # the vocabulary and the label index, written by this module, for this store only
NAMES_FORMAT = 1
LAYOUT = "5"  # 4: the default graph holds the merge of the named graphs; 5: a manifest in BUILT, names.json
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


def ensure_built(settings: Settings, extra: list[SourceFile] = ()) -> Path:
    """The folder of the validated build in the store cache, built now if it is not there yet or fails its check."""
    cache = settings.store_cache
    cache.mkdir(parents=True, exist_ok=True)
    folder = cache / store_key(settings, list(extra))
    try:
        _check(folder)
    except StoreDamaged as exc:
        folder = _rebuild(settings, list(extra), folder, f"is damaged: {exc}" if folder.exists() else None)
    return folder


def repair(settings: Settings, extra: list[SourceFile], path: Path) -> Path:
    """The store folder (``rdf/``) a query worker should open now that it could not open ``path``: the same one
    if it checks and opens after all (nothing is rebuilt), else the build of the current input, made again."""
    folder = path.parent
    try:
        _check(folder)
        ox.Store.read_only(str(folder / RDF))
    except StoreDamaged as exc:
        return _rebuild(settings, list(extra), folder, f"is damaged: {exc}") / RDF
    except ENGINE_ERRORS as exc:
        return _rebuild(settings, list(extra), folder, f"could not be opened: {_one_line(exc)}") / RDF
    return path


def _rebuild(settings: Settings, extra: list[SourceFile], folder: Path, reason: str | None) -> Path:
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
            _build_into(settings, extra, target)
            if reason is not None:
                log.info("the store %s was built again in %.1f s", target, time.monotonic() - started)
    _prune(folder.parent, keep=target)
    return target


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
    return EmbeddedStore.open_read_only(folder / RDF, copy=quads <= settings.memory_copy_limit)


def saved_names(store: EmbeddedStore, catalogue: Catalogue, base: str) -> tuple[Vocabulary, LabelIndex] | None:
    """The vocabulary and label index saved with a store opened by ``open_built`` (None for any other store). A saved
    index that cannot be read is made again from the store and saved again for the next start."""
    if store.path is None or not store.path.parent.joinpath(DONE).exists():
        return None
    folder = store.path.parent
    try:
        return _read_names(folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the saved label index %s cannot be read (%s); making it again from the store",
                    folder / NAMES, _one_line(exc))
    names = index_graph(store, catalogue, base)
    try:
        with _locked(folder.parent / f"{folder.name}.lock"):
            _write_names(folder, *names)
            _update_manifest(folder, NAMES)
    except (OSError, ValueError, KeyError) as exc:  # a read-only cache only costs the next start the same work
        log.warning("the label index could not be saved in %s (%s)", folder, _one_line(exc))
    return names


def _read_names(folder: Path) -> tuple[Vocabulary, LabelIndex]:
    text = (folder / NAMES).read_bytes()
    if hashlib.sha256(text).hexdigest() != json.loads((folder / DONE).read_text())["files"][NAMES]["sha256"]:
        raise ValueError("it has changed since it was built")
    data = json.loads(text)
    if data.get("format") != NAMES_FORMAT:
        raise ValueError(f"format {data.get('format')!r}, expected {NAMES_FORMAT}")
    return Vocabulary.from_data(data["vocabulary"]), LabelIndex.from_data(data["index"])


def _write_names(folder: Path, vocabulary: Vocabulary, index: LabelIndex) -> None:
    tmp = folder / f"{NAMES}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"format": NAMES_FORMAT, "vocabulary": vocabulary.to_data(), "index": index.to_data()},
                              ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(folder / NAMES)


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


def _update_manifest(folder: Path, name: str) -> None:
    marker = json.loads((folder / DONE).read_text())
    marker["files"][name] = _entry(folder / name)
    _write_marker(folder, marker)


def _write_marker(folder: Path, marker: dict) -> None:
    tmp = folder / f"{DONE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(marker, indent=1))
    tmp.replace(folder / DONE)


def _build_id(folder: Path) -> str | None:
    try:
        return json.loads((folder / DONE).read_text()).get("id")
    except (OSError, ValueError, AttributeError):
        return None


def _check(folder: Path) -> None:
    """Raise ``StoreDamaged`` naming the first fault of a built folder's store: no marker (gone, or a build cut
    short), an unreadable marker, a listed file gone, of another size, or (its time moved, or small) of other
    content. The saved names are checked as they are read (``saved_names``): damage there costs an index, not a
    build."""
    if not (folder / DONE).exists():
        raise StoreDamaged("it is gone" if not folder.exists() else "it has no BUILT marker (a build cut short)")
    try:
        marker = json.loads((folder / DONE).read_text())
        files, _ = marker["files"], marker["quads"]
        entries = [(name, e["size"], e["mtime_ns"], e["sha256"]) for name, e in files.items()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreDamaged(f"its BUILT marker cannot be read ({_one_line(exc)})") from None
    if not any(name.startswith(f"{RDF}/CURRENT") for name, *_ in entries):
        raise StoreDamaged("its BUILT marker lists no store files")
    for name, size, mtime_ns, sha256 in entries:
        if name == NAMES:
            continue
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            raise StoreDamaged(f"{name} is missing") from None
        if stat.st_size != size:
            raise StoreDamaged(f"{name} is {stat.st_size} bytes, {size} when it was built")
        if (stat.st_mtime_ns != mtime_ns or size <= ALWAYS_HASHED) and _sha256(path) != sha256:
            raise StoreDamaged(f"{name} has changed since it was built")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


# -- building -----------------------------------------------------------------------------------
def _build_into(settings: Settings, extra: list[SourceFile], folder: Path) -> None:
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
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
        _write_names(partial, *names)
        del writer, names  # closes the database: a read-only open must not meet a writer
        _write_marker(partial, {"quads": quads, "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "id": uuid.uuid4().hex,
                                "files": _manifest(partial)})
        shutil.rmtree(folder, ignore_errors=True)  # a damaged build of the same input, if any
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
