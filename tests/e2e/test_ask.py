"""The query page as policy staff use it: pick a question, change a setting, see the answer in the view that
suits it, download it, keep a permalink, follow a link to an entity and come back, print; with and
without JavaScript, on a desktop and on a phone. Expected rows come from the served graph itself."""

import csv
import io
import json
import re

import pytest
from playwright.sync_api import expect

# question -> (the SPARQL variable of its main column, that column's heading on the page, what its view draws)
MAIN = {
    "architecture": ("bodyLabel", "Body", ".orgchart"),
    "aichr-posts-by-year": ("personLabel", "Person", None),
    "event-outcomes": ("outcomeLabel", "Outcome", None),
    "event-participants": ("participantLabel", "Participant", None),
    "events-by-theme": ("eventLabel", "Event", ".timeline"),
    "events-in-place": ("eventLabel", "Event", ".grid-map"),
    "events-per-year-theme": ("themeLabel", "Theme", "svg rect.bar"),
    "instrument-timeline": ("instrumentLabel", "Instrument", ".timeline"),
    "outcome-follow-ups": ("outcomeLabel", "Outcome", None),
    "partner-network": ("partnerLabel", "Partner", "svg"),
    "plan-of-action-provisions": ("provisionLabel", "Provision", None),
    "recommendations-by-theme": ("outcomeLabel", "Outcome", None),
    "source-document": ("entityLabel", "Entity", None),
    "un-partners": ("entityLabel", "Entity", None),
    "all-events": ("eventLabel", "Event", None),
    "series-timeline": ("eventLabel", "Event", ".timeline"),
    "activity-by-state-theme": ("stateLabel", "State", None),
    "recommendations": ("outcomeLabel", "Outcome", None),
    "state-theme-events": ("eventLabel", "Event", None),
}

# Facts the sources state, which no completion of the data should remove (as in tests/test_queries.py).
STABLE = {
    "events-by-theme": ["Consultation on Human Rights and Countering Trafficking in Persons in ASEAN",
                        "7th ASEAN Human Rights Dialogue"],
    "aichr-posts-by-year": ["Edmund Bon Tai Soon", "Anita Ashvini Wahid", "Bhanubhatra Jittiang"],
    "event-participants": ["United Nations", "ASEAN Intergovernmental Commission on Human Rights"],
    "un-partners": ["United Nations Development Programme", "UN Women", "International Labour Organization"],
    "architecture": ["AICHR Indonesia"],
}

COLUMN_JS = """(heading) => {
  const table = document.querySelector('#results');
  const index = [...table.tHead.rows[0].cells].findIndex((c) => c.textContent.trim() === heading);
  if (index < 0) throw new Error('no column ' + heading);
  return [...table.tBodies[0].rows].map((r) => r.cells[index].textContent.trim());
}"""


def column(page, heading: str) -> list[str]:
    return page.evaluate(COLUMN_JS, heading)


@pytest.fixture(scope="module")
def served(e2e_service):
    """The graph the e2e service serves (the real data plus the test file), to compute what a page must show."""
    return e2e_service.app.state.graph


def expected(served, name: str, **params) -> list[str]:
    variable = MAIN[name][0]
    return [row[variable].value for row in served.catalogue.run(name, params, served.store).rows if variable in row]


def option_names(page, select: str) -> list[str]:
    """A drop-down's choices without the count of answers each has ('2025 — 4 answers' -> '2025')."""
    return [t.split(" — ")[0].strip() for t in page.locator(f"{select} option").all_inner_texts()]


def ask(page, name: str, title: str) -> None:
    page.locator(f"a[data-question='{name}']").first.click()
    expect(page.locator("#answer-title")).to_have_text(title)


def test_every_question_answers_with_its_defaults(page, served, shoot, console):
    """Each canned question, chosen from the list, shows the rows the graph holds, as labels that link."""
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Ask the graph a question")
    shoot(page, "home")
    for query in served.catalogue:
        ask(page, query.name, query.title)
        variable, heading, view = MAIN[query.name]
        shown = column(page, heading)
        assert shown == expected(served, query.name), query.name
        for label in STABLE.get(query.name, []):
            assert label in shown, (query.name, label)
        table_text = page.locator("#results").inner_text()
        assert "w3id.org" not in table_text and "://" not in table_text, f"{query.name} shows an IRI"
        assert re.fullmatch(rf"{len(shown)} answers?", page.locator("#answer-count").inner_text().strip())
        index = [h.strip() for h in page.locator("#results thead th").all_inner_texts()].index(heading)
        hrefs = page.locator(f"#results tbody td:nth-child({index + 1}) a").evaluate_all(
            "(as) => as.map(a => a.getAttribute('href'))")
        assert len(hrefs) == len(shown) and all(h.startswith("/doc/") for h in hrefs), query.name
        if view:
            expect(page.locator(f"#view {view}").first).to_be_visible()
            shoot(page, f"question-{query.name}")
        assert page.url.endswith(f"/?q={query.name}") or f"?q={query.name}&" in page.url
    assert not console.errors


