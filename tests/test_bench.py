"""The benchmark harness keeps working: one run at the smallest scale with ~1 s cells.

It runs bench/run.py as `make bench` does (a subprocess, servers on 127.0.0.1, the load generator in
its own process) and checks the JSON holds every measurement. No time is asserted: this machine's
speed is not what is tested, the harness is.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import run  # noqa: E402


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    out = work / "result.json"
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--scales", "tiny", "--seconds", "1", "--reps", "5",
           "--rep-seconds", "0.2", "--workers", "1", "--workdir", str(work), "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text()), proc.stdout


def test_generated_graph_passes_the_shapes_and_grows_the_curated_one(result):
    data = result[0]["scales"]["tiny"]
    assert data["generated"]["sources"] >= 1
    build = data["build"]
    assert build["violations"] == 0
    assert build["store_triples"] > build["data_triples"] > data["generated"]["curated_triples"] - 2000


def test_build_steps_are_each_timed_with_memory(result):
    build = result[0]["scales"]["tiny"]["build"]
    for step in ("parse", "validate", "load"):
        assert build[f"{step}_s"] >= 0
        assert build[f"{step}_peak_mib"] > 0
    assert build["cached_build_s"] >= 0


def test_every_canned_query_and_the_entity_description_are_timed(result):
    latency = result[0]["scales"]["tiny"]["latency"]
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert set(latency["queries"]) == names
    for figures in [*latency["queries"].values(), latency["entity_description"], *latency["label_search"].values()]:
        assert figures["runs"] >= 3
        assert 0 <= figures["p50_ms"] <= figures["p99_ms"]
    assert latency["entity_description"]["bytes"] > 0


def test_every_http_cell_of_every_server_is_measured(result):
    data, _ = result
    http = data["scales"]["tiny"]["http"]
    assert set(http) == set(run.SERVERS)
    for server, info in http.items():
        assert "error" not in info, f"{server}: {info.get('error')}"
        assert info["startup_s"] > 0 and info["peak_rss_mib"] > 0
        assert set(info["cells"]) == set(run.CELLS), server
        for cell, figures in info["cells"].items():
            assert figures["check"]["status"] == 200, f"{server} {cell}: {figures['check']}"
            for conc in (1, 16):
                load = figures[f"c{conc}"]
                assert "error" not in load, f"{server} {cell} c{conc}: {load}"
                assert load["requests"] > 0 and load["ok_per_s"] > 0, f"{server} {cell} c{conc}: {load}"
                if server != "aichr-kg" or conc == 1:  # the service may shed load past max_concurrent_queries (503)
                    assert load["errors"] == 0, f"{server} {cell} c{conc}: {load}"
                assert load["p50_ms"] <= load["p99_ms"]


def test_servers_answer_the_same_queries_alike(result):
    """The comparison is fair only if the three servers return the same rows for the same query."""
    http = result[0]["scales"]["tiny"]["http"]
    for cell in ("label", "three-join", "aggregation", "canned"):
        rows = {server: http[server]["cells"][cell]["check"].get("rows") for server in run.SERVERS}
        assert len(set(rows.values())) == 1 and None not in rows.values(), f"{cell}: {rows}"


def test_ratios_and_the_table_are_reported(result):
    data, stdout = result
    ratios = data["scales"]["tiny"]["ratios"]
    for cell in run.CELLS:
        for conc in ("c1", "c16"):
            assert set(ratios[cell][conc]) == {"oxigraph", "rdflib-endpoint"}
            assert all(value and value > 0 for value in ratios[cell][conc].values())
    assert "ours/oxigraph" in stdout and "ours/rdflib-ep" in stdout
    assert data["machine"]["cores"] >= 1 and data["command"].startswith("python bench/run.py")


def test_generator_is_deterministic(tmp_path):
    first = generate.generate(5_000, tmp_path / "a")
    second = generate.generate(5_000, tmp_path / "b")
    assert first == second
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "data").rglob("*.ttl"))
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b" / "data").rglob("*.ttl"))
    for path in files:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()
