"""The page's scripts take their words from the same catalogue as the server (issue 12): with a tiny test catalogue
(compiled .mo in a temporary folder) the table's filter boxes, its sort announcement and the stale-answer notice,
all written by scripts, are in the catalogue's words, under the same CSP and with no console error."""

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from playwright.sync_api import expect

from aichr_kg.settings import Settings


@pytest.fixture(scope="module")
def translated_service(tmp_path_factory):
    from aichr_kg_api.main import create_app
    from servers import ServiceThread

    folder = tmp_path_factory.mktemp("locale")
    catalogue = Catalog(locale="de")
    for english, words in (("Ask a question", "Stel een vraag"), ("Filter", "Zeef"),
                           ("Filter {column}", "Zeef op {column}"),
                           ("Sorted by {column}, ascending.", "Gesorteerd op {column}, oplopend."),
                           ("The settings have changed: the answer below is for the previous settings. Press “Show the "
                            "answer” to see the new one.", "De keuzes zijn veranderd.")):
        catalogue.add(english, words)
    (folder / "xx" / "LC_MESSAGES").mkdir(parents=True)
    with (folder / "xx" / "LC_MESSAGES" / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    with ServiceThread(create_app(Settings(locale="xx", locale_dir=folder, query_workers=1))) as service:
        yield service


def test_the_scripts_words_come_from_the_chosen_catalogue(browser, translated_service, console, shoot):
    context = browser.new_context(base_url=translated_service.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console.listen(page)
    try:
        page.goto("/?q=event-outcomes")
        expect(page.get_by_role("navigation", name="Sections").get_by_role("link", name="Stel een vraag")).to_be_visible()
        box = page.get_by_label("Zeef op Outcome")  # a filter box the table script adds
        expect(box).to_have_attribute("placeholder", "Zeef")
        page.locator("#results thead th", has_text="Outcome").locator("button").click()
        expect(page.locator("#table-status")).to_have_text("Gesorteerd op Outcome, oplopend.")
        page.select_option("#param-event", index=1)
        expect(page.locator("#stale-note")).to_have_text("De keuzes zijn veranderd.")
        shoot(page, "i18n-test-catalogue")
        assert not console.errors, console.errors
    finally:
        context.close()
