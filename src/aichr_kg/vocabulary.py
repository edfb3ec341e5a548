"""What the service needs to name things: prefixes, labels of classes and properties, the class hierarchy.

Read once from the store (``Vocabulary.from_store``) and shared read-only: pages show a property's label
from the ontology where it has one, else its local name in words; an entity's kind is its most specific
class; IRIs print as CURIEs (``ak:Event``, ``body:aichr``).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from aichr_kg.catalogue import Catalogue
from aichr_kg.namespaces import DEFAULT_BASE, PREFIXES
from aichr_kg.store import Store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_\-]+")


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def in_words(name: str) -> str:
    """'startDate' -> 'start date', 'passed_by' -> 'passed by', 'UNEntity' -> 'UNEntity'."""
    words = [w for w in _CAMEL.split(name) if w]
    return " ".join(w if w.isupper() or not w[:1].isupper() else w.lower() for w in words) or name


def project_prefixes(base: str) -> dict[str, str]:
    """The project's prefixes, with the graph's own namespaces following ``base``."""
    return {p: base + ns[len(DEFAULT_BASE):] if ns.startswith(DEFAULT_BASE) else ns for p, ns in PREFIXES.items()}


@dataclass
class Vocabulary:
    base: str
    term_labels: dict[str, str] = field(default_factory=dict)
    supers: dict[str, set[str]] = field(default_factory=dict)  # class -> every superclass (transitive)
    kinds: tuple[str, ...] = ()  # the id/{kind}/ segments in use, which also serve as prefixes

    @classmethod
    def from_store(cls, store: Store, catalogue: Catalogue, base: str) -> "Vocabulary":
        labels: dict[str, str] = {}
        for row in store.select(catalogue.system("term-labels")).rows:
            label = row["label"]
            if row["term"].value not in labels or getattr(label, "language", None) == "en":
                labels[row["term"].value] = label.value
        supers: dict[str, set[str]] = {}
        for row in store.select(catalogue.system("subclasses")).rows:
            supers.setdefault(row["class"].value, set()).add(row["super"].value)
        return cls(base, labels, supers)

    def to_data(self) -> dict:
        """As JSON-ready values (``aichr_kg.diskstore`` keeps them beside the built store)."""
        return {"base": self.base, "term_labels": self.term_labels,
                "supers": {c: sorted(s) for c, s in self.supers.items()}, "kinds": list(self.kinds)}

    @classmethod
    def from_data(cls, data: dict) -> "Vocabulary":
        return cls(data["base"], dict(data["term_labels"]), {c: set(s) for c, s in data["supers"].items()},
                   tuple(data["kinds"]))

    @property
    def prefixes(self) -> dict[str, str]:
        found = project_prefixes(self.base)
        for kind in self.kinds:
            found.setdefault(kind, f"{self.base}id/{kind}/")
        return found

    def with_kinds(self, iris: Iterable[str]) -> "Vocabulary":
        ns = self.base + "id/"
        kinds = sorted({i[len(ns):].split("/", 1)[0] for i in iris if i.startswith(ns) and "/" in i[len(ns):]})
        return Vocabulary(self.base, self.term_labels, self.supers, tuple(kinds))

    def curie(self, iri: str) -> str:
        best = None
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
                best = (prefix, ns)
        return f"{best[0]}:{iri[len(best[1]):]}" if best else iri

    def property_label(self, iri: str) -> str:
        """The label the ontology gives the property, else its local name in words."""
        return self.term_labels.get(iri) or in_words(local_name(iri))

    def class_label(self, iri: str) -> str:
        label = self.term_labels.get(iri)
        if label:
            return label
        words = in_words(local_name(iri))
        return words[:1].upper() + words[1:]

    def most_specific(self, types: Iterable[str]) -> list[str]:
        """An entity's types minus those implied by another of its types; the ontology's own first."""
        types = set(types)
        implied = set().union(*(self.supers.get(t, set()) for t in types)) if types else set()
        own = self.base + "ontology#"
        return sorted(types - implied, key=lambda t: (not t.startswith(own), self.class_label(t)))

    def kind(self, types: Iterable[str]) -> str | None:
        specific = self.most_specific(types)
        return specific[0] if specific else None
