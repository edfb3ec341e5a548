"""The worker pool: answers in full or raises; stops runaway queries by deadline or memory; keeps its size."""

import http.server
import os
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


def kill_and_wait(pids, number) -> None:
    """Send signal ``number`` to each process and wait until each has ended (a zombie, or gone)."""
    for pid in pids:
        os.kill(pid, number)
    deadline = time.monotonic() + 10
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] in "ZX":
                    break
            except OSError:
                break
            time.sleep(0.01)


def wait_full(pool) -> None:
    deadline = time.monotonic() + 10
    while (len(pool.idle_pids()) < pool.size or not pool.settled()) and time.monotonic() < deadline:
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


@pytest.fixture(scope="module")
def memory_pool(store):
    """A deadline far beyond what the cross product needs to reach the ceiling, even on a loaded machine: what stops
    it is the memory ceiling, or the test fails with QueryTimeout."""
    runner = open_runner(Settings(query_timeout=MEMORY_DEADLINE, query_workers=1, query_memory_limit=400), store)
    yield runner
    runner.close()


MEMORY_DEADLINE = 60


def test_memory_ceiling_stops_a_query_that_grows(memory_pool):
    wait_full(memory_pool)
    started = time.monotonic()
    with pytest.raises(QueryTooBig, match="more than 400 MB"):
        memory_pool.run(QueryJob(CROSS_PRODUCT))
    assert time.monotonic() - started < MEMORY_DEADLINE / 2  # the ceiling, not the deadline, stopped it
    wait_full(memory_pool)
    assert b"ASEAN" in memory_pool.run(QueryJob(LABEL)).body


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


def test_event_loop_path_answers_and_stops_runaways_alike(memory_pool):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def scenario():
        answer = await memory_pool.run_async(QueryJob(LABEL))
        with pytest.raises(QueryTooBig):
            await memory_pool.run_async(QueryJob(CROSS_PRODUCT))
        return answer

    wait_full(memory_pool)
    restarts = memory_pool.restarts
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever loop this thread may already run
        answer = thread.submit(asyncio.run, scenario()).result()
    assert b"ASEAN Intergovernmental" in answer.body
    wait_full(memory_pool)
    time.sleep(0.8)  # time enough for a second, spurious replacement to show up
    assert memory_pool.restarts == restarts + 1  # the stopped worker is replaced once, not twice
    assert len(memory_pool.idle_pids()) == memory_pool.size


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


