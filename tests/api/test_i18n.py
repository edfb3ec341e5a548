"""The interface's words are one catalogue (api/aichr_kg_api/locale/messages.pot), ready for translation.

The kept catalogue must be what `make messages` extracts now (a message added to a template, a module or a
script without re-extracting fails here); no template may hold words outside {% trans %} / _() (nor in an
aria-label, placeholder, title or alt); no script may show a sentence that does not go through t(); and a
page rendered with a tiny test catalogue (compiled .mo in a temporary folder) shows the translated words,
its scripts' words included (the JSON block they read)."""

import json
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from jinja2 import Environment

from aichr_kg_api import i18n
from aichr_kg_api.templating import TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "frontend" / "src"


def messages(path: Path) -> dict[str, tuple]:
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0]: (m.id, tuple(sorted({p for p, _ in m.locations})))
                for m in read_po(handle) if m.id}


def test_the_kept_catalogue_is_what_extraction_finds_now(tmp_path):
    fresh = tmp_path / "messages.pot"
    i18n.extract(fresh, ROOT)
    kept, now = messages(i18n.CATALOGUE), messages(fresh)
    missing = sorted(set(now) - set(kept))
    stale = sorted(set(kept) - set(now))
    moved = sorted(m for m in set(now) & set(kept) if now[m] != kept[m])
    assert not (missing or stale or moved), (
        f"run `make messages`: not in the kept catalogue {missing[:10]}, no longer used {stale[:10]}, "
        f"used elsewhere now {moved[:10]}")


_ATTRIBUTE = re.compile(r'\b(aria-label|placeholder|title|alt)="([^"{]*[A-Za-z][^"{]*)"')
_WORDS = re.compile(r"[A-Za-z]{2,}")
# text a template may show as it is: names, symbols, formats (not words of a language)
_AS_IS = {"aichr-kg", "URI", "SPARQL", "VALUES", "Turtle", "JSON-LD", "CSV", "XLSX", "JSON", "RDF", "doctype", "html",
          "sparql", "aichr", "kg", "CC", "BY"}
_CODE = re.compile(r"^\s*(?:[a-z]+(?:-[a-z]+)+|[/?][\w/?=.-]*)\s*$")  # a class name (page-ask), a path (/sparql)


