"""The label index (aichr_kg.search): normalisation, ranking tiers, one hit per entity, and lookups that read a bounded part of it."""

import random
import re

import pytest

from aichr_kg.search import Entity, LabelIndex, build_index, normalise
from aichr_kg.vocabulary import Vocabulary

X = "http://example.org/"


def _index(*rows: tuple[str, str, list[str]]) -> LabelIndex:
    entities = [Entity(X + iri, label, "Thing") for iri, label, _ in rows]
    names = [(X + iri, name) for iri, _, others in rows for name in others]
    return LabelIndex(entities, names)


@pytest.mark.parametrize("text, key", [("Việt Nam", "viet nam"), ("  AICHR-UN  Meeting ", "aichr un meeting"),
                                       ("Ministère des Affaires étrangères", "ministere des affaires etrangeres"),
                                       ("A/HRC/RES/34/17", "a hrc res 34 17"), ("STRASSE", "strasse"), ("", "")])
def test_normalise_folds_case_accents_and_punctuation(text, key):
    assert normalise(text) == key


def test_tiers_rank_exact_prefix_word_prefix_substring_then_all_words():
    index = _index(("a", "Human rights dialogue", []), ("b", "Human", []), ("c", "ASEAN Human Rights Declaration", []),
                   ("d", "Inhuman treatment", []), ("e", "Dialogue on rights of humans", []), ("f", "Humanitarian law", []))
    hits = index.search("human", 10)
    assert [(h.entity.iri[len(X):], h.match) for h in hits] == [
        ("b", "exact"), ("f", "prefix"), ("a", "prefix"), ("e", "word"), ("c", "word"), ("d", "substring")]
    words = index.search("dialogue human", 10)
    assert [(h.entity.iri[len(X):], h.match) for h in words] == [("a", "words"), ("e", "words")]


def test_each_entity_appears_once_under_its_best_name():
    index = _index(("aichr", "ASEAN Intergovernmental Commission on Human Rights", ["AICHR", "AICHR secretariat"]),
                   ("aichr-id", "AICHR Indonesia", []))
    hits = index.search("aichr", 10)
    assert [(h.entity.iri[len(X):], h.name, h.match) for h in hits] == [
        ("aichr", "AICHR", "exact"), ("aichr-id", "AICHR Indonesia", "prefix")]
    assert hits[0].as_dict()["label"] == "ASEAN Intergovernmental Commission on Human Rights"


def test_accents_and_case_do_not_matter_either_way():
    index = _index(("vn", "Việt Nam", []), ("tl", "Timor-Leste", ["TLS"]))
    assert index.search("VIET NAM")[0].entity.iri == X + "vn"
    assert index.search("viêt")[0].entity.iri == X + "vn"
    assert index.search("timor leste")[0].match == "exact"
    assert index.search("tls")[0].name == "TLS"


def test_short_queries_match_prefixes_only_and_limits_hold():
    index = _index(*[(f"e{i}", f"Event number {i}", []) for i in range(50)])
    assert index.search("nu", 100) and all(h.match == "word" for h in index.search("nu", 100))
    assert index.search("um", 100) == []  # two letters inside a word: no substring search below three
    assert len(index.search("event", 7)) == 7 and index.search("event", 0) == []
    assert [h.entity.label for h in index.search("event", 3)] == ["Event number 0", "Event number 1", "Event number 2"]


def test_index_of_the_real_graph(store, catalogue, settings):
    vocabulary = Vocabulary.from_store(store, catalogue, settings.base)
    index = build_index(store, catalogue, vocabulary)
    aichr = index.search("AICHR", 1)[0]
    assert aichr.entity.iri == settings.base + "id/body/aichr" and aichr.entity.kind == "ASEAN body"
    assert index.label(settings.base + "id/body/aichr") == "ASEAN Intergovernmental Commission on Human Rights"
    assert index.search("A/HRC/RES/34/17", 1), "UN document symbols are searchable names"


def _steps(index: LabelIndex, run) -> int:
    """SQLite virtual-machine steps ``run()`` costs on the index's connection (counted in hundreds): the work of a
    lookup, which a scan makes grow with the number of names, measured without a clock."""
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    with index._db() as db:  # the pool's one connection, which the searches below borrow again
        db.set_progress_handler(tick, 100)
    try:
        run()
    finally:
        with index._db() as db:
            db.set_progress_handler(None, 100)
    return count[0] * 100


