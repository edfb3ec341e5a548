"""Which files make up the graph, and which named graph each one goes into.

A statement's named graph is its basis, so the folder a curator puts a file in decides what the graph claims:
``data/<slug>/**/*.ttl`` goes into ``graph/<slug>`` (what that source document states, and only that), a
``readings/`` folder anywhere under it into ``graph/<slug>/readings`` (what curators read into the document),
``data/curator-background/`` into ``graph/curator-background`` (cited facts from outside the sources) and
``data/reference/`` into ``graph/reference`` (vocabularies and identifiers). The ontology and the shapes get graphs
of their own so that they can be queried and dereferenced like the data.
"""

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from aichr_kg.namespaces import graph_iri
from aichr_kg.settings import Settings

RDF_SUFFIXES = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld", ".rdf": "xml", ".owl": "xml"}
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
              "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    graph: str  # IRI of the named graph the file's triples go into
    kind: str  # "ontology", "shapes" or "data"

    @property
    def rdf_format(self) -> str:
        """rdflib's name of the file's format."""
        return RDF_SUFFIXES[self.path.suffix]

    @property
    def ox_format(self) -> ox.RdfFormat:
        """pyoxigraph's format of the file."""
        return OX_FORMATS[self.rdf_format]


def _ttl_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ttl") if p.is_file())


def ontology_files(settings: Settings) -> list[SourceFile]:
    return [SourceFile(p, graph_iri("ontology", settings.base), "ontology") for p in _ttl_files(settings.ontology_dir)]


def shapes_files(settings: Settings) -> list[SourceFile]:
    return [SourceFile(p, graph_iri("shapes", settings.base), "shapes") for p in _ttl_files(settings.shapes_dir)]


READINGS = "readings"  # the folder (and graph-name suffix) of curators' readings of a document


def data_graph_name(relative: Path) -> str:
    """Graph name of a data file from its path under ``data/``: its top folder, plus ``/readings`` inside one."""
    top = relative.parts[0]
    return f"{top}/{READINGS}" if READINGS in relative.parts[1:-1] else top


def data_files(settings: Settings) -> list[SourceFile]:
    files = []
    for folder in sorted(p for p in settings.data_dir.iterdir() if p.is_dir()):
        files.extend(SourceFile(p, graph_iri(data_graph_name(p.relative_to(settings.data_dir)), settings.base), "data")
                     for p in _ttl_files(folder))
    return files


def all_files(settings: Settings) -> list[SourceFile]:
    return ontology_files(settings) + shapes_files(settings) + data_files(settings)


def extra_files(settings: Settings) -> list[SourceFile]:
    """A researcher's own files served beside the graph (``Settings.extra``), each in a graph of its own:
    ``extra_graph_base`` + the file name, or else the file's ``file:`` URI. TriG and N-Quads keep their own
    graph names (only their default-graph triples go there)."""
    return [SourceFile(p, (settings.extra_graph_base + p.name) if settings.extra_graph_base else p.resolve().as_uri(),
                       "extra") for p in settings.extra]
