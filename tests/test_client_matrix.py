"""docs/clients.md's table of clients agrees with the test suite, both ways: every test file a row names uses that
client, every test file that uses a client is named in its row, and a row marked *not in the suite* has no test
file using it. SPARQLWrapper's row names every return format and query form that test_clients.py runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "clients.md"
TESTS = sorted(p for p in (ROOT / "tests").rglob("*.py") if p.name != "test_client_matrix.py")

USES = {  # a row's first words -> what a test file holds when it uses that client (case-sensitive)
    "the HTTP suite": r"def \w+\([^)]*\bservice\b",  # the fixture over the three configurations
    "SPARQLWrapper": r"\bfrom SPARQLWrapper import\b",
    "rdflib `SPARQLStore`": r"\bSPARQLStore\(",
    "`rapper`": r"\bRAPPER\b|\"rapper\"",
    "owlrl": r"\bimport owlrl\b",
    "pyLODE": r"pyLODE|pylode",
    "Chromium": r"from playwright|def \w+\([^)]*\b(?:open_)?page\b",
    "nginx": r"\bNginxServer\(",
    "`oxigraph serve`": r"(?<!class )\bOxigraphServer\(",
    "Virtuoso Open Source": r"(?<!class )\bVirtuosoServer\(|def \w+\([^)]*\bvirtuoso\b",
    "Virtuoso as a SERVICE peer": r"SPARQL_LOAD_SERVICE_DATA",
    "`roqet`": r"\broqet\b",
    "PyLD": r"\bpyld\b",
    "HermiT": r"(?i)\bhermit\b",
}


def _rows() -> dict[str, set[str]]:
    rows = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("client", "---"):
            client = next((name for name in USES if cells[0].startswith(name)), None)
            assert client is not None, f"docs/clients.md: a row for {cells[0]!r}, which USES here does not know"
            rows[client] = set(re.findall(r"`(tests/[^`]+\.py)`", cells[2])) if "not in the suite" not in cells[2] else set()
    return rows


@pytest.mark.parametrize("client", USES)
def test_the_row_names_exactly_the_test_files_that_use_the_client(client):
    rows = _rows()
    assert client in rows, f"docs/clients.md has no row for {client}"
    using = {str(p.relative_to(ROOT)) for p in TESTS if re.search(USES[client], p.read_text(encoding="utf-8"))}
    assert rows[client] == using, (f"{client}: docs/clients.md names {sorted(rows[client])}, "
                                   f"the files using it are {sorted(using)}")


def test_sparqlwrapper_row_names_what_test_clients_runs():
    from api import test_clients

    marks = {m.args[0]: m.args[1] for m in test_clients.test_sparqlwrapper_every_return_format.pytestmark}
    row = next(line for line in TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("| SPARQLWrapper"))
    names = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV", "json-ld": "JSON-LD", "n3": "N3",
             "turtle": "Turtle", "rdf+xml": "RDF/XML", "rdf": "RDF"}
    for return_format in marks["return_format"]:
        assert re.search(rf"\b{re.escape(names[return_format])}\b", row), return_format
    for form in marks["form"]:
        assert form in row, form
    assert len(marks["method"]) == 3 and all(words in row for words in ("GET", "POST form", "POST body"))
