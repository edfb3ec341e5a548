"""A canned query's result table written as SPARQL 1.1 JSON, CSV or TSV, or laid out for an HTML page.

The HTML layout follows the catalogue's column convention: a column ``x`` holding IRIs and a column
``xLabel`` holding their labels become one column whose cells show the label and link to the entity's
page; IRIs without a label column show the entity's label from the index, or a CURIE.
"""

import csv
import io
import json

import pyoxigraph as ox

from aichr_kg.output import term_json
from aichr_kg.search import LabelIndex
from aichr_kg.store import Table
from aichr_kg.vocabulary import Vocabulary, in_words
from aichr_kg_api.templating import href


def sparql_json(table: Table) -> bytes:
    bindings = [{k: term_json(t) for k, t in row.items()} for row in table.rows]
    return json.dumps({"head": {"vars": table.variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()


def sparql_csv(table: Table) -> bytes:
    """SPARQL 1.1 CSV: plain values, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.variables)
    for row in table.rows:
        writer.writerow([_plain(row.get(v)) for v in table.variables])
    return buffer.getvalue().encode()


def sparql_tsv(table: Table) -> bytes:
    """SPARQL 1.1 TSV: ?-prefixed header, terms in Turtle/N-Triples syntax."""
    lines = ["\t".join(f"?{v}" for v in table.variables)]
    lines += ["\t".join(str(row[v]) if v in row else "" for v in table.variables) for row in table.rows]
    return ("\n".join(lines) + "\n").encode()


def _plain(term) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def html_table(table: Table, base: str, vocabulary: Vocabulary, index: LabelIndex, max_rows: int,
               hide: frozenset[str] = frozenset()) -> dict:
    """Columns and rows for the results template; at most ``max_rows`` rows; ``hide``: columns left out
    (the question's own parameters, the same in every row)."""
    names = set(table.variables)
    label_of = {v: f"{v}Label" for v in table.variables if f"{v}Label" in names}
    hidden = set(label_of.values()) | set(hide)
    columns = [{"name": v, "title": in_words(v[:-len("Label")] if v.endswith("Label") and len(v) > 5 else v)}
               for v in table.variables if v not in hidden]
    rows = []
    for row in table.rows[:max_rows]:
        cells = []
        for column in columns:
            v = column["name"]
            term = row.get(v)
            if term is None:
                cells.append({"text": "", "href": None})
            elif isinstance(term, ox.NamedNode):
                label = row.get(label_of.get(v, ""))
                text = label.value if label is not None else (index.label(term.value) or vocabulary.curie(term.value))
                cells.append({"text": text, "href": href(term.value, base), "title": term.value})
            else:
                cells.append({"text": term.value, "href": None})
        rows.append(cells)
    return {"columns": columns, "rows": rows, "total": len(table.rows), "shown": len(rows)}
