"""The `aichr-kg` command, run as a user runs it: a subprocess, its output and its exit code."""

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph


def cli(*args, root=None, stdin=None):
    cmd = [sys.executable, "-m", "aichr_kg"] + (["--root", str(root)] if root else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin, timeout=120)


@pytest.fixture
def project_copy(tmp_path, settings):
    """A copy of ontology/, data/, shapes/ and queries/ that a test may break."""
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(settings.root / name, tmp_path / name)
    return tmp_path


def test_validate_passes_on_the_curated_data():
    result = cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("valid:")


def test_build_writes_every_dump(tmp_path):
    result = cli("build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    ttl = Graph().parse(tmp_path / "aichr-kg.ttl")
    assert len(ttl) > 3000
    assert len(Graph().parse(tmp_path / "aichr-kg.nt")) == len(ttl)
    assert len(Graph().parse(tmp_path / "aichr-kg.jsonld", format="json-ld")) == len(ttl)
    trig = Dataset()
    trig.parse(tmp_path / "aichr-kg.trig", format="trig")
    names = {str(g.identifier) for g in trig.graphs()}
    assert "https://w3id.org/aichr-kg/graph/press-release-2022-10-03-tip-consultation" in names


def test_an_unchanged_build_links_the_dumps_its_first_run_made(tmp_path):
    """The dumps are written once per build (in the store cache) and put into --out as links to them."""
    first, second = tmp_path / "one", tmp_path / "two"
    assert cli("build", "--out", str(first)).returncode == 0
    assert cli("build", "--out", str(second)).returncode == 0
    for suffix in ("ttl", "nt", "trig", "nq", "jsonld"):
        a, b = first / f"aichr-kg.{suffix}", second / f"aichr-kg.{suffix}"
        assert a.stat().st_ino == b.stat().st_ino and a.stat().st_nlink >= 3, suffix  # one file: the build's own
    assert (first / "ontology.html").read_bytes() == (second / "ontology.html").read_bytes()


def test_query_outputs_csv_and_json():
    out = cli("query", "events-by-theme", "--param", "theme=theme:trafficking-in-persons", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert "Consultation on Human Rights and Countering Trafficking in Persons in ASEAN" in {r["eventLabel"] for r in rows}
    out = cli("query", "aichr-posts-by-year", "-p", "year=2025", "-f", "json")
    data = json.loads(out.stdout)
    assert {b["personLabel"]["value"] for b in data["results"]["bindings"]} >= {"Edmund Bon Tai Soon"}


def test_query_from_stdin_and_from_file(tmp_path):
    out = cli("query", "-", stdin="SELECT ?l { <https://w3id.org/aichr-kg/id/body/aichr> <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    assert "ASEAN Intergovernmental Commission on Human Rights" in out.stdout and out.returncode == 0
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/aichr-kg/ontology#MemberState> }")
    assert cli("query", str(rq), "-f", "csv").stdout.splitlines() == ["n", "11"]


@pytest.mark.parametrize("args,message", [
    (["query", "no-such-question"], "no canned query named 'no-such-question'"),
    (["query", "aichr-posts-by-year", "-p", "year=soon"], "parameter 'year': 'soon' is not a whole number"),
    (["query", "aichr-posts-by-year", "-p", "year"], "--param takes name=value"),
    (["query", "-"], "SPARQL syntax error"),
])
def test_bad_input_gets_one_line_and_a_nonzero_exit(args, message):
    result = cli(*args, stdin="SELECT WHERE {" if args == ["query", "-"] else None)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_stats_counts_classes():
    out = cli("stats")
    assert out.returncode == 0
    assert "triples:" in out.stdout
    counts = {line.split()[1]: int(line.split()[0]) for line in out.stdout.splitlines()[1:]}
    assert counts["ak:MemberState"] == 11 and counts["ak:Participation"] > 100


def test_malformed_turtle_is_reported_with_file_and_line(project_copy):
    broken = project_copy / "data" / "reference" / "places.ttl"
    lines = broken.read_text().splitlines()
    lines[14] = lines[14] + " this is not turtle"
    broken.write_text("\n".join(lines) + "\n")
    result = cli("validate", root=project_copy)
    assert result.returncode == 1
    assert "places.ttl, line 15" in result.stderr and "Traceback" not in result.stderr
    build = cli("build", "--out", str(project_copy / "dist"), root=project_copy)
    assert build.returncode == 1 and not (project_copy / "dist").exists()


def test_invalid_data_is_refused_with_file_shape_and_message(project_copy):
    # the consultation's full dates are a reading (the release gives no year), so they sit in the readings folder
    events = project_copy / "data" / "press-release-2022-10-03-tip-consultation" / "readings" / "readings.ttl"
    text = events.read_text()
    assert 'schema:startDate "2022-09-27"^^xsd:date' in text
    events.write_text(text.replace('schema:startDate "2022-09-27"^^xsd:date', 'schema:startDate "27 September"'))
    result = cli("validate", root=project_copy)
    assert result.returncode == 1
    assert "2022-09-27-tip-consultation.ttl" in result.stdout and "EventShape" in result.stdout
    assert "dates are xsd:date" in result.stdout
    assert cli("build", "--out", str(project_copy / "dist"), root=project_copy).returncode == 1


SOURCES = ["background-note-aichr-un-cooperation", "press-release-2022-10-03-tip-consultation", "press-release-2024-05-08-human-rights-index-consultation",
                    "press-release-2025-11-7th-ahrd-dialogue", "working-group-secretariat-page"]


@pytest.mark.parametrize("slug", SOURCES)
def test_check_sources_finds_each_source_complete(slug):
    result = cli("check-sources", slug)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{slug}: complete"


def test_check_sources_names_what_a_new_source_lacks(project_copy):
    """A statement node without locator, a reading without note, a background fact without citation, a note in a
    source graph and an undescribed graph are each reported, under their source, and fail the command; validate
    (and build) only warn."""
    slug = "press-release-2022-10-03-tip-consultation"
    head = ("@prefix ak: <https://w3id.org/aichr-kg/ontology#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix event: <https://w3id.org/aichr-kg/id/event/> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n")
    (project_copy / "data" / slug / "planted.ttl").write_text(
        head + 'event:planted a ak:Meeting ; rdfs:label "Planted"@en ; dcterms:description "A planted event."@en ;\n'
        '  ak:curatorNote "a note"@en .\n')
    (project_copy / "data" / slug / "readings" / "planted.ttl").write_text(
        head + 'event:planted rdfs:comment "read into it"@en .\n')
    (project_copy / "data" / "curator-background" / "planted.ttl").write_text(
        head + 'event:planted rdfs:comment "from elsewhere"@en .\n')
    (project_copy / "data" / "unlisted-source").mkdir()
    (project_copy / "data" / "unlisted-source" / "x.ttl").write_text(head + 'event:other rdfs:label "Other"@en .\n')
    result = cli("check-sources", slug, root=project_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert out.startswith(f"{slug}: 3 problem(s)"), out
    for check in ("(locator, in", "(source-note, in", "(reading-note, in"):
        assert check in out, out
    everything = cli("check-sources", root=project_copy)
    assert "curator-background: 1 problem(s)" in everything.stdout and "(background-citation," in everything.stdout
    assert "unlisted-source: 1 problem(s)" in everything.stdout and "(graph-description," in everything.stdout
    validate = cli("validate", root=project_copy)
    assert validate.returncode == 0, validate.stderr
    assert "Warning: https://w3id.org/aichr-kg/graph/curator-background:" in validate.stdout


def test_check_sources_refuses_an_unknown_slug():
    result = cli("check-sources", "no-such-source")
    assert result.returncode == 2 and "no source 'no-such-source'" in result.stderr


def test_validate_refuses_an_ill_typed_date_with_file_and_line(project_copy):
    bad = project_copy / "data" / "reference" / "ill-typed.ttl"
    bad.write_text("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix schema: <https://schema.org/> .\n\n"
                   '<https://w3id.org/aichr-kg/id/event/2018-x> schema:startDate "2018-13-45"^^xsd:date .\n')
    result = cli("validate", root=project_copy)
    assert result.returncode == 1
    assert f'{bad}, line 4: ill-typed literal "2018-13-45"^^xsd:date' in result.stderr, result.stderr


def test_build_keeps_a_release_under_its_data_version(tmp_path, settings):
    from click.testing import CliRunner

    from aichr_kg.cli import main
    from aichr_kg.release import current

    version = current(settings).version
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "dist"), "--release", str(tmp_path / "releases")])
    assert result.exit_code == 0, result.output
    assert f"(data version {version})" in result.output
    kept = tmp_path / "releases" / version
    assert {p.name for p in kept.iterdir()} == {f"aichr-kg-{version}.{s}" for s in ("ttl", "nt", "trig", "nq", "jsonld")}
    assert f"<https://w3id.org/aichr-kg/ontology/{version}>".encode() in (kept / f"aichr-kg-{version}.nq").read_bytes()
    page = (tmp_path / "dist" / "ontology.html").read_text()
    assert 'id="ASEANBody"' in page and f"ontology/{version}" in page
    assert CliRunner().invoke(main, ["--version"]).output.strip().startswith("aichr-kg, version ")
