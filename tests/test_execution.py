"""The worker pool: answers in full or raises; stops runaway queries by deadline or memory; keeps its size."""

import http.server
import subprocess
import sys
import threading
import time

import pytest

from aichr_kg.execution import (Admission, AnswerTooLarge, NetworkNotIsolated, QueryEvaluationError, QueryJob,
                                QueryRefused, QuerySyntaxError, QueryTimeout, QueryTooBig, Saturated, WorkerPool,
                                open_runner, plan_dataset, protocol_dataset, syntax_message)
from aichr_kg.querycheck import check
from aichr_kg.settings import Settings
from aichr_kg.store import Dataset
from servers import no_namespace_library

LABEL = ("SELECT ?label WHERE { <https://w3id.org/aichr-kg/id/body/aichr> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"


@pytest.fixture(scope="module")
def pool(store):
    runner = open_runner(Settings(query_timeout=1.5, query_workers=1, query_memory_limit=400), store)
    yield runner
    runner.close()


def wait_full(pool) -> None:
    deadline = time.monotonic() + 10
    while len(pool.idle_pids()) < pool.size and time.monotonic() < deadline:
        time.sleep(0.05)


def test_answers_in_the_requested_format(pool):
    answer = pool.run(QueryJob(LABEL, results_format="text/csv"))
    assert answer.kind == "solutions" and answer.media_type.startswith("text/csv")
    assert answer.body.decode().splitlines() == ["label", "ASEAN Intergovernmental Commission on Human Rights"]
    graph = pool.run(QueryJob("CONSTRUCT WHERE { <https://w3id.org/aichr-kg/id/body/aichr> ?p ?o }",
                              graph_format="application/n-triples"))
    assert graph.kind == "graph" and b"ASEAN Intergovernmental Commission" in graph.body


def test_syntax_error_names_line_and_column(pool):
    with pytest.raises(QuerySyntaxError, match=r"^syntax error at line 3, column 2 near 'FILTER\(\?x = }'"):
        pool.run(QueryJob("SELECT * WHERE {\n ?s ?p ?o .\n FILTER(?x = }"))
    assert syntax_message("error at 2:7: expected WHERE", line_offset=1) == "syntax error at line 1, column 7: expected WHERE"


def test_deadline_kills_the_worker_and_a_fresh_one_follows(pool):
    wait_full(pool)
    (pid,) = pool.idle_pids()
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="ran longer than 1.5 s"):
        pool.run(QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
    assert 1.5 <= time.monotonic() - started < 2.5
    wait_full(pool)
    assert pool.idle_pids() and pool.idle_pids() != [pid]
    assert pool.run(QueryJob(LABEL)).body.count(b"ASEAN") == 1


def test_memory_ceiling_stops_a_query_that_grows(pool):
    wait_full(pool)
    started = time.monotonic()
    with pytest.raises(QueryTooBig, match="more than 400 MB"):
        pool.run(QueryJob(CROSS_PRODUCT))
    assert time.monotonic() - started < 1.5  # the ceiling, not the deadline, stopped it
    wait_full(pool)
    assert b"ASEAN" in pool.run(QueryJob(LABEL)).body


def test_workers_have_no_network(pool):
    """Behind the SERVICE refusal: even a SERVICE query that reached a worker could not call out."""
    if not pool.network_isolated:
        pytest.skip("this kernel does not let the workers drop their network (no network namespace)")
    calls = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            calls.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(QueryRefused, match="SERVICE"):  # the check refuses it first
            pool.run(QueryJob(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{server.server_port}/sparql> {{ ?s ?p ?o }} }}"))
        # past the check (as a text two parsers read differently would be), an isolated process cannot call out
        isolated = subprocess.run(
            [sys.executable, "-c", "import socket, sys; from aichr_kg.execution import _isolate_network, _libc; "
             "assert _isolate_network(_libc()); socket.create_connection(('127.0.0.1', int(sys.argv[1])), 2)",
             str(server.server_port)], capture_output=True, text=True, timeout=30)
        assert isolated.returncode != 0 and "Network is unreachable" in isolated.stderr
    finally:
        server.shutdown()
    assert calls == []


def test_admission_refuses_beyond_the_limit():
    admission = Admission(2, retry_after=3)
    with admission, admission:
        with pytest.raises(Saturated, match="busy") as refused:
            with admission:
                pass
        assert refused.value.retry_after == 3
    with admission:  # slots come back
        pass


def test_plan_dataset():
    assert plan_dataset(check("SELECT * {}"), Dataset()) == Dataset()
    assert plan_dataset(check("SELECT * FROM <http://g/1> {}"), Dataset()) == Dataset(("http://g/1",), ())
    protocol = plan_dataset(check("SELECT * FROM <http://g/1> {}"), protocol_dataset(["http://g/2"], []))
    assert protocol == Dataset(("http://g/2",), ())
    # a graph the store does not hold is kept: it is an empty graph, not an error
    assert plan_dataset(check("SELECT * FROM NAMED <http://elsewhere/> {}"), Dataset()) == Dataset((), ("http://elsewhere/",))


def test_event_loop_path_answers_and_stops_runaways_alike(pool):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def scenario():
        answer = await pool.run_async(QueryJob(LABEL))
        with pytest.raises(QueryTooBig):
            await pool.run_async(QueryJob(CROSS_PRODUCT))
        return answer

    wait_full(pool)
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever loop this thread may already run
        answer = thread.submit(asyncio.run, scenario()).result()
    assert b"ASEAN Intergovernmental" in answer.body
    wait_full(pool)
    time.sleep(0.8)  # time enough for a second, spurious replacement to show up
    assert len(pool.idle_pids()) == pool.size  # a stopped worker is replaced once, not twice


def test_event_loop_path_reads_answers_that_arrive_in_pieces_under_uvloop(pool):
    """uvicorn runs on uvloop, whose watchers make a socket non-blocking: an answer bigger than the socket's
    buffer must still be read whole, and the worker stays usable (it once failed with BlockingIOError)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    uvloop = pytest.importorskip("uvloop")
    big = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3000"

    async def scenario():
        sizes = [len((await pool.run_async(QueryJob(big, results_format="application/sparql-results+json"))).body)
                 for _ in range(2 * pool.size)]
        small = await pool.run_async(QueryJob(LABEL))
        return sizes, small

    wait_full(pool)
    restarts = pool.restarts
    with ThreadPoolExecutor(1) as thread:
        sizes, small = thread.submit(uvloop.run, scenario()).result()
    assert min(sizes) == max(sizes) > 300_000  # every answer whole (more than a socket buffer holds)
    assert b"ASEAN Intergovernmental" in small.body
    assert pool.restarts == restarts  # no worker was lost on the way


@pytest.fixture(scope="module")
def refusing_host(tmp_path_factory):
    """LD_PRELOAD value making every worker's unshare(2) fail, as on a host without network namespaces."""
    return str(no_namespace_library(tmp_path_factory.mktemp("nonetns")))


def test_pool_fails_closed_where_workers_keep_the_network(refusing_host, monkeypatch, caplog):
    monkeypatch.setenv("LD_PRELOAD", refusing_host)  # inherited by the workers the pool starts
    limits = {"size": 1, "timeout": 5, "memory_limit_mb": 400, "max_concurrent": 2}
    with pytest.raises(NetworkNotIsolated, match="AICHR_KG_ALLOW_WORKER_NETWORK=true"):
        WorkerPool(None, **limits)
    with caplog.at_level("WARNING", logger="aichr_kg.execution"):
        pool = WorkerPool(None, allow_network=True, **limits)  # the operator accepts it
    try:
        assert not pool.network_isolated
        assert "keep network access" in caplog.text and "query check alone" in caplog.text
        with pytest.raises(QueryRefused, match="SERVICE"):
            pool.run(QueryJob("ASK { SERVICE <http://127.0.0.1:9/> { } }"))
    finally:
        pool.close()


def test_answer_over_the_limit_is_stopped_in_the_worker(store):
    pool = open_runner(Settings(query_workers=1, max_answer_size=1), store)
    try:
        with pytest.raises(AnswerTooLarge, match="larger than 1 MB"):
            pool.run(QueryJob("SELECT * WHERE { ?s ?p ?o }"))
        assert b"ASEAN" in pool.run(QueryJob(LABEL)).body  # the worker goes on
    finally:
        pool.close()
