"""SHACL validation of the curated data, with reports a curator can act on.

Each violation names the focus node, the shape, the message and the data file(s) the node
is described in, so that the fix is one look away.
"""

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from aichr_kg.namespaces import SH
from aichr_kg.parsing import ParsedGraph, files_describing, write_nquads
from aichr_kg.sources import SourceFile


@dataclass(frozen=True)
class Violation:
    focus: str
    shape: str
    message: str
    path: str | None
    value: str | None
    severity: str
    files: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.files) or "(no file)"
        detail = f" [{self.path}]" if self.path else ""
        return f"{where}: {self.focus}{detail}: {self.message} (shape {self.shape})"


def _relative(path: Path, root: Path | None) -> str:
    """A file's path as reports show it: relative to the project root when it is under it."""
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def _owners_by_message(shapes: Graph) -> dict[str, str]:
    """Message -> IRI of the named node shape it belongs to, to name blank-node property shapes in reports."""
    owners: dict[str, str] = {}
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        if not isinstance(node_shape, URIRef):
            continue
        parts = [node_shape, *shapes.objects(node_shape, SH.property), *shapes.objects(node_shape, SH.sparql)]
        for part in parts:
            for message in shapes.objects(part, SH.message):
                owners.setdefault(str(message), str(node_shape))
    return owners


def _results(report: Graph, files_for, root: Path | None, owners: dict[str, str]) -> list[Violation]:
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        if not isinstance(shape, URIRef):
            shape = owners.get(str(message), shape)
        out.append(
            Violation(
                focus=str(focus),
                shape=str(shape),
                message=str(message) if message is not None else "constraint not met",
                path=str(path) if isinstance(path, URIRef) else None,
                value=str(value) if value is not None else None,
                severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                files=tuple(sorted(_relative(p, root) for p in files_for(focus))),
            )
        )
    return sorted(out, key=lambda v: (v.files, v.focus, v.shape, v.path or "", v.message, v.value or "", v.severity))


# `shacl` (a Rust engine reading N-Triples straight from a file) is the default: it reports exactly what pyshacl, the
# reference, reports on every shape fixture and on the curated data (tests/test_validation.py proves it), and
# validates 10^5 triples in a fraction of a second where the rdflib-based engines need seconds (bench/: build
# phases). pyshacl-turbo and pyshacl stay selectable, and the tests hold all three to the same answers.
ENGINES = ("shacl", "pyshacl-turbo", "pyshacl")


def _engine(name: str):
    if name == "pyshacl-turbo":
        from pyshacl_turbo import validate
    elif name == "pyshacl":
        from pyshacl import validate
    else:
        raise ValueError(f"unknown SHACL engine {name!r}; choose one of {', '.join(ENGINES)}")
    return validate


_IRI = re.compile(r"^<([^<>]*)>$")


def _plain(term: str | None) -> str | None:
    """An N-Triples IRI as the IRI itself; anything else (a rendered path, a literal) as it is."""
    if term is None:
        return None
    match = _IRI.match(term)
    return match.group(1) if match else term


def _rust_results(report, files_for, root: Path | None) -> list[Violation]:
    """The `shacl` engine's results as Violations, named the way pyshacl's report is read by ``_results``."""
    out = []
    for result in report.results:
        focus = _plain(result.focus_node)
        path = _plain(result.path) if result.path and _IRI.match(result.path) else None
        out.append(Violation(
            focus=focus, shape=_plain(result.root_shape or result.source_shape) or "", path=path,
            message=result.message if result.message is not None else "constraint not met",
            value=result.value_plain, severity=result.severity,
            files=tuple(sorted(_relative(p, root) for p in files_for(URIRef(focus)))),
        ))
    return sorted(out, key=lambda v: (v.files, v.focus, v.shape, v.path or "", v.message, v.value or "", v.severity))


LEXICAL_CHECK = "https://w3id.org/aichr-kg/shapes#LexicalForm"  # names the check in reports (not a SHACL shape)


