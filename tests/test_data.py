"""The curated graph as a whole: provenance everywhere, one graph per source, standard terms derived."""


ID = "https://w3id.org/aichr-kg/id/"
GRAPH = "https://w3id.org/aichr-kg/graph/"

SOURCES = {"press-release-2024-05-08-human-rights-index-consultation", "background-note-aichr-un-cooperation",
           "working-group-secretariat-page", "press-release-2025-11-7th-ahrd-dialogue",
           "press-release-2022-10-03-tip-consultation"}


def select(store, query):
    return store.select(query).rows


AK = "https://w3id.org/aichr-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def test_every_typed_entity_rests_on_a_basis(store):
    """Each entity is named by a source document, or cited background, or a curator's reading with its note,
    or belongs to a vocabulary: nothing in the graph stands on nothing."""
    rows = select(store, f"""
        SELECT DISTINCT ?e WHERE {{ GRAPH ?g {{ ?e a ?t }}
          FILTER(STRSTARTS(STR(?e), "{ID}") && !STRENDS(STR(?g), "/graph/derived"))
          FILTER NOT EXISTS {{ ?sg a <{AK}SourceGraph> . GRAPH ?sg {{ {{ ?e ?p ?o }} UNION {{ ?x ?q ?e }} }} }}
          FILTER NOT EXISTS {{ GRAPH <{GRAPH}curator-background> {{ {{ ?e <{AK}citation> ?c }} UNION {{ ?x ?r ?e ; <{AK}citation> ?c }} }} }}
          FILTER NOT EXISTS {{ ?rg a <{AK}ReadingsGraph> . GRAPH ?rg {{ ?e <{AK}curatorNote> ?n }} }}
          FILTER NOT EXISTS {{ ?e a ?vocab FILTER(?vocab IN (<{SKOS}Concept>, <{SKOS}ConceptScheme>, <{AK}SourceDocument>)) }} }}""")
    assert [r["e"].value for r in rows] == []


def test_one_named_graph_per_source_document(settings, store):
    names = {g[len(GRAPH):] for g in store.graph_names()}
    assert SOURCES <= names
    assert {"reference", "ontology", "shapes", "derived", "curator-background"} <= names
    for slug in SOURCES:
        assert store.ask(f"ASK {{ <{ID}source/{slug}> a <{AK}SourceDocument> }}")
        # the graph is described as derived from its document, holds statements, and entities carry the document as source
        assert store.ask(f"""ASK {{ <{GRAPH}{slug}> a <{AK}SourceGraph> ; <http://www.w3.org/ns/prov#wasDerivedFrom> <{ID}source/{slug}> .
            GRAPH <{GRAPH}{slug}> {{ ?s ?p ?o }} ?s <http://purl.org/dc/terms/source> <{ID}source/{slug}> }}""")


def test_every_source_file_name_is_recorded(store):
    files = {r["f"].value for r in select(store, "SELECT ?f { ?d <https://w3id.org/aichr-kg/ontology#sourceFile> ?f }")}
    assert len(files) == 5 and all(f.endswith(".txt") for f in files)


def test_schema_org_shortcuts_are_derived_from_participations(store):
    tip = f"<{ID}event/2022-09-27-tip-consultation>"
    organisers = {r["o"].value for r in select(store, f"SELECT ?o {{ {tip} <https://schema.org/organizer> ?o }}")}
    assert {ID + "body/aichr-indonesia", ID + "body/aichr-malaysia"} <= organisers
    sponsors = {r["o"].value for r in select(store, f"SELECT ?o {{ {tip} <https://schema.org/sponsor> ?o }}")}
    assert ID + "body/mofa-malaysia" in sponsors and ID + "body/aichr-indonesia" not in sponsors


def test_org_only_queries_find_bodies_and_posts(store):
    orgs = {r["o"].value for r in select(store, "SELECT ?o { ?o a <http://www.w3.org/ns/org#Organization> }")}
    assert {ID + "body/aichr", ID + "body/undp", ID + "state/tls"} <= orgs
    assert store.ask(f"ASK {{ <{ID}person/bon> <http://www.w3.org/ns/org#holds> <{ID}post/chair-of-aichr> }}")
    assert store.ask(f"ASK {{ <{ID}body/asean> <http://www.w3.org/ns/org#hasUnit> <{ID}body/aichr> }}")


