"""Entity pages carry a small graph of what the entity is linked to and a timeline of what it took part in."""

import re

import pytest

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


def _lists(page) -> tuple[dict[str, int], dict[str, int]]:
    """Each list of what links to the entity: the '(n)' its heading says, and the rows it shows on this page."""
    groups = page.locator("section.listing").evaluate_all("""(ss) => ss.map((s) => ({
        name: s.querySelector('.via > span').textContent, said: s.querySelector('.via > .count').textContent,
        rows: s.querySelectorAll('ul.links > li').length}))""")
    return {g["name"]: int(g["said"].strip("()")) for g in groups}, {g["name"]: g["rows"] for g in groups}


def test_referred_to_by_counts_the_rows_a_reader_sees_and_prints_them_all(page, e2e_service, shoot):
    store = e2e_service.app.state.graph.store
    for iri in ("body/acwc", "post/representative-of-indonesia-to-aichr", "body/aichr"):  # AICHR last: printed
        path = "/doc/" + iri
        links = len(store.select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <https://w3id.org/aichr-kg/id/{iri}> }}").rows)
        page.goto(path)
        said, rows = _lists(page)
        # each list says how many rows it shows; restatements (schema:mentions beside ak:concerns, prov:agent
        # beside ak:participant, an event's organiser link beside the record of that role) are neither shown nor counted
        assert said == rows and len(said) > 1, path
        assert 0 < sum(rows.values()) < links, (path, rows, links)
    assert page.locator("nav.pager").count() == 0  # AICHR's links fit on its one page
    page.emulate_media(media="print")
    last = page.locator("section.listing ul.links li").last
    assert last.is_visible()
    shoot(page, "entity-aichr-print")


# One real entity of each kind: (page, a heading its kind's layout shows, a name listed under it). The heading is
# read from this entity's side: ACWC is "Part of" ASEAN, trafficking lists its narrower themes, the 7th Dialogue
# its sessions, Wahyuningrum the post she held.
KINDS = [
    ("body", "/doc/body/acwc", "Part of", "Association of Southeast Asian Nations"),
    ("person", "/doc/person/wahyuningrum", "Held the post of", "Representative of Indonesia to AICHR"),
    ("post", "/doc/post/representative-of-indonesia-to-aichr", "Held by, year by year",
     "Wahyuningrum, Representative of Indonesia to AICHR (2024)"),
    ("event", "/doc/event/2025-11-17-7th-asean-human-rights-dialogue", "Sessions",
     "Session 3 of the 7th ASEAN Human Rights Dialogue: Online Scams and Trafficking-in-Persons in ASEAN"),
    ("series", "/doc/series/asean-human-rights-dialogue", "Editions", "7th ASEAN Human Rights Dialogue"),
    ("instrument", "/doc/instrument/asean-un-plan-of-action-2016-2020", "Adopted at", "8th ASEAN-UN Summit"),
    ("provision", "/doc/provision/asean-un-plan-of-action-2016-2020-1-2-4", "Concerns",
     "ASEAN Commission on the Promotion and Protection of the Rights of Women and Children"),
    ("outcome", "/doc/outcome/2022-09-27-tip-consultation-r1", "Made at",
     "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN"),
    ("theme", "/doc/theme/trafficking-in-persons", "Narrower themes", "Forced criminality"),
    ("place", "/doc/place/jakarta", "Events held here", "43rd ASEAN Summit"),
    ("source", "/doc/source/press-release-2024-05-08-human-rights-index-consultation",
     "What this document states something about", "Allow a theme-based ASEAN human rights index"),
]


@pytest.mark.parametrize("kind, path, heading, name", KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_of_page_reads_its_relations_from_its_own_side(page, shoot, console, kind, path, heading, name):
    page.goto(path)
    expect(page.locator("article.entity")).to_have_class(re.compile(rf"entity--{kind}\b"))
    # a fact row (th) or a list (its heading, then its links) with this heading, holding this name
    row = page.locator("table.facts tr", has=page.locator("th", has_text=re.compile(rf"^{re.escape(heading)}$")))
    listing = page.locator("section.listing", has=page.locator(".via > span", has_text=re.compile(rf"^{re.escape(heading)}$")))
    holder = row if row.count() else listing
    expect(holder.first).to_be_visible()
    expect(holder.first.get_by_role("link", name=name, exact=True)).to_be_visible()
    main = page.locator("main").inner_text().lower()
    for backwards in ("has sub organization", "super event", "held by: representative", "broader: forced"):
        assert backwards not in main
    data = page.get_by_role("navigation", name="The data behind this page")
    expect(data.get_by_role("link", name="Turtle")).to_have_attribute("href", f"{path}.ttl")
    expect(data.get_by_role("link", name="JSON-LD")).to_have_attribute("href", f"{path}.jsonld")
    page.wait_for_load_state("networkidle")
    shoot(page, f"entity-kind-{kind}")
    assert not console.errors, console.errors


def test_an_event_page_says_who_took_part_in_what_role_once(page):
    page.goto("/doc/event/2022-09-27-tip-consultation")
    table = page.locator("table.participants")
    expect(table).to_be_visible()
    row = table.locator("tr", has=page.get_by_role("link", name="Wahyuningrum", exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("speaker")
    expect(row).to_contain_text("Representative of Indonesia to AICHR")
    facts = page.locator("table.facts").first
    expect(facts.locator("tr[data-key='schema:startDate']")).to_contain_text("27–28 Sep 2022")
    expect(facts.locator("tr[data-key='schema:eventAttendanceMode'] td")).to_have_text("Online")


def test_from_a_theme_page_to_its_recommendations_across_events(page, shoot):
    page.goto("/doc/theme/trafficking-in-persons")
    page.get_by_role("navigation", name="Questions about it").get_by_role(
        "link", name="Recommendations on this theme across all events").click()
    expect(page.locator("#answer-title")).to_have_text("Recommendations on a theme")
    expect(page.locator("#results tbody tr")).to_have_count(9)


def test_an_event_page_holds_on_a_phone(open_page, shoot):
    page = open_page(viewport={"width": 390, "height": 844})
    page.goto("/doc/event/2025-11-17-7th-asean-human-rights-dialogue")
    expect(page.locator("table.participants")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    shoot(page, "entity-kind-event-390")
