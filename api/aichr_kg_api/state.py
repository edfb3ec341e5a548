"""What the service holds while it runs: settings, the store, the query catalogue."""

from dataclasses import dataclass

from aichr_kg.diskstore import open_built
from aichr_kg.catalogue import Catalogue
from aichr_kg.remote import RemoteStore
from aichr_kg.settings import Settings, StoreKind
from aichr_kg.sources import extra_files
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
        result = open_built(settings, extra=extra_files(settings))  # on disk, shared by every process
        return cls(settings, result.store, Catalogue(settings))

    def close(self) -> None:
        """Let go of the remote server's pooled connections (the embedded store holds nothing to close)."""
        if isinstance(self.store, RemoteStore):
            self.store.close()
