"""Label search: an index over every name of every entity, kept in SQLite (FTS5), ranked, without scanning.

Names (``rdfs:label``, ``skos:altLabel`` acronyms and other names) are normalised — accents
stripped, case folded, punctuation turned into spaces — and numbered shortest first, so that
"shorter names first" is "smaller numbers first". SQLite's full-text engine (in the standard library) returns
matches in that order, so the first page of any tier is read without walking the others:

- a B-tree over the normalised names: exact matches;
- an FTS5 word index (with prefix indexes): names starting with the query (``^"human ri"*``), names with a word
  starting with it (``"human ri"*``), and names holding every query word in any order;
- an FTS5 trigram index: names containing the query anywhere, for queries of three characters or more;
- the distinct words of all names with a trigram index of their own: the candidates for a near spelling, and
  whether a query can start inside a word of some name (else the substring tier is not asked).

Matches rank exact > prefix > word prefix > substring > all words present in any order > a near
spelling (each query word replaced by the closest word the names use, by RapidFuzz over the words sharing
trigrams with it, so "trafiking" finds "trafficking"); within a tier shorter names come first. Records that link
things (a body's participation in an event, a post holding, a stated count) come after the things themselves,
which is what a person searching by name is looking for. Each entity appears once, under its best name.

The index is a file: the build writes it beside the store (``aichr_kg.diskstore``) and every process of the
service opens it read-only, so a graph of millions of names costs the service neither the time to index it at
start nor its memory.
"""

import queue
import re
import sqlite3
import tempfile
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aichr_kg.catalogue import Catalogue
    from aichr_kg.store import Store
    from aichr_kg.vocabulary import Vocabulary

TIERS = ("exact", "prefix", "word", "substring", "words", "near")
# Kinds of record that link entities rather than name one: listed after bodies, people, events, instruments.
RECORDS = {"Participation", "PostHolding", "Count", "FollowUp", "Membership"}
NEAR_SCORE = 75  # RapidFuzz ratio (0-100) a word must reach to count as a near spelling of a query word
NEAR_CANDIDATES = 200  # words sharing the most trigrams with a query word that RapidFuzz compares it with
_WORD = re.compile(r"\w+")
_HIGH = "\U0010ffff"
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z][A-Za-z0-9-]{0,3}")
# Words as normalise() makes them: letters, digits and underscores, separated by spaces.
_TOKENS = "unicode61 remove_diacritics 0 tokenchars '_'"
_SCHEMA = f"""
CREATE TABLE entity(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT NOT NULL, kind TEXT NOT NULL,
                    kind_iri TEXT, record INTEGER NOT NULL);
CREATE TEMP TABLE raw(key TEXT NOT NULL, entity INTEGER NOT NULL, name TEXT NOT NULL, UNIQUE(key, entity));
CREATE TABLE name(id INTEGER PRIMARY KEY, key TEXT NOT NULL, entity INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE word(id INTEGER PRIMARY KEY, w TEXT NOT NULL, near INTEGER NOT NULL);
CREATE TABLE acronym(name TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE words USING fts5(key, content='name', content_rowid='id', tokenize="{_TOKENS}", prefix='1 2 3');
CREATE VIRTUAL TABLE grams USING fts5(key, content='name', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE word_grams USING fts5(w, content='word', content_rowid='id', tokenize='trigram');
"""
_FILL = """
INSERT INTO name(key, entity, name) SELECT r.key, r.entity, r.name FROM raw r JOIN entity e ON e.id = r.entity
  WHERE r.key != '' ORDER BY length(r.key), r.key, e.iri;
DROP TABLE raw;
CREATE INDEX name_key ON name(key);
CREATE INDEX name_entity ON name(entity);
INSERT INTO words(rowid, key) SELECT id, key FROM name;
INSERT INTO grams(rowid, key) SELECT id, key FROM name;
CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, 'words', 'row');
"""


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

    @property
    def is_record(self) -> bool:
        return (self.kind_iri or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1] in RECORDS


@dataclass(frozen=True)
class Hit:
    entity: Entity
    name: str  # the name that matched (the label, an acronym, another name)
    match: str  # one of TIERS

    def as_dict(self) -> dict:
        return {"iri": self.entity.iri, "label": self.entity.label, "kind": self.entity.kind,
                "kindIri": self.entity.kind_iri, "matched": self.name, "match": self.match}


