"""Which files make up the graph, and which named graph each one goes into.

``data/<folder>/**/*.ttl`` goes into ``graph/<folder>`` (one graph per source document, plus
``graph/reference``); the ontology and the shapes get graphs of their own so that they can be
queried and dereferenced like the data.
"""

from dataclasses import dataclass
from pathlib import Path

from aichr_kg.namespaces import graph_iri
from aichr_kg.settings import Settings

RDF_SUFFIXES = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld", ".rdf": "xml", ".owl": "xml"}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    graph: str  # IRI of the named graph the file's triples go into
    kind: str  # "ontology", "shapes" or "data"

    @property
    def rdf_format(self) -> str:
        return RDF_SUFFIXES[self.path.suffix]


def _ttl_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ttl") if p.is_file())


def ontology_files(settings: Settings) -> list[SourceFile]:
    return [SourceFile(p, graph_iri("ontology", settings.base), "ontology") for p in _ttl_files(settings.ontology_dir)]


def shapes_files(settings: Settings) -> list[SourceFile]:
    return [SourceFile(p, graph_iri("shapes", settings.base), "shapes") for p in _ttl_files(settings.shapes_dir)]


def data_files(settings: Settings) -> list[SourceFile]:
    files = []
    for folder in sorted(p for p in settings.data_dir.iterdir() if p.is_dir()):
        graph = graph_iri(folder.name, settings.base)
        files.extend(SourceFile(p, graph, "data") for p in _ttl_files(folder))
    return files


def all_files(settings: Settings) -> list[SourceFile]:
    return ontology_files(settings) + shapes_files(settings) + data_files(settings)


def extra_files(settings: Settings) -> list[SourceFile]:
    """A researcher's own files served beside the graph (``Settings.extra``), each in a graph of its own:
    ``extra_graph_base`` + the file name, or else the file's ``file:`` URI. TriG and N-Quads keep their own
    graph names (only their default-graph triples go there)."""
    return [SourceFile(p, (settings.extra_graph_base + p.name) if settings.extra_graph_base else p.resolve().as_uri(),
                       "extra") for p in settings.extra]
