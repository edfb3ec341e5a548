"""The benchmark harness (``make bench``): generate, build, query in process, load over HTTP, compare.

    python bench/run.py --scales 1e4,1e5,1e6 --seconds 15 --out bench/results/latest.json --results-md bench/RESULTS.md

For each scale (``curated`` is the real data as it is; ``1e4``... are synthetic graphs of about that
many triples, from bench/generate.py) it measures:

1. the build, step by step with peak memory (bench/phases.py build), then ``aichr-kg build`` cold and
   again unchanged, beside ``oxigraph load`` of the same N-Quads;
2. in-process latency (p50/p99) of every canned query, an entity description and label searches;
3. over HTTP, one server at a time on 127.0.0.1 (bench/engines.py), with the load generator in its own
   process (bench/loadgen.py: wrk, or its asyncio client): the cells of bench/cells.py at each
   concurrency on this service, ``oxigraph serve`` (the engine, on the same storage as ours),
   Virtuoso and rdflib-endpoint, all serving the same N-Quads, and this service in front of that
   ``oxigraph serve`` (remote mode) on the cheap cells. Before any load each cell's answer is fetched
   once from every server and compared with the engine's (bench/answers.py): a ratio is reported only
   between equal answers, otherwise "different answer (N rows vs M)";
4. issue 10's load cell on this service: a mix of /sparql, canned questions, entity pages and search
   at 16 and 64 connections, every non-2xx by status;

then prints the tables (bench/report.py): cells, ratios, the growth from scale to scale, the targets of
issue 13; and writes everything to one JSON file. Every load is bounded in requests and in seconds;
every server is started here and stopped by its own process id.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import answers  # noqa: E402
import cells as cellspec  # noqa: E402
import engines  # noqa: E402
import report  # noqa: E402
from engines import log  # noqa: E402

SCALES = {"curated": 0, "tiny": 5_000, "1e4": 10_000, "1e5": 100_000, "1e6": 1_000_000, "1e7": 10_000_000}
SERVERS = report.SERVERS
CELLS = cellspec.CELLS


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
        done = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, timeout=10)
        versions["virtuoso"] = next((line.split("Version", 1)[1].strip() for line in (done.stdout + done.stderr).splitlines()
                                     if "Version" in line), None)
    except OSError:
        versions["virtuoso"] = None
    try:
        versions["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    except OSError:
        versions["wrk"] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "os": platform.platform(), "versions": versions}


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


# -- one server's cells ------------------------------------------------------------------------------------------
def check(url: str, accept: str) -> tuple[dict, dict]:
    """One request before the load: (status, size, rows and the answer's SHA-256; the digest with its rows)."""
    started = time.perf_counter()
    status, ctype, body = engines.get(url, accept)
    out = {"status": status, "bytes": len(body), "ms": round((time.perf_counter() - started) * 1000, 1),
           "type": ctype.split(";")[0].strip()}
    if status != 200:
        out["error"] = body[:200].decode("utf-8", "replace")
        return out, out
    if out["type"] == "text/html":
        return out, {}
    digest = answers.digest(body, out["type"])
    out.update({k: v for k, v in digest.items() if k != "lines"})
    return out, digest


def run_cells(server: engines.Server, cells: dict, args, digests: dict) -> dict:
    """Every cell of one server: its check, then the load at each concurrency (after the server has gone idle)."""
    out: dict = {}
    for name, cell in cells.items():
        if name not in args.cells:
            continue
        result, digest = check(cell.url, cell.accept)
        digests.setdefault(server.name, {})[name] = digest
        entry: dict = {"check": result}
        if result.get("status") is not None:  # a 4xx/5xx is loaded too, and counted as errors
            for conc in args.concurrency:
                drained = server.drain(args.drain_limit)
                before = round(os.getloadavg()[0], 2)
                figures = load([(cell.url, cell.accept)], conc, args.seconds, args)
                figures.update(loadavg_before=before, drain_s=drained)
                entry[f"c{conc}"] = figures
        out[name] = entry
        log(f"    {server.name} {name}: " + " ".join(f"{k}={v.get('ok_per_s')}/s p99={v.get('p99_ms')}"
                                                  for k, v in entry.items() if k[1:].isdigit())
            + (f" check={result}" if result.get("status") != 200 else f" rows={result.get('rows')}"))
    return out


def load(requests: list[tuple[str, str]], conc: int, seconds: float, args) -> dict:
    cmd = [sys.executable, str(HERE / "loadgen.py"), "--concurrency", str(conc), "--seconds", str(seconds),
           "--warmup", str(args.warmup), "--max-requests", str(int(50_000 * seconds)), "--tool", args.loadgen]
    for url, accept in requests:
        cmd += ["--url", url, "--accept", accept]
    return run_json(cmd, timeout=seconds * 5 + args.warmup + 120)


def judge(http: dict, digests: dict) -> None:
    """Each server's answer to each cell against the engine's: None (the same) or why not, stored as "answer"."""
    reference = next((s for s in ("oxigraph", "virtuoso", "rdflib-endpoint") if s in digests), None)
    for server, by_cell in digests.items():
        for name, digest in by_cell.items():
            if not digest:  # an HTML page: not an answer to compare
                continue
            cell = http[server]["cells"][name]
            theirs = digests[reference].get(name) if reference else None
            if server == reference or theirs is None:
                cell["answer"] = None if "rows" in digest else answers.compare(digest, digest)
            else:
                cell["answer"] = answers.compare(digest, theirs, contains=server in cellspec.OURS and name == "entity-turtle")
                cell["against"] = reference


def start(name: str, project: Path, dump: Path, work: Path, args, storage: str, timeout: float, upstream=None) -> engines.Server:
    if name == "aichr-kg":
        server = engines.aichr_kg(project, work, storage, args.workers, timeout)
        again = engines.timed_run([str(BIN / "aichr-kg"), "--root", str(project), "build", "--out", str(work / "dist")], timeout,
                                  env=engines.service_env(work, storage))
        server.info.update(rebuild_s=again.get("seconds"), rebuild_peak_rss_mib=again.get("peak_rss_mib"))
        return server
    if name == "uncached":  # the same build, nothing kept: the engine path of every request
        return engines.aichr_kg_serve(name, project, work, storage, args.workers, timeout, engines.UNCACHED_ENV)
    if name == "oxigraph":
        return engines.oxigraph(work, dump, storage, timeout)
    if name == "virtuoso":
        return engines.virtuoso(dump, work, timeout)
    if name == "rdflib-endpoint":
        return engines.rdflib_endpoint(dump, work, timeout)
    if name == "remote":
        return engines.remote(project, work, upstream, args.workers, timeout)
    raise ValueError(name)


def measure(name: str, project: Path, dump: Path, work: Path, args, storage: str, timeout: float, http: dict, digests: dict,
            upstream=None) -> engines.Server | None:
    """Start one server, run its cells (and, for ours, the load cell), record; the caller stops it."""
    server = None
    for attempt in (1, 2):  # once more after a failed start: on a loaded machine a worker may miss its start deadline
        log(f"  http: starting {name}" + (" (second try)" if attempt > 1 else ""))
        try:
            server = start(name, project, dump, work, args, storage, timeout, upstream)
            server.info["start_attempts"] = attempt
            break
        except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
            http[name] = {"error": str(exc)[:400]}
            log(f"  http: {name}: {exc}")
    if server is None:
        return None
    http.pop(name, None)
    with engines.PeakSampler(server):
        server.info["cells"] = run_cells(server, cellspec.for_server(name, server.base, server.endpoint, project), args, digests)
        if name == "aichr-kg" and args.load_seconds > 0 and args.current_scale not in args.engine_only:
            http["_load"] = load_cell(server, project, args)
    http[name] = server.info
    return server


def load_cell(server: engines.Server, project: Path, args) -> dict:
    mix = cellspec.load_mix(server.base, project)
    out: dict = {"seconds": args.load_seconds, "mix": [url.split("?")[0].replace(server.base, "") for url, _ in mix]}
    for conc in args.load_concurrency:
        server.drain(args.drain_limit)
        out[f"c{conc}"] = load(mix, conc, args.load_seconds, args)
        log(f"    load cell c{conc}: {out[f'c{conc}']}")
    return out


def http_scale(project: Path, dump: Path, work: Path, args, storage: str) -> dict:
    http: dict = {}
    digests: dict = {}
    triples = max(SCALES.get(args.current_scale, 0), 10_000)
    timeout = 60 + 600 * triples / 1_000_000
    order = [s for s in ("oxigraph", "aichr-kg", "uncached", "virtuoso", "rdflib-endpoint") if s in args.scale_servers]
    for name in order:
        server = measure(name, project, dump, work, args, storage, timeout, http, digests)
        if server is None:
            continue
        try:
            if name == "oxigraph" and "remote" in args.scale_servers:  # remote mode: ours in front of this very server
                front = measure("remote", project, dump, work, args, storage, timeout, http, digests, upstream=server)
                if front is not None:
                    front.stop()
        finally:
            server.stop()
    if "_load" in http:
        load_figures = http.pop("_load")
    else:
        load_figures = None
    judge(http, digests)
    return {"http": {k: http[k] for k in SERVERS if k in http}, "load": load_figures}


# -- main ------------------------------------------------------------------------------------------------------
def run_json(cmd: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run a helper that prints one JSON line; a failure or a time-out becomes {"error": ...}."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["exit " + str(proc.returncode)])[-1][:300]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def prepare(scale: str, work: Path, seed: int) -> Path:
    if scale == "curated":
        return ROOT
    project = work / "project"
    manifest = project / "manifest.json"
    wanted = {"target_triples": SCALES[scale], "seed": seed}
    if manifest.exists():
        have = json.loads(manifest.read_text())
        if all(have.get(k) == v for k, v in wanted.items()) and have.get("generator_mtime") == _generator_mtime() \
                and have.get("curated") == _curated_fingerprint():
            return project
    sys.path.insert(0, str(HERE))
    from generate import generate

    info = generate(SCALES[scale], project, seed)
    info["generator_mtime"] = _generator_mtime()
    info["curated"] = _curated_fingerprint()
    manifest.write_text(json.dumps(info, indent=1))
    return project


def _generator_mtime() -> float:
    return (HERE / "generate.py").stat().st_mtime


def _curated_fingerprint() -> str:
    """Names, sizes and times of the curated data the generated graph copies (a merge that changes it regenerates)."""
    import hashlib

    files = sorted((ROOT / "data").rglob("*"))
    return hashlib.sha256("".join(f"{p}{p.stat().st_size}{p.stat().st_mtime}" for p in files if p.is_file()).encode()).hexdigest()


def storage_for(scale: str, choice: str) -> str:
    if choice != "auto":
        return choice
    return "memory" if SCALES[scale] <= 100_000 else "disk"


def count_quads(dump: Path) -> int:
    with dump.open("rb") as lines:
        return sum(1 for line in lines if line.strip() and not line.startswith(b"#"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="curated,1e4,1e5,1e6", help="comma-separated: " + ", ".join(SCALES))
    parser.add_argument("--seconds", type=float, default=15, help="duration of each HTTP cell")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each cell, not counted")
    parser.add_argument("--concurrency", default="1,16")
    parser.add_argument("--drain-limit", type=float, default=60,
                        help="longest wait, before each load, for the server to go idle (0: no wait)")
    parser.add_argument("--load-seconds", type=float, default=60, help="duration of each run of the load cell (0: none)")
    parser.add_argument("--load-concurrency", default="16,64")
    parser.add_argument("--storage", choices=["auto", "memory", "disk"], default="auto",
                        help="ours and oxigraph serve on the same storage; auto: memory up to 1e5, disk above")
    parser.add_argument("--reps", type=int, default=200, help="in-process runs per query (bounded by --rep-seconds too)")
    parser.add_argument("--rep-seconds", type=float, default=3)
    parser.add_argument("--latency-scales", default="", help="scales at which to time in process (default: every one)")
    parser.add_argument("--latency-no-canned", action="store_true",
                        help="time only the entity description and label searches in process (a slow canned query at 1e6 "
                             "takes minutes)")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--build-only-scales", default="",
                        help="scales at which only the build is measured (its phases, oxigraph load): 1e7, whose HTTP cells "
                             "would take hours")
    parser.add_argument("--engine-only-scales", default="",
                        help="scales run with only aichr-kg and oxigraph serve (what the growth table needs), e.g. 1e4")
    parser.add_argument("--cells", default=",".join(CELLS))
    parser.add_argument("--workers", type=int, default=None, help="uvicorn workers of aichr-kg serve (default: its own)")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "asyncio"], default="auto")
    parser.add_argument("--skip", default="", help="comma-separated phases to skip: build, latency, http")
    parser.add_argument("--build-timeout", type=float, default=1800)
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "aichr-kg-bench")
    parser.add_argument("--seed", type=int, default=20251123)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--results-md", type=Path, help="also write this Markdown summary (make bench: bench/RESULTS.md)")
    parser.add_argument("--notes", type=Path, help="Markdown put into --results-md under the targets (profiles, next steps)")
    parser.add_argument("--report-only", type=Path, help="print the tables (and --results-md) of an earlier JSON; run nothing")
    args = parser.parse_args(argv)
    notes = args.notes.read_text() if args.notes and args.notes.exists() else ""
    if args.report_only:
        results = json.loads(args.report_only.read_text())
        for data in results["scales"].values():
            if data.get("http"):
                data["ratios"] = report.ratios(data, results["settings"]["concurrency"])
        text = report.report(results)
        print(text)
        if args.results_md:
            args.results_md.write_text(report.results_markdown(results, text, notes))
        return 0
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.load_concurrency = [int(c) for c in args.load_concurrency.split(",") if c]
    args.servers = [s for s in args.servers.split(",") if s]
    args.cells = [c for c in args.cells.split(",") if c]
    args_skip = set(filter(None, args.skip.split(",")))
    engine_only = args.engine_only = set(filter(None, args.engine_only_scales.split(",")))
    build_only = set(filter(None, args.build_only_scales.split(",")))
    unknown = [s for s in args.scales.split(",") if s not in SCALES] + [s for s in args.servers if s not in SERVERS]
    if unknown:
        parser.error(f"unknown scale(s) or server(s) {unknown}; scales: {list(SCALES)}, servers: {SERVERS}")

    results = {"command": "python bench/run.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
               "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "uptime": {"start": uptime()}, "machine": machine(),
               "settings": {"seconds": args.seconds, "warmup": args.warmup, "concurrency": args.concurrency, "reps": args.reps,
                            "rep_seconds": args.rep_seconds, "workers": args.workers, "servers": args.servers, "cells": args.cells,
                            "load_seconds": args.load_seconds, "load_concurrency": args.load_concurrency},
               "scales": {}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for scale in args.scales.split(","):
        args.current_scale = scale
        skip = args_skip | ({"latency", "http"} if scale in build_only else set())
        work = args.workdir / scale
        work.mkdir(parents=True, exist_ok=True)
        args.scale_servers = [s for s in args.servers if scale not in engine_only or s in ("aichr-kg", "uncached", "oxigraph")]
        log(f"scale {scale}: preparing ({uptime()})")
        started = time.perf_counter()
        project = prepare(scale, work, args.seed)
        storage = storage_for(scale, args.storage)
        data: dict = {"project": str(project), "generate_s": round(time.perf_counter() - started, 2), "storage": storage}
        if (project / "manifest.json").exists():
            data["generated"] = json.loads((project / "manifest.json").read_text())
        results["scales"][scale] = data
        dump = work / "dump.nq"
        phases_env = {"AICHR_KG_STORE_CACHE": str(work / "cache-phases" / "stores"),
                      "AICHR_KG_VALIDATION_CACHE": str(work / "cache-phases" / "validated")}
        if "build" not in skip or not dump.exists():
            log(f"scale {scale}: build phases")
            data["build"] = run_json([sys.executable, str(HERE / "phases.py"), "build", "--root", str(project), "--dump", str(dump),
                                      "--out", str(work / "build.json"), "--phases-only"],  # the whole command: measured below
                                     timeout=args.build_timeout, env=phases_env)
            if "error" in data["build"] or not dump.exists():  # still give the peers their data
                run_json([sys.executable, "-c", _DUMP_ONLY, str(project), str(dump)], timeout=args.build_timeout)
            log(f"  {data['build']}")
        data["quads"] = count_quads(dump)
        if "build" not in skip:
            location = work / "oxigraph-store"  # the engine's build, beside ours; oxigraph serve on disk reads it
            shutil.rmtree(location, ignore_errors=True)
            data["oxigraph_load"] = engines.timed_run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)],
                                                      timeout=args.build_timeout)
            log(f"  oxigraph load: {data['oxigraph_load']}")
        if "latency" not in skip and (not args.latency_scales or scale in args.latency_scales.split(",")):
            log(f"scale {scale}: in-process latency")
            data["latency"] = run_json([sys.executable, str(HERE / "phases.py"), "latency", "--root", str(project),
                                        "--reps", str(args.reps), "--seconds", str(args.rep_seconds), "--out", str(work / "latency.json"),
                                        *(["--no-canned"] if args.latency_no_canned else [])],
                                       timeout=args.build_timeout, env={**phases_env, **engines.service_env(work, storage)})
        if "http" not in skip:
            log(f"scale {scale}: HTTP ({storage})")
            data.update(http_scale(project, dump, work, args, storage))
            engine = data["http"].get("oxigraph", {})
            if engine.get("load_s") is None and data.get("oxigraph_load", {}).get("seconds") is not None:
                engine["load_s"] = data["oxigraph_load"]["seconds"]
            data["ratios"] = report.ratios(data, args.concurrency)
        args.out.write_text(json.dumps(results, indent=1))
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    results["uptime"]["end"] = uptime()
    args.out.write_text(json.dumps(results, indent=1))
    text = report.report(results)
    print(text)
    args.out.with_suffix(".txt").write_text(text + "\n")
    if args.results_md:
        args.results_md.write_text(report.results_markdown(results, text, notes))
    print("\ntargets:\n" + report.table(["target", "scale", "measured", "target", "met"], report.targets(results)))
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
