"""Faults injected into real service processes (``aichr-kg serve`` on free ports, a real ``oxigraph serve``), each
followed by proof of recovery: the next queries answer 200 with the right rows. Each test prints how long the
recovery took (``pytest -s`` shows it):

- a query worker killed (SIGKILL) in the middle of a query;
- the store cache folder deleted, and a store file garbled, under the running service (then every worker killed,
  so that new ones must open the store);
- a damaged store cache at start-up;
- the upstream SPARQL server stopped, and hung, under a service in remote mode, then back.

Bounded: every wait has a limit, and the module keeps to about a minute on a loaded two-core machine.
"""

import itertools
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from servers import OxigraphServer, ServeProcess

from aichr_kg.remote import push

LABEL = ("SELECT ?label WHERE { <https://w3id.org/aichr-kg/id/body/aichr> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
AICHR = "ASEAN Intergovernmental Commission on Human Rights"
ENDLESS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RECOVERY_LIMIT = 60.0  # seconds within which each fault must be over


_PROBES = itertools.count()


def label(url: str, timeout: float = 30) -> httpx.Response:
    """The label query, a new text each time (a numbered comment), so that a worker runs it: a repeated query is
    answered from the answers the pool keeps, which would show the service answering while its workers are down."""
    query = f"{LABEL}\n# probe {next(_PROBES)}"
    return httpx.post(f"{url}/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                      timeout=timeout)


def right_rows(response: httpx.Response) -> bool:
    return response.status_code == 200 and [b["label"]["value"] for b in response.json()["results"]["bindings"]] == [AICHR]


def recovered(url: str, since: float, what: str) -> float:
    """Ask until the label query answers 200 with its one row; the seconds from ``since``, printed."""
    seen = []
    while time.monotonic() - since < RECOVERY_LIMIT:
        try:
            response = label(url)
        except httpx.TransportError as exc:
            seen.append(type(exc).__name__)
        else:
            if right_rows(response):
                seconds = time.monotonic() - since
                print(f"\nrecovery, {what}: {seconds:.2f} s (answers on the way: {', '.join(seen) or 'none'})")
                return seconds
            seen.append(str(response.status_code))
            assert response.status_code in (502, 503, 504), response.text  # a sentence, never a 500 or a broken 200
            time.sleep(0.2)
    pytest.fail(f"{what}: no right answer within {RECOVERY_LIMIT:g} s (answers: {seen})")


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def kill_all(pids: set[int]) -> None:
    """SIGKILL each process, and wait until each has ended (so that the service cannot still find it alive)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    for pid in pids:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() \
                and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX":
            time.sleep(0.01)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("faults")


def store_folder(cache: Path) -> Path:
    (folder,) = [p for p in cache.iterdir() if p.is_dir()]
    return folder


@pytest.fixture(scope="module")
def embedded(home):
    """The service over a store cache of its own (the validation cache is the user's: the input is known valid), with
    one query worker and its spare (so no fast lane, and few processes to start again on a loaded machine)."""
    service = ServeProcess(home, env={"AICHR_KG_STORE_CACHE": str(home / "stores"), "AICHR_KG_QUERY_WORKERS": "1"})
    with service:
        assert right_rows(label(service.url))
        yield service


def test_a_worker_killed_mid_query(embedded):
    answer = {}
    runaway = threading.Thread(target=lambda: answer.setdefault("response", httpx.post(
        f"{embedded.url}/sparql", data={"query": ENDLESS_COUNT}, timeout=60)))
    runaway.start()
    time.sleep(0.5)  # well past the moment the query reached its worker (a kill then is not retried)
    before = {pid: cpu_ticks(pid) for pid in embedded.workers()}
    time.sleep(0.5)
    busy = max(before, key=lambda pid: cpu_ticks(pid) - before[pid])
    killed = time.monotonic()
    kill_all({busy})
    runaway.join(30)
    response = answer["response"]
    assert response.status_code == 503, response.text
    assert "killed by signal 9, SIGKILL" in response.text and "memory" not in response.text.split("(")[0]
    recovered(embedded.url, killed, "a worker killed mid-query")


def test_the_cache_folder_deleted_under_the_running_service(embedded, home):
    folder = store_folder(home / "stores")
    shutil.rmtree(folder)
    assert httpx.get(f"{embedded.url}/doc/body/aichr", timeout=30).status_code == 200  # pages keep answering
    broken = time.monotonic()
    kill_all(embedded.workers())  # their successors must open the store, which is gone
    recovered(embedded.url, broken, "cache folder deleted, every worker killed")
    assert (folder / "BUILT").exists()
    assert "is damaged: it is gone; building it again" in embedded.output()


def test_a_store_file_garbled_under_the_running_service(embedded, home):
    current = store_folder(home / "stores") / "rdf" / "CURRENT"
    current.write_text("garbage\n")
    broken = time.monotonic()
    kill_all(embedded.workers())
    recovered(embedded.url, broken, "rdf/CURRENT garbled, every worker killed")
    assert "rdf/CURRENT is 8 bytes, 16 when it was built; building it again" in embedded.output()
    assert current.read_text().startswith("MANIFEST-")


def test_a_damaged_store_at_start_up(embedded, home):
    embedded.stop()
    folder = store_folder(home / "stores")
    table = max((folder / "rdf").glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(table, "r+b") as handle:
        handle.truncate(table.stat().st_size // 2)
    (folder / "labels.sqlite").write_text("{")
    started = time.monotonic()
    embedded.start()
    recovered(embedded.url, started, "start-up with a truncated store file")
    output = embedded.output().split("Application startup complete")[-2]  # this start's lines
    assert f"{table.relative_to(folder)} is" in output and "building it again" in output
    assert "Traceback" not in output
    search = httpx.get(f"{embedded.url}/search", params={"q": "AICHR"}, headers={"Accept": "application/json"},
                       timeout=30)
    assert search.status_code == 200 and AICHR in search.text
    assert (folder / "labels.sqlite").read_bytes().startswith(b"SQLite format 3\0")  # the label index made again


# -- in front of a remote server --------------------------------------------------------------------
@pytest.fixture(scope="module")
def upstream(service_graph, home):
    (home / "oxigraph").mkdir()
    server = OxigraphServer(home / "oxigraph").start()
    push(service_graph.store, server.store_url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote(upstream, home):
    service = ServeProcess(home, "--endpoint", upstream.query_url,
                           env={"AICHR_KG_QUERY_WORKERS": "1", "AICHR_KG_QUERY_TIMEOUT": "2",
                                "AICHR_KG_SPARE_QUERY_WORKERS": "0"})
    with service:
        assert right_rows(label(service.url))
        yield service


def test_the_upstream_stopped_then_started_again(remote, upstream):
    upstream.stop()
    try:
        down = label(remote.url)
        page = httpx.get(f"{remote.url}/doc/body/aichr", timeout=30)
        search = httpx.get(f"{remote.url}/search", params={"q": "AICHR"}, headers={"Accept": "application/json"},
                           timeout=30)
    finally:
        upstream.start()
    back = time.monotonic()
    assert down.status_code == 502 and "cannot be reached" in down.text
    assert page.status_code == 502
    # search answers from the service's own label index (its dates wait for the server)
    (first, *_) = search.json()["results"]
    assert search.status_code == 200 and first["label"] == AICHR and "AICHR" in first["otherNames"] + [first["matched"]]
    recovered(remote.url, back, "upstream stopped, then started again")


def test_the_upstream_hung_then_resumed(remote, upstream):
    upstream.process.send_signal(signal.SIGSTOP)
    try:
        hung = label(remote.url)
    finally:
        upstream.process.send_signal(signal.SIGCONT)
    back = time.monotonic()
    assert hung.status_code == 504 and "did not answer within 2 s" in hung.text
    recovered(remote.url, back, "upstream hung, then resumed")
