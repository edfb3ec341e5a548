"""The fast SHACL engines (shacl, the build's default, and pyshacl-turbo) report exactly what the reference engine
(pyshacl) reports.

The default is the fastest only because of this: on every shape fixture, valid and invalid (each validated with
the reference data, as tests/test_shapes.py does), and on the whole curated graph, every engine gives the same
violations: focus node, shape, path, value, message and severity, in the same order; and the build's own path
(pyoxigraph reading the files, no rdflib graph) gives them too.
"""

from pathlib import Path

import pytest
from rdflib import Graph

from aichr_kg.parsing import parse_all
from aichr_kg.sources import all_files
from aichr_kg.validation import ENGINES, validate_files, validate_graph, validate_parsed

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
CASES = sorted((p.name, kind) for p in FIXTURES.iterdir() if p.is_dir() for kind in ("valid", "invalid"))





def test_default_engine_is_the_fast_one():
    assert ENGINES == ("shacl", "pyshacl-turbo", "pyshacl")


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_engines_agree_on_fixture(context, name, kind):
    shapes, ontology, reference = context
    data = Graph()
    data += reference
    data.parse(FIXTURES / name / f"{kind}.ttl")
    slow = validate_graph(data, shapes, ontology, engine="pyshacl")
    for fast in ENGINES[:-1]:
        assert validate_graph(data, shapes, ontology, engine=fast) == slow, fast
    if kind == "invalid":  # the comparison is not vacuous: the fixture breaks something
        assert any(v.severity == "Violation" for v in slow)


def test_engines_agree_on_curated_data(settings):
    parsed = parse_all(all_files(settings))
    slow = validate_parsed(parsed, settings.root, engine="pyshacl")
    for fast in ENGINES[:-1]:
        assert validate_parsed(parsed, settings.root, engine=fast) == slow, fast
    assert validate_files(all_files(settings), settings.root) == slow
    assert not [v for v in slow if v.severity == "Violation"]


def test_build_path_names_the_files_of_a_violation(settings, tmp_path):
    """The build's own path (no rdflib graph) reports a violation with the file that describes the node."""
    import shutil

    from aichr_kg.settings import Settings

    root = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(settings.root / folder, root / folder)
    bad = root / "data" / "reference" / "broken-event.ttl"
    bad.write_text(
        "@prefix ak: <https://w3id.org/aichr-kg/ontology#> .\n@prefix schema: <https://schema.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/aichr-kg/id/event/2020-test> a ak:Meeting ; rdfs:label \"Test\"@en ;\n"
        "  schema:startDate \"2020-01-05\"^^xsd:date ; schema:endDate \"2020-01-01\"^^xsd:date .\n")
    files = all_files(Settings(root=root))
    found = validate_files(files, root)
    assert found == validate_parsed(parse_all(files), root, engine="pyshacl")
    ends = [v for v in found if v.severity == "Violation" and v.focus.endswith("/event/2020-test")]
    assert ends and all(v.files == ("data/reference/broken-event.ttl",) for v in ends)


def test_unknown_engine_is_refused(context):
    shapes, ontology, reference = context
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        validate_graph(reference, shapes, ontology, engine="nope")
