"""The ontology's documentation as one HTML page, rendered by pyLODE (its OntPub profile) from the ontology graph.

Rendered from the graph as built (so the version IRI shown is the build's data version): by ``aichr-kg build``
into ``dist/ontology.html``, and by the service once per run for ``/ontology`` in HTML. The page holds no
script but a JSON-LD data block, inline styles and data: icons, which the service's CSP allows.
"""

import logging

from rdflib import BNode, Graph, Literal, URIRef

from aichr_kg.namespaces import graph_iri


def _import_pylode():
    """pyLODE's loader calls ``logging.basicConfig(level=DEBUG)`` when imported: give the root logger a handler
    for the moment of the import so that call changes nothing, and take it away again."""
    root = logging.getLogger()
    guard = None if root.handlers else logging.NullHandler()
    if guard is not None:
        root.addHandler(guard)
    try:
        from pylode import OntPub
    finally:
        if guard is not None:
            root.removeHandler(guard)
    return OntPub


def _rdflib(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def ontology_graph(triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    return graph


def render(triples, namespace: str | None = None) -> str:
    """pyLODE's HTML for these ontology triples (pyoxigraph terms).

    pyLODE names each term's anchor after its label ("ASEANbody"); the terms of ``namespace`` get their
    local name instead (``#ASEANBody``), so that a hash IRI opened in a browser lands on its term.
    """
    graph = ontology_graph(triples)
    document = _import_pylode()(graph)
    if namespace:
        document.fids.update({str(s): str(s)[len(namespace):] for s in set(graph.subjects())
                              if isinstance(s, URIRef) and str(s).startswith(namespace) and len(str(s)) > len(namespace)})
    return document.make_html()


def render_store(store, settings) -> str:
    """The documentation of the ontology graph of a built store."""
    import pyoxigraph as ox

    graph = ox.NamedNode(graph_iri("ontology", settings.base))
    return render([ox.Triple(q.subject, q.predicate, q.object) for q in store.oxi.quads_for_pattern(None, None, None, graph)],
                  settings.base + "ontology#")
