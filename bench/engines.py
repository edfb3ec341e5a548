"""The servers under test, each started from its own files on free 127.0.0.1 ports and stopped by its own id.

Like for like: ``storage`` is the same for this service and the engine at one scale. ``memory``: the
service copies its build into each process (``AICHR_KG_MEMORY_COPY_LIMIT`` above the graph's size) and
``oxigraph serve`` holds the dump in memory (no ``--location``; the dump POSTed to ``/store``). ``disk``:
the service reads its build from RocksDB (the limit at 0) and ``oxigraph serve-read-only`` reads a RocksDB
folder written by ``oxigraph load``. Virtuoso keeps its column store on disk (its buffer pool holds the
whole graph at these sizes) and rdflib-endpoint its ``Dataset`` in memory, whatever the scale: they are
the peers, not the engine. Remote mode is this service in front of that very ``oxigraph serve``.

Every engine gets the N-Quads dump of the store ours builds: the named graphs and, in the default graph,
their merge (each distinct triple once), which is what queries run on in the store. ``oxigraph serve``
and rdflib-endpoint serve it as it is (without ``--union-default-graph``: Oxigraph's union is a bag);
Virtuoso gets the named graphs only (its default graph is their union whatever is loaded).

Virtuoso is Debian's ``virtuoso-t`` started as the test suite starts it (``tests/servers.py``,
``VirtuosoServer``: the project's ``deploy/virtuoso/`` files), with a buffer pool and HTTP threads sized for
the bench (the shipped ini's 10 HTTP threads would refuse part of 16 connections), and loaded with its
bulk loader from the same N-Quads dump.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))

# Virtuoso for the bench: the project's ini, with room for a 10^6 graph and 16+ connections
VIRTUOSO_BENCH = {"NumberOfBuffers": "170000", "MaxDirtyBuffers": "130000", "ServerThreads": "32",
                  "MaxClientConnections": "32", "ThreadsPerQuery": "4"}
# One load generator on one address stands for many clients: the per-client limit would refuse most of c16.
SERVICE_ENV = {"AICHR_KG_MAX_QUERIES_PER_CLIENT": "100000"}
# The series "uncached": every cell repeats one request, which a service keeping answers answers from memory after
# the first; with nothing kept, each request takes the engine path (bench/PROFILES.md: read this first).
UNCACHED_ENV = {"AICHR_KG_ANSWER_CACHE_SIZE": "0"}


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return []


def rss_mib(pid: int) -> float:
    total = 0
    for proc in tree(pid):
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return round(total / 2**20, 1)


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for proc in tree(pid):
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def timed_run(cmd: list[str], timeout: float, env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run a command to its end: wall seconds and the peak RSS of its process tree (sampled every 0.2 s)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                            cwd=cwd, start_new_session=True)
    peak, out = 0.0, []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, rss_mib(proc.pid))
        if time.perf_counter() - started > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return {"error": f"timed out after {timeout:.0f} s", "seconds": round(time.perf_counter() - started, 2)}
        time.sleep(0.2)
    reader.join(10)
    result = {"seconds": round(time.perf_counter() - started, 2), "peak_rss_mib": peak}
    if proc.returncode:
        text = (out[0] if out else b"").decode("utf-8", "replace").strip().splitlines()
        result["error"] = (text or [f"exit {proc.returncode}"])[-1][:300]
    return result


def get(url: str, accept: str = "*/*", timeout: float = 120) -> tuple[int | None, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=timeout) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read()
    except (urllib.error.URLError, OSError) as exc:
        return None, "", str(exc).encode()


class Server:
    """One server under test in its own process group; ``base`` is its URL, ``endpoint`` its query path."""

    def __init__(self, name: str, cmd: list[str], port: int, probe: str, endpoint: str, env: dict | None = None,
                 log_path: Path | None = None):
        self.name, self.cmd, self.port, self.probe, self.endpoint = name, cmd, port, probe, endpoint
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.info: dict = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, timeout: float) -> "Server":
        out = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT, start_new_session=True)
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was ready"
                                   + (f" (log: {self.log_path})" if self.log_path else ""))
            status, _, _ = get(self.base + self.probe, timeout=5)
            if status == 200:
                self.info["startup_s"] = round(time.perf_counter() - started, 2)
                self.info["rss_mib"] = rss_mib(self.pid)
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} was not ready after {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
            except ProcessLookupError:
                pass

    def drain(self, limit: float = 60.0) -> float:
        """Wait until the server has been idle (< 0.1 core) for 1 s: slow peers keep working on abandoned requests."""
        started = time.perf_counter()
        while time.perf_counter() - started < limit and self.pid:
            before = cpu_seconds(self.pid)
            time.sleep(1.0)
            if cpu_seconds(self.pid) - before < 0.1:
                break
        return round(time.perf_counter() - started, 1)


class VirtuosoProcess(Server):
    """Virtuoso from tests/servers.py, wrapped so that the harness samples and stops it like the others."""

    def __init__(self, work: Path):
        from servers import VirtuosoServer

        location = work / "virtuoso"
        shutil.rmtree(location, ignore_errors=True)
        location.mkdir(parents=True)
        self.virtuoso = VirtuosoServer(location, settings=VIRTUOSO_BENCH)
        super().__init__("virtuoso", [], self.virtuoso.port, "/sparql?query=ASK%7B%7D", "/sparql")

    @property
    def pid(self) -> int | None:
        return self.virtuoso.process.pid if self.virtuoso.process else None

    def start(self, timeout: float) -> "Server":
        started = time.perf_counter()
        self.virtuoso.start()
        self.info["startup_s"] = round(time.perf_counter() - started, 2)
        return self

    def load(self, dump: Path, timeout: float) -> None:
        """Virtuoso's bulk loader over the dump's named graphs (names kept), then a checkpoint.

        Its default graph is always the union of its graphs, so the merged default graph of the dump is left
        out (on top of the named graphs it would match every triple twice), as `aichr-kg load` leaves it out
        there; a triple that several sources state still matches once per graph (a bag), and the answer
        check says where that changes an answer."""
        import pyoxigraph as ox

        target = self.virtuoso.location / "dump.nq"
        quads = ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS)
        ox.serialize((q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)), str(target), format=ox.RdfFormat.N_QUADS)
        script = self.virtuoso.location / "load.sql"
        script.write_text(f"ld_dir('{self.virtuoso.location}', 'dump.nq', 'urn:aichr-kg:bench:unnamed');\n"
                          "rdf_loader_run();\ncheckpoint;\n"
                          "SELECT ll_file, ll_state, ll_error FROM DB.DBA.load_list;\n")
        started = time.perf_counter()
        done = subprocess.run(["isql-vt", f"127.0.0.1:{self.virtuoso.sql_port}", "dba", "dba", str(script)],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"Virtuoso bulk load failed: {(done.stdout + done.stderr)[-400:]}")
        self.info["load_s"] = round(time.perf_counter() - started, 2)
        self.info["rss_mib"] = rss_mib(self.pid)
        target.unlink()

    def stop(self) -> None:
        self.virtuoso.stop()


def oxigraph(work: Path, dump: Path, storage: str, timeout: float) -> Server:
    """``oxigraph serve`` over the dump: in memory (POSTed to /store) or read-only over RocksDB."""
    port = free_port()
    if storage == "memory":
        server = Server("oxigraph", [str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}"],
                        port, "/query?query=ASK%7B%7D", "/query", log_path=work / "oxigraph.log").start(timeout)
        started = time.perf_counter()
        with dump.open("rb") as body:
            request = urllib.request.Request(server.base + "/store", data=body, method="POST",
                                             headers={"Content-Type": "application/n-quads",
                                                      "Content-Length": str(dump.stat().st_size)})
            urllib.request.urlopen(request, timeout=timeout).read()
        server.info["load_s"] = round(time.perf_counter() - started, 2)
        server.info["rss_mib"] = rss_mib(server.pid)
        server.info["storage"] = "in memory (dump POSTed to /store)"
        return server
    location = work / "oxigraph-store"  # bench/run.py has loaded it already (timed as the engine's build) unless told not to
    loaded: dict = {}
    if not (location / "CURRENT").exists():
        shutil.rmtree(location, ignore_errors=True)
        loaded = timed_run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)], timeout)
        if "error" in loaded:
            raise RuntimeError(f"oxigraph load: {loaded['error']}")
    server = Server("oxigraph", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind",
                                 f"127.0.0.1:{port}"], port, "/query?query=ASK%7B%7D", "/query",
                    log_path=work / "oxigraph.log").start(timeout)
    server.info["load_s"], server.info["load_peak_rss_mib"] = loaded.get("seconds"), loaded.get("peak_rss_mib")
    server.info["storage"] = "RocksDB (oxigraph load, then serve-read-only)"
    return server


def service_env(work: Path, storage: str | None) -> dict:
    env = {**SERVICE_ENV, "AICHR_KG_STORE_CACHE": str(work / "cache" / "stores"),
           "AICHR_KG_VALIDATION_CACHE": str(work / "cache" / "validated")}
    if storage is not None:
        env["AICHR_KG_MEMORY_COPY_LIMIT"] = "1000000000" if storage == "memory" else "0"
    return env


def aichr_kg(project: Path, work: Path, storage: str, workers: int | None, timeout: float) -> Server:
    """This service as `make run` starts it: `aichr-kg build` first (timed, as `oxigraph load` is), then serve."""
    env = service_env(work, storage)
    # cold means cold: a cache left by an earlier run of the same code would make this a reopen plus the dumps
    # (what an earlier RESULTS.md reported as the cold build at 1e6: 49.8 s, where a cold build took 143 s)
    shutil.rmtree(work / "cache", ignore_errors=True)
    built = timed_run([str(BIN / "aichr-kg"), "--root", str(project), "build", "--out", str(work / "dist")], timeout * 4, env=env)
    if "error" in built:
        raise RuntimeError(f"aichr-kg build: {built['error']}")
    server = aichr_kg_serve("aichr-kg", project, work, storage, workers, timeout)
    server.info.update(load_s=built["seconds"], load_peak_rss_mib=built["peak_rss_mib"])
    return server


def aichr_kg_serve(name: str, project: Path, work: Path, storage: str, workers: int | None, timeout: float,
                   env: dict | None = None) -> Server:
    """``aichr-kg serve`` on the build ``aichr_kg`` left in the bench's cache, with ``env`` on top of the service's
    (``uncached``: ``AICHR_KG_ANSWER_CACHE_SIZE=0``, so that every request runs its query on the engine)."""
    port = free_port()
    cmd = [str(BIN / "aichr-kg"), "--root", str(project), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    server = Server(name, cmd, port, "/queries", "/sparql", env={**service_env(work, storage), **(env or {})},
                    log_path=work / f"{name}.log").start(timeout)
    server.info.update(workers=workers or "default", storage="in memory (build copied into each process)"
                       if storage == "memory" else "on disk (the build's RocksDB, read-only)")
    return server


def remote(project: Path, work: Path, upstream: Server, workers: int | None, timeout: float) -> Server:
    """This service in front of the running ``oxigraph serve`` (which already holds the same dump, and which
    nothing writes to while the bench runs: so it is told the server is read-only and keeps answers, as a
    deployment that loaded its server with ``aichr-kg load`` would)."""
    port = free_port()
    cmd = [str(BIN / "aichr-kg"), "--root", str(project), "serve", "--host", "127.0.0.1", "--port", str(port),
           "--endpoint", upstream.base + "/query"]
    if workers:
        cmd += ["--workers", str(workers)]
    server = Server("remote", cmd, port, "/queries", "/sparql", env={**service_env(work, None), "AICHR_KG_REMOTE_READ_ONLY": "true"},
                    log_path=work / "remote.log").start(timeout)
    server.info["storage"] = "remote: " + upstream.info.get("storage", "")
    return server


def rdflib_endpoint(dump: Path, work: Path, timeout: float) -> Server:
    port = free_port()
    server = Server("rdflib-endpoint", [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)],
                    port, "/?query=ASK%7B%7D", "/", log_path=work / "rdflib-endpoint.log").start(timeout)
    server.info["storage"] = "rdflib Dataset in memory"
    return server


def virtuoso(dump: Path, work: Path, timeout: float) -> Server:
    server = VirtuosoProcess(work)
    server.start(timeout)
    try:
        server.load(dump, timeout)
    except BaseException:
        server.stop()
        raise
    server.info["storage"] = "Virtuoso column store on disk (bulk loader)"
    return server


class PeakSampler(threading.Thread):
    """The peak RSS of a server's process tree while it runs its cells."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server, self.peak, self.done = server, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mib(self.server.pid))
            self.done.wait(0.5)

    def __enter__(self) -> "PeakSampler":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.server.info["peak_rss_mib"] = max(self.peak, self.server.info.get("rss_mib", 0))
