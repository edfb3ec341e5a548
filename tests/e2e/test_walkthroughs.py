"""Issue 12's "Done means": a new user answers eight everyday questions from the page alone, each answer with
its sources. Every walk starts on the home page and goes by the links, lists and buttons a person uses (no
address typed); it asserts the rows and, for each row, the source documents it rests on. Numbers and names are
the real data's; screenshots go to tests/e2e/screenshots/walk-*.png."""

import re

from playwright.sync_api import expect

from .answers import rows_of

TIP = "AICHR convenes human rights consultation"
HRI = "AICHR consults stakeholders on an ASEAN Human Rights Index"
AHRD7 = "Press Release on the 7th ASEAN Human Rights Dialogue"
NOTE = "AICHR Background Note on Human Rights Cooperation"


def ask(page, title: str) -> None:
    """From the home page, open a question by its title, as a person does."""
    page.goto("/")
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.locator("#answer-title")).to_have_text(title)


def choose(page, setting: str, label: str) -> None:
    """Pick a value in a setting's list by the words shown, then ask again."""
    select = page.get_by_label(setting, exact=True)
    value = select.locator("option", has_text=label).first.get_attribute("value")
    select.select_option(value)
    page.get_by_role("button", name="Show the answer").click()
    expect(page).to_have_url(re.compile(re.escape(value.replace(":", "%3A")) + "|" + re.escape(value)))
    expect(page.locator("#stale-note")).to_have_count(0)


def sources_link_to_source_pages(page) -> None:
    links = page.locator("#results td.col--sources a:not(.basis__original)").evaluate_all(
        "(as) => as.map((a) => a.getAttribute('href'))")
    assert links and all(href.startswith("/doc/source/") for href in links), links


def test_a_which_un_agencies_worked_with_aichr_on_business_and_human_rights_and_where(page, shoot):
    ask(page, "AICHR's work with the United Nations")
    page.get_by_label("Filter Themes").fill("business")
    rows = rows_of(page)
    undp = {r["Event"] for r in rows if r["Entity"] == "United Nations Development Programme"}
    assert {"AICHR Training on Business and Human Rights", "Bangkok Business and Human Rights Week 2019"} <= undp
    assert any(e.startswith("AICHR Inter-Regional Dialogue") for e in undp)
    assert any("Economic and Social Commission" in r["Entity"] for r in rows)  # ESCAP at the 2018 dialogue
    assert all("business" in r["Themes"].lower() for r in rows)
    assert all(NOTE in r["Sources"] or TIP in r["Sources"] for r in rows)  # each row names its document
    sources_link_to_source_pages(page)
    shoot(page, "walk-a-un-business-human-rights")


def test_b_what_the_2022_trafficking_consultation_agreed(page, shoot):
    ask(page, "What an event recommended or agreed")
    rows = rows_of(page)
    assert [r["Ordinal"] for r in rows] == [str(n) for n in range(1, 9)]
    assert rows[0]["Outcome"] == "Offer platforms for policy dialogue among ASEAN anti-trafficking task forces"
    assert {r["Kind"] for r in rows} == {"Agreement"}
    assert all(TIP in r["Sources"] and "(3 Oct 2022)" in r["Sources"] for r in rows)
    page.locator("#results td.col--sources a:not(.basis__original)").first.click()  # on to the source itself
    expect(page.locator("h1")).to_contain_text(TIP)
    expect(page.locator("tr[data-key='schema:url'] td a")).to_have_attribute("href", re.compile(r"^https://aichr\.org/"))
    shoot(page, "walk-b-source-of-the-agreements")


def test_c_who_chaired_aichr_in_2025_and_who_represented_indonesia_in_2024(page, shoot):
    ask(page, "AICHR's Representatives and Chair in a year")
    rows = rows_of(page)
    chair = [r for r in rows if r["Post"] == "Chair of AICHR"]
    assert [r["Person"] for r in chair] == ["Edmund Bon Tai Soon"] and AHRD7 in chair[0]["Sources"]
    assert len(rows) == len({(r["Post"], r["Person"]) for r in rows}) == 4  # each holding once
    expect(page.locator("#coverage-note")).to_contain_text("of the 11 member states for 2025")
    choose(page, "Year", "2024")
    rows = rows_of(page)
    indonesia = [r for r in rows if r["State"] == "Indonesia"]
    assert [r["Person"] for r in indonesia] == ["Wahyuningrum"]
    assert HRI in indonesia[0]["Sources"] and "8 May 2024" in indonesia[0]["Attested"]
    shoot(page, "walk-c-posts-2024")