def test_changing_a_setting_changes_the_answer_as_the_data_says(page, served, shoot):
    page.goto("/?q=events-by-theme")
    tip = "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN"
    assert tip in column(page, "Event")
    page.select_option("#param-theme", "theme:environment")
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(r"theme=theme(:|%3A)environment"))
    page.wait_for_function("() => !document.querySelector('#answer').classList.contains('is-loading')")
    shown = column(page, "Event")
    assert shown == expected(served, "events-by-theme", theme="theme:environment")
    assert tip not in shown and "7th ASEAN Human Rights Dialogue" in shown
    expect(page.locator("#view .timeline")).to_be_visible()
    # a year, from a drop-down of the years the graph has dates in
    page.goto("/?q=aichr-posts-by-year")
    years = option_names(page, "#param-year")
    assert "2025" in years and "2024" in years and years == sorted(years, reverse=True)
    page.select_option("#param-year", "2024")
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(r"year=2024"))
    expect(page.locator("#results")).to_contain_text("Yong Chanthalangsy")
    assert column(page, "Person") == expected(served, "aichr-posts-by-year", year="2024")
    shoot(page, "setting-changed")


def test_the_theme_drop_down_offers_themes_only(page):
    page.goto("/?q=events-by-theme")
    options = option_names(page, "#param-theme")
    assert "Trafficking in persons" in options and "Environment and human rights" in options
    assert "organiser" not in options and "chair" not in options  # roles are concepts too, of another scheme


def test_downloads_csv_and_json_hold_the_answer(page, served):
    page.goto("/?q=events-by-theme&theme=theme:environment")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download CSV").click()
    assert caught.value.suggested_filename == "events-by-theme_theme-environment.csv"
    rows = list(csv.DictReader(io.StringIO(caught.value.path().read_text(encoding="utf-8-sig"))))
    assert [r["Event"] for r in rows] == expected(served, "events-by-theme", theme="theme:environment")
    assert all(r["Event (identifier)"].startswith("https://w3id.org/aichr-kg/id/event/") for r in rows)
    assert list(rows[0])[:3] == ["Event", "Dates", "Place"] and "Sources" in rows[0]
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download JSON").click()
    body = json.loads(caught.value.path().read_text(encoding="utf-8"))
    labels = [b["eventLabel"]["value"] for b in body["results"]["bindings"]]
    assert labels == [r["Event"] for r in rows]


def test_a_permalink_opened_elsewhere_gives_the_same_answer(page, open_page):
    page.goto("/?q=partner-network")
    page.select_option("#param-body", "body:unicef")
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(r"body=body(:|%3A)unicef"))
    page.wait_for_function("() => !document.querySelector('#answer').classList.contains('is-loading')")
    first = column(page, "Partner")
    link = page.locator("#permalink").get_attribute("href")
    assert link.startswith("/?q=partner-network&") and "body=body:unicef" in link
    other = open_page()
    other.goto(link)
    expect(other.locator("#answer-title")).to_have_text("Partner network of a body")
    assert other.locator("#param-body").input_value() == "body:unicef"
    assert column(other, "Partner") == first and "ASEAN Intergovernmental Commission on Human Rights" in first


def test_a_result_links_to_the_entity_page_and_back(page):
    page.goto("/")
    ask(page, "events-by-theme", "Events on a theme")
    link = page.locator("#results tbody a", has_text="Consultation on Human Rights and Countering Trafficking")
    link.click()
    expect(page).to_have_url(re.compile(r"/doc/event/2022-09-27-tip-consultation$"))
    expect(page.locator("h1")).to_have_text(
        "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN")
    page.go_back()
    expect(page.locator("#answer-title")).to_have_text("Events on a theme")
    expect(page.locator("#results")).to_contain_text("7th ASEAN Human Rights Dialogue")


def test_back_and_forward_between_questions(page):
    page.goto("/")
    ask(page, "events-by-theme", "Events on a theme")
    ask(page, "instrument-timeline", "Timeline of instruments")
    page.go_back()
    expect(page.locator("#answer-title")).to_have_text("Events on a theme")
    page.go_forward()
    expect(page.locator("#answer-title")).to_have_text("Timeline of instruments")


def test_the_chart_and_the_map_follow_the_data(page, served, shoot):
    page.goto("/?q=events-per-year-theme")
    rows = served.catalogue.run("events-per-year-theme", {}, served.store).rows
    tip = {r["year"].value: int(r["events"].value) for r in rows if r["themeLabel"].value == "Trafficking in persons"}
    option = page.locator("#chart-series option", has_text=re.compile(r"^Trafficking in persons \("))
    page.select_option("#chart-series", option.get_attribute("value"))
    bars = page.locator("#view svg rect.bar title").all_text_contents()
    drawn = {t.split(": ")[0]: int(t.split(": ")[1]) for t in bars}
    assert {y: n for y, n in drawn.items() if n} == tip
    shoot(page, "view-chart-trafficking", locator=page.locator("#view"))
    page.goto("/?q=events-in-place")
    tile = page.locator(".grid-map__tile--chosen")
    expect(tile).to_contain_text("Indonesia")
    expect(tile).to_contain_text(str(len(served.catalogue.run("events-in-place", {}, served.store).rows)))
    page.locator(".grid-map").get_by_role("link", name=re.compile(r"^Thailand\b")).click()
    expect(page).to_have_url(re.compile(r"place=state(:|%3A)tha"))
    expect(page.locator(".grid-map__tile--chosen")).to_contain_text("Thailand")
    assert column(page, "Event") == expected(served, "events-in-place", place="state:tha")


