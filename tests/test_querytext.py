"""Reading our own query texts: tokens, and VALUES blocks binding parameters at the head of the WHERE clause."""

import pyoxigraph as ox
import pytest

from aichr_kg.querytext import insert_values, tokens

AICHR = "https://w3id.org/aichr-kg/id/body/aichr"


def test_tokens_keep_strings_and_iris_whole():
    kinds = [(t.kind, t.text) for t in tokens('?x <http://a/b?c#d> """multi\n"line""" \'it\\\'s\' ex:l\\.ocal')
             if t.kind != "ws"]
    assert kinds == [("var", "?x"), ("iri", "<http://a/b?c#d>"), ("string", '"""multi\n"line"""'),
                     ("string", "'it\\'s'"), ("pname", "ex:l\\.ocal")]


def test_values_reach_filters_and_give_the_substitution_answer():
    store = ox.Store()
    for year in (2020, 2022):
        store.add(ox.Quad(ox.NamedNode(f"http://x/e{year}"), ox.NamedNode("http://x/year"), ox.Literal(str(year), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    text = "SELECT ?e ?year WHERE { ?e <http://x/year> ?y FILTER(?y = ?year) } ORDER BY ?e"
    year = ox.Literal("2022", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    substituted = [str(s["e"]) for s in store.query(text, substitutions={ox.Variable("year"): year})]
    bound = insert_values(text, {"year": str(year)})
    assert bound.startswith("SELECT ?e ?year WHERE { VALUES (?year) {")
    assert [str(s["e"]) for s in store.query(bound)] == substituted == ["<http://x/e2022>"]


def test_values_placement():
    assert insert_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": f"<{AICHR}>"}).startswith(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s) {{ (<{AICHR}>) }}")
    projected = insert_values("SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?o }", {"s": f"<{AICHR}>"})
    assert "(EXISTS { ?a ?b ?c } AS ?e) WHERE { VALUES" in projected
    short = insert_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": f"<{AICHR}>"})
    assert short.rstrip().endswith(f"VALUES (?s) {{ (<{AICHR}>) }}")
    with pytest.raises(ValueError):
        insert_values("SELECT * {}", {"x) } ; DROP": "1"})


def test_a_union_gets_the_values_in_every_branch_with_the_same_answer(store):
    """pyoxigraph joins a VALUES block in the enclosing group only after evaluating each branch unbound (the entity
    document's query took 100x longer): each branch opens with the block instead, for the same solutions."""
    text = ("SELECT ?e ?part ?x WHERE { { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?x BIND(1 AS ?part) } "
            "UNION { ?x <http://www.w3.org/ns/org#subOrganizationOf> ?e BIND(2 AS ?part) } }")
    value = f"<{AICHR}>"
    bound = insert_values(text, {"e": value})
    assert bound.count("VALUES") == 2 and bound.startswith("SELECT ?e ?part ?x WHERE { { VALUES (?e)")
    at_head = text.replace("WHERE {", f"WHERE {{ VALUES (?e) {{ ({value}) }}", 1)

    def answer(sparql: str) -> list:
        return sorted((str(s["part"]), str(s["x"])) for s in store.oxi.query(sparql, use_default_graph_as_union=True))

    assert answer(bound) == answer(at_head) and {part for part, _ in answer(bound)} == {'"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'}
    for not_only_a_union in ("SELECT * WHERE { { ?e ?p ?o } UNION { ?o ?p ?e } ?e ?q ?r }", "SELECT * WHERE { { ?e ?p ?o } }"):
        assert insert_values(not_only_a_union, {"e": value}).count("VALUES") == 1


def test_dataset_clauses_are_blanked_keeping_positions():
    from aichr_kg.querytext import without_dataset_clauses

    text = "PREFIX g: <urn:g:>\nSELECT * FROM <urn:a>\nFROM NAMED g:b WHERE { GRAPH ?g { ?s ?p <urn:from> } }"
    out = without_dataset_clauses(text)
    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert "FROM" not in out.upper().replace("<URN:FROM>", "") and "<urn:a>" not in out and "g:b" not in out
    assert "<urn:from>" in out and out.endswith("WHERE { GRAPH ?g { ?s ?p <urn:from> } }")
    assert without_dataset_clauses("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"


def test_graphs_outside_the_dataset_are_named_as_the_empty_graph():
    from aichr_kg.querytext import graphs_named_outside

    text = ("BASE <http://ex/> PREFIX ex: <http://ex/>\nASK { GRAPH ex:a { ?s ?p <http://ex/out> } graph <b> {} "
            "GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { GRAPH <http://ex/out> { ?s ?p ?o } } GRAPH nope:x {} }")
    out = graphs_named_outside(text, {"http://ex/a"}, "urn:e")
    # ex:a is in the dataset, <b> and <http://ex/out> are not (as graph names), nope: is no declared prefix
    assert out == ("BASE <http://ex/> PREFIX ex: <http://ex/>\nASK { GRAPH ex:a { ?s ?p <http://ex/out> } graph <urn:e> {} "
                   "GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { GRAPH <urn:e> { ?s ?p ?o } } GRAPH nope:x {} }")
    assert graphs_named_outside("ASK { GRAPH <http://ex/a> {} }", {"http://ex/a"}, "urn:e") == "ASK { GRAPH <http://ex/a> {} }"
