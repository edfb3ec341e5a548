"""Entity pages carry a small graph of what the entity is linked to and a timeline of what it took part in."""

import re

from playwright.sync_api import expect


def test_a_body_page_has_its_neighbourhood_and_timeline(page, shoot):
    page.goto("/doc/body/aichr")
    section = page.locator("#explore")
    expect(section).to_be_visible()
    network = page.locator("#explore-network svg")
    expect(network).to_be_visible()
    expect(network).to_contain_text("AICHR Indonesia")  # a unit of AICHR
    expect(page.locator("#explore-timeline")).to_contain_text("1st AICHR-UN Meeting")
    expect(page.locator("#explore-timeline")).to_contain_text("Consultation on Human Rights and Countering Trafficking")
    shoot(page, "entity-aichr-explore", locator=section)
    page.locator("#explore-network a", has_text="AICHR Indonesia").first.click()
    expect(page).to_have_url(re.compile(r"/doc/body/aichr-indonesia$"))


def test_a_person_page_has_a_timeline(page, shoot):
    page.goto("/doc/person/wahyuningrum")
    timeline = page.locator("#explore-timeline")
    expect(timeline).to_be_visible()
    expect(timeline).to_contain_text("27–28 Sep 2022")
    expect(timeline).to_contain_text("speaker")
    expect(page.locator("#explore-network")).to_contain_text("Representative of Indonesia to AICHR")
    shoot(page, "entity-person", locator=page.locator("#explore"))


def _referred(page) -> tuple[int, dict[str, int], dict[str, int]]:
    """'Referred to by N', each group's '(n)', and the rows each group shows on this page."""
    section = page.locator("section[aria-labelledby='incoming']")
    total = int(section.locator("h2 .count").inner_text())
    groups = section.locator("h3.via").evaluate_all("""(hs) => hs.map((h) => ({name: h.firstElementChild.textContent,
        said: h.querySelector('.count').textContent, rows: h.nextElementSibling.querySelectorAll('li').length}))""")
    return total, {g["name"]: int(g["said"].strip("()")) for g in groups}, {g["name"]: g["rows"] for g in groups}


def test_referred_to_by_counts_the_rows_a_reader_sees_and_prints_them_all(page, e2e_service, shoot):
    store = e2e_service.app.state.graph.store
    for path, iri in (("/doc/body/acwc", "body/acwc"), ("/doc/body/aichr", "body/aichr")):
        links = len(store.select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <https://w3id.org/aichr-kg/id/{iri}> }}").rows)
        page.goto(path)
        total, said, rows = _referred(page)
        # restatements (schema:mentions beside ak:concerns, prov:agent beside ak:participant) are neither shown nor counted
        assert total == sum(rows.values()) == sum(said.values()) and said == rows, path
        assert 0 < total < links, (path, total, links)
    assert page.locator("nav.pager").count() == 0  # AICHR's links fit on its one page
    page.emulate_media(media="print")
    last = page.locator("section[aria-labelledby='incoming'] ul.links li").last
    assert last.is_visible()
    shoot(page, "entity-aichr-print")
