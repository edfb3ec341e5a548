"""The page as a policy officer writing a brief uses it (issue 12): every answer row with its source documents,
counts that add up, entity pages in plain words, tables sorted and filtered, no stale answer left on screen,
search that forgives a typo, a spreadsheet with its provenance, a brief that prints on one or two pages.
Numbers are the real data's; screenshots go to tests/e2e/screenshots/."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

TIP = "/doc/source/press-release-2022-10-03-tip-consultation"


@pytest.fixture(scope="module")
def served(e2e_service):
    return e2e_service.app.state.graph


def rows_of(page) -> list[dict[str, str]]:
    return page.evaluate("""() => {
      const table = document.querySelector('#results');
      const heads = [...table.tHead.rows[0].cells].map((c) => c.textContent.trim());
      return [...table.tBodies[0].rows].filter((r) => !r.hidden).map((r) =>
        Object.fromEntries(heads.map((h, i) => [h, r.cells[i].textContent.replace(/\\s+/g, ' ').trim()])));
    }""")


def test_every_row_names_its_sources_and_the_source_page_names_no_file(page, shoot):
    page.goto("/?q=event-outcomes")
    rows = rows_of(page)
    assert len(rows) == 8
    for row in rows:
        assert "AICHR convenes human rights consultation" in row["Sources"] and "(3 Oct 2022)" in row["Sources"]
    links = page.locator("#results td.col--sources a:not(.basis__original)").evaluate_all(
        "(as) => as.map((a) => a.getAttribute('href'))")
    assert links and set(links) == {TIP}
    originals = set(page.locator("#results td.col--sources a.basis__original").evaluate_all(
        "(as) => as.map((a) => a.getAttribute('href'))"))
    assert len(originals) == 1 and originals.pop().startswith("https://aichr.org/")  # the published release
    shoot(page, "brief-sources-event-outcomes")
    page.locator("#results td.col--sources a").first.click()
    expect(page.locator("h1")).to_contain_text("AICHR convenes human rights consultation")
    text = page.locator("main").inner_text()
    assert ".txt" not in text and "source file" not in text.lower()
    shoot(page, "brief-source-page")


def test_counts_add_up_across_questions(page, shoot):
    # Events in Indonesia: distinct events, the 7th Dialogue once with its 6 sessions and parts
    page.goto("/?q=events-in-place")
    rows = rows_of(page)
    assert len(rows) == 7
    dialogue = next(r for r in rows if r["Event"] == "7th ASEAN Human Rights Dialogue")
    assert dialogue["Parts"] == "6"
    expect(page.locator(".grid-map__tile--chosen")).to_contain_text("7")
    # the same pair of bodies, the same number of shared events, in both questions
    page.goto("/?q=partner-network")
    network = {r["Partner"]: int(r["Events"]) for r in rows_of(page)}
    page.goto("/?q=un-partners")
    un = rows_of(page)
    for body in ("Office of the United Nations High Commissioner for Human Rights", "United Nations Development Programme"):
        assert network[body] == len({r["Event"] for r in un if r["Entity"] == body})
    assert network["Office of the United Nations High Commissioner for Human Rights"] == 3
    assert network["United Nations Development Programme"] == 5
    # one row per fact: UNDP and the 2018 Bangkok dialogue once, its roles merged
    undp = [r for r in un if r["Entity"] == "United Nations Development Programme"
            and r["Event"].startswith("AICHR Inter-Regional Dialogue")]
    assert len(undp) == 1 and "co-organiser" in undp[0]["Roles"] and "supporter" in undp[0]["Roles"]
    # events per year and theme: distinct events under each theme, and it says so
    page.goto("/?q=events-per-year-theme")
    expect(page.locator(".answer__description")).to_contain_text("counts once under each")
    shoot(page, "brief-counts-un-partners")


def test_entity_pages_read_in_plain_words(page, shoot):
    page.goto("/doc/body/acwc")
    main = page.locator("main").inner_text()
    assert "Part of" in main and "sub organization" not in main.lower()
    shoot(page, "entity-acwc")
    page.goto("/doc/theme/trafficking-in-persons")
    expect(page.locator(".via", has_text="Narrower themes")).to_be_visible()
    assert "Forced criminality" in page.locator(".via:has-text('Narrower themes') + ul").inner_text()
    assert "broader" not in page.locator("main").inner_text().lower()
    expect(page.locator(".kinds")).to_have_text("Theme")
    page.goto("/doc/event/2025-11-17-7th-asean-human-rights-dialogue")
    expect(page.locator(".via", has_text="Sessions")).to_contain_text("6")
    main = page.locator("main").inner_text()
    assert "17 Nov 2025" in main and "super event" not in main.lower()
    shoot(page, "entity-7th-dialogue")
    page.goto("/doc/event/2019-11-19-2nd-aichr-un-meeting")
    facts = page.locator("table.facts").first.inner_text()
    assert "Scheduled" in facts and "schema:" not in facts and "EventScheduled" not in facts
    page.goto("/doc/event/2024-04-29-regional-consultation-on-the-human-rights-index")
    facts = page.locator("table.facts").first.inner_text()
    assert "Online and in person" in facts and "MixedEventAttendanceMode" not in facts
    for jargon in ("pref label", "in scheme", "editorial note", "was generated by"):
        assert jargon not in page.locator("main").inner_text().lower()


def test_tables_sort_and_filter_by_keyboard_and_say_so(page, shoot):
    page.goto("/?q=un-partners")
    date = page.locator("#results thead th", has_text="Date")
    expect(date).to_have_attribute("aria-sort", "none")
    date.locator("button").focus()
    page.keyboard.press("Enter")
    expect(date).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#table-status")).to_have_text("Sorted by Date, ascending.")
    assert rows_of(page)[0]["Date"].endswith("2011")
    page.keyboard.press("Enter")
    expect(date).to_have_attribute("aria-sort", "descending")
    assert rows_of(page)[0]["Date"].endswith("2022")
    page.get_by_label("Filter Themes").fill("business")
    rows = rows_of(page)
    assert rows and all("business" in r["Themes"].lower() for r in rows)
    expect(page.locator("#answer-filtered")).to_contain_text(f"{len(rows)} of")
    page.get_by_label("Filter Entity").fill("development")
    assert {r["Entity"] for r in rows_of(page)} == {"United Nations Development Programme"}
    shoot(page, "table-sorted-filtered")


def test_a_changed_setting_marks_the_old_answer_and_withdraws_its_links(page, shoot):
    page.goto("/?q=event-outcomes")
    assert page.locator("#download-csv").get_attribute("href")
    page.select_option("#param-event", "event:2024-04-29-regional-consultation-on-the-human-rights-index")
    expect(page.locator("#stale-note")).to_be_visible()
    assert page.locator("#download-csv").get_attribute("href") is None
    assert page.locator("#permalink").get_attribute("href") is None
    expect(page.locator("#copy-permalink")).to_be_disabled()
    shoot(page, "stale-answer")
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(r"human-rights-index"))
    expect(page.locator("#stale-note")).to_have_count(0)
    assert len(rows_of(page)) == 4
    assert "human-rights-index" in page.locator("#download-csv").get_attribute("href")


def test_search_forgives_a_typo_and_puts_things_before_records(page, shoot):
    page.goto("/search?q=trafiking")
    first = page.locator("ol.results li").first
    expect(first).to_contain_text("Trafficking in persons")
    expect(page.locator("p.count")).to_contain_text("nearest spellings")
    shoot(page, "search-typo")
    page.goto("/search?q=ACWC")
    kinds = page.locator("ol.results li .kind").all_inner_texts()
    assert kinds[0] == "ASEAN body"
    records = [kind in ("Participation", "Follow-up", "Post holding", "Count") for kind in kinds]
    assert records == sorted(records), kinds  # bodies, events, instruments before the records linking them
    page.goto("/search?q=asean")
    page.get_by_role("link", name="Next results →").click()
    expect(page.locator("p.count")).to_contain_text("Results 21–")
    page.get_by_role("link", name=re.compile(r"^Event series")).click()
    assert set(page.locator("ol.results li .kind").all_inner_texts()) == {"Event series"}


def test_the_spreadsheet_holds_the_answer_its_sources_and_where_it_comes_from(page, tmp_path):
    page.goto("/?q=event-outcomes")
    headings = [h.strip() for h in page.locator("#results thead tr").first.locator("th").all_inner_texts()]
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download spreadsheet (XLSX)").click()
    assert caught.value.suggested_filename == "event-outcomes_event-2022-09-27-tip-consultation.xlsx"
    path = tmp_path / "answer.xlsx"
    caught.value.save_as(path)
    book = openpyxl.load_workbook(path)
    answer = book["Answer"]
    top = [c.value for c in answer[1]]
    assert top[:len(headings)] == headings and top[len(headings)] == "Outcome (identifier)"
    assert answer.max_row == 9
    assert all("AICHR convenes human rights consultation" in row[headings.index("Sources")]
               for row in answer.iter_rows(min_row=2, values_only=True))
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Question"] == "What an event recommended or agreed" and "Extracted" in about
    assert about["Setting: Event"].startswith("Consultation on Human Rights and Countering Trafficking")


def test_pick_lists_offer_answers_with_counts_and_the_gaps_are_said(page, shoot):
    page.goto("/?q=aichr-posts-by-year")
    years = page.locator("#param-year option").all_inner_texts()
    assert [y.split(" — ")[0] for y in years] == ["2025", "2024", "2022"]
    assert all(re.search(r"— \d+ answers?$", y) for y in years)
    expect(page.locator("#coverage-note")).to_contain_text("3 of the 11 member states for 2025")
    page.goto("/?q=event-outcomes")
    events = page.locator("#param-event option").all_inner_texts()
    assert all("no answers" not in e for e in events)
    assert "(2025)" in events[0]
    shoot(page, "pick-lists")


def test_home_and_questions_say_what_the_graph_is_built_from(page, served, shoot, console):
    documents = served.store.select("SELECT DISTINCT ?d WHERE { ?d a <https://w3id.org/aichr-kg/ontology#SourceDocument> }").rows
    page.goto("/")
    expect(page.locator(".coverage")).to_contain_text(f"{len(documents)} source documents")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Questions").click()
    expect(page.locator("h1")).to_have_text("Questions you can ask")
    shoot(page, "questions-page")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="SPARQL").click()
    expect(page).to_have_url(re.compile(r"/editor$"))
    assert page.request.get("/favicon.ico").status == 200
    assert not console.errors


def test_a_brief_prints_on_one_or_two_pages_with_its_sources(page, shoot):
    page.goto("/?q=event-outcomes")
    page.emulate_media(media="print")
    expect(page.locator(".print-only").first).to_be_visible()
    assert "Extracted" in page.locator("main").inner_text()
    shoot(page, "print-event-outcomes")
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, pages


@pytest.mark.parametrize("width", [1280, 390])
def test_the_architecture_is_an_organisation_chart_readable_at_any_width(open_page, shoot, width):
    page = open_page(viewport={"width": width, "height": 900})
    page.goto("/?q=architecture")
    chart = page.locator(".orgchart")
    expect(chart).to_be_visible()
    aichr = chart.locator("li.orgchart__node", has=page.locator("> a", has_text="ASEAN Intergovernmental Commission on Human Rights"))
    expect(aichr.locator("> ul > li > a", has_text="AICHR Indonesia")).to_be_visible()  # a unit under its body
    asean = chart.locator("> li.orgchart__node", has=page.locator("> a", has_text="Association of Southeast Asian Nations"))
    expect(asean.locator("li > a", has_text="ASEAN Intergovernmental Commission on Human Rights").first).to_be_visible()
    un = chart.locator("> li.orgchart__node", has=page.locator("> a", has_text="United Nations"))
    expect(un.locator("li > a", has_text="United Nations Development Programme")).to_be_visible()
    sizes = chart.locator("a").evaluate_all("(as) => as.map((a) => parseFloat(getComputedStyle(a).fontSize))")
    assert min(sizes) >= 14  # readable, not scaled down with the picture
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    shoot(page, f"orgchart-{width}", locator=page.locator("#view"))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_map_is_drawn_offline_beside_the_grid(open_page, e2e_service, shoot, width):
    page = open_page(viewport={"width": width, "height": 900})
    outside = []
    page.route(re.compile(r"^(?!" + re.escape(e2e_service.url) + r")"),
               lambda route: (outside.append(route.request.url), route.abort()))
    page.goto("/?q=events-in-place")
    states = page.locator(".geo-map path.geo-map__state")
    expect(states).to_have_count(11)
    expect(page.locator(".geo-map path.geo-map__state--chosen")).to_have_count(1)  # Indonesia, the default
    assert not outside, outside
    # nothing overhangs at a phone's width: each tile and the map inside the view
    box = page.locator("#view").bounding_box()
    for item in page.locator(".grid-map__tile, .geo-map").all():
        b = item.bounding_box()
        assert b["x"] >= box["x"] - 1 and b["x"] + b["width"] <= box["x"] + box["width"] + 1
    thailand = page.locator(".geo-map a[aria-label^='Thailand']")
    thailand.click()
    expect(page).to_have_url(re.compile(r"place=state(:|%3A)tha"))
    shoot(page, f"map-{width}", locator=page.locator("#view"))


def test_an_entity_page_prints_its_whole_timeline(page):
    page.goto("/doc/body/aichr")
    items = page.locator("#explore-timeline .timeline__item")
    expect(items.first).to_be_visible()
    page.emulate_media(media="print")
    timeline = page.locator("#explore-timeline .timeline")
    assert timeline.evaluate("(t) => t.scrollHeight <= t.clientHeight + 1")  # nothing hidden in a scroll box
    assert items.last.is_visible()


def test_the_glossary_spells_out_the_graphs_own_acronyms(page):
    page.goto("/")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Glossary").click()
    expect(page.locator("h1")).to_have_text("Glossary of acronyms")
    for acronym, name in (("ACWC", "ASEAN Commission on the Promotion and Protection of the Rights of Women and Children"),
                          ("AICHR", "ASEAN Intergovernmental Commission on Human Rights"),
                          ("CPR", "Committee of Permanent Representatives to ASEAN")):
        entry = page.locator(".glossary__entry", has=page.locator("dt", has_text=re.compile(rf"^{acronym}$")))
        expect(entry.locator("dd a")).to_have_text(name)


def test_acronyms_are_spelled_out_on_first_use(page):
    page.goto("/doc/event/2025-11-17-7th-asean-human-rights-dialogue")
    first = page.locator(".description abbr", has_text=re.compile(r"^CPR$"))
    expect(first).to_have_count(1)
    expect(first).to_have_attribute("title", "Committee of Permanent Representatives to ASEAN")


def test_a_source_page_lists_what_the_document_states(page):
    page.goto(TIP)
    group = page.locator(".via", has_text="What this document states something about")
    expect(group).to_be_visible()
    assert "Create a regional referral mechanism" in page.locator("main").inner_text()
    assert "readings of”" not in page.locator("main").inner_text()
