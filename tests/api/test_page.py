"""The query page, served in-process: questions, forms filled from the graph, answers as labelled links,
plain-language errors, the editor's examples and the entity views' data. (The browser tests are in tests/e2e/.)"""

import html
import json
import re

import pyoxigraph as ox
import pytest

from aichr_kg.execution import QueryTimeout, Saturated
from aichr_kg_api.dates import date_range, literal_text
from aichr_kg_api.routers.page import compact, heading

from .htmlcheck import read_html

ID = "https://w3id.org/aichr-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def view_data(text: str) -> dict:
    """The answer the page hands its scripts (the #view element's data-answer attribute)."""
    found = re.search(r"data-answer='([^']*)'", text)
    return json.loads(html.unescape(found.group(1)))


def test_the_page_lists_every_question_by_topic(ld_client, catalogue):
    response = ld_client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = read_html(response.text)
    for query in catalogue:
        assert f"/?q={query.name}" in page.hrefs()
        assert query.title in page.link_text(f"/?q={query.name}")
    assert {q.topic for q in catalogue} <= set(page.headings)
    assert "/editor" in page.hrefs() and page.inline_scripts == 0 and page.inline_styles == 0


def test_an_answer_is_a_table_of_labels_linking_to_entity_pages(ld_client, catalogue, store):
    response = ld_client.get("/", params={"q": "events-by-theme"})
    page = read_html(response.text)
    rows = catalogue.run("events-by-theme", {}, store).rows
    for row in rows:
        path = "/doc/" + row["event"].value.removeprefix(ID)
        assert page.link_text(path) == [row["eventLabel"].value]
    assert "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN" in page.text
    assert ID not in page.text  # labels, not IRIs
    assert "27–28 Sep 2022" in page.text  # dates as people write them, a range in one cell
    assert f"{len(rows)} answers" in page.text
    data = view_data(response.text)
    assert data["view"] == "timeline" and data["params"]["theme"] == {"value": "theme:trafficking-in-persons",
                                                                       "label": "Trafficking in persons"}
    assert [r["event"]["text"] for r in data["rows"]] == [r["eventLabel"].value for r in rows]
    assert data["rows"][0]["start"]["value"] == rows[0]["start"].value  # the ISO date stays for the timeline


def test_the_form_offers_values_from_the_graph_with_the_default_chosen(ld_client):
    text = ld_client.get("/", params={"q": "events-by-theme"}).text
    select = re.search(r'<select id="param-theme" name="theme".*?</select>', text, re.S).group(0)
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))
    # each choice with how many answers it has; only choices that have some
    assert options["theme:trafficking-in-persons"] == "Trafficking in persons — 4 answers"
    assert all(re.search(r" — \d+ answers?$", label) for label in options.values())
    assert "role:organiser" not in options  # roles are SKOS concepts too, of another scheme
    assert re.search(r'<option value="theme:trafficking-in-persons" data-name="Trafficking in persons" selected>', select)
    years = re.search(r'<select id="param-year".*?</select>',
                      ld_client.get("/", params={"q": "aichr-posts-by-year"}).text, re.S).group(0)
    values = re.findall(r'<option value="(\d{4})"', years)
    assert values == ["2025", "2024", "2022"]  # only the years the sources name Representatives for
    events = ld_client.get("/", params={"q": "event-outcomes"}).text
    assert "1st AICHR-UN Meeting (2018) — 1 answer</option>" in events  # events named with their year
    offered = re.findall(r'<option value="event:[^"]*"[^>]*>[^<]*\((\d{4})\) —', events)
    assert offered == sorted(offered, reverse=True)  # latest first


def test_permalink_and_downloads_spell_out_every_setting(ld_client):
    page = read_html(ld_client.get("/", params={"q": "events-by-theme", "theme": f"{ID}theme/environment"}).text)
    assert "/?q=events-by-theme&theme=theme:environment" in page.hrefs()
    assert "/answer/events-by-theme.csv?theme=theme:environment" in page.hrefs()
    assert "/answer/events-by-theme.xlsx?theme=theme:environment" in page.hrefs()
    sheet = ld_client.get("/answer/events-by-theme.csv?theme=theme:environment")
    assert sheet.headers["content-disposition"] == 'attachment; filename="events-by-theme_theme-environment.csv"'
    assert sheet.text.lstrip("\ufeff").splitlines()[0] == \
        "Event,Dates,Place,Organisers,Supporters,Sources,Event (identifier),Place (identifier)"
    assert ld_client.get("/answer/events-by-theme.pdf").status_code == 404
    assert ld_client.get("/answer/no-such-question.csv").status_code == 404
    bad = ld_client.get("/answer/events-by-theme.csv?theme=theme:nothing-like-this")
    assert bad.status_code == 422 and "theme" in bad.text


def test_a_changed_setting_changes_the_answer(ld_client, catalogue, store):
    data = view_data(ld_client.get("/", params={"q": "aichr-posts-by-year", "year": "2024"}).text)
    expected = catalogue.run("aichr-posts-by-year", {"year": "2024"}, store)
    assert [r["person"]["text"] for r in data["rows"]] == expected.column("personLabel")
    assert "Yong Chanthalangsy" in expected.column("personLabel")


