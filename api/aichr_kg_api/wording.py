"""Plain words for entity pages: each relation named in the direction a reader meets it, vocabulary values
("schema:OnlineEventAttendanceMode") as a person says them, and what a reader never needs to see.

A relation shown on the page of its object reads from that side: ASEAN ``org:hasSubOrganization`` ACWC
is "Part of: ASEAN" on ACWC's page, not "has sub organization". The full triples stay one click away
(the Turtle and JSON-LD links of every page). Every heading is a message of the interface's catalogue
(``N_`` marks it; the page translates it where it is shown).
"""

from aichr_kg_api.i18n import N_

ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OPENGOV = "http://www.w3.org/ns/opengov#"
ELI = "http://data.europa.eu/eli/ontology#"
AK = "ontology#"  # under the graph's base

# property -> (heading on the subject's page, heading on the object's page)
RELATIONS = {
    ORG + "subOrganizationOf": (N_("Part of"), N_("Bodies under it")),
    ORG + "hasSubOrganization": (N_("Bodies under it"), N_("Part of")),
    ORG + "unitOf": (N_("Part of"), N_("Units")),  # a unit is part of its body: "Part of ASEAN"
    ORG + "hasUnit": (N_("Units"), N_("Part of")),
    ORG + "memberOf": (N_("Member of"), N_("Members")),
    ORG + "hasMember": (N_("Members"), N_("Member of")),
    ORG + "postIn": (N_("Post in"), N_("Posts")),
    ORG + "hasPost": (N_("Posts"), N_("Post in")),
    ORG + "holds": (N_("Held the post of"), N_("Held by")),
    ORG + "heldBy": (N_("Held by"), N_("Held the post of")),
    ORG + "member": (N_("Person"), N_("Memberships and post holdings")),
    ORG + "organization": (N_("Body"), N_("Post holdings in it")),
    ORG + "linkedTo": (N_("Linked to"), N_("Linked to")),
    ORG + "hasSite": (N_("Site"), N_("Site of")),
    OPENGOV + "post": (N_("Post"), N_("Holdings of this post")),
    SKOS + "broader": (N_("Broader theme"), N_("Narrower themes")),
    SKOS + "narrower": (N_("Narrower themes"), N_("Broader theme")),
    SKOS + "related": (N_("Related themes"), N_("Related themes")),
    SKOS + "definition": (N_("Definition"), N_("Definition of")),
    SCHEMA + "superEvent": (N_("Part of the event"), N_("Sessions")),
    SCHEMA + "subEvent": (N_("Sessions"), N_("Part of the event")),
    SCHEMA + "location": (N_("Where"), N_("Events held here")),
    SCHEMA + "containedInPlace": (N_("In"), N_("Places in it")),
    SCHEMA + "organizer": (N_("Organisers"), N_("Organised")),
    SCHEMA + "attendee": (N_("Who took part"), N_("Took part in")),
    SCHEMA + "sponsor": (N_("Supporters"), N_("Supported")),
    SCHEMA + "startDate": (N_("Date"), N_("Date")),
    SCHEMA + "endDate": (N_("Until"), N_("Until")),
    SCHEMA + "eventAttendanceMode": (N_("Attendance"), N_("Attendance")),
    SCHEMA + "eventStatus": (N_("Status"), N_("Status")),
    SCHEMA + "honorificPrefix": (N_("Title"), N_("Title")),
    SCHEMA + "url": (N_("Published at"), N_("Published at")),
    SCHEMA + "foundingDate": (N_("Founded"), N_("Founded")),
    SCHEMA + "creativeWorkStatus": (N_("Status"), N_("Status")),
    DCT + "subject": (N_("Themes"), N_("On this theme")),
    DCT + "isPartOf": (N_("Part of"), N_("Parts")),
    DCT + "issued": (N_("Issued"), N_("Issued")),
    DCT + "relation": (N_("Related"), N_("Related")),
    DCT + "references": (N_("Refers to"), N_("Referred to by")),
    DCT + "creator": (N_("Author"), N_("Author of")),
    DCT + "spatial": (N_("Place"), N_("Place of")),
    DCT + "type": (N_("Kind of document"), N_("Kind of document")),
    DCT + "source": (N_("Sources"), N_("What this document states something about")),
    DCT + "publisher": (N_("Publisher"), N_("Published")),
    ELI + "number": (N_("Number"), N_("Number")),
    ELI + "passed_by": (N_("Adopted by"), N_("Adopted")),
    AK + "inEvent": (N_("Event"), N_("Who took part (records)")),
    AK + "participant": (N_("Who"), N_("Took part in (records)")),
    AK + "role": (N_("Role"), N_("Records in this role")),
    AK + "onBehalfOf": (N_("On behalf of"), N_("Represented by (records)")),
    AK + "madeAt": (N_("Made at"), N_("Outcomes")),
    AK + "concerns": (N_("Concerns"), N_("Outcomes and provisions naming it")),
    AK + "refersTo": (N_("Refers to"), N_("Referred to by")),
    AK + "inSeries": (N_("In the series"), N_("Events in the series")),
    AK + "seriesNumber": (N_("Number in the series"), N_("Number in the series")),
    AK + "representsState": (N_("Represents"), N_("Represented by")),
    AK + "adoptedBy": (N_("Adopted by"), N_("Adopted")),
    AK + "adoptedAt": (N_("Adopted at"), N_("Adopted here")),
    AK + "implements": (N_("Implements"), N_("Implemented by")),
    AK + "followsUp": (N_("Follows up"), N_("Followed up by")),
    AK + "commemorates": (N_("Commemorates"), N_("Commemorated by")),
    AK + "basedOn": (N_("Based on"), N_("Basis of")),
    AK + "attestedOn": (N_("Named in a source on"), N_("Named in a source on")),
    AK + "ordinal": (N_("Order in the source"), N_("Order in the source")),
    AK + "secretariatOf": (N_("Secretariat of"), N_("Secretariat")),
    AK + "programmeOf": (N_("Programme of"), N_("Programmes")),
    AK + "associatedEntityOf": (N_("Entity associated with"), N_("Associated entities")),
    AK + "focalPointFor": (N_("Focal point for"), N_("Focal points")),
    AK + "recognisedBy": (N_("Recognised by"), N_("Recognised")),
    AK + "admittedAt": (N_("Admitted at"), N_("Admitted here")),
    AK + "curatorNote": (N_("Curators' note"), N_("Curators' note")),
    AK + "locator": (N_("Where in the source"), N_("Where in the source")),
    AK + "citation": (N_("Reference"), N_("Reference for")),
    AK + "statedCount": (N_("Figures the source gives"), N_("Figure of")),
    AK + "followUpOf": (N_("Follow-up of"), N_("What came of it")),
    AK + "followedUpBy": (N_("Followed up by"), N_("Follows up")),
    AK + "followUpKind": (N_("Kind of follow-up"), N_("Follow-ups of this kind")),
    AK + "addressedTo": (N_("Addressed to"), N_("Addressed to it")),
    AK + "heardAt": (N_("Put forward at"), N_("Put forward here")),
    AK + "readingsOf": (N_("Readings of"), N_("Curators' readings of it")),
}

