"""What the service holds while it runs: settings, the store, the query catalogue."""

from dataclasses import dataclass

from aichr_kg.build import build
from aichr_kg.catalogue import Catalogue
from aichr_kg.settings import Settings
from aichr_kg.sources import SourceFile
from aichr_kg.store import EmbeddedStore


@dataclass
class GraphState:
    settings: Settings
    store: EmbeddedStore
    catalogue: Catalogue

    @classmethod
    def from_settings(cls, settings: Settings) -> "GraphState":
        extra = [SourceFile(p, _extra_graph(p, settings), "extra") for p in settings.extra]
        result = build(settings, extra=extra)
        return cls(settings, result.store, Catalogue(settings))


def _extra_graph(path, settings: Settings) -> str:
    """Triples of an extra Turtle/N-Triples file go into a graph named after the file; TriG/N-Quads keep their own names."""
    return f"{settings.base}graph/extra/{path.stem}"