@pytest.mark.parametrize("params,status,words", [
    ({"q": "events-by-theme", "theme": "theme:no-such-theme"}, 422, "The value given for “Theme” cannot be used"),
    ({"q": "events-by-theme", "colour": "red"}, 422, "This question has no setting called “colour”"),
    ({"q": "aichr-posts-by-year", "year": "last year"}, 422, "is not a whole number"),
    ({"q": "no-such-question"}, 404, "We do not know that question."),
])
def test_errors_are_sentences_with_what_to_do_next(ld_client, params, status, words):
    response = ld_client.get("/", params=params)
    assert response.status_code == status
    assert words in html.unescape(response.text) and 'role="alert"' in response.text
    assert "Traceback" not in response.text and "/work/" not in response.text


def test_the_editor_offers_each_question_with_its_defaults_bound(ld_client, catalogue, store):
    response = ld_client.get("/editor")
    assert response.status_code == 200
    root = re.search(r"<div id=\"yasgui\" data-examples='([^']*)' data-prefixes='([^']*)'", response.text)
    examples = {e["name"]: e for e in json.loads(html.unescape(root.group(1)))}
    prefixes = json.loads(html.unescape(root.group(2)))
    assert set(examples) == {q.name for q in catalogue} and prefixes["body"] == f"{ID}body/"
    text = examples["events-by-theme"]["text"]
    assert f"<{ID}theme/trafficking-in-persons>" in text
    # the example, run as written, answers what the question answers
    ran = store.select(text)
    assert ran.column("eventLabel") == catalogue.run("events-by-theme", {}, store).column("eventLabel")
    assert "/static/dist/editor.js" in response.text


def test_explore_gives_an_entitys_neighbours_and_timeline(ld_client):
    body = ld_client.get("/explore", params={"iri": f"{ID}body/aichr"}).json()
    neighbours = {r["other"]["text"]: r["relation"]["text"] for r in body["neighbours"]["rows"]}
    assert neighbours["AICHR Indonesia"] == "Units"  # AICHR Indonesia is a unit of AICHR
    assert neighbours["Association of Southeast Asian Nations"] == "Part of"
    assert all(r["other"]["href"].startswith("/doc/") for r in body["neighbours"]["rows"])
    events = [r["item"]["text"] for r in body["timeline"]["rows"]]
    assert "1st AICHR-UN Meeting" in events
    starts = [r["start"]["value"] for r in body["timeline"]["rows"]]
    assert starts == sorted(starts)
    person = ld_client.get("/explore", params={"iri": f"{ID}person/wahyuningrum"}).json()
    assert [r["other"]["text"] for r in person["neighbours"]["rows"]] == ["Representative of Indonesia to AICHR"]
    assert ld_client.get("/explore", params={"iri": "https://example.org/x"}).status_code == 404


def test_entity_pages_carry_the_explore_section(ld_client):
    text = ld_client.get("/doc/body/aichr", headers={"Accept": "text/html"}).text
    assert f'data-iri="{ID}body/aichr"' in text and "/static/dist/page.js" in text


@pytest.mark.parametrize("name,words", [("eventLabel", "Event"), ("onBehalfOfLabel", "On behalf of"),
                                        ("adoptedBy", "Adopted by"), ("from", "From")])
def test_headings_in_words(name, words):
    assert heading(name) == words


def test_dates_and_compact_iris():
    date = lambda v, t="date": ox.Literal(v, datatype=ox.NamedNode(XSD + t))  # noqa: E731
    assert literal_text(date("2022-09-27")) == "27 Sep 2022"
    assert literal_text(date("2018-06", "gYearMonth")) == "Jun 2018"
    assert literal_text(date("2004", "gYear")) == "2004"
    assert date_range(date("2022-09-27"), date("2022-09-28")) == "27–28 Sep 2022"
    assert date_range(date("2022-09-30"), date("2022-10-02")) == "30 Sep – 2 Oct 2022"
    assert date_range(date("2022-12-30"), date("2023-01-02")) == "30 Dec 2022 – 2 Jan 2023"
    assert compact(f"{ID}theme/trafficking-in-persons", "https://w3id.org/aichr-kg/") == "theme:trafficking-in-persons"
    assert compact("https://example.org/x", "https://w3id.org/aichr-kg/") == "https://example.org/x"


class _Failing:
    """The real store, except that one canned question fails the way a busy or slow service does."""

    def __init__(self, store, error):
        self._store, self._error = store, error

    def __getattr__(self, name):
        return getattr(self._store, name)

    def select(self, sparql, params=None):
        if "#+ title: Events on a theme" in sparql:
            raise self._error
        return self._store.select(sparql, params)


@pytest.mark.parametrize("error,status,words", [
    (QueryTimeout("the query ran past 10 s"), 504, "The graph took too long to answer this question."),
    (Saturated("too many queries", retry_after=2), 503, "The service cannot answer right now"),
])
def test_a_slow_or_busy_service_is_explained(settings, built, error, status, words):
    from fastapi.testclient import TestClient

    from aichr_kg.catalogue import Catalogue
    from aichr_kg.settings import Settings
    from aichr_kg_api.main import create_app
    from aichr_kg_api.state import GraphState

    local = Settings(**{**settings.model_dump(), "query_workers": 1})
    state = GraphState(local, _Failing(built.store, error), Catalogue(local))
    with TestClient(create_app(local, state=state)) as client:
        response = client.get("/", params={"q": "events-by-theme"})
    assert response.status_code == status and words in response.text and "10 s" not in response.text
    assert 'id="param-theme"' in response.text  # the form stays, to try another setting
