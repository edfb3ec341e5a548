"""The query page for people who never write SPARQL: canned questions, their answers, search, the editor.

Everything here renders on the server, so the page works with scripts off: ``GET /?q=NAME&param=...``
shows the question's form (drop-downs filled from the graph) and its answer as a table whose cells are
labels linking to entity pages. Scripts (``static/dist/page.js``) only enhance it: they load answers
without a reload, draw the view the question asks for (timeline, network, map, chart) from the JSON
block the page carries, and suggest entities as one types in the search box.
"""

import re
from collections import OrderedDict
from datetime import datetime, timezone
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from aichr_kg.catalogue import CannedQuery, Catalogue, ParameterError, QueryNotFound, expand
from aichr_kg.execution import QueryTimeout, Saturated, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from aichr_kg.namespaces import PREFIXES
from aichr_kg.querytext import insert_values
from aichr_kg.settings import Settings
from aichr_kg.store import Table
from aichr_kg_api.crawl import dataset_jsonld
from aichr_kg_api.deps import CatalogueDep, StoreDep
from aichr_kg_api import export, wording
from aichr_kg_api.linked import LinkedData, LinkedDep
from aichr_kg_api.dates import date_range, literal_text
from aichr_kg_api.i18n import N_
from aichr_kg_api.matrix import matrix
from aichr_kg_api.provenance import Provenance, RowBasis, coverage, row_entities
from aichr_kg_api.respond import html_response, not_found
from aichr_kg_api.templating import href

router = APIRouter(tags=["page"], include_in_schema=False)

XSD = "http://www.w3.org/2001/XMLSchema#"
FAVICON = Path(__file__).resolve().parents[1] / "static" / "favicon.svg"


# -- presenting a result table --------------------------------------------------------------------
@dataclass
class Cell:
    text: str  # what a person reads: a label, a date in words, a value
    href: str | None = None
    iri: str | None = None
    value: str | None = None  # the literal as written, when the text says it differently (dates)
    parts: list["Cell"] | None = None  # a list of entities in one cell (the question's ``lists``), each a link


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
    basis: list[RowBasis] | None = None  # each shown row's sources, when the question names what rows are about

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)

    def as_json(self) -> list[dict[str, dict[str, str]]]:
        """Rows for the page's scripts: {column: {"text", "href"?, "iri"?}}."""
        out = [{c.name: _cell_json(cell) for c, cell in zip(self.columns, row) if cell.text} for row in self.rows]
        for row, basis in zip(out, self.basis or ()):
            row["_basis"] = basis.as_json()
        return out


def _cell_json(cell: Cell) -> dict:
    out: dict = {"text": cell.text}
    for key in ("href", "iri", "value"):
        if getattr(cell, key):
            out[key] = getattr(cell, key)
    if cell.parts:
        out["parts"] = [_cell_json(part) for part in cell.parts]
    return out


def compact(iri: str, base: str) -> str:
    """``{base}id/theme/x`` -> ``theme:x``, an ontology class -> ``ak:Consultation`` (what a permalink carries);
    other IRIs unchanged."""
    ids = base + "id/"
    if iri.startswith(ids):
        kind, sep, slug = iri[len(ids):].partition("/")
        if sep and slug and kind not in PREFIXES:
            return f"{kind}:{slug}"
    elif iri.startswith(PREFIXES["ak"]) and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", iri[len(PREFIXES["ak"]):]):
        return "ak:" + iri[len(PREFIXES["ak"]):]
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


