"""Content negotiation as tables: media type -> format, and one function that picks.

``Accept`` (with q-values) decides; a ``format`` (or ``output``, ``results``) parameter or a file
suffix names a preference. A parameter is a preference, not a veto: clients such as SPARQLWrapper
send the same value (``xml``, ``json``, ``n3``) whatever the query form, so a value that names
nothing offered here is passed over for the ``Accept`` header, then for the default. Each format
also answers to the older names and media types clients still send (``application/xml`` for
results, ``text/n3`` or ``application/json`` for graphs). The tables map to pyoxigraph's own writers
so responses are serialised without rdflib.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import mimeparse
import pyoxigraph as ox

PREFERENCE_PARAMS = ("format", "output", "results")  # what SPARQLWrapper, Virtuoso's and Fuseki's clients send


@dataclass(frozen=True)
class Format:
    media_type: str
    name: str  # value of the `format` parameter
    suffix: str | None  # file suffix selecting it, for documents
    writer: object  # pyoxigraph RdfFormat / QueryResultsFormat, or None for HTML
    also: tuple[str, ...] = ()  # other names and legacy media types that select it

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.media_type, *((self.suffix,) if self.suffix else ()), *self.also)

    @property
    def legacy_types(self) -> tuple[str, ...]:
        return tuple(a for a in self.also if "/" in a)


# SELECT / ASK results. The last entry is what */* gets.
RESULT_FORMATS = [
    Format("application/sparql-results+xml", "xml", "srx", ox.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    Format("text/csv", "csv", "csv", ox.QueryResultsFormat.CSV),
    Format("text/tab-separated-values", "tsv", "tsv", ox.QueryResultsFormat.TSV),
    Format("application/json", "json-plain", None, ox.QueryResultsFormat.JSON),
    Format("application/sparql-results+json", "json", "srj", ox.QueryResultsFormat.JSON),
]

# CONSTRUCT / DESCRIBE results and documents. The last entry is what */* gets.
RDF_FORMATS = [
    Format("application/n-quads", "nquads", "nq", ox.RdfFormat.N_QUADS, ("text/x-nquads",)),
    Format("application/trig", "trig", "trig", ox.RdfFormat.TRIG),
    Format("application/rdf+xml", "rdfxml", "rdf", ox.RdfFormat.RDF_XML,
           ("xml", "rdf+xml", "xml-rdf", "application/xml", "text/xml")),
    Format("application/n-triples", "ntriples", "nt", ox.RdfFormat.N_TRIPLES, ("n-triples",)),
    Format("application/ld+json", "jsonld", "jsonld", ox.RdfFormat.JSON_LD,
           ("json-ld", "json", "application/json", "application/x-json+ld")),
    Format("text/turtle", "turtle", "ttl", ox.RdfFormat.TURTLE,
           ("n3", "text/n3", "application/x-turtle", "application/turtle", "text/rdf+n3")),
]

HTML = Format("text/html", "html", "html", None, ("application/xhtml+xml",))


class NotAcceptable(ValueError):
    """No offered format matches; the message lists what is offered."""


def preferences(values: Iterable[str]) -> tuple[str, ...]:
    """The format parameters' values in order, each split at commas (``format=application/ld+json,application/x-json+ld``)."""
    return tuple(part.strip() for value in values if value for part in value.split(",") if part.strip())


def choose(offers: list[Format], accept: str | None, prefer: str | Sequence[str] | None = None) -> Format:
    """The format for this request: the first preference that names an offered format, else ``Accept``.

    With no preference, an ``Accept`` naming nothing offered is refused (406). With a preference given,
    the client has said it will take an answer from us, so it gets ``Accept``'s choice or the default.
    """
    prefer = (prefer,) if isinstance(prefer, str) else tuple(prefer or ())
    for wanted in prefer:
        wanted = mimeparse_type(wanted)
        for fmt in offers:
            if wanted in fmt.names:
                return fmt
    try:
        return _by_accept(offers, accept)
    except NotAcceptable:
        if prefer:
            return offers[-1]
        raise


def _by_accept(offers: list[Format], accept: str | None) -> Format:
    if not accept or not accept.strip():
        return offers[-1]
    # Legacy types first, so that on equal footing the offer's own type, and among those the last (the default), wins.
    candidates = [(t, f) for f in offers for t in f.legacy_types] + [(f.media_type, f) for f in offers]
    try:
        best = mimeparse.best_match([t for t, _ in candidates], accept)
    except (ValueError, mimeparse.MimeTypeParseException):
        raise NotAcceptable(f"cannot read the Accept header '{accept}'") from None
    if not best:
        raise NotAcceptable(f"none of the requested types is offered; offered: {', '.join(f.media_type for f in offers)}")
    return next(f for t, f in reversed(candidates) if t == best)


def mimeparse_type(value: str) -> str:
    """A format name or media type as compared with the tables: lower case, parameters dropped."""
    return value.split(";")[0].strip().lower()


def by_suffix(offers: list[Format], suffix: str) -> Format | None:
    return next((f for f in offers if f.suffix == suffix), None)
