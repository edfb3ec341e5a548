"""Parse RDF files, turning syntax errors into one readable line.

A curator who breaks a Turtle file should read ``data/x/y.ttl, line 12: ...``, not a traceback. The build reads
files with pyoxigraph (``write_nquads``: fast, and it keeps every literal as written); rdflib graphs
(``parse_all``) remain for callers that want one, such as the shape tests and the reference SHACL engines.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from aichr_kg.lexical import describe, is_ill_typed, line_of
from aichr_kg.sources import SourceFile

_LINE = re.compile(r"at line (\d+)")


class DataFileError(Exception):
    """A data file that cannot be parsed; the message names the file and the line."""

    def __init__(self, path: Path, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):
        return type(self), (self.path, self.line, self.reason)


def _reason(exc: Exception) -> tuple[int | None, str]:
    text = str(exc)
    match = _LINE.search(text)
    line = int(match.group(1)) if match else None
    # rdflib puts the useful part after the location; keep it to one line.
    detail = re.sub(r"\s+", " ", text.split(">:", 1)[-1]).strip()
    return line, detail[:300] or type(exc).__name__


def parse_file(source: SourceFile, into: Graph | None = None) -> Graph:
    graph = into if into is not None else Graph()
    try:
        graph.parse(source.path, format=source.rdf_format)
    except Exception as exc:  # rdflib raises many kinds; all mean "this file is broken"
        line, reason = _reason(exc)
        raise DataFileError(source.path, line, reason) from exc
    bad = {(str(o), str(o.datatype)) for o in graph.objects() if isinstance(o, Literal) and o.datatype is not None
           and is_ill_typed(str(o), str(o.datatype))}
    if bad:
        raise DataFilesError(ill_typed_errors(source.path, bad))
    return graph


def ill_typed_errors(path: Path, literals: set[tuple[str, str]]) -> list["DataFileError"]:
    """One error per ill-typed literal (lexical form, datatype IRI) of a file, with the line that writes it."""
    return [DataFileError(path, line_of(path, lexical), describe(lexical, datatype))
            for lexical, datatype in sorted(literals)]


@dataclass
class ParsedGraph:
    """The parsed files by kind (data, ontology, shapes), and which files describe which subject."""

    by_kind: dict[str, Graph] = field(default_factory=dict)
    files_by_subject: dict[URIRef, set[Path]] = field(default_factory=dict)
    files_by_object: dict[URIRef, set[Path]] = field(default_factory=dict)

    def files_for(self, node: URIRef) -> set[Path]:
        """Files describing ``node``, or else the files that refer to it (for dangling references)."""
        return self.files_by_subject.get(node) or self.files_by_object.get(node, set())

    def kind(self, name: str) -> Graph:
        return self.by_kind.setdefault(name, Graph())


def parse_all(sources: list[SourceFile]) -> ParsedGraph:
    """Parse every file, naming each broken one (not only the first) in the error."""
    parsed = ParsedGraph()
    errors: list[DataFileError] = []
    for source in sources:
        try:
            graph = parse_file(source, into=Graph())
        except DataFileError as exc:
            errors.append(exc)
            continue
        except DataFilesError as exc:
            errors.extend(exc.errors)
            continue
        target = parsed.kind(source.kind)
        target += graph
        for subject in set(graph.subjects()):
            if isinstance(subject, URIRef):
                parsed.files_by_subject.setdefault(subject, set()).add(source.path)
        for obj in set(graph.objects()):
            if isinstance(obj, URIRef):
                parsed.files_by_object.setdefault(obj, set()).add(source.path)
    if errors:
        raise DataFilesError(errors)
    return parsed


def _quads(source: SourceFile):
    try:
        yield from ox.parse(path=str(source.path), format=source.ox_format)
    except (SyntaxError, OSError) as exc:
        raise read_error(source, exc) from exc


def read_error(source: SourceFile, exc: SyntaxError | OSError) -> DataFileError:
    """pyoxigraph's parse or read error for a file as one line naming the file and the line."""
    if isinstance(exc, SyntaxError):
        return DataFileError(source.path, exc.lineno, re.sub(r"\s*\([^()]*, line \d+\)$", "", str(exc))[:300])
    return DataFileError(source.path, None, exc.strerror or type(exc).__name__)


def write_nquads(sources: list[SourceFile], out: Path, rebase=None) -> None:
    """Write the quads of every file as one N-Quads file, each triple in its file's named graph (TriG and N-Quads
    keep their own graph names, as ``Store.bulk_load`` does), parsing each with pyoxigraph; every file that does not
    parse, or writes an ill-typed literal, is named (with the line), not only the first. ``rebase`` (a function of a
    term) rewrites subjects and objects on the way. The file is what validation reads (the engine sees the union of
    the graphs) and what the store bulk-loads, so the build reads each source once."""
    errors: list[DataFileError] = []

    def quads():
        for source in sources:
            graph = ox.NamedNode(source.graph)
            bad: set[tuple[str, str]] = set()
            try:
                for quad in _quads(source):
                    obj = quad.object
                    if isinstance(obj, ox.Literal) and is_ill_typed(obj.value, obj.datatype.value):
                        bad.add((obj.value, obj.datatype.value))
                    name = graph if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name
                    if rebase is None:
                        yield ox.Quad(quad.subject, quad.predicate, obj, name)
                    else:
                        yield ox.Quad(rebase(quad.subject), quad.predicate, rebase(obj), name)
            except DataFileError as exc:
                errors.append(exc)
            errors.extend(ill_typed_errors(source.path, bad))

    ox.serialize(quads(), str(out), format=ox.RdfFormat.N_QUADS)
    if errors:
        raise DataFilesError(errors)


def files_describing(sources: list[SourceFile], nodes: set[str]) -> dict[str, set[Path]]:
    """IRI -> the files with it as a subject, or else the files that refer to it (for dangling references); read
    only when validation reports something, so a clean build never pays for it."""
    subjects: dict[str, set[Path]] = {}
    objects: dict[str, set[Path]] = {}
    for source in sources:
        for quad in _quads(source):
            if quad.subject.value in nodes:
                subjects.setdefault(quad.subject.value, set()).add(source.path)
            if isinstance(quad.object, ox.NamedNode) and quad.object.value in nodes:
                objects.setdefault(quad.object.value, set()).add(source.path)
    return {node: subjects.get(node) or objects.get(node, set()) for node in nodes}


class DataFilesError(Exception):
    """One or more files failed to parse; ``errors`` lists each."""

    def __init__(self, errors: list[DataFileError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def __reduce__(self):  # crosses from the build's process to the one that asked for it
        return type(self), (self.errors,)
