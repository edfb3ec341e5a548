"""From the figures of a run to its tables: cells, ratios (only between equal answers), growth, targets, RESULTS.md.

Everything here reads the results JSON only, so ``bench/run.py --report-only FILE`` rewrites the tables
of an earlier run without measuring anything.
"""

from __future__ import annotations

from cells import CELLS, CHEAP, ENGINE_BOUND, REMOTE_CELLS, UNCACHED_CELLS

PEERS = ["oxigraph", "virtuoso", "rdflib-endpoint"]
SERVERS = ["aichr-kg", "uncached", *PEERS, "remote"]
SHORT = {"aichr-kg": "ours", "uncached": "uncached", "oxigraph": "oxigraph", "virtuoso": "virtuoso", "rdflib-endpoint": "rdflib-ep",
         "remote": "remote"}
SCALE_ORDER = ["tiny", "1e4", "1e5", "1e6", "1e7"]


def fmt(value) -> str:
    """Three significant figures below 100 (ratios, milliseconds), whole numbers above (requests per second)."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def line(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


# -- figures out of the JSON ------------------------------------------------------------------------------------
def load_of(data: dict, server: str, cell: str, conc: int) -> dict:
    return data.get("http", {}).get(server, {}).get("cells", {}).get(cell, {}).get(f"c{conc}", {}) or {}


def answer_of(data: dict, server: str, cell: str) -> str | None:
    """None if this server's answer to the cell agrees with the engine's, else why not ("different answer ...")."""
    return data.get("http", {}).get(server, {}).get("cells", {}).get(cell, {}).get("answer")


def ratio(data: dict, ours: str, cell: str, peer: str, conc: int):
    """ours / peer in 2xx answers per second, or the reason there is none (a different answer, a missing figure)."""
    against = "entity-turtle" if cell == "entity-html" else cell  # the HTML page against the engine's CONSTRUCT
    own_cell = "entity-turtle" if cell == "entity-html" else cell  # whose answer stands for the page's
    for server, c in ((ours, own_cell), (peer, against)):
        why = answer_of(data, server, c)
        if why:
            return f"{SHORT[server]}: {why}"
    a = load_of(data, ours, cell, conc).get("ok_per_s")
    b = load_of(data, peer, against, conc).get("ok_per_s")
    if a is None or b is None:
        return None
    return round(a / b, 3) if b else None


def ratios(data: dict, concurrency: list[int]) -> dict:
    out: dict = {}
    for cell in CELLS:
        for conc in concurrency:
            row = {peer: ratio(data, "aichr-kg", cell, peer, conc) for peer in PEERS if peer in data.get("http", {})}
            if cell in REMOTE_CELLS and "remote" in data.get("http", {}):
                row["remote/oxigraph"] = ratio(data, "remote", cell, "oxigraph", conc)
            if cell in UNCACHED_CELLS and "uncached" in data.get("http", {}):
                row["uncached/oxigraph"] = ratio(data, "uncached", cell, "oxigraph", conc)
            out.setdefault(cell, {})[f"c{conc}"] = row
    return out


def numeric_scales(results: dict) -> list[str]:
    return [s for s in SCALE_ORDER if s in results["scales"] and s != "tiny" and results["scales"][s].get("http")]


def growth(results: dict) -> list[list]:
    """p50 at c1 of each cell at every scale, ours and the engine; growth first -> last scale; ours / engine."""
    scales = numeric_scales(results)
    rows = []
    if len(scales) < 2:
        return rows
    for cell in CELLS:
        figures = {}
        for server, c in (("aichr-kg", cell), ("oxigraph", "entity-turtle" if cell == "entity-html" else cell)):
            figures[server] = [load_of(results["scales"][s], server, c, 1).get("p50_ms") for s in scales]
        if not any(figures["aichr-kg"]):
            continue
        grow = {}
        for server, values in figures.items():
            grow[server] = round(values[-1] / values[0], 2) if values[0] and values[-1] else None
        rel = round(grow["aichr-kg"] / grow["oxigraph"], 2) if grow["aichr-kg"] and grow["oxigraph"] else None
        rows.append([cell, *figures["aichr-kg"], grow["aichr-kg"], *figures["oxigraph"], grow["oxigraph"], rel])
    return rows


# -- the targets of issue 13 (and issue 10's load cell), checked against the figures ----------------------------
def targets(results: dict) -> list[list]:
    """[target, scale, figure, limit, met] for every target the figures of this run can check."""
    rows: list[list] = []

    def add(what: str, scale: str, figure, limit: str, ok) -> None:
        if figure is None:
            return
        rows.append([what, scale, figure, limit, ("yes" if ok else "NO") if not isinstance(figure, str) else "NO"])

    for scale in sorted(results["scales"], key=lambda s: (SCALE_ORDER + [s]).index(s)):
        data = results["scales"][scale]
        if not data.get("http"):
            continue
        conc = results["settings"]["concurrency"]
        for cell in ENGINE_BOUND:
            for server, how in (("aichr-kg", "ours"), ("uncached", "ours with nothing kept")):
                for c in conc:
                    r = ratio(data, server, cell, "oxigraph", c)
                    add(f"{cell} c{c}: {how} / oxigraph serve, req/s", scale, r, ">= 0.9", isinstance(r, float) and r >= 0.9)
                top = max(conc)
                ours, engine = load_of(data, server, cell, top), load_of(data, "oxigraph", cell, top)
                if ours.get("p99_ms") and engine.get("p99_ms"):
                    rel = round(ours["p99_ms"] / engine["p99_ms"], 2)
                    add(f"{cell} c{top}: p99 {how} / oxigraph serve", scale, rel, "<= 2", rel <= 2)
        for cell in [*CHEAP, "entity-html"]:
            for c, limit in ((1, 0.5), (16, 0.3)) if cell != "entity-html" else ((1, 0.3), (16, 0.3)):
                if c not in conc:
                    continue
                r = ratio(data, "aichr-kg", cell, "oxigraph", c)
                what = "entity HTML page / engine's CONSTRUCT" if cell == "entity-html" else f"{cell}: ours / oxigraph serve"
                add(f"{what} c{c}", scale, r, f">= {limit}", isinstance(r, float) and r >= limit)
        for peer in ("virtuoso", "rdflib-endpoint"):
            if peer not in data["http"]:
                continue
            behind, compared = [], 0
            for cell in CELLS:
                for c in conc:
                    r = ratio(data, "aichr-kg", cell, peer, c)
                    if isinstance(r, float):
                        compared += 1
                        if r < 1:
                            behind.append(f"{cell} c{c} {r}")
            if compared:
                add(f"ahead of {peer} on every cell (behind: {', '.join(behind) or 'none'})", scale,
                    f"{compared - len(behind)} of {compared}", "all", not behind)
                rows[-1][-1] = "yes" if not behind else "NO"
        failed = {f"{cell} c16": load_of(data, "aichr-kg", cell, 16).get("errors") for cell in CELLS
                  if load_of(data, "aichr-kg", cell, 16).get("errors")}
        if any(load_of(data, "aichr-kg", cell, 16) for cell in CELLS):
            add(f"no timeouts or errors at c16 ({', '.join(f'{k}: {v}' for k, v in failed.items()) or 'none'})", scale,
                sum(failed.values()), "0", not failed)
        if "remote" in data["http"]:
            for cell in REMOTE_CELLS:
                for c in conc:
                    r = ratio(data, "remote", cell, "oxigraph", c)
                    add(f"remote mode {cell} c{c}: ours in front of oxigraph serve / oxigraph serve", scale, r, ">= 0.5",
                        isinstance(r, float) and r >= 0.5)
        build, engine_load = data.get("http", {}).get("aichr-kg", {}), data.get("oxigraph_load", {})
        if scale in ("1e6", "1e7") and build.get("load_s") and engine_load.get("seconds"):
            rel = round(build["load_s"] / engine_load["seconds"], 1)
            if scale == "1e6":
                add("build: aichr-kg build / oxigraph load", scale, rel, "<= 3", rel <= 3)
                add("build: peak memory (MiB)", scale, build.get("load_peak_rss_mib"), "< 2048",
                    (build.get("load_peak_rss_mib") or 1e9) < 2048)
            else:
                add("build: aichr-kg build (s)", scale, build["load_s"], "< 600", build["load_s"] < 600)
        if scale == "1e6" and build:
            add("unchanged build reopened (s)", scale, build.get("rebuild_s"), "< 2", (build.get("rebuild_s") or 1e9) < 2)
            add("service ready (s)", scale, build.get("startup_s"), "< 2", (build.get("startup_s") or 1e9) < 2)
            add("service memory, all its processes, at ready (MiB)", scale, build.get("rss_mib"), "< 600",
                (build.get("rss_mib") or 1e9) < 600)
            searches = data.get("latency", {}).get("label_search", {})
            if searches:
                worst = max(searches.items(), key=lambda item: item[1]["p99_ms"])
                add(f"label search p99 in process (slowest: '{worst[0]}') (ms)", scale, worst[1]["p99_ms"], "< 10",
                    worst[1]["p99_ms"] < 10)
    for row in growth(results):
        add(f"growth of {row[0]} p50 ({' -> '.join(numeric_scales(results)[::len(numeric_scales(results)) - 1])}): "
            "ours / engine", "all", row[-1], "<= 1.5", row[-1] is not None and row[-1] <= 1.5)
    return rows


# -- the text -----------------------------------------------------------------------------------------------------
def build_table(data: dict) -> str:
    b = data.get("build", {})
    rows = []
    if "error" in b:
        rows.append(["bench/phases.py build", f"error: {b['error']}", None])
    for key, value in b.items():  # every timed step phases.py reports, with the peak memory after it
        if key.endswith("_s") and isinstance(value, (int, float)):
            step = key[:-2]
            rows.append([f"phases.py: {step.replace('_', ' ')}", value, b.get(f"{step}_peak_mib")])
    ours = data.get("http", {}).get("aichr-kg", {})
    if ours.get("load_s") is not None:
        rows.append(["aichr-kg build (cold: empty caches)", ours["load_s"], ours.get("load_peak_rss_mib")])
        rows.append(["aichr-kg build again (unchanged input)", ours.get("rebuild_s"), ours.get("rebuild_peak_rss_mib")])
    ox = data.get("oxigraph_load", {})
    if ox:
        rows.append(["oxigraph load (same N-Quads, RocksDB)", ox.get("seconds"), ox.get("peak_rss_mib")])
        if ours.get("load_s") and ox.get("seconds"):
            rows.append(["aichr-kg build / oxigraph load", round(ours["load_s"] / ox["seconds"], 1), None])
    return table(["build", "seconds", "peak MiB"], rows) if rows else ""


def scale_text(results: dict, scale: str, data: dict) -> list[str]:
    parts = [f"\n## Scale {scale}: {fmt(data.get('quads'))} quads served; storage: {data.get('storage', '-')}"]
    built = build_table(data)
    if built:
        parts.append("\nbuild, side by side with the engine's load:\n" + built)
    lat = data.get("latency", {})
    if "error" in lat:
        parts.append(f"latency: {lat['error']}")
    elif lat:
        rows = [[f"canned {n}", q["rows"], q["p50_ms"], q["p99_ms"]] for n, q in lat["queries"].items()]
        d = lat["entity_description"]
        rows.append(["entity description (Turtle)", d["bytes"], d["p50_ms"], d["p99_ms"]])
        rows += [[f"label search '{t}'", s["hits"], s["p50_ms"], s["p99_ms"]] for t, s in lat["label_search"].items()]
        parts.append(f"\nin process (ms), store {lat.get('store_kind', 'in memory')}:\n" + table(["what", "rows", "p50", "p99"], rows))
    http = data.get("http", {})
    if not http:
        return parts
    rows = [[name, info.get("storage", "-"), info.get("load_s"), info.get("startup_s"), info.get("rss_mib"), info.get("peak_rss_mib"),
             info.get("error", "")] for name, info in http.items()]
    parts.append("\nservers (load: aichr-kg build / the engine's load; ready: start to first answer):\n"
                 + table(["server", "storage", "load s", "ready s", "RSS MiB", "peak MiB", "error"], rows))
    conc = results["settings"]["concurrency"]
    rows = []
    for cell in CELLS:
        for c in conc:
            for name in SERVERS:
                r = load_of(data, name, cell, c)
                if r:
                    why = answer_of(data, name, cell)
                    rows.append([f"{cell} c{c}", SHORT[name], r.get("ok_per_s"), r.get("p50_ms"), r.get("p99_ms"), r.get("errors"),
                                 r.get("timeouts"), " ".join(f"{k}x{v}" for k, v in r.get("non2xx", {}).items()) or "",
                                 (why or "same") if name in http and cell in http[name].get("cells", {}) else ""])
    parts.append("\ncells (req/s: 2xx answers per second; p50, p99 in ms; errors: non-2xx + socket errors; answer: against "
                 "the engine's):\n" + table(["cell", "server", "req/s", "p50", "p99", "errors", "timeouts", "non-2xx", "answer"], rows))
    rat = data.get("ratios", {})
    heads = [h for h in ("oxigraph", "virtuoso", "rdflib-endpoint", "remote/oxigraph", "uncached/oxigraph")
             if any(h in rat.get(cell, {}).get(f"c{c}", {}) for cell in CELLS for c in conc)]
    rows = [[f"{cell} c{c}", *[rat.get(cell, {}).get(f"c{c}", {}).get(h) for h in heads]] for cell in CELLS for c in conc
            if any(rat.get(cell, {}).get(f"c{c}", {}).get(h) is not None for h in heads)]
    parts.append("\nratios, ours / each (req/s; entity-html against the engine's CONSTRUCT; remote: ours in front of oxigraph "
                 "serve / oxigraph serve; uncached: ours with nothing kept / oxigraph serve):\n"
                 + table(["cell", *[f"ours/{SHORT.get(h, h)}" if "/" not in h else h for h in heads]], rows))
    rows = []
    for cell in CELLS:
        row = [cell]
        for name in SERVERS:
            ch = http.get(name, {}).get("cells", {}).get(cell, {}).get("check")
            row.append(f"{ch.get('status')} {ch.get('rows', '')} {ch.get('sha256', '')[:8]}".strip() if ch else "")
        rows.append(row)
    parts.append("\nfirst answer of each cell (status, rows or triples, SHA-256 of the sorted canonical rows):\n"
                 + table(["cell", *[SHORT[n] for n in SERVERS]], rows))
    mix = data.get("load")
    if mix:
        rows = [[k, v.get("ok_per_s"), v.get("requests_per_s"), v.get("p50_ms"), v.get("p99_ms"),
                 " ".join(f"{c}x{n}" for c, n in v.get("non2xx", {}).items()) or "none", v.get("timeouts"),
                 " ".join(f"{c}x{n}" for c, n in v.get("socket_errors", {}).items()) or "none"]
                for k, v in mix.items() if isinstance(v, dict) and "error" not in v]
        rows += [[k, f"error: {v['error']}"] + [None] * 6 for k, v in mix.items() if isinstance(v, dict) and "error" in v]
        parts.append(f"\nload cell (issue 10): {mix.get('seconds')} s per concurrency, a mix taken in turn: "
                     f"{', '.join(mix.get('mix', []))}\n"
                     + table(["connections", "2xx/s", "all/s", "p50", "p99", "non-2xx by status", "timeouts", "socket errors"], rows))
    return parts


def report(results: dict) -> str:
    parts = []
    for scale, data in results["scales"].items():
        parts += scale_text(results, scale, data)
    grown = growth(results)
    if grown:
        scales = numeric_scales(results)
        heads = ["cell (c1 p50 ms)", *[f"ours {s}" for s in scales], "ours growth", *[f"oxigraph {s}" for s in scales],
                 "oxigraph growth", "ours/engine growth"]
        parts.append("\n## Growth (p50 at c1; growth = last / first scale; ours / engine goal <= 1.5)\n" + table(heads, grown))
    return "\n".join(parts)


def results_markdown(results: dict, text: str, notes: str = "") -> str:
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    load = results.get("uptime", {})
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); rerunning it reproduces them. How the harness works and what the",
        "figures mean: bench/README.md.",
        "",
        f"- run: {results['started']} to {results.get('finished', '(unfinished)')}",
        f"- command: `{results['command']}`",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}",
        f"- load of the shared machine (`uptime`): at the start `{load.get('start', '?')}`; at the end `{load.get('end', '?')}`",
        f"- software: {versions}",
        f"- HTTP cells: {results['settings']['seconds']:g} s each after a {results['settings'].get('warmup', 0):g} s warm-up, "
        f"concurrency {', '.join(map(str, results['settings']['concurrency']))}; aichr-kg with "
        f"{results['settings']['workers'] or 'its default number of'} uvicorn worker(s); load generator: "
        f"{'wrk' if m['versions'].get('wrk') else 'asyncio client'}, its own process, on the same cores.",
        "",
        "## Targets (issue 13)",
        "",
        "| target | scale | measured | target | met |",
        "|---|---|---|---|---|",
        *(f"| {t} | {s} | {fmt(f)} | {lim} | {ok} |" for t, s, f, lim, ok in targets(results)),
        "",
    ]
    if notes:
        lines += [notes.strip(), ""]
    lines += ["## Figures", "", "```", text.strip(), "```", ""]
    return "\n".join(lines)
