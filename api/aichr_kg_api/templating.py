"""The Jinja2 environment of the HTML pages: autoescaped, with helpers that turn IRIs into links.

An IRI under the base links to this service's own page for it (``{base}id/body/aichr`` ->
``/doc/body/aichr``, ``{base}ontology#Event`` -> ``/ontology#Event``), whatever host serves it;
other http(s) IRIs link out; anything else (``urn:``, ``javascript:``...) is shown, never linked.
"""

from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from babel.support import NullTranslations

from aichr_kg.search import LabelIndex
from aichr_kg.settings import Settings
from aichr_kg.vocabulary import Vocabulary
from aichr_kg_api.i18n import script_messages

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_SAFE = "/#:@!$&'()*+,;=-._~%"


def local_path(iri: str, base: str) -> str | None:
    """This service's path for an IRI under ``base`` (entities go straight to their document)."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    if rest.startswith("id/"):
        rest = "doc/" + rest[3:]
    return "/" + quote(rest, safe=_SAFE)


def href(iri: str, base: str) -> str | None:
    local = local_path(iri, base)
    if local is not None:
        return local
    return iri if iri.startswith(("http://", "https://")) else None


def sparql_link(query: str) -> str:
    return "/sparql?query=" + quote(query, safe="")


def at_root(path: str | None, root: str) -> str | None:
    """A path of this service as the client must ask for it: under ``Settings.root_path`` when the service is
    served below a path prefix (``/doc/x`` -> ``/kg/doc/x``); other links (``https://...``, ``#x``) unchanged."""
    if root and path and path.startswith("/") and not path.startswith("//") and not _under(path, root):
        return root + path
    return path


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith((root + "/", root + "?"))


def acronym_marker(known: dict[str, str]):
    """A filter: the text escaped, each acronym the graph knows marked <abbr title="full name"> on first use."""
    import re

    from markupsafe import Markup, escape

    if not known:
        return lambda text: escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(known, key=len, reverse=True)) + r")\b")

    def mark(text) -> Markup:
        seen: set[str] = set()

        def one(match) -> str:
            word = match.group(1)
            if word in seen:
                return str(escape(word))
            seen.add(word)
            return f'<abbr title="{escape(known[word])}">{escape(word)}</abbr>'
        parts, last = [], 0
        source = str(text)
        for match in pattern.finditer(source):
            parts.append(str(escape(source[last:match.start()])))
            parts.append(one(match))
            last = match.end()
        parts.append(str(escape(source[last:])))
        return Markup("".join(parts))
    return mark


def make_environment(settings: Settings, vocabulary: Vocabulary, index: LabelIndex,
                     words: NullTranslations | None = None) -> Environment:
    """The pages' environment; ``words`` is the interface's catalogue (``i18n.translations``), English if None."""
    # auto_reload off: templates are part of the code, read once per process (checking each file's time on every
    # render took about 30 % of an entity page's time; bench/PROFILES.md)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"], auto_reload=False)
    words = words or NullTranslations()
    env.install_gettext_translations(words, newstyle=True)
    env.globals["words"] = words  # for Python that renders with this environment (respond.not_found)
    env.globals["lang"] = settings.locale.replace("_", "-")
    env.globals["script_messages"] = script_messages(words)  # the scripts' words, a JSON block in every page
    root = settings.root_path
    env.filters["href"] = lambda iri: at_root(href(iri, settings.base), root)
    env.filters["local"] = lambda path: at_root(path, root)
    env.globals["root"] = root
    env.filters["curie"] = vocabulary.curie
    env.filters["urlencode_query"] = lambda value: quote(str(value), safe="")
    env.globals["site"] = {"name": "aichr-kg", "base": settings.base}
    env.globals["describe_link"] = lambda iri: sparql_link(f"DESCRIBE <{iri}>")
    env.globals["label_of"] = lambda iri: index.label(iri) or vocabulary.term_labels.get(iri)
    env.filters["acronyms"] = acronym_marker(index.acronyms())
    return env
