"""/queries: the catalogue from the .rq headers, results in JSON, CSV, TSV or HTML, and 422s naming the parameter."""

import csv
import io

import pytest

from .htmlcheck import read_html

BASE = "https://w3id.org/aichr-kg/"
MEETING = BASE + "id/event/2018-05-15-1st-aichr-un-meeting"


def test_catalogue_lists_every_query_with_its_header(ld_client, settings, catalogue):
    response = ld_client.get("/queries")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    entries = {e["name"]: e for e in response.json()}
    assert set(entries) == {p.stem for p in settings.queries_dir.glob("*.rq")}
    for query in catalogue:
        entry = entries[query.name]
        assert (entry["title"], entry["description"], entry["topic"], entry["view"]) == \
               (query.title, query.description, query.topic, query.view)
        assert [(p["name"], p["type"], p["default"]) for p in entry["params"]] == \
               [(p.name, p.type, p.default) for p in query.params]


def test_catalogue_lists_allowed_values_with_labels_for_iri_parameters(ld_client, catalogue, store):
    entries = {e["name"]: e for e in ld_client.get("/queries").json()}
    event = entries["event-participants"]["params"][0]
    assert event["name"] == "event" and event["type"] == "iri" and event["class"] == BASE + "ontology#Event"
    allowed = {a["value"]: a["label"] for a in event["allowed"]}
    assert "1st AICHR-UN Meeting" in allowed[MEETING]
    param = catalogue.get("event-participants").params[0]
    assert [(a["value"], a["label"]) for a in event["allowed"]] == catalogue.allowed_values(param, store)
    year = entries["aichr-posts-by-year"]["params"][0]
    assert year["type"] == "year" and year["default"] == "2025"


def test_results_default_to_sparql_json_matching_the_library(ld_client, catalogue, store):
    response = ld_client.get("/queries/event-participants", params={"event": MEETING})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    body = response.json()
    expected = catalogue.run("event-participants", {"event": MEETING}, store)
    assert body["head"]["vars"] == expected.variables
    assert len(body["results"]["bindings"]) == len(expected.rows) > 0
    participants = {b["participant"]["value"] for b in body["results"]["bindings"]}
    assert BASE + "id/body/undp" in participants
    assert all(b["participant"]["type"] == "uri" for b in body["results"]["bindings"])


@pytest.mark.parametrize("accept, override", [("text/csv", None), (None, "csv")])
def test_results_as_csv(ld_client, catalogue, store, accept, override):
    params = {"event": MEETING, **({"format": override} if override else {})}
    response = ld_client.get("/queries/event-participants", params=params, headers={"accept": accept} if accept else {})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    expected = catalogue.run("event-participants", {"event": MEETING}, store)
    assert rows[0] == expected.variables and len(rows) - 1 == len(expected.rows)
    assert BASE + "id/body/undp" in {r[rows[0].index("participant")] for r in rows[1:]}


def test_results_as_tsv(ld_client):
    response = ld_client.get("/queries/event-participants", params={"event": MEETING},
                             headers={"accept": "text/tab-separated-values"})
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    lines = response.text.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    assert header[0].startswith("?") and "?participant" in header
    column = header.index("?participant")
    assert f"<{BASE}id/body/undp>" in {line.split("\t")[column] for line in lines[1:]}


def test_results_as_an_html_table_with_labels_linking_to_entity_pages(ld_client):
    response = ld_client.get("/queries/event-participants", params={"event": MEETING}, headers={"accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    page = read_html(response.text)
    assert "United Nations Development Programme" in page.link_text("/doc/body/undp")
    header = response.text.split("<thead>")[1].split("</thead>")[0]
    assert "participant" in header and "participantLabel" not in header and "participant label" not in header
    assert page.inline_scripts == 0


def test_html_table_rows_are_limited(small_client, catalogue, store):
    total = len(catalogue.run("event-participants", {"event": MEETING}, store).rows)
    assert total > 3
    response = small_client.get("/queries/event-participants", params={"event": MEETING, "format": "html"})
    body = response.text.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 3
    assert f"{total} rows, the first 3 shown" in " ".join(response.text.split())


def test_parameters_are_bound_as_rdf_terms_so_a_year_changes_the_answer(ld_client):
    rows = ld_client.get("/queries/aichr-posts-by-year", params={"year": "2022"}).json()["results"]["bindings"]
    assert rows and all(r["year"]["value"] == "2022" for r in rows)
    assert all(r["year"]["datatype"].endswith("#integer") for r in rows)


@pytest.mark.parametrize("query, params, parameter, says", [
    ("event-participants", {"nonsense": "1"}, "nonsense", "unknown parameter"),
    ("aichr-posts-by-year", {"year": "last year"}, "year", "not a whole number"),
    ("aichr-posts-by-year", {"year": "1066"}, "year", "between 1900 and 2100"),
    ("event-participants", {"event": "http://example.org/meeting"}, "event", "outside this graph's namespace"),
    ("event-participants", {"event": BASE + "id/body/aichr"}, "event", "not a known Event"),
    ("event-participants", {"event": "body:aichr"}, "event", "not a known Event"),
])
def test_bad_parameters_get_422_naming_the_parameter_and_the_reason(ld_client, query, params, parameter, says):
    response = ld_client.get(f"/queries/{query}", params=params)
    assert response.status_code == 422 and response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert detail["parameter"] == parameter and says in detail["message"]


def test_unknown_query_is_404(ld_client):
    response = ld_client.get("/queries/no-such-question", headers={"accept": "application/json"})
    assert response.status_code == 404 and "no-such-question" in response.text


def test_unacceptable_type_is_406(ld_client):
    response = ld_client.get("/queries/event-participants", headers={"accept": "image/png"})
    assert response.status_code == 406 and "text/csv" in response.text
