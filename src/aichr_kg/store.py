"""The store behind every query: one small interface, an embedded pyoxigraph implementation.

Callers ask for rows, triples or a yes/no, or for results already serialised in a SPARQL
results / RDF format; a remote SPARQL 1.1 server can stand behind the same interface.
Terms are pyoxigraph terms throughout (``NamedNode``, ``Literal``, ``BlankNode``).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Table:
    """SELECT results: variable names and one dict per row (unbound variables are absent)."""

    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        return [row[name].value for row in self.rows if name in row]


class Store(Protocol):
    def select(self, sparql: str, params: Mapping[str, Term] | None = None) -> Table: ...

    def ask(self, sparql: str, params: Mapping[str, Term] | None = None) -> bool: ...

    def construct(self, sparql: str, params: Mapping[str, Term] | None = None) -> list[ox.Triple]: ...

    def triple_count(self) -> int: ...


class EmbeddedStore:
    """pyoxigraph in memory (or opened read-only from a folder) with the union of all named graphs as default graph."""

    def __init__(self, store: ox.Store | None = None):
        self.oxi = store if store is not None else ox.Store()

    @classmethod
    def open_read_only(cls, path: Path) -> "EmbeddedStore":
        return cls(ox.Store.read_only(str(path)))

    # -- loading ---------------------------------------------------------------
    def load_file(self, path: Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        self.oxi.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph))

    def add_triples(self, triples: Iterable[ox.Triple], graph: str) -> None:
        g = ox.NamedNode(graph)
        self.oxi.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)

    # -- queries ---------------------------------------------------------------
    def raw(self, sparql: str, params: Mapping[str, Term] | None = None, *, default_graph=None, named_graphs=None):
        """Run a query and return pyoxigraph's own result object (for streaming serialisation)."""
        substitutions = {ox.Variable(k): v for k, v in (params or {}).items()} or None
        if default_graph is None:
            return self.oxi.query(sparql, use_default_graph_as_union=True, named_graphs=named_graphs, substitutions=substitutions)
        return self.oxi.query(sparql, default_graph=default_graph, named_graphs=named_graphs, substitutions=substitutions)

    def select(self, sparql: str, params: Mapping[str, Term] | None = None) -> Table:
        result = self.raw(sparql, params)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("not a SELECT query")
        names = [v.value for v in result.variables]
        rows = [{n: s[n] for n in names if s[n] is not None} for s in result]
        return Table(names, rows)

    def ask(self, sparql: str, params: Mapping[str, Term] | None = None) -> bool:
        result = self.raw(sparql, params)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("not an ASK query")
        return bool(result)

    def construct(self, sparql: str, params: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        result = self.raw(sparql, params)
        if not isinstance(result, ox.QueryTriples):
            raise TypeError("not a CONSTRUCT or DESCRIBE query")
        return list(result)

    def triple_count(self) -> int:
        return len(self.oxi)

    def graph_names(self) -> Sequence[str]:
        return sorted(g.value for g in self.oxi.named_graphs())
