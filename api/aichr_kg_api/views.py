"""What the HTML pages show, worked out in Python so that templates only lay it out.

Every linked resource is shown by its label (the document's labels, the ontology's labels, the
search index), never by a bare IRI where a name is known; properties by the ontology's label or
their local name in words.
"""

from collections.abc import Iterable

import pyoxigraph as ox

from aichr_kg.search import LabelIndex
from aichr_kg.vocabulary import Vocabulary
from aichr_kg_api import wording
from aichr_kg_api.describe import EntityDocument, GraphPage
from aichr_kg_api.provenance import date_text
from aichr_kg_api.templating import href

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Shown in the page head or in a section of their own, not among the property rows.
_HEAD = {RDF + "type", RDFS + "label", DCT + "description", SKOS + "altLabel", PROV + "wasDerivedFrom", DCT + "source"}
# Rows that read best first; the rest follow alphabetically.
_FIRST = [SKOS + "definition", SCHEMA + "startDate", SCHEMA + "endDate", DCT + "issued", SCHEMA + "location",
          SCHEMA + "eventAttendanceMode", SCHEMA + "superEvent", "ontology#inSeries", "ontology#seriesNumber"]


def pick(literals: Iterable, language: str = "en"):
    """The literal in ``language`` if there is one, else the first."""
    literals = list(literals)
    for lit in literals:
        if isinstance(lit, ox.Literal) and lit.language == language:
            return lit
    return literals[0] if literals else None


class Namer:
    """Turns terms into {text, href, title} for a page, with the labels known to it."""

    def __init__(self, base: str, vocabulary: Vocabulary, index: LabelIndex, labels: dict[str, list] | None = None):
        self.base, self.vocabulary, self.index, self.labels = base, vocabulary, index, labels or {}

    def label(self, iri: str) -> str:
        found = pick(self.labels.get(iri, ()))
        if found is not None:
            return found.value
        return self.index.label(iri) or self.vocabulary.term_labels.get(iri) or self.vocabulary.curie(iri)

    def term(self, term, derived: bool = False) -> dict:
        """{text, href, title, lang, datatype, derived} for a term (every key always present)."""
        out = {"text": "", "href": None, "title": None, "iri": None, "lang": None, "datatype": None, "derived": derived}
        if isinstance(term, ox.NamedNode) and term.value in wording.VALUES:  # "Online", not schema:Online...
            out.update(text=wording.VALUES[term.value], title=term.value, iri=term.value)
        elif isinstance(term, ox.NamedNode):
            out.update(text=self.label(term.value), href=href(term.value, self.base), title=term.value, iri=term.value)
        elif isinstance(term, ox.BlankNode):
            out.update(text=f"_:{term.value}", href=f"#b-{term.value}", title="blank node")
        else:
            datatype = term.datatype.value
            if datatype == XSD + "anyURI" and term.value.startswith(("http://", "https://")):
                out["href"] = term.value
            plain = datatype.startswith(XSD) or datatype == RDF + "langString"  # dates and numbers read fine as they are
            dated = datatype in (XSD + "date", XSD + "gYearMonth")
            out.update(text=date_text(term.value) if dated else term.value, lang=term.language if term.language not in (None, "en") else None,
                       datatype=None if plain else self.vocabulary.curie(datatype))
        return out

    def property(self, iri: str, reverse: bool = False) -> dict:
        """A relation as the page's heading for it: plain words, read from this entity's side."""
        text = wording.heading(iri, self.base, reverse)
        if text is None:
            label = self.vocabulary.property_label(iri)
            text = f"Linked here as “{label}” by" if reverse else label[:1].upper() + label[1:]
        return {"text": text, "href": href(iri, self.base), "title": self.vocabulary.curie(iri),
                "iri": iri, "lang": None, "datatype": None, "derived": False}

    def kind(self, iri: str) -> dict:
        return {"text": wording.KINDS.get(iri) or self.vocabulary.class_label(iri), "href": href(iri, self.base), "title": self.vocabulary.curie(iri),
                "iri": iri, "lang": None, "datatype": None, "derived": False}


def _row_order(iri: str, label: str, base: str) -> tuple:
    for n, first in enumerate(_FIRST):
        if iri == first or iri == base + first:
            return (0, n, "")
    return (1, 0, label.lower())