def write_index(path: Path, entities: Iterable[Entity], names: Iterable[tuple[str, str]] = ()) -> None:
    """Write the index of ``entities`` (each findable by its label) and their other ``names`` (iri, name) to ``path``."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;" + _SCHEMA)
        ids: dict[str, int] = {}
        for entity in entities:
            if entity.iri in ids:
                continue
            ids[entity.iri] = db.execute("INSERT INTO entity(iri, label, kind, kind_iri, record) VALUES (?, ?, ?, ?, ?)",
                                         (entity.iri, entity.label, entity.kind, entity.kind_iri,
                                          entity.is_record)).lastrowid
            db.execute("INSERT OR IGNORE INTO raw VALUES (?, ?, ?)", (normalise(entity.label), ids[entity.iri], entity.label))
        db.executemany("INSERT OR IGNORE INTO raw VALUES (?, ?, ?)",
                       ((normalise(name), ids[iri], name) for iri, name in names if iri in ids))
        db.executescript(_FILL)
        # the words of all names: for near spellings (those of four letters or more: numbers are not misspelt), and
        # to know whether a query's word occurs inside a longer word (``_inside_a_word``)
        db.executemany("INSERT INTO word(w, near) VALUES (?, ?)", ((term, len(term) >= 4 and term.isalpha())
                                                                   for (term,) in db.execute("SELECT term FROM temp.terms ORDER BY term")))
        db.execute("INSERT INTO word_grams(rowid, w) SELECT id, w FROM word")
        acronyms: dict[str, str] = {}
        for name, label in db.execute("SELECT n.name, e.label FROM name n JOIN entity e ON e.id = n.entity ORDER BY n.id"):
            if name != label and name not in acronyms and _ACRONYM.fullmatch(name):
                acronyms[name] = label
        db.executemany("INSERT INTO acronym VALUES (?, ?)", acronyms.items())
        for table in ("words", "grams", "word_grams"):
            db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        db.commit()
        db.execute("ANALYZE")
        db.commit()
    finally:
        db.close()


class LabelIndex:
    """The index in an SQLite file, read-only; ``search`` only reads, so threads may share it (each query borrows a
    connection of its own from a small pool).

    ``LabelIndex(entities, names)`` writes a new index into a temporary file kept as long as the object;
    ``LabelIndex.open(path)`` reads one a build wrote, and raises ``sqlite3.DatabaseError`` if it is not one. The
    first connection is opened there and kept: the file's data stays readable through it if the file is deleted
    under the running service (the store cache healing), as names held in memory would."""

    def __init__(self, entities: Iterable[Entity] = (), names: Iterable[tuple[str, str]] = (), *,
                 path: Path | None = None):
        if path is None:
            folder = tempfile.TemporaryDirectory(prefix="aichr-kg-labels-")
            weakref.finalize(self, folder.cleanup)
            path = Path(folder.name) / "labels.sqlite"
            write_index(path, entities, names)
        self.path = path
        self._free: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        first = self._connect()
        try:
            self._size: int = first.execute("SELECT count(*) FROM entity").fetchone()[0]
            first.execute("SELECT count(*) FROM (SELECT 1 FROM name LIMIT 1)").fetchone()
        except sqlite3.Error:
            first.close()
            raise
        self._free.put(first)
        self.entities = _Entities(self)

    @classmethod
    def open(cls, path: Path) -> "LabelIndex":
        return cls(path=path)

    def _connect(self) -> sqlite3.Connection:
        # immutable: nothing writes the file once built, so SQLite takes no locks
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection for this thread's query alone, given back after it (one more when all are in use; if the file
        can no longer be opened, the next one given back)."""
        try:
            db = self._free.get_nowait()
        except queue.Empty:
            try:
                db = self._connect()
            except sqlite3.Error:
                db = self._free.get()
        try:
            yield db
        finally:
            self._free.put(db)

    def _one(self, sql: str, parameters=()) -> tuple | None:
        with self._db() as db:
            return db.execute(sql, parameters).fetchone()

    def _all(self, sql: str, parameters=()) -> list[tuple]:
        with self._db() as db:
            return db.execute(sql, parameters).fetchall()

    def __len__(self) -> int:
        return self._size

    @property
    def name_count(self) -> int:
        return self._one("SELECT count(*) FROM name")[0]

    def iris(self) -> Iterator[str]:
        return (iri for (iri,) in self._all("SELECT iri FROM entity ORDER BY id"))

    def acronyms(self) -> dict[str, str]:
        """Short names in capitals the graph gives its entities (ACWC, NHRIs) -> the entity's full name."""
        return dict(self._all("SELECT name, label FROM acronym"))

    def entity(self, iri: str) -> Entity | None:
        row = self._one("SELECT iri, label, kind, kind_iri FROM entity WHERE iri = ?", (iri,))
        return Entity(*row) if row else None

    def label(self, iri: str) -> str | None:
        row = self._one("SELECT label FROM entity WHERE iri = ?", (iri,))
        return row[0] if row else None

    def is_record(self, iri: str) -> bool:
        """A record linking things (a participation, a post holding, a count...), not a thing a reader looks for."""
        row = self._one("SELECT record FROM entity WHERE iri = ?", (iri,))
        return bool(row and row[0])

    def other_names(self, iri: str) -> list[str]:
        """The entity's names besides its main label (acronyms, other names, labels in other words), shortest first."""
        return [name for (name,) in self._all(
            "SELECT n.name FROM entity e JOIN name n ON n.entity = e.id WHERE e.iri = ? AND n.name != e.label"
            " ORDER BY n.id", (iri,))]

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[Hit]:
        """The hits ``offset`` to ``offset + limit`` in rank order (records after the things they link)."""
        if limit <= 0 or offset < 0:
            return []
        q = normalise(query)
        if not q:
            return []
        with self._db() as db:
            ranked = self._ranked(db, q, offset + limit)
        return ranked[offset:offset + limit]

    def _ranked(self, db: sqlite3.Connection, q: str, wanted: int) -> list[Hit]:
        limit = wanted * 3 + 20  # look further than asked, so records can be put after the things they link
        best: dict[int, tuple[int, int]] = {}  # entity id -> (tier, name number)

        def offer(tier: int, rows) -> None:
            # Tiers come in rank order and numbers ascend within one, so the first `limit` entities
            # offered are the best ones, each under its best name.
            for i, entity in rows:
                if len(best) >= limit:
                    return
                best.setdefault(entity, (tier, i))

        offer(0, db.execute("SELECT id, entity FROM name WHERE key = ? ORDER BY id", (q,)))
        offer(1, _prefixed(db, q))
        if len(best) < limit:
            offer(2, _matches(db, "words", f'"{q}"*'))
        words = q.split(" ")
        if len(best) < limit and len(q) >= 3 and _inside_a_word(db, words[0], len(words) > 1):
            offer(3, ((i, e) for i, e, key in _matches(db, "grams", f'"{q}"', key=True) if q in key))
        if len(best) < limit and len(words) > 1:
            offer(4, _matches(db, "words", _all_words(words)))
        if not best:  # nothing holds these words: try the nearest spellings the names use
            near = self._near(db, words)
            if near:
                offer(5, _matches(db, "words", _all_words(near)))
        if not best:
            return []
        found = {number: row for number, *row in db.execute(
            "SELECT n.id, n.name, e.iri, e.label, e.kind, e.kind_iri, e.record FROM name n CROSS JOIN entity e ON e.id = n.entity"
            f" WHERE n.id IN ({','.join('?' * len(best))})", [i for _tier, i in best.values()])}
        ranked = sorted(best.values(), key=lambda ti: (found[ti[1]][5], ti))
        return [Hit(Entity(*found[i][1:5]), found[i][0], TIERS[tier]) for tier, i in ranked]

    def _near(self, db: sqlite3.Connection, words: list[str]) -> list[str] | None:
        """Each query word replaced by the closest word the names use (None if one has no near spelling)."""
        from rapidfuzz import fuzz, process

        out = []
        for word in words:
            if len(word) < 4:
                out.append(word)
                continue
            grams = " OR ".join(f'"{word[i:i + 3]}"' for i in range(len(word) - 2))
            candidates = [w for (w,) in db.execute(
                "SELECT g.w FROM word_grams g JOIN word ON word.id = g.rowid WHERE word_grams MATCH ? AND word.near"
                " ORDER BY g.rank LIMIT ?", (grams, NEAR_CANDIDATES))]
            found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=NEAR_SCORE)
            if found is None:
                return None
            out.append(found[0])
        return None if out == words else out


