"""In-process measurements, each run in a fresh process by bench/run.py so peak memory is its own.

    python bench/phases.py build   --root PROJECT --dump PROJECT/dump.nq --out build.json
    python bench/phases.py latency --root PROJECT --reps 200 --seconds 3 --out latency.json

``build`` times the build pipeline of aichr_kg step by step as ``aichr_kg.diskstore`` runs it (parse to N-Quads
and SHACL validation, bulk load into RocksDB, derivation rules in the store, the label index, the dumps), with the
peak resident memory after each step; then the whole ``aichr-kg build`` command, cold and unchanged (reopened),
and ``oxigraph load`` of the same N-Quads, each measured with the peak RSS of its process tree, side by side in
one run (a table on stderr); and writes the built store as N-Quads for the peer servers. ``latency`` opens the store as the service does (the build kept on disk,
copied into memory up to ``Settings.memory_copy_limit`` quads) and
times every canned query (``queries/*.rq`` through ``aichr_kg.catalogue.Catalogue``, default
parameters), an entity description and label searches: median and p99 over repeated runs, each
loop bounded in count and in time.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from aichr_kg.build import apply_rules, load_validated
from aichr_kg.catalogue import Catalogue
from aichr_kg.diskstore import counted_triples
from aichr_kg.settings import Settings
from aichr_kg.sources import all_files
from aichr_kg.store import EmbeddedStore

HERE = Path(__file__).resolve().parent
ENTITY = "https://w3id.org/aichr-kg/id/event/2018-05-15-1st-aichr-un-meeting"
SEARCHES = ["aichr", "human rights", "migrant workers", "trafficking", "workshop on access", "ministry of labour"]


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def timed(fn, reps: int, seconds: float) -> dict:
    """Run ``fn`` up to ``reps`` times or for ``seconds``, whichever ends first (at least 3 runs, but a query
    whose warm-up alone took longer than ``seconds`` is timed once: a slow canned query at 10^6 must not
    hold the whole phase for minutes)."""
    started = time.perf_counter()
    fn()  # warm-up, not counted
    least = 3 if time.perf_counter() - started < seconds else 1
    samples = []
    deadline = time.perf_counter() + seconds
    while len(samples) < reps and (len(samples) < least or time.perf_counter() < deadline):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {"runs": len(samples), "p50_ms": round(statistics.median(samples), 3), "p99_ms": round(percentile(samples, 0.99), 3)}


def load_store(settings: Settings) -> EmbeddedStore:
    from aichr_kg.build import build

    return build(settings, validate=False).store


# -- build ----------------------------------------------------------------------------------------------
class TreePeak:
    """Peak resident memory of a process and all its descendants, sampled every 50 ms (``with TreePeak(pid) as p``)."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    @property
    def mib(self) -> float:
        return round(self.peak / 2**20, 1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_measured(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """A command's wall time and the peak RSS of its whole process tree (it must succeed)."""
    import os
    import subprocess

    started = time.perf_counter()
    proc = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreePeak(proc.pid) as peak:
        _out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{command[0]} failed: {err.decode(errors='replace')[-2000:]}")
    return round(time.perf_counter() - started, 3), peak.mib


def cmd_build(args) -> dict:
    """The steps of ``aichr_kg.diskstore`` one by one (each timed, with this process's peak RSS after it), then the
    whole ``aichr-kg build`` command twice (cold, then unchanged: reopened) and ``oxigraph load`` of the same
    N-Quads, each a process tree of its own measured from outside, side by side in this run."""
    import shutil
    import tempfile

    from aichr_kg import release
    from aichr_kg.dumps import write_dumps
    from aichr_kg.search import index_graph
    from aichr_kg.validation import validate_files

    settings = Settings(root=args.root)
    files = all_files(settings)
    out: dict = {"files": len(files), "peak_mib_start": peak_mib()}
    work = Path(tempfile.mkdtemp(prefix="aichr-kg-phases-", dir=args.workdir))
    try:
        def step(name: str, run):
            started = time.perf_counter()
            value = run()
            out[f"{name}_s"] = round(time.perf_counter() - started, 3)
            out[f"{name}_peak_mib"] = peak_mib()
            return value

        violations = step("validate", lambda: validate_files(files, settings.root, keep=work))  # parse + SHACL
        out["data_triples"] = sum(1 for _ in (work / "data.nq").open("rb"))
        out["violations"] = sum(v.severity == "Violation" for v in violations)
        out["warnings"] = len(violations) - out["violations"]
        for engine in args.compare_engines:  # the same validation on another engine, side by side in this run
            started = time.perf_counter()
            same = validate_files(files, settings.root, engine=engine) == violations
            out[f"validate_{engine}_s"] = round(time.perf_counter() - started, 3)
            out[f"validate_{engine}_same_results"] = same
        store = EmbeddedStore(ox.Store(str(work / "rdf")))
        step("load", lambda: load_validated(store, work, settings))  # the named graphs and their merge
        step("rules", lambda: (release.stamp(store, settings, release.current(settings)), apply_rules(store, settings)))
        out["store_triples"] = counted_triples(store, Catalogue(settings))
        step("index", lambda: index_graph(store, Catalogue(settings), settings.base, work / "labels.sqlite"))
        store.oxi.flush()
        store = None  # closes the database: the dumps read the build opened read-only, as `aichr-kg build` does
        store = EmbeddedStore.open_read_only(work / "rdf")
        step("dumps", lambda: write_dumps(store, work / "dumps"))
        out["dump_mib"] = round(sum(f.stat().st_size for f in (work / "dumps").iterdir()) / 2**20, 1)
        # what the peers load: every quad the store holds, its merged default graph too (the dump of named graphs
        # leaves it out; oxigraph serve answers from the default graph as it was loaded)
        nquads = args.dump or work / "store.nq"
        store.oxi.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
        out["total_s"] = round(sum(out[f"{k}_s"] for k in ("validate", "load", "rules", "index", "dumps")), 3)
        del store
        env = {"AICHR_KG_STORE_CACHE": str(work / "stores"), "AICHR_KG_VALIDATION_CACHE": str(work / "validated")}
        command = [str(Path(sys.executable).parent / "aichr-kg"), "--root", str(args.root), "build", "--out", str(work / "dist")]
        if not args.phases_only:
            out["command_s"], out["command_peak_mib"] = run_measured(command, env)  # cold: nothing known
            out["reopen_s"], out["reopen_peak_mib"] = run_measured(command, env)  # unchanged: the build kept on disk
        oxigraph = [str(Path(sys.executable).parent / "oxigraph"), "load", "--location", str(work / "oxigraph"),
                    "--file", str(nquads)]
        out["oxigraph_load_s"], out["oxigraph_load_peak_mib"] = run_measured(oxigraph)
        out["ratio_to_oxigraph_load"] = round(out.get("command_s", out["total_s"]) / out["oxigraph_load_s"], 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def build_table(b: dict) -> str:
    """The build phases beside ``oxigraph load`` of the same data, as text."""
    rows = [("parse + SHACL validation (pyoxigraph to N-Quads, shacl)", "validate"),
            ("store load and merged default graph (bulk, RocksDB)", "load"), ("derivation rules (in the store)", "rules"),
            ("label index (SQLite FTS5)", "index"), ("dumps (5 formats, streamed)", "dumps")]
    lines = [f"{'build phase':58s} {'seconds':>9s} {'peak MiB':>9s}"]
    lines += [f"{label:58s} {b[f'{key}_s']:9.2f} {b[f'{key}_peak_mib']:9.1f}" for label, key in rows]
    lines.append(f"{'sum of the phases':58s} {b['total_s']:9.2f}")
    if "command_s" in b:
        lines.append(f"{'aichr-kg build (whole command, process tree)':58s} {b['command_s']:9.2f} {b['command_peak_mib']:9.1f}")
        lines.append(f"{'aichr-kg build again, unchanged (reopened)':58s} {b['reopen_s']:9.2f} {b['reopen_peak_mib']:9.1f}")
    lines.append(f"{'oxigraph load of the same N-Quads':58s} {b['oxigraph_load_s']:9.2f} {b['oxigraph_load_peak_mib']:9.1f}")
    lines.append(f"aichr-kg build{'' if 'command_s' in b else ' (sum of the phases)'} / oxigraph load: {b['ratio_to_oxigraph_load']}x "
                 f"({b['store_triples']} quads in the store, {b['data_triples']} read from the sources)")
    return "\n".join(lines)


# -- latency --------------------------------------------------------------------------------------------
def label_index(store: EmbeddedStore, settings: Settings):
    """The text index of aichr_kg.search over every label and alternative name (as the service builds it)."""
    from aichr_kg import search

    if hasattr(search, "build_index"):
        from aichr_kg.vocabulary import Vocabulary

        catalogue = Catalogue(settings)
        return search.build_index(store, catalogue, Vocabulary.from_store(store, catalogue, settings.base))
    rows = store.raw("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?label (SAMPLE(?type) AS ?kind) WHERE { ?s rdfs:label ?label . OPTIONAL { ?s a ?type } FILTER(isIRI(?s)) }
        GROUP BY ?s ?label""")
    entities = {}
    for row in rows:
        iri = row["s"].value
        if iri not in entities:
            kind = row["kind"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if row["kind"] is not None else ""
            entities[iri] = search.Entity(iri, row["label"].value, kind)
    names = [(row["s"].value, row["n"].value) for row in store.raw(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?n WHERE { ?s skos:altLabel ?n }")]
    return search.LabelIndex(entities.values(), names)


def cmd_latency(args) -> dict:
    from aichr_kg.diskstore import open_built, saved_names

    settings = Settings(root=args.root)
    started = time.perf_counter()
    store = open_built(settings).store  # as the service holds it: from disk, copied into memory if small
    out: dict = {"load_s": round(time.perf_counter() - started, 3), "store_triples": store.triple_count(), "queries": {},
                 "store_kind": "in memory (copied from the build on disk)" if store.copied
                 else "on disk (RocksDB, read-only)"}
    catalogue = Catalogue(settings)
    started = time.perf_counter()  # the vocabulary and label index saved with the build (names.json), as a start reads them
    out["saved_names_s"] = round(time.perf_counter() - started, 3) if saved_names(store, catalogue, settings.base) else None
    for query in [] if args.no_canned else catalogue:
        rows = len(catalogue.run(query.name, {}, store).rows)
        out["queries"][query.name] = {"rows": rows, **timed(lambda q=query.name: catalogue.run(q, {}, store), args.reps, args.seconds)}
    description = (HERE / "queries" / "entity-description.rq").read_text()
    node = ox.NamedNode(ENTITY)

    def describe() -> bytes:
        return ox.serialize(store.raw(description, {"this": node}), format=ox.RdfFormat.TURTLE)

    out["entity_description"] = {"entity": ENTITY, "bytes": len(describe()), **timed(describe, args.reps, args.seconds)}
    started = time.perf_counter()
    index = label_index(store, settings)
    out["label_index"] = {"build_s": round(time.perf_counter() - started, 3), "entities": len(index)}
    out["label_search"] = {}
    for text in SEARCHES:
        out["label_search"][text] = {"hits": len(index.search(text)), **timed(lambda t=text: index.search(t), args.reps, args.seconds)}
    out["peak_mib"] = peak_mib()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--root", type=Path, required=True)
    b.add_argument("--dump", type=Path)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--workdir", type=Path, default=None, help="where the scratch stores go (default: the temp folder)")
    b.add_argument("--phases-only", action="store_true",
                   help="leave out the whole `aichr-kg build` command (cold and reopened): the 10^7 run")
    b.add_argument("--compare-engines", type=lambda s: [e for e in s.split(",") if e], default=[],
                   help="also validate with these SHACL engines (e.g. pyshacl-turbo) and report their time")
    lat = sub.add_parser("latency")
    lat.add_argument("--root", type=Path, required=True)
    lat.add_argument("--reps", type=int, default=200)
    lat.add_argument("--seconds", type=float, default=3.0)
    lat.add_argument("--out", type=Path, required=True)
    lat.add_argument("--no-canned", action="store_true", help="leave the canned queries out (the HTTP cells time one)")
    args = parser.parse_args(argv)
    result = cmd_build(args) if args.cmd == "build" else cmd_latency(args)
    args.out.write_text(json.dumps(result, indent=1))
    if args.cmd == "build":
        print(build_table(result), file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