def test_timor_leste_admission_keeps_the_precision_of_the_source(store):
    rows = select(store, f"SELECT ?d {{ <{ID}membership/asean-tls> <https://schema.org/startDate> ?d }}")
    assert [(r["d"].value, r["d"].datatype.value) for r in rows] == [("2025-10", "http://www.w3.org/2001/XMLSchema#gYearMonth")]


def test_all_eleven_member_states(store):
    rows = select(store, "SELECT ?s { ?s a <https://w3id.org/aichr-kg/ontology#MemberState> }")
    assert len(rows) == 11


def test_wikidata_links_only_where_certain(store):
    allowed = {"Q921", "Q424", "Q252", "Q819", "Q833", "Q836", "Q928", "Q334", "Q869", "Q881", "Q574", "Q7768",
               "Q1142901", "Q54129", "Q472311", "Q641576", "Q740308", "Q161718", "Q7809", "Q182016", "Q205650"}
    linked = {r["w"].value.rsplit("/", 1)[-1] for r in select(store, "SELECT ?w { ?x <http://www.w3.org/2002/07/owl#sameAs> ?w }")}
    assert linked and linked <= allowed


def test_dates_are_typed(store):
    rows = select(store, """SELECT ?e ?d { ?e <https://schema.org/startDate> ?d
        FILTER(DATATYPE(?d) NOT IN (<http://www.w3.org/2001/XMLSchema#date>, <http://www.w3.org/2001/XMLSchema#gYearMonth>, <http://www.w3.org/2001/XMLSchema#gYear>)) }""")
    assert rows == []


def test_every_event_has_participations_and_the_graph_has_outcomes(store):
    counts = select(store, """SELECT (COUNT(DISTINCT ?e) AS ?events) (COUNT(DISTINCT ?p) AS ?parts) (COUNT(DISTINCT ?o) AS ?outcomes) {
        { ?e a <https://w3id.org/aichr-kg/ontology#Event> } UNION { ?p a <https://w3id.org/aichr-kg/ontology#Participation> }
        UNION { ?o a/<http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://w3id.org/aichr-kg/ontology#Outcome> } }""")[0]
    assert int(counts["events"].value) >= 30 and int(counts["parts"].value) >= 100 and int(counts["outcomes"].value) >= 20
    # an event its source names no one for is kept without participations (no fill-ins), but a readings graph
    # must say so in a curator's note on it
    lonely = select(store, """SELECT ?e { ?e a <https://w3id.org/aichr-kg/ontology#Event>
        FILTER NOT EXISTS { ?p <https://w3id.org/aichr-kg/ontology#inEvent> ?e }
        FILTER NOT EXISTS { GRAPH ?g { ?e <https://w3id.org/aichr-kg/ontology#curatorNote> ?n } FILTER(STRENDS(STR(?g), "/readings")) } }""")
    assert lonely == []


def _in(store, graph, triple):
    return store.ask(f"ASK {{ GRAPH <{GRAPH}{graph}> {{ {triple} }} }}")


WG, PR22, PR24, PR25 = ("working-group-secretariat-page", "press-release-2022-10-03-tip-consultation",
                        "press-release-2024-05-08-human-rights-index-consultation", "press-release-2025-11-7th-ahrd-dialogue")


