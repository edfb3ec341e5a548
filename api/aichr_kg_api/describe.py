"""Documents: what the service says about an entity, the ontology, the shapes or a named graph.

An entity's document holds its own statements, the links pointing to it (a page of them), the labels
of every resource it links to or is linked from, and the source documents it is derived from with
their titles. Everything comes from system queries (``queries/system/``) with the entity bound as a
parameter; an entity's document from one of them (``entity-document``). No web code here: routes turn
these into responses.
"""

from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from aichr_kg.catalogue import Catalogue
from aichr_kg.store import Store

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
FOAF_PRIMARY_TOPIC = ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic")
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_LICENSE = ox.NamedNode("http://purl.org/dc/terms/license")
CC_BY = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
VOID_IN_DATASET = ox.NamedNode("http://rdfs.org/ns/void#inDataset")
HYDRA = "http://www.w3.org/ns/hydra/core#"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class PageOutOfRange(LookupError):
    """A page number past the last page."""


def rows(store: Store, sparql: str, params: dict, offset: int = 0, limit: int | None = None) -> list[dict]:
    """SELECT rows offset..offset+limit; the embedded store reads them lazily instead of fetching all."""
    if hasattr(store, "raw"):
        result = store.raw(sparql, params)
        names = [v.value for v in result.variables]
        stop = None if limit is None else offset + limit
        return [{n: s[n] for n in names if s[n] is not None} for s in islice(result, offset, stop)]
    table = store.select(sparql, params)
    return table.rows[offset:None if limit is None else offset + limit]


def _count(store: Store, sparql: str, params: dict) -> int:
    found = store.select(sparql, params).rows
    return int(found[0]["count"].value) if found else 0


def pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


@dataclass
class Incoming:
    subject: ox.NamedNode | ox.BlankNode
    property: ox.NamedNode
    label: ox.Literal | None


@dataclass
class EntityDocument:
    entity: ox.NamedNode
    document: str  # the document's IRI (base + doc/...)
    statements: dict[tuple, set[str]]  # (predicate, object) -> names of the graphs stating it
    labels: dict[str, list[ox.Literal]]  # IRI of a linked resource -> its labels
    sources: list[tuple[ox.NamedNode, ox.Literal | None]]
    incoming: list[Incoming]
    incoming_total: int
    page: int
    page_size: int
    dataset: str | None = None  # the dataset's IRI (void:inDataset of the document)
    incoming_links: list[tuple] = field(default_factory=list)  # (subject, property) of every link, all pages

    @property
    def last_page(self) -> int:
        return pages(self.incoming_total, self.page_size)

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page

    def objects(self, predicate: str) -> list:
        return [o for (p, o) in self.statements if p.value == predicate]

    def triples(self) -> list[ox.Triple]:
        """The document as RDF: statements, this page of incoming links, labels, source titles."""
        out = [ox.Triple(self.entity, p, o) for (p, o) in self.statements]
        out += [ox.Triple(i.subject, i.property, self.entity) for i in self.incoming]
        for iri, labels in self.labels.items():
            out += [ox.Triple(ox.NamedNode(iri), RDFS_LABEL, label) for label in labels]
        out += [ox.Triple(source, DCT_TITLE, title) for source, title in self.sources if title is not None]
        doc = ox.NamedNode(self.document)
        out += [ox.Triple(doc, RDF_TYPE, FOAF_DOCUMENT), ox.Triple(doc, FOAF_PRIMARY_TOPIC, self.entity),
                ox.Triple(doc, DCT_LICENSE, CC_BY)]
        if self.dataset:
            out.append(ox.Triple(doc, VOID_IN_DATASET, ox.NamedNode(self.dataset)))
        out += self._paging(doc)
        return list(dict.fromkeys(out))

    def _paging(self, doc: ox.NamedNode) -> list[ox.Triple]:
        """Hydra paging in the RDF itself, so an RDF client knows it holds one page of the incoming links."""
        if self.last_page <= 1:
            return []

        def page_iri(n: int) -> ox.NamedNode:
            return ox.NamedNode(self.document if n == 1 else f"{self.document}?page={n}")

        def hydra(name: str) -> ox.NamedNode:
            return ox.NamedNode(HYDRA + name)

        view = page_iri(self.page)
        out = [ox.Triple(doc, hydra("view"), view), ox.Triple(view, RDF_TYPE, hydra("PartialCollectionView")),
               ox.Triple(doc, hydra("totalItems"), ox.Literal(str(self.incoming_total), datatype=XSD_INTEGER)),
               ox.Triple(view, hydra("first"), page_iri(1)), ox.Triple(view, hydra("last"), page_iri(self.last_page))]
        if self.has_next:
            out.append(ox.Triple(view, hydra("next"), page_iri(self.page + 1)))
        if self.page > 1:
            out.append(ox.Triple(view, hydra("previous"), page_iri(self.page - 1)))
        return out


