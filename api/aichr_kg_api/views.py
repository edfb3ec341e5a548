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
from aichr_kg_api.dates import date_range, date_text
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

    def __init__(self, base: str, vocabulary: Vocabulary, index: LabelIndex, labels: dict[str, list] | None = None,
                 gettext=lambda message: message):
        self.base, self.vocabulary, self.index, self.labels = base, vocabulary, index, labels or {}
        self.gettext = gettext  # the interface's catalogue: headings and vocabulary values in the page's language

    def label(self, iri: str) -> str:
        found = pick(self.labels.get(iri, ()))
        if found is not None:
            return found.value
        return self.index.label(iri) or self.vocabulary.term_labels.get(iri) or self.vocabulary.curie(iri)

    def term(self, term, derived: bool = False) -> dict:
        """{text, href, title, lang, datatype, derived} for a term (every key always present)."""
        out = {"text": "", "href": None, "title": None, "iri": None, "lang": None, "datatype": None, "derived": derived,
               "kind": None, "record": False}
        if isinstance(term, ox.NamedNode) and term.value in wording.VALUES:  # "Online", not schema:Online...
            out.update(text=self.gettext(wording.VALUES[term.value]), title=term.value, iri=term.value)
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
        if text is not None:
            text = self.gettext(text)
        else:
            label = self.vocabulary.property_label(iri)
            text = (self.gettext("Linked here as “%(relation)s” by") % {"relation": label} if reverse
                    else label[:1].upper() + label[1:])
        return {"text": text, "href": href(iri, self.base), "title": self.vocabulary.curie(iri),
                "iri": iri, "lang": None, "datatype": None, "derived": False}

    def kind(self, iri: str) -> dict:
        # the ontology names every class the data uses (reused ones too), in the catalogue's language if it has it
        return {"text": self.gettext(self.vocabulary.class_label(iri)), "href": href(iri, self.base), "title": self.vocabulary.curie(iri),
                "iri": iri, "lang": None, "datatype": None, "derived": False}


def _row_order(iri: str, label: str, base: str) -> tuple:
    for n, first in enumerate(_FIRST):
        if iri == first or iri == base + first:
            return (0, n, "")
    return (1, 0, label.lower())


# The layout of each kind of entity: the kind its IRI names ({base}id/KIND/...) -> its template under
# templates/entity/. Kinds not listed (records: participations, holdings, counts...) use the generic one.
LAYOUTS = {"body": "body", "state": "body", "person": "person", "post": "post", "event": "event",
           "series": "series", "instrument": "instrument", "provision": "provision", "outcome": "outcome",
           "theme": "theme", "place": "place", "source": "source"}


def layout_of(iri: str, base: str) -> str:
    kind = iri[len(base + "id/"):].partition("/")[0] if iri.startswith(base + "id/") else ""
    return LAYOUTS.get(kind, "generic")


