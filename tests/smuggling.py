"""Texts that try to make the engine call another host: SERVICE hidden from a reader that is not the grammar,
LOAD and updates, and graphs named in the dataset. Each names ``url`` (a listener that must hear nothing).

``REFUSED``: every one must be refused (403, or 400 where the grammar does not read it as a query at all);
``SERVICE``: the subset the grammar reads as a SERVICE call, which must be refused naming SERVICE;
``NO_FETCH``: queries that name the listener as a graph or a resource, answered without any call.
"""


def service(url: str) -> list[str]:
    """SERVICE calls the grammar reads as such, however they are written."""
    return [
        # the two of issue 10: a less-than sign read as the start of an IRI hides what follows
        f"SELECT * WHERE {{ BIND(1<'>' AS ?j) SERVICE <{url}quote> {{ ?a ?b ?c }} BIND('x' AS ?k) }}",
        f"SELECT * WHERE {{ FILTER(1<'>') SERVICE <{url}quote2> {{ ?a ?b ?c }} FILTER(1!='x') }}",
        # every quote style around the hidden part
        f'SELECT * WHERE {{ BIND(1<"x" AS ?j) SERVICE <{url}dq> {{ ?a ?b ?c }} BIND("x" AS ?k) }}',
        f"SELECT * WHERE {{ BIND(1<'''>''' AS ?j) SERVICE <{url}long1> {{ ?a ?b ?c }} BIND('''x''' AS ?k) }}",
        f'SELECT * WHERE {{ BIND(1<""">""" AS ?j) SERVICE <{url}long2> {{ ?a ?b ?c }} BIND("""x""" AS ?k) }}',
        f"SELECT * WHERE {{ BIND(1<'\\'>' AS ?j) SERVICE <{url}escq> {{ ?a ?b ?c }} BIND('\\'' AS ?k) }}",
        f"SELECT * WHERE {{ BIND(1<'''a'b''c''' AS ?j) SERVICE <{url}long3> {{ ?a ?b ?c }} }}",
        # comments and a less-than sign
        f"SELECT * WHERE {{ FILTER(1<2) #>\n SERVICE <{url}comment> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ FILTER(?a<?b)SERVICE<{url}glued>#>\n{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # SERVICE in a comment is nothing, this one is real:\n SERVICE <{url}c2> {{ }} }}",
        # case and SILENT
        f"SELECT * WHERE {{ service <{url}lower> {{ ?s ?p ?o }} }}",
        f"select * where {{ SeRvIcE SiLeNt <{url}mixed> {{ ?s ?p ?o }} }}",
        # \\u escapes spelling the keyword or the IRI (SPARQL 1.1 expands them before parsing)
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}u1> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\U00000053ERVICE <{url}u2> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <\\u0068ttp{url[4:]}u3> {{ ?s ?p ?o }} }}",
        # prefixed names, BASE-relative IRIs, variables bound by VALUES or BIND
        f"PREFIX l: <{url}> SELECT * WHERE {{ SERVICE l:pname {{ ?s ?p ?o }} }}",
        f"BASE <{url}> SELECT * WHERE {{ SERVICE <relative> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE ?u {{ ?s ?p ?o }} }} VALUES ?u {{ <{url}values> }}",
        f"SELECT * WHERE {{ VALUES ?u {{ <{url}values2> }} SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}bind> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        # inside subqueries, OPTIONAL, UNION, MINUS, GRAPH, EXISTS (in a filter, in a projection, in ORDER BY)
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ SELECT * {{ SERVICE <{url}sub> {{ ?s ?p ?o }} }} }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}opt> {{ ?s ?q ?r }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}union> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}minus> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}graph> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}exists> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}notexists> {{ ?s ?p ?o }} }} }}",
        f"SELECT (EXISTS {{ SERVICE <{url}project> {{ ?a ?b ?c }} }} AS ?e) WHERE {{ }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (EXISTS {{ SERVICE <{url}order> {{ }} }}) LIMIT 1",
        f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (EXISTS {{ SERVICE <{url}having> {{ }} }})",
        # every query form
        f"ASK {{ SERVICE <{url}ask> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}construct> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}describe> {{ ?s ?p ?o }} }}",
    ]


def refused(url: str) -> list[str]:
    """Everything that must not run: the SERVICE calls, texts only a lenient reader takes as SERVICE, updates, LOAD."""
    return service(url) + [
        # issue 10's second form: a number glued to the keyword (the grammar reads SERVICEl:x as a prefixed name)
        f"PREFIX l: <{url}> SELECT * WHERE {{ BIND(1 AS ?z) FILTER(?z<2)?s?p+1SERVICEl:digit#>\n{{ ?a ?b ?c }} }} LIMIT 1",
        f"PREFIX l: <{url}> SELECT * WHERE {{ SERVICEl:glued {{ ?s ?p ?o }} }}",
        # read as a string by SPARQL 1.2 engines, as the start of a long string by SPARQL 1.1's escape rule
        f"SELECT * WHERE {{ BIND('\\u0027' AS ?j) SERVICE <{url}u4> {{ }} }}",
        f"CONSTRUCT WHERE {{ SERVICE <{url}construct2> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE<{url}num> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . SERVICE<{url}nospace>{{?a ?b ?c}} }}",
        # updates and LOAD, however written
        f"LOAD <{url}load>",
        f"load silent <{url}load2> into graph <{url}g>",
        f"# a comment first\nLOAD <{url}load3>",
        f"PREFIX l: <{url}> LOAD l:load4",
        f"\\u004cOAD <{url}load5>",
        f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}load6>",
        f"INSERT DATA {{ <{url}s> <{url}p> 1 }}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}insert> {{ ?s ?p ?o }} }}",
        f"DELETE WHERE {{ ?s ?p ?o }} ; LOAD <{url}load7>",
        f"WITH <{url}g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "CLEAR ALL", "DROP SILENT ALL", f"CREATE GRAPH <{url}new>", f"COPY <{url}a> TO DEFAULT",
    ]


def no_fetch(url: str) -> list[str]:
    """Queries that only name the listener as data: answered (from empty graphs), never fetched."""
    return [
        f"SELECT * FROM <{url}from> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}f\\u0035> WHERE {{ ?s ?p ?o }}",
        f"PREFIX l: <{url}> SELECT * FROM l:pname WHERE {{ ?s ?p ?o }}",
        f"BASE <{url}> SELECT * FROM <relative> WHERE {{ ?s ?p ?o }}",
        f"select * from <{url}lower> where {{ ?s ?p ?o }}",
        f"SELECT * WHERE {{ GRAPH <{url}graph> {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{url}describe>",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}construct> WHERE {{ ?s ?p ?o }}",
    ]