# -- fair under load ----------------------------------------------------------------------------
ENDLESS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def in_a_loop(coroutine):
    """Run ``coroutine`` on an event loop of its own (whatever loop this thread may already run)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture()
def small_pool(store):
    """One worker (so no fast lane), a short deadline and a shorter wait for a worker."""
    runner = open_runner(Settings(query_timeout=2, queue_timeout=0.8, query_workers=1, query_memory_limit=400), store)
    yield runner
    runner.close()


def test_waiting_queries_get_workers_in_arrival_order(store):
    import asyncio

    small_pool = open_runner(Settings(query_timeout=1, queue_timeout=10, query_workers=1), store)

    async def scenario():
        order = []

        async def label(n):
            await small_pool.run_async(QueryJob(LABEL + f" # {n}"))
            order.append(n)

        slow = asyncio.ensure_future(small_pool.run_async(QueryJob(ENDLESS_COUNT)))
        await asyncio.sleep(0.05)
        waiting = []
        for n in range(6):
            waiting.append(asyncio.ensure_future(label(n)))
            await asyncio.sleep(0.03)
        await asyncio.gather(slow, *waiting, return_exceptions=True)
        return order

    try:
        assert in_a_loop(scenario()) == list(range(6))
    finally:
        small_pool.close()


def test_wait_for_a_worker_is_bounded_apart_from_the_deadline(small_pool):
    import asyncio

    from aichr_kg.execution import QueueTimeout

    async def scenario():
        runaway = asyncio.ensure_future(small_pool.run_async(QueryJob(ENDLESS_COUNT)))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(QueueTimeout, match=r"no query worker became free within 0.8 s") as caught:
            await small_pool.run_async(QueryJob(LABEL))
        waited = time.monotonic() - started
        with pytest.raises(QueryTimeout):
            await runaway
        return waited, caught.value.retry_after

    waited, retry_after = in_a_loop(scenario())
    assert 0.7 < waited < 1.5 and retry_after >= 1


def test_a_cancelled_query_frees_its_worker_at_once(store):
    import asyncio

    deadline = 12  # far beyond what the next query needs even on a loaded machine: freed at once, or it fails
    pool = open_runner(Settings(query_timeout=deadline, query_workers=1, query_memory_limit=400), store)
    try:
        wait_full(pool)
        (pid,) = pool.idle_pids()

        async def scenario():
            runaway = asyncio.ensure_future(pool.run_async(QueryJob(ENDLESS_COUNT)))
            await asyncio.sleep(0.2)
            runaway.cancel()  # what the service does when the client hangs up
            started = time.monotonic()
            answer = await pool.run_async(QueryJob(LABEL))
            return answer, time.monotonic() - started

        answer, seconds = in_a_loop(scenario())
    finally:
        pool.close()
    assert b"ASEAN" in answer.body and seconds < deadline / 2  # not after the runaway's deadline
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"


def test_one_client_may_have_only_so_many_queries():
    from aichr_kg.execution import TooManyFromClient

    admission = Admission(10, 2, per_client=2)
    with admission("192.0.2.1"), admission("192.0.2.1"):
        with pytest.raises(TooManyFromClient, match=r"as one client may \(2,") as caught:
            with admission("192.0.2.1"):
                pass
        assert caught.value.retry_after == 2
        with admission("192.0.2.2"):  # another client is not held back
            pass
    with admission("192.0.2.1"), admission("192.0.2.1"):  # the count goes down again
        pass


def test_simple_queries_stay_fast_while_eight_runaways_run(store):
    """The fairness target: with 8 clients resending runaway queries, a simple ASK keeps a p99 under 1 s."""
    import asyncio

    pool = open_runner(Settings(query_timeout=3, queue_timeout=1, query_workers=3, query_memory_limit=400,
                                max_concurrent_queries=64), store)

    async def scenario():
        stop = time.monotonic() + 5
        outcomes = []

        async def runaway(n):
            while time.monotonic() < stop:
                try:
                    await pool.run_async(QueryJob(ENDLESS_COUNT), client=f"192.0.2.{n}")
                except (QueryTimeout, Saturated) as exc:
                    outcomes.append(type(exc).__name__)

        async def asks():
            seconds = []
            await asyncio.sleep(0.3)  # the runaways hold the workers
            while time.monotonic() < stop:
                started = time.perf_counter()
                answer = await pool.run_async(QueryJob("ASK { ?s ?p ?o }"), client="198.51.100.7")
                seconds.append(time.perf_counter() - started)
                assert answer.body.startswith(b'{"head"') and b"true" in answer.body
                await asyncio.sleep(0.01)
            return seconds

        results = await asyncio.gather(asks(), *(runaway(n) for n in range(8)))
        return results[0], outcomes

    try:
        seconds, outcomes = in_a_loop(scenario())
    finally:
        pool.close()
    seconds.sort()
    p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
    print(f"\n{len(seconds)} ASKs beside 8 runaway clients: p50 {seconds[len(seconds) // 2] * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {seconds[-1] * 1000:.1f} ms; runaways: "
          f"{outcomes.count('QueryTimeout')} stopped, {len(outcomes) - outcomes.count('QueryTimeout')} refused")
    assert len(seconds) >= 50 and p99 < 1.0
    assert "QueryTimeout" in outcomes  # the runaways did run


# -- dead workers -------------------------------------------------------------------------------
def test_a_worker_that_died_idle_is_not_given_a_job(small_pool):
    import signal as signals

    wait_full(small_pool)
    (pid,) = small_pool.idle_pids()
    kill_and_wait([pid], signals.SIGKILL)
    assert b"ASEAN" in small_pool.run(QueryJob(LABEL)).body  # on its successor
    assert pid not in small_pool.idle_pids()


@pytest.mark.parametrize("name", ["SIGKILL", "SIGABRT", "SIGTERM"])
def test_a_worker_killed_mid_query_is_reported_by_its_signal_not_as_out_of_memory(small_pool, name):
    """SIGABRT is also how the engine ends when an allocation fails under the ceiling: only the engine's own
    message in the worker's output makes it "needed more memory" (test_memory_ceiling_stops_a_query_that_grows)."""
    import signal as signals

    from aichr_kg.execution import RETRY_WINDOW, WorkerFailed

    number = getattr(signals, name)
    wait_full(small_pool)
    (pid,) = small_pool.idle_pids()
    threading.Timer(RETRY_WINDOW + 0.4, os.kill, (pid, number)).start()  # well into the query: not retried
    with pytest.raises(WorkerFailed, match=rf"killed by signal {int(number)}, {name}") as caught:
        small_pool.run(QueryJob(ENDLESS_COUNT))
    assert "memory" not in str(caught.value).split("(")[0] and "more than 400 MB" not in str(caught.value)


