"""The build: parse, validate, load into the store, derive, and write the dumps.

The build refuses invalid data: nothing reaches the store (or ``dist/``) unless every file
parses and the SHACL shapes pass.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from aichr_kg.namespaces import PREFIXES, graph_iri
from aichr_kg.parsing import ParsedGraph, parse_all
from aichr_kg.settings import DEFAULT_BASE, Settings
from aichr_kg.sources import SourceFile, all_files
from aichr_kg.store import EmbeddedStore
from aichr_kg.validation import Violation, validate_parsed

_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
               "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}

DUMPS = {  # file suffix -> (format, whole dataset with graph names?)
    "trig": (ox.RdfFormat.TRIG, True),
    "nq": (ox.RdfFormat.N_QUADS, True),
    "ttl": (ox.RdfFormat.TURTLE, False),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "jsonld": (ox.RdfFormat.JSON_LD, False),
}


class InvalidData(Exception):
    """The data failed validation; ``violations`` lists every problem."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(f"{len(violations)} SHACL violation(s)")


@dataclass
class Build:
    store: EmbeddedStore
    parsed: ParsedGraph | None = None
    violations: list[Violation] = field(default_factory=list)


def _rebase(term, base: str):
    if isinstance(term, ox.NamedNode) and term.value.startswith(DEFAULT_BASE):
        return ox.NamedNode(base + term.value[len(DEFAULT_BASE):])
    return term


def load_into(store: EmbeddedStore, files: list[SourceFile], base: str) -> None:
    """Load files into their named graphs; IRIs under the default base move to ``base`` if it differs."""
    for source in files:
        fmt = _OX_FORMATS[source.rdf_format]
        if base == DEFAULT_BASE:
            store.load_file(source.path, source.graph, fmt)
            continue
        graph = ox.NamedNode(source.graph)
        store.oxi.extend(
            ox.Quad(_rebase(q.subject, base), q.predicate, _rebase(q.object, base), graph)
            for q in ox.parse(path=str(source.path), format=fmt)
        )


def apply_rules(store: EmbeddedStore, settings: Settings) -> int:
    """Run every derivation rule (``queries/rules/*.rq``) into ``graph/derived``; return the triples added."""
    derived = graph_iri("derived", settings.base)
    if store.oxi.contains_named_graph(ox.NamedNode(derived)):
        store.oxi.remove_graph(ox.NamedNode(derived))
    before = len(store.oxi)
    for rule in sorted((settings.queries_dir / "rules").glob("*.rq")):
        store.add_triples(store.construct(rule.read_text(encoding="utf-8")), derived)
    return len(store.oxi) - before


def build(settings: Settings, *, validate: bool = True, extra: list[SourceFile] = ()) -> Build:
    files = all_files(settings)
    parsed = parse_all(files)  # raises DataFilesError naming every broken file
    violations = validate_parsed(parsed, settings.root) if validate else []
    blocking = [v for v in violations if v.severity == "Violation"]
    if blocking:
        raise InvalidData(blocking)
    store = EmbeddedStore()
    load_into(store, files, settings.base)
    apply_rules(store, settings)
    if extra:
        load_into(store, list(extra), settings.base)
    return Build(store, parsed, violations)


def write_dumps(store: EmbeddedStore, out: Path, name: str = "aichr-kg") -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, (fmt, with_graphs) in DUMPS.items():
        path = out / f"{name}.{suffix}"
        if with_graphs:
            store.oxi.dump(str(path), format=fmt)
        else:
            triples = store.oxi.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            kwargs = {"prefixes": PREFIXES} if fmt in (ox.RdfFormat.TURTLE,) else {}
            ox.serialize(triples, str(path), format=fmt, **kwargs)
        written.append(path)
    return written