def _ill_typed(data: Graph, files_for, root: Path | None) -> list[Violation]:
    from rdflib import Literal

    from aichr_kg.lexical import describe, is_ill_typed

    out = [Violation(focus=str(s), shape=LEXICAL_CHECK, message=describe(str(o), str(o.datatype)),
                     path=str(p), value=str(o), severity="Violation",
                     files=tuple(sorted(_relative(f, root) for f in files_for(s))))
           for s, p, o in data if isinstance(o, Literal) and o.datatype is not None
           and is_ill_typed(str(o), str(o.datatype))]
    return sorted(out, key=lambda v: (v.files, v.focus, v.path or "", v.value or ""))


def _rust_shapes(text: str, fmt: str = "ntriples"):
    import shacl

    return shacl.Shapes.from_text(text, format=fmt)


def validate_graph(data: Graph, shapes: Graph, ontology: Graph, files_for=lambda node: (), root: Path | None = None,
                   engine: str = ENGINES[0]) -> list[Violation]:
    """Validate ``data`` (with the ontology mixed in, so subclasses meet their superclass shapes).

    Ill-typed literals are refused before any engine runs (``aichr_kg.lexical``): every engine then gives the same
    answer, one Violation per such literal, where they would otherwise disagree."""
    ill_typed = _ill_typed(data, files_for, root)
    if ill_typed:
        return ill_typed
    if engine == "shacl":
        merged = Graph()
        merged += data
        merged += ontology
        report = _rust_shapes(shapes.serialize(format="nt")).validate_text(
            merged.serialize(format="nt"), format="ntriples", allow_warnings=True)
        return _rust_results(report, files_for, root)
    _conforms, report, _text = _engine(engine)(
        data_graph=data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return _results(report, files_for, root, _owners_by_message(shapes))


def validate_parsed(parsed: ParsedGraph, root: Path | None = None, engine: str = ENGINES[0]) -> list[Violation]:
    return validate_graph(parsed.kind("data"), parsed.kind("shapes"), parsed.kind("ontology"), parsed.files_for, root, engine)


def validate_files(files: list[SourceFile], root: Path | None = None, engine: str = ENGINES[0],
                   keep: Path | None = None) -> list[Violation]:
    """Validate the files as the build does, without an rdflib graph on the default engine: pyoxigraph writes the data
    and the ontology as one N-Quads file (naming every file that does not parse; the engine reads the union of its
    graphs), the shapes as another, and the engine reads them; which files describe a reported node is looked up only
    when something is reported. With ``keep`` (a folder) the two files stay there as ``data.nq`` and ``shapes.nq``,
    for the build to load into the store without parsing the sources again."""
    if engine != "shacl":
        from aichr_kg.parsing import parse_all

        return validate_parsed(parse_all(files), root, engine)
    with tempfile.TemporaryDirectory(prefix="aichr-kg-validate-") as tmp:
        import shacl

        data_nq, shapes_nq = write_sources(files, keep or Path(tmp))
        report = shacl.Shapes.from_file(str(shapes_nq)).validate_file(str(data_nq), allow_warnings=True)
    described = files_describing([f for f in files if f.kind == "data"],
                                 {_plain(r.focus_node) for r in report.results}) if report.results else {}
    return _rust_results(report, lambda node: described.get(str(node), set()), root)


def write_sources(files: list[SourceFile], folder: Path, rebase=None) -> tuple[Path, Path]:
    """``folder/data.nq`` (the data and the ontology, each file in its graph) and ``folder/shapes.nq``."""
    data_nq, shapes_nq = folder / "data.nq", folder / "shapes.nq"
    write_nquads([f for f in files if f.kind in ("data", "ontology")], data_nq, rebase)
    write_nquads([f for f in files if f.kind == "shapes"], shapes_nq, rebase)
    return data_nq, shapes_nq
