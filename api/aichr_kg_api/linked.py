"""What the linked-data side holds while the service runs, built once at startup from the graph state.

The label index (search), the vocabulary (labels of classes and properties, the class hierarchy,
prefixes), the page templates, and the download dumps (written into a cache folder on first request).
"""

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
from fastapi import Depends, Request
from babel.support import NullTranslations
from jinja2 import Environment

from aichr_kg.dumps import DUMPS, write_dumps
from aichr_kg.catalogue import Catalogue
from aichr_kg.diskstore import kept, saved_names
from aichr_kg.search import LabelIndex, index_graph
from aichr_kg.settings import Settings
from aichr_kg.store import EmbeddedStore
from aichr_kg.vocabulary import Vocabulary
from aichr_kg_api.i18n import translations
from aichr_kg_api.state import GraphState
from aichr_kg_api.templating import make_environment

DUMP_NAME = "aichr-kg"
DUMP_MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "trig": "application/trig",
                    "nq": "application/n-quads", "jsonld": "application/ld+json"}


@dataclass
class Dumps:
    """The whole graph as files, written with ``aichr_kg.dumps.write_dumps`` the first time one is asked for."""

    folder: Path
    owned: bool  # a temporary folder this object made, removed on close
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _written: bool = False

    def path(self, suffix: str, store, catalogue: Catalogue) -> Path:
        if suffix not in DUMPS:
            raise KeyError(suffix)
        made = kept(store, "dumps", lambda folder: write_dumps(store, folder, DUMP_NAME)) \
            if isinstance(store, EmbeddedStore) else None
        if made is not None:  # the build's own, written once for every process and `aichr-kg build`
            return made / f"{DUMP_NAME}.{suffix}"
        with self._lock:
            if not self._written:
                write_dumps(store if isinstance(store, EmbeddedStore) else _copy(store, catalogue), self.folder, DUMP_NAME)
                self._written = True
        return self.folder / f"{DUMP_NAME}.{suffix}"

    def close(self) -> None:
        if self.owned:
            shutil.rmtree(self.folder, ignore_errors=True)


def _copy(store, catalogue: Catalogue) -> EmbeddedStore:
    """An in-memory copy of a remote store's named graphs (for writing dumps, once)."""
    rows = store.select(catalogue.system("all-quads")).rows
    copy = EmbeddedStore()
    copy.oxi.extend(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
    copy.merge_default_graph()  # the triple dumps are the merge
    return copy


@dataclass
class LinkedData:
    settings: Settings
    vocabulary: Vocabulary
    index: LabelIndex
    templates: Environment
    dumps: Dumps
    words: NullTranslations = field(default_factory=NullTranslations)  # the interface's catalogue (i18n)
    _cache: dict = field(default_factory=dict)  # computed-once descriptions (VoID, ontology page)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_graph(cls, graph: GraphState) -> "LinkedData":
        settings = graph.settings
        saved = saved_names(graph.store, graph.catalogue, settings.base) if isinstance(graph.store, EmbeddedStore) else None
        vocabulary, index = saved or index_graph(graph.store, graph.catalogue, settings.base)
        if settings.cache_dir:
            dumps = Dumps(settings.cache_dir, owned=False)
        else:
            dumps = Dumps(Path(tempfile.mkdtemp(prefix="aichr-kg-dumps-")), owned=True)
        words = translations(settings)
        return cls(settings, vocabulary, index, make_environment(settings, vocabulary, index, words), dumps, words)

    def cached(self, key: str, make):
        """``make()`` once per key (descriptions of a graph that does not change while the service runs)."""
        with self._cache_lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def stats(self, graph: GraphState):
        """VoID's statistics (and the data version), computed once per run; the home page's Dataset uses them too."""
        from aichr_kg_api.void import dataset_stats

        return self.cached("void-stats", lambda: dataset_stats(graph.store, graph.catalogue, self.vocabulary))

    def close(self) -> None:
        self.dumps.close()


def get_linked(request: Request) -> LinkedData:
    return request.app.state.linked


LinkedDep = Annotated[LinkedData, Depends(get_linked)]
