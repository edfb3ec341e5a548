"""The derivation rules on small inputs whose answers are known by hand (the real data is checked through the
endpoint in tests/api/test_vocabularies.py): day bounds of every precision, month lengths and leap years, and the
ORG view of a holding that only says what the curated one says."""

import pyoxigraph as ox
import pytest

from aichr_kg.sources import ontology_files
from aichr_kg.store import EmbeddedStore

HEAD = """@prefix ak: <https://w3id.org/aichr-kg/ontology#> . @prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix opengov: <http://www.w3.org/ns/opengov#> .
@prefix : <https://example.org/> .
"""


def derive(settings, rule: str, turtle: str) -> EmbeddedStore:
    store = EmbeddedStore()
    for source in ontology_files(settings):
        store.load_file(source.path, source.graph)
    store.oxi.load(HEAD + turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/g"))
    store.merge_default_graph()  # rules read the merged default graph, as in the build
    derived = EmbeddedStore()
    derived.add_triples(store.construct((settings.queries_dir / "rules" / rule).read_text()), "https://example.org/d",
                        merged=True)
    return derived


def bounds(store: EmbeddedStore) -> dict[str, tuple]:
    table = store.select("""PREFIX ak: <https://w3id.org/aichr-kg/ontology#> SELECT ?x ?e ?l WHERE {
      { ?x ak:earliestDate ?e } UNION { ?x ak:latestDate ?l } FILTER(STRSTARTS(STR(?x), "https://example.org/")) }""")
    out: dict[str, list] = {}
    for row in table.rows:
        slot = out.setdefault(row["x"].value.rsplit("/", 1)[-1], [None, None])
        if "e" in row:
            slot[0] = row["e"].value
        if "l" in row:
            slot[1] = row["l"].value
    return {k: tuple(v) for k, v in out.items()}


@pytest.mark.parametrize(("start", "end", "expected"), [
    ('"2018"^^xsd:gYear', None, ("2018-01-01", "2018-12-31")),
    ('"2016-02"^^xsd:gYearMonth', None, ("2016-02-01", "2016-02-29")),
    ('"2019-02"^^xsd:gYearMonth', None, ("2019-02-01", "2019-02-28")),
    ('"2000-02"^^xsd:gYearMonth', None, ("2000-02-01", "2000-02-29")),
    ('"2100-02"^^xsd:gYearMonth', None, ("2100-02-01", "2100-02-28")),
    ('"2018-04"^^xsd:gYearMonth', None, ("2018-04-01", "2018-04-30")),
    ('"2018-12"^^xsd:gYearMonth', None, ("2018-12-01", "2018-12-31")),
    ('"2018-05-15"^^xsd:date', None, ("2018-05-15", "2018-05-15")),
    ('"2018-05-15"^^xsd:date', '"2018-06"^^xsd:gYearMonth', ("2018-05-15", "2018-06-30")),
])
def test_day_bounds_of_an_event(settings, start, end, expected):
    turtle = f":e a ak:Meeting ; schema:startDate {start}" + (f" ; schema:endDate {end}" if end else "") + " ."
    assert bounds(derive(settings, "date-bounds.rq", turtle)) == {"e": expected}


def test_two_precisions_of_one_date_give_the_tighter_bounds(settings):
    turtle = ':i dcterms:issued "2016"^^xsd:gYear, "2016-09"^^xsd:gYearMonth . :f a ak:FollowUp ; dcterms:date "2019"^^xsd:gYear .'
    assert bounds(derive(settings, "date-bounds.rq", turtle)) == {"i": ("2016-09-01", "2016-09-30"),
                                                                  "f": ("2019-01-01", "2019-12-31")}


def test_holdings_get_only_the_bounds_their_dates_give(settings):
    turtle = """:open a ak:PostHolding ; schema:startDate "2020-03"^^xsd:gYearMonth .
                :seen a ak:PostHolding ; ak:attestedOn "2024-05-08"^^xsd:date ."""
    assert bounds(derive(settings, "date-bounds.rq", turtle)) == {"open": ("2020-03-01", None)}


def test_org_view_of_a_holding_says_no_more_than_it(settings):
    turtle = """:h a ak:PostHolding ; org:member :p ; opengov:post :post ; ak:attestedOn "2024-05-08"^^xsd:date .
                :post org:postIn :body ."""
    triples = {(t.subject.value, t.predicate.value.rsplit("#", 1)[-1], getattr(t.object, "value", None))
               for t in derive(settings, "org-memberships.rq", turtle).construct("CONSTRUCT WHERE { ?s ?p ?o }")}
    h = "https://example.org/h"
    assert (h, "organization", "https://example.org/body") in triples
    assert (h, "role", "https://example.org/post") in triples
    assert (h + "#interval", "inside", h + "#attested") in triples
    assert (h + "#attested", "inXSDDate", "2024-05-08") in triples
    assert not any(p in ("hasBeginning", "hasEnd") for _, p, _ in triples)


def test_derived_triples_speak_only_of_curated_things(built):
    """graph/derived restates; it adds no entity: every subject there is a subject of a curated graph, or a node the
    ORG rule hangs off a holding's IRI (#interval, #beginning, #end, #attested)."""
    rows = built.store.select("""SELECT DISTINCT ?s WHERE {
      GRAPH <https://w3id.org/aichr-kg/graph/derived> { ?s ?p ?o }
      FILTER NOT EXISTS { GRAPH ?g { ?s ?q ?x } FILTER(?g != <https://w3id.org/aichr-kg/graph/derived>) } }""").rows
    extra = [r["s"].value for r in rows]
    assert extra and all(s.split("#")[0].startswith("https://w3id.org/aichr-kg/id/holding/") and "#" in s for s in extra)


def test_who_is_to_act_reads_as_schema_recipient(settings):
    """A curator's ak:addressedTo (a source saying who is to act on an outcome) gives schema:recipient and
    ak:concerns by the ontology's sub-property axioms, so a schema.org query finds it."""
    derived = derive(settings, "ontology-entailment.rq", ":r1 ak:addressedTo :body .")
    found = {(row["p"].value) for row in derived.select(
        "SELECT ?p WHERE { <https://example.org/r1> ?p <https://example.org/body> }").rows}
    assert {"https://schema.org/recipient", "https://w3id.org/aichr-kg/ontology#concerns"} <= found
