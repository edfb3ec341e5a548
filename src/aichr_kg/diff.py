"""What changed between two builds: statements and entities added, removed and changed, by named graph.

Each side is a dump with graph names (TriG or N-Quads, as ``aichr-kg build`` writes them) or a project
folder (``ontology/``, ``data/``, ``shapes/``, ``queries/``; or its ``data/`` folder), which is built here
without validation. Graphs are compared as RDF graphs (rdflib's canonical blank-node labels), so a
re-serialised or re-labelled file shows no change. The build's own stamp (the ontology's and the shapes'
version IRI and version info) is left out: it changes with every build by design.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic

OWL = "http://www.w3.org/2002/07/owl#"
_STAMP = {OWL + "versionIRI", OWL + "versionInfo"}
_DATASET_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


class DiffInputError(ValueError):
    """A side that is neither a TriG / N-Quads dump nor a project folder (the message says which and why)."""


@dataclass
class GraphChange:
    graph: str
    added: list[tuple] = field(default_factory=list)  # statements (rdflib terms)
    removed: list[tuple] = field(default_factory=list)
    entities_added: list[str] = field(default_factory=list)
    entities_removed: list[str] = field(default_factory=list)
    entities_changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed)

    def as_dict(self) -> dict:
        return {"graph": self.graph, "statements_added": [_nt(t) for t in self.added],
                "statements_removed": [_nt(t) for t in self.removed], "entities_added": self.entities_added,
                "entities_removed": self.entities_removed, "entities_changed": self.entities_changed}


def _nt(triple: tuple) -> str:
    return " ".join(term.n3() for term in triple) + " ."


def _term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise DiffInputError(f"unsupported term {term!r}")


def _graphs(quads: Iterable[ox.Quad]) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for quad in quads:
        if quad.predicate.value in _STAMP:
            continue
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else "(default graph)"
        graphs.setdefault(name, Graph()).add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return graphs


def read_side(path: Path) -> dict[str, Graph]:
    """The named graphs of one side of the comparison."""
    if path.is_file():
        fmt = _DATASET_FORMATS.get(path.suffix)
        if fmt is None:
            raise DiffInputError(f"{path}: a dump to compare must keep its graph names (.trig or .nq), not '{path.suffix}'")
        try:
            return _graphs(ox.parse(path=str(path), format=fmt))
        except SyntaxError as exc:
            raise DiffInputError(f"{path}: {' '.join(str(exc).split())}") from None
    if path.is_dir():
        from aichr_kg.build import build
        from aichr_kg.settings import Settings

        root = path if (path / "data").is_dir() else path.parent if path.name == "data" else None
        if root is None or not (root / "ontology").is_dir():
            raise DiffInputError(f"{path}: not a project folder (with ontology/ and data/) nor its data/ folder")
        settings = Settings(root=root, validation_cache=None, store_cache=None)
        return _graphs(build(settings, validate=False).store.named_quads())
    raise DiffInputError(f"{path}: no such file or folder")


def _subjects(triples: Iterable[tuple]) -> set[str]:
    return {str(s) for s, _, _ in triples if isinstance(s, URIRef)}


def diff(old: dict[str, Graph], new: dict[str, Graph]) -> list[GraphChange]:
    """One entry per named graph that differs (added, removed or changed), sorted by graph name."""
    changes = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name, Graph()), new.get(name, Graph())
        if name in old and name in new and len(before) == len(after) and set(before) == set(after):
            continue
        _, only_old, only_new = graph_diff(to_isomorphic(before), to_isomorphic(after))
        change = GraphChange(name, sorted(only_new), sorted(only_old))
        if change.empty:
            continue
        was, now = _subjects(before), _subjects(after)
        touched = _subjects(change.added) | _subjects(change.removed)
        change.entities_added = sorted(now - was)
        change.entities_removed = sorted(was - now)
        change.entities_changed = sorted((touched & was & now))
        changes.append(change)
    return changes
