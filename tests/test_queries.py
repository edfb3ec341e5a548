"""Each canned question, run on the real curated graph, returns the rows the sources support."""

import re

import pytest

from aichr_kg.catalogue import ParameterError, QueryNotFound

ID = "https://w3id.org/aichr-kg/id/"


def run(catalogue, store, name, **params):
    return catalogue.run(name, {k: str(v) for k, v in params.items()}, store)


def rows_as(table, *cols):
    return {tuple(row[c].value if c in row else None for c in cols) for row in table.rows}


def test_catalogue_has_the_questions_with_headers(catalogue):
    names = {q.name for q in catalogue}
    assert names >= {"un-partners", "events-by-theme", "aichr-posts-by-year", "event-outcomes", "instrument-timeline",
                     "events-in-place", "partner-network", "source-document", "events-per-year-theme", "architecture",
                     "plan-of-action-provisions", "event-participants", "outcome-follow-ups", "recommendations-by-theme"}
    for query in catalogue:
        assert query.title and len(query.description) > 40 and query.topic and query.view


def test_1_un_partners(catalogue, store):
    table = run(catalogue, store, "un-partners")
    found = rows_as(table, "entityLabel", "eventLabel", "roles")
    # one row per entity and (whole) event, its roles merged: UNDP at the Bangkok week, not at its part
    assert any(e == "United Nations Development Programme" and ev.startswith("Bangkok Business and Human Rights Week")
               and r == "supporter" for e, ev, r in found)
    assert any(e == "United Nations Development Programme" and "co-organiser" in r and "supporter" in r for e, _, r in found)
    assert len(found) == len({(e, ev) for e, ev, _ in found})
    assert any(e == "UN Environment Programme" and "Environment Impact Assessment" in ev for e, ev, _ in found)
    assert any(e == "UN Women" and "Gender Equality" in ev for e, ev, _ in found)
    # every UN agency at the 1st AICHR-UN Meeting is listed for it
    first_meeting = {e for e, ev, _ in found if ev == "1st AICHR-UN Meeting"}
    assert {"International Labour Organization", "UN High Commissioner for Refugees", "UN Women",
            "UN Educational, Scientific and Cultural Organisation"} <= first_meeting
    assert any("Business and human rights" in (row["themes"].value) for row in table.rows if row["entityLabel"].value.startswith("United Nations Dev"))


def test_2_events_by_theme_in_date_order(catalogue, store):
    table = run(catalogue, store, "events-by-theme", theme="theme:trafficking-in-persons")
    labels = table.column("eventLabel")
    assert "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN" in labels
    assert "7th ASEAN Human Rights Dialogue" in labels
    starts = table.column("start")
    assert starts == sorted(starts)
    tip = next(r for r in table.rows if r["eventLabel"].value.startswith("Consultation on Human Rights and Countering"))
    assert "AICHR Indonesia" in tip["organisers"].value and "AICHR Malaysia" in tip["organisers"].value
    assert "Ministry of Foreign Affairs of Malaysia" in tip["supporters"].value


def test_2_a_broader_theme_includes_narrower_ones(catalogue, store):
    broad = set(run(catalogue, store, "events-by-theme", theme="theme:environment").column("event"))
    narrow = set(run(catalogue, store, "events-by-theme", theme="theme:environmental-impact-assessment").column("event"))
    assert narrow and narrow < broad


@pytest.mark.parametrize("year,expected", [
    (2025, {("Chair of AICHR", "Edmund Bon Tai Soon"), ("Representative of Indonesia to AICHR", "Anita Ashvini Wahid"),
            ("Representative of Malaysia to AICHR", "Edmund Bon Tai Soon"), ("Representative of Thailand to AICHR", "Bhanubhatra Jittiang")}),
    (2024, {("Chair of AICHR", "Yong Chanthalangsy"), ("Representative of Lao PDR to AICHR", "Yong Chanthalangsy"),
            ("Representative of Indonesia to AICHR", "Wahyuningrum")}),
    (2022, {("Representative of Indonesia to AICHR", "Wahyuningrum")}),
])
def test_3_representatives_and_chair_in_a_year(catalogue, store, year, expected):
    table = run(catalogue, store, "aichr-posts-by-year", year=year)
    assert rows_as(table, "postLabel", "personLabel") == expected
    assert len(table.rows) == len(expected)  # each holding once, however many graphs state it (was 34 rows for 2025)


def test_4_event_outcomes_in_source_order(catalogue, store):
    table = run(catalogue, store, "event-outcomes", event="event:2022-09-27-tip-consultation")
    assert [int(o) for o in table.column("ordinal")] == list(range(1, 9))
    assert set(table.column("kindLabel")) == {"Agreement"}
    assert all(row.get("themes") and row["themes"].value for row in table.rows)


