"""Quality checks of the trust model, as SPARQL queries whose every row is a problem (``queries/qc/*-violation.rq``).

SHACL sees one merged graph, so it cannot tell whether a locator sits in the source graph or a note in the readings;
these checks run on the built store, where each triple is in the graph of its basis. ``aichr-kg validate`` and
``aichr-kg build`` report them as warnings (curation may be under way); ``aichr-kg check-sources`` as errors, per
source document, so a curator adding a source knows when it is complete.
"""

from dataclasses import dataclass

from aichr_kg.namespaces import graph_iri
from aichr_kg.settings import Settings
from aichr_kg.sources import READINGS
from aichr_kg.store import ResultShapes

SUFFIX = "-violation.rq"


@dataclass(frozen=True)
class Problem:
    check: str  # the query's name, without -violation.rq
    graph: str
    focus: str
    message: str

    def __str__(self) -> str:
        return f"{self.graph}: {self.focus}: {self.message} (check {self.check})"


def run_checks(store: ResultShapes, settings: Settings) -> list[Problem]:
    problems = []
    for query in sorted((settings.queries_dir / "qc").glob(f"*{SUFFIX}")):
        check = query.name[: -len(SUFFIX)]
        found = [Problem(check, row["graph"].value, row["focus"].value, row["message"].value)
                 for row in store.select(query.read_text(encoding="utf-8")).rows]
        # sorted here, not by ORDER BY: on RocksDB every comparison of a sort reads both terms' text from disk
        problems += sorted(found, key=lambda p: (p.graph, p.focus, p.message))
    return problems


def source_slugs(store: ResultShapes, settings: Settings) -> list[str]:
    """The slugs of the source documents, from the source graphs described in graphs.ttl."""
    prefix = graph_iri("", settings.base)
    table = store.select("PREFIX ak: <https://w3id.org/aichr-kg/ontology#> SELECT ?g WHERE { ?g a ak:SourceGraph }")
    return sorted(row["g"].value[len(prefix):] for row in table.rows if row["g"].value.startswith(prefix))


def by_source(problems: list[Problem], slugs: list[str], settings: Settings) -> dict[str, list[Problem]]:
    """Problems grouped by the source whose graph or readings graph they are in; the rest under the graph's own
    name (curator-background, reference, ...)."""
    prefix = graph_iri("", settings.base)
    groups: dict[str, list[Problem]] = {slug: [] for slug in slugs}
    for problem in problems:
        name = problem.graph[len(prefix):] if problem.graph.startswith(prefix) else problem.graph
        name = name.removesuffix(f"/{READINGS}")
        groups.setdefault(name, []).append(problem)
    return groups
