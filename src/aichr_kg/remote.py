"""A remote SPARQL 1.1 server behind the ``Store`` interface, and ``push`` to load a build into one.

Queries go through one pooled httpx client (POST, URL-encoded, the SPARQL 1.1 Protocol), whose
keep-alive connections every thread shares. Parameters are
bound by a VALUES block written from validated RDF terms (``querytext.insert_values``), never by
pasting user text into the query. A query naming no graphs sees, as on the embedded store, the merge
of the named graphs as default graph, each distinct triple once. ``push`` writes that merge where the
server's queries find it: as the server's default graph (Oxigraph, served without
``--union-default-graph``), or, for a server whose default graph is always the *bag* of its graphs
(Virtuoso: a triple two graphs hold matches twice), into the named graph ``UNION_GRAPH``; when the
server holds that graph, every query naming no graphs is sent with it as ``default-graph-uri`` and the
other graphs as ``named-graph-uri`` (so GRAPH ?g ranges over them alone). A query naming graphs (FROM,
or ``default-graph-uri``) gets exactly those, sent as protocol parameters. Only graphs the server holds
are ever sent: one it does not hold is an empty graph, which is left out (or replaced by
``EMPTY_GRAPH``, a URN nobody can fetch), so that no server is ever asked to fetch one; a ``GRAPH <g>``
outside the dataset sent is sent as ``GRAPH <EMPTY_GRAPH>`` (Virtuoso answers the former with one empty
solution instead of none). Texts from users
arrive already checked (``aichr_kg.querycheck``, in a worker); a variable named by more than
``LONGEST_VARIABLE`` characters is sent under a short name and the answer's columns named back
(Virtuoso keeps 97 characters of a name); an answer longer than ``answer_limit`` bytes is not read further.

Servers differ in how faithfully they write the SPARQL result formats. With ``passthrough`` (the
default; right for Oxigraph) an answer in the format asked is passed on as it comes; without it
(``AICHR_KG_ENDPOINT_PASSTHROUGH=false``, needed for Virtuoso, whose TSV and CSV are not the W3C's
and whose blank nodes are labelled ``nodeID://…``) the server is asked only for SPARQL JSON or
N-Triples, which are read here (blank-node labels made valid) and written by the service itself.
Only the format of the query's form is asked for: a server given both may answer a CONSTRUCT with
a solution table (Virtuoso does).

Failures of the server are reported as the execution errors the service maps to statuses:
unreachable (``UpstreamUnavailable``), too slow (``UpstreamTimeout``), or an error of its own.
A connection the server closed is dropped from the pool and a new one opened, so the store recovers by
itself when the server is back.
"""

import csv
import io
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from aichr_kg import __version__, querytext
from aichr_kg.execution import (AnswerTooLarge, QueryError, QueryEvaluationError, QuerySyntaxError, UpstreamError,
                                UpstreamTimeout, UpstreamUnavailable, syntax_message)
from aichr_kg.store import Dataset, EmbeddedStore, NoAcceptableFormat, ResultShapes, Serialized, Term, term_text, write_result

JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
_KIND = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
EMPTY_GRAPH = "urn:x-aichr-kg:empty-graph"  # stands for a dataset part made only of graphs the server does not hold
UNION_GRAPH = "urn:x-aichr-kg:union-of-named-graphs"  # the named graphs' merge, each triple once (`load --union-graph`)
LONGEST_VARIABLE = 64  # characters of a variable's name sent as they are; longer ones go under a short name


