"""The hard limits of /sparql over real HTTP: a runaway query is stopped and answered with 504 before any
result byte while other queries keep their normal latency; too many queries at once get 503 with
Retry-After; in front of a remote server, an outage gives 502 and a slow answer 504, and the service
recovers by itself when the server is back."""

import os
import statistics
import threading
import time

import httpx
import pytest
from servers import OxigraphServer, ServiceThread

from aichr_kg.remote import push
from aichr_kg.settings import Settings
from aichr_kg_api.main import create_app
from aichr_kg_api.state import GraphState

TIMEOUT = 2.0
SLACK = 1.5
CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
ENDLESS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LABEL = ("SELECT ?label WHERE { <https://w3id.org/aichr-kg/id/body/aichr> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")


def limits(**changes) -> dict:
    # A memory ceiling well above what the cross product reaches in TIMEOUT seconds, so that the deadline stops it.
    return {"query_timeout": TIMEOUT, "query_workers": 2, "max_concurrent_queries": 3, "query_memory_limit": 8192,
            "queue_timeout": 1.0, **changes}


@pytest.fixture(scope="module")
def limited(service_graph):
    settings = Settings(**{**service_graph.settings.model_dump(), **limits()})
    state = GraphState(settings, service_graph.store, service_graph.catalogue)
    app = create_app(settings, state=state)
    with ServiceThread(app) as service:
        yield service


class Timed(threading.Thread):
    """A request in a thread, remembering its response and how long it took."""

    def __init__(self, url: str, text: str):
        super().__init__(daemon=True)
        self.url, self.text = url, text
        self.response: httpx.Response | None = None
        self.seconds = 0.0

    def run(self) -> None:
        started = time.perf_counter()
        self.response = httpx.post(f"{self.url}/sparql", data={"query": self.text}, timeout=60)
        self.seconds = time.perf_counter() - started


def label_query(url: str, client: httpx.Client | None = None) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = (client or httpx).get(f"{url}/sparql", params={"query": LABEL}, timeout=30)
    return response, time.perf_counter() - started


def full_pool(service) -> None:
    """Wait until every worker is up again (stopped ones are replaced in the background)."""
    pool = service.app.state.runner
    deadline = time.monotonic() + 10
    while (len(pool.idle_pids()) < pool.size or not pool.settled()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pool.idle_pids()) == pool.size


def test_runaway_query_is_stopped_while_others_answer(limited):
    full_pool(limited)
    pool = limited.app.state.runner
    client = httpx.Client()  # one connection, kept alive, as a busy client would
    baseline = [label_query(limited.url, client)[1] for _ in range(20)]
    before = set(pool.idle_pids())
    slow = Timed(limited.url, CROSS_PRODUCT)
    slow.start()
    time.sleep(0.3)
    busy = before - set(pool.idle_pids())
    meanwhile = []
    while slow.is_alive():
        response, seconds = label_query(limited.url, client)
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"][0]["label"]["value"].startswith("ASEAN Intergovernmental")
        meanwhile.append(seconds)
        time.sleep(0.02)
    slow.join()
    client.close()

    assert slow.response.status_code == 504, slow.response.text
    assert slow.response.text.startswith("504 Gateway Timeout: the query ran longer than 2 s and was stopped")
    assert TIMEOUT <= slow.seconds < TIMEOUT + SLACK
    assert len(meanwhile) >= 20
    assert max(meanwhile) < 0.5 and statistics.median(meanwhile) < max(0.1, 5 * statistics.median(baseline))
    # the worker that ran it is gone (not left computing), and a fresh one takes its place
    assert len(busy) == 1
    (pid,) = busy
    deadline = time.monotonic() + 10
    while (os.path.exists(f"/proc/{pid}") or len(pool.idle_pids()) < 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}")
    assert len(pool.idle_pids()) == 2 and pid not in pool.idle_pids()
    print(f"\nrunaway query: {slow.response.status_code} after {slow.seconds:.2f} s (timeout {TIMEOUT:g} s); "
          f"{len(meanwhile)} label queries meanwhile: median {statistics.median(meanwhile) * 1000:.1f} ms, "
          f"max {max(meanwhile) * 1000:.1f} ms (before: median {statistics.median(baseline) * 1000:.1f} ms)")


