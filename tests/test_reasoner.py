"""The built graph stays consistent once the standard vocabularies' own axioms are loaded: an OWL 2 RL reasoner
(owlrl) finds no clash.

The axioms are written out here rather than fetched (nothing here reaches the network): the disjointness axioms of
every vocabulary the graph uses that declares any (PROV-O: Activity and Entity; FOAF: Person, Organization, Document;
OWL-Time: Instant and ProperInterval; SKOS: Concept, ConceptScheme, Collection), and the domain, range and
equivalence axioms through which our data reaches those classes (a thing with a prov:wasDerivedFrom is a
prov:Entity, so an event carrying one clashes). owlrl reports a clash by adding a node typed
``err:ErrorMessage`` with the message in ``err:error`` (and, for an individual proven empty, ``rdf:type
owl:Nothing``); both are looked for.
"""

import owlrl
import pyoxigraph as ox
from rdflib import Graph, Namespace
from rdflib.namespace import OWL, RDF

ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

AXIOMS = """
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix time: <http://www.w3.org/2006/time#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .

# PROV-O
prov:Activity owl:disjointWith prov:Entity .
prov:Plan rdfs:subClassOf prov:Entity .
prov:Association rdfs:subClassOf prov:AgentInfluence . prov:AgentInfluence rdfs:subClassOf prov:Influence .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
prov:wasGeneratedBy rdfs:domain prov:Entity ; rdfs:range prov:Activity .
prov:wasAssociatedWith rdfs:domain prov:Activity ; rdfs:range prov:Agent .
prov:qualifiedAssociation rdfs:domain prov:Activity ; rdfs:range prov:Association .
prov:agent rdfs:domain prov:AgentInfluence ; rdfs:range prov:Agent .
prov:hadRole rdfs:range prov:Role .
prov:used rdfs:domain prov:Activity ; rdfs:range prov:Entity .
prov:wasAttributedTo rdfs:domain prov:Entity ; rdfs:range prov:Agent .
prov:generatedAtTime rdfs:domain prov:Entity .
prov:startedAtTime rdfs:domain prov:Activity . prov:endedAtTime rdfs:domain prov:Activity .

# FOAF
foaf:Person owl:disjointWith foaf:Organization, foaf:Document .
foaf:Organization owl:disjointWith foaf:Document .
foaf:Person rdfs:subClassOf foaf:Agent . foaf:Organization rdfs:subClassOf foaf:Agent .
foaf:Group rdfs:subClassOf foaf:Agent .
foaf:member rdfs:domain foaf:Group ; rdfs:range foaf:Agent .

# W3C ORG
org:Organization owl:equivalentClass foaf:Organization .
org:memberOf rdfs:domain foaf:Agent ; rdfs:range org:Organization .
org:hasMember rdfs:domain org:Organization ; rdfs:range foaf:Agent .
org:member rdfs:domain org:Membership ; rdfs:range foaf:Agent .
org:organization rdfs:domain org:Membership ; rdfs:range org:Organization .
org:memberDuring rdfs:domain org:Membership ; rdfs:range time:Interval .
org:postIn rdfs:domain org:Post ; rdfs:range org:Organization .
org:hasPost rdfs:domain org:Organization ; rdfs:range org:Post .
org:holds rdfs:domain foaf:Agent ; rdfs:range org:Post .
org:heldBy rdfs:domain org:Post ; rdfs:range foaf:Agent .
org:subOrganizationOf rdfs:domain org:Organization ; rdfs:range org:Organization .
org:hasSubOrganization rdfs:domain org:Organization ; rdfs:range org:Organization .
org:unitOf rdfs:domain org:OrganizationalUnit ; rdfs:range org:FormalOrganization .
org:hasUnit rdfs:domain org:FormalOrganization ; rdfs:range org:OrganizationalUnit .

# OWL-Time
time:ProperInterval owl:disjointWith time:Instant .
time:hasBeginning rdfs:range time:Instant . time:hasEnd rdfs:range time:Instant .
time:inside rdfs:domain time:Interval ; rdfs:range time:Instant .

# SKOS
skos:Concept owl:disjointWith skos:ConceptScheme, skos:Collection .
skos:ConceptScheme owl:disjointWith skos:Collection .
skos:inScheme rdfs:range skos:ConceptScheme .
skos:broader rdfs:domain skos:Concept ; rdfs:range skos:Concept .
skos:narrower rdfs:domain skos:Concept ; rdfs:range skos:Concept .
skos:hasTopConcept rdfs:domain skos:ConceptScheme ; rdfs:range skos:Concept .
"""


def clashes(graph: Graph) -> list[str]:
    closure = Graph()
    closure += graph
    closure.parse(data=AXIOMS, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    found = sorted(str(m) for node in closure.subjects(RDF.type, ERR.ErrorMessage) for m in closure.objects(node, ERR.error))
    found += sorted(f"{x} is owl:Nothing" for x in closure.subjects(RDF.type, OWL.Nothing))
    return found


def test_the_reasoner_finds_a_planted_clash():
    """Not vacuous: an event (an activity) that is said to be derived from a document clashes."""
    planted = Graph().parse(format="turtle", data="""
      @prefix ak: <https://w3id.org/aichr-kg/ontology#> . @prefix prov: <http://www.w3.org/ns/prov#> .
      @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
      ak:Meeting rdfs:subClassOf ak:Event . ak:Event rdfs:subClassOf prov:Activity .
      <https://example.org/e> a ak:Meeting ; prov:wasDerivedFrom <https://example.org/doc> .""")
    assert any("https://example.org/e" in message for message in clashes(planted))


def union(built) -> Graph:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    text = ox.serialize(built.store.oxi.query(query, use_default_graph_as_union=True), format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=text.decode("utf-8"), format="nt")


def test_rules_never_derive_was_derived_from(built):
    assert not list(built.store.oxi.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                                                      None, ox.NamedNode("https://w3id.org/aichr-kg/graph/derived")))


def test_built_graph_is_consistent_with_the_vocabularies_axioms(built):
    assert clashes(union(built)) == []
