"""Parse an HTTP response's RDF body back with rdflib, by its media type."""

from rdflib import Dataset, Graph

RDFLIB_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                  "application/rdf+xml": "xml", "application/trig": "trig", "application/n-quads": "nquads"}


def media_type(response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def parse(response) -> Graph:
    """The triples of a response (for TriG / N-Quads: a Dataset, whose union the Graph API iterates)."""
    fmt = RDFLIB_FORMATS[media_type(response)]
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=response.content, format=fmt)
        return dataset
    graph = Graph()
    graph.parse(data=response.content, format=fmt)
    return graph
