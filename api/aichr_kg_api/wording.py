"""Plain words for entity pages: each relation named in the direction a reader meets it, vocabulary values
("schema:OnlineEventAttendanceMode") as a person says them, and what a reader never needs to see.

A relation shown on the page of its object reads from that side: ASEAN ``org:hasSubOrganization`` ACWC
is "Part of: ASEAN" on ACWC's page, not "has sub organization". The full triples stay one click away
(the Turtle and JSON-LD links of every page).
"""

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
    ORG + "subOrganizationOf": ("Part of", "Bodies under it"),
    ORG + "hasSubOrganization": ("Bodies under it", "Part of"),
    ORG + "unitOf": ("Unit of", "Units"),
    ORG + "hasUnit": ("Units", "Unit of"),
    ORG + "memberOf": ("Member of", "Members"),
    ORG + "hasMember": ("Members", "Member of"),
    ORG + "postIn": ("Post in", "Posts"),
    ORG + "hasPost": ("Posts", "Post in"),
    ORG + "holds": ("Held the post of", "Held by"),
    ORG + "heldBy": ("Held by", "Held the post of"),
    ORG + "member": ("Person", "Post holdings"),
    ORG + "organization": ("Body", "Post holdings in it"),
    ORG + "linkedTo": ("Linked to", "Linked to"),
    ORG + "hasSite": ("Site", "Site of"),
    OPENGOV + "post": ("Post", "Holdings of this post"),
    SKOS + "broader": ("Broader theme", "Narrower themes"),
    SKOS + "narrower": ("Narrower themes", "Broader theme"),
    SKOS + "related": ("Related themes", "Related themes"),
    SKOS + "definition": ("Definition", "Definition of"),
    SCHEMA + "superEvent": ("Part of the event", "Sessions and parts"),
    SCHEMA + "subEvent": ("Sessions and parts", "Part of the event"),
    SCHEMA + "location": ("Where", "Events held here"),
    SCHEMA + "containedInPlace": ("In", "Places in it"),
    SCHEMA + "organizer": ("Organisers", "Organised"),
    SCHEMA + "attendee": ("Who took part", "Took part in"),
    SCHEMA + "sponsor": ("Supporters", "Supported"),
    SCHEMA + "startDate": ("Date", "Date"),
    SCHEMA + "endDate": ("Until", "Until"),
    SCHEMA + "eventAttendanceMode": ("Attendance", "Attendance"),
    SCHEMA + "eventStatus": ("Status", "Status"),
    SCHEMA + "honorificPrefix": ("Title", "Title"),
    SCHEMA + "url": ("Published at", "Published at"),
    SCHEMA + "foundingDate": ("Founded", "Founded"),
    SCHEMA + "creativeWorkStatus": ("Status", "Status"),
    DCT + "subject": ("Themes", "On this theme"),
    DCT + "isPartOf": ("Part of", "Parts"),
    DCT + "issued": ("Issued", "Issued"),
    DCT + "relation": ("Related", "Related"),
    DCT + "references": ("Refers to", "Referred to by"),
    DCT + "creator": ("Author", "Author of"),
    DCT + "spatial": ("Place", "Place of"),
    DCT + "type": ("Kind of document", "Kind of document"),
    DCT + "source": ("Sources", "What this document states something about"),
    DCT + "publisher": ("Publisher", "Published"),
    ELI + "number": ("Number", "Number"),
    ELI + "passed_by": ("Adopted by", "Adopted"),
    AK + "inEvent": ("Event", "Who took part (records)"),
    AK + "participant": ("Who", "Took part in (records)"),
    AK + "role": ("Role", "Records in this role"),
    AK + "onBehalfOf": ("On behalf of", "Represented by (records)"),
    AK + "madeAt": ("Made at", "Outcomes"),
    AK + "concerns": ("Concerns", "Outcomes and provisions naming it"),
    AK + "refersTo": ("Refers to", "Referred to by"),
    AK + "inSeries": ("In the series", "Events in the series"),
    AK + "seriesNumber": ("Number in the series", "Number in the series"),
    AK + "representsState": ("Represents", "Represented by"),
    AK + "adoptedBy": ("Adopted by", "Adopted"),
    AK + "adoptedAt": ("Adopted at", "Adopted here"),
    AK + "implements": ("Implements", "Implemented by"),
    AK + "followsUp": ("Follows up", "Followed up by"),
    AK + "commemorates": ("Commemorates", "Commemorated by"),
    AK + "basedOn": ("Based on", "Basis of"),
    AK + "attestedOn": ("Named in a source on", "Named in a source on"),
    AK + "ordinal": ("Order in the source", "Order in the source"),
    AK + "secretariatOf": ("Secretariat of", "Secretariat"),
    AK + "programmeOf": ("Programme of", "Programmes"),
    AK + "associatedEntityOf": ("Entity associated with", "Associated entities"),
    AK + "focalPointFor": ("Focal point for", "Focal points"),
    AK + "recognisedBy": ("Recognised by", "Recognised"),
    AK + "admittedAt": ("Admitted at", "Admitted here"),
    AK + "curatorNote": ("Curators' note", "Curators' note"),
    AK + "locator": ("Where in the source", "Where in the source"),
    AK + "statedCount": ("Figures the source gives", "Figure of"),
    AK + "followUpOf": ("Follow-up of", "What came of it"),
    AK + "followedUpBy": ("Followed up by", "Follows up"),
    AK + "followUpKind": ("Kind of follow-up", "Follow-ups of this kind"),
    AK + "addressedTo": ("Addressed to", "Addressed to it"),
    AK + "heardAt": ("Put forward at", "Put forward here"),
    AK + "readingsOf": ("Readings of", "Curators' readings of it"),
}

