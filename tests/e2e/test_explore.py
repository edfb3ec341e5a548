"""The questions that explore across events (issue 12): the recommendations explorer and the activity matrix,
with and without JavaScript, their numbers checked against SPARQL of the test's own, their rows with their
sources; printed briefs of one or two A4 pages. Screenshots go to tests/e2e/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_brief import rows_of

AK = "PREFIX ak: <https://w3id.org/aichr-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ID = "https://w3id.org/aichr-kg/id/"
TIP_RELEASE = "AICHR convenes human rights consultation"
INDEX_RELEASE = "(8 May 2024)"


@pytest.fixture(scope="module")
def store(e2e_service):
    return e2e_service.app.state.graph.store


def on_theme(store, theme: str) -> set[str]:
    """Outcomes on a theme or a narrower one, by the test's own query (not the question's)."""
    rows = store.select(AK + f"""PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?label WHERE {{ ?o a ?k . ?k rdfs:subClassOf ak:Outcome . ?o rdfs:label ?label ;
          dcterms:subject/skos:broader* <{ID}theme/{theme}> }}""").rows
    return {r["label"].value for r in rows}


def test_recommendations_on_trafficking_across_all_events(page, store, shoot, console):
    expected = on_theme(store, "trafficking-in-persons")
    assert len(expected) == 9  # 8 agreements of the 2022 consultation and one recommendation of the 2024 one
    page.goto("/")
    page.get_by_role("link", name="Recommendations explorer").first.click()
    expect(page.locator("#answer-title")).to_have_text("Recommendations explorer")
    every = rows_of(page)
    assert len(every) == 26
    theme = page.locator("#param-theme")
    assert "Trafficking in persons — 9 answers" in theme.locator("option").all_inner_texts()
    theme.select_option("theme:trafficking-in-persons")
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(r"theme=theme(:|%3A)trafficking-in-persons"))
    expect(page.locator("#answer-count")).to_contain_text("9 answers")
    rows = rows_of(page)
    assert {r["Outcome"] for r in rows} == expected
    index = [r for r in rows if r["Event"] == "Regional Consultation on the Human Rights Index"]
    assert len(index) == 1 and index[0]["Outcome"] == "Allow a theme-based ASEAN human rights index"
    assert index[0]["Dates"] == "29–30 Apr 2024" and INDEX_RELEASE in index[0]["Sources"]
    for row in rows:
        if row["Event"].startswith("Consultation on Human Rights and Countering Trafficking"):
            assert row["Dates"] == "27–28 Sep 2022" and TIP_RELEASE in row["Sources"] and "(3 Oct 2022)" in row["Sources"]
            assert row["Kind"] == "Agreement"
    # every source is linked to its page, and themes and bodies are links too
    links = page.locator("#results td.col--sources a:not(.basis__original)").evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert set(links) == {"/doc/source/press-release-2022-10-03-tip-consultation",
                          "/doc/source/press-release-2024-05-08-human-rights-index-consultation"}
    assert page.locator("#results td[data-column='Themes'] a[href='/doc/theme/forced-criminality']").count() == 1
    # the other lists now count within trafficking, and offer only what has answers
    states = page.locator("#param-state option").all_inner_texts()
    assert "Indonesia — 9 answers" in states and "Malaysia — 8 answers" in states
    assert [y.split(" — ")[0] for y in page.locator("#param-year option").all_inner_texts()] == ["(any)", "2024", "2022"]
    assert not any("no answers" in o for o in page.locator("#params option").all_inner_texts())
    shoot(page, "explorer-trafficking")
    assert not console.errors


def test_the_explorer_narrows_without_javascript_and_shows_what_came_of_each(open_page, store, shoot, console):
    page = open_page(java_script_enabled=False)
    page.goto("/?q=recommendations")
    page.select_option("#param-year", "2004")
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(r"year=2004"))
    rows = rows_of(page)
    assert {r["Outcome"] for r in rows} == {"Set up an ASEAN commission on the rights of women and children",
                                            "Draw up an ASEAN instrument on the rights of migrant workers"}
    follow = {r["Outcome"]: r["What came of it"] for r in rows}
    assert "ACWC, 2010" in follow["Set up an ASEAN commission on the rights of women and children"]
    assert "Cebu, 2007" in follow["Draw up an ASEAN instrument on the rights of migrant workers"]
    assert page.locator("#results td[data-column='What came of it'] a[href^='/doc/follow-up/']").count() == 2
    # the follow-ups rest on the curators' background, and the row says so in plain words
    assert all("curators' background knowledge" in r["Sources"] for r in rows)
    # a kind of event and a member state together, by a plain form
    page.goto("/?q=recommendations")
    page.select_option("#param-eventKind", "ak:Summit")
    page.select_option("#param-state", "state:phl")
    page.get_by_role("button", name="Show the answer").click()
    rows = rows_of(page)
    assert {r["Event"] for r in rows} == {"9th ASEAN-UN Summit"} and len(rows) == 2
    shoot(page, "explorer-no-javascript")
    assert not console.errors


def _activity(store) -> dict[tuple[str, str], set[str]]:
    """State x theme -> distinct whole events, by the test's own reading of the rule: an event counts for a state
    when it or a part was held there or the state, its AICHR representation or a Representative took part;
    for a theme when it or a part is on the theme."""
    rows = store.select(AK + """PREFIX schema: <https://schema.org/>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT DISTINCT ?stateLabel ?themeLabel ?event WHERE {
          ?event a ak:Event . FILTER NOT EXISTS { ?event schema:superEvent/a ak:Event }
          ?piece schema:superEvent* ?event ; dcterms:subject ?theme . ?theme rdfs:label ?themeLabel .
          ?state a ak:MemberState ; rdfs:label ?stateLabel .
          { ?where schema:superEvent* ?event ; schema:location ?place . ?place schema:containedInPlace* ?state }
          UNION { ?rec ak:inEvent/schema:superEvent* ?event ; ak:participant ?state }
          UNION { ?rec ak:inEvent/schema:superEvent* ?event ; ak:participant ?who .
                  { ?who ak:representsState ?state } UNION { ?who org:unitOf ?unit . ?unit ak:representsState ?state }
                  UNION { ?who org:holds/org:postIn?/ak:representsState ?state } }
        }""").rows
    out: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        out.setdefault((r["stateLabel"].value, r["themeLabel"].value), set()).add(r["event"].value)
    return out


def test_activity_by_state_and_theme_is_a_matrix_of_distinct_events(page, store, shoot, console):
    expected = _activity(store)
    page.goto("/?q=activity-by-state-theme")
    matrix = page.locator("#matrix")
    expect(matrix).to_be_visible()
    expect(page.locator("#matrix-note")).to_contain_text("counts under each of them")
    expect(page.locator("#matrix-note")).to_contain_text("sessions and parts of an event count as that one event")
    shown = {(c["column"], c["row"]): int(c["n"]) for c in matrix.locator("td.matrix__count").evaluate_all(
        "(tds) => tds.map((td) => ({row: td.dataset.row, column: td.dataset.column, n: td.querySelector('a').firstChild.textContent}))")}
    assert shown == {key: len(events) for key, events in expected.items()}
    states = len({state for state, _ in expected})
    expect(page.locator("#coverage-note")).to_contain_text(f"{states} of the 11 member states")
    # by hand, from the data files: Indonesia on trafficking is the 2022 online consultation (AICHR Indonesia
    # co-organised it) and the 7th Dialogue (held at the ASEAN Secretariat in Jakarta), each once for all its sessions
    assert shown[("Indonesia", "Trafficking in persons")] == 2
    shoot(page, "activity-matrix", locator=page.locator("section.matrix"))
    cell = matrix.locator("td.matrix__count[data-row='Trafficking in persons'][data-column='Indonesia'] a")
    cell.click()
    expect(page.locator("#answer-title")).to_have_text("Events of a member state on a theme")
    rows = rows_of(page)
    assert [r["Event"] for r in rows] == ["7th ASEAN Human Rights Dialogue",
                                          "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN"]
    assert all("press release" in r["Sources"].lower() or "(" in r["Sources"] for r in rows)
    # every cell's number is the length of the list it links to (three cells, to keep the run short)
    for key in sorted(shown)[:3]:
        page.goto("/?q=activity-by-state-theme")
        page.locator(f"td.matrix__count[data-row=\"{key[1]}\"][data-column=\"{key[0]}\"] a").click()
        expect(page.locator("#answer-title")).to_have_text("Events of a member state on a theme")
        assert len(rows_of(page)) == shown[key], key
    shoot(page, "activity-cell-events")
    assert not console.errors


@pytest.mark.parametrize("settings, said", [("theme=theme:trafficking-in-persons", "Theme: Trafficking in persons"),
                                            ("state=state:mys", "Member state: Malaysia")])
def test_an_explorer_answer_prints_on_one_or_two_a4_pages_with_its_settings_and_sources(page, shoot, settings, said):
    page.goto(f"/?q=recommendations&{settings}")
    rows = rows_of(page)
    assert 1 <= len(rows) <= 20
    page.emulate_media(media="print")
    main = page.locator("main").inner_text()
    assert "Recommendations explorer" in main and "Extracted" in main and said in main and "Body concerned" not in main
    assert "Sources" in main and "Permalink" in main and all(r["Sources"] for r in rows)
    shoot(page, f"print-explorer-{settings.split('=')[0]}")
    # the page's own CSS decides the sheet (a wide answer asks for A4 landscape, as a browser's print dialog honours)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=False)
    box = re.search(rb"MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert sorted(round(float(v)) for v in box.groups()) == [595, 842]  # A4, either way round
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, pages


@pytest.mark.parametrize("width", [1280, 390])
def test_the_organisation_chart_lists_posts_and_people_under_their_body(open_page, store, shoot, console, width):
    page = open_page(viewport={"width": width, "height": 900})
    page.goto("/?q=architecture")
    chart = page.locator(".orgchart")
    expect(chart).to_be_visible()
    # no post is drawn as a body of the chart
    assert chart.locator("li.orgchart__node > a[href^='/doc/post/'], li.orgchart__node > a[href^='/doc/person/']").count() == 0
    aichr = chart.locator("li.orgchart__node", has=page.locator("> a", has_text="ASEAN Intergovernmental Commission on Human Rights"))
    posts = aichr.locator("> ul.orgchart__posts > li")
    texts = [t.replace("\n", " ") for t in posts.all_inner_texts()]
    assert "Chair of AICHR: Edmund Bon Tai Soon (2025), Yong Chanthalangsy (2024)" in texts
    assert "Representative of Indonesia to AICHR: Anita Ashvini Wahid (2025), Wahyuningrum (2022; 2024)" in texts
    expect(aichr.locator("> p.orgchart__group", has_text="Posts and people")).to_contain_text(f"({posts.count()})")
    # every post of AICHR the graph holds, each once, and its people link to their pages
    expected = store.select("""SELECT DISTINCT ?post WHERE { ?post <http://www.w3.org/ns/org#postIn>
        <https://w3id.org/aichr-kg/id/body/aichr> ; a <http://www.w3.org/ns/org#Post> }""").rows
    assert posts.count() == len(expected) == 5
    assert posts.locator("a[href='/doc/person/wahyuningrum']").count() == 1
    shoot(page, f"orgchart-posts-{width}", locator=aichr)
    assert not console.errors