class RemoteStore(ResultShapes):
    """The graph held by a SPARQL 1.1 server at ``endpoint`` (its query URL)."""

    def __init__(self, endpoint: str, *, timeout: float, queries_dir: Path, graph_cache_seconds: float = 30.0,
                 answer_limit: int = 100 * 2**20, passthrough: bool = True, max_connections: int = 32):
        self.endpoint, self.timeout, self.answer_limit, self.passthrough = endpoint, timeout, answer_limit, passthrough
        self._system_dir = queries_dir / "system"
        self._graphs: tuple[float, list[str], bool] | None = None
        self._graph_cache_seconds = graph_cache_seconds
        self._lock = threading.Lock()
        # One pool of keep-alive connections for every thread (a fresh connection per query cost more than the query)
        self._client = httpx.Client(timeout=timeout, headers={"User-Agent": f"aichr-kg/{__version__}"},
                                    limits=httpx.Limits(max_connections=max_connections,
                                                        max_keepalive_connections=max_connections))

    @classmethod
    def from_settings(cls, settings) -> "RemoteStore":
        return cls(settings.endpoint, timeout=settings.query_timeout, queries_dir=settings.queries_dir,
                   answer_limit=settings.max_answer_size * 2**20, passthrough=settings.endpoint_passthrough,
                   max_connections=settings.max_concurrent_queries)

    # -- the wire --------------------------------------------------------------------------------
    def _post(self, sparql: str, accept: str, dataset: Dataset) -> tuple[str, bytes]:
        """Send a query; return the media type and the complete body, or raise an execution error."""
        if dataset.default_graphs is not None or dataset.named_graphs is not None:
            sparql = querytext.without_dataset_clauses(sparql)  # the protocol's graphs win, on every server
            named = dataset.named_graphs or ()
            emptied = querytext.graphs_named_outside(sparql, set(named), EMPTY_GRAPH)
            if emptied != sparql:  # GRAPH <g> outside the dataset: an empty graph the dataset names (for Virtuoso)
                sparql, dataset = emptied, Dataset(dataset.default_graphs, tuple(dict.fromkeys((*named, EMPTY_GRAPH))))
        form = [("query", sparql), *(("default-graph-uri", g) for g in dataset.default_graphs or ()),
                *(("named-graph-uri", g) for g in dataset.named_graphs or ())]
        started = time.monotonic()
        try:
            with self._client.stream("POST", self.endpoint, data=dict(_grouped(form)), headers={"Accept": accept}) as response:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.answer_limit:  # not read further
                        raise AnswerTooLarge.over(self.answer_limit // 2**20)
                    chunks.append(chunk)
                body = b"".join(chunks)
        except httpx.TimeoutException:
            raise self._timeout() from None
        except httpx.ConnectError as exc:
            raise UpstreamUnavailable(f"the SPARQL server at {self.endpoint} cannot be reached ({_reason(exc)}); "
                                      "try again later") from None
        except httpx.TransportError as exc:
            if time.monotonic() - started >= self.timeout:
                raise self._timeout() from None
            raise UpstreamUnavailable(f"the connection to the SPARQL server at {self.endpoint} failed "
                                      f"({type(exc).__name__}); try again later") from None
        if response.status_code >= 300:
            raise self._http_error(response.status_code, _short(body))
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return _MEDIA_ALIASES.get(media_type, media_type), body

    def _timeout(self) -> UpstreamTimeout:
        return UpstreamTimeout(f"the SPARQL server did not answer within {self.timeout:g} s")

    def _http_error(self, status: int, detail: str) -> QueryError:
        if status == 400:
            return QuerySyntaxError(detail or "the SPARQL server refused the query as malformed")
        if status == 404:
            return UpstreamError(f"there is no SPARQL endpoint at {self.endpoint} (404)")
        if status in (502, 503):
            return UpstreamUnavailable(f"the SPARQL server is unavailable ({status}): {detail}")
        if status == 504:
            return self._timeout()
        if 400 <= status < 500:
            return QueryEvaluationError(f"the SPARQL server refused the query ({status}): {detail}")
        return UpstreamError(f"the SPARQL server failed ({status}): {detail}" if detail else
                             f"the SPARQL server failed ({status})")

    def close(self) -> None:
        self._client.close()

    # -- the Store interface -----------------------------------------------------------------------
    def serialize(self, sparql: str, *, results_format: str | None, graph_format: str | None,
                  dataset: Dataset = Dataset(), base_iri: str | None = None, form: str | None = None) -> Serialized:
        """As ``Store.serialize``; ``form`` (SELECT, ASK, ...) is the checked query's, which tells the kind of answer."""
        form = form or querytext.form_of(sparql)
        kind = _KIND.get(form)
        if kind == "graph":  # ask only for what this form can be written as
            results_format = None
        elif kind is not None:
            graph_format = None
        offered = [f for f in (results_format, graph_format) if f]
        if not offered:
            raise NoAcceptableFormat(kind or "any")
        sparql, renamed = querytext.short_variables(sparql, LONGEST_VARIABLE)
        passthrough = self.passthrough and not renamed  # columns named back: the answer is read and written here
        asked = offered if passthrough else _readable(form)
        if base_iri and querytext.opens_with_absolute_base(sparql):
            base_iri = None  # the query's own BASE wins anyway
        if base_iri:  # a line of its own: the server's error positions are one line off, and put back
            sparql = f"BASE <{ox.NamedNode(base_iri).value}>\n{sparql}"
        try:
            media_type, body = self._post(sparql, ", ".join(asked), self._dataset(dataset))
        except QuerySyntaxError as exc:
            raise QuerySyntaxError(syntax_message(_located(sparql) or exc.args[0], line_offset=1 if base_iri else 0)) from None
        if passthrough and media_type in offered:  # the server wrote what was asked: pass it on as it is
            _whole(media_type, body)  # once all of it has been read here and found whole
            return Serialized(kind or ("solutions" if media_type == results_format else "graph"), media_type, body)
        return write_result(self._parse(media_type, body, renamed), results_format, graph_format, self.answer_limit)

    def _dataset(self, dataset: Dataset) -> Dataset:
        """The dataset sent for ``dataset``: not given, the server's union copy when it holds one (with the other
        graphs as named graphs); given, without the graphs the server does not hold (empty graphs either way,
        and never fetched)."""
        names, union = self._graph_list()
        if not dataset.given:
            return Dataset((UNION_GRAPH,), tuple(names) or (EMPTY_GRAPH,)) if union else dataset
        held = set(names)

        def keep(graphs: tuple[str, ...] | None) -> tuple[str, ...]:
            kept = tuple(g for g in graphs or () if g in held)
            return kept or ((EMPTY_GRAPH,) if graphs else ())

        default, named = keep(dataset.default_graphs), keep(dataset.named_graphs)
        # an empty part is said too: a server told only the default graphs may still range GRAPH ?g over its whole
        # store (Virtuoso does), or take its whole store as default graph when told only the named ones
        return Dataset(default or (EMPTY_GRAPH,), named or (EMPTY_GRAPH,))

    def _parse(self, media_type: str, body: bytes, renamed: Mapping[str, str] | None = None):
        """The answer read as pyoxigraph results (or a list of triples), its columns named back from ``renamed``."""
        if renamed and media_type == JSON:
            body = self._named_back(body, renamed)
        for pattern, replacement in _BNODE_LABELS.get(media_type, ()):
            body = pattern.sub(replacement, body)
        _whole(media_type, body)  # solutions are read lazily: a broken answer would fail halfway through its reader
        try:
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
        except ValueError:
            results_format = None
        try:
            if results_format is not None:
                return ox.parse_query_results(body, format=results_format)
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=rdf_format)]
        except (ValueError, SyntaxError) as exc:
            raise UpstreamError(f"the SPARQL server answered in an unreadable form ({media_type or 'no media type'}): "
                                f"{_short(str(exc).encode())}") from None

    def _named_back(self, body: bytes, renamed: Mapping[str, str]) -> bytes:
        """A SPARQL JSON answer with the short names sent put back to the query's own; refused first if the
        long names make it larger than ``answer_limit`` (a short answer can repeat a long name on every row)."""
        try:
            answer = json.loads(body)
            head, rows = answer["head"], answer.get("results", {}).get("bindings", [])
            grows = sum(len(renamed[name]) - len(name) for row in [head.get("vars", ()), *rows]
                        for name in row if name in renamed)
        except (ValueError, KeyError, TypeError, AttributeError):
            return body  # not SPARQL JSON: reading it says so
        if len(body) + grows > self.answer_limit:
            raise AnswerTooLarge.over(self.answer_limit // 2**20)
        head["vars"] = [renamed.get(name, name) for name in head.get("vars", ())]
        if rows:
            answer["results"]["bindings"] = [{renamed.get(k, k): v for k, v in row.items()} for row in rows]
        return json.dumps(answer).encode()

    def raw(self, sparql: str, params: Mapping[str, Term] | None = None, *, dataset: Dataset = Dataset()):
        """Solutions, a boolean or a list of triples, as pyoxigraph objects (like ``EmbeddedStore.raw``)."""
        text = querytext.insert_values(sparql, {k: term_text(v) for k, v in (params or {}).items()})
        text, renamed = querytext.short_variables(text, LONGEST_VARIABLE)
        media_type, body = self._post(text, ", ".join(_readable(querytext.form_of(sparql))), self._dataset(dataset))
        return self._parse(media_type, body, renamed)

    def _system(self, name: str) -> str:
        return (self._system_dir / f"{name}.rq").read_text(encoding="utf-8")

    def triple_count(self) -> int:
        rows = self.select(self._system("quad-count")).rows
        return int(rows[0]["count"].value) if rows else 0

    def graph_names(self) -> Sequence[str]:
        """The server's named graphs, but for its union copy (``UNION_GRAPH``)."""
        return self._graph_list()[0]

    def _graph_list(self) -> tuple[list[str], bool]:
        """The named graphs and whether the server also holds the union copy (asked again after
        ``graph_cache_seconds``, so a new load shows up). Asked over the server's own dataset."""
        with self._lock:
            if self._graphs is not None and time.monotonic() - self._graphs[0] < self._graph_cache_seconds:
                return self._graphs[1], self._graphs[2]
        media_type, body = self._post(self._system("graph-names"), JSON, Dataset())
        found = {s["graph"].value for s in self._parse(media_type, body) if s["graph"] is not None}
        names, union = sorted(found - {UNION_GRAPH}), UNION_GRAPH in found
        with self._lock:
            self._graphs = (time.monotonic(), names, union)
        return names, union


_MEDIA_ALIASES = {  # older names some servers still send (Virtuoso: N-Triples as text/plain), as the ones read here
    "text/plain": N_TRIPLES, "text/rdf+n3": "text/turtle", "application/x-turtle": "text/turtle",
    "application/x-json+ld": "application/ld+json",
}
_BNODE_LABELS = {  # blank-node labels that are not valid labels (Virtuoso's "nodeID://b123"), made valid
    JSON: [(re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://'), rb"\1")],
    "application/sparql-results+xml": [(re.compile(rb"<bnode>nodeID://"), rb"<bnode>")],
}


def _whole(media_type: str, body: bytes) -> None:
    """Read all of an answer, keeping nothing, and refuse one that is not whole (``UpstreamError``: 502).

    A SPARQL server streams its answer, so an error it meets halfway comes after the 200 it has sent: Oxigraph
    then writes the error's text into the body and ends it normally, other servers drop the connection (which
    ``_post`` reports). Either way no part of a broken answer is passed on. CSV, which no parser here reads
    (and in which any text is a value), must end with its line break and keep its header's column count.
    Reading costs about 15 ms per MB (``bench`` has no cell for it: it is linear in the answer's size).
    """
    answer = None
    try:
        if media_type == "text/csv":
            _whole_csv(body)
            return
        try:
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
        except ValueError:
            results_format = None
        answer = (ox.parse_query_results(body, format=results_format) if results_format is not None
                  else ox.parse(body, format=ox.RdfFormat.from_media_type(media_type)))
        if not isinstance(answer, ox.QueryBoolean):
            for _ in answer:
                pass
    except (ValueError, SyntaxError) as exc:
        raise UpstreamError(f"the SPARQL server's answer broke off or is unreadable "
                            f"({media_type or 'no media type'}); none of it was sent on: {_short(str(exc).encode())}") from None
    finally:
        answer = None  # pyoxigraph's reader must be dropped on this thread, not with a traceback on another one


def _whole_csv(body: bytes) -> None:
    if body.strip() in (b"true", b"false"):  # an ASK answer, as Oxigraph writes it
        return
    if not body.endswith(b"\n"):
        raise ValueError(f"the last line does not end: …{body[-80:].decode('utf-8', 'replace')!r}")
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    width = len(next(rows, []))
    for number, row in enumerate(rows, start=2):
        if len(row) != width:
            raise ValueError(f"line {number} has {len(row)} fields where the header has {width}")


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Form fields for httpx: a name given more than once (``named-graph-uri``) as a list of its values."""
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}


def _reason(exc: httpx.ConnectError) -> str:
    """Why a connection failed, in the operating system's words ("Connection refused")."""
    cause = exc.__context__ or exc.__cause__
    while cause is not None and not isinstance(cause, OSError) and (cause.__context__ or cause.__cause__):
        cause = cause.__context__ or cause.__cause__
    return getattr(cause, "strerror", None) or str(exc) or type(exc).__name__


def _located(sparql: str) -> SyntaxError | None:
    """The local parser's error for a query the server found malformed: it names line and column, which not
    every server does (Virtuoso says "line 0"). None when the text parses here: the server's message stands."""
    try:
        ox.Store().query(sparql)
    except SyntaxError as exc:
        return exc
    except Exception:  # noqa: BLE001 (anything but a syntax error: the server's message stands)
        return None
    return None


def _readable(form: str | None) -> list[str]:
    """The formats read here for a query of this form (both when the form is not known)."""
    if form in _KIND:
        return [N_TRIPLES] if _KIND[form] == "graph" else [JSON]
    return [JSON, N_TRIPLES]


def _short(detail: bytes) -> str:
    text = detail.decode("utf-8", errors="replace") if isinstance(detail, bytes) else str(detail)
    return " ".join(text.split())[:300]


# -- loading a build into a server ----------------------------------------------------------------
class PushError(Exception):
    """The server refused a graph or could not be reached; the message names the graph and the reason."""


def without_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part (for messages)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2])) if parts.username is not None else url