def test_4_outcomes_of_sessions_count_for_the_whole_event(catalogue, store):
    table = run(catalogue, store, "event-outcomes", event="event:2025-11-17-7th-asean-human-rights-dialogue")
    # the delegates' seven recommendations are the Dialogue's own (heard in its final segment)
    assert len(table.rows) == 7 and set(table.column("kindLabel")) == {"Recommendation"}
    recs = run(catalogue, store, "event-outcomes", event="event:2024-04-29-regional-consultation-on-the-human-rights-index")
    assert len(recs.rows) == 4 and set(recs.column("kindLabel")) == {"Recommendation"}


def test_5_instrument_timeline(catalogue, store):
    table = run(catalogue, store, "instrument-timeline")
    by_label = {r["instrumentLabel"].value: r for r in table.rows}
    ahrd = by_label["ASEAN Human Rights Declaration"]
    assert ahrd["issued"].value == "2012-11-18"
    assert "Leaders of ASEAN" in ahrd["adoptedBy"].value
    assert "Capacity Building Workshop" in ahrd["referredToBy"].value or "anniversary" in ahrd["referredToBy"].value.lower()
    dated = [r["issued"].value for r in table.rows if "issued" in r]
    assert dated == sorted(dated, key=lambda d: d[:4])  # ordered by year at least
    assert "ASEAN-UN Plan of Action (2016-2020)" in by_label or any("Plan of Action" in k for k in by_label)


def test_6_events_in_a_country_include_its_cities(catalogue, store):
    table = run(catalogue, store, "events-in-place", place="state:idn")
    labels = set(table.column("eventLabel"))
    assert "Regional Consultation on the Human Rights Index" in labels  # Banten, a province of Indonesia
    assert "1st AICHR-UN Meeting" in labels  # a venue in Jakarta
    # each event once: the 7th Dialogue's six sessions and parts are folded into it
    assert "7th ASEAN Human Rights Dialogue" in labels and not any(label.startswith("Session") for label in labels)
    dialogue = next(r for r in table.rows if r["eventLabel"].value == "7th ASEAN Human Rights Dialogue")
    assert int(dialogue["parts"].value) == 6 and len(table.rows) == len(labels) == 7
    thailand = set(run(catalogue, store, "events-in-place", place="place:bangkok").column("eventLabel"))
    assert any("Dialogue on Business and Human Rights" in label for label in thailand)
    assert not labels & thailand


def test_7_partner_network(catalogue, store):
    table = run(catalogue, store, "partner-network", body="body:aichr")
    partners = {r["partnerLabel"].value: int(r["events"].value) for r in table.rows}
    assert partners["United Nations Development Programme"] >= 2
    assert "UN Environment Programme" in partners and "ASEAN-Australia Counter-Trafficking Programme" in partners
    assert "ASEAN Intergovernmental Commission on Human Rights" not in partners
    # the same rule as the UN question: shared events counted once, sessions as their event
    un = run(catalogue, store, "un-partners")
    for body in ("Office of the United Nations High Commissioner for Human Rights", "United Nations Development Programme"):
        assert partners[body] == len({r["event"].value for r in un.rows if r["entityLabel"].value == body})
    assert partners["Office of the United Nations High Commissioner for Human Rights"] == 3
    counts = [int(r["events"].value) for r in table.rows]
    assert counts == sorted(counts, reverse=True)


def test_8_source_document(catalogue, store):
    table = run(catalogue, store, "source-document", source="source:press-release-2022-10-03-tip-consultation")
    kinds = {}
    for row in table.rows:
        kinds.setdefault(row["kind"].value, set()).add(row["entityLabel"].value)
    assert len(kinds["Agreement"]) == 8
    assert "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN" in kinds["Consultation"]
    assert "UN Global Compact" in kinds["UN system entity"]
    other = set(run(catalogue, store, "source-document", source="source:working-group-secretariat-page").column("entityLabel"))
    assert "Working Group for an ASEAN Human Rights Mechanism" in other and "UN Global Compact" not in other


def test_9_events_per_year_and_theme(catalogue, store):
    table = run(catalogue, store, "events-per-year-theme")
    counts = {(int(r["year"].value), r["themeLabel"].value): int(r["events"].value) for r in table.rows}
    assert counts[(2022, "Trafficking in persons")] == 1
    assert counts[(2018, "Business and human rights")] >= 1
    assert sum(counts.values()) >= 20


