"""The SPARQL editor tab for researchers: YASGUI served by the app (no CDN) over /sparql."""

import re

from playwright.sync_api import expect


def test_a_canned_question_runs_in_the_editor_with_table_and_chart(page, shoot, console):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/editor")
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    page.select_option("#editor-example", "events-per-year-theme")
    text = page.evaluate("() => window.aichrEditor.getTab().getQuery()")
    assert "COUNT(DISTINCT ?event)" in text
    page.locator(".yasqe_queryButton").click()
    table = page.locator(".yasr .dataTable")
    expect(table).to_be_visible()
    expect(table).to_contain_text("Trafficking in persons")
    shoot(page, "editor-table")
    page.locator(".yasr .select_chart").click()
    expect(page.locator(".yasr .editor-chart svg rect.bar").first).to_be_visible()
    shoot(page, "editor-chart")
    hosts = {re.match(r"https?://[^/]+", url).group(0) for url in requests if url.startswith("http")}
    assert hosts == {page.url.split("/editor")[0]}, f"the editor reached other hosts: {hosts}"
    assert not console.errors


def test_a_query_typed_in_the_editor_answers_from_the_graph(page):
    page.goto("/editor")
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    page.evaluate("""() => { window.aichrEditor.getTab().setQuery(
      'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n' +
      'SELECT ?label WHERE { <https://w3id.org/aichr-kg/id/body/aichr> rdfs:label ?label }'); }""")
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+Enter")  # YASQE's own shortcut to run the query
    expect(page.locator(".yasr .dataTable")).to_contain_text("ASEAN Intergovernmental Commission on Human Rights")


def test_the_editor_takes_a_query_from_its_address(page):
    page.goto("/editor?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D")
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    assert page.evaluate("() => window.aichrEditor.getTab().getQuery()") == "ASK { ?s ?p ?o }"
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr")).to_contain_text(re.compile("true", re.IGNORECASE))
