"""``aichr-kg diff OLD NEW``: entities and statements added, removed and changed between two builds, by named graph."""

import json

from click.testing import CliRunner

from aichr_kg.dumps import write_dumps
from aichr_kg.cli import main

ID = "https://w3id.org/aichr-kg/id/"
GRAPH = "https://w3id.org/aichr-kg/graph/press-release-2022-10-03-tip-consultation"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def _edit(project):
    path = project / "data" / "press-release-2022-10-03-tip-consultation" / "instruments.ttl"
    text = path.read_text()
    assert 'rdfs:label "Bohol Work Plan 2.0"@en' in text
    path.write_text(text.replace('rdfs:label "Bohol Work Plan 2.0"@en', 'rdfs:label "Bohol Work Plan (second)"@en')
                    + f'\n<{ID}person/new-person> a <http://xmlns.com/foaf/0.1/Person> ; {LABEL} "New Person"@en .\n')


def test_diff_of_two_folders_names_what_changed_by_graph(project, settings):
    _edit(project)
    result = CliRunner().invoke(main, ["diff", str(settings.root), str(project), "--format", "json"])
    assert result.exit_code == 0, result.output
    graphs = {g["graph"]: g for g in json.loads(result.output)["graphs"]}
    source = graphs[GRAPH]
    assert source["entities_added"] == [f"{ID}person/new-person"]
    assert source["entities_changed"] == [f"{ID}instrument/bohol-work-plan-2-0"]
    assert f'<{ID}instrument/bohol-work-plan-2-0> {LABEL} "Bohol Work Plan 2.0"@en .' in source["statements_removed"]
    assert f'<{ID}instrument/bohol-work-plan-2-0> {LABEL} "Bohol Work Plan (second)"@en .' in source["statements_added"]
    assert source["entities_removed"] == []
    assert set(graphs) <= {GRAPH, "https://w3id.org/aichr-kg/graph/derived"}  # nothing else moved


def test_a_dump_against_the_folder_it_was_built_from_shows_no_change(store, settings, tmp_path):
    dump = next(p for p in write_dumps(store, tmp_path) if p.suffix == ".nq")
    result = CliRunner().invoke(main, ["diff", str(dump), str(settings.root)])
    assert result.exit_code == 0 and result.output.strip() == "no differences", result.output


def test_diff_text_lists_statements_with_signs(project, settings, tmp_path, store):
    _edit(project)
    old = next(p for p in write_dumps(store, tmp_path) if p.suffix == ".trig")
    result = CliRunner().invoke(main, ["diff", str(old), str(project / "data")])
    assert result.exit_code == 0
    assert f"graph <{GRAPH}>: +3 -1 statements; entities 1 added, 0 removed, 1 changed" in result.output
    assert f'  - <{ID}instrument/bohol-work-plan-2-0> {LABEL} "Bohol Work Plan 2.0"@en .' in result.output


def test_diff_refuses_inputs_without_graph_names(tmp_path, settings):
    flat = tmp_path / "x.ttl"
    flat.write_text("<urn:a> <urn:b> <urn:c> .\n")
    result = CliRunner().invoke(main, ["diff", str(flat), str(settings.root)])
    assert result.exit_code == 2 and ".trig or .nq" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "missing.nq"), str(settings.root)])
    assert result.exit_code == 2 and "no such file or folder" in result.output
