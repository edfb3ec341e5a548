"""The interface's words in one catalogue (``locale/messages.pot``), ready for translation.

Templates mark their text with ``{% trans %}`` or ``_()`` (Jinja2's i18n extension), Python modules call
``gettext`` on the service's catalogue (``LinkedData.words``; or mark a table of words with ``N_`` and translate
them where shown), the page's scripts (``frontend/src/*.js``) call ``t()``, and the canned questions' headers
(queries/*.rq) give their titles, settings and column headings: ``make messages`` extracts all four into the
catalogue (``babel.cfg`` says where to look). The language is ``Settings.locale`` (default English, the words as
written); a translation is a compiled ``LOCALE/LC_MESSAGES/messages.mo`` under ``Settings.locale_dir`` or
under ``locale/`` here. The scripts get their words from the page itself: ``script_messages`` is written
into every page as a JSON data block (never executed, so the Content-Security-Policy stays strict).
"""

import gettext as stdlib_gettext
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from aichr_kg.settings import Settings

LOCALE_DIR = Path(__file__).parent / "locale"
CATALOGUE = LOCALE_DIR / "messages.pot"
DOMAIN = "messages"
SCRIPTS = "frontend/"  # where the scripts' messages come from, as the catalogue's locations name it


def N_(message: str) -> str:
    """Marks a word for the catalogue where it is defined (a table of headings); translated where it is shown."""
    return message


def translations(settings: Settings) -> NullTranslations:
    """The catalogue for ``settings.locale``: a folder of the settings' own first, then the package's; English
    (the words as written) when the locale is English or no catalogue has it."""
    if settings.locale.split("_")[0] == "en":
        return NullTranslations()
    for folder in (settings.locale_dir, LOCALE_DIR):
        if folder is not None and (folder / settings.locale / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
            return Translations.load(str(folder), [settings.locale], DOMAIN)
    raise ValueError(f"no catalogue for locale '{settings.locale}': expected {settings.locale}/LC_MESSAGES/"
                     f"{DOMAIN}.mo under {settings.locale_dir or LOCALE_DIR}")


@lru_cache(maxsize=1)
def _script_ids() -> tuple[str, ...]:
    """The messages the catalogue says the scripts use (its locations under frontend/)."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    return tuple(sorted(m.id for m in catalogue if m.id and isinstance(m.id, str)
                        and any(path.startswith(SCRIPTS) for path, _ in m.locations)))


def script_messages(words: stdlib_gettext.NullTranslations) -> dict[str, str]:
    """msgid -> the words shown, for every message of the page's scripts (what ``t()`` in the page looks up)."""
    return {msgid: words.gettext(msgid) for msgid in _script_ids()}


def extract_queries(fileobj, keywords, comment_tags, options):
    """A Babel extractor for canned questions (queries/*.rq, babel.cfg): the header's words a page shows (title,
    description, topic, each setting's label and description, the completeness note) and the headings of the
    columns the SELECT names, as the answer table shows them ('onBehalfOfLabel' -> 'On behalf of')."""
    from aichr_kg.catalogue import parse_header
    from aichr_kg_api.routers.page import heading

    text = fileobj.read().decode("utf-8")
    meta = parse_header(text, getattr(fileobj, "name", "query"))
    words = [meta["title"], " ".join(str(meta["description"]).split()), meta.get("topic", "Other")]
    for param in meta.get("params") or []:
        words += [param.get("label", param["name"]), param.get("description", "")]
    words.append((meta.get("note") or {}).get("says", ""))
    words += [heading(name) for name in _selected(text)]
    for message in dict.fromkeys(w for w in words if w):
        yield 1, None, message, []


def extract_ontology(fileobj, keywords, comment_tags, options):
    """A Babel extractor for the ontology (ontology/*.ttl, babel.cfg): the English names of its classes, which
    pages show as the kind of a thing ('Theme', 'Province or region')."""
    from rdflib import OWL, RDF, RDFS, Graph

    graph = Graph().parse(data=fileobj.read().decode("utf-8"), format="turtle")
    names = sorted({str(label) for cls in graph.subjects(RDF.type, OWL.Class)
                    for label in graph.objects(cls, RDFS.label) if getattr(label, "language", None) in (None, "en")})
    for message in names:
        yield 1, None, message, []


def _selected(text: str) -> list[str]:
    """The variables a query's SELECT returns: each top-level ?name and each (... AS ?name)."""
    import re

    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    found = re.search(r"\bSELECT\b(.*?)\bWHERE\b", body, re.S | re.I)
    if not found:
        return []
    names, depth, clause = [], 0, found.group(1)
    for match in re.finditer(r"[()]|\bAS\s+\?(\w+)|\?(\w+)", clause, re.I):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif match.group(1):
            names.append(match.group(1))
        elif depth == 0:
            names.append(match.group(2))
    return names


# pybabel's options for the catalogue: file-only locations (stable when lines move), sorted, no line wrapping
# beside Babel's own (_, gettext, ngettext...): N_ in Python tables, t() in the scripts, a 404's message
KEYWORDS = ("N_", "t", "not_found:3")
EXTRACT = ["extract", "-F", "babel.cfg", *[a for k in KEYWORDS for a in ("-k", k)], "--add-location=file",
           "--sort-output", "--no-wrap", "--project=aichr-kg", "--copyright-holder=aichr-kg contributors",
           "--ignore-dirs=.* ._ node_modules dist releases"]  # babel.cfg's patterns are relative to the project


def extract(output: Path, root: Path) -> None:
    """Extract the catalogue afresh into ``output`` (run from the project's ``root``, where babel.cfg is)."""
    import os

    from babel.messages.frontend import CommandLineInterface

    here = os.getcwd()
    os.chdir(root)
    try:
        CommandLineInterface().run(["pybabel", "-q", *EXTRACT, "-o", str(output), "."])
    finally:
        os.chdir(here)


def refresh(catalogue: Path, root: Path) -> bool:
    """Re-extract into ``catalogue``; the file is left as it is when only its creation date would change."""
    import re
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "messages.pot"
        extract(fresh, root)
        undated = lambda text: re.sub(r'"POT-Creation-Date: [^"]*"', "", text)
        new = fresh.read_text(encoding="utf-8")
        if catalogue.is_file() and undated(catalogue.read_text(encoding="utf-8")) == undated(new):
            return False
        catalogue.write_text(new, encoding="utf-8")
        return True


if __name__ == "__main__":  # make messages
    print(f"{'wrote' if refresh(CATALOGUE, Path.cwd()) else 'unchanged:'} {CATALOGUE}")
