"""The query page for people who never write SPARQL: canned questions, their answers, search, the editor.

Everything here renders on the server, so the page works with scripts off: ``GET /?q=NAME&param=...``
shows the question's form (drop-downs filled from the graph) and its answer as a table whose cells are
labels linking to entity pages. Scripts (``static/dist/page.js``) only enhance it: they load answers
without a reload, draw the view the question asks for (timeline, network, map, chart) from the JSON
block the page carries, and suggest entities as one types in the search box.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from aichr_kg.catalogue import CannedQuery, Catalogue, ParameterError, QueryNotFound, expand
from aichr_kg.execution import QueryTimeout, Saturated, UpstreamUnavailable
from aichr_kg.namespaces import PREFIXES
from aichr_kg.querytext import insert_values
from aichr_kg.settings import Settings
from aichr_kg.store import Table
from aichr_kg_api.crawl import dataset_jsonld
from aichr_kg_api.deps import CatalogueDep, StoreDep
from aichr_kg_api.linked import LinkedDep
from aichr_kg_api.respond import html_response
from aichr_kg_api.templating import href

router = APIRouter(tags=["page"], include_in_schema=False)

XSD = "http://www.w3.org/2001/XMLSchema#"


# -- presenting a result table --------------------------------------------------------------------
@dataclass
class Cell:
    text: str  # what a person reads: a label, a date in words, a value
    href: str | None = None
    iri: str | None = None
    value: str | None = None  # the literal as written, when the text says it differently (dates)


@dataclass
class Column:
    name: str  # the SPARQL variable shown (its IRI, when it has a label column)
    heading: str
    label: str | None = None  # the variable holding its label, if any
    kind: str = "text"  # text, entity, date or number: how the table aligns and wraps it


@dataclass
class Answer:
    """A result table shaped for people: one column per thing, labels instead of IRIs, links to pages."""

    columns: list[Column]
    rows: list[list[Cell]]
    total: int
    hidden: list[str] = field(default_factory=list)  # columns left out: the question's own parameters

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)

    def as_json(self) -> list[dict[str, dict[str, str]]]:
        """Rows for the page's scripts: {column: {"text", "href"?, "iri"?}}."""
        return [{c.name: _cell_json(cell) for c, cell in zip(self.columns, row) if cell.text} for row in self.rows]


def _cell_json(cell: Cell) -> dict[str, str]:
    out = {"text": cell.text}
    for key in ("href", "iri", "value"):
        if getattr(cell, key):
            out[key] = getattr(cell, key)
    return out


def compact(iri: str, base: str) -> str:
    """``{base}id/theme/x`` -> ``theme:x`` (what a permalink carries); other IRIs unchanged."""
    ids = base + "id/"
    if iri.startswith(ids):
        kind, sep, slug = iri[len(ids):].partition("/")
        if sep and slug and kind not in PREFIXES:
            return f"{kind}:{slug}"
    return iri


def heading(name: str) -> str:
    """'onBehalfOfLabel' -> 'On behalf of', 'eventLabel' -> 'Event', 'adoptedBy' -> 'Adopted by'."""
    if name.endswith("Label") and len(name) > 5:
        name = name[:-5]
    words, word = [], ""
    for ch in name:
        if ch.isupper() and word:
            words.append(word)
            word = ch.lower()
        else:
            word += ch
    words.append(word)
    text = " ".join(words).replace("_", " ")
    return text[:1].upper() + text[1:]


# Pairs of columns shown as one "Dates" column: '27–28 Sep 2022' reads better than two cells.
RANGES = {"start": "end", "from": "to", "startDate": "endDate"}


