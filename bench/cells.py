"""The HTTP cells: what each server is asked, and the load cell's mix.

Every engine gets the same query text (``bench/queries/*.rq``, the canned question's own text with its
parameter as a ``VALUES`` constant); this service gets the same text at ``/sparql`` and, for the cells
that a person uses, its own routes: the entity document ``/doc/….ttl`` against the engines' CONSTRUCT of
the same entity, the entity HTML page (ours only; its ratio is to the engine's CONSTRUCT), the canned
question ``/queries/NAME?param=…``.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPARQL_JSON = "application/sparql-results+json"
ENTITY = "https://w3id.org/aichr-kg/id/event/2018-05-15-1st-aichr-un-meeting"
CANNED = ("event-participants", "event")
CELLS = ["label", "three-join", "aggregation", "entity-turtle", "entity-html", "canned"]
ENGINE_BOUND = ["three-join", "aggregation"]
CHEAP = ["label", "entity-turtle", "canned"]
REMOTE_CELLS = ["label", "entity-turtle", "canned"]  # remote mode: the cheap cells (issue 13: >= 0.5x the server it fronts)
UNCACHED_CELLS = ["label", *ENGINE_BOUND]  # ours with nothing kept: the /sparql cells, each request on the engine
OURS = {"aichr-kg", "remote", "uncached"}
SEARCHES = ["human rights", "trafficking", "aichr"]


@dataclass(frozen=True)
class Cell:
    url: str
    accept: str
    compare: str  # "rows": same answer as the engine; "contains": holds the engine's; "": not compared (HTML)
    against: str  # the engine's cell it is compared with (entity-html: the CONSTRUCT)


def bench_query(name: str) -> str:
    return (HERE / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def canned_text(project: Path) -> tuple[str, str]:
    """The canned query's text with its default parameter as a constant (engines have no substitutions)."""
    from aichr_kg.catalogue import Catalogue
    from aichr_kg.settings import Settings

    query = Catalogue(Settings(root=project)).get(CANNED[0])
    default = query.param(CANNED[1]).default
    head, sep, tail = query.text.partition("WHERE {")
    return head + sep + f"\n  VALUES ?{CANNED[1]} {{ <{default}> }}" + tail, default


def for_server(server: str, base: str, endpoint: str, project: Path) -> dict[str, Cell]:
    """cell -> what to send to this server."""

    def sparql(text: str) -> str:
        return base + endpoint + "?" + urllib.parse.urlencode({"query": text})

    cells = {name: Cell(sparql(bench_query(query)), SPARQL_JSON, "rows", name)
             for name, query in (("label", "label-lookup"), ("three-join", "three-join"), ("aggregation", "aggregation"))}
    text, default = canned_text(project)
    if server in OURS:
        page = base + "/doc/" + ENTITY.split("/id/", 1)[1]
        cells["entity-turtle"] = Cell(page + ".ttl", "text/turtle", "contains", "entity-turtle")
        cells["entity-html"] = Cell(page, "text/html", "", "entity-turtle")
        cells["canned"] = Cell(base + f"/queries/{CANNED[0]}?" + urllib.parse.urlencode({CANNED[1]: default}), SPARQL_JSON,
                               "rows", "canned")
    else:
        describe = bench_query("entity-description").replace("?this", f"<{ENTITY}>")
        cells["entity-turtle"] = Cell(sparql(describe), "text/turtle", "rows", "entity-turtle")
        cells["canned"] = Cell(sparql(text), SPARQL_JSON, "rows", "canned")
    if server == "remote":
        cells = {name: cell for name, cell in cells.items() if name in REMOTE_CELLS}
    if server == "uncached":
        cells = {name: cell for name, cell in cells.items() if name in UNCACHED_CELLS}
    return cells


def load_mix(base: str, project: Path) -> list[tuple[str, str]]:
    """Issue 10's load cell: /sparql, canned questions, entity pages and search, taken in turn."""
    cells = for_server("aichr-kg", base, "/sparql", project)
    mix = [(cells[name].url, cells[name].accept) for name in ("label", "three-join", "canned", "entity-html", "entity-turtle")]
    mix.append((base + "/queries/plan-of-action-provisions", SPARQL_JSON))
    mix += [(base + "/search?" + urllib.parse.urlencode({"q": q}), "application/json") for q in SEARCHES]
    return mix