def shape(table: Table, base: str, hide: set[str], limit: int, label_of=lambda iri: None,
          lists: tuple[str, ...] = ()) -> Answer:
    names = table.variables
    ranges = {a: b for a, b in RANGES.items() if a in names and b in names and a not in hide}
    columns = []
    for name in names:
        if name in hide or (name.endswith("Label") and name[:-5] in names) or name in ranges.values():
            continue
        label = name + "Label" if name + "Label" in names else None
        columns.append(Column(name, N_("Dates") if name in ranges else heading(name), label))
    rows = []
    for row in table.rows[:limit]:
        cells = []
        for col in columns:
            term = row.get(col.name)
            if term is None:  # no IRI, but the query may still say something ("Online" for a place)
                cells.append(Cell(row[col.label].value if col.label and col.label in row else ""))
                continue
            if isinstance(term, ox.NamedNode):
                text = row[col.label].value if col.label and col.label in row else (
                    label_of(term.value) or _fallback_label(term.value))
                cells.append(Cell(text, href(term.value, base), term.value))
            elif isinstance(term, ox.BlankNode):
                cells.append(Cell(row[col.label].value if col.label and col.label in row else ""))
            elif col.name in lists:  # "iri; iri": one link per entity, the labels joined for a file
                parts = [Cell(label_of(iri) or _fallback_label(iri), href(iri, base), iri)
                         for iri in term.value.split("; ") if iri]
                cells.append(Cell("; ".join(p.text for p in parts), iri="; ".join(p.iri for p in parts) or None,
                                  parts=parts))
            elif col.name in ranges:
                end = row.get(ranges[col.name])
                cells.append(Cell(date_range(term, end), value=term.value))
            else:
                text = literal_text(term)
                cells.append(Cell(text, value=term.value if text != term.value else None))
        rows.append(cells)
    for col in columns:
        col.kind = "entity" if col.name in lists else _kind([row.get(col.name) for row in table.rows[:50]])
    return Answer(columns, rows, len(table.rows), sorted(hide & set(names)))


_NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}


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
    names: dict[str, str] = field(default_factory=dict)  # value -> its label without the count of answers

    @property
    def shown(self) -> str:
        """The chosen value as a person reads it (its label, without the drop-down's count)."""
        return self.names.get(self.value) or dict(self.choices).get(self.value, self.value)


COUNTED_CHOICES = 80  # a drop-down with more choices than this is not counted choice by choice
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def fields(query: CannedQuery, given: dict[str, str], catalogue: Catalogue, store, settings: Settings,
           linked: LinkedData | None = None) -> list[Field]:
    """The form: each setting's choices are the values that have answers, with how many, latest first when dated."""
    out = []
    for param in query.params:
        value = given.get(param.name) or param.default or ""
        choices = [(_short(v, param.type, settings), label) for v, label in catalogue.allowed_values(param, store)]
        value = _short(value, param.type, settings) if value else ""
        names = dict(choices)
        counts = _counts(query, param.name, choices, catalogue, store, linked, given)
        if counts:
            choices = [(v, f"{label} — {_answers(counts.get(v, 0), linked)}") for v, label in choices
                       if counts.get(v) or v == value]
            years = [_YEAR.search(names[v]) for v, _ in choices]
            if choices and all(years):
                order = {v: y.group(1) for (v, _), y in zip(choices, years)}
                choices.sort(key=lambda c: order[c[0]], reverse=True)  # stable: same year keeps its order
        if choices and value and value not in {v for v, _ in choices}:
            choices.insert(0, (value, value))  # keep what the link asked for visible, even if unknown
        out.append(Field(param.name, param.label, param.description, param.type, value, choices, param.required, names))
    return out


def _counts(query: CannedQuery, name: str, choices, catalogue: Catalogue, store,
            linked: LinkedData | None, given: dict[str, str]) -> dict[str, int] | None:
    """How many answers each choice has, or None when not counted: for a setting the question lists as a facet,
    given the other settings (one run of the question without this one); for a one-setting question, by asking
    it once per choice (once per service)."""
    if linked is None or not choices:
        return None
    try:
        if name in query.facets:
            return _facet_counts(query, name, given, catalogue, store, linked.settings)
        if len(query.params) != 1 or len(choices) > COUNTED_CHOICES:
            return None
        return linked.cached(f"choices:{query.name}:{name}",
                             lambda: _answers_per_choice(query, name, choices, catalogue, store))
    except (TimeoutError, QueryTimeout, Saturated, UpstreamUnavailable):
        return None  # a busy or slow store: offer every value uncounted; the answer says what went wrong