def _unmarked(source: str) -> list[str]:
    """Words in a template's text that do not go through the catalogue: the template's text with every Jinja2
    tag and expression (and each {% trans %} block) taken out, then every HTML tag, attribute values aside."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    text, inside_trans = [], 0
    for _, kind, value in env.lex(source):
        if kind == "name" and value in ("trans", "pluralize"):
            inside_trans += value == "trans"
        elif kind == "name" and value == "endtrans":
            inside_trans -= 1
        text.append(value if kind == "data" and not inside_trans else "\x00")
    joined = "".join(text)
    found = [f'{a}="{v}"' for a, v in _ATTRIBUTE.findall(joined)]
    prose = re.sub(r"<!--.*?-->|<[^>]*>", "\x00", joined, flags=re.S)
    for run in re.split(r"\x00+", re.sub(r"&\w+;", " ", prose)):
        if not _CODE.match(run) and [w for w in _WORDS.findall(run) if w not in _AS_IS]:
            found.append(" ".join(run.split()))
    return found


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_shows_words_outside_the_catalogue(template):
    assert not _unmarked((TEMPLATES / template).read_text(encoding="utf-8")), template


def test_the_unmarked_word_check_catches_a_bare_heading():
    assert _unmarked("<h1>Not found</h1>") == ["Not found"]
    assert _unmarked('<input placeholder="Find a body">') == ['placeholder="Find a body"']
    assert not _unmarked("<h1>{{ _('Not found') }}</h1><p>{% trans %}Every fact{% endtrans %}</p>")


# Words in a script: a string literal (quotes or backquotes) holding two words or more, or a capitalised word set as
# an element's text, name or placeholder; what goes through t("...") is in the catalogue.
_LITERAL = re.compile(r"""(["'`])((?:(?!\1)[^\\\n])*)\1""")
_TWO_WORDS = re.compile(r"[A-Za-z]{2,}[,.:;!?…]? +(?:\$\{[^}]*\} +)?[A-Za-z]{2,}")
_SHOWN = re.compile(r"""(?:textContent|placeholder|"aria-label",|label) *=? *(["'`])([A-Z][a-z]+)\1""")
# literals that are code, not words: CSS selectors and class lists, SVG and event names, console notes
_CODE_LITERAL = re.compile(r"^(?:[.#\[a-z][\w\-\s.#\[\]=\"':>()*,]*|could not draw the view)$")
# values the scripts compare, never show: the architecture question's relation names (tree.js), a console note
_SCRIPT_AS_IS = {"is a unit of", "is part of", "is a programme of", "is an entity associated with",
                 "is the secretariat of", "is a member of", "is a post in", "could not draw the view"}


def _script_sentences(source: str) -> list[str]:
    out = []
    for line in source.splitlines():
        code = line.split("// ", 1)[0]
        for match in _LITERAL.finditer(code):
            text = match.group(2)
            if (not _TWO_WORDS.search(text) or code[:match.start()].rstrip().endswith("t(") or text in _SCRIPT_AS_IS
                    or text.startswith(("/", ".")) or "${" in text and not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text)):
                continue
            if _CODE_LITERAL.match(text) and not re.search(r"[A-Z]", text) and "  " not in text and not text.endswith((".", "…")):
                if not re.search(r"\b(the|of|and|to|a|an|in|on|is|are|from|by|more|at)\b", text):
                    continue
            out.append(text)
        out += [m.group(2) for m in _SHOWN.finditer(code)]
    return out


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.js")))
def test_no_script_shows_a_sentence_outside_the_catalogue(script):
    assert not _script_sentences((SCRIPTS / script).read_text(encoding="utf-8")), script


def test_the_script_check_catches_a_bare_sentence():
    assert _script_sentences('note.textContent = "The settings have changed.";') == ["The settings have changed."]
    assert not _script_sentences('note.textContent = t("The settings have changed.");')


@pytest.fixture
def test_catalogue(tmp_path) -> Path:
    """A tiny catalogue 'xx' (compiled .mo in a temporary folder): a heading, a relation, a script's word."""
    catalogue = Catalog(locale="de")  # any locale Babel knows, for plural rules; the folder name is what counts
    catalogue.add("Ask a question", "Stel een vraag")
    catalogue.add("Part of", "Onderdeel van")
    catalogue.add("Filter", "Zeef")
    catalogue.add("Sources", "Bronnen")
    catalogue.add("No entity has the URI %(iri)s.", "Geen ding heeft de URI %(iri)s.")
    catalogue.add("What an event recommended or agreed", "Wat een bijeenkomst aanbeval of afsprak")  # a question's title
    catalogue.add("Outcome", "Uitkomst")  # a column heading, from the question's SELECT
    catalogue.add(("%(num)s answer", "%(num)s answers"), ("%(num)s antwoord", "%(num)s antwoorden"))
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    return tmp_path


