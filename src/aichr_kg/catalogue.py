"""Canned queries: read ``queries/*.rq`` with their metadata headers, check parameters, bind them.

A header is a block of ``#+ `` comment lines holding YAML (title, description, topic, view,
params). Parameter values are checked against their declared type and allowed values, turned
into RDF terms and bound by the store (a VALUES block written from those terms, or SEP-0007
substitutions), never spliced into the query text as the caller gave them.
"""

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from aichr_kg.settings import Settings
from aichr_kg.store import Store, Table

PARAM_TYPES = {"iri", "string", "integer", "year", "date"}
VIEWS = {"table", "timeline", "network", "map", "chart", "tree", "matrix"}
XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryNotFound(LookupError):
    pass


class QueryDefinitionError(ValueError):
    """A .rq file whose header or text is broken (a bug in the project, not user input)."""


class ParameterError(ValueError):
    """A bad parameter value; ``param`` names it and the message says why."""

    def __init__(self, param: str, reason: str):
        self.param, self.reason = param, reason
        super().__init__(f"parameter '{param}': {reason}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    label: str
    description: str = ""
    default: str | None = None
    required: bool = True
    cls: str | None = None  # for iri: values must be instances of this class (or a subclass)
    values: tuple[str, ...] = ()  # enumerated allowed values, if any

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "type": self.type, "label": self.label, "description": self.description,
            "default": self.default, "required": self.required, "class": self.cls, "values": list(self.values),
        }


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    topic: str
    view: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    view_options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    sources: tuple[str, ...] = ()  # columns naming what a row's facts are about (their sources are the row's)
    hide: tuple[str, ...] = ()  # columns a person does not read (IRI lists behind a count, a row's basis)
    lists: tuple[str, ...] = ()  # columns holding a "; "-separated list of entity IRIs, shown as links
    # parameter -> the column listing each row's values of it: how many answers each choice has, given the others
    facets: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # how complete an answer is: {count: column, of: class, says: "... {count} of {total} ... {param}"}
    note: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise ParameterError(name, f"unknown parameter; this query takes {', '.join(p.name for p in self.params) or 'none'}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "description": self.description, "topic": self.topic,
            "view": self.view, "view_options": self.view_options, "params": [p.as_dict() for p in self.params],
            "sources": list(self.sources), "facets": dict(self.facets),
        }


def expand(value: str, base: str, prefixes: dict[str, str]) -> str:
    """Expand ``kind:slug`` to an entity IRI and ``prefix:Local`` to a vocabulary IRI; leave full IRIs alone."""
    if "://" in value:
        return value
    prefix, sep, local = value.partition(":")
    if not sep:
        raise ValueError(f"'{value}' is neither an IRI nor a prefixed name")
    if prefix in prefixes:
        return prefixes[prefix] + local
    return f"{base}id/{prefix}/{local}"


def parse_header(text: str, name: str) -> dict[str, Any]:
    lines = [line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines() if line.startswith("#+")]
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryDefinitionError(f"{name}: header is not valid YAML: {exc}") from exc
    for key in ("title", "description"):
        if not meta.get(key):
            raise QueryDefinitionError(f"{name}: header lacks '{key}'")
    return meta


def load_query(path: Path, settings: Settings) -> CannedQuery:
    from aichr_kg.namespaces import PREFIXES

    text = path.read_text(encoding="utf-8")
    meta = parse_header(text, path.name)
    params = []
    for raw in meta.get("params") or []:
        ptype = raw.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise QueryDefinitionError(f"{path.name}: parameter {raw.get('name')} has unknown type {ptype}")
        cls = raw.get("class")
        default = raw.get("default")
        if ptype == "iri" and default is not None:
            default = expand(str(default), settings.base, PREFIXES)
        params.append(
            Param(
                name=raw["name"], type=ptype, label=raw.get("label", raw["name"]), description=raw.get("description", ""),
                default=None if default is None else str(default), required=raw.get("required", True),
                cls=expand(cls, settings.base, PREFIXES) if cls else None, values=tuple(str(v) for v in raw.get("values", ())),
            )
        )
    view = meta.get("view", "table")
    if view not in VIEWS:
        raise QueryDefinitionError(f"{path.name}: view must be one of {sorted(VIEWS)}")
    facets = meta.get("facets") or {}
    if not isinstance(facets, dict) or not set(facets) <= {p.name for p in params}:
        raise QueryDefinitionError(f"{path.name}: 'facets' maps parameters of the question to the columns listing their values")
    return CannedQuery(
        name=path.stem, title=meta["title"], description=" ".join(str(meta["description"]).split()),
        topic=meta.get("topic", "Other"), view=view, text=text, params=tuple(params), view_options=meta.get("view_options") or {},
        sources=_names(meta, "sources", path.name), hide=_names(meta, "hide", path.name), note=_note(meta, path.name),
        lists=_names(meta, "lists", path.name), facets={str(k): str(v) for k, v in facets.items()},
    )


