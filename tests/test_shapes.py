"""Every shape has a valid and an invalid fixture; valid ones pass, invalid ones fail on that shape.

Fixtures are validated together with the reference data, so they can point at real roles,
themes, bodies and source documents.
"""

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from aichr_kg.namespaces import SH
from aichr_kg.validation import validate_graph

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES_NS = "https://w3id.org/aichr-kg/shapes#"





def node_shapes(shapes: Graph) -> list[str]:
    return sorted(str(s)[len(SHAPES_NS):] for s in shapes.subjects(RDF.type, SH.NodeShape) if str(s).startswith(SHAPES_NS))


def owners(shapes: Graph, source_shape: str) -> set[str]:
    """The named node shapes a reported shape belongs to (reports name blank property shapes by their owner)."""
    node = URIRef(source_shape)
    found = {str(node)} | {str(s) for s in shapes.subjects(SH.property, node)}
    return {s[len(SHAPES_NS):] for s in found if s.startswith(SHAPES_NS)}


def test_every_shape_has_both_fixtures(context):
    shapes, _, _ = context
    missing = [f"{name}/{kind}.ttl" for name in node_shapes(shapes) for kind in ("valid", "invalid")
               if not (FIXTURES / name / f"{kind}.ttl").is_file()]
    assert not missing, f"shapes without fixtures: {missing}"
    assert len(node_shapes(shapes)) >= 15


def test_every_fixture_says_what_it_tests():
    for path in FIXTURES.rglob("*.ttl"):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# Valid:" if path.stem == "valid" else "# Invalid:"), path


def _validate(context, fixture: Path):
    """Violations about the fixture's own nodes (the reference data alone need not be complete)."""
    shapes, ontology, reference = context
    own = Graph().parse(fixture)
    nodes = {str(n) for triple in own for n in triple}
    data = Graph()
    data += reference
    data += own
    return [v for v in validate_graph(data, shapes, ontology) if v.focus in nodes]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_valid_fixture_conforms(context, name):
    violations = [v for v in _validate(context, FIXTURES / name / "valid.ttl") if v.severity == "Violation"]
    assert violations == []


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_invalid_fixture_fails_on_its_shape(context, name):
    shapes, _, _ = context
    violations = _validate(context, FIXTURES / name / "invalid.ttl")
    hit = [v for v in violations if name in owners(shapes, v.shape)]
    assert hit, f"{name}/invalid.ttl raised no violation of {name}; got {[str(v) for v in violations]}"
    assert all(v.message for v in hit)
