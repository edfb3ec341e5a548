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
