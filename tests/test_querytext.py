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


def test_dataset_clauses_are_blanked_keeping_positions():
    from aichr_kg.querytext import without_dataset_clauses

    text = "PREFIX g: <urn:g:>\nSELECT * FROM <urn:a>\nFROM NAMED g:b WHERE { GRAPH ?g { ?s ?p <urn:from> } }"
    out = without_dataset_clauses(text)
    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert "FROM" not in out.upper().replace("<URN:FROM>", "") and "<urn:a>" not in out and "g:b" not in out
    assert "<urn:from>" in out and out.endswith("WHERE { GRAPH ?g { ?s ?p <urn:from> } }")
    assert without_dataset_clauses("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