def _facet_counts(query: CannedQuery, name: str, given: dict[str, str], catalogue: Catalogue, store,
                  settings: Settings) -> dict[str, int] | None:
    """Answers per value of one setting when the others stay as chosen: the question asked without it, each row
    counted under every value its facet column lists."""
    others = {k: v for k, v in given.items() if k != name and v and k in {p.name for p in query.params}}
    try:
        table = catalogue.run(query.name, others, store)
    except ParameterError:
        return None  # another setting is wrong: the answer says which
    column, kind = query.facets[name], query.param(name).type
    counts: dict[str, int] = {}
    for row in table.rows:
        if column in row:
            for value in {v for v in row[column].value.split("; ") if v}:
                key = _short(value, kind, settings)
                counts[key] = counts.get(key, 0) + 1
    return counts


def _answers_per_choice(query: CannedQuery, name: str, choices, catalogue: Catalogue, store) -> dict[str, int]:
    counts = {}
    for value, _ in choices:
        try:
            counts[value] = len(catalogue.run(query.name, {name: value}, store).rows)
        except ParameterError:
            counts[value] = 0
    return counts


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
    settings, _ = linked.settings, linked.words.gettext
    context: dict[str, Any] = {"title": _("Ask a question"), "topics": topics(catalogue), "query": None, "fields": [],
                               "answer": None, "error": None, "links": {}, "answer_data": None, "matrix": None,
                               "page_url": settings.public.rstrip("/"), "dataset_jsonld": None,
                               "coverage": coverage(linked, store, catalogue),
                               "extracted": datetime.now(timezone.utc).strftime("%d %b %Y")}
    if not q:  # the home page describes the dataset for search engines (schema.org Dataset, JSON-LD data block)
        stats = linked.stats(request.app.state.graph)
        context["dataset_jsonld"] = dataset_jsonld(stats, settings.base, settings.public)
    status = 200
    if q:
        given = {k: v for k, v in request.query_params.items() if k not in ("q", "format")}
        try:
            query = catalogue.get(q)
        except QueryNotFound:
            context["error"] = {"title": _("We do not know that question."), "parameter": None,
                                "next": _("Pick one of the questions listed on this page.")}
            return html_response(linked.templates, "page/index.html", context, status_code=404)
        context.update(query=query, title=_(query.title), fields=fields(query, given, catalogue, store, settings, linked))
        try:
            table = catalogue.run(q, given, store)
        except ParameterError as exc:
            status, context["error"] = 422, _parameter_sentence(query, exc, _)
        except (TimeoutError, QueryTimeout, UpstreamTimeout):
            status, context["error"] = 504, {
                "title": _("The graph took too long to answer this question."), "parameter": None,
                "next": _("Ask again in a moment, or choose a narrower setting (one event, one theme).")}
        except (UpstreamUnavailable, UpstreamError):
            status, context["error"] = 502, {
                "title": _("The service cannot answer right now: its database cannot be reached."),
                "parameter": None, "next": _("Wait a few seconds, then ask again.")}
        except Saturated:
            status, context["error"] = 503, {
                "title": _("The service cannot answer right now: it is busy."),
                "parameter": None, "next": _("Wait a few seconds, then ask again.")}
        else:
            answer = shape_answer(query, table, linked, store, catalogue, settings.max_html_rows)
            data = answer_data(query, context["fields"], answer)
            if query.view == "map":
                data["counts"] = state_counts(query, context["fields"], catalogue, store)
                data["stateNames"] = {v: name for f in context["fields"] for v, name in f.names.items()
                                      if v.startswith("state:")}  # states without answers are named too
            if query.view == "matrix":
                context["matrix"] = counts_matrix(query, table, catalogue, settings)
            context.update(answer=answer, links=links(query, context["fields"]), answer_data=data,
                           note=completeness(query, context["fields"], table, store, catalogue, settings, linked.words))
    return html_response(linked.templates, "page/index.html", context, status_code=status)


