"""The home page's schema.org Dataset (a JSON-LD data block) as Chromium sees it: readable, and no CSP complaint."""

import json


def test_dataset_markup_is_read_without_a_csp_error(page, console):
    page.goto("/")
    page.wait_for_load_state("networkidle")
    blocks = page.evaluate("() => [...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
                           ".map(s => s.textContent)")
    assert len(blocks) == 1
    dataset = json.loads(blocks[0])
    assert dataset["@type"] == "Dataset" and dataset["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert dataset["subjectOf"]["url"].endswith("/sparql") and dataset["distribution"]
    assert not console.csp_violations and not console.errors, console.errors


def test_ontology_documentation_by_pylode_runs_under_the_csp(page, console):
    """/ontology in a browser is pyLODE's page of the ontology as built; a term's hash IRI lands on its entry."""
    page.goto("/ontology#ASEANBody")
    page.wait_for_load_state("networkidle")
    assert page.locator("#ASEANBody").count() == 1
    assert "aichr-kg ontology" in page.locator("h1").first.inner_text()
    assert not console.csp_violations and not console.errors, console.errors


def test_the_dataset_page_says_what_the_graph_is_built_from_as_the_home_page_does(page, e2e_service, console, shoot):
    store = e2e_service.app.state.graph.store
    documents = {r["title"].value for r in store.select(
        "SELECT ?title WHERE { ?d a <https://w3id.org/aichr-kg/ontology#SourceDocument> ; <http://purl.org/dc/terms/title> ?title }").rows}
    page.goto("/")
    home = page.locator(".coverage").inner_text()
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Dataset").click()
    coverage = page.locator(".coverage")
    assert coverage.inner_text() == home  # one partial, one reading of the graph
    assert f"{len(documents)} source documents" in home and "the latest issued" in home
    assert {t.strip() for t in coverage.locator(".coverage__documents > li > a:not([rel=external])").all_inner_texts()} == documents
    shoot(page, "dataset-coverage", locator=coverage)
    assert not console.errors