class _Entities(Mapping):
    """The index's entities by IRI, read from the file as asked for (``index.entities.get(iri)``)."""

    def __init__(self, index: LabelIndex):
        self._index = index

    def __getitem__(self, iri: str) -> Entity:
        found = self._index.entity(iri)
        if found is None:
            raise KeyError(iri)
        return found

    def __contains__(self, iri) -> bool:
        return isinstance(iri, str) and self._index.label(iri) is not None

    def __iter__(self) -> Iterator[str]:
        return self._index.iris()

    def __len__(self) -> int:
        return len(self._index)


def _matches(db: sqlite3.Connection, table: str, match: str, key: bool = False):
    """(name number, entity id[, key]) of the names an FTS5 query matches, shortest first, read lazily."""
    columns = "n.id, n.entity, n.key" if key else "n.id, n.entity"
    return db.execute(f"SELECT {columns} FROM {table} JOIN name n ON n.id = {table}.rowid WHERE {table} MATCH ?"
                      f" ORDER BY {table}.rowid", (match,))


FEW = 2000  # names starting with the query up to which the B-tree answers the prefix tier


def _prefixed(db: sqlite3.Connection, q: str):
    """Names starting with ``q``, shortest first: from the B-tree over names when they are few (then sorting them is
    cheap), else from FTS5's first-token match (then the first ones come at once; when they are rare it would read
    every name holding the word)."""
    few = db.execute("SELECT count(*) FROM (SELECT 1 FROM name WHERE key >= ? AND key < ? LIMIT ?)",
                     (q, q + _HIGH, FEW)).fetchone()[0]
    if few < FEW:
        return db.execute("SELECT id, entity FROM name WHERE key >= ? AND key < ? ORDER BY id", (q, q + _HIGH))
    return _matches(db, "words", f'^"{q}"*')


