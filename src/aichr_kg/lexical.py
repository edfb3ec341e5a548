"""Lexical forms of XSD-typed literals: the gate in front of SHACL.

SHACL engines disagree on ill-typed literals (pySHACL reports ``"2018-13-45"^^xsd:date`` when a shape asks for a
datatype, the Rust engine and pyshacl-turbo accept it), and a query would then silently drop the value from every
comparison. So the parse refuses them, with file and line, before any engine runs. rdflib's ``Literal.ill_typed``
knows most XSD types; the Gregorian partial dates it has no converter for are checked against the XSD grammar.
"""

import logging
import re
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

_ZONE = r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?"
_GRAMMAR = {
    str(XSD.gYear): re.compile(rf"-?([1-9]\d{{4,}}|\d{{4}}){_ZONE}"),
    str(XSD.gYearMonth): re.compile(rf"-?([1-9]\d{{4,}}|\d{{4}})-(0[1-9]|1[0-2]){_ZONE}"),
}


_STRING = str(XSD.string)


@lru_cache(maxsize=65536)
def is_ill_typed(lexical: str, datatype: str) -> bool:
    """True if ``lexical`` is not a valid form of the XSD ``datatype`` (other datatypes are never ill-typed here)."""
    if not datatype.startswith(str(XSD)) or datatype == _STRING:  # every text is a string: the common case, at once
        return False
    grammar = _GRAMMAR.get(datatype)
    if grammar is not None:
        return grammar.fullmatch(lexical) is None
    term_log = logging.getLogger("rdflib.term")
    level, term_log.disabled = term_log.disabled, True  # rdflib logs a traceback per bad literal
    try:
        return bool(Literal(lexical, datatype=URIRef(datatype)).ill_typed)
    finally:
        term_log.disabled = level


def describe(lexical: str, datatype: str) -> str:
    short = "xsd:" + datatype[len(str(XSD)):] if datatype.startswith(str(XSD)) else f"<{datatype}>"
    return f'ill-typed literal "{lexical}"^^{short}: not a valid lexical form of {short}'


def line_of(path: Path, lexical: str) -> int | None:
    """The first line of ``path`` that writes the literal, found by scanning the file (parsers do not keep lines)."""
    needles = (f'"{lexical}"', f"'{lexical}'")
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if any(n in line for n in needles):
                    return number
    except OSError:
        return None
    return None
