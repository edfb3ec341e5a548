"""An answer of counts as a matrix (``view: matrix``): one row per value of one column, one column per value of
another, each cell the count the answer gives for the pair, linking to the question that lists what was counted.

Drawn on the server, as a plain table, so it reads without scripts and prints; the question's header names the
columns: ``view_options: {rows: theme, columns: state, count: events, cell: state-theme-events}`` (the cell's
question takes the row and column values as its settings of the same names).
"""

from collections.abc import Callable
from dataclasses import dataclass

from aichr_kg.store import Table
from aichr_kg_api.templating import href


@dataclass(frozen=True)
class Head:
    iri: str
    text: str
    href: str


@dataclass(frozen=True)
class Count:
    n: int
    href: str | None  # the list of what was counted


@dataclass
class Matrix:
    rows: list[Head]
    columns: list[Head]
    cells: dict[tuple[str, str], Count]
    row_heading: str
    column_heading: str

    def cell(self, row: Head, column: Head) -> Count | None:
        return self.cells.get((row.iri, column.iri))


def matrix(options: dict, table: Table, base: str, link: Callable[[str, str, str], str],
           heading: Callable[[str], str]) -> Matrix | None:
    """The matrix of ``table`` as ``options`` lay it out; ``link(question, row IRI, column IRI)`` makes a cell's link."""
    by_row, by_column, count = options.get("rows"), options.get("columns"), options.get("count")
    if not (by_row and by_column and count) or not table.rows:
        return None

    def head(row, name: str) -> Head:
        iri = row[name].value
        label = row.get(name + "Label")
        return Head(iri, label.value if label is not None else iri.rsplit("/", 1)[-1], href(iri, base))

    rows: dict[str, Head] = {}
    columns: dict[str, Head] = {}
    cells: dict[tuple[str, str], Count] = {}
    for row in table.rows:
        if by_row not in row or by_column not in row or count not in row:
            continue
        r, c = head(row, by_row), head(row, by_column)
        rows.setdefault(r.iri, r)
        columns.setdefault(c.iri, c)
        cells[(r.iri, c.iri)] = Count(int(row[count].value), link(options["cell"], r.iri, c.iri) if options.get("cell") else None)
    order = lambda h: h.text.lower()  # noqa: E731
    return Matrix(sorted(rows.values(), key=order), sorted(columns.values(), key=order), cells,
                  heading(by_row), heading(by_column))