def test_each_source_graph_holds_what_its_document_states_and_nothing_else(store):
    body, ev = f"<{ID}body/", f"<{ID}event/"
    # the Working Group page's own statements about shared entities are in its graph
    assert _in(store, WG, f"{body}ahrc> <{AK}secretariatOf> {body}working-group-asean-hrm>")
    assert _in(store, WG, f'<{ID}instrument/asean-charter> <http://data.europa.eu/eli/ontology#first_date_entry_in_force> "2008-12-15"^^<http://www.w3.org/2001/XMLSchema#date>')
    assert _in(store, WG, f'{body}aichr> <https://schema.org/foundingDate> ?d')
    assert _in(store, WG, f"{body}national-working-groups> <http://www.w3.org/ns/org#subOrganizationOf> {body}working-group-asean-hrm>")
    # the 2022 release states its counts; the year of its dates is a reading, not a statement
    assert _in(store, PR22, f'?c <{AK}countOf> <{ID}counted/member-states> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> 9')
    assert not _in(store, PR22, f"{ev}2022-09-27-tip-consultation> <https://schema.org/startDate> ?d")
    assert _in(store, PR22 + "/readings", f"{ev}2022-09-27-tip-consultation> <https://schema.org/startDate> ?d")
    # the 2024 release hedges its participant count
    assert _in(store, PR24, f'?c <{AK}countOf> <{ID}counted/participants> ; <{AK}countQualifier> "more than"@en')
    # the 2025 release: the recommendations are the Dialogue's, heard in its final segment; the 6th Dialogue exists
    assert _in(store, PR25, f"<{ID}outcome/2025-11-17-7th-asean-human-rights-dialogue-r3> a <{AK}Recommendation> ; <{AK}madeAt> {ev}2025-11-17-7th-asean-human-rights-dialogue> ; <{AK}heardAt> {ev}2025-11-17-7th-asean-human-rights-dialogue-final-segment>")
    assert _in(store, PR25, f"{ev}6th-asean-human-rights-dialogue> <{AK}seriesNumber> 6")
    # segment organisers the release does not name are readings; the 43rd Summit's venue is cited background
    assert not _in(store, PR25, f"?p <{AK}inEvent> {ev}2025-11-17-7th-asean-human-rights-dialogue-final-segment> ; <{AK}role> <{ID}role/organiser>")
    assert not _in(store, PR25, f"{ev}2023-43rd-asean-summit> <https://schema.org/location> ?l")
    assert _in(store, "curator-background", f"{ev}2023-43rd-asean-summit> <https://schema.org/location> ?l ; <{AK}citation> ?c")
    for slug in (WG, PR22, PR24, PR25):
        assert not _in(store, slug, f"?s <{AK}curatorNote> ?n"), slug
        assert not _in(store, slug, f"?s <{AK}citation> ?c"), slug


def test_the_quality_checks_find_nothing_on_the_curated_data(store, settings):
    """queries/qc: locators on every statement node of a source graph, a note on every reading, a citation on every
    background subject, no note in a source graph, no entity-level prov:wasDerivedFrom, every graph described.
    (`aichr-kg check-sources` runs the same checks per source; tests/test_cli.py plants a problem of each kind.)"""
    from aichr_kg.quality import run_checks

    assert [str(p) for p in run_checks(store, settings)] == []


def test_every_kind_of_thing_in_the_graph_has_a_name_in_the_ontology(store):
    """Pages, search and answers say what kind of thing an entity is from the ontology's labels; a class without
    one showed as its bare local name ("Banten / AdministrativeArea" in a source's answer)."""
    unnamed = select(store, f"""SELECT DISTINCT ?class WHERE {{
        ?x a ?class FILTER(STRSTARTS(STR(?x), "{ID}"))
        FILTER NOT EXISTS {{ GRAPH <{GRAPH}ontology> {{ ?class <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }} }}""")
    assert not [r["class"].value for r in unnamed]


def test_a_term_is_of_the_kind_of_its_scheme(store):
    """The themes read as themes and the roles as roles (queries/rules/concept-kinds.rq), every one of them."""
    for kind, scheme in (("Theme", "theme"), ("ParticipationRole", "role")):
        rows = select(store, f"""SELECT (COUNT(?t) AS ?all) (SUM(IF(EXISTS {{ ?t a <{AK}{kind}> }}, 1, 0)) AS ?kind)
            WHERE {{ ?t <{SKOS}inScheme> <{ID}{scheme}/scheme> }}""")
        assert int(rows[0]["all"].value) > 5 and rows[0]["all"].value == rows[0]["kind"].value, kind
