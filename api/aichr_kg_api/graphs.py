"""What each named graph is, said the same way in the service description and in VoID.

The descriptions are data (``data/reference/graphs.ttl``, read by the ``graph-descriptions`` system query): the kind
of basis (source, readings, background, reference, derived), a label, a description and the document the graph
rests on. Either description adds them to its own node for the graph, next to the graph's size.
"""

from dataclasses import dataclass

import pyoxigraph as ox

from aichr_kg.store import Store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


@dataclass(frozen=True)
class GraphDescription:
    kind: str
    label: ox.Literal | None = None
    description: ox.Literal | None = None
    document: str | None = None


def graph_descriptions(store: Store, system) -> dict[str, GraphDescription]:
    """Graph IRI -> its description, for every graph described as data (``system`` looks up a system query)."""
    found: dict[str, GraphDescription] = {}
    for row in store.select(system("graph-descriptions")).rows:
        found.setdefault(row["graph"].value, GraphDescription(
            row["kind"].value, row.get("label"), row.get("description"),
            row["document"].value if "document" in row else None))
    return found


def description_triples(subject: ox.NamedNode | ox.BlankNode, described: GraphDescription | None) -> list[ox.Triple]:
    """The kind (``dcterms:type``), label (``dcterms:title``), description and document (``prov:wasDerivedFrom``)
    of a graph, said of ``subject``, the describing document's own node for that graph."""
    if described is None:
        return []
    out = [ox.Triple(subject, ox.NamedNode(DCT + "type"), ox.NamedNode(described.kind))]
    if described.label is not None:
        out.append(ox.Triple(subject, ox.NamedNode(DCT + "title"), described.label))
    if described.description is not None:
        out.append(ox.Triple(subject, ox.NamedNode(DCT + "description"), described.description))
    if described.document is not None:
        out.append(ox.Triple(subject, ox.NamedNode(PROV_DERIVED), ox.NamedNode(described.document)))
    return out
