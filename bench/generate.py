"""Deterministic synthetic graphs of the same shape as the curated one, at any size.

    python bench/generate.py --triples 100000 --out /tmp/aichr-bench/1e5

writes a project folder the normal build loads through ``Settings(root=...)``:

- ``ontology/``, ``shapes/``, ``queries/``: links to this checkout's folders (reused, not copied);
- ``data/``: the curated data copied as it is (so every canned query's default value exists), plus
  one folder (= one named graph) per synthetic source document, each holding one Turtle file, and
  ``data/reference/synthetic.ttl`` with the synthetic source documents and towns.

Synthetic documents reuse the curated reference data (themes, roles, member states, places, posts,
the ASEAN and UN bodies) and add what a real document adds: events with sessions, participations
with roles, outcomes, bodies, people, post holdings, instruments with provisions, event series, all
with labels, descriptions in plain English and provenance. The output passes the project's SHACL
shapes. The same seed gives the same files; the first documents are the same at every size, so a
larger graph contains the smaller ones.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/aichr-kg/"
ID = BASE + "id/"

PREFIXES = """@prefix ak:      <https://w3id.org/aichr-kg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix opengov: <http://www.w3.org/ns/opengov#> .
@prefix schema:  <https://schema.org/> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix eli:     <http://data.europa.eu/eli/ontology#> .
@prefix body:    <https://w3id.org/aichr-kg/id/body/> .
@prefix state:   <https://w3id.org/aichr-kg/id/state/> .
@prefix place:   <https://w3id.org/aichr-kg/id/place/> .
@prefix person:  <https://w3id.org/aichr-kg/id/person/> .
@prefix post:    <https://w3id.org/aichr-kg/id/post/> .
@prefix holding: <https://w3id.org/aichr-kg/id/holding/> .
@prefix event:   <https://w3id.org/aichr-kg/id/event/> .
@prefix series:  <https://w3id.org/aichr-kg/id/series/> .
@prefix participation: <https://w3id.org/aichr-kg/id/participation/> .
@prefix outcome: <https://w3id.org/aichr-kg/id/outcome/> .
@prefix instrument: <https://w3id.org/aichr-kg/id/instrument/> .
@prefix provision: <https://w3id.org/aichr-kg/id/provision/> .
@prefix theme:   <https://w3id.org/aichr-kg/id/theme/> .
@prefix role:    <https://w3id.org/aichr-kg/id/role/> .
@prefix src:     <https://w3id.org/aichr-kg/id/source/> .
"""

# -- word pools (plain English, the register of the curated descriptions) ---------------------------
SECTORS = ["the fisheries sector", "the garment industry", "border areas", "the digital economy", "times of disaster",
           "post-conflict settings", "rural communities", "the care economy", "the construction sector", "online platforms",
           "places of detention", "schools", "the justice system", "plantations", "domestic work", "coastal communities",
           "urban informal settlements", "the tourism industry", "supply chains", "refugee camps", "health care"]
AUDIENCES = ["Judges and Prosecutors", "Law Enforcement Officers", "Labour Inspectors", "Journalists", "Youth Leaders",
             "Social Workers", "Teachers", "Parliamentarians", "Immigration Officers", "Civil Servants", "Health Workers"]
EVENT_FORMS = {
    "Workshop": ["Regional Workshop on {t}", "AICHR Capacity-Building Workshop on {t}", "Technical Workshop on {t} in {s}",
                 "Workshop on {t} in {sec}"],
    "Consultation": ["Regional Consultation on {t}", "Multi-stakeholder Consultation on {t}", "National Consultation on {t} in {s}"],
    "Dialogue": ["AICHR Interregional Dialogue on {t}", "Policy Dialogue on {t} in {sec}", "ASEAN Youth Dialogue on {t}"],
    "Meeting": ["Meeting of Focal Points on {t}", "Technical Meeting on {t}", "Expert Group Meeting on {t} in {sec}"],
    "Training": ["AICHR Training on {t} for {a}", "Training of Trainers on {t}", "Training for {a} on {t} in {sec}"],
    "Seminar": ["Seminar on {t} in {sec}", "International Seminar on {t}", "Webinar on {t}"],
    "Summit": ["{n} ASEAN Leaders' Roundtable on {t}"],
    "CommemorativeActivity": ["Commemoration of Human Rights Day on {t}", "Anniversary Forum on {t}"],
}
EVENT_WEIGHTS = {"Workshop": 30, "Consultation": 15, "Dialogue": 15, "Meeting": 20, "Training": 10, "Seminar": 8,
                 "Summit": 1, "CommemorativeActivity": 1}
SESSION_TOPICS = ["opening and context setting", "national practice and lessons learned", "the role of civil society",
                  "data, monitoring and indicators", "access to remedy", "cooperation with UN mechanisms",
                  "gaps in law and policy", "the way forward", "voices of those affected", "regional cooperation"]
VERBS = ["Strengthen", "Develop", "Promote", "Establish", "Review", "Improve", "Expand", "Support", "Harmonise", "Monitor"]
OBJECTS = ["national action plans on {t}", "regional guidelines on {t}", "data collection on {t}", "training on {t} for {a}",
           "cooperation between national institutions on {t}", "access to justice in cases of {t}",
           "the participation of civil society in work on {t}", "legal protections related to {t} in {sec}",
           "a regional network of practitioners on {t}", "public awareness of {t}"]
GIVEN = ["Siti", "Nguyen", "Aung", "Maria", "Somchai", "Dewi", "Rizal", "Thida", "Chanthy", "Ahmad", "Nur", "Josefina",
         "Bounmy", "Mei Ling", "Arif", "Kanya", "Hoang", "Ratna", "Sophal", "Farah", "Lwin", "Isabel", "Vilay", "Teresa",
         "Putri", "Kyaw", "Linh", "Rosa", "Hamid", "Sunisa"]
FAMILY = ["Rahmawati", "Tran", "Soe", "Santos", "Wongsawat", "Lestari", "Abdullah", "Myint", "Sok", "Hassan", "Reyes",
          "Phommachanh", "Tan", "Hidayat", "Chaiyaphum", "Pham", "Kusuma", "Chea", "Ismail", "Thein", "Cruz", "Keomany",
          "Lim", "Saputra", "Nakorn", "Le", "Wijaya", "Mendoza", "Yusof", "Htun", "Dela Cruz", "Vongsa", "Ong", "Suryadi"]
ORG_ADJ = ["Mekong", "Southeast Asian", "Regional", "People's", "Coastal", "Women's", "Youth", "Independent", "Open",
           "National", "Community", "Migrant", "Indigenous", "Children's", "Justice", "Legal", "Civic", "Digital"]
ORG_FOCUS = ["Rights", "Legal Aid", "Migrant Justice", "Child Protection", "Disability Inclusion", "Labour Rights",
             "Environmental Defence", "Press Freedom", "Gender Equality", "Access to Justice", "Land Rights", "Peace",
             "Education Rights", "Water Justice", "Anti-Trafficking", "Health Rights"]
ORG_KIND = ["Network", "Foundation", "Centre", "Alliance", "Institute", "Coalition", "Forum", "Association", "Initiative"]
MINISTRIES = ["Ministry of Social Welfare", "Ministry of Labour", "Ministry of Justice", "Ministry of Women's Affairs",
              "Ministry of Education", "Ministry of Home Affairs", "Department of Child Protection", "Office of the Attorney-General",
              "Ministry of Environment", "Department of Immigration", "Ministry of Health", "National Police"]
TOWNS = ["Chiang Rai", "Mae Sot", "Da Nang", "Hue", "Cebu", "Davao", "Iloilo", "Penang", "Kuching", "Kota Kinabalu",
         "Surabaya", "Makassar", "Yogyakarta", "Bandung", "Siem Reap", "Battambang", "Luang Prabang", "Pakse", "Mandalay",
         "Mawlamyine", "Dili", "Baucau", "Bandar Seri Begawan", "Johor Bahru", "Can Tho", "Hai Phong", "Khon Kaen",
         "Hat Yai", "Zamboanga", "Pontianak"]
SOURCE_KINDS = [("press release", "AICHR release on"), ("annual report", "Annual report of activities on"),
                ("meeting report", "Report of the meetings on"), ("background note", "Background note on")]
ORDINALS = ["1st", "2nd", "3rd"] + [f"{i}th" for i in range(4, 21)]
INSTRUMENT_FORMS = [("Statement", "Joint Statement on {t}"), ("Report", "Regional Report on {t}"),
                    ("ThematicStudy", "AICHR Thematic Study on {t}"), ("WorkPlan", "Work Plan on {t} {y}-{y2}"),
                    ("PlanOfAction", "Regional Plan of Action on {t} {y}-{y2}"), ("GuidingPrinciples", "Guiding Principles on {t}"),
                    ("Declaration", "ASEAN Declaration on {t}")]


def slug(text: str) -> str:
    text = text.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def lit(text: str, lang: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][A-Za-z']*", name) if w[0].isupper())


@dataclass
class Writer:
    """Turtle blocks, counting the triples they hold."""

    parts: list[str] = field(default_factory=list)
    triples: int = 0

    def entity(self, subject: str, kind: str, props: list[tuple[str, object]]) -> None:
        lines = [f"{subject} a {kind}"]
        for predicate, obj in props:
            if obj is None or obj == []:
                continue
            objs = obj if isinstance(obj, list) else [obj]
            lines.append(f"{predicate} {', '.join(objs)}")
            self.triples += len(objs)
        self.triples += 1
        self.parts.append(" ;\n    ".join(lines) + " .\n")

    def text(self) -> str:
        return PREFIXES + "\n" + "\n".join(self.parts)


@dataclass
class Reference:
    """What the synthetic documents reuse from the curated reference data."""

    themes: list[tuple[str, str]]  # (prefixed name, label)
    organiser_roles: list[str]
    support_roles: list[str]
    attend_roles: list[str]
    states: list[tuple[str, str, str]]  # (prefixed, label, slug)
    places: list[str]
    bodies: list[tuple[str, str]]  # real bodies usable as participants
    posts: list[tuple[str, str, str | None]]  # AICHR posts: (prefixed, label, state prefixed)
    instruments: list[str]


def _prefixed(iri: str) -> str:
    kind, _, local = iri[len(ID):].partition("/")
    return f"{'src' if kind == 'source' else kind}:{local}"


def read_reference(data_dir: Path) -> Reference:
    store = ox.Store()
    for path in sorted(data_dir.rglob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)

    def rows(query: str) -> list[tuple[str, ...]]:
        prologue = "PREFIX ak: <https://w3id.org/aichr-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " \
                   "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX org: <http://www.w3.org/ns/org#> " \
                   "PREFIX schema: <https://schema.org/> "
        return [tuple(t.value if t is not None else None for t in s) for s in store.query(prologue + query)]

    themes = [(_prefixed(i), label) for i, label in rows(
        f"SELECT ?c ?l WHERE {{ ?c skos:inScheme <{ID}theme/scheme> ; rdfs:label ?l }} ORDER BY ?c")]
    roles = rows(f"""SELECT ?r ?top WHERE {{ ?r skos:inScheme <{ID}role/scheme> .
        OPTIONAL {{ ?r skos:broader+ ?top . FILTER NOT EXISTS {{ ?top skos:broader ?x }} }} }} ORDER BY ?r""")
    top = {r: (t or r) for r, t in roles}
    organiser = [_prefixed(r) for r, t in top.items() if t.endswith("/organiser")]
    support = [_prefixed(r) for r, t in top.items() if t.rsplit("/", 1)[-1] in ("supporter", "partner", "funder")]
    attend = [_prefixed(r) for r in top if r.rsplit("/", 1)[-1] in
              ("participant", "speaker", "panellist", "observer", "keynote-speaker", "chair", "delegation-lead")]
    states = [(_prefixed(i), label, code) for i, label, code in rows(
        "SELECT ?s ?l ?n WHERE { ?s a ak:MemberState ; rdfs:label ?l ; skos:notation ?n } ORDER BY ?s")]
    places = [_prefixed(i) for (i,) in rows(
        f"SELECT DISTINCT ?p WHERE {{ ?p a ?c . VALUES ?c {{ schema:City ak:Venue }} FILTER(STRSTARTS(STR(?p), '{ID}')) }} ORDER BY ?p")]
    bodies = [(_prefixed(i), label) for i, label in rows(
        f"""SELECT DISTINCT ?b ?l WHERE {{ ?b a ?c ; rdfs:label ?l . VALUES ?c {{ ak:ASEANBody ak:UNEntity ak:NationalRepresentation
            ak:GovernmentBody ak:CivilSocietyOrganisation ak:Programme }} FILTER(STRSTARTS(STR(?b), '{ID}body/')) }} ORDER BY ?b""")]
    posts = [(_prefixed(p), label, _prefixed(s) if s else None) for p, label, s in rows(
        f"""SELECT ?p ?l ?s WHERE {{ ?p a org:Post ; org:postIn <{ID}body/aichr> ; rdfs:label ?l .
            OPTIONAL {{ ?p ak:representsState ?s }} }} ORDER BY ?p""")]
    instruments = [_prefixed(i) for (i,) in rows(
        f"SELECT ?i WHERE {{ ?i a ?k . ?k rdfs:subClassOf ak:Instrument }} ORDER BY ?i")] or []
    if not (themes and organiser and attend and states and bodies):
        raise SystemExit("the curated reference data lacks themes, roles, states or bodies; cannot generate")
    return Reference(themes, organiser, support or attend, attend, states, places, bodies, posts, instruments)


@dataclass
class Pools:
    """Entities of earlier synthetic documents that later ones may name (a graph, not islands)."""

    bodies: list[tuple[str, str]] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)


def theme_phrase(label: str) -> str:
    """'Rights of persons with disabilities' -> 'the Rights of Persons with Disabilities' style title case."""
    small = {"of", "and", "in", "the", "with", "to", "a", "on", "for", "from"}
    words = label.replace(",", "").split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def generate_source(i: int, ref: Reference, pools: Pools, seed: int, events_per_source: int) -> tuple[str, str, int, tuple]:
    """One synthetic source document: (folder slug, Turtle text, triple count, (source, kind, title, year))."""
    rnd = random.Random(seed * 1_000_003 + i)
    year = 2009 + rnd.randrange(17)
    kind, title_start = SOURCE_KINDS[i % len(SOURCE_KINDS)]
    main_theme, main_label = rnd.choice(ref.themes)
    source_slug = f"{slug(kind)}-{year}-{i:05d}"
    src = f"src:{source_slug}"
    w = Writer()
    tag = f"{i:05d}"
    prov = ("prov:wasDerivedFrom", src)

    def pick_place():
        options = ref.places + pools.towns + [s[0] for s in ref.states]
        return rnd.choice(options)

    # -- bodies this document introduces ---------------------------------------------------------
    new_bodies = []
    for b in range(3):
        state_ref, state_label, _ = rnd.choice(ref.states)
        roll = rnd.random()
        if roll < 0.45:
            name = f"{rnd.choice(ORG_ADJ)} {rnd.choice(ORG_FOCUS)} {rnd.choice(ORG_KIND)}"
            cls, desc = "ak:CivilSocietyOrganisation", f"Civil society organisation working on {main_label.lower()} in {state_label} and the wider region."
        elif roll < 0.8:
            name = f"{rnd.choice(MINISTRIES)} of {state_label}"
            cls, desc = "ak:GovernmentBody", f"Government body of {state_label} with a part in national work on {main_label.lower()}."
        elif roll < 0.92:
            name = f"{rnd.choice(ORG_ADJ)} Coalition for {rnd.choice(ORG_FOCUS)}"
            cls, desc = "ak:CivilSocietyCoalition", f"Coalition of civil society groups from several member states, active on {main_label.lower()}."
        else:
            name = f"{rnd.choice(ORG_FOCUS)} Programme"
            cls, desc = "ak:Programme", f"Programme supporting regional work on {main_label.lower()}."
        iri = f"body:{slug(name)}-{tag}-{b}"
        props = [("rdfs:label", lit(name)), ("skos:altLabel", lit(acronym(name)) if len(acronym(name)) > 1 else None),
                 ("dcterms:description", lit(desc)), prov]
        if cls == "ak:GovernmentBody":
            props.append(("ak:representsState", state_ref))
        if cls == "ak:Programme":
            props.append(("ak:programmeOf", rnd.choice(ref.bodies)[0]))
        w.entity(iri, cls, props)
        new_bodies.append((iri, name))

    # -- people, the posts they hold ----------------------------------------------------------------
    people = []
    for p in range(4):
        given, family = rnd.choice(GIVEN), rnd.choice(FAMILY)
        name = f"{given} {family}"
        iri = f"person:{slug(family)}-{slug(given)}-{tag}-{p}"
        w.entity(iri, "foaf:Person", [("rdfs:label", lit(name)), prov])
        people.append((iri, name, family))
    if ref.posts:
        for h, (person, name, family) in enumerate(people[:2]):
            post, post_label, state = rnd.choice(ref.posts)
            day = f"{year}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
            w.entity(f"holding:{slug(family)}-{post.split(':', 1)[1]}-{year}-{tag}-{h}", "ak:PostHolding", [
                ("rdfs:label", lit(f"{name}, {post_label} ({year})")),
                ("dcterms:description", lit(f"{family} is shown as {post_label} in {year}.")),
                ("org:member", person), ("opengov:post", post), ("org:organization", "body:aichr"),
                ("ak:representsState", state), ("ak:attestedOn", typed(day, "date")), prov])
    director_post = f"post:director-of-{new_bodies[0][0].split(':', 1)[1]}"
    w.entity(director_post, "org:Post", [("rdfs:label", lit(f"Director of {new_bodies[0][1]}")),
                                         ("org:postIn", new_bodies[0][0]), prov])
    person, name, family = people[2]
    w.entity(f"holding:{slug(family)}-director-{tag}", "ak:PostHolding", [
        ("rdfs:label", lit(f"{name}, Director of {new_bodies[0][1]}")), ("org:member", person),
        ("opengov:post", director_post), ("org:organization", new_bodies[0][0]),
        ("schema:startDate", typed(f"{year - rnd.randrange(5)}", "gYear")), prov])

    # -- a series, instruments and their provisions ------------------------------------------------------
    series = f"series:{slug(main_label)[:40].strip('-')}-forum-{tag}"
    w.entity(series, "ak:EventSeries", [
        ("rdfs:label", lit(f"Annual Forum on {theme_phrase(main_label)} ({tag})")),
        ("dcterms:description", lit(f"Yearly forum at which ASEAN bodies, governments and civil society take stock of work on {main_label.lower()}.")),
        ("dcterms:subject", main_theme), prov])
    instruments = []
    for k in range(2):
        cls, form = rnd.choice(INSTRUMENT_FORMS)
        t = theme_phrase(rnd.choice(ref.themes)[1])
        label = form.format(t=t, y=year, y2=year + 4)
        iri = f"instrument:{slug(label)[:60].strip('-')}-{tag}-{k}"
        adopter = rnd.choice(ref.bodies + new_bodies)
        w.entity(iri, f"ak:{cls}", [
            ("rdfs:label", lit(label)),
            ("dcterms:description", lit(f"{label.split(' on ')[0]} adopted by {adopter[1]} that sets out shared commitments on {t.lower()}.")),
            ("dcterms:issued", typed(f"{year}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}", "date")),
            ("ak:adoptedBy", adopter[0]), ("dcterms:subject", main_theme),
            ("ak:basedOn", rnd.choice(ref.instruments) if ref.instruments and rnd.random() < 0.5 else None), prov])
        instruments.append((iri, label))
        if cls in ("PlanOfAction", "WorkPlan"):
            for a in range(1, 3):
                for b in range(1, rnd.randrange(2, 5)):
                    number = f"{a}.{b}"
                    obj = rnd.choice(OBJECTS).format(t=main_label.lower(), a=rnd.choice(AUDIENCES).lower(), sec=rnd.choice(SECTORS))
                    verb = rnd.choice(VERBS)
                    w.entity(f"provision:{iri.split(':', 1)[1]}-{a}-{b}", "ak:Provision", [
                        ("rdfs:label", lit(f"{number} {verb} {obj}")),
                        ("dcterms:description", lit(f"Commits the parties to {verb.lower()} {obj}.")),
                        ("dcterms:isPartOf", iri), ("eli:number", lit(number, None)),
                        ("ak:concerns", rnd.choice(ref.bodies + new_bodies)[0]), prov])

    # -- events, their sessions, participations and outcomes -------------------------------------------
    kinds = list(EVENT_WEIGHTS)
    weights = [EVENT_WEIGHTS[k] for k in kinds]
    agents = ref.bodies + new_bodies + pools.bodies[-60:]
    for e in range(events_per_source):
        cls = rnd.choices(kinds, weights)[0]
        theme, tlabel = (main_theme, main_label) if rnd.random() < 0.4 else rnd.choice(ref.themes)
        state_ref, state_label, _ = rnd.choice(ref.states)
        label = rnd.choice(EVENT_FORMS[cls]).format(t=theme_phrase(tlabel), s=state_label, sec=rnd.choice(SECTORS),
                                                    a=rnd.choice(AUDIENCES), n=rnd.choice(ORDINALS))
        month, day = rnd.randrange(1, 13), rnd.randrange(1, 25)
        start = f"{year}-{month:02d}-{day:02d}"
        length = rnd.choice([0, 0, 1, 1, 2, 4])
        end = f"{year}-{month:02d}-{day + length:02d}" if length else None
        event = f"event:{start}-{slug(label)[:60].strip('-')}-{tag}-{e}"
        place = pick_place() if rnd.random() < 0.8 else None
        mode = rnd.choice(["schema:OfflineEventAttendanceMode", "schema:OnlineEventAttendanceMode", "schema:MixedEventAttendanceMode"])
        organiser = rnd.choice(agents)
        count = rnd.randrange(15, 300)
        subjects = [theme] + ([rnd.choice(ref.themes)[0]] if rnd.random() < 0.3 else [])
        in_series = rnd.random() < 0.15
        w.entity(event, f"ak:{cls}", [
            ("rdfs:label", lit(label)),
            ("dcterms:description", lit(f"{cls if cls != 'CommemorativeActivity' else 'Commemorative event'} convened by {organiser[1]} "
                                        f"that brought together about {count} participants to discuss {tlabel.lower()}, with a focus on "
                                        f"{rnd.choice(SECTORS)}. Participants compared national practice and looked at what "
                                        f"regional cooperation could add.")),
            ("schema:startDate", typed(start, "date")), ("schema:endDate", typed(end, "date") if end else None),
            ("schema:location", place), ("schema:eventAttendanceMode", mode if (place is None or rnd.random() < 0.5) else None),
            ("dcterms:subject", sorted(set(subjects))), ("ak:participantCount", typed(count, "nonNegativeInteger")),
            ("ak:inSeries", series if in_series else None),
            ("ak:seriesNumber", typed(e + 1, "positiveInteger") if in_series else None),
            ("ak:implements", rnd.choice(instruments)[0] if rnd.random() < 0.2 else None),
            ("ak:refersTo", rnd.choice(ref.instruments) if ref.instruments and rnd.random() < 0.2 else None), prov])
        parts = [(event, label, start, end, place)]
        if rnd.random() < 0.2:
            for s in range(rnd.randrange(2, 5)):
                topic = rnd.choice(SESSION_TOPICS)
                session = f"{event}-session-{s + 1}"
                w.entity(session, "ak:Session", [
                    ("rdfs:label", lit(f"{label}, session {s + 1}: {topic}")),
                    ("dcterms:description", lit(f"Session of the {label} on {topic}.")),
                    ("schema:startDate", typed(start, "date")), ("schema:superEvent", event),
                    ("schema:location", place), ("schema:eventAttendanceMode", mode if place is None else None),
                    ("dcterms:subject", theme), prov])
                parts.append((session, f"{label}, session {s + 1}", start, end, place))
        for part, part_label, *_ in parts:
            crew = [(organiser, rnd.choice(ref.organiser_roles))] if part == event else []
            crew += [(rnd.choice(agents), rnd.choice(ref.support_roles)) for _ in range(rnd.randrange(0, 3))]
            crew += [(rnd.choice(agents + [(p[0], p[1]) for p in people]), rnd.choice(ref.attend_roles))
                     for _ in range(rnd.randrange(2, 7))]
            seen = set()
            for (agent, agent_label), role in crew:
                key = (agent, role)
                if key in seen:
                    continue
                seen.add(key)
                role_name = role.split(":", 1)[1].replace("-", " ")
                w.entity(f"participation:{part.split(':', 1)[1]}-{agent.split(':', 1)[1]}-{role.split(':', 1)[1]}", "ak:Participation", [
                    ("rdfs:label", lit(f"{agent_label} as {role_name} of the {part_label}")),
                    ("dcterms:description", lit(f"{agent_label} took part in the {part_label} as {role_name}.")),
                    ("ak:inEvent", part), ("ak:participant", agent), ("ak:role", role), prov])
        if rnd.random() < 0.4:
            for r in range(1, rnd.randrange(3, 9)):
                cls_o = rnd.choice(["Recommendation", "Agreement", "Proposal"])
                verb = rnd.choice(VERBS)
                obj = rnd.choice(OBJECTS).format(t=tlabel.lower(), a=rnd.choice(AUDIENCES).lower(), sec=rnd.choice(SECTORS))
                w.entity(f"outcome:{event.split(':', 1)[1]}-r{r}", f"ak:{cls_o}", [
                    ("rdfs:label", lit(f"{verb} {obj}")),
                    ("dcterms:description", lit(f"Participants called for work to {verb.lower()} {obj}, led by the bodies concerned.")),
                    ("ak:madeAt", event), ("ak:ordinal", typed(r, "positiveInteger")), ("dcterms:subject", theme),
                    ("ak:concerns", sorted({rnd.choice(agents)[0] for _ in range(rnd.randrange(1, 3))})), prov])
    pools.bodies.extend(new_bodies)
    return source_slug, w.text(), w.triples, (src, kind, f"{title_start} {main_label.lower()} ({year}, no. {i})", year)


def reference_file(sources: list[tuple[str, str, str, int]], ref: Reference, pools: Pools, rnd: random.Random) -> tuple[str, int]:
    w = Writer()
    for src, kind, title, year in sources:
        w.entity(src, "ak:SourceDocument", [("rdfs:label", lit(title)), ("dcterms:title", lit(title)),
                                            ("dcterms:type", lit(kind, None)), ("dcterms:issued", typed(year, "gYear")),
                                            ("dcterms:description", lit(f"Synthetic {kind} used to benchmark the service at scale."))])
    return w.text(), w.triples


def make_towns(ref: Reference, rnd: random.Random, writer: Writer, count: int) -> list[str]:
    towns = []
    for n in range(count):
        name = TOWNS[n % len(TOWNS)] + ("" if n < len(TOWNS) else f" {n // len(TOWNS) + 1}")
        state_ref, state_label, _ = rnd.choice(ref.states)
        iri = f"place:{slug(name)}-town"
        writer.entity(iri, "schema:City", [("rdfs:label", lit(name)), ("schema:containedInPlace", state_ref),
                                           ("dcterms:description", lit(f"Town in {state_label}.")),
                                           ("prov:wasDerivedFrom", "src:curator-background")])
        towns.append(iri)
    return towns


def generate(triples: int, out: Path, seed: int = 20251123, events_per_source: int = 24, project: Path = ROOT) -> dict:
    """Write a project folder of about ``triples`` store triples (curated + synthetic + derived) into ``out``."""
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (out / name).symlink_to((project / name).resolve(), target_is_directory=True)
    shutil.copytree(project / "data", out / "data", dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    ref = read_reference(project / "data")
    base = _count(project)  # curated data + ontology + shapes, before derivation
    rnd = random.Random(seed)
    towns = Writer()
    pools = Pools(towns=make_towns(ref, rnd, towns, 60))
    written = base + towns.triples
    sources = []
    i = 0
    budget = triples / 1.47  # the derivation rules add about 47 % to what is written (schema:organizer, attendee...)
    while written < budget or not sources:
        folder, text, count, meta = generate_source(i, ref, pools, seed, events_per_source)
        (out / "data" / folder).mkdir()
        (out / "data" / folder / "graph.ttl").write_text(f"# Synthetic source document {i}: generated by bench/generate.py, seed {seed}.\n" + text,
                                                       encoding="utf-8")
        sources.append(meta)
        written += count
        i += 1
    text, count = reference_file(sources, ref, pools, rnd)
    (out / "data" / "reference" / "synthetic.ttl").write_text(
        "# Synthetic source documents and towns: generated by bench/generate.py.\n" + text + "\n" + "\n".join(towns.parts),
        encoding="utf-8")
    written += count
    manifest = {"target_triples": triples, "written_triples": written, "curated_triples": base, "sources": len(sources),
                "seed": seed, "events_per_source": events_per_source}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def _count(project: Path) -> int:
    total = 0
    for folder in ("ontology", "shapes", "data"):
        for path in (project / folder).rglob("*.ttl"):
            total += sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=float, required=True, help="about how many triples the built store should hold")
    parser.add_argument("--out", type=Path, required=True, help="project folder to (re)create")
    parser.add_argument("--seed", type=int, default=20251123)
    args = parser.parse_args(argv)
    manifest = generate(int(args.triples), args.out, args.seed)
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