def test_endless_aggregate_is_stopped(limited):
    full_pool(limited)
    slow = Timed(limited.url, ENDLESS_COUNT)
    slow.run()
    assert slow.response.status_code == 504 and "ran longer than 2 s" in slow.response.text, slow.response.text
    assert slow.seconds < TIMEOUT + SLACK
    assert label_query(limited.url)[0].status_code == 200


SATURATED_TIMEOUT = 5.0  # far beyond the 1 s wait for a worker, so that a loaded machine cannot blur the two


@pytest.fixture(scope="module")
def saturated(service_graph):
    settings = Settings(**{**service_graph.settings.model_dump(), **limits(query_timeout=SATURATED_TIMEOUT)})
    with ServiceThread(create_app(settings, state=GraphState(settings, service_graph.store,
                                                             service_graph.catalogue))) as service:
        yield service


def test_saturated_endpoint_answers_503_with_retry_after(saturated):
    full_pool(saturated)
    pool = saturated.app.state.runner
    running = [Timed(saturated.url, ENDLESS_COUNT) for _ in range(3)]
    for thread in running:
        thread.start()
    deadline = time.monotonic() + 10  # until all three are admitted (not a fixed pause a loaded machine may outlast)
    while pool.admission.admitted() < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    response, seconds = label_query(saturated.url)
    assert response.status_code == 503 and seconds < 1.0  # refused at once, not after waiting 1 s for a worker
    assert response.headers["retry-after"] == "2"
    assert "busy (3 queries running)" in response.text
    for thread in running:
        thread.join()
    statuses = sorted(t.response.text.split(":", 2)[1].strip() for t in running)
    # one runs into its deadline; the others wait for a worker no longer than queue_timeout (1 s), then 503
    assert sorted(t.response.status_code for t in running) == [503, 503, 504], statuses
    waited = [t for t in running if t.response.status_code == 503]
    assert all("no query worker became free within 1 s" in t.response.text for t in waited), statuses
    assert all(t.response.headers["retry-after"] == "2" and t.seconds < SATURATED_TIMEOUT for t in waited)
    full_pool(saturated)  # the two stopped workers are replaced
    assert label_query(saturated.url)[0].status_code == 200


# -- in front of a remote server -------------------------------------------------------------------
@pytest.fixture(scope="module")
def upstream(service_graph, tmp_path_factory):
    """An Oxigraph server of its own (it gets stopped), giving up on queries after 3 s itself."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-outage"), timeout_s=3).start()
    push(service_graph.store, server.store_url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote(upstream, service_graph):
    settings = Settings(**{**service_graph.settings.model_dump(), **limits(), "store": "remote",
                           "endpoint": upstream.query_url})
    with ServiceThread(create_app(settings)) as service:
        yield service


def test_remote_slow_answer_gives_504(remote):
    slow = Timed(remote.url, ENDLESS_COUNT)
    slow.run()
    assert slow.response.status_code == 504
    assert "did not answer within 2 s" in slow.response.text
    assert slow.seconds < TIMEOUT + SLACK


def test_remote_outage_gives_502_then_recovers(remote, upstream):
    assert label_query(remote.url)[0].status_code == 200
    upstream.stop()
    try:
        response, seconds = label_query(remote.url)
        assert response.status_code == 502 and seconds < TIMEOUT
        assert "cannot be reached" in response.text and upstream.query_url in response.text
        assert "Traceback" not in response.text
        canned = httpx.get(f"{remote.url}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
        assert canned.status_code == 502  # the service description needs the server too
    finally:
        upstream.start()
    response, _ = label_query(remote.url)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["label"]["value"].startswith("ASEAN Intergovernmental")


# -- fair under load, over HTTP ------------------------------------------------------------------
def test_a_client_that_hangs_up_frees_its_worker_at_once(limited):
    """The runaway's worker is killed as soon as its client goes, not at the end of the 2 s deadline."""
    import socket
    from urllib.parse import urlencode

    full_pool(limited)
    pool = limited.app.state.runner
    before = set(pool.idle_pids())
    request = f"GET /sparql?{urlencode({'query': ENDLESS_COUNT})} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", limited.port)) as conn:
        conn.sendall(request)
        time.sleep(0.4)
        busy = before - set(pool.idle_pids())
    gone = time.monotonic()
    assert len(busy) == 1
    (pid,) = busy
    while os.path.exists(f"/proc/{pid}") and time.monotonic() - gone < 5:
        time.sleep(0.02)
    freed = time.monotonic() - gone
    print(f"\nworker of a query whose client hung up stopped {freed * 1000:.0f} ms later (deadline {TIMEOUT:g} s)")
    assert freed < 1.0
    assert label_query(limited.url)[0].status_code == 200