# Restatements the build derives for other vocabularies, and bookkeeping a reader has no use for: left out
# of the page (the data view has them).
HIDDEN = {SKOS + "prefLabel", SKOS + "inScheme", SKOS + "topConceptOf", SKOS + "editorialNote", SKOS + "notation",
          OWL + "sameAs", RDFS + "isDefinedBy", PROV + "wasGeneratedBy", PROV + "agent", PROV + "hadRole",
          PROV + "wasAssociatedWith", PROV + "wasDerivedFrom", SCHEMA + "about",
          SCHEMA + "mentions", SCHEMA + "funder", "http://xmlns.com/foaf/0.1/name", DCT + "title", DCT + "source",
          AK + "sourceFile", AK + "earliestDate", AK + "latestDate", "http://www.w3.org/2006/time#hasBeginning"}

# vocabulary values -> what a person says
VALUES = {
    SCHEMA + "OnlineEventAttendanceMode": "Online",
    SCHEMA + "OfflineEventAttendanceMode": "In person",
    SCHEMA + "MixedEventAttendanceMode": "Online and in person",
    SCHEMA + "EventScheduled": "Scheduled",
    SCHEMA + "EventCancelled": "Cancelled",
    SCHEMA + "EventPostponed": "Postponed",
    SCHEMA + "EventRescheduled": "Rescheduled",
    SCHEMA + "EventMovedOnline": "Moved online",
}

# class -> the kind a reader knows it as
KINDS = {SKOS + "Concept": "Theme", SCHEMA + "AdministrativeArea": "Province or region", SCHEMA + "City": "City",
         SCHEMA + "Country": "Country"}


def heading(iri: str, base: str, reverse: bool = False) -> str | None:
    key = "ontology#" + iri[len(base + "ontology#"):] if iri.startswith(base + "ontology#") else iri
    pair = RELATIONS.get(key)
    return pair[1 if reverse else 0] if pair else None


# hidden on the subject's page (it has a section of its own) but the list a reader wants on the object's page
SHOWN_REVERSED = {DCT + "source"}


def hidden(iri: str, base: str, reverse: bool = False) -> bool:
    key = "ontology#" + iri[len(base + "ontology#"):] if iri.startswith(base + "ontology#") else iri
    return key in HIDDEN and not (reverse and key in SHOWN_REVERSED)
