"""Deciding what a user's SPARQL text may do, from a complete SPARQL 1.1 grammar.

The endpoint is read-only and never calls other hosts. Whether a text asks for an update, a LOAD or
a SERVICE call is decided by rdflib's SPARQL 1.1 parser (pyparsing, the whole grammar), not by
reading tokens by hand: a hand tokenizer can be made to read ``1<'>'`` as an IRI followed by a
string, and miss the SERVICE the engine then sees. Two steps:

- ``screen`` runs in the service process before anything else, in time linear in the text: it
  refuses a text nested deeper than the limit (``{``, ``(``, ``[``), so that no parser is asked to
  recurse without bound. It skips strings and comments as it goes; a text built to fool that
  skipping only reaches ``check``, which has its own recursion limit, in a worker.
- ``check`` runs inside a query worker, under the query deadline (``aichr_kg.execution``): it
  parses the text as a query (failing that, as an update, to refuse it as one), walks the parse
  tree and the algebra for SERVICE, reads the form and the FROM / FROM NAMED graphs (resolved as
  the engine resolves them). The text it returns is the one that was checked and the only one an
  engine ever gets.

The two readings must agree. SPARQL 1.1 applies ``\\u`` / ``\\U`` escapes to the whole text before
parsing; SPARQL 1.2 engines (pyoxigraph) only inside IRIs and strings, so ``'\\u0027'`` is a string
to one and the start of a long string to the other. ``check`` therefore expands escapes once,
parses the expanded text, and returns it: the engine never sees an escape, and a text that
still spells one after expansion is refused.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATES = {"Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
            "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
            "Modify": "DELETE/INSERT"}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ANY_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")

# What the screen needs to see: brackets, and the strings and comments whose brackets do not count.
# Each alternative is linear: a string or comment stops at its end or at the end of its line / text.
_SCREEN = re.compile(r"""
    '''(?:'{0,2}(?:[^'\\]|\\.))*''' | \"\"\"(?:"{0,2}(?:[^"\\]|\\.))*\"\"\"
  | '(?:[^'\\\r\n]|\\.)*' | "(?:[^"\\\r\n]|\\.)*"
  | \#[^\r\n]*
  | [{(\[] | [})\]]
  | [^'"\#{}()\[\]]+ | .
""", re.VERBOSE | re.DOTALL)


class QueryRefused(ValueError):
    """The text asks for something this endpoint never does (update, LOAD, SERVICE); the message says what (403)."""


class QueryUnreadable(ValueError):
    """The text is not a SPARQL query this endpoint reads, or is nested too deeply; the message says where (400)."""


@dataclass(frozen=True)
class Checked:
    """A text that passed ``check``: what to send to the engine, its form, and the graphs its dataset clause names."""

    text: str
    form: str
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def declares_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def screen(text: str, max_nesting: int) -> None:
    """Refuse (``QueryUnreadable``) a text nested deeper than ``max_nesting`` brackets, in one linear pass."""
    depth = 0
    for match in _SCREEN.finditer(text):
        token = match.group()
        if token in "{([":
            depth += 1
            if depth > max_nesting:
                line = text.count("\n", 0, match.start()) + 1
                raise QueryUnreadable(f"the query nests brackets ({{ ( [) more than {max_nesting} deep (at line "
                                      f"{line}); that is the limit (setting max_query_nesting)")
        elif token in "})]":
            depth = max(0, depth - 1)


def expand_escapes(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by their characters, over the whole text (SPARQL 1.1, 19.2)."""
    def character(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryUnreadable(f"{match.group()} is not a Unicode character")
        return chr(code)

    expanded = _ESCAPE.sub(character, text)
    leftover = _ANY_ESCAPE.search(expanded)
    if leftover:
        raise QueryUnreadable(f"an escape spells another escape ({leftover.group()} at line "
                              f"{expanded.count(chr(10), 0, leftover.start()) + 1}); write the character itself")
    return expanded


def check(text: str, base: str | None = None) -> Checked:
    """Parse ``text`` with the full grammar and refuse what may never run (see the module's docstring).

    Scripts send the same texts again and again: short ones are remembered (the result is immutable).
    """
    return _check_remembered(text, base) if len(text) <= 4000 else _check(text, base)


@lru_cache(maxsize=512)
def _check_remembered(text: str, base: str | None) -> Checked:
    return _check(text, base)


def _check(text: str, base: str | None) -> Checked:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import algebra, parser

    expanded = expand_escapes(text)
    try:
        parsed = parser.Query.parse_string(expanded, parse_all=True)
    except ParseBaseException as not_query:
        _refuse_update(expanded, not_query)
        raise QueryUnreadable(_syntax(not_query)) from None
    except RecursionError:
        raise QueryUnreadable("the query is nested too deeply to be read") from None
    _refuse_service(parsed)
    try:
        query = algebra.translateQuery(parsed, base=base)
    except RecursionError:
        raise QueryUnreadable("the query is nested too deeply to be read") from None
    except Exception as exc:  # noqa: BLE001 - rdflib's own checks (scoping, aggregates): a sentence for the user
        raise QueryUnreadable(f"the query is not valid SPARQL 1.1: {' '.join(str(exc).split())[:300]}") from None
    _refuse_service(query.algebra)
    clauses = query.algebra.get("datasetClause") or []
    return Checked(expanded, FORMS[query.algebra.name],
                   tuple(str(c["default"]) for c in clauses if "default" in c),
                   tuple(str(c["named"]) for c in clauses if "named" in c))


def _refuse_update(text: str, not_query) -> None:
    """A text that parses as an update, or that an update parse reads further into than a query parse, is refused."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import parser

    try:
        update = parser.UpdateUnit.parse_string(text, parse_all=True)[0]
    except ParseBaseException as not_update:
        if not_update.loc > not_query.loc:
            raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only "
                               f"(and the update does not parse: {_syntax(not_update)})") from None
        return
    except RecursionError:
        return
    operations = [_UPDATES.get(getattr(op, "name", ""), "update") for op in update.get("request") or []]
    if "LOAD" in operations:
        raise QueryRefused("LOAD is not allowed: this endpoint is read-only and does not fetch data from the web")
    raise QueryRefused(f"SPARQL Update ({', '.join(dict.fromkeys(operations)) or 'update'}) is not accepted: "
                       "this endpoint is read-only")


def _refuse_service(tree) -> None:
    for node in _nodes(tree):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise QueryRefused("SERVICE (federated query) is not allowed: this endpoint does not call other servers "
                               f"(found: {' '.join(str(node.get('service_string', 'SERVICE')).split())[:80]!r})")


def _nodes(tree) -> Iterator[object]:
    """Every node of a parse tree or algebra (CompValue dicts, ParseResults, lists), without recursion."""
    from pyparsing import ParseResults

    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, ParseResults):
            stack.extend(node)
            stack.extend(node[k] for k in node.keys())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)


def _syntax(error) -> str:
    found = error.line[max(0, error.col - 1):][:40].strip()
    near = f" near {found!r}" if found else " at the end of the text"
    return f"syntax error at line {error.lineno}, column {error.col}{near}"

