"""In-process measurements, each run in a fresh process by bench/run.py so peak memory is its own.

    python bench/phases.py build   --root PROJECT --dump PROJECT/dump.nq --out build.json
    python bench/phases.py latency --root PROJECT --reps 200 --seconds 3 --out latency.json

``build`` times the build pipeline of aichr_kg step by step (parse to N-Triples with pyoxigraph, SHACL validation
(which includes its own parse), store load with derivation), with the peak resident memory after each step, then ``aichr_kg.build.build`` once the
input is known valid (what a service start costs after ``aichr-kg build``), and writes the built store
as N-Quads for the peer servers. ``latency`` opens the store as the service does (the build kept on disk,
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

from aichr_kg.build import apply_rules, load_into
from aichr_kg.catalogue import Catalogue
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
    """Run ``fn`` up to ``reps`` times or for ``seconds``, whichever ends first (at least 3 runs)."""
    fn()  # warm-up, not counted
    samples = []
    deadline = time.perf_counter() + seconds
    while len(samples) < reps and (len(samples) < 3 or time.perf_counter() < deadline):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {"runs": len(samples), "p50_ms": round(statistics.median(samples), 3), "p99_ms": round(percentile(samples, 0.99), 3)}


def load_store(settings: Settings) -> EmbeddedStore:
    store = EmbeddedStore()
    load_into(store, all_files(settings), settings.base)
    apply_rules(store, settings)
    return store


# -- build ----------------------------------------------------------------------------------------------
def cmd_build(args) -> dict:
    from aichr_kg.parsing import write_ntriples
    from aichr_kg.validation import validate_files

    settings = Settings(root=args.root)
    files = all_files(settings)
    out: dict = {"files": len(files), "peak_mib_start": peak_mib()}
    started = time.perf_counter()  # what validation reads: the data and ontology as one N-Triples file
    scratch = Path(args.out).with_suffix(".validate.nt") if args.out else Path("validate.nt")
    write_ntriples([f for f in files if f.kind in ("data", "ontology")], scratch)
    out["parse_s"] = round(time.perf_counter() - started, 3)
    out["parse_peak_mib"] = peak_mib()
    with scratch.open("rb") as lines:
        out["data_triples"] = sum(1 for _ in lines)
    scratch.unlink()
    started = time.perf_counter()  # the build's validation as it runs: parse again, then the SHACL engine
    violations = validate_files(files, settings.root)
    out["validate_s"] = round(time.perf_counter() - started, 3)
    out["validate_peak_mib"] = peak_mib()
    out["violations"] = sum(v.severity == "Violation" for v in violations)
    out["warnings"] = len(violations) - out["violations"]
    for engine in args.compare_engines:  # the same validation on another engine, side by side in this run
        started = time.perf_counter()
        same = validate_files(files, settings.root, engine=engine) == violations
        out[f"validate_{engine}_s"] = round(time.perf_counter() - started, 3)
        out[f"validate_{engine}_same_results"] = same
    started = time.perf_counter()
    store = load_store(settings)
    out["load_s"] = round(time.perf_counter() - started, 3)
    out["load_peak_mib"] = peak_mib()
    out["store_triples"] = store.triple_count()
    out["total_s"] = round(out["parse_s"] + out["validate_s"] + out["load_s"], 3)
    if not out["violations"]:  # what a start after `aichr-kg build` costs: the input is remembered as valid
        from aichr_kg import build as building

        building._remember(settings, building._fingerprint(files), violations)
        del store
        started = time.perf_counter()
        store = building.build(settings).store
        out["cached_build_s"] = round(time.perf_counter() - started, 3)
    if args.dump:
        store.oxi.dump(str(args.dump), format=ox.RdfFormat.N_QUADS)
    return out


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
    for query in catalogue:
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
    b.add_argument("--compare-engines", type=lambda s: [e for e in s.split(",") if e], default=[],
                   help="also validate with these SHACL engines (e.g. pyshacl-turbo) and report their time")
    lat = sub.add_parser("latency")
    lat.add_argument("--root", type=Path, required=True)
    lat.add_argument("--reps", type=int, default=200)
    lat.add_argument("--seconds", type=float, default=3.0)
    lat.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result = cmd_build(args) if args.cmd == "build" else cmd_latency(args)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