def entity_document(store: Store, catalogue: Catalogue, iri: str, document: str,
                    page: int = 1, page_size: int = 100, dataset: str | None = None) -> EntityDocument | None:
    """The document of an entity, or None if the IRI occurs nowhere in the graph: one query
    (``entity-document``), whose rows are sorted into the document's parts here."""
    entity = ox.NamedNode(iri)
    statements: dict[tuple, set[str]] = {}
    incoming: dict[tuple, list[str]] = {}  # (subject, property) -> the subject's labels
    labels: dict[str, list[ox.Literal]] = {}
    sources: dict[ox.NamedNode, list[ox.Literal]] = {}
    for row in store.raw(catalogue.system("entity-document"), {"entity": entity}):
        part = row["part"].value
        if part == "statement":
            statements.setdefault((row["p"], row["o"]), set()).add(row["g"].value)
        elif part == "incoming":
            found = incoming.setdefault((row["subject"], row["property"]), [])
            if row["label"] is not None:
                found.append(row["label"])
        elif part == "label" and isinstance(row["resource"], ox.NamedNode):
            known = labels.setdefault(row["resource"].value, [])
            if row["label"] not in known:
                known.append(row["label"])
        elif part == "source":
            titles = sources.setdefault(row["source"], [])
            if row["title"] is not None:
                titles.append(row["title"])
    if not statements and not incoming:
        return None
    total = len(incoming)
    if page > pages(total, page_size):
        raise PageOutOfRange(f"page {page} does not exist: the links to this entity fill {pages(total, page_size)} page(s)")
    links = sorted((Incoming(subject, prop, _least(found)) for (subject, prop), found in incoming.items()),
                   key=_incoming_order)[(page - 1) * page_size:page * page_size]
    for link in links:
        if link.label is not None and isinstance(link.subject, ox.NamedNode):
            labels.setdefault(link.subject.value, [link.label])
    titled = sorted(((source, _least(titles)) for source, titles in sources.items()),
                    key=lambda st: (st[1] is not None, st[1].value.lower() if st[1] is not None else "", st[0].value))
    return EntityDocument(entity, document, statements, labels, titled, links, total, page, page_size,
                          dataset, list(incoming))


def _least(literals: list[ox.Literal]) -> ox.Literal | None:
    """The first of the literals in lexical order (SPARQL's MIN over a subject's labels)."""
    return min(literals, key=lambda lit: (lit.value, lit.language or "")) if literals else None


def _incoming_order(link: Incoming) -> tuple:
    """By property, then the subject's label without case (no label first), then the subject (blank nodes first):
    the order ``ORDER BY ?property LCASE(STR(?label)) ?subject`` gives."""
    label = link.label
    return (link.property.value, label is not None, label.value.lower() if label is not None else "",
            isinstance(link.subject, ox.NamedNode), link.subject.value)


@dataclass
class GraphPage:
    graph: str
    total: int
    page: int
    page_size: int
    triples: list[tuple] = field(default_factory=list)  # (s, p, o) terms

    @property
    def last_page(self) -> int:
        return pages(self.total, self.page_size)

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page


def graph_size(store: Store, catalogue: Catalogue, graph: str) -> int:
    return _count(store, catalogue.system("graph-size"), {"graph": ox.NamedNode(graph)})


def graph_triples(store: Store, catalogue: Catalogue, graph: str) -> list[ox.Triple]:
    """The whole named graph (its RDF documents)."""
    return store.construct(catalogue.system("graph-construct"), {"graph": ox.NamedNode(graph)})


def graph_page(store: Store, catalogue: Catalogue, graph: str, total: int, page: int, page_size: int) -> GraphPage:
    """One page of a named graph's triples, in the store's order (subject by subject)."""
    if page > pages(total, page_size):
        raise PageOutOfRange(f"page {page} does not exist: this graph fills {pages(total, page_size)} page(s)")
    found = rows(store, catalogue.system("graph-triples"), {"graph": ox.NamedNode(graph)}, (page - 1) * page_size, page_size)
    return GraphPage(graph, total, page, page_size, [(r["s"], r["p"], r["o"]) for r in found])


def is_version_of(store: Store, catalogue: Catalogue, document: str, version: str) -> bool:
    return store.ask(catalogue.system("version-of"), {"document": ox.NamedNode(document), "version": ox.NamedNode(version)})
