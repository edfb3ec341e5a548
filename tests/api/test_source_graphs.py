"""``GRAPH <graph/<slug>>`` answers "what does this document say?" completely and only, against the served endpoint
(embedded store and Oxigraph: the ``service`` fixture).

For each of the five sources, a few statements the document makes are in its graph, and a few that rest on a
curators' reading of it or on cited background are not, though they are in the readings or background graph (so
each absence is a real one, not a typo in the test).
"""

import httpx
import pytest

G = "https://w3id.org/aichr-kg/graph/"
PREFIXES = """PREFIX ak: <https://w3id.org/aichr-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX body: <https://w3id.org/aichr-kg/id/body/>
PREFIX event: <https://w3id.org/aichr-kg/id/event/>
PREFIX role: <https://w3id.org/aichr-kg/id/role/>
PREFIX counted: <https://w3id.org/aichr-kg/id/counted/>
PREFIX followup: <https://w3id.org/aichr-kg/id/follow-up-kind/>
PREFIX participation: <https://w3id.org/aichr-kg/id/participation/>
PREFIX outcome: <https://w3id.org/aichr-kg/id/outcome/>
PREFIX holding: <https://w3id.org/aichr-kg/id/holding/>
PREFIX membership: <https://w3id.org/aichr-kg/id/membership/>
"""

# slug -> (statements in its graph, (statement, the graph it is in instead) pairs)
SOURCES = {
    "background-note-aichr-un-cooperation": (
        ['event:2019-11-19-2nd-aichr-un-meeting schema:startDate "2019-11-19"^^xsd:date',
         "participation:aichr-regional-dialogues-on-disability-rights-unicef-supporter ak:role role:supporter ; "
         "ak:participant body:unicef"],
        [("participation:aichr-regional-dialogues-on-disability-rights-aichr-organiser ak:role role:organiser",
          "background-note-aichr-un-cooperation/readings"),
         ("participation:2016-workshop-regional-arrangements-human-rights-ohchr-organiser ak:participant body:ohchr",
          "curator-background")]),
    "press-release-2022-10-03-tip-consultation": (
        ["event:2022-09-27-tip-consultation ak:statedCount [ ak:countOf counted:member-states ; rdf:value 9 ]",
         "participation:2022-09-27-tip-consultation-asean-australia-counter-trafficking-partner ak:role role:partner",
         "event:2022-09-27-tip-consultation schema:eventAttendanceMode schema:OnlineEventAttendanceMode"],
        [("outcome:2022-09-27-tip-consultation-r7 ak:concerns body:asean-member-states",
          "press-release-2022-10-03-tip-consultation/readings")]),
    "press-release-2024-05-08-human-rights-index-consultation": (
        ["participation:2024-04-29-regional-consultation-on-the-human-rights-index-nhris-participant "
         "ak:inEvent event:2024-04-29-regional-consultation-on-the-human-rights-index ; ak:role role:participant"],
        [('event:2024-04-29-regional-consultation-on-the-human-rights-index schema:startDate "2024-04-29"^^xsd:date',
          "press-release-2024-05-08-human-rights-index-consultation/readings"),
         ("outcome:2024-04-29-regional-consultation-on-the-human-rights-index-r2 ak:concerns body:asean",
          "press-release-2024-05-08-human-rights-index-consultation/readings")]),
    "press-release-2025-11-7th-ahrd-dialogue": (
        ["outcome:2025-11-17-7th-asean-human-rights-dialogue-r1 a ak:Recommendation ; "
         "ak:madeAt event:2025-11-17-7th-asean-human-rights-dialogue",
         "?f a ak:FollowUp ; ak:followUpOf event:6th-asean-human-rights-dialogue ; ak:followUpKind followup:built-on",
         'holding:wahid-representative-of-indonesia-to-aichr-2025 ak:attestedOn "2025-11-17"^^xsd:date'],
        [('holding:bon-chair-of-aichr-2025 schema:startDate "2025"^^xsd:gYear',
          "press-release-2025-11-7th-ahrd-dialogue/readings"),
         ("participation:6th-asean-human-rights-dialogue-aichr-organiser ak:role role:organiser",
          "press-release-2025-11-7th-ahrd-dialogue/readings")]),
    "working-group-secretariat-page": (
        ["body:ahrc ak:secretariatOf body:working-group-asean-hrm",
         "body:national-working-groups org:subOrganizationOf body:working-group-asean-hrm",
         '<https://w3id.org/aichr-kg/id/instrument/asean-charter> eli:first_date_entry_in_force "2008-12-15"^^xsd:date'],
        [("body:ahrc schema:url <http://ahrc.org.ph/>", "curator-background"),
         ("membership:asean-khm org:member <https://w3id.org/aichr-kg/id/state/khm>", "curator-background")]),
}


@pytest.fixture
def ask(service):
    with httpx.Client(base_url=service.url, timeout=30) as client:
        def run(graph: str, pattern: str) -> bool:
            text = f"{PREFIXES}ASK {{ GRAPH <{G}{graph}> {{ {pattern} }} }}"
            response = client.get("/sparql", params={"query": text},
                                  headers={"Accept": "application/sparql-results+json"})
            assert response.status_code == 200, response.text
            return response.json()["boolean"]
        yield run


@pytest.mark.parametrize("slug", sorted(SOURCES))
def test_a_source_graph_holds_what_its_document_states(ask, slug):
    present, _ = SOURCES[slug]
    assert [p for p in present if not ask(slug, p)] == []


@pytest.mark.parametrize("slug", sorted(SOURCES))
def test_a_source_graph_holds_no_reading_or_background(ask, slug):
    _, elsewhere = SOURCES[slug]
    for pattern, graph in elsewhere:
        assert ask(graph, pattern), f"test premise: {pattern} is in {graph}"
        assert not ask(slug, pattern), f"{pattern} is in the graph of {slug}, but rests on {graph}"
    assert not ask(slug, "?s ak:curatorNote ?note"), "a curator note in a source graph"
    assert not ask(slug, "?s ak:citation ?c"), "a background citation in a source graph"
    assert not ask(slug, "?s prov:wasDerivedFrom ?doc"), "entity-level provenance in a source graph"


def test_a_graph_the_store_does_not_hold_is_empty(ask, service):
    """GRAPH over a graph nobody holds matches nothing, alone or joined; Virtuoso, sent the service's dataset,
    answered such a group with one empty solution (true, and one row) until the service named an empty graph."""
    assert ask("not-a-source", "?s ?p ?o") is False
    assert ask("not-a-source", "body:aichr a ?kind") is False
    count = (f"{PREFIXES}SELECT (COUNT(*) AS ?n) WHERE {{ body:aichr a ?kind . "
             f"GRAPH <{G}not-a-source> {{ body:aichr ?p ?o }} }}")
    response = httpx.post(f"{service.url}/sparql", data={"query": count},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"
