"""What the service holds while it runs: settings, the store, the query catalogue."""

from dataclasses import dataclass

from aichr_kg.build import build
from aichr_kg.catalogue import Catalogue
from aichr_kg.remote import RemoteStore
from aichr_kg.settings import Settings, StoreKind
from aichr_kg.sources import SourceFile
from aichr_kg.store import EmbeddedStore


@dataclass
class GraphState:
    settings: Settings
    store: EmbeddedStore | RemoteStore
    catalogue: Catalogue

    @classmethod
    def from_settings(cls, settings: Settings) -> "GraphState":
        if settings.store is StoreKind.remote:  # the graph lives in the server (`aichr-kg load` put it there)
            return cls(settings, RemoteStore.from_settings(settings), Catalogue(settings))
        extra = [SourceFile(p, _extra_graph(p, settings), "extra") for p in settings.extra]
        result = build(settings, extra=extra)
        return cls(settings, result.store, Catalogue(settings))


def _extra_graph(path, settings: Settings) -> str:
    """The graph an extra file's triples go into: ``extra_graph_base`` + the file name, or else the file's
    ``file:`` URI. TriG and N-Quads keep their own graph names (only their default-graph triples go there)."""
    if settings.extra_graph_base:
        return settings.extra_graph_base + path.name
    return path.resolve().as_uri()