def test_10_architecture(catalogue, store):
    found = rows_as(run(catalogue, store, "architecture"), "bodyLabel", "relationLabel", "otherLabel")
    assert ("ASEAN Intergovernmental Commission on Human Rights", "is a unit of", "Association of Southeast Asian Nations") in found
    assert ("Ateneo Human Rights Center", "is the secretariat of", "Working Group for an ASEAN Human Rights Mechanism") in found
    assert ("Working Group for an ASEAN Human Rights Mechanism", "is an entity associated with", "Association of Southeast Asian Nations") in found
    assert ("UN-ACT", "is a programme of", "United Nations Development Programme") in found
    assert ("Timor-Leste", "is a member of", "Association of Southeast Asian Nations") in found
    assert ("AICHR Indonesia", "represents", "Indonesia") in found
    assert ("Chair of AICHR", "is a post in", "ASEAN Intergovernmental Commission on Human Rights") in found
    table = run(catalogue, store, "architecture")
    assert not [r for r in table.rows if "/person/" in r["body"].value]  # people are listed under posts, not bodies
    chair = {(r["holderLabel"].value, r["years"].value) for r in table.rows if r["bodyLabel"].value == "Chair of AICHR"}
    assert chair == {("Edmund Bon Tai Soon", "2025"), ("Yong Chanthalangsy", "2024")}


def test_11_plan_of_action_provisions(catalogue, store):
    table = run(catalogue, store, "plan-of-action-provisions", plan="instrument:asean-un-plan-of-action-2016-2020")
    numbers = table.column("number")
    assert numbers == ["1.2.1", "1.2.2", "1.2.4", "1.2.5", "1.2.6", "1.2.7", "1.2.8", "1.2.9", "1.2.10"]
    bodies = {r["number"].value: r["bodies"].value for r in table.rows}
    assert "ACWC" in bodies["1.2.4"] or "Women and Children" in bodies["1.2.4"]
    for name in ("ASEAN Committee on Women", "ASEAN Intergovernmental Commission on Human Rights"):
        assert name in bodies["1.2.10"]
    assert "Universal Periodic Review" in bodies["1.2.5"]


def test_12_event_participants(catalogue, store):
    table = run(catalogue, store, "event-participants", event="event:2018-05-15-1st-aichr-un-meeting")
    found = rows_as(table, "participantLabel", "roleLabel")
    assert ("UN High Commissioner for Refugees", "participant") in found
    assert any(role == "head of delegation" and "Resident Coordinator" in who for who, role in found)
    dialogue = rows_as(run(catalogue, store, "event-participants", event="event:2025-11-17-7th-asean-human-rights-dialogue"),
                       "participantLabel", "roleLabel")
    assert {("Anita Ashvini Wahid", "co-chair"), ("Edmund Bon Tai Soon", "co-host"), ("Universities and academia", "observer")} <= dialogue


def test_13_what_came_of_an_events_recommendations(catalogue, store):
    """The 2004 workshop's proposals: the ACWC implemented the first, the 2007 Cebu declaration took up the second,
    both on cited background."""
    table = run(catalogue, store, "outcome-follow-ups")
    found = rows_as(table, "ordinal", "followUpKindLabel", "by", "date", "basis")
    assert (1, "implemented", f"{ID}body/acwc", "2010-04-07", "Background graph") in {
        (int(r[0]), *r[1:]) for r in found}
    assert any(r[1] == "took up" and r[2] == f"{ID}instrument/asean-declaration-on-migrant-workers" for r in found)
    assert all(row["sourceLabel"].value == "Curators' background" for row in table.rows)


def test_13_follow_ups_of_an_events_outcomes_as_a_whole_and_outcomes_without_any(catalogue, store):
    whole = run(catalogue, store, "outcome-follow-ups", event=f"{ID}event/6th-asean-human-rights-dialogue")
    assert rows_as(whole, "outcome", "followUpKindLabel", "by", "basis") == {
        (f"{ID}event/6th-asean-human-rights-dialogue", "built on", f"{ID}event/2025-11-17-7th-asean-human-rights-dialogue",
         "Source graph")}
    seventh = run(catalogue, store, "outcome-follow-ups", event=f"{ID}event/2025-11-17-7th-asean-human-rights-dialogue")
    assert len(seventh.rows) >= 7 and all(row["kindLabel"].value == "Recommendation" for row in seventh.rows)


