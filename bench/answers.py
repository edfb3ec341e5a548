"""What each server answered to a cell, in a form that can be compared across engines.

A ratio between two servers means something only if both gave the same answer: an engine that returns
other rows (rdflib-endpoint's ``YEAR()`` leaves some groups without a year, Virtuoso's default graph is a
bag of its graphs) has done other work. So before any load, the harness fetches each cell once from every
server and reduces the answer to its size and a SHA-256 of its sorted canonical rows (SELECT) or of its
sorted N-Triples lines (CONSTRUCT, entity documents). Rows are kept as a bag: a repeated row counts.

Canonical terms absorb the differences that are spelling, not meaning: Virtuoso's ``typed-literal``,
``xsd:int`` for a count where Oxigraph says ``xsd:integer``, an explicit ``xsd:string``, a language
tag's case. Blank nodes compare equal to each other (no engine keeps another's labels).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in ("integer", "int", "long", "short", "byte", "decimal", "double", "float",
                                   "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong")}


def term(value: dict) -> str:
    """One SPARQL JSON term as canonical text."""
    kind = value.get("type")
    if kind == "uri":
        return f"<{value['value']}>"
    if kind == "bnode":
        return "_:"
    text, datatype, lang = value.get("value", ""), value.get("datatype"), value.get("xml:lang")
    if lang:
        return json.dumps(text) + "@" + lang.lower()
    if datatype in NUMERIC:
        try:
            return "num:" + format(Decimal(text).normalize(), "f")
        except InvalidOperation:
            pass
    if datatype and datatype != XSD + "string":
        return json.dumps(text) + f"^^<{datatype}>"
    return json.dumps(text)


def select_rows(body: bytes) -> list[str]:
    """The rows of a SPARQL JSON answer (or of a boolean one), each as one canonical line."""
    data = json.loads(body)
    if "boolean" in data:
        return [f"boolean {data['boolean']}"]
    return [" ".join(f"?{var}={term(val)}" for var, val in sorted(binding.items()))
            for binding in data["results"]["bindings"]]


def graph_triples(body: bytes, media_type: str) -> list[str]:
    """The triples of an RDF answer as N-Triples lines (blank node labels dropped)."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    lines = []
    for triple in ox.parse(body, format=fmt):
        parts = [("_:" if isinstance(t, ox.BlankNode) else str(t)) for t in (triple.subject, triple.predicate, triple.object)]
        lines.append(" ".join(parts))
    return lines


def digest(body: bytes, media_type: str) -> dict:
    """{"rows": N, "sha256": ...} of an answer (rows: solutions, or triples of a graph), or {"read_error": ...}."""
    try:
        lines = select_rows(body) if "json" in media_type else graph_triples(body, media_type)
    except Exception as exc:  # an answer we cannot read is reported as such, never compared as equal
        return {"read_error": f"{type(exc).__name__}: {exc}"[:200]}
    lines.sort()
    return {"rows": len(lines), "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(), "lines": lines}


def compare(ours: dict, theirs: dict, contains: bool = False) -> str | None:
    """None when two answers agree; else why not, as the table prints it.

    ``contains``: ours must hold every row of theirs (our entity document carries the engine's
    description plus the labels of linked entities and facts about the document), not be equal to it.
    """
    for side in (ours, theirs):
        if "rows" not in side:
            return "no answer (" + str(side.get("read_error") or side.get("error") or side.get("status")) + ")"
    if contains:
        missing = set(theirs["lines"]) - set(ours["lines"])
        return None if not missing else f"different answer ({len(missing)} of {theirs['rows']} rows missing)"
    if ours["sha256"] == theirs["sha256"]:
        return None
    if ours["rows"] == theirs["rows"]:
        return f"different answer ({ours['rows']} rows, other values)"
    return f"different answer ({ours['rows']} rows vs {theirs['rows']})"
