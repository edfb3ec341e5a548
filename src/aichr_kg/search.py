"""Label search: an in-memory index over every name of every entity, ranked, without scanning.

Names (``rdfs:label``, ``skos:altLabel`` acronyms and other names) are normalised — accents
stripped, case folded, punctuation turned into spaces — and numbered shortest first, so that
"shorter names first" is "smaller numbers first". Three sorted structures answer a query
without walking every name:

- the normalised names in alphabetical order: exact and prefix matches by ``bisect``;
- every word-initial suffix of every name ('asean human rights' -> 'human rights', 'rights'):
  names with a word starting with the query (multi-word queries included);
- trigram postings (ascending name numbers): names containing the query anywhere, for queries
  of three characters or more, read in order until the page is full.

Matches rank exact > prefix > word prefix > substring > all words present in any order > a near
spelling (each query word matched to the closest words of the names with RapidFuzz, so "trafiking"
finds "trafficking"); within a tier shorter names come first. Records that link things (a body's
participation in an event, a post holding, a stated count) come after the things themselves, which
is what a person searching by name is looking for. Each entity appears once, under its best name.
"""

import base64
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from heapq import heapify, heappop
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aichr_kg.catalogue import Catalogue
    from aichr_kg.store import Store
    from aichr_kg.vocabulary import Vocabulary

