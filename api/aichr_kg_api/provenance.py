"""Where each answer row comes from: its source documents, and whether part of it is a curators' reading.

A statement's basis is its named graph (see ``aichr_kg.sources``): ``dcterms:source`` on an entity (derived
from the source graphs that state something about it) names the documents; a readings graph or the
curators' background graph holding statements about it means part of what is shown rests on the
curators, with their note saying what. Both are read once per service into a :class:`Provenance`
index, so shaping an answer costs no query per row.

Which entities a row's facts are about is the question's business: its header names them
(``sources: [event]``); a column there may hold one IRI or a list of them separated by "; " (an
aggregate row: the events a count was made of, from GROUP_CONCAT).
"""

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from aichr_kg.catalogue import Catalogue
from aichr_kg_api.dates import date_text
from aichr_kg_api.i18n import N_
from aichr_kg_api.templating import href

AK = "https://w3id.org/aichr-kg/ontology#"


@dataclass(frozen=True)
class Source:
    iri: str
    href: str | None
    title: str  # the document's full title
    short: str  # what a table cell shows: the title cut to a few words
    kind: str  # press release, background note... (dcterms:type), or ""
    date: str  # date of issue as a person reads it, or ""
    url: str | None  # the published original, where the graph knows it

    @property
    def citation(self) -> str:
        """One line for a file or a printed brief: 'Full title (press release, 8 May 2024) <url>'."""
        said = ", ".join(x for x in (self.kind, self.date) if x)
        return f"{self.title}{f' ({said})' if said else ''}{f' {self.url}' if self.url else ''}"

    def as_json(self) -> dict:
        return {"iri": self.iri, "href": self.href, "title": self.title, "short": self.short, "kind": self.kind,
                "date": self.date, "url": self.url}


@dataclass(frozen=True)
class Reading:
    """Part of a row rests on the curators: a reading of a document, or background from outside the documents."""

    kind: str  # "reading" or "background"
    note: str  # the curator note, or "" when the graph has none for this entity

    @property
    def words(self) -> str:
        """The message (catalogue's msgid) saying what the row rests on; pages and files translate it."""
        return (N_("Partly a curators' reading of the source") if self.kind == "reading"
                else N_("Partly from the curators' background knowledge, not the documents"))


@dataclass
class RowBasis:
    sources: list[Source] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)

    def text(self, gettext=lambda message: message) -> str:
        """The row's sources in one cell of a file: citations, then the curators' part in words with the note."""
        parts = [s.citation for s in self.sources]
        parts += [f"{gettext(r.words)}{f': {r.note}' if r.note else ''}" for r in self.readings]
        return "; ".join(parts)

    def as_json(self) -> dict:
        return {"sources": [s.as_json() for s in self.sources],
                "readings": [{"kind": r.kind, "words": r.words, "note": r.note} for r in self.readings]}


def shorten(title: str, words: int = 9) -> str:
    """A long official title cut after a few words, so a table cell stays readable (the full title is its tooltip)."""
    split = title.split()
    return title if len(split) <= words else " ".join(split[:words]) + "…"


class Provenance:
    """entity IRI -> its sources and the curators' part, for every entity of the graph."""

    def __init__(self, sources: dict[str, list[Source]], readings: dict[str, list[Reading]]):
        self.sources, self.readings = sources, readings

    @classmethod
    def read(cls, store, catalogue: Catalogue, base: str) -> "Provenance":
        sources: dict[str, list[Source]] = {}
        documents: dict[str, Source] = {}
        for row in store.select(catalogue.system("answer-sources")).rows:
            doc = row["doc"].value
            if doc not in documents:
                title = row["title"].value if "title" in row else doc.rsplit("/", 1)[-1].replace("-", " ")
                documents[doc] = Source(doc, href(doc, base), title, shorten(title),
                                        row["type"].value if "type" in row else "",
                                        date_text(row["issued"].value) if "issued" in row else "",
                                        row["url"].value if "url" in row else None)
            sources.setdefault(row["entity"].value, []).append(documents[doc])
        for found in sources.values():
            found.sort(key=lambda s: s.title.lower())
        readings: dict[str, list[Reading]] = {}
        for row in store.select(catalogue.system("answer-readings")).rows:
            kind = "reading" if row["kind"].value == AK + "ReadingsGraph" else "background"
            reading = Reading(kind, row["note"].value if "note" in row else "")
            found = readings.setdefault(row["entity"].value, [])
            if reading not in found:
                found.append(reading)
        for found in readings.values():  # a note says more than the bare mark of the same kind
            noted = {r.kind for r in found if r.note}
            found[:] = [r for r in found if r.note or r.kind not in noted]
        return cls(sources, readings)

    def basis(self, iris: list[str]) -> RowBasis:
        """The union of the sources (and curators' parts) of the entities a row is about, each once."""
        out = RowBasis()
        for iri in iris:
            for source in self.sources.get(iri, ()):
                if source not in out.sources:
                    out.sources.append(source)
            for reading in self.readings.get(iri, ()):
                if reading not in out.readings:
                    out.readings.append(reading)
        return out


def row_entities(row: dict, columns: tuple[str, ...]) -> list[str]:
    """The IRIs a row's facts are about: each named column's IRI, or the IRIs listed in its literal."""
    out: list[str] = []
    for name in columns:
        term = row.get(name)
        if isinstance(term, ox.NamedNode):
            out.append(term.value)
        elif isinstance(term, ox.Literal):
            out.extend(iri for iri in re.split(r"[;\s]+", term.value) if iri)
    return out


def coverage(linked, store, catalogue: Catalogue) -> dict[str, Any]:
    """What the graph is built from, said plainly: the documents, their dates, how much each contributes (the home,
    questions and dataset pages say it from this one reading, once per service)."""
    def read() -> dict[str, Any]:
        documents = []
        for row in store.select(catalogue.system("source-documents")).rows:
            issued = row["issued"].value if "issued" in row else ""
            documents.append({"href": href(row["doc"].value, linked.settings.base),
                              "title": row["title"].value if "title" in row else row["doc"].value,
                              "type": row["type"].value if "type" in row else "",
                              "date": date_text(issued) if issued else "undated",
                              "issued": issued, "url": row["url"].value if "url" in row else None,
                              "entities": int(row["entities"].value)})
        latest = max((d["issued"] for d in documents if d["issued"]), default="")
        return {"documents": documents, "latest": date_text(latest) if latest else None}
    return linked.cached("coverage", read)
