"""The benchmark harness keeps working: one run at the smallest scale with 1 s cells, every server.

It runs bench/run.py as `make bench` does (a subprocess; oxigraph serve, Virtuoso, rdflib-endpoint, this
service, this service with nothing kept and this service in front of oxigraph serve, each on 127.0.0.1; the load generator in its own
process), on a few cells at concurrency 1 and 4, and checks that the JSON holds every measurement and
that a ratio is given only between equal answers. No time is asserted: this machine's speed is not what
is tested, the harness is.
"""

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import cells  # noqa: E402
import engines  # noqa: E402
import generate  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402

CELLS = ["label", "aggregation", "entity-turtle", "entity-html"]
CONC = (1, 4)

@pytest.fixture(scope="module")
def result(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    out = work / "result.json"
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--scales", "tiny", "--seconds", "1", "--warmup", "0",
           "--drain-limit", "0", "--concurrency", ",".join(map(str, CONC)), "--cells", ",".join(CELLS),
           "--load-seconds", "1", "--load-concurrency", "4", "--reps", "3", "--rep-seconds", "0.1",
           "--workdir", str(work), "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text()), proc.stdout, work


def test_generated_graph_passes_the_shapes_and_grows_the_curated_one(result):
    data = result[0]["scales"]["tiny"]
    assert data["generated"]["sources"] >= 1
    build = data["build"]
    assert build["violations"] == 0
    assert build["store_triples"] > build["data_triples"] > data["generated"]["curated_triples"] - 2000


def test_the_build_is_timed_with_memory_beside_the_engines_load(result):
    data = result[0]["scales"]["tiny"]
    build = data["build"]
    for step in ("validate", "load", "rules", "index", "dumps"):  # the steps of aichr_kg.diskstore, one by one
        assert build[f"{step}_s"] >= 0
        assert build[f"{step}_peak_mib"] > 0
    ours = data["http"]["aichr-kg"]
    assert ours["load_s"] > 0 and ours["load_peak_rss_mib"] > 0 and ours["rebuild_s"] > 0
    assert data["oxigraph_load"]["seconds"] > 0 and data["oxigraph_load"]["peak_rss_mib"] > 0
    assert "aichr-kg build / oxigraph load" in result[1]


def test_every_canned_query_and_the_entity_description_are_timed(result):
    latency = result[0]["scales"]["tiny"]["latency"]
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert set(latency["queries"]) == names
    for figures in [*latency["queries"].values(), latency["entity_description"], *latency["label_search"].values()]:
        assert figures["runs"] >= 1
        assert 0 <= figures["p50_ms"] <= figures["p99_ms"]


def test_every_cell_of_every_server_is_measured_on_the_same_storage(result):
    data, _, _ = result
    http = data["scales"]["tiny"]["http"]
    assert set(http) == set(report.SERVERS)
    assert data["scales"]["tiny"]["storage"] == "memory"
    assert "in memory" in http["aichr-kg"]["storage"] and "in memory" in http["oxigraph"]["storage"]
    for server, info in http.items():
        assert "error" not in info, f"{server}: {info.get('error')}"
        assert info["startup_s"] > 0 and info["peak_rss_mib"] > 0
        expected = {c for c in CELLS if server in cells.OURS or c != "entity-html"}
        if server == "remote":
            expected &= set(cells.REMOTE_CELLS)
        if server == "uncached":  # ours with nothing kept: the /sparql cells only
            expected &= set(cells.UNCACHED_CELLS)
        assert set(info["cells"]) == expected, server
        for cell, figures in info["cells"].items():
            assert figures["check"]["status"] == 200, f"{server} {cell}: {figures['check']}"
            for conc in CONC:
                load = figures[f"c{conc}"]
                assert "error" not in load, f"{server} {cell} c{conc}: {load}"
                assert load["requests"] > 0 and load["ok_per_s"] > 0, f"{server} {cell} c{conc}: {load}"
                assert load["p50_ms"] <= load["p99_ms"]
                assert load["errors"] == sum(load["non2xx"].values()) + sum(load["socket_errors"].values())


def test_a_ratio_is_given_only_between_equal_answers(result):
    data = result[0]["scales"]["tiny"]
    http = data["http"]
    assert http["oxigraph"]["cells"]["label"]["answer"] is None
    assert http["aichr-kg"]["cells"]["label"]["answer"] is None  # the same 5 rows as the engine
    assert http["aichr-kg"]["cells"]["entity-turtle"]["answer"] is None  # our document holds the engine's CONSTRUCT
    for cell, by_conc in data["ratios"].items():
        if cell not in CELLS:
            continue
        for conc, by_peer in by_conc.items():
            for peer, value in by_peer.items():
                server = peer.split("/")[0] if "/" in peer else peer
                other = "oxigraph" if "/" in peer else server
                against = "entity-turtle" if cell == "entity-html" else cell
                agree = (http[server if "/" in peer else "aichr-kg"]["cells"][against].get("answer") is None
                         and http[other]["cells"][against].get("answer") is None)
                if agree:
                    assert isinstance(value, float) and value > 0, (cell, conc, peer, value)
                else:
                    assert isinstance(value, str) and "different answer" in value, (cell, conc, peer, value)


def test_a_different_answer_is_reported_instead_of_a_ratio(result):
    """A server that answers other rows gets "different answer (N rows vs M)", never a ratio: here a real
    oxigraph serve over the run's dump answers the label lookup once as asked and once cut to 2 rows."""
    _, _, work = result
    engine = engines.oxigraph(work / "tiny", work / "tiny" / "dump.nq", "memory", 60)
    try:
        asked = cells.bench_query("label-lookup")
        url = engine.base + "/query?" + urllib.parse.urlencode({"query": asked})
        cut = engine.base + "/query?" + urllib.parse.urlencode({"query": asked + "LIMIT 2"})
        same, same_digest = run.check(url, cells.SPARQL_JSON)
        other, other_digest = run.check(cut, cells.SPARQL_JSON)
    finally:
        engine.stop()
    assert same["rows"] == 5 and other["rows"] == 2
    http = {"oxigraph": {"cells": {"label": {"check": same, "c1": {"ok_per_s": 100.0}}}},
            "aichr-kg": {"cells": {"label": {"check": other, "c1": {"ok_per_s": 400.0}}}}}
    run.judge(http, {"oxigraph": {"label": same_digest}, "aichr-kg": {"label": other_digest}})
    assert http["aichr-kg"]["cells"]["label"]["answer"] == "different answer (2 rows vs 5)"
    ratio = report.ratio({"http": http}, "aichr-kg", "label", "oxigraph", 1)
    assert ratio == "ours: different answer (2 rows vs 5)"
    run.judge(http, {"oxigraph": {"label": same_digest}, "aichr-kg": {"label": same_digest}})
    assert report.ratio({"http": http}, "aichr-kg", "label", "oxigraph", 1) == 4.0


def test_the_load_cell_counts_every_status(result):
    mix = result[0]["scales"]["tiny"]["load"]
    assert {"/sparql", "/search"} <= set(mix["mix"]) and any(p.startswith("/doc/") for p in mix["mix"])
    figures = mix["c4"]
    assert figures["requests"] > 0
    assert figures["errors"] == sum(figures["non2xx"].values()) + sum(figures["socket_errors"].values())
    assert "load cell (issue 10)" in result[1]


def test_ratios_growth_and_targets_are_reported(result):
    data, stdout, _ = result
    assert "ours/oxigraph" in stdout and "ours/virtuoso" in stdout and "ours/rdflib-ep" in stdout and "remote/oxigraph" in stdout
    assert "targets:" in stdout and "remote mode label c1" in stdout
    assert "uncached/oxigraph" in stdout and "aggregation c1: ours with nothing kept / oxigraph serve" in stdout
    assert data["machine"]["cores"] >= 1 and data["command"].startswith("python bench/run.py")
    assert "load average" in data["uptime"]["start"] and "load average" in data["uptime"]["end"]
    two = {"settings": data["settings"], "scales": {"1e4": data["scales"]["tiny"], "1e5": data["scales"]["tiny"]}}
    rows = report.growth(two)
    assert rows and all(row[-1] == 1.0 for row in rows)  # the same figures at both scales grow alike


def test_generator_is_deterministic(tmp_path):
    first = generate.generate(5_000, tmp_path / "a")
    second = generate.generate(5_000, tmp_path / "b")
    assert first == second
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "data").rglob("*.ttl"))
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b" / "data").rglob("*.ttl"))
    for path in files:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()


def test_a_build_only_scale_measures_the_build_and_nothing_else(tmp_path):
    """`make bench` runs 1e7 as a build-only scale (its HTTP cells would take hours): phases, the engine's load."""
    out = tmp_path / "result.json"
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--scales", "tiny", "--build-only-scales", "tiny",
           "--workdir", str(tmp_path), "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())["scales"]["tiny"]
    assert data["build"]["total_s"] > 0 and data["build"]["rules_peak_mib"] > 0
    assert data["oxigraph_load"]["seconds"] > 0
    assert "http" not in data and "latency" not in data
    assert "build, side by side with the engine's load" in proc.stdout and "## Scale tiny" in proc.stdout