class EntityPage(dict):
    """What an entity's page shows, for its kind's template to place: ``take`` hands over sections (the facts
    this entity states and the lists of what points at it) by key, each once; what no template takes stays
    for the common "Other facts" and "Referred to by" at the end, so nothing is lost and nothing shown twice.

    A key is the property's prefixed name (``schema:startDate``), with ``^`` in front for the reverse
    direction (``^schema:superEvent``: the events that are part of this one), as in a SPARQL path.
    """

    def __init__(self, fields: dict, sections: dict[str, dict]):
        super().__init__(fields)
        self._sections = sections  # key -> {heading, values, total, key, reverse}
        self._taken: set[str] = set()
        self._listed: set[str] = set()  # what a list of links to this entity has shown already

    def _fresh(self, section: dict) -> dict:
        """A list of what links here, without what an earlier list showed (the post holdings that name a post
        twice, an event a body organised and attended): each thing is listed once, under the first heading the
        kind's layout places, and the count says so."""
        if not section["reverse"]:
            return section
        values = [v for v in section["values"] if (v["iri"] or v["text"]) not in self._listed]
        self._listed.update(v["iri"] or v["text"] for v in values)
        return {**section, "values": values, "total": section["total"] - (len(section["values"]) - len(values))}

    def take(self, *keys: str, heading: str | None = None) -> list[dict]:
        """The sections of these keys that the entity has, in this order; keys read under the same heading
        (``schema:subEvent`` and ``^schema:superEvent``: "Sessions") become one section, values once."""
        out: dict[str, dict] = {}
        for key in keys:
            found = self._sections.get(key)
            if found is None or key in self._taken:
                continue
            self._taken.add(key)
            found = self._fresh(found)
            if not found["values"]:
                continue
            words = heading or found["heading"]
            if words in out:
                known = {v["iri"] or v["text"] for v in out[words]["values"]}
                extra = [v for v in found["values"] if (v["iri"] or v["text"]) not in known]
                out[words]["values"] += extra
                out[words]["total"] += len(extra)
            else:
                out[words] = {**found, "heading": words, "values": list(found["values"])}
        return list(out.values())

    def has(self, *keys: str) -> bool:
        """Whether the entity has any of these sections (taken or not): a link to a question is offered only then."""
        return any(key in self._sections for key in keys)

    def prefer(self, *keys: str, heading: str | None = None) -> list[dict]:
        """The first of these keys the entity has; the others say the same in less detail and are dropped."""
        for key in keys:
            if key in self._sections and key not in self._taken:
                self.drop(*keys)
                found = self._fresh(self._sections[key])
                return [{**found, "heading": heading or found["heading"]}] if found["values"] else []
        return []

    def roles(self, heading: str) -> list[dict]:
        """What this body or person took part in, as its participation records (each a role at an event) when it
        has them: the events' organiser, sponsor, funder and attendee links to it say the same with less (every
        one of them has its record in the curated data) and are left out; without records they stay."""
        if not self.has("^ak:participant"):
            return []
        self.drop(*ROLES_IN_RECORDS)
        return self.take("^ak:participant", heading=heading)

    def drop(self, *keys: str) -> str:
        """Leave these out: the kind's template shows the same facts another way (a table of who took part)."""
        self._taken.update(keys)
        return ""

    @property
    def rest(self) -> list[dict]:
        """The facts no template placed, in reading order."""
        return [s for k, s in self._sections.items() if not k.startswith("^") and k not in self._taken]

    def take_rest_incoming(self) -> list[dict]:
        """What links here that no template placed, in reading order, each thing once (``_fresh``): a step like
        ``take`` (it marks what it lists), so it is a method the template calls once, last."""
        keys = [k for k in self._sections if k.startswith("^") and k not in self._taken]
        self._taken.update(keys)
        fresh = [self._fresh(self._sections[k]) for k in keys]
        return [s for s in fresh if s["values"]]


def entity_view(doc: EntityDocument, vocabulary: Vocabulary, index: LabelIndex, base: str,
                words=None) -> EntityPage:
    """The page of an entity: its head, then its facts and what points at it as sections keyed by relation,
    headings in plain words read from this entity's side and translated by ``words`` (the catalogue)."""
    gettext = words.gettext if words is not None else (lambda message: message)
    namer = Namer(base, vocabulary, index, doc.labels, gettext)
    iri = doc.entity.value
    derived_graph = base + "graph/derived"
    label = pick(doc.objects(RDFS + "label"))
    description = pick(doc.objects(DCT + "description")) or pick(doc.objects(SKOS + "definition"))
    kinds = vocabulary.most_specific(o.value for o in doc.objects(RDF + "type") if isinstance(o, ox.NamedNode))
    grouped: dict[str, list] = {}
    # each fact once: a value shown (the description, or under one relation) is not repeated under another;
    # curated statements first, so that a value curated and also derived is shown as curated
    seen: set[str] = {description.value} if description is not None else set()
    ordered = sorted(doc.statements.items(),
                     key=lambda item: (item[1] == {derived_graph}, wording.rank(item[0][0].value)))
    for (p, o), graphs in ordered:
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
    sections: dict[str, dict] = {}
    for row in rows:
        prop = row["property"]
        sections[vocabulary.curie(prop["iri"])] = {"key": vocabulary.curie(prop["iri"]), "heading": prop["text"],
                                                    "property": prop, "values": row["values"],
                                                    "total": len(row["values"]), "reverse": False}
    _one_date_range(sections, doc, gettext)
    shown, totals = _shown_incoming(doc.incoming_links, seen, base)
    for link in doc.incoming:
        if (_key(link.subject), link.property.value) not in shown:
            continue
        key = "^" + vocabulary.curie(link.property.value)
        if key not in sections:
            prop = namer.property(link.property.value, reverse=True)
            sections[key] = {"key": key, "heading": prop["text"], "property": prop, "values": [],
                             "total": totals[link.property.value], "reverse": True}
        item = namer.term(link.subject)
        if link.label is not None:
            item["text"] = link.label.value
        entity = index.entities.get(item["iri"] or "")
        item["kind"] = entity.kind if entity is not None else ""
        item["record"] = index.is_record(item["iri"] or "")  # listed after the things it links
        sections[key]["values"].append(item)
    sections = {k: s for k, s in sections.items() if s["values"]}
    replaced_by = [namer.term(o) for o in doc.objects(DCT + "isReplacedBy")]
    deprecated = any(isinstance(o, ox.Literal) and o.value == "true" for o in doc.objects(OWL + "deprecated"))
    graphs = sorted({g for gs in doc.statements.values() for g in gs})
    return EntityPage({
        "iri": iri,
        "layout": layout_of(iri, base),
        "label": label.value if label is not None else (index.label(iri) or vocabulary.curie(iri)),
        "curie": vocabulary.curie(iri),
        "description": description.value if description is not None else None,
        "kinds": [namer.kind(k) for k in kinds],
        "alt_labels": sorted({o.value for o in doc.objects(SKOS + "altLabel")}),
        "incoming_total": sum(totals.values()),  # the links a reader can see, over all pages
        "sources": [{**namer.term(src), "text": title.value if title is not None else namer.label(src.value)}
                    for src, title in doc.sources],
        "graphs": [{**namer.term(ox.NamedNode(g)), "text": g[len(base + "graph/"):] if g.startswith(base + "graph/") else g}
                   for g in graphs],
        "deprecated": deprecated or bool(replaced_by),
        "replaced_by": replaced_by,
    }, sections)


