"""Every canned question, with the example parameters its OpenAPI operation shows, gives the same answer over each
configuration of the service (embedded store, ``oxigraph serve``, Virtuoso) as over the embedded store: the same
columns and the same rows, term by term (type, value, datatype, language), compared sorted as a multiset (only
ORDER BY fixes an order, and ties may come out either way).

Where SPARQL leaves the answer open, the comparison does too, and nothing else: the parts of a GROUP_CONCAT come
in no set order (compared sorted), and a GROUP_CONCAT over a group without values is "" on Virtuoso and unbound on
Oxigraph (compared as an empty cell). The queries do the rest themselves: they concatenate STR() of labels, which
gives a plain string on every server (Oxigraph keeps a shared language tag, Virtuoso drops it)."""

import json

import httpx
import pytest

from aichr_kg.catalogue import Catalogue
from aichr_kg.settings import Settings

NAMES = sorted(Catalogue(Settings()).queries)


@pytest.fixture(scope="module")
def examples(embedded_service) -> dict[str, dict[str, str]]:
    """Each question's example parameters, read from the service's own OpenAPI description."""
    paths = httpx.get(f"{embedded_service.url}/openapi.json", timeout=30).json()["paths"]
    # an optional setting without a default is left out: the first allowed value of each, together, may match nothing
    return {name: {p["name"]: str(p["example"]) for p in paths[f"/queries/{name}"]["get"].get("parameters", ())
                   if p["in"] == "query" and "example" in p and p["name"] != "format"
                   and (p["required"] or "default" in p["schema"])} for name in NAMES}


def answer(url: str, name: str, params: dict[str, str]) -> tuple[list[str], list[str]]:
    response = httpx.get(f"{url}/queries/{name}", params=params,
                         headers={"accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 200, f"{name}: {response.status_code} {response.text[:300]}"
    body = response.json()
    return body["head"]["vars"], sorted(json.dumps(_cells(row), sort_keys=True) for row in body["results"]["bindings"])


def _cells(row: dict) -> dict:
    """A row with each literal's "; "-separated parts sorted, and empty plain strings left out (see above)."""
    return {name: ({**term, "value": SEPARATOR.join(sorted(term["value"].split(SEPARATOR)))} if term["type"] == "literal"
                   else term)
            for name, term in row.items() if not (term["type"] == "literal" and term["value"] == "" and len(term) == 2)}


SEPARATOR = "; "  # the canned questions' GROUP_CONCAT separator (queries/README.md)


@pytest.mark.parametrize("name", NAMES)
def test_canned_question_gives_the_embedded_stores_answer(service, embedded_service, examples, name):
    columns, rows = answer(service.url, name, examples[name])
    assert rows, f"{name} gave no rows"
    expected_columns, expected_rows = answer(embedded_service.url, name, examples[name])
    assert columns == expected_columns
    assert rows == expected_rows


# optional settings left empty or given, in any mix: each server narrows the same way
SETTINGS = [("recommendations", {"theme": "theme:trafficking-in-persons"}, 9),
            ("recommendations", {"year": "2024", "eventKind": "ak:Consultation"}, 4),
            ("recommendations", {"state": "state:phl", "body": "body:united-nations"}, 2)]


@pytest.mark.parametrize("name, params, count", SETTINGS)
def test_optional_settings_narrow_the_same_on_every_server(service, name, params, count):
    columns, rows = answer(service.url, name, params)
    assert len(rows) == count
    assert len({json.loads(row)["outcome"]["value"] for row in rows}) == count
