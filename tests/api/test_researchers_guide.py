"""docs/researchers.md: every worked query is in the guide as written in docs/queries/, and returns rows from the
served endpoint (SPARQLWrapper, the usual Python client), over each configuration of the service."""

from pathlib import Path

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = (DOCS / "researchers.md").read_text(encoding="utf-8")
NOT_YET: dict[str, str] = {}  # worked queries whose data has not landed yet (strict xfail): none now
EXPECTED = {  # a column each answer must fill, and a value it must hold
    "posts-over-time": ("personLabel", "Yong Chanthalangsy"),
    "prov-associations": ("agentLabel", "ASEAN Intergovernmental Commission on Human Rights"),
    "schema-events": ("name", "Fourth Workshop on the ASEAN Regional Mechanism on Human Rights"),
    "dates-with-bounds": ("name", None),
    "graphs-per-source": ("graph", "https://w3id.org/aichr-kg/graph/background-note-aichr-un-cooperation"),
}
QUERIES = sorted(p.stem for p in (DOCS / "queries").glob("*.rq"))


def test_every_worked_query_is_in_the_guide_and_tested():
    assert set(QUERIES) == set(EXPECTED)
    for name in QUERIES:
        assert (DOCS / "queries" / f"{name}.rq").read_text(encoding="utf-8").rstrip("\n") in GUIDE, name


def test_guide_is_linked_from_the_readme():
    assert "docs/researchers.md" in (DOCS.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[n]))
                                  if n in NOT_YET else n for n in QUERIES])
def test_worked_query_answers_on_the_served_endpoint(service, name):
    client = SPARQLWrapper(f"{service.url}/sparql")
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    client.setQuery((DOCS / "queries" / f"{name}.rq").read_text(encoding="utf-8"))
    rows = client.queryAndConvert()["results"]["bindings"]
    column, value = EXPECTED[name]
    assert rows and all(column in row for row in rows), f"{name}: {len(rows)} rows"
    if value is not None:
        assert value in {row[column]["value"] for row in rows}
