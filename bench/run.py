"""The benchmark harness (``make bench``): generate, build, query in process, load over HTTP, compare.

    python bench/run.py --scales curated,1e4,1e5,1e6 --seconds 15 --out bench/results/latest.json

For each scale (``curated`` is the real data as it is; ``1e4``... are synthetic graphs of about that
many triples, from bench/generate.py) it measures:

1. the build, step by step (parse, SHACL validation, store load and derivation), with peak memory;
2. in-process latency (p50/p99) of every canned query, an entity description and label searches;
3. over HTTP, one server at a time on 127.0.0.1, with the load generator in its own process (wrk,
   or bench/loadgen.py's asyncio client): requests/s, p50 and p99 at concurrency 1 and 16 for a label
   lookup, a three-join query, an aggregation, an entity page (HTML, Turtle) and a canned query, on
   this service (``aichr-kg serve``), ``oxigraph serve-read-only`` (the raw engine) and
   ``rdflib-endpoint`` (the Python peer), all serving the same N-Quads;

then prints tables with our figures as ratios to each peer's and writes everything to one JSON file.
Every load is bounded in requests and in seconds; every server is started and stopped here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SCALES = {"curated": 0, "tiny": 5_000, "1e4": 10_000, "1e5": 100_000, "1e6": 1_000_000}
SPARQL_JSON = "application/sparql-results+json"
ENTITY = "https://w3id.org/aichr-kg/id/event/2018-05-15-1st-aichr-un-meeting"
CANNED = ("event-participants", "event")  # rdflib cannot run events-by-theme (GROUP_CONCAT of an unbound variable)
CELLS = ["label", "three-join", "aggregation", "entity-html", "entity-turtle", "canned"]
SERVERS = ["aichr-kg", "oxigraph", "rdflib-endpoint"]


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import pyoxigraph
    import rdflib

    versions = {"python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__}
    for name in ("pyshacl", "pyshacl_turbo", "rdflib_endpoint", "fastapi", "uvicorn"):
        try:
            from importlib.metadata import version

            versions[name] = version(name.replace("_", "-"))
        except Exception:
            pass
    try:
        versions["oxigraph-cli"] = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        versions["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    except OSError:
        versions["wrk"] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "os": platform.platform(), "versions": versions}


def run_json(cmd: list[str], timeout: float) -> dict:
    """Run a helper that prints one JSON line; a failure or a time-out becomes {"error": ...}."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["exit " + str(proc.returncode)])[-1][:300]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- servers ------------------------------------------------------------------------------------------------
class Server:
    """One server under test, in its own process group, on 127.0.0.1."""

    def __init__(self, name: str, cmd: list[str], port: int, probe: str, env: dict | None = None, log_path: Path | None = None):
        self.name, self.cmd, self.port, self.probe = name, cmd, port, probe
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float) -> float:
        out = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT, start_new_session=True)
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was ready")
            try:
                with urllib.request.urlopen(self.base + self.probe, timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} was not ready after {timeout:.0f} s")

    def rss_mib(self) -> float:
        try:
            parent = psutil.Process(self.proc.pid)
            procs = [parent, *parent.children(recursive=True)]
            return round(sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20, 1)
        except psutil.Error:
            return 0.0

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
            except ProcessLookupError:
                pass


class PeakSampler(threading.Thread):
    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server, self.peak, self.done = server, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self.server.rss_mib())
            self.done.wait(0.5)