def test_d_which_events_took_place_in_indonesia_in_date_order(page, shoot):
    ask(page, "Events in a country or city")
    expect(page.get_by_label("Country or city", exact=True)).to_have_value("state:idn")
    rows = rows_of(page)
    assert len(rows) == 7  # distinct events: the 7th Dialogue once, with its 6 parts
    assert rows[0]["Event"] == "Fourth Workshop on the ASEAN Regional Mechanism on Human Rights"
    assert rows[-1]["Event"] == "AHRD and Phnom Penh Statement anniversary activities, 2025"
    years = [int(re.search(r"(\d{4})$", r["Dates"]).group(1)) for r in rows]
    assert years == sorted(years)  # in date order, as the page shows them
    assert all(r["Sources"] and r["Sources"] != "Reference data (names and identifiers)" for r in rows)
    sources_link_to_source_pages(page)
    shoot(page, "walk-d-events-in-indonesia")


def test_e_which_recommendations_concern_trafficking_across_all_events(page, shoot):
    ask(page, "Recommendations on a theme")
    rows = rows_of(page)
    assert len(rows) == 9  # the 8 agreements of 2022 and the 2024 index recommendation
    by_event = {}
    for r in rows:
        by_event.setdefault(r["Event"], []).append(r)
    assert len(by_event["Consultation on Human Rights and Countering Trafficking in Persons in ASEAN"]) == 8
    assert [r["Outcome"] for r in by_event["Regional Consultation on the Human Rights Index"]] == [
        "Allow a theme-based ASEAN human rights index"]
    for r in rows:
        assert (TIP if r["Date"].endswith("2022") else HRI) in r["Sources"]
    shoot(page, "walk-e-recommendations-trafficking")


def test_f_the_asean_human_rights_dialogue_over_time(page, shoot):
    ask(page, "An event series over time")
    rows = rows_of(page)
    assert [r["Event"] for r in rows] == ["6th ASEAN Human Rights Dialogue", "7th ASEAN Human Rights Dialogue"]
    assert rows[1]["Dates"] == "17 Nov 2025" and rows[1]["Outcomes"] == "7"
    assert all(AHRD7 in r["Sources"] for r in rows)
    expect(page.locator("#view .timeline")).to_contain_text("7th ASEAN Human Rights Dialogue")
    page.get_by_role("link", name="7th ASEAN Human Rights Dialogue").first.click()  # on to the event's page
    expect(page.locator("section[data-key='schema:subEvent'] h2, section[data-key='^schema:superEvent'] h2").first).to_contain_text("Sessions")
    shoot(page, "walk-f-ahrd-over-time")


def test_g_which_plan_of_action_provisions_name_acwc(page, shoot):
    ask(page, "Human rights provisions of a plan of action")
    page.get_by_label("Filter Bodies").fill("Women and Children")
    rows = rows_of(page)
    assert [r["Number"] for r in rows] == ["1.2.4", "1.2.10"]
    assert all(NOTE in r["Sources"] for r in rows)
    shoot(page, "walk-g-provisions-acwc")


def test_h_what_the_2024_index_release_says(page, shoot):
    ask(page, "What a source document says")
    choose(page, "Source document", "AICHR consults stakeholders on an ASEAN Human Rights Index")
    rows = rows_of(page)
    entities = {r["Entity"] for r in rows}
    assert {"Regional Consultation on the Human Rights Index", "Allow a theme-based ASEAN human rights index",
            "Ground an ASEAN human rights index in the AHRD"} <= entities
    event = next(r for r in rows if r["Entity"] == "Regional Consultation on the Human Rights Index")
    assert HRI in event["Sources"] and "(8 May 2024)" in event["Sources"]
    page.get_by_role("link", name="Regional Consultation on the Human Rights Index").first.click()
    expect(page.locator("h2.via", has_text="What it agreed or recommended")).to_contain_text("4")
    shoot(page, "walk-h-index-release")
