"""The build: parse, validate, load into the store, derive (the dumps: ``aichr_kg.dumps``).

The build refuses invalid data: nothing reaches the store (or ``dist/``) unless every file
parses and the SHACL shapes pass. Inputs that passed are remembered by content hash
(``Settings.validation_cache``), so serving an unchanged graph right after building it does not
validate it a second time; any change to any file, or another engine version, validates anew.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from aichr_kg import release
from aichr_kg.namespaces import DEFAULT_BASE, graph_iri
from aichr_kg.parsing import DataFileError, DataFilesError, read_error
from aichr_kg.settings import Settings
from aichr_kg.sources import RDF_SUFFIXES, SourceFile, all_files
from aichr_kg.store import EmbeddedStore
from aichr_kg.validation import ENGINES, Violation, validate_files, write_sources


class InvalidData(Exception):
    """The data failed validation; ``violations`` lists every problem."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(f"{len(violations)} SHACL violation(s)")

    def __reduce__(self):  # crosses from the build's process to the one that asked for it
        return type(self), (self.violations,)


@dataclass
class Build:
    store: EmbeddedStore
    validated: bool = False  # False when the input was known valid (remembered) or validation was off
    violations: list[Violation] = field(default_factory=list)


def _rebase(term, base: str):
    if isinstance(term, ox.NamedNode) and term.value.startswith(DEFAULT_BASE):
        return ox.NamedNode(base + term.value[len(DEFAULT_BASE):])
    return term


def rebaser(base: str):
    """What moves IRIs under the default base to ``base`` (None when the graph keeps the default base)."""
    return None if base == DEFAULT_BASE else (lambda term: _rebase(term, base))


def load_into(store: EmbeddedStore, files: list[SourceFile], base: str) -> None:
    """Load files into their named graphs; IRIs under the default base move to ``base`` if it differs. A file that
    does not parse (an extra file is not validated first) raises ``DataFilesError`` naming it and the line."""
    move = rebaser(base)
    for source in files:
        if source.path.suffix not in RDF_SUFFIXES:
            raise DataFilesError([DataFileError(source.path, None, "not a file of an RDF format this service reads "
                                                f"(its name must end in {', '.join(RDF_SUFFIXES)})")])
        try:
            _load_one(store, source, move)
        except (SyntaxError, OSError) as exc:
            raise DataFilesError([read_error(source, exc)]) from None


def _load_one(store: EmbeddedStore, source: SourceFile, move) -> None:
    fmt = source.ox_format
    if move is None:
        store.load_file(source.path, source.graph, fmt)
        return
    graph = ox.NamedNode(source.graph)
    store.oxi.bulk_extend(  # TriG / N-Quads keep their graph names, as bulk_load does
        ox.Quad(move(q.subject), q.predicate, move(q.object),
                graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name)
        for q in ox.parse(path=str(source.path), format=fmt)
    )


def load_validated(store: EmbeddedStore, folder: Path, settings: Settings) -> None:
    """The N-Quads validation wrote into ``folder`` (data and shapes) loaded into their named graphs and their merge."""
    store.load_merged([folder / "data.nq", folder / "shapes.nq"])


def apply_rules(store: EmbeddedStore, settings: Settings) -> None:
    """Run every derivation rule (``queries/rules/*.rq``, in name order) into ``graph/derived``, over a store whose
    default graph is the merge of its named graphs (``load_merged``, ``merge_default_graph``). Each rule reads that
    merge, which then also holds what the rules before it derived; its triples go into the store in bulk (on disk:
    nothing of them is held in Python, no transaction grows with them)."""
    derived = ox.NamedNode(graph_iri("derived", settings.base))
    if store.oxi.contains_named_graph(derived):
        store.oxi.remove_graph(derived)
        store.merge_default_graph()
    for rule in sorted((settings.queries_dir / "rules").glob("*.rq")):
        store.add_constructed(store.raw(rule.read_text(encoding="utf-8")), derived.value)


def _fingerprint(files: list[SourceFile]) -> str:
    """SHA-256 of everything validation depends on: each file's bytes, place and graph, and the engine's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{ENGINES[0]} {version(ENGINES[0])} pyoxigraph {version('pyoxigraph')}".encode())
    for source in files:
        digest.update(f"\0{source.kind}\0{source.graph}\0{source.path.name}\0".encode())
        digest.update(source.path.read_bytes())
    return digest.hexdigest()


def _remembered(settings: Settings, key: str) -> list[Violation] | None:
    """The warnings of an identical input that passed validation before, or None if there was none."""
    if settings.validation_cache is None:
        return None
    try:
        return [Violation(**{**v, "files": tuple(v["files"])}) for v in json.loads((settings.validation_cache / f"{key}.json").read_text())]
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _remember(settings: Settings, key: str, violations: list[Violation]) -> None:
    if settings.validation_cache is None:
        return
    try:
        settings.validation_cache.mkdir(parents=True, exist_ok=True)
        tmp = settings.validation_cache / f"{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps([asdict(v) for v in violations]))
        tmp.replace(settings.validation_cache / f"{key}.json")
    except OSError:  # a read-only home only costs the next start a validation
        pass


def build(settings: Settings, *, validate: bool = True, extra: list[SourceFile] = (),
          into: EmbeddedStore | None = None) -> Build:
    """Parse, validate (unless known valid), then load into ``into`` (a new in-memory store by default).

    The sources are read once: into the N-Quads files validation reads, which the store then bulk-loads (in Rust,
    straight into RocksDB for a store on disk); the rules run in the store."""
    files = all_files(settings)
    key = _fingerprint(files) if validate else ""
    violations = _remembered(settings, key) if validate else None
    validated = violations is None and validate
    store = into if into is not None else EmbeddedStore()
    move = rebaser(settings.base)
    with tempfile.TemporaryDirectory(prefix="aichr-kg-build-") as tmp:
        folder = Path(tmp)
        if violations is None and validate:  # new or changed input: parse and validate it
            # raises DataFilesError naming every broken file
            violations = validate_files(files, settings.root, keep=folder)
            blocking = [v for v in violations if v.severity == "Violation"]
            if blocking:
                raise InvalidData(blocking)
            _remember(settings, key, violations)
            if move is not None:  # validated as written; served under another base
                write_sources(files, folder, move)
        else:
            write_sources(files, folder, move)
            violations = violations or []
        load_validated(store, folder, settings)
    release.stamp(store, settings, release.current(settings))
    apply_rules(store, settings)  # keeps the default graph the merge
    if extra:  # a researcher's own files: served beside the graph, never fed to the rules
        load_into(store, list(extra), settings.base)
        store.merge_default_graph()
    return Build(store, validated, violations)
