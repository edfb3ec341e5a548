"""The whole graph as download files, one per format: N-Quads and TriG with each statement in the graph of its basis,
N-Triples, Turtle and JSON-LD with the merge (each distinct triple once).

The store is read once for each kind, into its line-based file (N-Quads from the named graphs, N-Triples from the
default graph); the other formats of the kind are written from that file by pyoxigraph's parser and writers, which
costs a fraction of reading a store on disk again. A store opened from a finished build (``EmbeddedStore.path``)
is written by two child processes at once, one per kind, each opening the build read-only: pyoxigraph holds the
GIL while it serialises, so threads would take turns (bench/: build phases). Any other store (in memory, or still
being written) is written in this process.
"""

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from aichr_kg.namespaces import PREFIXES
from aichr_kg.store import EmbeddedStore

DUMPS = {  # file suffix -> format
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# the line-based file of each kind, and what is written from it: with graph names (N-Quads), the merge (N-Triples)
KINDS = {"nq": ["trig"], "nt": ["ttl", "jsonld"]}
IN_CHILDREN_FROM = 100_000  # quads from which a build's dumps are written by child processes (starting one: ~0.3 s)


def write_dumps(store: EmbeddedStore, out: Path, name: str = "aichr-kg", version: str | None = None) -> list[Path]:
    """Every dump format as ``name.suffix``, or ``name-version.suffix`` with a version (a release's files). A file
    already there is replaced, not written through: it may be a link to a build's own copy (``publish_dumps``)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {suffix: out / _file_name(name, version, suffix) for suffix in DUMPS}
    for path in paths.values():
        path.unlink(missing_ok=True)
    if store.path is not None and store.triple_count() >= IN_CHILDREN_FROM:
        with ThreadPoolExecutor(len(KINDS)) as pool:  # each thread waits on its child
            for done in [pool.submit(_in_child, store.path, lines, paths) for lines in KINDS]:
                done.result()
    else:
        for lines in KINDS:
            write_kind(store, lines, paths)
    return list(paths.values())


def _file_name(name: str, version: str | None, suffix: str) -> str:
    """``name.suffix``, or ``name-version.suffix`` for a release's files."""
    return f"{name}-{version}.{suffix}" if version else f"{name}.{suffix}"


def write_kind(store: EmbeddedStore, lines: str, paths: dict[str, Path]) -> None:
    """The line-based file ``lines`` ("nq" or "nt") read from the store, then the formats written from it."""
    if lines == "nq":  # the named graphs (the merged default graph left out)
        ox.serialize(store.named_quads(), str(paths["nq"]), format=ox.RdfFormat.N_QUADS)
    else:
        store.oxi.dump(str(paths["nt"]), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    for suffix in KINDS[lines]:
        fmt = DUMPS[suffix]
        kwargs = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TURTLE else {}
        ox.serialize(ox.parse(path=str(paths[lines]), format=DUMPS[lines]), str(paths[suffix]), format=fmt, **kwargs)


def _in_child(store_path: Path, lines: str, paths: dict[str, Path]) -> None:
    """``write_kind`` in a fresh Python process that opens the build read-only; its error, if any, raised here."""
    argv = [str(store_path), lines, *(str(paths[s]) for s in (lines, *KINDS[lines]))]
    done = subprocess.run([sys.executable, "-c", "import sys; from aichr_kg.dumps import child_main; child_main(sys.argv[1:])",
                           *argv], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"writing the {lines} dumps failed: {done.stderr.strip()[-2000:]}")


def child_main(argv: list[str]) -> None:
    store_path, lines, *files = argv
    write_kind(EmbeddedStore.open_read_only(Path(store_path)), lines, dict(zip((lines, *KINDS[lines]), map(Path, files))))


def publish_dumps(made: Path, out: Path, name: str = "aichr-kg", version: str | None = None) -> list[Path]:
    """The dumps ``write_dumps`` made in ``made`` (as ``aichr-kg.suffix``), put in ``out`` under the names
    ``write_dumps`` would give them: hard links where the file system allows (instant, no second copy), else
    copies."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in DUMPS:
        source, path = made / _file_name("aichr-kg", None, suffix), out / _file_name(name, version, suffix)
        path.unlink(missing_ok=True)
        try:
            os.link(source, path)
        except OSError:
            shutil.copyfile(source, path)
        written.append(path)
    return written