def test_every_name_holding_the_query_is_found_where_it_starts_inside_a_word():
    """The substring tier is asked only when a name can hold the query starting inside one of its words (the words
    of all names are looked up first): whatever the words, every name whose text holds the query is found."""
    rng = random.Random(11)
    words = ["workshop", "miniworkshop", "x_workshop", "2workshop", "on", "access", "accessibility", "trafficking",
             "antitrafficking", "human", "inhumane", "rights", "of", "ministry", "labour", "labourers", "con"]
    rows = [(str(i), " ".join(rng.choice(words) for _ in range(rng.randint(1, 5))), []) for i in range(400)]
    index = _index(*rows)
    keys = {X + iri: normalise(label) for iri, label, _ in rows}
    queries = ["workshop on access", "workshop on", "orkshop on", "trafficking", "rafficking", "human rights", "uman",
               "on access", "con", "abour", "labour", "ministry of labour", "x_workshop", "2workshop on", "shop"]  # (under three characters: prefixes only)
    for query in queries:
        expected = {iri for iri, key in keys.items() if normalise(query) in key}
        found = {hit.entity.iri for hit in index.search(query, 1000)}
        assert expected <= found, (query, sorted(expected - found)[:5])
    with index._db() as db:  # "workshop" ends longer words; "access" only starts them
        from aichr_kg.search import _inside_a_word
        assert _inside_a_word(db, "workshop", True) and not _inside_a_word(db, "access", True)
        assert _inside_a_word(db, "access", False) is False and _inside_a_word(db, "trafficking", False)


def test_lookups_do_not_scan_every_name():
    """About as many names as 10^6 triples of this graph would hold: every tier of every lookup reads a bounded
    number of rows, far fewer than the names (a scan of them costs more steps than there are names)."""
    rng = random.Random(5)
    words = ["asean", "human", "rights", "dialogue", "commission", "workshop", "regional", "consultation", "trafficking",
             "persons", "women", "children", "migrant", "workers", "meeting", "jakarta", "bangkok", "manila", "declaration",
             "plan", "action", "united", "nations", "development", "programme", "việt", "nam", "timor", "of", "the", "on"]
    entities = [Entity(f"{X}{i}", " ".join(rng.choice(words) for _ in range(rng.randint(2, 8))).title() + f" {i}", "Thing")
                for i in range(100_000)]
    index = LabelIndex(entities, [(e.iri, "".join(w[0] for w in e.label.split()).upper()) for e in entities[::3]])
    names = index.name_count
    scan = _steps(index, lambda: index._one("SELECT count(*) FROM name WHERE name LIKE '%zz%'"))
    assert scan > names  # the measure sees a scan for what it is
    steps = {}
    for query in ["a", "asean", "human rights", "viet nam", "ights", "tion of the", "12345", "dialogue rights", "zzz",
                  "WHRD", "trafiking", "Jakarta Bangkok Manila 99999", "5", "99"]:  # "5", "99": many names hold them, none starts with them
        steps[query] = _steps(index, lambda: index.search(query, 20))
    print(f"\nlabel search, SQLite steps per query over {names} names (a scan: {scan}):", steps)
    assert max(steps.values()) < names // 4, steps
    assert not [(query, plan) for query in steps for plan in _table_scans(index, query)]


def _table_scans(index: LabelIndex, query: str) -> list[str]:
    """The steps of the plans of the statements a search runs that read a whole table of the index (the full-text
    engine's own work does not show in VM steps: its plans say whether it is asked to look up or to scan)."""
    statements: list[str] = []
    with index._db() as db:
        db.set_trace_callback(statements.append)
    try:
        index.search(query, 20)
    finally:
        with index._db() as db:
            db.set_trace_callback(None)
    scans = []
    with index._db() as db:
        for sql in statements:
            if sql.startswith(("--", "PRAGMA")) or "_config" in sql:  # FTS5's own bookkeeping, one row each
                continue
            scans += [f"{sql} -> {step}" for *_, step in db.execute(f"EXPLAIN QUERY PLAN {sql}")
                      if re.match(r"SCAN (name|n|entity|e|word|acronym)\b", step)]
    return scans
