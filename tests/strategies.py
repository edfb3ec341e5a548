"""Hypothesis strategies: SPARQL queries with one SERVICE call at a random grammatical position.

``service_queries(url)`` draws pairs: the query with its SERVICE call, and the same query with the
call's keyword and target removed (a plain group in its place), which must be a valid query, so
that a refusal of the first is about SERVICE and not about a text the generator got wrong.
"""

from hypothesis import strategies as st

HOLE = "@@"


def _case(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.lower(), word.title(), "".join(
        c.lower() if i % 2 else c for i, c in enumerate(word))])


_SPACE = st.sampled_from([" ", "\n", "\t", "  ", " # a comment\n", "\n# SERVICE <http://x/> in a comment\n"])
_TRIPLES = st.sampled_from(["?s ?p ?o", "?s <http://example.org/p> 'v'", "?s a ?type", "?s ?p 1",
                            '?s ?p """a\nb"""', "?s ?p \"<SERVICE>\"", "?s <http://example.org/service> ?o"])


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A pattern holding ``inner`` somewhere inside one of the grammar's group forms."""
    forms = ["{ %s }", "OPTIONAL { %s }", "MINUS { %s }", "{ %s } UNION { ?s ?p ?o }", "{ ?s ?p ?o } UNION { %s }",
             "GRAPH ?g { %s }", "{ SELECT * WHERE { %s } }", "{ SELECT ?s WHERE { %s } LIMIT 5 }",
             "FILTER EXISTS { %s }", "FILTER NOT EXISTS { %s }", "FILTER(EXISTS { %s } || true)"]
    return st.tuples(st.sampled_from(forms), inner, _TRIPLES, _SPACE, st.booleans()).map(
        lambda t: (f"{t[2]} .{t[3]}" if t[4] else "") + t[0] % t[1])


def _pattern() -> st.SearchStrategy[str]:
    target = st.sampled_from(["<{url}h>", "?u", "l:x", "<relative>"])
    keyword = st.tuples(_case("SERVICE"), st.sampled_from(["", " SILENT", " silent"]), _SPACE, target).map(
        lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}")
    leaf = st.tuples(keyword, _TRIPLES).map(lambda t: (t[0], f"{HOLE} {{ {t[1]} }}"))
    return st.recursive(leaf, lambda inner: st.tuples(inner.map(lambda x: x[0]), _wrap(inner.map(lambda x: x[1]))),
                        max_leaves=6)


def service_queries(url: str) -> st.SearchStrategy[tuple[str, str]]:
    forms = ["SELECT * WHERE { %s }", "ASK { %s }", "CONSTRUCT { ?s ?p ?o } WHERE { %s }", "DESCRIBE ?s WHERE { %s }",
             "SELECT (EXISTS { %s } AS ?e) WHERE { }", "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { %s }) LIMIT 1",
             "SELECT * WHERE { { SELECT * WHERE { %s } } } VALUES ?u { <{url}v> }"]

    def build(args) -> tuple[str, str]:
        form, (keyword, body), space = args
        prologue = f"BASE <{url}>{space}PREFIX l: <{url}>{space}"
        text = prologue + form.replace("{url}", url) % body
        return text.replace(HOLE, keyword.replace("{url}", url)), text.replace(HOLE, "")

    return st.tuples(st.sampled_from(forms), _pattern(), _SPACE).map(build)
