"""The store behind every query: one small interface, an embedded pyoxigraph implementation.

Callers ask for rows, triples or a yes/no, or for results already serialised in a SPARQL
results / RDF format; a remote SPARQL 1.1 server can stand behind the same interface.
Terms are pyoxigraph terms throughout (``NamedNode``, ``Literal``, ``BlankNode``).
"""

import io
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from aichr_kg import querytext

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Table:
    """SELECT results: variable names and one dict per row (unbound variables are absent)."""

    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        return [row[name].value for row in self.rows if name in row]


@dataclass(frozen=True)
class Dataset:
    """The graphs a query sees: the protocol's ``default-graph-uri`` / ``named-graph-uri`` or the query's
    FROM / FROM NAMED (``None`` for both: not given).

    If either is given the dataset is exactly those graphs (the other part empty); otherwise the
    default graph is the RDF merge of all named graphs (each distinct triple once, written into the store's
    default graph by ``EmbeddedStore.merge_default_graph``) and GRAPH ranges over every named graph.
    An IRI only ever names a graph held in the store: nothing is fetched.
    """

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def given(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None

    def query_kwargs(self) -> dict:
        """Keyword arguments for ``pyoxigraph.Store.query``."""
        if self.given:
            return {"default_graph": [ox.NamedNode(g) for g in self.default_graphs or ()],
                    "named_graphs": [ox.NamedNode(g) for g in self.named_graphs or ()]}
        return {}


@dataclass(frozen=True)
class Serialized:
    """A query's results written out: ``kind`` is "solutions", "boolean" or "graph"; ``media_type`` the writer's."""

    kind: str
    media_type: str
    body: bytes


class NoAcceptableFormat(ValueError):
    """The results are of a kind (solutions, boolean, graph) for which the caller offered no format."""


class AnswerOverLimit(ValueError):
    """The results, written out, grew past the size the caller allows."""


class _Capped(io.BytesIO):
    """A buffer that refuses to grow past ``limit`` bytes (the writer stops at the first write beyond it)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.over = limit, False

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            self.over = True
            raise AnswerOverLimit(f"the answer is over {self.limit} bytes")
        return super().write(data)


class Store(Protocol):
    def select(self, sparql: str, params: Mapping[str, Term] | None = None) -> Table: ...

    def ask(self, sparql: str, params: Mapping[str, Term] | None = None) -> bool: ...

    def construct(self, sparql: str, params: Mapping[str, Term] | None = None) -> list[ox.Triple]: ...

    def serialize(self, sparql: str, *, results_format: str | None, graph_format: str | None,
                  dataset: Dataset = Dataset(), base_iri: str | None = None) -> Serialized:
        """Run a query and write its results fully, in ``results_format`` (SELECT, ASK) or ``graph_format``
        (CONSTRUCT, DESCRIBE), both media types of pyoxigraph writers (None: not acceptable); relative
        IRIs in the query resolve against ``base_iri``."""
        ...

    def triple_count(self) -> int: ...


def term_text(term: Term) -> str:
    """A term as SPARQL text for a VALUES block (pyoxigraph writes N-Triples syntax, which SPARQL reads)."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise ValueError(f"{type(term).__name__} cannot be bound in a VALUES block")


def bindable(sparql: str, params: Mapping[str, Term]) -> bool:
    """Whether ``params`` can go in a VALUES block at the head of the query's WHERE clause."""
    return querytext.where_brace(sparql) is not None and all(isinstance(v, (ox.NamedNode, ox.Literal))
                                                             for v in params.values())


class ResultShapes:
    """``select``, ``ask`` and ``construct`` over a store's ``raw`` (pyoxigraph results, or a list of triples)."""

    def raw(self, sparql: str, params: Mapping[str, Term] | None = None): ...

    def select(self, sparql: str, params: Mapping[str, Term] | None = None) -> Table:
        result = self.raw(sparql, params)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("not a SELECT query")
        names = [v.value for v in result.variables]
        return Table(names, [{n: s[n] for n in names if s[n] is not None} for s in result])

    def ask(self, sparql: str, params: Mapping[str, Term] | None = None) -> bool:
        result = self.raw(sparql, params)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("not an ASK query")
        return bool(result)

    def construct(self, sparql: str, params: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        result = self.raw(sparql, params)
        if not isinstance(result, (ox.QueryTriples, list)):
            raise TypeError("not a CONSTRUCT or DESCRIBE query")
        return list(result)


class EmbeddedStore(ResultShapes):
    """pyoxigraph in memory (or opened read-only from a folder) whose default graph is the merge of its named graphs.

    SPARQL's default graph here is an RDF graph, a set: a triple that three sources state is one triple. The
    engine's own union default graph (``use_default_graph_as_union``) is a bag, matching such a triple once per
    graph (oxigraph issue 1919), so counts and joins over it repeat rows. The build therefore writes each distinct
    triple once into the store's own default graph (``merge_default_graph``) and queries run on that.
    """

    def __init__(self, store: ox.Store | None = None, path: Path | None = None, copied: bool = False):
        self.oxi = store if store is not None else ox.Store()
        self.path = path  # the folder of a store on disk this one was opened or copied from (others may open it too)
        self.copied = copied  # True: an in-memory copy of ``path``
        self._graph_names: tuple[str, ...] | None = None
        self._triples: int | None = None  # ``triple_count`` of a finished build, as counted when it was built

    @classmethod
    def open_read_only(cls, path: Path, copy: bool = False, triples: int | None = None) -> "EmbeddedStore":
        """The store in ``path``, read from disk, or copied into memory (pyoxigraph's in-memory store answers
        2-5x faster than its on-disk one); ``triples``: its ``triple_count``, if the build counted it."""
        disk = ox.Store.read_only(str(path))
        if copy:
            memory = ox.Store()
            memory.bulk_extend(disk)
            opened = cls(memory, path, copied=True)
        else:
            opened = cls(disk, path)
        opened._triples = triples
        return opened

    def reopen(self, path: Path) -> None:
        """Read from the store in ``path`` from now on (the folder was built again); queries under way finish on
        the store they started on."""
        self.oxi, self.path = ox.Store.read_only(str(path)), path

    # -- loading ---------------------------------------------------------------
    def load_file(self, path: Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        self.oxi.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph))

    def add_triples(self, triples: Iterable[ox.Triple], graph: str, *, merged: bool = False) -> None:
        """Add ``triples`` to the named ``graph``; with ``merged`` to the merged default graph as well. In bulk: the
        store writes them as they come (on disk no transaction holds them; a triple already there stays one)."""
        targets = [ox.NamedNode(graph)] + ([ox.DefaultGraph()] if merged else [])
        self.oxi.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples for g in targets)

    def merge_default_graph(self) -> None:
        """Make the default graph the merge of the named graphs: every distinct triple of any of them, once.

        Run after a change to the named graphs made without ``add_triples(..., merged=True)`` (the build does);
        the store's set semantics drop the repeats."""
        self.oxi.clear_graph(ox.DefaultGraph())
        default = ox.DefaultGraph()  # in bulk, not by one INSERT: on disk its transaction would hold every triple
        self.oxi.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in self.named_quads())

    def load_merged(self, paths: Sequence[Path]) -> None:
        """Bulk-load N-Quads files (every line in a named graph, as the build's validation writes them) into their
        named graphs and, as their merge, into the default graph, both by the engine's loader (bench/: build phases).

        Each file is read once, in chunks, and split by text (``_split_for_merge``): its lines, and the same lines
        with the graph name cut off, which the loader puts in the default graph. The loader gives a file's blank
        nodes new names, the same name for the same label within one load: so the lines with a blank node go, with
        their copies for the default graph, into one file of their own, loaded once (the merge then names the same
        node as the named graph). Should a file hold anything else (a line without a graph name, a blank graph
        name, a triple whose cut does not parse), the files are loaded as they are and the default graph is merged the
        exact, slower way."""
        with tempfile.TemporaryDirectory(prefix="aichr-kg-merge-") as tmp:
            try:
                parts = [_split_for_merge(path, Path(tmp) / str(n)) for n, path in enumerate(paths)]
                for _quads, triples, _blank in parts:  # first: a line the cut got wrong does not parse as a triple
                    self.oxi.bulk_load(path=str(triples), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
            except (_NotMergeable, SyntaxError):  # (a file that does not parse raises again, as itself, below)
                for path in paths:
                    self.oxi.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
                self.merge_default_graph()
                return
            for quads, _triples, blank in parts:
                self.oxi.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
                if blank is not None:
                    self.oxi.bulk_load(path=str(blank), format=ox.RdfFormat.N_QUADS)

    def add_constructed(self, result: "ox.QueryTriples", graph: str) -> None:
        """Add a CONSTRUCT result to the named ``graph`` and to the merged default graph. Written out by the engine and
        bulk-loaded from the file, which keeps the triples out of Python; a result with a blank node goes the slower
        way of ``add_triples`` instead, since the loader would rename it (bench/: build phases)."""
        with tempfile.TemporaryDirectory(prefix="aichr-kg-derived-") as tmp:
            path = Path(tmp) / "derived.nt"
            result.serialize(str(path), format=ox.RdfFormat.N_TRIPLES)
            if _mentions_blank(path):
                self.add_triples(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES), graph, merged=True)
                return  # (parse keeps the written blank node names, which are the store's own)
            for target in (ox.NamedNode(graph), ox.DefaultGraph()):
                self.oxi.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=target)

    def named_quads(self) -> Iterable[ox.Quad]:
        """Every statement with its graph: the named graphs' quads, without the merged default graph."""
        for graph in sorted(self.oxi.named_graphs(), key=lambda g: g.value):
            yield from self.oxi.quads_for_pattern(None, None, None, graph)

    # -- queries ---------------------------------------------------------------
    def raw(self, sparql: str, params: Mapping[str, Term] | None = None, *, default_graph=None, named_graphs=None):
        """Run a query and return pyoxigraph's own result object (for streaming serialisation).

        Parameters are bound by a VALUES block at the head of the WHERE clause where the query has
        one: pyoxigraph plans a query with ``substitutions`` as if the variable were free and joins
        the value last (10-100x slower on selective lookups, bench/PROFILES.md), while a VALUES block
        is where its planner starts. The block is written from validated terms by pyoxigraph itself.
        """
        substitutions = None
        if params and bindable(sparql, params):
            sparql = querytext.insert_values(sparql, {k: term_text(v) for k, v in params.items()})
        elif params:
            substitutions = {ox.Variable(k): v for k, v in params.items()}
        if default_graph is None:
            return self.oxi.query(sparql, named_graphs=named_graphs, substitutions=substitutions)
        return self.oxi.query(sparql, default_graph=default_graph, named_graphs=named_graphs, substitutions=substitutions)

    def serialize(self, sparql: str, *, results_format: str | None, graph_format: str | None,
                  dataset: Dataset = Dataset(), base_iri: str | None = None,
                  answer_limit: int | None = None) -> Serialized:
        result = self.oxi.query(sparql, base_iri=base_iri, **dataset.query_kwargs())
        return write_result(result, results_format, graph_format, answer_limit)

    def triple_count(self) -> int:
        """Statements in the named graphs (a triple two sources state counts twice), as ``quad-count.rq`` says.
        Counted here in Python (8.6 s at 10^6 on disk) unless the build counted it (``open_read_only``)."""
        if self._triples is not None:
            return self._triples
        merged = sum(1 for _ in self.oxi.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return len(self.oxi) - merged

    def graph_names(self) -> Sequence[str]:
        """The named graphs, sorted. A store opened from a finished build never changes, so they are listed once
        (on RocksDB listing them takes milliseconds, more than a small query)."""
        if self.path is not None and self._graph_names is not None:
            return self._graph_names
        names = tuple(sorted(g.value for g in self.oxi.named_graphs()))
        if self.path is not None:
            self._graph_names = names
        return names


_CHUNK = 1 << 24
_GRAPH_NAME = re.compile(rb" <[^>\n]*> \.\n")  # the graph IRI closing an N-Quads line
# A line with a blank subject, or a blank object before its graph name (a literal ending in " _:x" matches too:
# harmless, such a line is only loaded with the blank ones)
_BLANK_QUAD = re.compile(rb"^(?:_:[^\n]*|[^\n]* _:[^ \n]+ <[^>\n]*> \.)\n", re.M)


class _NotMergeable(Exception):
    """A line ``_split_for_merge`` cannot cut: no graph IRI ends it (a triple, a blank graph name)."""


def _cut(lines: bytes) -> bytes:
    """N-Quads lines with their graph names cut off (N-Triples), or ``_NotMergeable``."""
    cut, count = _GRAPH_NAME.subn(b" .\n", lines)
    if count != lines.count(b"\n"):
        raise _NotMergeable
    return cut


def _split_for_merge(quads: Path, stem: Path) -> tuple[Path, Path, Path | None]:
    """What ``load_merged`` loads for the N-Quads file ``quads``: the file itself (or, when some lines have a blank
    node, a copy without them), its lines as triples of the default graph without those, and those lines with
    their default-graph copies in one N-Quads file (None when there are none). Newlines inside literals are
    escaped in N-Quads, so each line is one statement; a last line without its line end is read as one."""
    plain, triples, blank = (stem.with_suffix(suffix) for suffix in (".nq", ".nt", ".blank.nq"))
    found = False
    with open(quads, "rb") as source, open(plain, "wb") as plain_out, open(triples, "wb") as triples_out, \
            open(blank, "wb") as blank_out:
        rest = b""
        while True:
            chunk = source.read(_CHUNK)
            lines = rest + chunk
            if chunk:
                end = lines.rfind(b"\n") + 1
                lines, rest = lines[:end], lines[end:]
            elif lines.strip():
                lines += b"\n"
            else:
                break
            blanks = b"".join(_BLANK_QUAD.findall(lines)) if b"_:" in lines else b""
            if blanks:
                found = True
                lines = _BLANK_QUAD.sub(b"", lines)
                blank_out.write(blanks + _cut(blanks))
            triples_out.write(_cut(lines))
            plain_out.write(lines)
            if not chunk:
                break
    if not found:
        plain.unlink()
        blank.unlink()
        return quads, triples, None
    return plain, triples, blank


def _mentions_blank(path: Path) -> bool:
    with open(path, "rb") as handle:
        rest = b""
        while chunk := handle.read(_CHUNK):
            if b"_:" in rest + chunk:
                return True
            rest = chunk[-1:]
    return False


def write_result(result, results_format: str | None, graph_format: str | None,
                 answer_limit: int | None = None) -> Serialized:
    """Write a pyoxigraph query result (solutions, boolean or triples) in the format offered for its kind,
    stopping (``AnswerOverLimit``) as soon as it is longer than ``answer_limit`` bytes."""
    out = _Capped(answer_limit) if answer_limit is not None else io.BytesIO()
    if isinstance(result, (ox.QueryTriples, list)):  # a list: triples read from a remote server's answer
        if graph_format is None:
            raise NoAcceptableFormat("graph")
        fmt = ox.RdfFormat.from_media_type(graph_format)
        kind, write = "graph", lambda: ox.serialize(result, out, format=fmt, **_prefixes_for(fmt))
    else:
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        if results_format is None:
            raise NoAcceptableFormat(kind)
        fmt = ox.QueryResultsFormat.from_media_type(results_format)
        write = lambda: result.serialize(out, format=fmt)  # noqa: E731
    try:
        write()
    except Exception:
        if getattr(out, "over", False):  # pyoxigraph may wrap the writer's exception in its own
            raise AnswerOverLimit(f"the answer is over {answer_limit} bytes") from None
        raise
    return Serialized(kind, fmt.media_type, out.getvalue())


def _prefixes_for(fmt: ox.RdfFormat) -> dict:
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        from aichr_kg.namespaces import PREFIXES

        return {"prefixes": PREFIXES}
    return {}
