"""Write a document's triples in an RDF format: pyoxigraph's writers, and compact JSON-LD.

pyoxigraph writes JSON-LD in expanded form (full IRIs everywhere); documents are read by people
and scripts, so JSON-LD here gets a ``@context`` of the project's prefixes and compact IRIs
(``"@id": "body:aichr"``, ``"rdfs:label"``). It expands back to exactly the same triples.
"""

import json
from collections.abc import Iterable

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


def write(triples: Iterable, fmt: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """Triples (or quads, for TriG and N-Quads) in ``fmt``; JSON-LD compacted with ``prefixes``."""
    if fmt == ox.RdfFormat.JSON_LD:
        return compact_jsonld(triples, prefixes)
    if fmt in _PREFIXED:
        return ox.serialize(triples, format=fmt, prefixes=used_prefixes(triples, prefixes))
    return ox.serialize(triples, format=fmt)


def used_prefixes(triples: Iterable, prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of the triples falls in (a short header)."""
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


class _Compactor:
    def __init__(self, prefixes: dict[str, str]):
        # longest namespace first, so that body: wins over a shorter namespace holding it
        self.namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.used: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        for prefix, ns in self.namespaces:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if local and not local.startswith("//"):
                    self.used[prefix] = ns
                    return f"{prefix}:{local}"
        return iri

    def node(self, term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.iri(term.value)

    def value(self, term):
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if datatype == XSD_STRING:
                return term.value
            return {"@value": term.value, "@type": self.iri(datatype)}
        return {"@id": self.node(term)}


def compact_jsonld(triples: Iterable, prefixes: dict[str, str]) -> bytes:
    compactor = _Compactor(prefixes)
    nodes: dict[str, dict] = {}
    for t in triples:
        subject = compactor.node(t.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(compactor.iri(t.object.value))
        else:
            node.setdefault(compactor.iri(t.predicate.value), []).append(compactor.value(t.object))
    graph = [{k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in node.items()} for node in nodes.values()]
    document = {"@context": dict(sorted(compactor.used.items())), "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
