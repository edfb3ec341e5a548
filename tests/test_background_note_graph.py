"""The background note's graph answers "what does the note say?" and nothing else: its counts, follow-ups, cited
addresses and locators are statements there; readings, cited background and the old shape-driven fill-ins are not."""

import pytest

ID = "https://w3id.org/aichr-kg/id/"
AK = "https://w3id.org/aichr-kg/ontology#"
NOTE = "https://w3id.org/aichr-kg/graph/background-note-aichr-un-cooperation"
READINGS = NOTE + "/readings"
BACKGROUND = "https://w3id.org/aichr-kg/graph/curator-background"
PREFIXES = f"""PREFIX ak: <{AK}> PREFIX event: <{ID}event/> PREFIX body: <{ID}body/> PREFIX role: <{ID}role/>
PREFIX counted: <{ID}counted/> PREFIX followup: <{ID}follow-up-kind/> PREFIX outcome: <{ID}outcome/>
PREFIX instrument: <{ID}instrument/> PREFIX schema: <https://schema.org/> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


def ask(store, graph, pattern):
    return store.ask(f"{PREFIXES} ASK {{ GRAPH <{graph}> {{ {pattern} }} }}")


@pytest.mark.parametrize("thing,counted,value", [
    ("event:2016-workshop-regional-arrangements-human-rights", "recommendations", 13),
    ("event:2017-global-raphael-lemkin-seminar-for-genocide-prevention", "officials", 2),
    ("event:2018-04-11-aichr-high-level-dialogue-on-managing-freedom-of-expression", "member-states", 10),
    ("event:2017-11-13-aichr-training-on-business-and-human-rights", "participants", 60),
])
def test_the_numbers_the_note_gives_are_counts_in_its_graph(store, thing, counted, value):
    assert ask(store, NOTE, f"{thing} ak:statedCount ?c . ?c a ak:Count ; ak:countOf counted:{counted} ; rdf:value {value} ; ak:locator ?l")
    assert not store.ask(f"{PREFIXES} ASK {{ {thing} ak:participantCount ?n }}")


@pytest.mark.parametrize("earlier,later,kind", [
    ("outcome:2016-workshop-regional-arrangements-human-rights-r1", "event:2018-12-07-meeting-of-focal-points-regional-human-rights-mechanisms", "reviewed-progress"),
    ("outcome:2017-initial-workshop-on-water-and-sanitation-r1", "event:2018-11-1st-coordination-meeting-for-aichr-thematic-study-on-water-and-sanitation", "built-on"),
    ("event:2017-aichr-acwc-training-workshop-on-the-un-crc", "event:2018-asean-dialogue-on-the-un-crc-and-its-related-instruments", "built-on"),
])
def test_the_follow_ups_the_note_reports_are_in_its_graph(store, earlier, later, kind):
    assert ask(store, NOTE, f"?f a ak:FollowUp ; ak:followUpOf {earlier} ; ak:followedUpBy {later} ; ak:followUpKind followup:{kind} ; ak:locator ?l")


def test_the_eia_consultation_built_on_earlier_work_named_only_by_cited_background(store):
    f = "<" + ID + "follow-up/2019-10-02-eia-consultation-built-on-previous-recommendations>"
    assert ask(store, NOTE, f"{f} ak:followedUpBy event:2019-10-02-regional-consultation-on-commonalities-of-eia ; ak:followUpKind followup:built-on")
    assert not ask(store, NOTE, f"{f} ak:followUpOf ?x")
    assert ask(store, BACKGROUND, f"{f} ak:followUpOf ?x ; ak:citation ?c")


def test_the_addresses_the_note_cites_are_kept(store):
    for url in ("https://www.un.org/sg/en/content/sg/speeches/2017-11-13/secretary-general%E2%80%99s-9th-asean-summit-remarks",
                "https://asean.org/wp-content/uploads/2017/12/9th-ASEAN-UN-Summit-Chairs-Statement-FINAL.pdf",
                "https://undocs.org/en/A/HRC/RES/34/17"):
        assert ask(store, NOTE, f"?doc schema:url <{url}> ; ak:locator ?l"), url


def test_its_graph_holds_no_notes_citations_or_assumed_modes(store):
    assert not ask(store, NOTE, "?s ak:curatorNote ?n")
    assert not ask(store, NOTE, "?s ak:citation ?c")
    assert not ask(store, NOTE, "?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?d")
    assert not ask(store, NOTE, "?e schema:eventAttendanceMode ?m")


def test_the_fill_ins_are_gone_and_readings_stay_apart(store):
    def organiser_of(event, agent):
        return f"?p ak:inEvent event:{event} ; ak:participant body:{agent} ; ak:role/<http://www.w3.org/2004/02/skos/core#broader>* role:organiser"
    for event, agent in [("2018-12-07-meeting-of-focal-points-regional-human-rights-mechanisms", "ohchr"),
                         ("2019-06-bangkok-business-and-human-rights-week", "aichr"),
                         ("2017-initial-workshop-on-water-and-sanitation", "aichr"),
                         ("2019-11-19-2nd-aichr-un-meeting", "aichr"), ("2019-11-19-2nd-aichr-un-meeting", "united-nations")]:
        assert not store.ask(f"{PREFIXES} ASK {{ {organiser_of(event, agent)} }}"), (event, agent)
    # an organiser read from a title is a reading with its note; one a public page states is cited background
    disability = organiser_of("2018-12-aichr-regional-workshop-on-education-for-children-with-disabilities", "aichr")
    assert ask(store, READINGS, disability + " ; ak:curatorNote ?n") and not ask(store, NOTE, disability)
    dialogue = organiser_of("2019-06-10-2nd-aichr-interregional-dialogue-on-business-and-human-rights", "aichr")
    assert ask(store, BACKGROUND, dialogue + " ; ak:citation ?c") and not ask(store, NOTE, dialogue)
    # stated by the note: AICHR conducted the Medan dialogue
    assert ask(store, NOTE, organiser_of("2018-04-11-aichr-high-level-dialogue-on-managing-freedom-of-expression", "aichr"))


def test_every_statement_node_of_its_graph_has_a_locator(store):
    rows = store.select(f"""{PREFIXES} SELECT DISTINCT ?s {{ GRAPH <{NOTE}> {{ ?s a ?t }}
        FILTER(?t IN (ak:Participation, ak:Outcome, ak:Recommendation, ak:Agreement, ak:Proposal, ak:Count, ak:FollowUp,
                      ak:PostHolding, ak:Provision, <http://www.w3.org/ns/prov#Activity>)
               || EXISTS {{ ?t <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ak:Event }}
               || EXISTS {{ ?t <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ak:Instrument }})
        FILTER NOT EXISTS {{ GRAPH <{NOTE}> {{ ?s ak:locator ?l }} }} }}""").rows
    assert [r["s"].value for r in rows] == []


def test_every_subject_of_its_readings_carries_a_note(store):
    rows = store.select(f"""{PREFIXES} SELECT DISTINCT ?s {{ GRAPH <{READINGS}> {{ ?s ?p ?o }}
        FILTER NOT EXISTS {{ GRAPH <{READINGS}> {{ ?s ak:curatorNote ?n }} }} }}""").rows
    assert [r["s"].value for r in rows] == []
