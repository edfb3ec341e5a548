"""Debian's ``roqet`` (rasqal-utils) against the running service, in the three configurations (``service``).

What roqet 0.9.33 can do with a SPARQL endpoint, and what each test makes it do:

- ``roqet -p ENDPOINT -e QUERY`` sends the query by GET with ``Accept: application/sparql-results+xml``
  whatever its form, and reads every answer as a table of rows: it reads SELECT answers, but an ASK
  answer comes out as "0 results" and a CONSTRUCT is refused with 406, by Oxigraph and Virtuoso as by
  this service (rasqal's protocol client has no reader for booleans or graphs). SELECT goes this way.
- ASK runs in roqet itself, over ``SERVICE <ENDPOINT> { pattern }``: roqet sends the pattern as a
  ``SELECT *`` and answers true when a row comes back.
- CONSTRUCT and DESCRIBE: roqet fetches the query's protocol URL as an RDF data source (``-D``; it
  asks for RDF/XML, N-Triples or Turtle and parses what it gets) and lists the triples with a query of
  its own.

Each answer roqet prints (rows as TSV, RDF terms written out; booleans as SPARQL XML) is compared with the service's own answer in
SPARQL JSON or N-Triples, read by rdflib.
"""

import io
import os
import shutil
import subprocess
from urllib.parse import urlencode

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result

ROQET = shutil.which("roqet")
pytestmark = pytest.mark.skipif(ROQET is None and not os.environ.get("CI"),  # in CI (`make test`) it must be there
                                reason="roqet (Debian rasqal-utils) is installed by `make test`")

AICHR = "https://w3id.org/aichr-kg/id/body/aichr"
PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX schema: <https://schema.org/> "
            "PREFIX ak: <https://w3id.org/aichr-kg/ontology#> ")
# IRIs, language-tagged labels, dates of two datatypes, unbound values
EVENTS = PREFIXES + """SELECT ?event ?label ?start ?earliest WHERE {
  ?event a schema:Event ; rdfs:label ?label
  OPTIONAL { ?event schema:startDate ?start } OPTIONAL { ?event ak:earliestDate ?earliest }
} ORDER BY ?event ?label ?start ?earliest"""


def roqet(*args: str) -> str:
    done = subprocess.run([ROQET or "roqet", "-q", "-i", "sparql", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Error" not in done.stderr, done.stderr
    return done.stdout


def rows(result: Result) -> list[tuple]:
    return [tuple(row) for row in result]


def own_answer(service, query: str, accept: str) -> bytes:
    response = httpx.get(f"{service.url}/sparql", params={"query": query}, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return response.content


def test_select_through_the_protocol(service):
    printed = roqet("-p", f"{service.url}/sparql", "-r", "tsv", "-e", EVENTS)
    theirs = rows(Result.parse(io.StringIO(printed), format="tsv"))
    ours = rows(Result.parse(io.BytesIO(own_answer(service, EVENTS, "application/sparql-results+json")), format="json"))
    assert len(ours) > 30 and any(None in row for row in ours)  # the query reaches unbound values
    assert theirs == ours


@pytest.mark.parametrize("pattern", [f"<{AICHR}> a ?kind FILTER(isIRI(?kind))", f"<{AICHR}> a <urn:x-not-a-class>"])
def test_ask_over_the_endpoint_as_a_service(service, pattern):
    printed = roqet("-r", "xml", "-e", f"ASK {{ SERVICE <{service.url}/sparql> {{ {pattern} }} }}")
    theirs = Result.parse(io.StringIO(printed), format="xml").askAnswer
    ours = Result.parse(io.BytesIO(own_answer(service, f"ASK {{ {pattern} }}", "application/sparql-results+json")),
                        format="json").askAnswer
    assert theirs is ours


@pytest.mark.parametrize("query", [f"CONSTRUCT {{ <{AICHR}> ?p ?o . ?o ?q ?r }} WHERE {{ <{AICHR}> ?p ?o "
                                   "OPTIONAL { ?o ?q ?r } }", f"DESCRIBE <{AICHR}>"],
                         ids=["CONSTRUCT", "DESCRIBE"])
def test_graph_answers_read_as_a_data_source(service, query):
    printed = roqet("-D", f"{service.url}/sparql?{urlencode({'query': query})}", "-r", "tsv",
                    "-e", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    theirs = Graph().parse(data="".join(f"{line} .\n" for line in printed.splitlines()[1:]), format="nt")
    ours = Graph().parse(data=own_answer(service, query, "application/n-triples"), format="nt")
    assert len(ours) > 10
    assert isomorphic(theirs, ours)