TIERS = ("exact", "prefix", "word", "substring", "words", "near")
# Kinds of record that link entities rather than name one: listed after bodies, people, events, instruments.
RECORDS = {"Participation", "PostHolding", "Count", "FollowUp", "Membership"}
NEAR_SCORE = 75  # RapidFuzz ratio (0-100) a word must reach to count as a near spelling of a query word
_WORD = re.compile(r"\w+")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z][A-Za-z0-9-]{0,3}")
_HIGH = "\U0010ffff"
_EMPTY = array("I")


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: 'Việt-Nam  (VN)' -> 'viet nam vn'."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(text.casefold()))


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
    """Built once from entities and (iri, name) pairs; ``search`` only reads, so threads may share it."""

    def __init__(self, entities: Iterable[Entity], names: Iterable[tuple[str, str]] = ()):
        by_iri: dict[str, Entity] = {e.iri: e for e in entities}
        rows: dict[tuple[str, str], str] = {}  # (key, iri) -> name as written
        for entity in by_iri.values():  # every entity is findable by its main label
            rows.setdefault((normalise(entity.label), entity.iri), entity.label)
        for iri, name in names:
            if iri in by_iri:
                rows.setdefault((normalise(name), iri), name)
        ordered = sorted(((key, iri, name) for (key, iri), name in rows.items() if key),
                         key=lambda r: (len(r[0]), r[0], r[1]))
        keys = [r[0] for r in ordered]
        suffixes = [(i, pos + 1) for i, key in enumerate(keys) for pos in _spaces(key)]  # the part after each space
        suffixes.sort(key=lambda s: keys[s[0]][s[1]:])
        grams: dict[str, array] = {}
        for i, key in enumerate(keys):
            for gram in _trigrams(key):
                postings = grams.get(gram)
                if postings is None:
                    grams[gram] = postings = array("I")
                postings.append(i)
        self._hold(by_iri, keys, [r[1] for r in ordered], [r[2] for r in ordered],
                   array("I", sorted(range(len(keys)), key=keys.__getitem__)),
                   array("I", (i for i, _ in suffixes)), array("I", (offset for _, offset in suffixes)), grams)

    def _hold(self, entities: dict[str, Entity], keys: list[str], iris: list[str], names: list[str], alpha_ids: array,
              sfx_ids: array, sfx_offsets: array, grams: dict[str, array]) -> None:
        self.entities = entities
        self._keys, self._iris, self._names = keys, iris, names  # name number -> normalised key, entity, as written
        self._alpha_ids = alpha_ids  # name numbers in alphabetical order of their keys
        self._alpha_keys = [keys[i] for i in alpha_ids]
        self._sfx_ids, self._sfx_offsets = sfx_ids, sfx_offsets  # (name, offset) in order of the key from there on
        self._sfx_keys = _Suffixes(keys, sfx_ids, sfx_offsets)
        self._grams = grams
        self._words: list[str] | None = None

    # -- saved as data (JSON), not as code: ``aichr_kg.diskstore`` keeps it beside the built store -----------
    def to_data(self) -> dict:
        """Everything ``search`` reads, as JSON-ready values (number arrays as base64 of little-endian uint32)."""
        number = {iri: n for n, iri in enumerate(self.entities)}
        return {"entities": [[e.iri, e.label, e.kind, e.kind_iri] for e in self.entities.values()],
                "keys": self._keys, "names": self._names,
                "iris": _packed(array("I", (number[iri] for iri in self._iris))), "alpha": _packed(self._alpha_ids),
                "suffix_ids": _packed(self._sfx_ids), "suffix_offsets": _packed(self._sfx_offsets),
                "grams": {gram: _packed(postings) for gram, postings in self._grams.items()}}

    @classmethod
    def from_data(cls, data: dict) -> "LabelIndex":
        """The index ``to_data`` wrote (ValueError if its parts do not fit together)."""
        entities = [Entity(*row) for row in data["entities"]]
        keys, names = data["keys"], data["names"]
        iris = [entities[n].iri for n in _unpacked(data["iris"])]
        alpha, sfx_ids, sfx_offsets = (_unpacked(data[k]) for k in ("alpha", "suffix_ids", "suffix_offsets"))
        if not (len(keys) == len(names) == len(iris) == len(alpha)) or len(sfx_ids) != len(sfx_offsets) \
                or not all(isinstance(k, str) for k in keys):
            raise ValueError("the parts of the saved label index do not fit together")
        index = cls.__new__(cls)
        index._hold({e.iri: e for e in entities}, keys, iris, names, alpha, sfx_ids, sfx_offsets,
                    {gram: _unpacked(postings) for gram, postings in data["grams"].items()})
        return index

    def __len__(self) -> int:
        return len(self.entities)

    @property
    def name_count(self) -> int:
        return len(self._keys)

    def acronyms(self) -> dict[str, str]:
        """Short names in capitals the graph gives its entities (ACWC, NHRIs) -> the entity's full name."""
        out: dict[str, str] = {}
        for iri, name in zip(self._iris, self._names):
            label = self.entities[iri].label
            if _ACRONYM.fullmatch(name) and name != label:
                out.setdefault(name, label)
        return out

    def other_names(self, iri: str) -> list[str]:
        """The entity's names besides its main label (acronyms, other names, labels in other words), shortest first."""
        by_iri = self.__dict__.get("_by_iri")
        if by_iri is None:  # made on first use (an index saved by an older build lacks it)
            by_iri = {}
            for found, name in zip(self._iris, self._names):
                by_iri.setdefault(found, []).append(name)
            self.__dict__["_by_iri"] = by_iri
        entity = self.entities.get(iri)
        return [name for name in by_iri.get(iri, ()) if entity is None or name != entity.label]

    def label(self, iri: str) -> str | None:
        entity = self.entities.get(iri)
        return entity.label if entity else None

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[Hit]:
        """The hits ``offset`` to ``offset + limit`` in rank order (records after the things they link)."""
        if limit <= 0 or offset < 0:
            return []
        ranked = self._ranked(normalise(query), offset + limit)
        return ranked[offset:offset + limit]

    def is_record(self, iri: str) -> bool:
        """A record linking things (a participation, a post holding, a count...), not a thing a reader looks for."""
        return iri in self.entities and self._is_record(iri)

    def _is_record(self, iri: str) -> bool:
        kind = self.entities[iri].kind_iri or ""
        return kind.rsplit("#", 1)[-1].rsplit("/", 1)[-1] in RECORDS

    def _ranked(self, q: str, wanted: int) -> list[Hit]:
        if not q:
            return []
        limit = wanted * 3 + 20  # look further than asked, so records can be put after the things they link
        best: dict[str, tuple[int, int]] = {}  # iri -> (tier, name number)

        def offer(tier: int, ascending: Iterable[int]) -> None:
            # Tiers come in rank order and numbers ascend within one, so the first `limit` entities
            # offered are the best ones, each under its best name.
            for i in ascending:
                if len(best) >= limit:
                    return
                best.setdefault(self._iris[i], (tier, i))

        lo, hi = _range(self._alpha_keys, q)
        exact_hi = bisect_left(self._alpha_keys, q + "\x00", lo, hi)  # names equal to q sort first
        offer(0, _ascending(self._alpha_ids[lo:exact_hi]))
        offer(1, _ascending(self._alpha_ids[exact_hi:hi]))
        if len(best) < limit:
            slo, shi = _range(self._sfx_keys, q)
            offer(2, _ascending(self._sfx_ids[slo:shi]))
        if len(best) < limit and len(q) >= 3:
            offer(3, self._substring(q))
        words = q.split(" ")
        if len(best) < limit and len(words) > 1:
            offer(4, self._all_words(words))
        if not best:  # nothing holds these words: try the nearest spellings the names use
            near = self._near(words)
            if near:
                offer(5, self._all_words(near))
        ranked = sorted(best.items(), key=lambda item: (self._is_record(item[0]), item[1]))
        return [Hit(self.entities[iri], self._names[i], TIERS[tier]) for iri, (tier, i) in ranked]

    # -- helpers -----------------------------------------------------------------
    def _vocabulary(self) -> list[str]:
        """The distinct words of all names, made on first use (only a misspelt query needs them)."""
        if self._words is None:
            self._words = sorted({w for key in self._keys for w in key.split(" ")
                                  if len(w) >= 4 and w.isalpha()})  # numbers are not misspelt
        return self._words

    def _near(self, words: list[str]) -> list[str] | None:
        """Each query word replaced by the closest word the names use (None if one has no near spelling)."""
        from rapidfuzz import fuzz, process

        out = []
        for word in words:
            if len(word) < 4:
                out.append(word)
                continue
            found = process.extractOne(word, self._vocabulary(), scorer=fuzz.ratio, score_cutoff=NEAR_SCORE)
            if found is None:
                return None
            out.append(found[0])
        return None if out == words else out

    def _substring(self, q: str) -> Iterator[int]:
        """Names containing q, shortest first: the rarest trigram's postings, checked lazily."""
        rarest = min((self._grams.get(g, _EMPTY) for g in _trigrams(q)), key=len)
        keys = self._keys
        return (i for i in rarest if q in keys[i])

    def _all_words(self, words: list[str]) -> list[int]:
        """Names with a word starting with each query word, in any order, shortest first."""
        found: set[int] | None = None
        for word in sorted(set(words), key=len, reverse=True):  # the longest word is likely the rarest
            lo, hi = _range(self._alpha_keys, word)
            slo, shi = _range(self._sfx_keys, word)
            ids = set(self._alpha_ids[lo:hi])
            ids.update(self._sfx_ids[slo:shi])
            found = ids if found is None else found & ids
            if not found:
                return []
        return sorted(found or ())