def _opener(url: str) -> tuple[str, urllib.request.OpenerDirector]:
    """The URL without its user:password part, and an opener that answers Basic or Digest challenges with them.

    Virtuoso's Graph Store Protocol (``/sparql-graph-crud-auth``) asks for Digest; Oxigraph asks for nothing.
    """
    parts = urlsplit(url)
    if parts.username is None:
        return url, urllib.request.build_opener()
    bare = without_credentials(url)
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, bare, unquote(parts.username), unquote(parts.password or ""))
    return bare, urllib.request.build_opener(_SigningDigestAuth(passwords), urllib.request.HTTPBasicAuthHandler(passwords))


class _SigningDigestAuth(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that, once the server has challenged, signs every later request up front.

    urllib sends each request unsigned first and signs it only when refused (401). A server may refuse a
    large body before reading it and close the connection (Virtuoso does, for a body larger than the
    connection's buffers): the client then sees a reset, not the 401, and never retries. ``push`` makes a
    small request first to be challenged, so that the graphs go out signed.
    """

    challenge: dict | None = None

    def retry_http_digest_auth(self, req, auth):
        self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(auth.partition(" ")[2])))
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req):
        if self.challenge is not None and not req.has_header(self.auth_header):
            signed = self.get_authorization(req, self.challenge)
            if signed:
                req.add_unredirected_header(self.auth_header, f"Digest {signed}")
        return req

    https_request = http_request


def push(store: EmbeddedStore, graph_store_url: str, *, timeout: float = 60.0, default_graph: bool = True,
         union_graph: bool = False) -> list[tuple[str, int]]:
    """PUT every named graph of ``store`` to ``graph_store_url?graph=<iri>`` (SPARQL 1.1 Graph Store Protocol),
    then the merge of them (each distinct triple once: the store's default graph) where the server's queries
    find it.

    Each graph on the server is replaced by the build's; graphs the build does not have are left
    alone. The merge is the default graph queries run on, as in the embedded store. It goes to ``?default``
    (with ``default_graph``), for a server that queries its own default graph (``oxigraph serve`` without
    ``--union-default-graph``); with ``union_graph`` it goes into the named graph ``UNION_GRAPH`` instead, for
    a server whose default graph is always the union of its graphs, repeating a triple once per graph
    stating it (Virtuoso): ``RemoteStore`` then sends it as ``default-graph-uri``. Without ``union_graph``
    a union copy an earlier load left is deleted, so that it never outlives the graphs it copies. A
    ``user:password@`` in the URL is sent when the server asks (Basic or Digest) and is never printed.
    Returns (graph, triples) for each named graph sent, then ("default" or ``UNION_GRAPH``, triples) for the merge.
    """
    graph_store_url, opener = _opener(graph_store_url)
    separator = "&" if "?" in graph_store_url else "?"

    def send(name: str, method: str, graph=None) -> int:
        selector = "default" if name == "default" else f"graph={quote(name, safe='')}"
        triples = None if graph is None else [ox.Triple(q.subject, q.predicate, q.object)
                                              for q in store.oxi.quads_for_pattern(None, None, None, graph)]
        body = None if triples is None else ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        request = urllib.request.Request(f"{graph_store_url}{separator}{selector}", data=body, method=method,
                                         headers={"Content-Type": N_TRIPLES, "User-Agent": f"aichr-kg/{__version__}"})
        label = {"default": "the default graph", EMPTY_GRAPH: "a first, small request"}.get(name, f"graph <{name}>")
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if method in ("GET", "DELETE") and exc.code == 404:
                return 0  # no such graph: nothing to delete (or the first request, to be challenged, was answered)
            raise PushError(f"the server refused {label} ({exc.code}): {_short(exc.read())}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PushError(f"cannot reach {graph_store_url} ({reason})") from None
        return len(triples or ())

    send(EMPTY_GRAPH, "GET")  # a graph nobody holds: a small answer (and the server's challenge, if it asks for one)
    sent = [(graph.value, send(graph.value, "PUT", graph))
            for graph in sorted(store.oxi.named_graphs(), key=lambda g: g.value)]
    if union_graph:
        sent.append((UNION_GRAPH, send(UNION_GRAPH, "PUT", ox.DefaultGraph())))
    else:
        send(UNION_GRAPH, "DELETE")
        if default_graph:
            sent.append(("default", send("default", "PUT", ox.DefaultGraph())))
    return sent
