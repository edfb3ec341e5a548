"""Read a SPARQL query's text without running it: its form, its FROM graphs, and whether it may run.

The service is read-only by construction and never calls other hosts, so before a query reaches
the store it is tokenised here and refused if it is an update, a LOAD, or uses SERVICE (pyoxigraph
would otherwise call the remote endpoint). The tokeniser follows the SPARQL 1.1 grammar's
terminals (IRIs, prefixed names with escapes, strings, comments); where the grammar leaves a
reading open it takes the cautious one:

- ``SERVICE`` is refused as any word or prefixed name that starts with it, since the parser
  accepts ``SERVICEex:endpoint`` as ``SERVICE ex:endpoint``;
- a ``<...>`` that could be a less-than sign followed by code (``FILTER(?a<?b)SERVICE ...#>``)
  is refused if ``SERVICE`` follows a delimiter inside it.

The same tokens tell where a query's WHERE clause opens, so that a VALUES block can bind parameters
for a remote server (``insert_values``).
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"

_TOKEN = re.compile(
    rf"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:'{{0,2}}(?:[^'\\]|\\.))*'''|\"\"\"(?:"{{0,2}}(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_HIDDEN_SERVICE = re.compile(r"[).\];,]service", re.IGNORECASE)


class QueryRefused(ValueError):
    """The query asks for something this service never does (update, LOAD, SERVICE); the message says what."""


@dataclass(frozen=True)
class Token:
    kind: str  # ws, comment, string, iri, var, bnode, pname, word, other
    text: str
    start: int


@dataclass
class QueryText:
    """What the text says: the query form (None if it cannot tell) and the graphs its FROM clauses name."""

    form: str | None
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)

    @property
    def declares_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def tokens(text: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(text):
        yield Token(match.lastgroup, match.group(), match.start())


def _significant(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.kind not in ("ws", "comment")]


def _check_policy(toks: list[Token]) -> None:
    for tok in toks:
        if tok.kind in ("word", "pname") and tok.text.upper().startswith("SERVICE"):
            raise QueryRefused("SERVICE (federated query) is not allowed: this endpoint does not call other servers")
        if tok.kind == "iri" and _HIDDEN_SERVICE.search(tok.text):
            raise QueryRefused("SERVICE (federated query) is not allowed: this endpoint does not call other servers "
                               f"(found in {tok.text[:60]!r})")


def read(text: str, base: str | None = None) -> QueryText:
    """Tokenise ``text``, refuse what may never run, and return its form and FROM graphs (relative IRIs
    resolved against the query's BASE, else ``base``).

    Syntax is left to the store's parser: a query this function cannot make sense of gets
    ``form=None`` and fails there with a line and column. Scripts send the same short queries again and
    again, so those are read once (the result is shared: callers must not change it).
    """
    return _read_remembered(text, base) if len(text) <= _REMEMBERED_LENGTH else _read(text, base)


_REMEMBERED_LENGTH = 4000


@lru_cache(maxsize=1024)
def _read_remembered(text: str, base: str | None) -> QueryText:
    return _read(text, base)


def _read(text: str, base: str | None) -> QueryText:
    toks = _significant(text)
    _check_policy(toks)
    prefixes, i = {}, 0
    # Prologue: BASE <iri>, PREFIX p: <iri> (and SPARQL 1.2's VERSION "..."), in any order.
    while i < len(toks):
        word = toks[i].text.upper() if toks[i].kind == "word" else None
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = _resolve(toks[i + 1].text[1:-1], base)
            i += 2
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text[:-1]] = _resolve(toks[i + 2].text[1:-1], base)
            i += 3
        elif word == "VERSION" and i + 1 < len(toks):
            i += 2
        else:
            break
    first = toks[i].text.upper() if i < len(toks) and toks[i].kind == "word" else None
    if first in UPDATE_WORDS:
        if first == "LOAD":
            raise QueryRefused("LOAD is not allowed: this endpoint is read-only and does not fetch data from the web")
        raise QueryRefused(f"SPARQL Update ({first}) is not accepted: this endpoint is read-only")
    result = QueryText(first if first in FORMS else None)
    for _, named, target in _dataset_clauses(toks, i):
        iri = _iri_of(target, base, prefixes) if target is not None else None
        if iri is not None:
            (result.from_named_graphs if named else result.from_graphs).append(iri)
    return result


def _dataset_clauses(toks: list[Token], start: int = 0) -> Iterator[tuple[Token, bool, Token | None]]:
    """Each top-level ``FROM [NAMED] <graph>``: its FROM token, whether NAMED, and the graph's token (None at the end)."""
    depth = 0
    for j in range(start, len(toks)):
        tok = toks[j]
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif depth == 0 and tok.kind == "word" and tok.text.upper() == "FROM":
            named = j + 1 < len(toks) and toks[j + 1].kind == "word" and toks[j + 1].text.upper() == "NAMED"
            at = j + 2 if named else j + 1
            yield tok, named, toks[at] if at < len(toks) else None


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _iri_of(tok: Token, base: str | None, prefixes: Mapping[str, str]) -> str | None:
    if tok.kind == "iri":
        return _resolve(tok.text[1:-1], base)
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


@lru_cache(maxsize=512)  # called with the same few query texts (canned, system) again and again
def where_brace(text: str) -> int | None:
    """Offset of the ``{`` opening the query's WHERE clause (None if it has none, as ``CONSTRUCT WHERE {...}``)."""
    toks = _significant(text)
    form_at = next((k for k, t in enumerate(toks) if t.kind == "word" and t.text.upper() in FORMS), None)
    if form_at is None:
        return None
    form = toks[form_at].text.upper()
    k = form_at + 1
    if form == "CONSTRUCT":
        if k < len(toks) and toks[k].kind == "word" and toks[k].text.upper() == "WHERE":
            return None  # the short form: the pattern is also the template, no room for VALUES
        k = _skip_group(toks, k)
    parens = 0  # a projection may hold EXISTS { ... } inside ( ... ): not the WHERE clause
    for j in range(k, len(toks)):
        text_j = toks[j].text
        parens += (text_j == "(") - (text_j == ")")
        if text_j == "{" and parens == 0:
            return toks[j].start
    return None


def _skip_group(toks: list[Token], k: int) -> int:
    depth = 0
    for j in range(k, len(toks)):
        if toks[j].text == "{":
            depth += 1
        elif toks[j].text == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(toks)


def insert_values(text: str, bindings: Mapping[str, str]) -> str:
    """Bind variables by a VALUES block at the start of the WHERE clause (values already written as RDF terms).

    At the start of the group the values reach every FILTER, BIND, GROUP BY and ORDER BY of
    the query, as SEP-0007 substitution does; a query without a WHERE group gets the block
    appended after its solution modifiers instead.
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"'{name}' is not a variable name")
    names = " ".join(f"?{n}" for n in bindings)
    block = f"VALUES ({names}) {{ ({' '.join(bindings.values())}) }}"
    at = where_brace(text)
    if at is None:
        return f"{text}\n{block}\n"
    return f"{text[:at + 1]} {block}\n{text[at + 1:]}"


def without_dataset_clauses(text: str) -> str:
    """``text`` with its top-level ``FROM <g>`` / ``FROM NAMED <g>`` blanked out (same length, so error positions hold).

    Sent with the dataset as protocol parameters, which the SPARQL 1.1 Protocol says override FROM:
    some servers (Virtuoso) merge the two instead, so the clauses are taken out rather than trusted to lose.
    """
    cuts = [(word.start, (target or word).start + len((target or word).text))
            for word, _, target in _dataset_clauses(_significant(text))]
    for start, end in reversed(cuts):
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    return text