@router.get("/answer/{name}.{suffix}", summary="An answer as a spreadsheet (CSV or XLSX) with its sources")
def download(name: str, suffix: str, request: Request, catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep):
    """The table the page shows, every row, with on-screen headings and a Sources column, for a brief."""
    if suffix not in ("csv", "xlsx"):
        return not_found(request, linked.templates, "There is no spreadsheet format '%(suffix)s': ask for .csv or .xlsx.",
                         suffix=suffix)
    try:
        query = catalogue.get(name)
    except QueryNotFound as exc:
        return not_found(request, linked.templates, "There is %(what)s.", what=str(exc))
    given = dict(request.query_params)
    try:
        table = catalogue.run(name, given, store)
    except ParameterError as exc:
        return PlainTextResponse(str(exc), status_code=422)
    form = fields(query, given, catalogue, store, linked.settings)
    data = export.sheet(query, form, shape_answer(query, table, linked, store, catalogue, len(table.rows)),
                        linked.words.gettext)
    filename = export.file_name(name, form, suffix)
    body, media = ((export.as_csv(data), "text/csv; charset=utf-8") if suffix == "csv"
                   else (export.as_xlsx(data), export.XLSX_TYPE))
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/questions", response_class=HTMLResponse, summary="Every canned question, by topic")
def questions(catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep):
    context = {"title": linked.words.gettext("Questions you can ask"), "topics": topics(catalogue),
               "coverage": coverage(linked, store, catalogue)}
    return html_response(linked.templates, "page/questions.html", context)


@router.get("/glossary", response_class=HTMLResponse, summary="The acronyms the graph holds, spelled out")
def glossary(catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep):
    """AICHR, ACWC, NHRI...: each short name the graph gives an entity, with its full name and what it is."""
    def read() -> list[dict[str, str]]:
        return [{"acronym": row["acronym"].value, "label": row["label"].value,
                 "href": href(row["entity"].value, linked.settings.base),
                 "description": row["description"].value if "description" in row else ""}
                for row in store.select(catalogue.system("glossary")).rows]
    context = {"title": linked.words.gettext("Glossary of acronyms"), "entries": linked.cached("glossary", read)}
    return html_response(linked.templates, "page/glossary.html", context)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Browsers ask for it on their own; the pages name /static/favicon.svg, this answers the rest."""
    return Response(FAVICON.read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/editor", response_class=HTMLResponse, summary="SPARQL editor (YASGUI) over /sparql")
def editor(catalogue: CatalogueDep, store: StoreDep, linked: LinkedDep):
    context = {"title": linked.words.gettext("SPARQL editor"), "examples": examples(catalogue, store),
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
        relation, incoming = row["relation"].value, row["direction"].value != "out"
        if wording.hidden(relation, settings.base):
            continue
        words = wording.heading(relation, settings.base, reverse=incoming)  # read from this entity's side
        words = linked.words.gettext(words) if words else None
        arrow = "←" if incoming else "→"
        rows.append({"other": {"text": row["otherLabel"].value, "href": href(other, settings.base), "iri": other},
                     "relation": {"text": words or f"{arrow} {linked.vocabulary.property_label(relation)}"}})
    events = store.select(catalogue.system("entity-timeline"), {"entity": entity})
    timeline = shape(events, settings.base, {"entity"}, 200, linked.index.label)
    _ = linked.words.gettext
    return JSONResponse({
        "neighbours": {"view": "network", "question": None, "params": centre,
                       "options": {"edge": "relation", "title": _("What %(name)s is linked to ({n})") % {"name": label}},
                       "columns": [{"name": "other", "heading": _("Linked to")}, {"name": "relation", "heading": _("How")}],
                       "rows": rows},
        "timeline": {"view": "timeline", "question": None, "params": centre,
                     "options": {"item": "item", "title": _("What %(name)s took part in or adopted") % {"name": label}},
                     "columns": [{"name": c.name, "heading": _(c.heading)} for c in timeline.columns],
                     "rows": timeline.as_json()},
    })


def counts_matrix(query: CannedQuery, table: Table, catalogue: Catalogue, settings: Settings):
    """The matrix a ``view: matrix`` question asks for, each number linking to the question that lists it."""
    options = query.view_options
    listing = catalogue.get(options["cell"]) if options.get("cell") else None

    def link(name: str, row: str, column: str) -> str:
        return "/?" + urlencode([("q", name), (options["rows"], compact(row, settings.base)),
                                 (options["columns"], compact(column, settings.base))], safe=":")

    def label(name: str) -> str:
        return listing.param(name).label if listing else heading(name)

    return matrix(options, table, settings.base, link, label)


def completeness(query: CannedQuery, form: list[Field], table: Table, store, catalogue: Catalogue,
                 settings: Settings, words) -> str | None:
    """The question's note on how complete its answer is: 'the sources name ... 3 of 11 member states ...'."""
    if not query.note:
        return None
    column = query.note["count"]
    found = len({row[column].value for row in table.rows if column in row})
    total = len(store.select(catalogue.system("instances-of"),
                             {"class": ox.NamedNode(expand(query.note["of"], settings.base, PREFIXES))}).rows)
    values = {f.name: f.shown for f in form}
    return words.gettext(query.note["says"]).format(count=found, total=total, **values)


