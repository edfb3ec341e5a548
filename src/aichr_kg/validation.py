"""SHACL validation of the curated data, with reports a curator can act on.

Each violation names the focus node, the shape, the message and the data file(s) the node
is described in, so that the fix is one look away.
"""

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from aichr_kg.namespaces import SH
from aichr_kg.parsing import ParsedGraph


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
    def rel(path: Path) -> str:
        try:
            return str(path.relative_to(root)) if root else str(path)
        except ValueError:
            return str(path)

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
                files=tuple(sorted(rel(p) for p in files_for(focus))),
            )
        )
    return sorted(out, key=lambda v: (v.files, v.focus, v.shape, v.path or "", v.message, v.value or "", v.severity))


# pyshacl-turbo (a Rust engine with pyshacl's API) is the default: it reports exactly what pyshacl reports
# on every shape fixture and on the curated data (tests/test_validation.py proves it), 3-5x faster.
ENGINES = ("pyshacl-turbo", "pyshacl")


def _engine(name: str):
    if name == "pyshacl-turbo":
        from pyshacl_turbo import validate
    elif name == "pyshacl":
        from pyshacl import validate
    else:
        raise ValueError(f"unknown SHACL engine {name!r}; choose one of {', '.join(ENGINES)}")
    return validate


def validate_graph(data: Graph, shapes: Graph, ontology: Graph, files_for=lambda node: (), root: Path | None = None,
                   engine: str = ENGINES[0]) -> list[Violation]:
    """Validate ``data`` (with the ontology mixed in, so subclasses meet their superclass shapes)."""
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