def shape(table: Table, base: str, hide: set[str], limit: int, label_of=lambda iri: None) -> Answer:
    names = table.variables
    ranges = {a: b for a, b in RANGES.items() if a in names and b in names and a not in hide}
    columns = []
    for name in names:
        if name in hide or (name.endswith("Label") and name[:-5] in names) or name in ranges.values():
            continue
        label = name + "Label" if name + "Label" in names else None
        columns.append(Column(name, "Dates" if name in ranges else heading(name), label))
    rows = []
    for row in table.rows[:limit]:
        cells = []
        for col in columns:
            term = row.get(col.name)
            if term is None:
                cells.append(Cell(""))
                continue
            if isinstance(term, ox.NamedNode):
                text = row[col.label].value if col.label and col.label in row else (
                    label_of(term.value) or _fallback_label(term.value))
                cells.append(Cell(text, href(term.value, base), term.value))
            elif isinstance(term, ox.BlankNode):
                cells.append(Cell(row[col.label].value if col.label and col.label in row else ""))
            elif col.name in ranges:
                end = row.get(ranges[col.name])
                cells.append(Cell(date_range(term, end), value=term.value))
            else:
                text = literal_text(term)
                cells.append(Cell(text, value=term.value if text != term.value else None))
        rows.append(cells)
    for col in columns:
        col.kind = _kind([row.get(col.name) for row in table.rows[:50]])
    return Answer(columns, rows, len(table.rows), sorted(hide & set(names)))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}


def literal_text(term) -> str:
    """A literal as a person reads it: xsd:date 2022-09-27 -> '27 Sep 2022', gYearMonth 2018-06 -> 'Jun 2018'."""
    kind, value = term.datatype.value if term.datatype else "", term.value
    try:
        if kind == XSD + "date" and len(value) >= 10:
            return f"{int(value[8:10])} {_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
        if kind == XSD + "gYearMonth" and len(value) >= 7:
            return f"{_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    except (ValueError, IndexError):
        pass
    return value


def date_range(start, end) -> str:
    """'27 Sep 2022' alone, '27–28 Sep 2022' within a month, '30 Sep – 2 Oct 2022' across months."""
    first = literal_text(start)
    if end is None or end.value == start.value:
        return first
    last = literal_text(end)
    a, b = first.split(" "), last.split(" ")
    if len(a) == len(b) == 3 and a[1:] == b[1:]:
        return f"{a[0]}–{last}"
    if len(a) == len(b) == 3 and a[2] == b[2]:
        return f"{a[0]} {a[1]} – {last}"
    return f"{first} – {last}"


def _kind(terms: list) -> str:
    terms = [t for t in terms if t is not None]
    if not terms:
        return "text"
    if all(isinstance(t, ox.NamedNode) for t in terms):
        return "entity"
    datatypes = {t.datatype.value if getattr(t, "datatype", None) else "" for t in terms}
    if datatypes <= {XSD + "date", XSD + "gYearMonth", XSD + "gYear", XSD + "dateTime"}:
        return "date"
    if datatypes <= _NUMBERS:
        return "number"
    return "text"


def _fallback_label(iri: str) -> str:
    """Last resort for an IRI the query gave no label: its last segment, words spaced."""
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.replace("-", " ") or iri


# -- the form -------------------------------------------------------------------------------------
@dataclass
class Field:
    name: str
    label: str
    description: str
    type: str
    value: str
    choices: list[tuple[str, str]]  # (value as a permalink carries it, label)
    required: bool

    @property
    def shown(self) -> str:
        """The chosen value as a person reads it (its label in the drop-down)."""
        return dict(self.choices).get(self.value, self.value)


def fields(query: CannedQuery, given: dict[str, str], catalogue: Catalogue, store, settings: Settings) -> list[Field]:
    out = []
    for param in query.params:
        value = given.get(param.name) or param.default or ""
        choices = [(_short(v, param.type, settings), label) for v, label in catalogue.allowed_values(param, store)]
        value = _short(value, param.type, settings) if value else ""
        if choices and value and value not in {v for v, _ in choices}:
            choices.insert(0, (value, value))  # keep what the link asked for visible, even if unknown
        out.append(Field(param.name, param.label, param.description, param.type, value, choices, param.required))
    return out


