"""A label holding markup is shown as text everywhere a person meets it, and the page's CSP holds.

The served graph has a body labelled ``<script>window.__xss = 1</script>Test Body <b>bold</b>`` (see conftest):
it takes part in the 1st AICHR-UN Meeting, so it is in that event's participants, in drop-downs, in search.
"""

from playwright.sync_api import expect

from .conftest import XSS_LABEL


def test_markup_in_a_label_is_text_and_never_runs(page, console, shoot):
    response = page.goto("/?q=event-participants")  # defaults to the 1st AICHR-UN Meeting
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    cell = page.locator("#results td", has_text="Test Body")
    expect(cell).to_have_text(XSS_LABEL)
    assert cell.locator("b, script").count() == 0
    # the same label in a drop-down, in the network view, in suggestions, on its own page
    page.goto("/?q=partner-network")
    assert XSS_LABEL in [t.split(" — ")[0] for t in page.locator("#param-body option").all_inner_texts()]
    page.locator("#site-search").fill("XSSTB")
    suggestion = page.get_by_role("listbox", name="Suggestions").get_by_role("option").first
    expect(suggestion).to_contain_text(XSS_LABEL)
    shoot(page, "xss-label-as-text", full_page=False)
    suggestion.click()
    expect(page.locator("h1")).to_have_text(XSS_LABEL)
    page.wait_for_timeout(300)  # let the entity page's views draw
    assert page.evaluate("() => window.__xss") is None
    assert not console.errors, console.errors


def test_the_pages_need_nothing_the_csp_forbids(page, console):
    """Every page, with its scripts running (views, suggestions, the editor), reports no CSP violation."""
    pages = ("/", "/?q=architecture", "/?q=events-in-place", "/?q=events-per-year-theme", "/doc/body/aichr", "/editor")
    for url in pages:
        response = page.goto(url)
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}, url
        page.wait_for_load_state("networkidle")
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr .dataTable")).to_be_visible(timeout=30_000)  # a query on a busy machine
    assert not console.csp_violations, console.csp_violations
    assert not console.errors, console.errors
