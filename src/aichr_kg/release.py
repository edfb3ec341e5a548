"""A build's data version: the project's semantic version plus a hash of what the build is made from.

``0.1.0+3f2a9c1b7d0e`` (SemVer build metadata): the first part is the release (``__version__``, kept in
``pyproject.toml`` through hatch), the second the first 12 hex digits of SHA-256 over every source file
(ontology, shapes, data: its graph, name and bytes) and every derivation rule, so two builds with the same
version hold the same statements and any edit shows. The build writes it into the graph itself
(``owl:versionIRI`` / ``owl:versionInfo`` of the ontology and the shapes) and names the dumps with it; VoID
and the service description read it from there.
"""

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from aichr_kg import __version__
from aichr_kg.namespaces import graph_iri
from aichr_kg.settings import Settings
from aichr_kg.sources import all_files

OWL = "http://www.w3.org/2002/07/owl#"


@dataclass(frozen=True)
class Release:
    release: str  # the semantic version, "0.1.0"
    content: str  # 12 hex digits of the content hash

    @property
    def version(self) -> str:
        return f"{self.release}+{self.content}"


def content_hash(settings: Settings) -> str:
    digest = hashlib.sha256(settings.base.encode())
    for source in all_files(settings):
        digest.update(f"\0{source.kind}\0{source.graph}\0{source.path.relative_to(settings.root)}\0".encode())
        digest.update(source.path.read_bytes())
    for rule in sorted((settings.queries_dir / "rules").glob("*.rq")):
        digest.update(f"\0rule\0{rule.name}\0".encode())
        digest.update(rule.read_bytes())
    return digest.hexdigest()[:12]


def current(settings: Settings) -> Release:
    return Release(__version__, content_hash(settings))


def stamp(store, settings: Settings, release: Release) -> None:
    """Give the ontology and the shapes (in their graphs, and in the merged default graph) this build's version IRI
    and version info in place of the ones their files carry."""
    for name in ("ontology", "shapes"):
        document, graph = ox.NamedNode(settings.base + name), ox.NamedNode(graph_iri(name, settings.base))
        for target in (graph, ox.DefaultGraph()):
            for predicate in ("versionIRI", "versionInfo"):
                for quad in list(store.oxi.quads_for_pattern(document, ox.NamedNode(OWL + predicate), None, target)):
                    store.oxi.remove(quad)
            store.oxi.add(ox.Quad(document, ox.NamedNode(OWL + "versionIRI"),
                                  ox.NamedNode(f"{settings.base}{name}/{release.version}"), target))
            store.oxi.add(ox.Quad(document, ox.NamedNode(OWL + "versionInfo"), ox.Literal(release.version), target))


def read_version(store, settings: Settings) -> str | None:
    """The version a built store (or a remote server loaded from one) carries: the ontology's owl:versionInfo."""
    sparql = (settings.queries_dir / "system" / "version-info.rq").read_text(encoding="utf-8")
    rows = store.select(sparql, {"document": ox.NamedNode(settings.base + "ontology")}).rows
    return rows[0]["version"].value if rows else None
