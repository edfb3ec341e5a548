"""HermiT, an OWL 2 DL reasoner (the one owlready2 bundles, run on Java), finds the ontology consistent and every one of
its classes satisfiable, alone and with the curated data; a planted unsatisfiable class and a planted clash are found.

The ontology is read with the standard vocabularies' axioms that ``test_reasoner`` writes out (disjointness of PROV-O,
FOAF, OWL-Time and SKOS classes, and the domains and ranges through which our terms reach them), so that a class of
ours placed under two disjoint ones shows as unsatisfiable. HermiT takes only the datatypes of the OWL 2 datatype
map, and ``xsd:date`` (the range of ``ak:earliestDate`` and ``ak:latestDate``) and the data's ``xsd:gYear`` and
``xsd:gYearMonth`` are not among them: it runs with ``--ignoreUnsupportedDatatypes``, so that those values are left
unchecked rather than the run refused. Nothing here reaches the network (HermiT is given one local file).

OWL 2 DL reads a triple over an undeclared property as an annotation, which no axiom reaches: the standard
vocabularies' terms that the data and the axioms use (``prov:wasDerivedFrom``, ``org:memberOf``, ...) are declared
first, from how they are used (``declared``), or the planted clash would pass unseen.
"""

import os
import shutil

import owlready2
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from test_reasoner import AXIOMS

pytestmark = pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("CI"),  # `make test` installs it
                                reason="HermiT runs on Java (default-jre-headless, installed by `make test`)")

AK = "https://w3id.org/aichr-kg/ontology#"
# ours under two disjoint classes; an event of ours that is also a document (prov:Entity and prov:Activity)
PLANTED_CLASS = f"<{AK}PlantedClash> a <http://www.w3.org/2002/07/owl#Class> ; <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://www.w3.org/ns/prov#Activity>, <http://www.w3.org/ns/prov#Entity> ."
PLANTED_INDIVIDUAL = (f"<urn:x-planted> a <{AK}Event> . "
                      "<urn:x-planted> <http://www.w3.org/ns/prov#wasDerivedFrom> <urn:x-planted-source> .")


@pytest.fixture(scope="module")
def ontology(settings) -> Graph:
    graph = Graph()
    for path in sorted((settings.root / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph.parse(data=AXIOMS, format="turtle")


RESERVED = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")


def declared(graph: Graph) -> Graph:
    """``graph`` with an OWL declaration for each undeclared class and property of other vocabularies: a class for
    every type and every term in a class position; a property by its objects (literals only: a data property, none:
    an object property; a mix stays an annotation, as OWL 2 DL has it)."""
    known = set(graph.subjects(RDF.type, None))
    undeclared = lambda term: isinstance(term, URIRef) and term not in known and not str(term).startswith(RESERVED)
    classes = set(graph.objects(None, RDF.type)) | set(graph.objects(None, RDFS.domain)) | set(graph.objects(None, RDFS.range))
    for position in (RDFS.subClassOf, OWL.disjointWith, OWL.equivalentClass):
        classes |= set(graph.subjects(position, None)) | set(graph.objects(position, None))
    properties = set(graph.predicates()) | set(graph.subjects(RDFS.domain, None)) | set(graph.subjects(RDFS.range, None))
    out = Graph()
    out += graph
    for term in filter(undeclared, classes):
        out.add((term, RDF.type, OWL.Class))
    for term in filter(undeclared, properties):
        literals = {isinstance(o, Literal) for o in graph.objects(None, term)}
        if literals != {True, False}:
            out.add((term, RDF.type, OWL.DatatypeProperty if literals == {True} else OWL.ObjectProperty))
    return out


def hermit(graph: Graph, folder):
    """HermiT over ``graph``: the classes it proves empty (raises ``OwlReadyInconsistentOntologyError`` when the
    whole is inconsistent)."""
    path = folder / "input.nt"
    declared(graph).serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    loaded = world.get_ontology(path.as_uri()).load()
    with loaded:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
    return sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)


def with_a_member_of_each_class(graph: Graph) -> Graph:
    """``graph`` with one individual of each class it declares in our namespace: consistent only if every one of
    them is satisfiable (HermiT proves that; owlready2's own list of empty classes misses some of what HermiT says)."""
    out = Graph()
    out += graph
    for number, term in enumerate(sorted(c for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(AK))):
        out.add((URIRef(f"urn:x-member-{number}"), RDF.type, term))
    return out


def test_the_ontology_is_consistent_and_every_class_satisfiable(ontology, tmp_path):
    assert len(set(ontology.subjects(RDF.type, OWL.Class)) & {URIRef(AK + "Event"), URIRef(AK + "Body")}) == 2
    assert hermit(ontology, tmp_path) == []
    assert hermit(with_a_member_of_each_class(ontology), tmp_path) == []  # raises if one of them is empty


def test_the_ontology_with_the_curated_data_is_consistent(ontology, built, tmp_path):
    data = ox.serialize(built.store.oxi.quads_for_pattern(None, None, None, ox.DefaultGraph()), format=ox.RdfFormat.N_TRIPLES)
    graph = Graph()
    graph += ontology
    graph.parse(data=data, format="nt")
    assert len(graph) > len(ontology) + 3000
    assert hermit(graph, tmp_path) == []


def test_a_planted_unsatisfiable_class_is_found(ontology, tmp_path):
    graph = Graph()
    graph += ontology
    graph.parse(data=PLANTED_CLASS, format="turtle")
    assert hermit(graph, tmp_path) == [f"{AK}PlantedClash"]
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(with_a_member_of_each_class(graph), tmp_path)


def test_a_planted_clash_in_the_data_is_found(ontology, tmp_path):
    graph = Graph()
    graph += ontology
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(graph.parse(data=PLANTED_INDIVIDUAL, format="turtle"), tmp_path)
