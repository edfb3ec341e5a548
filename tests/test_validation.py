"""The fast SHACL engine (pyshacl-turbo) reports exactly what the reference engine (pyshacl) reports.

It is the default only because of this: on every shape fixture, valid and invalid (each validated with
the reference data, as tests/test_shapes.py does), and on the whole curated graph, both engines give
the same violations: focus node, shape, path, value, message and severity, in the same order.
"""

from pathlib import Path

import pytest
from rdflib import Graph

from aichr_kg.parsing import parse_all
from aichr_kg.sources import all_files
from aichr_kg.validation import ENGINES, validate_graph, validate_parsed

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
CASES = sorted((p.name, kind) for p in FIXTURES.iterdir() if p.is_dir() for kind in ("valid", "invalid"))





def test_default_engine_is_the_fast_one():
    assert ENGINES == ("pyshacl-turbo", "pyshacl")


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_engines_agree_on_fixture(context, name, kind):
    shapes, ontology, reference = context
    data = Graph()
    data += reference
    data.parse(FIXTURES / name / f"{kind}.ttl")
    fast = validate_graph(data, shapes, ontology, engine="pyshacl-turbo")
    slow = validate_graph(data, shapes, ontology, engine="pyshacl")
    assert fast == slow
    if kind == "invalid":  # the comparison is not vacuous: the fixture breaks something
        assert any(v.severity == "Violation" for v in slow)


def test_engines_agree_on_curated_data(settings):
    parsed = parse_all(all_files(settings))
    fast = validate_parsed(parsed, settings.root, engine="pyshacl-turbo")
    assert fast == validate_parsed(parsed, settings.root, engine="pyshacl")
    assert not [v for v in fast if v.severity == "Violation"]


def test_unknown_engine_is_refused(context):
    shapes, ontology, reference = context
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        validate_graph(reference, shapes, ontology, engine="nope")