def _short(value: str, ptype: str, settings: Settings) -> str:
    if ptype != "iri":
        return value
    try:
        return compact(expand(value, settings.base, PREFIXES), settings.base)
    except ValueError:
        return value


def topics(catalogue: Catalogue) -> "OrderedDict[str, list[CannedQuery]]":
    grouped: OrderedDict[str, list[CannedQuery]] = OrderedDict()
    for query in sorted(catalogue, key=lambda q: (q.topic, q.title)):
        grouped.setdefault(query.topic, []).append(query)
    return grouped


# -- routes ---------------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse, summary="The query page")
def page(request: Request, catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep,
         q: str | None = Query(None, description="Name of a canned question")):
    settings = linked.settings
    context: dict[str, Any] = {"title": "Ask a question", "topics": topics(catalogue), "query": None, "fields": [],
                               "answer": None, "error": None, "links": {}, "answer_data": None,
                               "page_url": str(request.base_url).rstrip("/"), "dataset_jsonld": None}
    if not q:  # the home page describes the dataset for search engines (schema.org Dataset, JSON-LD data block)
        public = linked.settings.public_url or str(request.base_url)
        public = public if public.endswith("/") else public + "/"
        stats = linked.stats(request.app.state.graph)
        context["dataset_jsonld"] = dataset_jsonld(stats, settings.base, public)
    status = 200
    if q:
        given = {k: v for k, v in request.query_params.items() if k not in ("q", "format")}
        try:
            query = catalogue.get(q)
        except QueryNotFound:
            context["error"] = {"title": "We do not know that question.", "parameter": None,
                                "next": "Pick one of the questions listed on this page."}
            return html_response(linked.templates, "page/index.html", context, status_code=404)
        context.update(query=query, title=query.title, fields=fields(query, given, catalogue, store, settings))
        try:
            table = catalogue.run(q, given, store)
        except ParameterError as exc:
            status, context["error"] = 422, _parameter_sentence(query, exc)
        except (TimeoutError, QueryTimeout):
            status, context["error"] = 504, {
                "title": "The graph took too long to answer this question.", "parameter": None,
                "next": "Ask again in a moment, or choose a narrower setting (one event, one theme)."}
        except (Saturated, UpstreamUnavailable):
            status, context["error"] = 503, {
                "title": "The service cannot answer right now: it is busy, or its database cannot be reached.",
                "parameter": None, "next": "Wait a few seconds, then ask again."}
        else:
            answer = shape(table, settings.base, {p.name for p in query.params}, settings.max_html_rows,
                           linked.index.label)
            data = answer_data(query, context["fields"], answer)
            if query.view == "map":
                data["counts"] = state_counts(query, context["fields"], catalogue, store)
            context.update(answer=answer, links=links(query, context["fields"]), answer_data=data)
    return html_response(linked.templates, "page/index.html", context, status_code=status)


@router.get("/editor", response_class=HTMLResponse, summary="SPARQL editor (YASGUI) over /sparql")
def editor(catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep):
    context = {"title": "SPARQL editor", "examples": examples(catalogue, store),
               "prefixes": linked.vocabulary.prefixes}
    return html_response(linked.templates, "page/editor.html", context)


