"""Reading query text before it runs: the form, the FROM graphs, refusals, and VALUES binding for remote servers."""

import pyoxigraph as ox
import pytest

from aichr_kg.querytext import QueryRefused, insert_values, read, tokens

AICHR = "https://w3id.org/aichr-kg/id/body/aichr"


@pytest.mark.parametrize("text, form", [
    ("SELECT * { ?s ?p ?o }", "SELECT"),
    ("  # a comment\nPREFIX ex: <http://example.org/>\nBASE <http://example.org/>\nask { }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/x>", "DESCRIBE"),
    ("PREFIX : <http://example.org/> :x :y :z", None),
])
def test_form(text, form):
    assert read(text).form == form


def test_from_graphs_resolved():
    text = ("PREFIX g: <https://w3id.org/aichr-kg/graph/> BASE <http://example.org/dir/>\n"
            "SELECT * FROM g:reference FROM <other> FROM NAMED <http://kasei.us/data1.rdf> WHERE { ?s ?p ?o }")
    found = read(text)
    assert found.from_graphs == ["https://w3id.org/aichr-kg/graph/reference", "http://example.org/dir/other"]
    assert found.from_named_graphs == ["http://kasei.us/data1.rdf"]
    assert read("SELECT * FROM <graph/x> { }", base="https://w3id.org/aichr-kg/").from_graphs == [
        "https://w3id.org/aichr-kg/graph/x"]


def test_from_inside_strings_and_comments_is_not_a_clause():
    text = 'SELECT * WHERE { ?s ?p "FROM <http://x/>" } # FROM <http://y/>'
    assert read(text).from_graphs == []


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    # the parser reads SERVICEex:x as SERVICE ex:x
    "PREFIX ex: <http://example.org/> SELECT * WHERE { SERVICEex:sparql { ?s ?p ?o } }",
    # '<?b)SERVICE$v#>' reads as an IRI, but the parser sees ?a < ?b, then SERVICE $v, then a comment
    "SELECT * WHERE { FILTER(?a<?b)SERVICE$v#>\n{ ?s ?p ?o } }",
    # an escaped quote in a prefixed name must not open a string that would hide what follows
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ex:a\\'b SERVICE <http://example.org/> { } } #'",
])
def test_service_refused(text):
    with pytest.raises(QueryRefused, match="SERVICE"):
        read(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s <https://schema.org/Service> ?o }",
    "SELECT * WHERE { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT ?service WHERE { ?service a ?type } # SERVICE <http://x/>",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
])
def test_service_in_names_strings_and_comments_is_fine(text):
    assert read(text).form == "SELECT"


@pytest.mark.parametrize("text, word", [
    ("INSERT DATA { <http://x/s> <http://x/p> 1 }", "INSERT"),
    ("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("clear all", "CLEAR"), ("DROP GRAPH <http://x/>", "DROP"), ("WITH <http://x/> DELETE {} WHERE {}", "WITH"),
])
def test_updates_refused(text, word):
    with pytest.raises(QueryRefused, match=f"read-only") as refused:
        read(text)
    assert word in str(refused.value)


def test_load_refused():
    with pytest.raises(QueryRefused, match="LOAD is not allowed"):
        read("LOAD <http://example.org/data.ttl> INTO GRAPH <http://x/>")


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
