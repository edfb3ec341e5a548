"""Render a result table for a terminal or a file: aligned text, CSV or SPARQL-style JSON."""

import csv
import io
import json

import pyoxigraph as ox
from tabulate import tabulate

from aichr_kg.store import Table

FORMATS = ("table", "csv", "json")


def _cell(term) -> str:
    return term.value if term is not None else ""


def render(table: Table, fmt: str) -> str:
    if fmt == "table":
        rows = [[_cell(row.get(v)) for v in table.variables] for row in table.rows]
        return tabulate(rows, headers=table.variables, tablefmt="simple", maxcolwidths=60) + f"\n({len(rows)} rows)"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.variables)
        writer.writerows([_cell(row.get(v)) for v in table.variables] for row in table.rows)
        return buffer.getvalue().rstrip("\n")
    if fmt == "json":
        return json.dumps({"head": {"vars": table.variables},
                           "results": {"bindings": [{k: term_json(t) for k, t in row.items()} for row in table.rows]}},
                          ensure_ascii=False, indent=1)
    raise ValueError(f"unknown format {fmt}; choose one of {', '.join(FORMATS)}")


def term_json(term) -> dict:
    """A term as in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out
