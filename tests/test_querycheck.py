"""The query check: the full SPARQL 1.1 grammar decides what may run (forms, FROM graphs, refusals), and the
linear screen bounds nesting before any parse. The smuggling corpus is ``tests/smuggling.py``."""

import time

import pytest
from hypothesis import given, settings
from strategies import service_queries

import smuggling
from aichr_kg.querycheck import QueryRefused, QueryUnreadable, check, screen

URL = "http://127.0.0.1:9/"


@pytest.mark.parametrize("text", smuggling.service(URL))
def test_every_service_call_is_refused_naming_it(text):
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(text)


@pytest.mark.parametrize("text", smuggling.refused(URL))
def test_every_smuggling_attempt_is_refused(text):
    with pytest.raises((QueryRefused, QueryUnreadable)):
        check(text)


@pytest.mark.parametrize("text", smuggling.no_fetch(URL))
def test_graphs_named_as_data_pass(text):
    assert check(text).form in ("SELECT", "DESCRIBE", "CONSTRUCT")


@given(service_queries(URL))
@settings(max_examples=300, deadline=None)
def test_service_anywhere_in_the_grammar_is_refused(pair):
    with_service, without = pair
    assert check(without).form  # the generator wrote a valid query
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(with_service)


@pytest.mark.parametrize("text, form", [
    ("SELECT * { ?s ?p ?o }", "SELECT"),
    ("  # a comment\nPREFIX ex: <http://example.org/>\nBASE <http://example.org/>\nask { }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/x>", "DESCRIBE"),
])
def test_form(text, form):
    assert check(text).form == form


def test_from_graphs_resolved():
    text = ("PREFIX g: <https://w3id.org/aichr-kg/graph/> BASE <http://example.org/dir/>\n"
            "SELECT * FROM g:reference FROM <other> FROM NAMED <http://kasei.us/data1.rdf> WHERE { ?s ?p ?o }")
    found = check(text)
    assert found.from_graphs == ("https://w3id.org/aichr-kg/graph/reference", "http://example.org/dir/other")
    assert found.from_named_graphs == ("http://kasei.us/data1.rdf",)
    assert check("SELECT * FROM <graph/x> { }", base="https://w3id.org/aichr-kg/").from_graphs == (
        "https://w3id.org/aichr-kg/graph/x",)
    # an escape in the IRI is the same IRI (the old tokenizer missed it, and the FROM clause was dropped)
    assert check("SELECT * FROM <http://x/f\\u0035> { }").from_graphs == ("http://x/f5",)


def test_from_inside_strings_and_comments_is_not_a_clause():
    assert check('SELECT * WHERE { ?s ?p "FROM <http://x/>" } # FROM <http://y/>').from_graphs == ()


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s <https://schema.org/Service> ?o }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT ?service WHERE { ?service a ?type } # SERVICE <http://x/>",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:x ?o }",
])
def test_service_in_names_strings_and_comments_is_fine(text):
    assert check(text).form == "SELECT"


@pytest.mark.parametrize("text, words", [
    ("INSERT DATA { <http://x/s> <http://x/p> 1 }", "INSERT DATA"),
    ("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("clear all", "CLEAR"), ("DROP GRAPH <http://x/>", "DROP"),
    ("WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
])
def test_updates_refused_naming_the_operation(text, words):
    with pytest.raises(QueryRefused, match="read-only") as refused:
        check(text)
    assert words in str(refused.value)


def test_load_refused():
    with pytest.raises(QueryRefused, match="LOAD is not allowed"):
        check("LOAD <http://example.org/data.ttl> INTO GRAPH <http://x/>")


def test_syntax_errors_name_the_line():
    with pytest.raises(QueryUnreadable, match=r"syntax error at line 3, column \d+ near 'FILTER"):
        check("SELECT * WHERE {\n ?s ?p ?o .\n FILTER(?x = }")


def test_the_checked_text_is_what_the_engine_gets():
    # SPARQL 1.1 expands escapes before parsing: the engine gets the expanded text, so both read the same
    assert check("SELECT * { BIND('\\u0022' AS ?x) }").text == "SELECT * { BIND('\"' AS ?x) }"
    with pytest.raises(QueryUnreadable, match="escape spells another escape"):
        check("SELECT * { BIND('\\u005Cu0053' AS ?x) }")


# -- bounded work -------------------------------------------------------------------------------------
@pytest.mark.parametrize("bomb", ["{" * 5000 + "}" * 5000, "(" * 10000, "[" * 10000, "{" * 40000])
def test_screen_refuses_nesting_bombs_naming_the_limit(bomb):
    with pytest.raises(QueryUnreadable, match="more than 128 deep .*max_query_nesting"):
        screen(f"SELECT * WHERE {bomb}", 128)


def test_screen_counts_brackets_in_code_only():
    screen("SELECT * { ?s ?p '" + "(" * 500 + "' } # " + "{" * 500, 128)
    screen("SELECT * { " + "{ " * 128 + "}" * 128 + " }", 129)
    with pytest.raises(QueryUnreadable, match="at line 2"):
        screen("SELECT *\n" + "{" * 200, 128)


def test_hidden_nesting_is_stopped_by_the_parser_not_the_stack():
    """A quote inside an IRI makes the screen read the rest of the line as a string; the grammar then meets
    the brackets itself, and stops with a RecursionError (in a worker: a 400), never an overflow."""
    bomb = "SELECT * { ?s <http://x/it's> ?o . " + "{" * 3000 + " ?a ?b ?c " + "}" * 3000 + " FILTER(?o != 'x') }"
    screen(bomb, 128)  # the screen misses it
    with pytest.raises(QueryUnreadable, match="nested too deeply"):
        check(bomb)


def test_the_quadratic_text_is_linear_now():
    text = "ASK {} " + "a-" * 25_000
    started = time.perf_counter()
    screen(text, 128)
    with pytest.raises(QueryUnreadable, match="syntax error at line 1, column 8"):
        check(text)
    assert time.perf_counter() - started < 2  # the old tokenizer took 15-18 s on this text