def test_14_recommendations_on_a_theme_include_narrower_themes(catalogue, store):
    table = run(catalogue, store, "recommendations-by-theme")
    rows = {row["outcome"].value: row for row in table.rows}
    harmonise = rows[f"{ID}outcome/2022-09-27-tip-consultation-r2"]  # on forced criminality, under trafficking
    assert "Forced criminality" in harmonise["themes"].value
    assert harmonise["event"].value == f"{ID}event/2022-09-27-tip-consultation"
    assert harmonise["kindLabel"].value == "Agreement" and harmonise["basis"].value == "Source graph"
    assert "ASEAN Member States" in harmonise["concerns"].value
    assert harmonise["sources"].value.startswith("AICHR convenes human rights consultation")
    assert len(rows) >= 9
    dates = [row["date"].value for row in table.rows if "date" in row]
    assert dates == sorted(dates, key=lambda d: d[:4])


def test_unknown_query_and_bad_parameters_are_refused(catalogue, store):
    with pytest.raises(QueryNotFound):
        catalogue.run("no-such-question", {}, store)
    cases = [
        ("events-by-theme", {"colour": "red"}, "colour", "unknown parameter"),
        ("aichr-posts-by-year", {"year": "twenty"}, "year", "whole number"),
        ("aichr-posts-by-year", {"year": "3025"}, "year", "between 1900 and 2100"),
        ("events-by-theme", {"theme": "http://example.org/x"}, "theme", "outside this graph's namespace"),
        ("events-by-theme", {"theme": "body:aichr"}, "theme", "not a known Concept"),
        ("event-outcomes", {"event": "event:never-happened"}, "event", "not a known Event"),
    ]
    for name, params, param, reason in cases:
        with pytest.raises(ParameterError) as err:
            catalogue.run(name, params, store)
        assert err.value.param == param and reason in err.value.reason


def test_parameter_values_are_bound_not_spliced(catalogue, store):
    """A value full of SPARQL syntax is just an unknown IRI or a literal, never query text."""
    with pytest.raises(ParameterError):
        catalogue.run("events-by-theme", {"theme": "theme:x> } ; DROP ALL ; { <a"}, store)


def test_allowed_values_come_from_the_graph(catalogue, store):
    theme = catalogue.get("events-by-theme").param("theme")
    values = dict(catalogue.allowed_values(theme, store))
    assert values[ID + "theme/trafficking-in-persons"] == "Trafficking in persons"
    assert ID + "body/aichr" not in values


def test_values_binding_gives_the_same_rows_as_substitution(catalogue, store):
    """The store binds parameters with a VALUES block (fast plans); SEP-0007 substitution is the reference."""
    import pyoxigraph as ox

    from aichr_kg.store import bindable

    checked = 0
    for query in catalogue:
        for values in query_parameter_sets(catalogue, store, query):
            params = catalogue.bind(query, values, store)
            if not params:
                continue
            assert bindable(query.text, params), query.name  # every canned question takes the fast path
            fast = store.select(query.text, params)
            reference = store.oxi.query(query.text,
                                        substitutions={ox.Variable(k): v for k, v in params.items()})
            names = [v.value for v in reference.variables]
            expected = sorted(tuple(_comparable(s[n]) for n in names) for s in reference)
            assert sorted(tuple(_comparable(row.get(n)) for n in names) for row in fast.rows) == expected, (query.name, values)
            checked += 1
    assert checked >= 12


def _comparable(term) -> str:
    """A term as text, with GROUP_CONCAT lists sorted (their order is left to the engine)."""
    return "; ".join(sorted(term.value.split("; "))) if term is not None else "-"


def query_parameter_sets(catalogue, store, query):
    """The defaults, and for each parameter with a list of allowed values, its first three."""
    yield {}
    for param in query.params:
        for value, _label in catalogue.allowed_values(param, store)[:3]:
            yield {param.name: value}


def test_all_events_latest_first_each_event_once(catalogue, store):
    table = run(catalogue, store, "all-events")
    labels = table.column("eventLabel")
    starts = table.column("start")
    assert starts == sorted(starts, reverse=True)  # latest first
    assert labels.count("7th ASEAN Human Rights Dialogue") == 1 and not any(label.startswith("Session ") for label in labels)
    tip = next(r for r in table.rows if r["eventLabel"].value.startswith("Consultation on Human Rights and Countering"))
    assert tip["placeLabel"].value == "Online" and "place" not in tip  # an online event says so
    dialogue = next(r for r in table.rows if r["eventLabel"].value == "7th ASEAN Human Rights Dialogue")
    assert int(dialogue["parts"].value) == 6 and dialogue["seriesLabel"].value == "ASEAN Human Rights Dialogue"