# Restatements the build derives for other vocabularies, and bookkeeping a reader has no use for: left out
# of the page (the data view has them).
HIDDEN = {SKOS + "prefLabel", SKOS + "inScheme", SKOS + "topConceptOf", SKOS + "editorialNote", SKOS + "notation",
          OWL + "sameAs", RDFS + "isDefinedBy", PROV + "wasGeneratedBy", PROV + "agent", PROV + "hadRole",
          PROV + "wasAssociatedWith", PROV + "wasDerivedFrom", SCHEMA + "about",
          SCHEMA + "mentions", SCHEMA + "funder", "http://xmlns.com/foaf/0.1/name", DCT + "title", DCT + "source",
          ORG + "memberDuring", AK + "sourceFile", AK + "earliestDate", AK + "latestDate", "http://www.w3.org/2006/time#hasBeginning"}

# vocabulary values -> what a person says
VALUES = {
    SCHEMA + "OnlineEventAttendanceMode": N_("Online"),
    SCHEMA + "OfflineEventAttendanceMode": N_("In person"),
    SCHEMA + "MixedEventAttendanceMode": N_("Online and in person"),
    SCHEMA + "EventScheduled": N_("Scheduled"),
    SCHEMA + "EventCancelled": N_("Cancelled"),
    SCHEMA + "EventPostponed": N_("Postponed"),
    SCHEMA + "EventRescheduled": N_("Rescheduled"),
    SCHEMA + "EventMovedOnline": N_("Moved online"),
}


# When one value is stated under several relations (ACWC org:subOrganizationOf and org:unitOf ASEAN), the page
# shows it once, under the first of these that states it; the others follow in any order.
# (on a unit's page "Part of ASEAN", on its body's page "Units: AICHR Indonesia...")
FIRST_SAID = [ORG + "subOrganizationOf", ORG + "hasUnit", SCHEMA + "subEvent", SCHEMA + "superEvent",
              SCHEMA + "organizer", SCHEMA + "sponsor", DCT + "subject", SCHEMA + "url"]


def rank(iri: str) -> int:
    return FIRST_SAID.index(iri) if iri in FIRST_SAID else len(FIRST_SAID)


def heading(iri: str, base: str, reverse: bool = False) -> str | None:
    key = "ontology#" + iri[len(base + "ontology#"):] if iri.startswith(base + "ontology#") else iri
    pair = RELATIONS.get(key)
    return pair[1 if reverse else 0] if pair else None


# hidden on the subject's page (it has a section of its own) but the list a reader wants on the object's page
SHOWN_REVERSED = {DCT + "source"}


def hidden(iri: str, base: str, reverse: bool = False) -> bool:
    key = "ontology#" + iri[len(base + "ontology#"):] if iri.startswith(base + "ontology#") else iri
    return key in HIDDEN and not (reverse and key in SHOWN_REVERSED)
