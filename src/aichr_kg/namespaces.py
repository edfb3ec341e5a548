"""Namespaces of the graph and of the vocabularies it reuses."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/aichr-kg/"  # kept here, not in settings: query workers read PREFIXES without pydantic
AK = Namespace(DEFAULT_BASE + "ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ORG = Namespace("http://www.w3.org/ns/org#")
OPENGOV = Namespace("http://www.w3.org/ns/opengov#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
TIME = Namespace("http://www.w3.org/2006/time#")

PREFIXES = {
    "ak": str(AK),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "org": str(ORG),
    "opengov": str(OPENGOV),
    "schema": str(SCHEMA),
    "eli": str(ELI),
    "time": str(TIME),
    "sh": str(SH),
}


def id_namespace(base: str = DEFAULT_BASE) -> str:
    return base + "id/"


def graph_iri(name: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}graph/{name}"