def _note(meta: dict[str, Any], name: str) -> dict[str, str]:
    note = meta.get("note") or {}
    if note and not (isinstance(note, dict) and {"count", "of", "says"} <= set(note)):
        raise QueryDefinitionError(f"{name}: 'note' needs count (a column), of (a class) and says (the sentence)")
    return {k: str(v) for k, v in note.items()}


def _names(meta: dict[str, Any], key: str, name: str) -> tuple[str, ...]:
    """A header key holding SPARQL variable names (a list, or one name)."""
    value = meta.get(key) or ()
    value = [value] if isinstance(value, str) else value
    if not all(isinstance(v, str) for v in value):
        raise QueryDefinitionError(f"{name}: '{key}' must list variable names")
    return tuple(value)


class Catalogue:
    """The canned queries of a ``queries/`` folder, by name."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.queries = {q.name: q for q in (load_query(p, settings) for p in sorted(settings.queries_dir.glob("*.rq")))}
        self._system = {p.stem: p.read_text(encoding="utf-8") for p in sorted((settings.queries_dir / "system").glob("*.rq"))}
        # per store, whether a value is of a class: the graph is read-only while a store is open, so a parameter
        # checked once needs no query the next time it is asked (an ASK per request otherwise)
        self._instances: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # per store, the values a form offers for each parameter (``choices``): at 10^6 triples an event parameter
        # offers 11,000 events, 0.8 s to list, so a build lists them once and saves them (aichr_kg.diskstore)
        self._choices: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __iter__(self):
        return iter(self.queries.values())

    def get(self, name: str) -> CannedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise QueryNotFound(f"no canned query named '{name}'; known: {', '.join(sorted(self.queries))}") from None

    def system(self, name: str) -> str:
        return self._system[name]

    # -- parameters -------------------------------------------------------------
    def bind(self, query: CannedQuery, given: dict[str, str], store: Store) -> dict[str, ox.NamedNode | ox.Literal]:
        """Check every given value and return the RDF terms to substitute; defaults fill the gaps."""
        for name in given:
            query.param(name)  # raises on unknown names
        bound = {}
        for param in query.params:
            raw = given.get(param.name, param.default)
            if raw is None or raw == "":
                if param.required:
                    raise ParameterError(param.name, "a value is required")
                continue
            bound[param.name] = self.term(param, str(raw), store)
        return bound

    def term(self, param: Param, raw: str, store: Store) -> ox.NamedNode | ox.Literal:
        from aichr_kg.namespaces import PREFIXES

        if param.values and raw not in param.values:
            raise ParameterError(param.name, f"'{raw}' is not one of {', '.join(param.values)}")
        if param.type == "iri":
            try:
                iri = expand(raw, self.settings.base, PREFIXES)
            except ValueError as exc:
                raise ParameterError(param.name, str(exc)) from None
            if not iri.startswith(self.settings.base):
                raise ParameterError(param.name, f"'{raw}' is outside this graph's namespace {self.settings.base}")
            try:
                node = ox.NamedNode(iri)
            except ValueError as exc:
                raise ParameterError(param.name, f"'{raw}' is not a valid IRI ({exc})") from None
            if param.cls and not self._is_instance(store, node, param.cls):
                raise ParameterError(param.name, f"'{raw}' is not a known {param.cls.rsplit('#', 1)[-1].rsplit('/', 1)[-1]} in the graph")
            return node
        if param.type in ("integer", "year"):
            try:
                number = int(raw)
            except ValueError:
                raise ParameterError(param.name, f"'{raw}' is not a whole number") from None
            if param.type == "year" and not 1900 <= number <= 2100:
                raise ParameterError(param.name, f"'{raw}' is not a year between 1900 and 2100")
            return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
        if param.type == "date":
            import datetime

            try:
                datetime.date.fromisoformat(raw)
            except ValueError:
                raise ParameterError(param.name, f"'{raw}' is not a date like 2024-04-29") from None
            return ox.Literal(raw, datatype=ox.NamedNode(XSD + "date"))
        if len(raw) > 500:
            raise ParameterError(param.name, "value is longer than 500 characters")
        return ox.Literal(raw)

    def allowed_values(self, param: Param, store: Store) -> list[tuple[str, str]]:
        """(value, label) pairs a form can offer for a parameter: the ones saved with the build ``store`` was opened
        from (``keep_choices``), else listed now."""
        try:
            known = self._choices.get(store)
        except TypeError:  # a store that cannot be referred to weakly: listed every time
            known = None
        found = known.get(_choice_key(param)) if known is not None else None
        return found if found is not None else self._list_values(param, store)

    def choices(self, store: Store) -> list:
        """The values every parameter of every canned query offers, as JSON data (``keep_choices`` reads it back)."""
        params = {_choice_key(p): p for q in self for p in q.params}
        return [[list(key), [list(pair) for pair in self._list_values(param, store)]] for key, param in params.items()]

    def keep_choices(self, store: Store, data: list) -> None:
        """Offer the values of ``choices(store)`` (saved with the build ``store`` was opened from) from now on."""
        self._choices[store] = {tuple(key): [tuple(pair) for pair in pairs] for key, pairs in data}

    def _list_values(self, param: Param, store: Store) -> list[tuple[str, str]]:
        """Enumerated values as declared; for an IRI whose default is a SKOS concept, the concepts of the
        default's scheme (a theme parameter offers themes, not roles); otherwise the instances of its
        class, dated ones labelled with their year; for a year, the years the graph has dates in.
        """
        if param.values:
            return [(v, v) for v in param.values]
        if param.type == "iri" and param.default:
            table = store.select(self.system("concepts-in-scheme"), {"default": ox.NamedNode(param.default)})
            if table.rows:
                return [(row["value"].value, row["label"].value) for row in table.rows]
        if param.type == "iri" and param.cls:
            table = store.select(self.system("instances-of"), {"class": ox.NamedNode(param.cls)})
            # only what ``bind`` accepts: the graph's own IRIs (the ontology also names reused classes)
            return [(row["value"].value, _dated(row["label"].value, row.get("date"))) for row in table.rows
                    if row["value"].value.startswith(self.settings.base)]
        if param.type == "year":
            return [(row["year"].value, row["year"].value) for row in store.select(self.system("years")).rows]
        return []

    def _is_instance(self, store: Store, node: ox.NamedNode, cls: str) -> bool:
        try:
            known = self._instances.setdefault(store, {})
        except TypeError:  # a store that cannot be referred to weakly: asked every time
            known = {}
        key = (node.value, cls)
        if key not in known:
            if len(known) >= 10_000:  # bounded: odd values from many clients do not grow it without end
                known.clear()
            known[key] = store.ask(self.system("is-instance"), {"value": node, "class": ox.NamedNode(cls)})
        return known[key]

    def run(self, name: str, given: dict[str, str], store: Store) -> Table:
        query = self.get(name)
        return store.select(query.text, self.bind(query, given, store))


def _choice_key(param: Param) -> tuple:
    """What the values a parameter offers depend on (two queries' parameters alike offer the same values)."""
    return (param.type, param.default or "", param.cls or "", *param.values)


def _dated(label: str, date) -> str:
    """'1st AICHR-UN Meeting' + 2018-05-15 -> '1st AICHR-UN Meeting (2018)', unless the label already holds the year."""
    year = date.value[:4] if date is not None and date.value[:4].isdigit() else None
    return f"{label} ({year})" if year and year not in label else label