@router.get("/explore", summary="An entity's neighbourhood and timeline, for the views on its page")
def explore(catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep,
            iri: str = Query(..., max_length=2000, description="The entity's IRI")) -> JSONResponse:
    settings = linked.settings
    label = linked.index.label(iri)
    if not iri.startswith(settings.base + "id/") or label is None:
        return JSONResponse({"detail": f"no entity of this graph has the IRI {iri}"}, status_code=404)
    entity = ox.NamedNode(iri)
    centre = {"entity": {"value": iri, "label": label}}
    neighbours = store.select(catalogue.system("entity-neighbours"), {"entity": entity})
    seen, rows = set(), []
    for row in neighbours.rows:
        other = row["other"].value
        if other in seen:
            continue
        seen.add(other)
        arrow = "→" if row["direction"].value == "out" else "←"
        rows.append({"other": {"text": row["otherLabel"].value, "href": href(other, settings.base), "iri": other},
                     "relation": {"text": f"{arrow} {linked.vocabulary.property_label(row['relation'].value)}"}})
    events = store.select(catalogue.system("entity-timeline"), {"entity": entity})
    timeline = shape(events, settings.base, {"entity"}, 200, linked.index.label)
    return JSONResponse({
        "neighbours": {"view": "network", "question": None, "params": centre,
                       "options": {"edge": "relation", "title": f"What {label} is linked to ({{n}})"},
                       "columns": [{"name": "other", "heading": "Linked to"}, {"name": "relation", "heading": "How"}],
                       "rows": rows},
        "timeline": {"view": "timeline", "question": None, "params": centre,
                     "options": {"item": "item", "title": f"What {label} took part in or adopted"},
                     "columns": [{"name": c.name, "heading": c.heading} for c in timeline.columns],
                     "rows": timeline.as_json()},
    })


def examples(catalogue: Catalogue, store) -> list[dict[str, str]]:
    """The canned questions as editor examples, their default settings bound by a VALUES block."""
    out = []
    for query in sorted(catalogue, key=lambda q: (q.topic, q.title)):
        try:
            bound = {name: str(term) for name, term in catalogue.bind(query, {}, store).items()}
        except ParameterError:
            bound = {}
        out.append({"name": query.name, "title": query.title, "topic": query.topic,
                    "text": insert_values(query.text, bound)})
    return out


def links(query: CannedQuery, form: list[Field]) -> dict[str, str]:
    """The permalink (every setting spelled out, so it holds if defaults change) and the download links."""
    settings = [(f.name, f.value) for f in form if f.value]
    name = quote(query.name, safe="")
    return {"permalink": f"/?{urlencode([('q', query.name), *settings], safe=':')}",
            "csv": f"/queries/{name}?{urlencode([*settings, ('format', 'csv')], safe=':')}",
            "json": f"/queries/{name}?{urlencode([*settings, ('format', 'json')], safe=':')}"}


def answer_data(query: CannedQuery, form: list[Field], answer: Answer) -> dict[str, Any]:
    """What the page's scripts need to draw the view: the shaped rows, not the raw IRIs-only results."""
    return {"question": query.name, "title": query.title, "view": query.view, "options": query.view_options,
            "columns": [{"name": c.name, "heading": c.heading} for c in answer.columns],
            "params": {f.name: {"value": f.value, "label": f.shown} for f in form},
            "rows": answer.as_json()}


def state_counts(query: CannedQuery, form: list[Field], catalogue: Catalogue, store) -> dict[str, int]:
    """For a map: how many answers the same question has for each member state the form offers."""
    counts = {}
    for f in form:
        states = [value for value, _ in f.choices if value.startswith("state:")]
        if not states:
            continue
        others = {g.name: g.value for g in form if g is not f and g.value}
        for state in states:
            try:
                counts[state] = len(catalogue.run(query.name, {**others, f.name: state}, store).rows)
            except ParameterError:
                continue
        break
    return counts


def _parameter_sentence(query: CannedQuery, exc: ParameterError) -> dict[str, str]:
    """A bad parameter as a sentence a person understands, with what to try next."""
    known = {p.name: p.label for p in query.params}
    if exc.param not in known:
        return {"title": f"This question has no setting called “{exc.param}”.",
                "next": "Remove it from the address, or choose the question again from the list.",
                "parameter": exc.param}
    label = known[exc.param]
    return {"title": f"The value given for “{label}” cannot be used: {exc.reason}.",
            "next": f"Choose a {label.lower()} from the list and ask again.", "parameter": exc.param}
