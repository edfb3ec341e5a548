"""Where a query of our own opens its WHERE clause, so that a VALUES block can bind its parameters.

Only for texts this project writes (canned and system queries in ``queries/``): the tokens follow
the SPARQL 1.1 grammar's terminals (IRIs, prefixed names, strings, comments) well enough to find
the clause, but they decide nothing about what a text may do. What a user's text may do is decided
by the full grammar, in a worker (``aichr_kg.querycheck``). Texts that passed that check are only
rewritten here for a remote server (FROM blanked out, long variable names shortened, graphs outside the
dataset named as an empty one).
"""

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Token:
    kind: str  # ws, comment, string, iri, var, bnode, pname, word, other
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(text):
        yield Token(match.lastgroup, match.group(), match.start())


def _significant(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.kind not in ("ws", "comment")]


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
    for brace in reversed(union_branches(text) or (at,)):
        text = f"{text[:brace + 1]} {block}\n{text[brace + 1:]}"
    return text


@lru_cache(maxsize=512)
def union_branches(text: str) -> tuple[int, ...] | None:
    """Offsets of the ``{`` opening each branch when the WHERE clause is nothing but ``{...} UNION {...} ...``.

    Such a query gets the VALUES block at the start of every branch instead: the same solutions (a join
    distributes over a union), but pyoxigraph starts each branch from the bound values, where a block in the
    enclosing group would be joined only after every branch had been evaluated unbound (100x slower)."""
    at = where_brace(text)
    toks = _significant(text[at:]) if at is not None else []
    opens, k = [], 1
    while k < len(toks) and toks[k].text == "{":
        opens.append(at + toks[k].start)
        k = _skip_group(toks, k)
        if k < len(toks) and toks[k].kind == "word" and toks[k].text.upper() == "UNION":
            k += 1
        elif k < len(toks) and toks[k].text == "}" and len(opens) > 1:
            return tuple(opens)
        else:
            return None
    return None


FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def form_of(text: str) -> str | None:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) of a trusted text: its first form keyword."""
    return next((t.text.upper() for t in _significant(text) if t.kind == "word" and t.text.upper() in FORMS), None)


def without_dataset_clauses(text: str) -> str:
    """``text`` with its top-level ``FROM <g>`` / ``FROM NAMED <g>`` blanked out (same length, so error positions hold).

    Sent with the dataset as protocol parameters, which the SPARQL 1.1 Protocol says override FROM:
    some servers (Virtuoso) merge the two instead, so the clauses are taken out rather than trusted to lose.
    """
    toks, cuts, depth = _significant(text), [], 0
    for j, tok in enumerate(toks):
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif depth == 0 and tok.kind == "word" and tok.text.upper() == "FROM":
            named = j + 1 < len(toks) and toks[j + 1].kind == "word" and toks[j + 1].text.upper() == "NAMED"
            at = j + 2 if named else j + 1
            last = toks[at] if at < len(toks) else tok
            cuts.append((tok.start, last.start + len(last.text)))
    for start, end in reversed(cuts):
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    return text


def opens_with_absolute_base(text: str) -> bool:
    """Whether the text's first declaration is ``BASE <absolute IRI>``: a base put in front of it would change
    nothing (and some servers, Virtuoso, refuse a second BASE)."""
    toks = _significant(text)
    return (len(toks) > 1 and toks[0].kind == "word" and toks[0].text.upper() == "BASE" and toks[1].kind == "iri"
            and re.match(r"<[A-Za-z][A-Za-z0-9+.-]*:", toks[1].text) is not None)


def short_variables(text: str, longest: int) -> tuple[str, dict[str, str]]:
    """``text`` with every variable named by more than ``longest`` characters renamed to a short name the text
    does not use, and the map from each short name back to its own (empty: nothing renamed, ``text`` unchanged).

    For servers that cut long names (Virtuoso 7.2.5 keeps 97 characters): the answer's columns are named
    back from the map, so a client sees its own names. Only variable tokens change (not strings, IRIs or
    comments); ``?x`` and ``$x`` stay one variable, as in SPARQL.
    """
    found = [t for t in tokens(text) if t.kind == "var"]
    used = {t.text[1:] for t in found}
    short: dict[str, str] = {}
    counter = 0
    for name in dict.fromkeys(t.text[1:] for t in found if len(t.text) - 1 > longest):
        counter += 1
        while f"v{counter}_" in used:
            counter += 1
        short[name] = f"v{counter}_"
    if not short:
        return text, {}
    pieces, at = [], 0
    for tok in found:
        if tok.text[1:] in short:
            pieces += [text[at:tok.start], tok.text[0], short[tok.text[1:]]]
            at = tok.start + len(tok.text)
    pieces.append(text[at:])
    return "".join(pieces), {s: n for n, s in short.items()}


def graphs_named_outside(text: str, named: Collection[str], instead: str) -> str:
    """``text`` with each ``GRAPH <iri>`` (or ``GRAPH prefix:name``) whose IRI is not one of ``named`` naming
    ``instead`` (an empty graph the caller sends as a named graph), the same answers by SPARQL's dataset rules.

    Virtuoso 7.2.5, sent a dataset, answers a GRAPH group over a constant IRI outside its named graphs with one
    empty solution instead of none (an ASK over a graph nobody holds says true); over a named graph it holds
    (empty or not) it answers right. IRIs are resolved against the text's PREFIX and BASE declarations; a name
    that cannot be resolved is left as it is.
    """
    toks, prefixes, base, cuts = _significant(text), {}, "", []
    for j, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "BASE" and j + 1 < len(toks) and toks[j + 1].kind == "iri":
            base = urljoin(base, toks[j + 1].text[1:-1])
        elif word == "PREFIX" and j + 2 < len(toks) and toks[j + 1].kind == "pname" and toks[j + 2].kind == "iri":
            prefixes[toks[j + 1].text[:-1]] = urljoin(base, toks[j + 2].text[1:-1])
        elif word == "GRAPH" and j + 1 < len(toks) and toks[j + 1].kind in ("iri", "pname"):
            name = toks[j + 1]
            if name.kind == "iri":
                iri = urljoin(base, name.text[1:-1])
            else:
                prefix, _, local = name.text.partition(":")
                iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local) if prefix in prefixes else None
            if iri is not None and iri not in named:
                cuts.append((name.start, name.start + len(name.text)))
    for start, end in reversed(cuts):
        text = f"{text[:start]}<{instead}>{text[end:]}"
    return text
