"""Finding an entity by name or acronym from the search box in the header, with suggestions."""

import re

from playwright.sync_api import expect


def test_suggestions_lead_to_the_entity_page(page, shoot, console):
    page.goto("/")
    box = page.get_by_role("combobox", name="Find a body, person, event or theme")
    box.fill("UNDP")  # an acronym
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("United Nations Development Programme")
    expect(first).to_contain_text("also called UNDP")
    shoot(page, "search-suggestions", full_page=False)
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/doc/body/undp$"))
    expect(page.locator("h1")).to_have_text("United Nations Development Programme")
    assert not console.errors


def test_clicking_a_suggestion_and_searching_by_part_of_a_name(page):
    page.goto("/?q=events-by-theme")
    box = page.locator("#site-search")
    box.fill("intergovernmental commission")
    option = page.get_by_role("listbox", name="Suggestions").get_by_role(
        "option", name=re.compile(r"ASEAN Intergovernmental Commission on Human Rights"))
    expect(option).to_be_visible()
    option.click()
    expect(page).to_have_url(re.compile(r"/doc/body/aichr$"))
    expect(page.locator("h1")).to_have_text("ASEAN Intergovernmental Commission on Human Rights")


def test_escape_closes_and_enter_without_a_choice_lists_every_match(page):
    page.goto("/")
    box = page.locator("#site-search")
    box.fill("Wahyuningrum")
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press("Enter")  # no suggestion chosen: the search page
    expect(page).to_have_url(re.compile(r"/search\?q=Wahyuningrum"))
    expect(page.locator("main")).to_contain_text("Wahyuningrum")


def test_nothing_found_says_so(page):
    page.goto("/")
    page.locator("#site-search").fill("zzqxv")
    expect(page.get_by_role("listbox")).to_contain_text("Nothing is called “zzqxv”")


def test_search_results_say_kind_date_and_other_names(page, e2e_service, shoot, console):
    store = e2e_service.app.state.graph.store
    page.goto("/search?q=ACWC")
    acwc = page.locator("ol.results li", has=page.locator("a[href='/doc/body/acwc']"))
    expect(acwc.locator(".kind")).to_have_text("ASEAN body")
    expect(acwc.locator(".also")).to_contain_text("ACWC")
    page.goto("/search?q=7th ASEAN Human Rights Dialogue")
    dialogue = page.locator("ol.results li", has=page.locator("a[href='/doc/event/2025-11-17-7th-asean-human-rights-dialogue']"))
    expect(dialogue.locator(".when")).to_have_text("17 Nov 2025")
    page.goto("/search?q=Consultation on Human Rights and Countering Trafficking")
    tip = page.locator("ol.results li", has=page.locator("a[href='/doc/event/2022-09-27-tip-consultation']"))
    expect(tip.locator(".when")).to_have_text("27–28 Sep 2022")
    # a post: the span of the days the sources name its holders on; a holding: the day a source names it
    page.goto("/search?q=Representative of Indonesia to AICHR")
    days = sorted(r["d"].value for r in store.select("""SELECT DISTINCT ?d WHERE { ?h <http://www.w3.org/ns/opengov#post>
        <https://w3id.org/aichr-kg/id/post/representative-of-indonesia-to-aichr> ;
        <https://w3id.org/aichr-kg/ontology#attestedOn> ?d }""").rows)
    assert days[0] == "2022-10-03" and days[-1] == "2025-11-17"
    post = page.locator("ol.results li", has=page.locator("a[href='/doc/post/representative-of-indonesia-to-aichr']"))
    expect(post.locator(".kind")).to_have_text("Post")
    expect(post.locator(".when")).to_have_text("3 Oct 2022 – 17 Nov 2025")
    holding = page.locator("ol.results li", has=page.locator("a[href='/doc/holding/wahyuningrum-representative-of-indonesia-to-aichr-2024']"))
    expect(holding.locator(".when")).to_have_text("named in a source on 8 May 2024")
    shoot(page, "search-kind-date")
    assert not console.errors
