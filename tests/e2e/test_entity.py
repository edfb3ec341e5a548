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
