"""A researcher who knows only W3C ORG, OWL-Time, PROV-O or schema.org finds the facts: each query here is written in
that vocabulary alone (no ak: term) and runs against the served endpoint, over the embedded store and in front of
Oxigraph (the ``service`` fixture), asserting rows the sources give. The triples come from the build's rules
(``queries/rules``): curators write the project's own terms once."""

import httpx
import pytest

ID = "https://w3id.org/aichr-kg/id/"
PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture
def rows(service):
    with httpx.Client(base_url=service.url, timeout=30) as client:
        def run(text: str) -> list[dict[str, str]]:
            response = client.get("/sparql", params={"query": PREFIXES + text},
                                  headers={"Accept": "application/sparql-results+json"})
            assert response.status_code == 200, response.text
            return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]
        yield run


def test_org_membership_with_an_owl_time_interval_of_the_stated_precision(rows):
    """Bon chaired AICHR in 2025: an ORG membership whose interval begins and ends in the year the source gives."""
    found = rows(f"""SELECT ?role ?begin ?end WHERE {{
      ?m a org:Membership ; org:member <{ID}person/bon> ; org:organization <{ID}body/aichr> ; org:role ?role ;
         org:memberDuring ?i .
      ?i a time:Interval ; time:hasBeginning [ a time:Instant ; time:inXSDgYear ?begin ] ;
         time:hasEnd [ a time:Instant ; time:inXSDgYear ?end ] }}""")
    assert {"role": f"{ID}post/chair-of-aichr", "begin": "2025", "end": "2025"} in found


def test_org_membership_attested_on_a_day_is_an_interval_containing_it(rows):
    found = rows(f"""SELECT ?person ?day WHERE {{
      ?m a org:Membership ; org:member ?person ; org:role <{ID}post/representative-of-indonesia-to-aichr> ;
         org:memberDuring ?i .
      ?i a time:Interval ; time:inside [ a time:Instant ; time:inXSDDate ?day ] }}""")
    assert {"person": f"{ID}person/wahid", "day": "2025-11-17"} in found
    assert len({r["day"] for r in found}) >= 3  # 2022, 2024 and 2025 releases each show Indonesia's Representative


def test_every_post_holding_is_an_org_membership_with_role_and_interval(rows):
    missing = rows("""SELECT ?m WHERE { ?m a org:Membership ; org:member [] .
      FILTER NOT EXISTS { ?m org:role [] ; org:organization [] ; org:memberDuring [ a time:Interval ] }
      FILTER(STRSTARTS(STR(?m), "https://w3id.org/aichr-kg/id/holding/")) }""")
    assert missing == []
    assert len(rows("SELECT ?m WHERE { ?m a org:Membership ; org:memberDuring [] }")) >= 10


def test_prov_qualified_association_from_events(rows):
    """The 1st AICHR-UN meeting's participants as PROV qualified associations, each with agent and role."""
    found = rows(f"""SELECT ?agent ?role WHERE {{
      <{ID}event/2018-05-15-1st-aichr-un-meeting> a prov:Activity ;
          prov:qualifiedAssociation [ a prov:Association ; prov:agent ?agent ; prov:hadRole ?role ] ;
          prov:wasAssociatedWith ?agent }}""")
    assert any(r["agent"] == f"{ID}body/aichr" for r in found), found
    assert len(rows("SELECT ?e WHERE { ?e a prov:Activity ; prov:qualifiedAssociation [] }")) >= 20


def test_prov_outcomes_generated_by_their_event(rows):
    found = rows("""SELECT ?outcome ?event WHERE { ?outcome a prov:Entity ; prov:wasGeneratedBy ?event .
      ?event a prov:Activity }""")
    assert len(found) >= 20
    assert all(r["event"].startswith(f"{ID}event/") for r in found)


def test_schema_mentions_the_bodies_an_outcome_concerns(rows):
    found = rows("""SELECT ?outcome ?body WHERE { ?outcome schema:mentions ?body .
      FILTER(STRSTARTS(STR(?outcome), "https://w3id.org/aichr-kg/id/outcome/")) }""")
    assert len(found) >= 10
    assert any(r["body"] == f"{ID}body/aichr" for r in found)


def test_no_outcome_claims_who_is_to_act_where_no_source_says(rows):
    """None of the five sources says who is to act on an outcome (the 2022 consultation's participants "agreed to"
    steps with no one named to take them; the 2024 recommendations name no addressee), so the graph states no
    ak:addressedTo and hence no schema:recipient: the bodies an outcome names are schema:mentions only. The rule
    that would give schema:recipient is tested in tests/test_rules.py."""
    assert not rows("""SELECT ?outcome ?body WHERE { ?outcome schema:recipient ?body }""")


def test_an_xsd_date_range_finds_every_event_of_2018(rows):
    """Nine events took place in 2018, five of them dated only to the year or month: the derived day bounds
    (ak:earliestDate/latestDate, xsd:date) let one range filter on schema.org events find them all."""
    found = rows("""PREFIX ak: <https://w3id.org/aichr-kg/ontology#>
      SELECT DISTINCT ?event ?start WHERE { ?event a schema:Event ; schema:startDate ?start ; ak:earliestDate ?d .
        FILTER(?d >= "2018-01-01"^^xsd:date && ?d <= "2018-12-31"^^xsd:date)
        FILTER NOT EXISTS { ?event a ak:Session } }""")
    assert len({r["event"] for r in found}) == 9, found
    assert {r["start"] for r in found} >= {"2018", "2018-06", "2018-12"}