def test_one_client_beyond_its_share_gets_429(service_graph):
    settings = Settings(**{**service_graph.settings.model_dump(), **limits(max_queries_per_client=1)})
    state = GraphState(settings, service_graph.store, service_graph.catalogue)
    with ServiceThread(create_app(settings, state=state)) as service:
        slow = Timed(service.url, ENDLESS_COUNT)
        slow.start()
        time.sleep(0.3)
        response, seconds = label_query(service.url)
        slow.join()
    assert response.status_code == 429 and seconds < 0.5, response.text
    assert response.headers["retry-after"] == "1"
    assert "as many queries running or waiting as one client may (1" in response.text
    assert slow.response.status_code == 504


# -- health ---------------------------------------------------------------------------------------
def test_health_and_ready_embedded(limited):
    full_pool(limited)
    assert httpx.get(f"{limited.url}/health").json() == {"status": "ok"}
    ready = httpx.get(f"{limited.url}/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "checks": {"store": "open", "workers": "2 alive"}}


def test_ready_follows_the_upstream(remote, upstream):
    assert httpx.get(f"{remote.url}/ready").json()["checks"]["upstream"] == "answers"
    upstream.stop()
    try:
        down = httpx.get(f"{remote.url}/ready", timeout=10)
        assert httpx.get(f"{remote.url}/health").status_code == 200  # alive, only not ready
    finally:
        upstream.start()
    assert down.status_code == 503 and down.json()["status"] == "not ready"
    assert "cannot be reached" in down.json()["checks"]["upstream"]
    assert httpx.get(f"{remote.url}/ready", timeout=10).status_code == 200


# Every route that needs the SPARQL server (the query page's list of questions and /search are served from what
# the service holds itself, and keep answering 200).
ROUTES = ["/doc/body/aichr", "/doc/body/aichr.ttl", "/id/body/aichr", "/queries/architecture", "/?q=architecture",
          "/sparql?query=ASK%20%7B%7D"]


def test_every_route_answers_502_while_the_upstream_is_down_then_recovers(remote, upstream):
    upstream.stop()
    try:
        down = {route: httpx.get(f"{remote.url}{route}", timeout=30) for route in ROUTES}
        down_too = {route: httpx.get(f"{remote.url}{route}", timeout=30) for route in ("/", "/search?q=ASEAN")}
    finally:
        upstream.start()
    for route, response in down.items():
        assert response.status_code == 502, (route, response.status_code, response.text[:300])
        assert "cannot be reached" in response.text, route
    # search reads the label index kept with the service; the home page lists questions and coverage that come from
    # the store and are cached for a while, so it answers from that cache or says the upstream is down, never a 500
    assert down_too["/search?q=ASEAN"].status_code == 200
    assert down_too["/"].status_code == 200 or (down_too["/"].status_code == 502
                                                and "cannot be reached" in down_too["/"].text), down_too["/"].text[:300]
    started = time.monotonic()
    for route in ROUTES:
        assert httpx.get(f"{remote.url}{route}", timeout=30).status_code in (200, 303), route
    print(f"\nremote mode: every route answers again {time.monotonic() - started:.2f} s after the upstream is back")


def test_every_route_answers_504_while_the_upstream_hangs(remote, upstream):
    import signal

    os.kill(upstream.process.pid, signal.SIGSTOP)
    try:
        hung = {route: httpx.get(f"{remote.url}{route}", timeout=30) for route in ROUTES}
    finally:
        os.kill(upstream.process.pid, signal.SIGCONT)
    for route, response in hung.items():
        assert response.status_code == 504, (route, response.status_code, response.text[:300])
    for route in ROUTES:
        assert httpx.get(f"{remote.url}{route}", timeout=30).status_code in (200, 303), route