def entity_view(doc: EntityDocument, vocabulary: Vocabulary, index: LabelIndex, base: str) -> dict:
    namer = Namer(base, vocabulary, index, doc.labels)
    iri = doc.entity.value
    derived_graph = base + "graph/derived"
    label = pick(doc.objects(RDFS + "label"))
    description = pick(doc.objects(DCT + "description")) or pick(doc.objects(SKOS + "definition"))
    kinds = vocabulary.most_specific(o.value for o in doc.objects(RDF + "type") if isinstance(o, ox.NamedNode))
    grouped: dict[str, list] = {}
    # each fact once: a value shown (the description, or under one relation) is not repeated under another
    seen: set[str] = {description.value} if description is not None else set()
    for (p, o), graphs in sorted(doc.statements.items(), key=lambda item: item[1] == {derived_graph}):
        if p.value in _HEAD or wording.hidden(p.value, base):
            continue
        value = namer.term(o, derived=graphs == {derived_graph})
        if (value["iri"] or value["text"]) in seen:
            continue
        seen.add(value["iri"] or value["text"])
        grouped.setdefault(p.value, []).append(value)
    rows = [{"property": namer.property(p), "values": sorted(values, key=lambda v: v["text"].lower())}
            for p, values in grouped.items()]
    rows.sort(key=lambda r: _row_order(r["property"]["iri"], r["property"]["text"], base))
    shown, totals = _shown_incoming(doc.incoming_links, seen, base)
    incoming: list[dict] = []
    for link in doc.incoming:
        if (_key(link.subject), link.property.value) not in shown:
            continue
        if not incoming or incoming[-1]["property"]["iri"] != link.property.value:
            incoming.append({"property": namer.property(link.property.value, reverse=True), "items": [],
                             "total": totals[link.property.value]})
        item = namer.term(link.subject)
        if link.label is not None:
            item["text"] = link.label.value
        incoming[-1]["items"].append(item)
    replaced_by = [namer.term(o) for o in doc.objects(DCT + "isReplacedBy")]
    deprecated = any(isinstance(o, ox.Literal) and o.value == "true" for o in doc.objects(OWL + "deprecated"))
    graphs = sorted({g for gs in doc.statements.values() for g in gs})
    return {
        "iri": iri,
        "label": label.value if label is not None else (index.label(iri) or vocabulary.curie(iri)),
        "curie": vocabulary.curie(iri),
        "description": description.value if description is not None else None,
        "kinds": [namer.kind(k) for k in kinds],
        "alt_labels": sorted({o.value for o in doc.objects(SKOS + "altLabel")}),
        "rows": rows,
        "incoming": incoming,
        "incoming_total": sum(totals.values()),  # the links a reader can see, over all pages
        "sources": [{**namer.term(src), "text": title.value if title is not None else namer.label(src.value)}
                    for src, title in doc.sources],
        "graphs": [{**namer.term(ox.NamedNode(g)), "text": g[len(base + "graph/"):] if g.startswith(base + "graph/") else g}
                   for g in graphs],
        "deprecated": deprecated or bool(replaced_by),
        "replaced_by": replaced_by,
    }


def _key(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _shown_incoming(links: list[tuple], seen: set[str], base: str) -> tuple[set[tuple[str, str]], dict[str, int]]:
    """Which incoming links the page shows, over all its pages, and how many under each property: not the
    restatements a reader never needs, and each subject once (ASEAN hasUnit ACWC and ACWC unitOf ASEAN are one
    fact; a subject linked by two properties is listed under the first). Decided over every link, not one page,
    so that the counts are the rows the pages show."""
    shown: set[tuple[str, str]] = set()
    totals: dict[str, int] = {}
    listed = set(seen)
    for subject, prop in sorted(links, key=lambda link: (link[1].value, _key(link[0]))):
        key = _key(subject)
        if wording.hidden(prop.value, base, reverse=True) or key in listed:
            continue
        listed.add(key)
        shown.add((key, prop.value))
        totals[prop.value] = totals.get(prop.value, 0) + 1
    return shown, totals


def graph_view(page: GraphPage, vocabulary: Vocabulary, index: LabelIndex, base: str, document: str) -> list[dict]:
    """A page of a graph's triples grouped by subject; hash IRIs of the document get anchors."""
    namer = Namer(base, vocabulary, index)
    groups: list[dict] = []
    for s, p, o in page.triples:
        key = f"_:{s.value}" if isinstance(s, ox.BlankNode) else s.value
        if not groups or groups[-1]["key"] != key:
            subject = namer.term(s)
            if isinstance(s, ox.BlankNode):
                anchor = f"b-{s.value}"
            elif s.value.startswith(document + "#"):
                anchor = s.value[len(document) + 1:]
            else:
                anchor = None
            groups.append({"key": key, "subject": subject, "anchor": anchor, "rows": []})
        value = namer.term(o)
        if isinstance(o, ox.NamedNode) and o.value.startswith(document + "#"):
            value["href"] = "#" + o.value[len(document) + 1:]
        groups[-1]["rows"].append({"property": namer.property(p.value), "value": value})
    return groups