def _one_date_range(sections: dict[str, dict], doc: EntityDocument, gettext) -> None:
    """A start and an end date read as one range ('27–28 Sep 2022', under "Dates"), not as two facts."""
    starts, ends = doc.objects(SCHEMA + "startDate"), doc.objects(SCHEMA + "endDate")
    if len(starts) != 1 or len(ends) != 1 or "schema:startDate" not in sections or "schema:endDate" not in sections:
        return
    first = sections["schema:startDate"]
    first["values"] = [{**first["values"][0], "text": date_range(starts[0], ends[0])}]
    first["heading"] = gettext("Dates")
    del sections["schema:endDate"]


# The links from events to a body or person that its participation records say with their role (EntityPage.roles)
ROLES_IN_RECORDS = ("^schema:attendee", "^schema:organizer", "^schema:sponsor", "^schema:funder")
# What an event's table of who took part in what role says (templates/entity/event.html drops these sections):
# the people and bodies, and the participation records behind them
PARTICIPATION_KEYS = ("schema:attendee", "schema:organizer", "schema:sponsor", "prov:qualifiedAssociation", "^ak:inEvent")


def participants(table, namer: "Namer", event: str) -> list[dict]:
    """Who took part in an event or its sessions, one row per person or body with its roles merged and the
    parts it took part in (None: the whole event); the rows of the canned question ``event-participants``."""
    merged: dict[str, dict] = {}
    for row in table.rows:
        who = row["participant"].value
        entry = merged.setdefault(who, {
            "who": {**namer.term(row["participant"]), "text": row["participantLabel"].value},
            "roles": [], "parts": [], "on_behalf_of": row["onBehalfOfLabel"].value if "onBehalfOfLabel" in row else ""})
        part = None if row["part"].value == event else {**namer.term(row["part"]), "text": row["partLabel"].value}
        if part not in entry["parts"]:
            entry["parts"].append(part)
        if row["roleLabel"].value not in entry["roles"]:
            entry["roles"].append(row["roleLabel"].value)
    return list(merged.values())


def _key(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _shown_incoming(links: list[tuple], seen: set[str], base: str) -> tuple[set[tuple[str, str]], dict[str, int]]:
    """Which incoming links the page shows, over all its pages, and how many under each property: not the
    restatements a reader never needs, nor a link that says again a fact shown among the entity's own (ASEAN
    hasUnit ACWC and ACWC unitOf ASEAN are one fact). A subject linked by two properties is listed under each,
    because the kind's layout may leave one of them out (a body's page lists events through its participation
    records, not its ``schema:attendee`` links). Decided over every link, not one page, so that the counts are
    the rows the pages show."""
    shown: set[tuple[str, str]] = set()
    totals: dict[str, int] = {}
    for subject, prop in links:
        key = _key(subject)
        if wording.hidden(prop.value, base, reverse=True) or key in seen or (key, prop.value) in shown:
            continue
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