def provenance(linked: LinkedData, store, catalogue: Catalogue) -> Provenance:
    """The sources of every entity, read once per service (the graph does not change while it runs)."""
    return linked.cached("provenance", lambda: Provenance.read(store, catalogue, linked.settings.base))


def shape_answer(query: CannedQuery, table: Table, linked: LinkedData, store, catalogue: Catalogue,
                 limit: int) -> Answer:
    """A canned question's table as people read it, each row with the sources of what it is about."""
    hide = {p.name for p in query.params} | set(query.hide)
    answer = shape(table, linked.settings.base, hide, limit, linked.index.label, query.lists)
    for column in answer.columns:  # headings are messages of the catalogue (make messages reads the queries)
        column.heading = linked.words.gettext(column.heading)
    if query.sources:
        known = provenance(linked, store, catalogue)
        answer.basis = [known.basis(row_entities(row, query.sources)) for row in table.rows[:limit]]
    return answer


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
            "sheet": f"/answer/{name}.csv?{urlencode(settings, safe=':')}",
            "xlsx": f"/answer/{name}.xlsx?{urlencode(settings, safe=':')}",
            "filename": export.file_name(query.name, form, ""),
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
        states = [value for value in f.names if value.startswith("state:")]
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


def _parameter_sentence(query: CannedQuery, exc: ParameterError, _=lambda message: message) -> dict[str, str]:
    """A bad parameter as a sentence a person understands, with what to try next (``_``: the catalogue)."""
    known = {p.name: p.label for p in query.params}
    if exc.param not in known:
        return {"title": _("This question has no setting called “%(name)s”.") % {"name": exc.param},
                "next": _("Remove it from the address, or choose the question again from the list."),
                "parameter": exc.param}
    label = known[exc.param]
    return {"title": _("The value given for “%(setting)s” cannot be used: %(reason)s.") % {"setting": label, "reason": exc.reason},
            "next": _("Choose a %(setting)s from the list and ask again.") % {"setting": label.lower()},
            "parameter": exc.param}


def _answers(n: int, linked: LinkedData) -> str:
    """'no answers', '1 answer', '3 answers' in the pages' language."""
    if n == 0:
        return linked.words.gettext("no answers")
    return linked.words.ngettext("%(num)s answer", "%(num)s answers", n) % {"num": n}