def test_slow_answers_show_progress_and_failures_a_sentence(page):
    page.goto("/?q=events-by-theme")
    held = []
    # the answer waits until the test releases it
    page.route(re.compile(r".*/\?q=instrument-timeline.*"), lambda route: held.append(route))
    page.locator("a[data-question='instrument-timeline']").click()
    progress = page.locator(".progress")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("Asking the graph")
    expect(page.locator("#answer")).to_have_attribute("aria-busy", "true")
    held.pop().continue_()
    expect(page.locator("#answer-title")).to_have_text("Timeline of instruments")
    expect(progress).to_have_count(0)
    # stopping a slow answer leaves the last one in place
    page.route(re.compile(r".*/\?q=event-outcomes.*"), lambda route: held.append(route))
    page.locator("a[data-question='event-outcomes']").click()
    page.get_by_role("button", name="Stop").click()
    expect(progress).to_have_count(0)
    expect(page.locator("#answer-title")).to_have_text("Timeline of instruments")
    page.route(re.compile(r".*/\?q=un-partners.*"), lambda route: route.fulfill(
        status=504, content_type="text/plain", body="504 Gateway Timeout: the query ran longer than 10 s"))
    page.locator("a[data-question='un-partners']").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The graph took too long to answer.")
    expect(alert).to_contain_text("narrower setting")
    assert "Gateway Timeout" not in alert.inner_text()
    page.route(re.compile(r".*/\?q=architecture.*"), lambda route: route.fulfill(
        status=503, content_type="text/plain", headers={"Retry-After": "2"}, body="503 Service Unavailable"))
    page.locator("a[data-question='architecture']").click()
    expect(page.get_by_role("alert")).to_contain_text("busy")


def test_a_bad_setting_is_explained_in_words(page):
    response = page.goto("/?q=events-by-theme&theme=theme:no-such-theme")
    assert response.status == 422
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The value given for “Theme” cannot be used")
    expect(alert).to_contain_text("Choose a theme from the list")
    assert "Traceback" not in page.content()
    response = page.goto("/?q=no-such-question")
    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("We do not know that question")


def test_questions_work_without_javascript(open_page, served, shoot):
    page = open_page(java_script_enabled=False)
    page.goto("/")
    page.get_by_role("link", name="Events on a theme").click()
    expect(page.locator("#answer-title")).to_have_text("Events on a theme")
    assert column_nojs(page, "Event") == expected(served, "events-by-theme")
    expect(page.locator("#view")).to_be_hidden()  # views need scripts; the table does not
    page.select_option("#param-theme", "theme:environment")
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(r"theme=theme(:|%3A)environment"))
    assert column_nojs(page, "Event") == expected(served, "events-by-theme", theme="theme:environment")
    shoot(page, "no-javascript")


def column_nojs(page, heading: str) -> list[str]:
    """The column's texts read through the DOM from Python (page scripts are off; locators still work)."""
    headings = [h.strip() for h in page.locator("#results thead th").all_inner_texts()]
    index = headings.index(heading)
    return [t.strip() for t in page.locator(f"#results tbody tr td:nth-child({index + 1})").all_inner_texts()]


def test_keyboard_only(page):
    page.goto("/?q=events-by-theme")
    page.locator("#param-theme").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show the answer")).to_be_focused()
    page.locator("a[data-question='un-partners']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#answer-title")).to_have_text("AICHR's work with the United Nations")
    expect(page.locator("#answer-title")).to_be_focused()  # the new answer is announced where the reader is


def test_the_page_holds_on_a_phone(open_page, shoot):
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    for url in ("/", "/?q=events-by-theme", "/?q=partner-network", "/?q=events-in-place"):
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide on a 390px screen"
    page.goto("/?q=events-by-theme")
    cell = page.locator("#results tbody tr").first.locator("td").first
    assert cell.evaluate("(td) => getComputedStyle(td).display") == "grid"  # one card per row, headings beside values
    assert page.locator("#results thead").evaluate("(h) => h.getBoundingClientRect().height") <= 1
    shoot(page, "phone-events-by-theme")


def test_print_layout_keeps_the_answer_and_drops_the_controls(page, shoot):
    page.goto("/?q=events-by-theme")
    page.emulate_media(media="print")
    expect(page.locator("#params")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#results")).to_be_visible()
    expect(page.locator(".print-summary")).to_have_text(re.compile(r"Theme: Trafficking in persons"))
    expect(page.locator(".print-only", has_text="Permalink")).to_contain_text(
        "/?q=events-by-theme&theme=theme:trafficking-in-persons")
    shoot(page, "print-events-by-theme")