def test_a_job_sent_to_a_worker_killed_just_then_is_retried_once_on_another(small_pool):
    """A worker killed while idle may look alive for a moment; the job that reaches it goes to another worker."""
    import signal as signals

    wait_full(small_pool)
    (pid,) = small_pool.idle_pids()
    os.kill(pid, signals.SIGSTOP)  # alive and silent: it is handed the job
    threading.Timer(0.02, os.kill, (pid, signals.SIGKILL)).start()
    assert b"ASEAN" in small_pool.run(QueryJob(LABEL)).body  # on the spare, not a WorkerFailed
    assert pid not in small_pool.waiting_pids()


def test_a_pool_whose_store_folder_is_deleted_builds_it_again_once_and_recovers(tmp_path, monkeypatch, caplog):
    """The cache folder deleted under a running service, then every worker killed: the workers that cannot open
    it ask for one rebuild between them and the pool serves again (it once answered 504 after 10 s forever)."""
    import shutil
    import signal as signals

    from aichr_kg import diskstore

    settings = Settings(store_cache=tmp_path / "stores", query_workers=2, queue_timeout=30)
    built = diskstore.open_built(settings).store
    builds = []
    real = diskstore._build
    monkeypatch.setattr(diskstore, "_build", lambda *a: builds.append(a[2]) or real(*a))
    pool = open_runner(settings, built)
    try:
        shutil.rmtree(built.path.parent)
        kill_and_wait(pool.waiting_pids(), signals.SIGKILL)
        started = time.monotonic()
        with caplog.at_level("WARNING"):
            answer = pool.run(QueryJob(LABEL, results_format="text/csv"))
        print(f"\nquery answered {time.monotonic() - started:.1f} s after the store folder was deleted and every "
              "worker killed")
        assert answer.body.decode().splitlines()[1] == "ASEAN Intergovernmental Commission on Human Rights"
        assert builds == [built.path.parent] and pool.heals == 1
        assert "could not open the store" in caplog.text and "it is gone; building it again" in caplog.text
        wait_full(pool)
        assert len(pool.idle_pids()) == pool.size
    finally:
        pool.close()


def test_a_pool_serves_before_its_spare_has_started(store):
    """The spare takes a stopped worker's place later on: the service does not wait for it to start (bench/: the
    service ready at 1e6). The pool answers at once; the spare joins the waiting processes afterwards."""
    pool = open_runner(Settings(query_workers=1, spare_query_workers=1), store)
    try:
        assert not pool.settled() and len(pool.waiting_pids()) == 1  # the worker; the spare is still starting
        assert b"ASEAN" in pool.run(QueryJob(LABEL)).body
        wait_full(pool)
        assert pool.settled() and len(pool.waiting_pids()) == 2
    finally:
        pool.close()


def test_a_pool_over_a_memory_store_writes_its_dump_again(store, monkeypatch):
    import shutil
    import signal as signals

    pool = open_runner(Settings(query_workers=1, queue_timeout=30), store)
    try:
        wait_full(pool)  # the spare has started (it starts once the pool serves)
        shutil.rmtree(pool.dump.parent)  # a cleaner of temporary files passed by
        kill_and_wait(pool.waiting_pids(), signals.SIGKILL)
        assert b"ASEAN" in pool.run(QueryJob(LABEL)).body and pool.heals == 1
    finally:
        pool.close()


def test_server_limits_come_from_the_settings():
    from aichr_kg_api.main import server_limits

    assert server_limits(Settings()) == {"proxy_headers": False, "forwarded_allow_ips": None, "timeout_keep_alive": 5.0,
                                         "http": "aichr_kg_api.server:LimitedHttp"}
    proxied = server_limits(Settings(trusted_proxies=["10.0.0.2", "10.0.0.3"]))
    assert proxied["proxy_headers"] and proxied["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"


def test_a_worker_slower_to_start_than_the_setting_allows_is_named_with_the_setting(monkeypatch):
    """The start deadline is a setting (AICHR_KG_WORKER_START_TIMEOUT): a large graph on a loaded machine may need
    more than the default; failing it names the setting, and the same pool starts with a deadline it can meet."""
    limits = {"size": 1, "timeout": 5, "memory_limit_mb": 400, "max_concurrent": 2, "spares": 0}
    with pytest.raises(RuntimeError, match="not ready within 0.001 s; AICHR_KG_WORKER_START_TIMEOUT"):
        WorkerPool(None, start_timeout=0.001, **limits)
    monkeypatch.setenv("AICHR_KG_WORKER_START_TIMEOUT", "90")
    pool = open_runner(Settings(), object())  # not the embedded store: workers that only check texts
    try:
        assert pool.checker.start_timeout == 90
    finally:
        pool.close()
