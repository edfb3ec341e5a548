"""Content negotiation as tables: media type -> format, and one function that picks.

``Accept`` (with q-values) decides, a ``format`` parameter or a file suffix overrides it.
The tables map to pyoxigraph's own writers so responses are serialised without rdflib.
"""

from dataclasses import dataclass

import mimeparse
import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    media_type: str
    name: str  # value of the `format` parameter
    suffix: str | None  # file suffix selecting it, for documents
    writer: object  # pyoxigraph RdfFormat / QueryResultsFormat, or None for HTML


# SELECT / ASK results. The last entry is what */* gets.
RESULT_FORMATS = [
    Format("application/sparql-results+xml", "xml", "srx", ox.QueryResultsFormat.XML),
    Format("text/csv", "csv", "csv", ox.QueryResultsFormat.CSV),
    Format("text/tab-separated-values", "tsv", "tsv", ox.QueryResultsFormat.TSV),
    Format("application/json", "json-plain", None, ox.QueryResultsFormat.JSON),
    Format("application/sparql-results+json", "json", "srj", ox.QueryResultsFormat.JSON),
]

# CONSTRUCT / DESCRIBE results and documents. The last entry is what */* gets.
RDF_FORMATS = [
    Format("application/n-quads", "nquads", "nq", ox.RdfFormat.N_QUADS),
    Format("application/trig", "trig", "trig", ox.RdfFormat.TRIG),
    Format("application/rdf+xml", "rdfxml", "rdf", ox.RdfFormat.RDF_XML),
    Format("application/n-triples", "ntriples", "nt", ox.RdfFormat.N_TRIPLES),
    Format("application/ld+json", "jsonld", "jsonld", ox.RdfFormat.JSON_LD),
    Format("text/turtle", "turtle", "ttl", ox.RdfFormat.TURTLE),
]

HTML = Format("text/html", "html", "html", None)

_ALIASES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "srj": "json", "srx": "xml",
            "ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
            "jsonld": "jsonld", "json-ld": "jsonld", "rdf": "rdfxml", "rdfxml": "rdfxml", "xml-rdf": "rdfxml",
            "trig": "trig", "nq": "nquads", "nquads": "nquads", "html": "html"}


class NotAcceptable(ValueError):
    """No offered format matches; the message lists what is offered."""


def choose(offers: list[Format], accept: str | None, override: str | None = None) -> Format:
    if override:
        wanted = _ALIASES.get(override.lower(), override.lower())
        for fmt in offers:
            if wanted in (fmt.name, fmt.media_type):
                return fmt
        raise NotAcceptable(f"format '{override}' is not offered here; choose one of {', '.join(f.name for f in offers)}")
    if not accept or not accept.strip():
        return offers[-1]
    try:
        best = mimeparse.best_match([f.media_type for f in offers], accept)
    except (ValueError, mimeparse.MimeTypeParseException):
        raise NotAcceptable(f"cannot read the Accept header '{accept}'") from None
    if not best:
        raise NotAcceptable(f"none of the requested types is offered; offered: {', '.join(f.media_type for f in offers)}")
    return next(f for f in offers if f.media_type == best)


def by_suffix(offers: list[Format], suffix: str) -> Format | None:
    return next((f for f in offers if f.suffix == suffix), None)
