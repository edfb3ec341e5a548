"""Label search: an in-memory index over every name of every entity, ranked, without scanning.

Names (``rdfs:label``, ``skos:altLabel`` acronyms and other names) are normalised — accents
stripped, case folded, punctuation turned into spaces — and indexed three ways so that a lookup
never walks every name:

- a sorted list of normalised names: exact and prefix matches by ``bisect``;
- a sorted list of (word, name) pairs: names with a word starting with the query's first word;
- trigram postings: names containing the query anywhere (queries of 3 characters or more).

Matches rank exact > prefix > word prefix > substring > all words present (any order);
within a tier shorter names come first. Each entity appears once, under its best name.
"""

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from heapq import nsmallest

TIERS = ("exact", "prefix", "word", "substring", "words")
_WORD = re.compile(r"\w+")
_HIGH = "\U0010ffff"


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: 'Việt-Nam  (VN)' -> 'viet nam vn'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(stripped.casefold()))


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str  # the entity's main name (its rdfs:label)
    kind: str  # label of its most specific class
    kind_iri: str | None = None


@dataclass(frozen=True)
class Hit:
    entity: Entity
    name: str  # the name that matched (the label, an acronym, another name)
    match: str  # one of TIERS

    def as_dict(self) -> dict:
        return {"iri": self.entity.iri, "label": self.entity.label, "kind": self.entity.kind,
                "kindIri": self.entity.kind_iri, "matched": self.name, "match": self.match}


class LabelIndex:
    """Build once from (entity, name) rows; ``search`` is read-only and safe from many threads."""

    def __init__(self, entities: Iterable[Entity], names: Iterable[tuple[str, str]]):
        self.entities: dict[str, Entity] = {e.iri: e for e in entities}
        seen = set()
        rows = []  # (key, name, iri)
        for iri, name in names:
            key = normalise(name)
            if iri in self.entities and key and (iri, key) not in seen:
                seen.add((iri, key))
                rows.append((key, name, iri))
        for entity in self.entities.values():  # every entity is findable by its main label
            key = normalise(entity.label)
            if key and (entity.iri, key) not in seen:
                seen.add((entity.iri, key))
                rows.append((key, entity.label, entity.iri))
        rows.sort()
        self._keys = [r[0] for r in rows]
        self._names = [r[1] for r in rows]
        self._iris = [r[2] for r in rows]
        words = sorted((w, i) for i, key in enumerate(self._keys) for w in set(key.split(" ")))
        self._words = [w for w, _ in words]
        self._word_ids = array("I", (i for _, i in words))
        grams: dict[str, array] = {}
        for i, key in enumerate(self._keys):
            for gram in _trigrams(key):
                grams.setdefault(gram, array("I")).append(i)
        self._grams = grams

    def __len__(self) -> int:
        return len(self.entities)

    @property
    def name_count(self) -> int:
        return len(self._keys)

    def label(self, iri: str) -> str | None:
        entity = self.entities.get(iri)
        return entity.label if entity else None

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        q = normalise(query)
        if not q or limit <= 0:
            return []
        best: dict[str, tuple[int, int, str, int]] = {}  # iri -> (tier, length, key, row)

        def offer(tier: int, rows: Iterable[int]) -> None:
            for i in rows:
                iri, key = self._iris[i], self._keys[i]
                rank = (tier, len(key), key, i)
                if iri not in best or rank < best[iri]:
                    best[iri] = rank

        lo, hi = bisect_left(self._keys, q), bisect_left(self._keys, q + _HIGH)
        exact_hi = bisect_left(self._keys, q + "\x00", lo, hi)  # keys equal to q sort first
        offer(0, range(lo, exact_hi))
        offer(1, self._shortest(range(exact_hi, hi), limit + len(best)))
        if len(best) < limit:
            first, *rest = q.split(" ")
            wlo, whi = bisect_left(self._words, first), bisect_left(self._words, first + _HIGH)
            padded = " " + q
            candidates = {self._word_ids[j] for j in range(wlo, whi)}
            offer(2, self._shortest((i for i in candidates if padded in " " + self._keys[i]), limit + len(best)))
            if len(q) >= 3 and len(best) < limit:
                offer(3, self._shortest((i for i in self._containing(q) if q in self._keys[i]), limit + len(best)))
            if rest and len(best) < limit:
                offer(4, self._shortest(self._all_words(q.split(" ")), limit + len(best)))
        ranked = sorted(best.items(), key=lambda item: item[1])[:limit]
        return [Hit(self.entities[iri], self._names[rank[3]], TIERS[rank[0]]) for iri, rank in ranked]

    # -- helpers -----------------------------------------------------------------
    def _shortest(self, rows: Iterable[int], n: int) -> list[int]:
        """The n rows with the shortest keys (ties by key): enough to fill the page from one tier."""
        return nsmallest(n, rows, key=lambda i: (len(self._keys[i]), self._keys[i]))

    def _containing(self, q: str) -> set[int] | list[int]:
        postings = sorted((self._grams.get(g, ()) for g in _trigrams(q)), key=len)
        if not postings or not postings[0]:
            return []
        found = set(postings[0])
        for other in postings[1:]:
            found.intersection_update(other)
            if not found:
                break
        return found

    def _all_words(self, words: list[str]) -> set[int]:
        found: set[int] | None = None
        for word in sorted(words, key=len, reverse=True):  # the longest word is the most selective
            lo, hi = bisect_left(self._words, word), bisect_left(self._words, word + _HIGH)
            ids = {self._word_ids[j] for j in range(lo, hi)}
            found = ids if found is None else found & ids
            if not found:
                return set()
        return found or set()


def _trigrams(key: str) -> set[str]:
    return {key[i:i + 3] for i in range(len(key) - 2)}


def most_specific(types: Iterable[str], supers: dict[str, set[str]]) -> list[str]:
    """The types of a resource that are not a superclass of another of its types."""
    types = set(types)
    implied = set().union(*(supers.get(t, set()) for t in types)) if types else set()
    return sorted(types - implied)