class _Suffixes(Sequence):
    """The word-initial suffixes of the names in sorted order, read from (name, offset) pairs as ``bisect`` asks
    for them, instead of a list of a million strings built at every start."""

    def __init__(self, keys: list[str], ids: array, offsets: array):
        self.keys, self.ids, self.offsets = keys, ids, offsets

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, j):
        return self.keys[self.ids[j]][self.offsets[j]:]


def _spaces(key: str) -> Iterator[int]:
    pos = key.find(" ")
    while pos >= 0:
        yield pos
        pos = key.find(" ", pos + 1)


def _packed(numbers: array) -> str:
    if sys.byteorder != "little":
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return base64.b64encode(numbers.tobytes()).decode("ascii")


def _unpacked(text: str) -> array:
    numbers = array("I")
    numbers.frombytes(base64.b64decode(text, validate=True))  # ValueError for a length that is not whole numbers
    if sys.byteorder != "little":
        numbers.byteswap()
    return numbers


def _ascending(ids: Iterable[int]) -> Iterator[int]:
    """The ids in ascending order, lazily (a heap: the first few cost little however many there are)."""
    heap = list(ids)
    heapify(heap)
    while heap:
        yield heappop(heap)


def _range(keys: list[str], prefix: str) -> tuple[int, int]:
    lo = bisect_left(keys, prefix)
    return lo, bisect_left(keys, prefix + _HIGH, lo)


def _contains(sorted_ids: array, i: int) -> bool:
    j = bisect_left(sorted_ids, i)
    return j < len(sorted_ids) and sorted_ids[j] == i


def _trigrams(key: str) -> set[str]:
    return {key[i:i + 3] for i in range(len(key) - 2)}


def build_index(store: "Store", catalogue: "Catalogue", vocabulary: "Vocabulary") -> LabelIndex:
    """The index of every entity under the graph's ``id/`` namespace, from two system queries.

    An entity's main label is its English ``rdfs:label`` (else any label); its kind is the label of its
    most specific class.
    """
    import pyoxigraph as ox

    namespace = ox.Literal(vocabulary.base + "id/")
    symbol = ox.NamedNode(vocabulary.base + "ontology#documentSymbol")
    labels: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for row in store.select(catalogue.system("names"), {"namespace": namespace, "symbol": symbol}).rows:
        iri, name = row["entity"].value, row["name"]
        names.append((iri, name.value))
        # (a comparison comes back from Virtuoso as the integer 1 or 0, not as a boolean)
        if row["main"].value in ("true", "1") and (iri not in labels or name.language == "en"):
            labels[iri] = name.value
    types: dict[str, list[str]] = {}
    for row in store.select(catalogue.system("entity-types"), {"namespace": namespace}).rows:
        types.setdefault(row["entity"].value, []).append(row["class"].value)
    entities = []
    for iri, label in labels.items():
        kind = vocabulary.kind(types.get(iri, ()))
        entities.append(Entity(iri, label, vocabulary.class_label(kind) if kind else "Resource", kind))
    return LabelIndex(entities, names)


def index_graph(store: "Store", catalogue: "Catalogue", base: str) -> "tuple[Vocabulary, LabelIndex]":
    """What naming and finding things needs: the vocabulary (with the graph's entity kinds) and the label index."""
    from aichr_kg.vocabulary import Vocabulary

    vocabulary = Vocabulary.from_store(store, catalogue, base)
    index = build_index(store, catalogue, vocabulary)
    return vocabulary.with_kinds(index.entities), index