# -- the requests of each cell, per server ------------------------------------------------------------------
def bench_query(name: str) -> str:
    return (HERE / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def peer_canned(project: Path) -> tuple[str, str]:
    """The canned query's text with its default parameter as a constant (peers have no substitutions)."""
    from aichr_kg.catalogue import Catalogue
    from aichr_kg.settings import Settings

    query = Catalogue(Settings(root=project)).get(CANNED[0])
    default = query.param(CANNED[1]).default
    head, sep, tail = query.text.partition("WHERE {")
    return head + sep + f"\n  VALUES ?{CANNED[1]} {{ <{default}> }}" + tail, default


def requests_for(server: str, base: str, project: Path, linked_data_path: str) -> dict[str, tuple[str, str]]:
    """cell -> (url, Accept) for one server."""
    endpoint = {"aichr-kg": "/sparql", "oxigraph": "/query", "rdflib-endpoint": "/"}[server]

    def sparql(text: str) -> str:
        return base + endpoint + "?" + urllib.parse.urlencode({"query": text})

    cells = {"label": (sparql(bench_query("label-lookup")), SPARQL_JSON),
             "three-join": (sparql(bench_query("three-join")), SPARQL_JSON),
             "aggregation": (sparql(bench_query("aggregation")), SPARQL_JSON)}
    if server == "aichr-kg":
        page = base + linked_data_path + ENTITY.split("/id/", 1)[1]
        canned_text, default = peer_canned(project)
        cells["entity-html"] = (page, "text/html")
        cells["entity-turtle"] = (page, "text/turtle")
        cells["canned"] = (base + f"/queries/{CANNED[0]}?" + urllib.parse.urlencode({CANNED[1]: default}), "application/json")
    else:
        describe = bench_query("entity-description").replace("?this", f"<{ENTITY}>")
        cells["entity-html"] = (sparql(describe), "text/turtle")
        cells["entity-turtle"] = (sparql(describe), "text/turtle")
        cells["canned"] = (sparql(peer_canned(project)[0]), SPARQL_JSON)
    return cells


def check(url: str, accept: str) -> dict:
    """One request before the load: status, size and how many rows / triples came back."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=120) as response:
            body, status, ctype = response.read(), response.status, response.headers.get("content-type", "")
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, "error": exc.read()[:200].decode("utf-8", "replace")}
    except (urllib.error.URLError, OSError) as exc:
        return {"status": None, "error": str(exc)[:200]}
    out = {"status": status, "bytes": len(body), "ms": round((time.perf_counter() - started) * 1000, 1), "type": ctype.split(";")[0]}
    try:
        if "json" in ctype:
            data = json.loads(body)
            out["rows"] = len(data["results"]["bindings"]) if isinstance(data, dict) and "results" in data else len(data.get("rows", data)) if isinstance(data, (dict, list)) else None
        elif "turtle" in ctype:
            import pyoxigraph as ox

            out["triples"] = len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
    except Exception as exc:  # a body we cannot read is recorded, not fatal
        out["parse_error"] = str(exc)[:200]
    return out


def start_server(name: str, project: Path, dump: Path, work: Path, workers: int, timeout: float) -> tuple[Server, dict]:
    port = free_port()
    info: dict = {}
    if name == "aichr-kg":  # built first, as `make run` does (and as oxigraph loads first): start = opening the build
        started = time.perf_counter()
        subprocess.run([str(BIN / "aichr-kg"), "--root", str(project), "build", "--out", str(work / "dist")], check=True,
                       capture_output=True, timeout=timeout * 4)
        info["load_s"] = round(time.perf_counter() - started, 2)
        server = Server(name, [str(BIN / "aichr-kg"), "--root", str(project), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(workers)], port, "/queries", log_path=work / "aichr-kg.log")
        info["workers"] = workers
    elif name == "oxigraph":
        location = work / "oxigraph-store"
        if not location.exists():
            started = time.perf_counter()
            subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)], check=True,
                           capture_output=True, timeout=timeout)
            info["load_s"] = round(time.perf_counter() - started, 2)
        server = Server(name, [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                               "--union-default-graph"], port, "/query?query=ASK%7B%7D", log_path=work / "oxigraph.log")
    else:
        server = Server(name, [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)], port,
                        "/?query=ASK%7B%7D", log_path=work / "rdflib-endpoint.log")
    info["startup_s"] = round(server.start(timeout), 2)
    info["rss_mib"] = server.rss_mib()
    return server, info


def http_scale(project: Path, dump: Path, work: Path, args) -> dict:
    out: dict = {}
    triples = max(SCALES.get(args.current_scale, 0), 10_000)
    timeout = 60 + 600 * triples / 1_000_000
    for name in args.servers:
        log(f"  http: starting {name}")
        try:
            server, info = start_server(name, project, dump, work, args.workers, timeout)
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            out[name] = {"error": str(exc)}
            log(f"  http: {name}: {exc}")
            continue
        info["cells"] = {}
        sampler = PeakSampler(server)
        sampler.start()
        try:
            for cell, (url, accept) in requests_for(name, server.base, project, args.linked_data_path).items():
                if cell not in args.cells:
                    continue
                result: dict = {"check": check(url, accept)}
                if result["check"].get("status") is not None:  # a 4xx/5xx is loaded too, and counted as errors
                    for conc in args.concurrency:
                        load_before = round(os.getloadavg()[0], 2)
                        result[f"c{conc}"] = run_json([sys.executable, str(HERE / "loadgen.py"), "--url", url, "--accept", accept,
                                                       "--concurrency", str(conc), "--seconds", str(args.seconds),
                                                       "--max-requests", str(int(50_000 * args.seconds)), "--tool", args.loadgen],
                                                      timeout=args.seconds + 120)
                        result[f"c{conc}"]["loadavg_before"] = load_before
                info["cells"][cell] = result
                log(f"  http: {name} {cell}: " + " ".join(f"{k}={v.get('ok_per_s')}/s" for k, v in result.items() if k != "check")
                    + (f" check={result['check']}" if result["check"].get("status") != 200 else ""))
        finally:
            sampler.done.set()
            info["peak_rss_mib"] = max(sampler.peak, info["rss_mib"])
            server.stop()
        out[name] = info
    return out


# -- ratios and tables ---------------------------------------------------------------------------------------
def ratios(http: dict, concurrency: list[int]) -> dict:
    ours = http.get("aichr-kg", {}).get("cells", {})
    out: dict = {}
    for peer in ("oxigraph", "rdflib-endpoint"):
        theirs = http.get(peer, {}).get("cells", {})
        for cell in ours:
            for conc in concurrency:
                a = ours.get(cell, {}).get(f"c{conc}", {}).get("ok_per_s")
                b = theirs.get(cell, {}).get(f"c{conc}", {}).get("ok_per_s")
                out.setdefault(cell, {}).setdefault(f"c{conc}", {})[peer] = round(a / b, 2) if a and b else None
    return out


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda r: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def report(results: dict) -> str:
    parts = []
    for scale, data in results["scales"].items():
        parts.append(f"\n## Scale {scale}: {fmt(data.get('build', {}).get('store_triples') or data.get('latency', {}).get('store_triples'))} triples")
        b = data.get("build", {})
        if "error" in b:
            parts.append(f"build: {b['error']}")
        elif b:
            from phases import build_table

            parts.append(build_table(b))
            parts += [f"  same validation, {k[len('validate_'):-2]} (same results: {b.get(k[:-2] + '_same_results')}): "
                      f"{b[k]} s, {fmt(b[k] / b['validate_s'] if b['validate_s'] else None, 1)}x"
                      for k in b if k.startswith("validate_") and k.endswith("_s") and not k.endswith("_peak_mib")
                      and k != "validate_s"]
        lat = data.get("latency", {})
        if "error" in lat:
            parts.append(f"latency: {lat['error']}")
        elif lat:
            rows = [[f"canned {n}", q["rows"], q["p50_ms"], q["p99_ms"]] for n, q in lat["queries"].items()]
            d = lat["entity_description"]
            rows.append(["entity description (Turtle)", d["bytes"], d["p50_ms"], d["p99_ms"]])
            rows += [[f"label search '{t}'", s["hits"], s["p50_ms"], s["p99_ms"]] for t, s in lat["label_search"].items()]
            parts.append(f"\nin process (ms), store {lat.get('store_kind', 'in memory')}:\n"
                         + table(["what", "rows", "p50", "p99"], rows))
            parts.append(f"label index build: {lat['label_index']['build_s']} s; peak {lat['peak_mib']} MiB")
        http = data.get("http", {})
        if http:
            rows = [[name, info.get("load_s", "-"), info.get("startup_s"), info.get("rss_mib"), info.get("peak_rss_mib"),
                     info.get("error", "")] for name, info in http.items()]
            parts.append("\nservers (load: `aichr-kg build` / `oxigraph load` before the start; ready: start to first answer):\n"
                         + table(["server", "load s", "ready s", "RSS MiB", "peak RSS MiB", "error"], rows))
            conc = results["settings"]["concurrency"]
            rows = []
            for cell in CELLS:
                for c in conc:
                    row = [f"{cell} c{c}"]
                    for name in SERVERS:
                        r = http.get(name, {}).get("cells", {}).get(cell, {}).get(f"c{c}", {})
                        row += [r.get("ok_per_s"), r.get("p50_ms"), r.get("p99_ms")]
                        if name == "aichr-kg":
                            row.append(r.get("errors"))
                    rr = data.get("ratios", {}).get(cell, {}).get(f"c{c}", {})
                    row += [rr.get("oxigraph"), rr.get("rdflib-endpoint")]
                    if any(v is not None for v in row[1:]):
                        rows.append(row)
            headers = ["cell", "ours req/s", "p50", "p99", "non-2xx", "oxigraph req/s", "p50", "p99", "rdflib-ep req/s", "p50", "p99",
                       "ours/oxigraph", "ours/rdflib-ep"]
            parts.append("\nover HTTP (2xx answers per second; p50, p99 in ms):\n" + table(headers, rows))
            checks = []
            for cell in CELLS:
                row = [cell]
                for name in SERVERS:
                    ch = http.get(name, {}).get("cells", {}).get(cell, {}).get("check", {})
                    row.append(f"{ch.get('status')} {ch.get('rows', ch.get('triples', ''))}".strip() if ch else "-")
                checks.append(row)
            parts.append("\nfirst response of each cell (status, rows or triples):\n" + table(["cell", *SERVERS], checks))
    return "\n".join(parts)


# -- the targets of the issue, checked against the figures ----------------------------------------------------
def _cell(results: dict, scale: str, server: str, cell: str, conc: int, key: str = "ok_per_s"):
    return results["scales"].get(scale, {}).get("http", {}).get(server, {}).get("cells", {}).get(cell, {}).get(f"c{conc}", {}).get(key)


def _ratio(results: dict, scale: str, cell: str, conc: int, peer: str):
    return results["scales"].get(scale, {}).get("ratios", {}).get(cell, {}).get(f"c{conc}", {}).get(peer)


def whole_graph_aggregations(project: Path = ROOT) -> set[str]:
    """Canned queries that aggregate over the whole graph: GROUP BY and no parameter to narrow them."""
    from aichr_kg.catalogue import Catalogue
    from aichr_kg.settings import Settings

    return {q.name for q in Catalogue(Settings(root=project)) if not q.params and "GROUP BY" in q.text}


def targets(results: dict) -> list[list]:
    """[target, scale, figure, limit, met] for every target the figures of this run can check."""
    rows: list[list] = []

    def add(what: str, scale: str, figure, limit: str, ok) -> None:
        if figure is not None:
            rows.append([what, scale, figure, limit, "yes" if ok else "NO"])

    main = "1e5" if "1e5" in results["scales"] else next(iter(results["scales"]))
    for cell in ("three-join", "aggregation"):
        for conc in (1, 16):
            r = _ratio(results, main, cell, conc, "oxigraph")
            add(f"{cell} c{conc}: ours / oxigraph serve", main, r, ">= 0.9", r is not None and r >= 0.9)
            r = _ratio(results, main, cell, conc, "rdflib-endpoint")
            add(f"{cell} c{conc}: ours / rdflib-endpoint", main, r, ">= 25", r is not None and r >= 25)
    r = _ratio(results, main, "label", 1, "rdflib-endpoint")
    add("label c1: ours / rdflib-endpoint", main, r, ">= 1.5", r is not None and r >= 1.5)
    r = _ratio(results, main, "label", 1, "oxigraph")
    add("label c1: ours / oxigraph serve", main, r, ">= 0.3", r is not None and r >= 0.3)
    curated = results["scales"].get("curated", {})
    queries = curated.get("latency", {}).get("queries", {})
    if queries:
        worst = max(queries.items(), key=lambda item: item[1]["p50_ms"])
        add(f"every canned query, in process, p50 (slowest: {worst[0]})", "curated", worst[1]["p50_ms"], "< 2 ms", worst[1]["p50_ms"] < 2)
    html = _cell(results, "curated", "aichr-kg", "entity-html", 1, "p50_ms")
    add("entity HTML page over HTTP, p50 (c1)", "curated", html, "< 10 ms", html is not None and html < 10)
    build = curated.get("build", {})
    add("SHACL validation", "curated", build.get("validate_s"), "< 2 s", build.get("validate_s", 99) < 2)
    big = results["scales"].get("1e6", {})
    if big:
        b = big.get("build", {})
        add("SHACL validation", "1e6", b.get("validate_s"), "< 15 s", b.get("validate_s", 1e9) < 15)
        ratio = b.get("ratio_to_oxigraph_load")
        add("aichr-kg build / oxigraph load of the same data", "1e6", ratio, "<= 3x", ratio is not None and ratio <= 3)
        add("aichr-kg build, peak RSS (process tree)", "1e6", b.get("command_peak_mib"), "< 2048 MiB",
            b.get("command_peak_mib", 1e9) < 2048)
        add("unchanged build reopened", "1e6", b.get("reopen_s"), "< 2 s", b.get("reopen_s", 1e9) < 2)
        server = big.get("http", {}).get("aichr-kg", {})
        add("service start (store ready)", "1e6", server.get("startup_s"), "< 5 s", server.get("startup_s", 1e9) < 5)
        add("service memory (peak RSS, all its processes)", "1e6", server.get("peak_rss_mib"), "< 1024 MiB",
            server.get("peak_rss_mib", 1e9) < 1024)
        lat = big.get("latency", {}).get("queries", {})
        skip = whole_graph_aggregations()
        narrow = {n: q for n, q in lat.items() if n not in skip}
        if narrow:
            worst = max(narrow.items(), key=lambda item: item[1]["p50_ms"])
            add(f"canned queries but whole-graph aggregations ({', '.join(sorted(skip))}), p50 (slowest: {worst[0]})", "1e6",
                worst[1]["p50_ms"], "< 100 ms", worst[1]["p50_ms"] < 100)
        searches = big.get("latency", {}).get("label_search", {})
        if searches:
            worst = max(searches.items(), key=lambda item: item[1]["p99_ms"])
            add(f"label search, p99 (slowest: '{worst[0]}')", "1e6", worst[1]["p99_ms"], "< 20 ms", worst[1]["p99_ms"] < 20)
    return rows


def results_markdown(results: dict, text: str) -> str:
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); rerunning it reproduces them. How the harness works and what the",
        "figures mean: bench/README.md. Where the time goes for each missed target, with profiles and the",
        "changes they point to: bench/PROFILES.md.",
        "",
        f"- run: {results['started']} to {results.get('finished', '(unfinished)')}",
        f"- command: `{results['command']}`",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}",
        f"- software: {versions}",
        f"- HTTP cells: {results['settings']['seconds']:g} s each, concurrency {', '.join(map(str, results['settings']['concurrency']))}; "
        f"aichr-kg with {results['settings']['workers']} uvicorn worker(s); load generator: "
        f"{'wrk' if m['versions'].get('wrk') else 'asyncio client'}, its own process, on the same 2 cores.",
        "",
        "## Targets",
        "",
        "| target | scale | measured | target | met |",
        "|---|---|---|---|---|",
        *(f"| {t} | {s} | {fmt(f, 2)} | {lim} | {ok} |" for t, s, f, lim, ok in targets(results)),
        "",
        "## Figures",
        "",
        "```",
        text.strip(),
        "```",
        "",
    ]
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------------------------
def prepare(scale: str, work: Path, seed: int) -> Path:
    if scale == "curated":
        return ROOT
    project = work / "project"
    manifest = project / "manifest.json"
    wanted = {"target_triples": SCALES[scale], "seed": seed}
    if manifest.exists():
        have = json.loads(manifest.read_text())
        if all(have.get(k) == v for k, v in wanted.items()) and have.get("generator_mtime") == _generator_mtime():
            return project
    sys.path.insert(0, str(HERE))
    from generate import generate

    info = generate(SCALES[scale], project, seed)
    info["generator_mtime"] = _generator_mtime()
    manifest.write_text(json.dumps(info, indent=1))
    return project


def _generator_mtime() -> float:
    return (HERE / "generate.py").stat().st_mtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="curated,1e4,1e5,1e6", help="comma-separated: curated, tiny, 1e4, 1e5, 1e6")
    parser.add_argument("--seconds", type=float, default=15, help="duration of each HTTP cell")
    parser.add_argument("--concurrency", default="1,16")
    parser.add_argument("--reps", type=int, default=200, help="in-process runs per query (bounded by --rep-seconds too)")
    parser.add_argument("--rep-seconds", type=float, default=3)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--cells", default=",".join(CELLS))
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of aichr-kg serve")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "asyncio"], default="auto")
    parser.add_argument("--linked-data-path", default="/doc/", help="where the service serves entity documents")
    parser.add_argument("--skip", default="", help="comma-separated phases to skip: build, latency, http")
    parser.add_argument("--build-timeout", type=float, default=1800)
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "aichr-kg-bench")
    parser.add_argument("--seed", type=int, default=20251123)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--results-md", type=Path, help="also write this Markdown summary (make bench: bench/RESULTS.md)")
    parser.add_argument("--report-only", type=Path, help="print the tables (and --results-md) of an earlier JSON; run nothing")
    args = parser.parse_args(argv)
    if args.report_only:
        results = json.loads(args.report_only.read_text())
        text = report(results)
        print(text)
        if args.results_md:
            args.results_md.write_text(results_markdown(results, text))
        return 0
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.servers = [s for s in args.servers.split(",") if s]
    args.cells = [c for c in args.cells.split(",") if c]
    skip = set(filter(None, args.skip.split(",")))
    unknown = [s for s in args.scales.split(",") if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s) {unknown}; choose from {list(SCALES)}")

    results = {"command": "python bench/run.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
               "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
               "settings": {"seconds": args.seconds, "concurrency": args.concurrency, "reps": args.reps,
                            "rep_seconds": args.rep_seconds, "workers": args.workers, "servers": args.servers, "cells": args.cells},
               "scales": {}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for scale in args.scales.split(","):
        args.current_scale = scale
        work = args.workdir / scale
        work.mkdir(parents=True, exist_ok=True)
        log(f"scale {scale}: preparing")
        started = time.perf_counter()
        project = prepare(scale, work, args.seed)
        data: dict = {"project": str(project), "generate_s": round(time.perf_counter() - started, 2)}
        if (project / "manifest.json").exists():
            data["generated"] = json.loads((project / "manifest.json").read_text())
        results["scales"][scale] = data
        dump = work / "dump.nq"
        if "build" not in skip or not dump.exists():
            log(f"scale {scale}: build")
            compare = ["--compare-engines", "pyshacl-turbo"] if SCALES[scale] <= 100_000 else []  # side by side where it is quick
            data["build"] = run_json([sys.executable, str(HERE / "phases.py"), "build", "--root", str(project), "--dump", str(dump),
                                      "--out", str(work / "build.json"), *compare], timeout=args.build_timeout)
            if "error" in data["build"] or not dump.exists():  # still give the peers their data
                run_json([sys.executable, "-c", _DUMP_ONLY, str(project), str(dump)], timeout=args.build_timeout)
            log(f"  {data['build']}")
        if "latency" not in skip:
            log(f"scale {scale}: in-process latency")
            data["latency"] = run_json([sys.executable, str(HERE / "phases.py"), "latency", "--root", str(project),
                                        "--reps", str(args.reps), "--seconds", str(args.rep_seconds), "--out", str(work / "latency.json")],
                                       timeout=args.build_timeout)
        if "http" not in skip:
            log(f"scale {scale}: HTTP")
            stale = work / "oxigraph-store"
            if stale.exists():
                import shutil

                shutil.rmtree(stale)
            data["http"] = http_scale(project, dump, work, args)
            data["ratios"] = ratios(data["http"], args.concurrency)
        args.out.write_text(json.dumps(results, indent=1))
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    args.out.write_text(json.dumps(results, indent=1))
    text = report(results)
    print(text)
    args.out.with_suffix(".txt").write_text(text + "\n")
    if args.results_md:
        args.results_md.write_text(results_markdown(results, text))
    print("\ntargets:\n" + table(["target", "scale", "measured", "target", "met"], targets(results)))
    log(f"results: {args.out}")
    return 0


_DUMP_ONLY = """
import json, sys
from pathlib import Path
import pyoxigraph as ox
sys.path.insert(0, %r)
from phases import load_store
from aichr_kg.settings import Settings
store = load_store(Settings(root=Path(sys.argv[1])))
store.oxi.dump(sys.argv[2], format=ox.RdfFormat.N_QUADS)
print(json.dumps({"triples": store.triple_count()}))
""" % str(HERE)


if __name__ == "__main__":
    sys.exit(main())
