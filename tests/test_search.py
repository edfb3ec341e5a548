"""The label index (aichr_kg.search): normalisation, ranking tiers, one hit per entity, and lookup speed."""

import random
import statistics
import time

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


def test_lookups_do_not_scan_every_name():
    """About as many names as 10^6 triples of this graph would hold; every lookup stays far below 20 ms."""
    rng = random.Random(5)
    words = ["asean", "human", "rights", "dialogue", "commission", "workshop", "regional", "consultation", "trafficking",
             "persons", "women", "children", "migrant", "workers", "meeting", "jakarta", "bangkok", "manila", "declaration",
             "plan", "action", "united", "nations", "development", "programme", "việt", "nam", "timor", "of", "the", "on"]
    entities = [Entity(f"{X}{i}", " ".join(rng.choice(words) for _ in range(rng.randint(2, 8))).title() + f" {i}", "Thing")
                for i in range(100_000)]
    index = LabelIndex(entities, [(e.iri, "".join(w[0] for w in e.label.split()).upper()) for e in entities[::3]])
    worst = {}
    for query in ["a", "asean", "human rights", "viet nam", "ights", "tion of the", "12345", "dialogue rights", "zzz", "WHRD"]:
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            index.search(query, 20)
            timings.append(time.perf_counter() - started)
        worst[query] = statistics.median(timings)
    print("\nlabel search, median ms per query over 100k names:", {q: round(t * 1000, 2) for q, t in worst.items()})
    assert max(worst.values()) < 0.020
