"""``aichr-kg serve`` and ``aichr-kg load`` as a user runs them."""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from servers import CLI, OxigraphServer, children, free_port, wait_until_up

from aichr_kg.cli import main
from aichr_kg.remote import RemoteStore

LABEL = ("SELECT ?label WHERE { <https://w3id.org/aichr-kg/id/body/aichr> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")


def test_serve_answers_then_stops_with_its_workers(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICHR_KG_")}
    server = subprocess.Popen([CLI, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=120)
        answer = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": LABEL}, timeout=30)
        assert answer.json()["results"]["bindings"][0]["label"]["value"] == "ASEAN Intergovernmental Commission on Human Rights"
        description = httpx.get(f"http://127.0.0.1:{port}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
        assert f"<http://127.0.0.1:{port}/sparql>".encode() in description.content
        workers = children(server.pid)
        assert len(workers) >= 3  # the query workers (Settings.query_workers)
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_serve_refuses_bad_settings_in_one_line(monkeypatch):
    monkeypatch.delenv("AICHR_KG_ENDPOINT", raising=False)  # restored afterwards, whatever serve does
    monkeypatch.delenv("AICHR_KG_STORE", raising=False)
    result = CliRunner().invoke(main, ["serve", "--endpoint", "ftp://example.org/sparql"])
    assert result.exit_code == 1
    assert "endpoint" in result.output and "must be an http(s) URL" in result.output
    assert "Traceback" not in result.output


def test_load_pushes_the_build_with_its_graph_names(tmp_path, store, settings):
    with OxigraphServer(tmp_path / "oxigraph") as server:
        result = CliRunner().invoke(main, ["load", "--endpoint", server.store_url])
        assert result.exit_code == 0, result.output
        assert f"into {server.store_url}" in result.output
        remote = RemoteStore(server.query_url, timeout=10, queries_dir=settings.queries_dir)
        assert list(remote.graph_names()) == list(store.graph_names())
        assert remote.triple_count() == store.triple_count()
        assert "https://w3id.org/aichr-kg/graph/reference" in result.output


def test_load_without_a_server(settings):
    result = CliRunner().invoke(main, ["load", "--endpoint", f"http://127.0.0.1:{free_port()}/store"])
    assert result.exit_code == 1
    assert "cannot reach" in result.output and "Traceback" not in result.output
    assert CliRunner().invoke(main, ["load"]).exit_code == 2


def test_load_into_virtuoso_then_serve_in_front_of_it(virtuoso, store, settings):
    """Virtuoso's Graph Store Protocol takes the build (digest auth, graph names kept); `serve --endpoint` answers from it."""
    # Virtuoso's default graph is always the union of its graphs: no merged copy is sent (see `load --help`)
    result = CliRunner().invoke(main, ["load", "--endpoint", virtuoso.store_url, "--no-default-graph"])
    assert result.exit_code == 0, result.output
    assert "dba:dba" not in result.output and "sparql-graph-crud-auth" in result.output
    remote = RemoteStore(virtuoso.query_url, timeout=10, queries_dir=settings.queries_dir, passthrough=False)
    assert set(store.graph_names()) <= set(remote.graph_names())
    for graph in store.graph_names():
        assert remote.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"), graph
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AICHR_KG_")}, "AICHR_KG_ENDPOINT_PASSTHROUGH": "false"}
    server = subprocess.Popen([CLI, "serve", "--port", str(port), "--endpoint", virtuoso.query_url], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=120)
        answer = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": LABEL}, timeout=30)
        assert answer.json()["results"]["bindings"][0]["label"]["value"] == "ASEAN Intergovernmental Commission on Human Rights"
        tsv = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": LABEL}, headers={"Accept": "text/tab-separated-values"})
        assert tsv.text.splitlines() == ["?label", '"ASEAN Intergovernmental Commission on Human Rights"@en']
        document = httpx.get(f"http://127.0.0.1:{port}/doc/body/aichr", headers={"Accept": "text/turtle"}, timeout=30)
        assert document.status_code == 200 and b"ASEAN Intergovernmental Commission" in document.content
    finally:
        server.send_signal(signal.SIGINT)
        print(server.communicate(timeout=30)[0].decode()[-3000:])  # shown when the test fails


def test_load_into_virtuoso_with_a_wrong_password(virtuoso):
    wrong = virtuoso.store_url.replace("dba:dba@", "dba:wrong@")
    result = CliRunner().invoke(main, ["load", "--endpoint", wrong])
    assert result.exit_code == 1 and "401" in result.output and "wrong" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name, text, said", [
    ("broken.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n', "broken.ttl, line 2: "),
    ("notes.txt", "not RDF\n", "notes.txt: not a file of an RDF format this service reads"),
])
def test_serve_with_a_broken_extra_file_says_which_in_one_line(tmp_path, name, text, said):
    extra = tmp_path / name
    extra.write_text(text)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AICHR_KG_")},
           "AICHR_KG_STORE_CACHE": str(tmp_path / "stores")}
    done = subprocess.run([CLI, "serve", "--port", str(free_port()), "--extra", str(extra)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [done.stderr.strip()] and done.stderr.startswith(f"error: {extra.parent}")
    assert said in done.stderr and "Traceback" not in done.stderr + done.stdout