def test_a_page_shows_the_words_of_the_chosen_catalogue(make_app, test_catalogue):
    with TestClient(make_app(locale="xx", locale_dir=test_catalogue)) as client:
        page = client.get("/doc/body/acwc", headers={"Accept": "text/html"})
        assert page.status_code == 200
        html = page.text
        assert '<html lang="xx"' in html
        assert "Stel een vraag" in html and ">Ask a question<" not in html  # the navigation
        assert "Onderdeel van" in html  # a relation heading from wording.py
        block = re.search(r'<script type="application/json" id="messages">(.*?)</script>', html, re.S).group(1)
        assert json.loads(block)["Filter"] == "Zeef"  # what the table script shows, from the same catalogue
        missing = client.get("/doc/body/no-such-body", headers={"Accept": "text/html"})  # a 404 made in Python
        assert missing.status_code == 404 and "Geen ding heeft de URI https://w3id.org/aichr-kg/id/body/no-such-body." in missing.text
        answer = client.get("/?q=event-outcomes")
        assert "8 antwoorden" in answer.text and "8 answers" not in answer.text  # plural forms from the catalogue
        assert "<h1 id=\"answer-title\" tabindex=\"-1\">Wat een bijeenkomst aanbeval of afsprak</h1>" in answer.text
        assert '<th scope="col" class="col--text">Uitkomst</th>' in answer.text or ">Uitkomst</th>" in answer.text
    with TestClient(make_app()) as client:  # English, the words as written, by default
        html = client.get("/doc/body/acwc", headers={"Accept": "text/html"}).text
        assert '<html lang="en"' in html and ">Ask a question<" in html and "Part of" in html
        block = re.search(r'<script type="application/json" id="messages">(.*?)</script>', html, re.S).group(1)
        assert json.loads(block)["Filter"] == "Filter"


def test_a_locale_without_a_catalogue_is_refused_saying_where_it_looked(tmp_path):
    from aichr_kg.settings import Settings

    with pytest.raises(ValueError, match="no catalogue for locale 'zz'.*zz/LC_MESSAGES/messages.mo"):
        i18n.translations(Settings(locale="zz", locale_dir=tmp_path))


# The Python modules whose words reach a page or a spreadsheet. Not words for the page: docstrings, the OpenAPI
# description of a route or parameter (summary=, description=...), and answers to programs (plain text, JSON).
PAGE_MODULES = ["views.py", "wording.py", "provenance.py", "export.py", "respond.py", "routers/page.py",
                "routers/resources.py"]
_MARKERS = {"_", "N_", "gettext", "ngettext"}
_NOT_PAGE_KWARGS = {"summary", "description", "alias", "name", "responses", "media_type", "detail", "headers"}
_NOT_PAGE_CALLS = {"PlainTextResponse", "JSONResponse", "Query", "Field", "ValueError", "LookupError", "KeyError"}
_PY_SENTENCE = re.compile(r"[A-Za-z]{2,}[,.:;]? +[a-z]{2,}")


def _python_unmarked(source: str) -> list[str]:
    import ast

    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            skip.add(id(node.body[0].value))  # a docstring
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):  # type annotations
            for part in [node.returns, *(a.annotation for a in node.args.args + node.args.kwonlyargs)]:
                if part is not None:
                    skip.update(id(n) for n in ast.walk(part))
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            inside = []
            if name in _MARKERS or name in _NOT_PAGE_CALLS:
                inside = [*node.args, *(k.value for k in node.keywords)]
            elif name == "not_found":
                inside = node.args[2:3]  # its message is a msgid (i18n.KEYWORDS)
            inside += [k.value for k in node.keywords if k.arg in _NOT_PAGE_KWARGS]
            for arg in inside:
                skip.update(id(n) for n in ast.walk(arg))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value[:1].isupper() \
                and _PY_SENTENCE.search(node.value):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if _PY_SENTENCE.search(text):
                found.append(text)
    return found


@pytest.mark.parametrize("module", PAGE_MODULES)
def test_no_python_module_shows_words_outside_the_catalogue(module):
    path = Path(i18n.__file__).parent / module
    assert not _python_unmarked(path.read_text(encoding="utf-8")), module


def test_the_python_check_catches_a_bare_sentence():
    assert _python_unmarked('title = "We do not know that question."') == ["We do not know that question."]
    assert _python_unmarked('title = f"What {label} is linked to"') == ["What  is linked to"]
    assert not _python_unmarked('title = _("We do not know that question.")')
    assert not _python_unmarked('@router.get("/", summary="The query page")\ndef f(): pass')