def test_series_timeline_lists_the_editions_the_sources_describe(catalogue, store):
    dialogue = run(catalogue, store, "series-timeline", series="series:asean-human-rights-dialogue")
    assert "7th ASEAN Human Rights Dialogue" in dialogue.column("eventLabel")
    seventh = next(r for r in dialogue.rows if r["eventLabel"].value == "7th ASEAN Human Rights Dialogue")
    assert int(seventh["outcomes"].value) == 7 and seventh["number"].value == "7"
    un = run(catalogue, store, "series-timeline", series="series:aichr-un-meetings").column("eventLabel")
    assert un == ["1st AICHR-UN Meeting", "2nd AICHR-UN Meeting"]
    focal = run(catalogue, store, "series-timeline", series="series:focal-points-meeting-regional-human-rights-mechanisms")
    assert focal.rows


def test_activity_by_state_and_theme_counts_distinct_events(catalogue, store):
    table = run(catalogue, store, "activity-by-state-theme")
    counts = {(r["stateLabel"].value, r["themeLabel"].value): int(r["events"].value) for r in table.rows}
    # Indonesia and trafficking: the 7th Dialogue (held in Jakarta) and the 2022 consultation (AICHR Indonesia
    # co-organised it), each once, however many sessions or participations they had
    assert counts[("Indonesia", "Trafficking in persons")] == 2
    for row in table.rows:
        assert int(row["events"].value) == len(row["eventList"].value.split("; "))


def test_recommendations_explorer_narrows_by_each_setting_and_lists_what_came_of_each(catalogue, store):
    every = run(catalogue, store, "recommendations")
    outcomes = store.select("""PREFIX ak: <https://w3id.org/aichr-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?o WHERE { ?o a ?k . ?k rdfs:subClassOf ak:Outcome }""").rows
    assert len(every.rows) == len(outcomes) == len({r["outcome"].value for r in every.rows})  # each outcome once
    # trafficking across all events: the 2022 consultation's 8 agreements and the 2024 index recommendation
    tip = run(catalogue, store, "recommendations", theme="theme:trafficking-in-persons")
    found = {r["outcome"].value.rsplit("/", 1)[-1] for r in tip.rows}
    assert found == {f"2022-09-27-tip-consultation-r{n}" for n in range(1, 9)} | {
        "2024-04-29-regional-consultation-on-the-human-rights-index-r2"}
    assert len(run(catalogue, store, "recommendations", state="state:phl").rows) == 2  # the 9th ASEAN-UN Summit, Manila
    assert {r["eventLabel"].value for r in run(catalogue, store, "recommendations", year="2024").rows} == {
        "Regional Consultation on the Human Rights Index"}
    both = run(catalogue, store, "recommendations", theme="theme:trafficking-in-persons", eventKind="ak:Consultation",
               body="body:business-sector")
    assert [r["outcome"].value.rsplit("/", 1)[-1] for r in both.rows] == ["2022-09-27-tip-consultation-r8"]
    cebu = next(r for r in every.rows if r["outcome"].value.endswith("2004-4th-workshop-on-the-asean-regional-mechanism-on-human-rights-r2"))
    assert cebu["whatCameOfIt"].value == f"{ID}follow-up/2004-4th-workshop-r2-cebu-declaration"
    # no follow-up recorded reads as such, not as an empty cell that looks like "nothing came of it"
    assert {r["whatCameOfItLabel"].value for r in every.rows if "whatCameOfIt" not in r} == {"none recorded in the sources"}
    starts = [r["start"].value[:4] for r in every.rows]
    assert starts == sorted(starts, reverse=True)  # latest first


def test_a_source_document_names_the_kind_of_each_thing_in_plain_words(catalogue, store):
    """The review's "Banten / AdministrativeArea": every kind in the answer is a name, not a class's local name."""
    table = run(catalogue, store, "source-document", source="source:press-release-2024-05-08-human-rights-index-consultation")
    kinds = {row["entityLabel"].value: row["kind"].value for row in table.rows}
    assert kinds["Banten"] == "Province or region"
    assert not [k for k in kinds.values() if re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", k)], kinds


def test_a_setting_checked_once_is_not_asked_of_the_store_again(catalogue, store):
    """The check that a setting names a known thing of its class is an ASK; the graph is read-only while a store is
    open, so the answer is kept per store (right and wrong values alike) and a repeated request sends none."""
    class Counting:
        def __init__(self, inner):
            self.inner, self.asks = inner, 0

        def ask(self, *args, **kwargs):
            self.asks += 1
            return self.inner.ask(*args, **kwargs)

    counting = Counting(store)
    query = catalogue.get("event-outcomes")
    for _ in range(3):
        catalogue.bind(query, {"event": "event:2022-09-27-tip-consultation"}, counting)
        with pytest.raises(ParameterError, match="not a known Event"):
            catalogue.bind(query, {"event": "event:never-happened"}, counting)
    assert counting.asks == 2