def _inside_a_word(db: sqlite3.Connection, first: str, more: bool) -> bool:
    """Whether the substring tier can find a name the word tier has not: one where the query starts inside a word
    of the name (keys are words joined by single spaces). With more words after it, ``first`` must then end a longer
    word ("miniworkshop on"), else occur in a word past its start ("trafficking" in "antitrafficking"). Words of the
    names are indexed by their trigrams, so this is one small look-up; the substring search itself reads every name
    holding the query's trigrams (6 ms at 10^6 names for three words that no name holds in that order). A word of
    fewer than three characters has no trigram: then the tier runs."""
    if len(first) < 3:
        return True
    for (word,) in db.execute("SELECT w FROM word_grams WHERE word_grams MATCH ?", (f'"{first}"',)):
        if (word.endswith(first) and word != first) if more else first in word[1:]:
            return True
    return False


def _all_words(words: list[str]) -> str:
    """An FTS5 query for names with a word starting with each query word, in any order."""
    return " ".join(f'"{word}"*' for word in sorted(set(words)))


def build_index(store: "Store", catalogue: "Catalogue", vocabulary: "Vocabulary", path: Path | None = None) -> LabelIndex:
    """The index of every entity under the graph's ``id/`` namespace, from three system queries (written to ``path``,
    else to a temporary file).

    An entity's main label is its English ``rdfs:label`` (else any label); its kind is the label of its
    most specific class.
    """
    import pyoxigraph as ox

    namespace = ox.Literal(vocabulary.base + "id/")
    symbol = ox.NamedNode(vocabulary.base + "ontology#documentSymbol")
    labels: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for row in store.select(catalogue.system("names"), {"namespace": namespace}).rows:
        iri, name = row["entity"].value, row["name"]
        names.append((iri, name.value))
        # (a comparison comes back from Virtuoso as the integer 1 or 0, not as a boolean)
        if row["main"].value in ("true", "1") and (iri not in labels or name.language == "en"):
            labels[iri] = name.value
    names += [(row["entity"].value, row["name"].value)
              for row in store.select(catalogue.system("document-symbols"), {"namespace": namespace, "symbol": symbol}).rows]
    types: dict[str, list[str]] = {}
    for row in store.select(catalogue.system("entity-types"), {"namespace": namespace}).rows:
        types.setdefault(row["entity"].value, []).append(row["class"].value)
    entities = []
    for iri, label in labels.items():
        kind = vocabulary.kind(types.get(iri, ()))
        entities.append(Entity(iri, label, vocabulary.class_label(kind) if kind else "Resource", kind))
    if path is None:
        return LabelIndex(entities, names)
    write_index(path, entities, names)
    return LabelIndex.open(path)


def index_graph(store: "Store", catalogue: "Catalogue", base: str,
                path: Path | None = None) -> "tuple[Vocabulary, LabelIndex]":
    """What naming and finding things needs: the vocabulary (with the graph's entity kinds) and the label index."""
    from aichr_kg.vocabulary import Vocabulary

    vocabulary = Vocabulary.from_store(store, catalogue, base)
    index = build_index(store, catalogue, vocabulary, path)
    return vocabulary.with_kinds(index.iris()), index
