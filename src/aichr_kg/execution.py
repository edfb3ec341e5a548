"""Running user queries under hard limits: a deadline, a memory ceiling, a cap on queries at once.

pyoxigraph cannot interrupt a running query, so the embedded store answers ``/sparql`` from a small
pool of worker processes (``WorkerPool``), each opening the built store's folder read-only (one copy
on disk, shared through the page cache; ``aichr_kg.diskstore``), or, for a store held only in memory,
loading its own copy from an N-Quads dump. A job goes to an idle worker over a socket pair; the worker runs
the query and writes the results out completely before sending the bytes back (``run_async`` lets
the service's event loop wait on that socket, no thread per query), so a caller receives
either the whole answer or an error, never a truncated one. A query that overruns its deadline
has its worker killed (and a fresh one started in the background); a query that outgrows the
memory ceiling (``RLIMIT_AS``: ``query_memory_limit`` MB on top of the loaded graph) dies on its
own and is reported as such; an answer longer than ``max_answer_size`` MB is stopped as it is
written (``AnswerTooLarge``), so that the service process never receives more than that.

The worker is also where a text is checked (``aichr_kg.querycheck``: the full SPARQL 1.1 grammar,
refusing updates, LOAD and SERVICE), under the same deadline and memory ceiling, so that no parse
runs unbounded in the service process; the text the engine then runs is the checked one. Workers
drop their network access (a new network namespace), a second line of defence behind that check;
where the kernel does not allow it the pool refuses to start unless the operator accepts it
(``allow_worker_network``).

A remote store runs its queries itself (its HTTP client carries the deadline: ``DirectRunner``),
but the texts it gets are checked first by a pool of workers holding an empty store, which
pyoxigraph must also be able to read.
Either way at most ``max_concurrent_queries`` queries run or wait at once, and at most
``max_queries_per_client`` from one client address; more are refused (``Saturated``, 503;
``TooManyFromClient``, 429) rather than queued without bound.

Fair under load: waiting queries queue in arrival order and a freed worker goes to the oldest one it may
serve (no polling, so no newcomer overtakes); the wait is bounded by ``queue_timeout`` apart from the
query's own deadline (``QueueTimeout``, 503). ``fast_lane_workers`` workers serve only texts that have not
been slow, each for at most ``fast_lane_limit`` seconds (past that the job moves to the other workers and
its text is remembered as slow), so cheap queries find a worker while runaways hold the rest. A query whose
caller is cancelled (its HTTP client hung up) has its worker killed at once. A started spare
(``spare_query_workers``) takes the place of a stopped worker at once while its successor starts, and an
idle worker that died is noticed before it is handed a job (a job that reaches one killed just then runs once
more on another). A worker's death is reported as what it was: the signal by name, or the memory ceiling only
when the engine said an allocation failed. A worker that cannot open the store (deleted or damaged under the
service) has the pool repair it (``heal``: built again, once however many workers fail) and start again.

An embedded pool may keep answers (``answers``: an ``AnswerCache``, the graph being read-only): the same job
again is answered from memory, admitted as any other (so a saturated endpoint still says 503), with no worker.

Design note: every query that is not kept, however cheap, crosses the pipe. Running "obviously cheap" queries in
the service process would save ~0.1 ms but could not keep the timeout promise (no heuristic can
tell a cheap query from a runaway one by its text), so it is not done.
"""

import asyncio
import ctypes
import logging
import math
import os
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from aichr_kg import querycheck
from aichr_kg.answers import AnswerCache
from aichr_kg.querycheck import Checked
from aichr_kg.store import AnswerOverLimit, Dataset, EmbeddedStore, NoAcceptableFormat, Serialized

log = logging.getLogger(__name__)


# -- what can go wrong --------------------------------------------------------------------------
class QueryError(Exception):
    """A query that could not be answered; the message says why in a sentence a user can act on."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message gives the line and column."""


class QueryEvaluationError(QueryError):
    """The query parsed but the store could not evaluate it."""


class QueryRefused(QueryError):
    """The query asks for what this endpoint never does: an update, LOAD, SERVICE (403)."""


class AnswerTooLarge(QueryError):
    """The answer grew past ``max_answer_size`` and was stopped before it reached the service."""

    @classmethod
    def over(cls, limit_mb: int) -> "AnswerTooLarge":
        return cls(f"the answer is larger than {limit_mb} MB, the most this endpoint sends for one query (setting "
                   "max_answer_size); narrow it down (a LIMIT, fewer or shorter variables), or page through it "
                   "with LIMIT and OFFSET")


class NetworkNotIsolated(RuntimeError):
    """The kernel would not give the query workers an empty network namespace, and the operator has not accepted that."""


class NotAcceptable(QueryError):
    """The results are of a kind for which no acceptable format was offered."""


class QueryTimeout(QueryError):
    """The query ran past its deadline and was stopped."""


class QueryTooBig(QueryError):
    """The query needed more memory than a worker may use and was stopped."""


class Saturated(QueryError):
    """Too many queries at once; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class QueueTimeout(Saturated):
    """No worker became free within ``queue_timeout`` (bounded apart from the query's own deadline): 503."""


class TooManyFromClient(Saturated):
    """This client already has ``max_queries_per_client`` queries running or waiting: 429."""


class WorkerFailed(QueryError):
    """The process running the query stopped for another reason."""


class StoreUnopenable(RuntimeError):
    """A starting worker could not open the store (its folder deleted or damaged under the service)."""


class UpstreamUnavailable(QueryError):
    """The remote SPARQL server cannot be reached."""


class UpstreamTimeout(QueryError):
    """The remote SPARQL server did not answer in time."""


class UpstreamError(QueryError):
    """The remote SPARQL server answered with an error of its own."""


# -- jobs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryJob:
    """One query to run: its text, its dataset and the writer media types offered for each kind of result."""

    query: str
    dataset: Dataset = Dataset()
    results_format: str | None = "application/sparql-results+json"
    graph_format: str | None = "text/turtle"
    base_iri: str | None = None  # what relative IRIs in the query resolve against
    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE: set once the text has been checked


def protocol_dataset(default_graph_uris: Iterable[str], named_graph_uris: Iterable[str]) -> Dataset:
    """The dataset named by a request's ``default-graph-uri`` / ``named-graph-uri`` (not given: ``Dataset()``)."""
    default, named = tuple(default_graph_uris), tuple(named_graph_uris)
    return Dataset(default, named) if default or named else Dataset()


def plan_dataset(checked: Checked, requested: Dataset) -> Dataset:
    """The dataset a query runs on: the protocol's graphs win over FROM / FROM NAMED, else the union of all graphs.

    A graph the store does not hold is an empty graph (SPARQL's dataset semantics, as Oxigraph and
    Fuseki read it), never fetched: stores only ever select among the graphs they hold.
    """
    if requested.given:
        return requested
    if checked.declares_dataset:  # spelled out: a union default graph would otherwise hide FROM
        return Dataset(checked.from_graphs, checked.from_named_graphs)
    return Dataset()


_LOCATION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def syntax_message(error: SyntaxError | str, line_offset: int = 0) -> str:
    """pyoxigraph's "error at 3:15: expected one of ..." as one short line naming the line and column
    (``line_offset``: lines added in front of the user's text)."""
    text = " ".join(str(error).split())
    match = _LOCATION.search(text)
    if not match:
        return f"syntax error: {text[:300]}"
    line, column, detail = match.groups()
    if detail.startswith("expected one of "):
        options = detail[len("expected one of "):].split(", ")
        if len(options) > 8:
            detail = "expected one of " + ", ".join(options[:8]) + f" (or {len(options) - 8} more)"
    return f"syntax error at line {int(line) - line_offset}, column {column}: {detail[:300]}"


_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.-]+/)+[\w.-]*")


def evaluation_message(exc: BaseException) -> str:
    """A store error in one line, without file system paths."""
    return f"the query could not be evaluated: {error_text(exc)}"


def error_text(exc: BaseException) -> str:
    """An exception's message in one line of at most 300 characters, file system paths left out."""
    return _PATH.sub("…", " ".join(str(exc).split()))[:300] or type(exc).__name__


# -- runners ------------------------------------------------------------------------------------
class Runner(Protocol):
    admission: "Admission"  # the limits on queries at once; the HTTP layer counts its kept /sparql answers there

    def run(self, job: QueryJob, client: str | None = None) -> Serialized: ...

    async def run_async(self, job: QueryJob, client: str | None = None) -> Serialized:
        """``run`` for an event loop: waits without holding a thread."""
        ...

    def kept(self, job: QueryJob, client: str | None = None) -> Serialized | None:
        """The answer to ``job`` if one is kept (admitted as ``run`` would be: it may raise ``Saturated``), else None;
        a caller answers from it without starting anything."""
        ...

    def close(self) -> None: ...


class Admission:
    """At most ``limit`` queries running or waiting for a worker, and at most ``per_client`` of them from one client
    address; the next one is refused at once (``Saturated``: 503; ``TooManyFromClient``: 429)."""

    def __init__(self, limit: int, retry_after: int, per_client: int | None = None):
        self._slots = threading.BoundedSemaphore(limit)
        self.limit, self.retry_after, self.per_client = limit, retry_after, per_client
        self._lock = threading.Lock()
        self._by_client: dict[str, int] = {}

    def admitted(self) -> int:
        """Queries running or waiting now (for diagnostics and tests)."""
        return self.limit - self._slots._value

    def __call__(self, client: str | None) -> "_Admitted":
        return _Admitted(self, client)

    def __enter__(self) -> None:
        self._enter(None)

    def __exit__(self, *exc) -> None:
        self._exit(None)

    def _enter(self, client: str | None) -> None:
        if client is not None and self.per_client is not None:
            with self._lock:
                running = self._by_client.get(client, 0)
                if running >= self.per_client:
                    raise TooManyFromClient(f"this client already has as many queries running or waiting as one "
                                            f"client may ({running}, setting max_queries_per_client); wait for "
                                            f"them, or try again in {self.retry_after} s", self.retry_after)
                self._by_client[client] = running + 1
        if not self._slots.acquire(blocking=False):
            self._leave_client(client)
            raise Saturated(f"the endpoint is busy ({self.limit} queries running); try again in "
                            f"{self.retry_after} s", self.retry_after)

    def _exit(self, client: str | None) -> None:
        self._slots.release()
        self._leave_client(client)

    def _leave_client(self, client: str | None) -> None:
        if client is None or self.per_client is None:
            return
        with self._lock:
            left = self._by_client.get(client, 1) - 1
            if left > 0:
                self._by_client[client] = left
            else:
                self._by_client.pop(client, None)


@dataclass
class _Admitted:
    admission: Admission
    client: str | None

    def __enter__(self) -> None:
        self.admission._enter(self.client)

    def __exit__(self, *exc) -> None:
        self.admission._exit(self.client)


def _retry_after(timeout: float) -> int:
    return max(1, math.ceil(timeout / 4))


class DirectRunner:
    """Runs jobs on a remote store, whose HTTP client enforces the deadline, once ``checker`` (a pool over an
    empty store) has checked their text; the store gets the checked text."""

    def __init__(self, store, checker: "WorkerPool", max_concurrent: int, timeout: float,
                 answers: AnswerCache | None = None):
        self.store, self.checker = store, checker
        self.admission = Admission(max_concurrent, _retry_after(timeout))
        self.answers = answers  # only when the operator says the server is read-only (Settings.remote_read_only)

    def run(self, job: QueryJob, client: str | None = None) -> Serialized:
        return self._keep(job, self._send(self._checked(job, self.checker.run(job, client))))

    async def run_async(self, job: QueryJob, client: str | None = None) -> Serialized:
        checked = await self.checker.run_async(job, client)
        return self._keep(job, await asyncio.to_thread(self._send, self._checked(job, checked)))

    def kept(self, job: QueryJob, client: str | None = None) -> Serialized | None:
        if self.answers is None:  # the remote server's graph may change: nothing is kept
            return None
        with self.admission:  # a kept answer still counts against the queries at once, as in the pool
            return self.answers.get(("query", job))

    def _keep(self, job: QueryJob, answer: Serialized) -> Serialized:
        if self.answers is not None:
            self.answers.put(("query", job), answer, len(answer.body))
        return answer

    @staticmethod
    def _checked(job: QueryJob, checked: Checked) -> QueryJob:
        return replace(job, query=checked.text, dataset=plan_dataset(checked, job.dataset), form=checked.form)

    def _send(self, job: QueryJob) -> Serialized:
        with self.admission:
            try:
                return self.store.serialize(job.query, results_format=job.results_format,
                                            graph_format=job.graph_format, dataset=job.dataset,
                                            base_iri=job.base_iri, form=job.form)
            except NoAcceptableFormat as exc:
                raise NotAcceptable(_not_acceptable(exc.args[0])) from None

    def close(self) -> None:
        self.checker.close()


def _not_acceptable(kind: str) -> str:
    what = {"graph": "an RDF graph (CONSTRUCT, DESCRIBE)", "boolean": "a yes/no answer (ASK)"}.get(kind, "a table (SELECT)")
    return f"the query returns {what}, and none of the formats accepted by the request can carry it"


# -- the worker process -------------------------------------------------------------------------
_CLONE_NEWUSER, _CLONE_NEWNET, _PR_SET_PDEATHSIG = 0x10000000, 0x40000000, 1


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _isolate_network(libc) -> bool:
    """Move this (still single-threaded) process into an empty network namespace, where the kernel lets us."""
    if libc is None or not hasattr(libc, "unshare"):
        return False
    return any(libc.unshare(flags) == 0 for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET))


def _address_space() -> int:
    """Bytes of address space this process uses now (0 where /proc is not there)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


# The check (pyparsing) recurses some 20-30 frames per bracket of nesting, the engine's parser deeper still: a worker
# gets a stack with room for far more than the nesting limit, and a recursion limit that stops the check well before
# that room is used (a RecursionError, answered 400), so that no text can overflow it.
_STACK_BYTES, _STACK_PER_FRAME = 512 * 2**20, 8192


def _with_deep_stack() -> None:
    """Start this worker again (exec) with a stack of ``_STACK_BYTES`` if it has less and may have more; then set
    the recursion limit to what its stack holds. Before anything heavy is loaded, so the exec costs little."""
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    wanted = _STACK_BYTES if hard == resource.RLIM_INFINITY else min(_STACK_BYTES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_STACK, (wanted, hard))
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    stack = wanted if soft == resource.RLIM_INFINITY else soft
    sys.setrecursionlimit(max(1000, min(stack, _STACK_BYTES) // _STACK_PER_FRAME))


def worker_entry() -> None:
    """Body of a worker process: ``python -c '...worker_entry()' FD DUMP MEMORY_MB copy|open|check ANSWER_MB``
    (DUMP: an N-Quads file, or the folder of a store on disk, copied into memory or opened as it is; ``check``:
    an empty store, the worker only checks texts)."""
    _with_deep_stack()
    fd, dump, memory_limit_mb, mode = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    answer_limit = int(sys.argv[5]) * 2**20
    conn = Connection(fd)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash or abort leaves no core file of the graph behind
    libc = _libc()
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # never outlive the pool (its spawner thread)
    isolated = _isolate_network(libc)
    try:  # first, so that a store deleted or damaged under the service is reported at once (the pool repairs it)
        store = _open_store(dump, mode)
    except Exception as exc:  # noqa: BLE001
        conn.send(("store", error_text(exc)))
        return
    import aichr_kg.namespaces  # noqa: F401 - loaded now, not on the first Turtle answer

    querycheck.check("ASK {}")  # the parser is built on first use: now, not on the first query
    # The ceiling is what a query may add to the loaded graph, so that it means the same at every graph size.
    limit = _address_space() + memory_limit_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready", isolated))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        status, payload = _execute(store, job, mode == "check", answer_limit)
        conn.send((status, payload))
        if status == "memory":
            return


def _open_store(dump: str, mode: str) -> EmbeddedStore:
    if mode == "check":
        return EmbeddedStore()
    if Path(dump).is_dir():  # the built store on disk: opened (its pages are shared), or copied if small
        return EmbeddedStore.open_read_only(Path(dump), mode == "copy")
    store = EmbeddedStore()
    store.oxi.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    return store


def _execute(store: EmbeddedStore, job: QueryJob, check_only: bool, answer_limit: int) -> tuple[str, object]:
    try:
        checked = querycheck.check(job.query, job.base_iri)
        if check_only:  # pyoxigraph must read the text too (the remote server is another reader again)
            store.oxi.query(checked.text, base_iri=job.base_iri)
            return "checked", checked
        return "ok", store.serialize(checked.text, results_format=job.results_format,
                                     graph_format=job.graph_format, dataset=plan_dataset(checked, job.dataset),
                                     base_iri=job.base_iri, answer_limit=answer_limit)
    except querycheck.QueryRefused as exc:
        return "refused", str(exc)
    except querycheck.QueryUnreadable as exc:
        return "syntax", str(exc)
    except SyntaxError as exc:
        return "syntax", syntax_message(exc)
    except NoAcceptableFormat as exc:
        return "format", exc.args[0]
    except AnswerOverLimit:
        return "answer", answer_limit // 2**20
    except MemoryError:
        return "memory", None
    except RecursionError:
        return "syntax", "the query is nested too deeply to be read"
    except Exception as exc:  # any evaluation failure is the query's answer, not the worker's end
        return "error", evaluation_message(exc)


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    conn: Connection
    peek: socket.socket  # a second handle on the same socket, to read a message's size before the message
    errors: "tempfile._TemporaryFileWrapper | None" = None  # its stderr (an unlinked file), read when it dies
    isolated: bool = False
    lane: bool = False  # kept for texts that have not been slow (see WorkerPool._acquire)

    def alive(self) -> bool:
        return self.process.poll() is None

    def last_words(self, size: int = 4096) -> str:
        """The end of what the process wrote to stderr (the engine says there why it aborted)."""
        if self.errors is None:
            return ""
        try:
            end = self.errors.seek(0, os.SEEK_END)
            self.errors.seek(max(0, end - size))
            return self.errors.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def pending_size(self) -> int:
        """Size of the message waiting to be read (multiprocessing's frame: !i, or -1 then !Q)."""
        header = self.peek.recv(12, socket.MSG_PEEK)
        if len(header) < 4:
            return 0
        (size,) = struct.unpack("!i", header[:4])
        return struct.unpack("!Q", header[4:12])[0] if size == -1 and len(header) == 12 else size


class WorkerPool:
    """``size`` worker processes, each with the graph loaded from the N-Quads file ``dump`` or opened from a store
    folder; with ``dump=None``, workers holding an empty store that only check texts (``run`` returns ``Checked``).

    Unless ``allow_network``, the pool does not start where the kernel would not isolate the workers'
    network (``NetworkNotIsolated``): then only the text check stands between a query and other hosts.

    ``heal`` is called when a starting worker cannot open the store (``StoreUnopenable``: its folder was deleted
    or damaged under the service) and returns what workers open from then on (the store built again,
    ``aichr_kg.diskstore.repair``); however many workers fail at once, it runs once per failure seen, and a
    worker that still cannot start is tried again with a growing pause, never given up on while the pool runs.
    """

    def __init__(self, dump: Path | None, *, size: int, timeout: float, memory_limit_mb: int, max_concurrent: int,
                 owns_dump_dir: bool = False, copy: bool = False, answer_limit_mb: int = 100,
                 allow_network: bool = False, queue_timeout: float | None = None, lane_workers: int = 1,
                 lane_limit: float = 0.5, max_per_client: int | None = None, spares: int = 1,
                 heal: "Callable[[], Path] | None" = None, answers: AnswerCache | None = None,
                 start_timeout: float = 60.0):
        self.start_timeout = start_timeout  # seconds a starting worker may take to say it is ready
        self.answers = answers  # answers kept by job (the graph is read-only): a repeated job takes no worker
        self.dump, self.size, self.timeout, self.memory_limit_mb = dump, size, timeout, memory_limit_mb
        self.copy = copy  # workers copy a store folder into memory, as the service process did
        self.answer_limit_mb = answer_limit_mb
        self.admission = Admission(max_concurrent, _retry_after(timeout), max_per_client)
        self.queue_timeout = timeout if queue_timeout is None else queue_timeout
        self.lanes = min(lane_workers, size - 1)  # never every worker: a slow text must still find one
        self.lane_limit = lane_limit
        self._owns_dump_dir = owns_dump_dir
        self._idle: list[_Worker] = []
        self._waiters: deque[_Waiter] = deque()
        self._slow: OrderedDict[str, None] = OrderedDict()  # texts that overran the lane, most recent last
        self._cond = threading.Condition()
        self._closed = False
        self._restarting: list[threading.Thread] = []
        self.restarts = 0
        self.heal, self.heals = heal, 0  # heals: how many times the store was repaired for the workers
        self._heal_lock = threading.Lock()
        # Workers die with the thread that started them (PR_SET_PDEATHSIG), so one long-lived thread starts them all.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aichr-kg-query-spawner")
        try:
            starting = self._start_all(size)
        except StoreUnopenable as exc:  # damaged between the service's own open and its workers'
            if not self._heal_store(self.heals, exc):
                self._spawner.shutdown()
                raise
            starting = self._start_all(size)
        self._idle.extend(starting)
        self._spares: list[_Worker] = []  # started, waiting to take the place of a stopped worker
        # slots (their lane flag) or spares (None) waiting for a process; the spares start once the pool serves
        self._missing: list[bool | None] = [None] * spares
        self.network_isolated = all(w.isolated for w in starting)
        if not self.network_isolated and not allow_network:
            self.close()
            message = ("this host does not let the query workers drop their network access (no network namespace: "
                       "unshare(CLONE_NEWNET) was refused), so a query that got past the check could reach other "
                       "hosts; the service does not start like this. Allow unprivileged user namespaces (or run with "
                       "CAP_SYS_ADMIN), or set AICHR_KG_ALLOW_WORKER_NETWORK=true to accept it")
            log.error("%s", message)
            raise NetworkNotIsolated(message)
        if not self.network_isolated:
            log.warning("query workers keep network access (no network namespace here; accepted by "
                        "AICHR_KG_ALLOW_WORKER_NETWORK): SERVICE, LOAD and remote graphs stay refused by the "
                        "query check alone, and a flaw in it would let a query reach other hosts from this machine")
        for _ in range(spares):
            self._start_in_background()

    # -- life cycle --
    def _start_all(self, count: int) -> list[_Worker]:
        starting = [self._spawner.submit(self._spawn, i < self.lanes).result() for i in range(count)]
        try:
            for worker in starting:
                self._await_ready(worker)
        except BaseException:
            for worker in starting:
                self._kill(worker)
            raise
        return starting

    def _heal_store(self, seen: int, exc: StoreUnopenable) -> bool:
        """Repair the store for the workers unless it was repaired since ``seen`` (``heals`` when the failed start
        began); whether starting again may help now."""
        if self.heal is None:
            return False
        with self._heal_lock:
            if self.heals != seen:
                return True
            log.warning("a query worker could not open the store (%s); repairing it", exc)
            started = time.monotonic()
            try:
                self.dump = self.heal()
            except Exception:  # noqa: BLE001 - the pool keeps trying; the log says why it cannot yet
                log.exception("the store could not be repaired for the query workers")
                return False
            finally:
                self.heals += 1
            log.info("store repaired for the query workers in %.1f s", time.monotonic() - started)
            return True

    def _spawn(self, lane: bool = False) -> _Worker:
        """A fresh interpreter (not a fork of this threaded process), talking over a socket pair."""
        ours, theirs = socket.socketpair()
        mode = "check" if self.dump is None else "copy" if self.copy else "open"
        errors = tempfile.TemporaryFile()  # what it writes to stderr, read if it dies (no pipe to keep drained)
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", "from aichr_kg.execution import worker_entry; worker_entry()",
                 str(theirs.fileno()), str(self.dump or "-"), str(self.memory_limit_mb), mode,
                 str(self.answer_limit_mb)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stderr=errors)
        except BaseException:
            errors.close()
            raise
        finally:
            theirs.close()
        peek = socket.fromfd(ours.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
        return _Worker(process, Connection(ours.detach()), peek, errors, lane=lane)

    def _await_ready(self, worker: _Worker) -> None:
        answered = worker.conn.poll(self.start_timeout)
        if answered:
            try:
                status, isolated = worker.conn.recv()
            except (EOFError, OSError):
                status, isolated = "dead", False
            if status == "ready":
                worker.isolated = bool(isolated)
                return
            if status == "store":
                self._kill(worker)
                raise StoreUnopenable(isolated)
        self._kill(worker)
        words = " ".join(worker.last_words(600).split())
        why = (f"exit code {worker.process.returncode}" if answered else
               f"not ready within {self.start_timeout:g} s; AICHR_KG_WORKER_START_TIMEOUT allows more")
        raise RuntimeError(f"a query worker did not start ({why})" + (f": {words}" if words else ""))

    @staticmethod
    def _kill(worker: _Worker) -> None:
        if worker.alive():
            worker.process.kill()
        try:
            worker.process.wait(5)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not stop", worker.process.pid)
        worker.conn.close()
        worker.peek.close()
        if worker.errors is not None:
            worker.errors.close()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` now and put a started spare in its place (if one is ready), so that a stopped query
        costs the pool no capacity; start a fresh process in the background, as the next spare or in the slot."""
        if worker.alive():
            worker.process.kill()
        self.restarts += 1
        with self._cond:
            spare = None
            while self._spares and spare is None:
                candidate = self._spares.pop()
                if candidate.alive():
                    spare = candidate
                else:
                    self._kill(candidate)
                    self._missing.append(None)  # a spare of its own is owed too
            if spare is None:
                self._missing.append(worker.lane)
            else:
                spare.lane = worker.lane
        if spare is not None:
            self._give_back(spare)
        self._start_in_background(worker)

    def _start_in_background(self, replacing: _Worker | None = None) -> None:
        """Start a process for what ``_missing`` owes (a slot or a spare), on a thread of its own, trying again
        until it is ready or the pool closes; ``replacing``: the stopped worker it follows, cleaned up first."""

        def restart() -> None:
            if replacing is not None:
                self._kill(replacing)
            failures = 0
            while not self._closed:
                seen = self.heals
                try:
                    if self.heal is not None and self.dump is not None and not self.dump.exists():
                        raise StoreUnopenable("its files are gone")  # no need to start a worker to find that out
                    fresh = self._spawner.submit(self._spawn).result()
                    self._await_ready(fresh)
                except Exception as exc:  # noqa: BLE001 - keep trying; the pool runs one short meanwhile
                    failures += 1
                    healed = isinstance(exc, StoreUnopenable) and self._heal_store(seen, exc)
                    if not healed:
                        log.warning("query worker restart failed (attempt %d): %s", failures, exc)
                    if not (healed and failures == 1):  # right after a repair: at once; else a growing pause
                        self._pause(min(30.0, 0.5 * 2 ** (failures - 1)))
                    continue
                if replacing is not None:
                    log.info("query worker %s replaced by %s in %.2f s", replacing.process.pid, fresh.process.pid,
                             time.monotonic() - began)
                self._arrive(fresh)
                return

        began = time.monotonic()
        thread = threading.Thread(target=restart, name="aichr-kg-query-restart", daemon=True)
        with self._cond:
            self._restarting = [t for t in self._restarting if t.is_alive()] + [thread]
        thread.start()

    def _pause(self, seconds: float) -> None:
        """Sleep, but wake when the pool closes."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed, seconds)

    def _arrive(self, fresh: _Worker) -> None:
        """A freshly started worker fills a slot left empty (no spare was ready) or becomes a spare."""
        with self._cond:
            slots = [lane for lane in self._missing if lane is not None]
            if slots:
                self._missing.remove(slots[0])
                fresh.lane = slots[0]
            else:
                if None in self._missing:
                    self._missing.remove(None)
                self._spares.append(fresh)
                return
        self._give_back(fresh)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle + self._spares, []
            self._spares = []
            self._cond.notify_all()
        for worker in idle:
            self._kill(worker)
        for thread in self._restarting:  # a worker being started still reads the dump
            thread.join(30)
        self._spawner.shutdown(wait=True)
        if self._owns_dump_dir and self.dump is not None:
            shutil.rmtree(self.dump.parent, ignore_errors=True)

    def settled(self) -> bool:
        """No worker is being started (every slot and spare is filled): for tests that time a query."""
        with self._cond:
            return not self._missing and not any(t.is_alive() for t in self._restarting)

    def live_workers(self) -> int:
        """Workers in service (idle or busy) whose process is alive (for /ready)."""
        with self._cond:
            busy_or_idle = self.size - len([lane for lane in self._missing if lane is not None])
            dead_idle = sum(not w.alive() for w in self._idle)
        return max(0, busy_or_idle - dead_idle)

    def lane_pids(self) -> list[int]:
        """Process ids of the idle lane workers (for tests)."""
        with self._cond:
            return [w.process.pid for w in self._idle if w.lane]

    def waiting_pids(self) -> list[int]:
        """Process ids of every worker not running a job: the idle ones and the started spares (for tests)."""
        with self._cond:
            return [w.process.pid for w in self._idle + self._spares]

    def idle_pids(self) -> list[int]:
        """Process ids of the workers waiting for a job (for diagnostics and tests)."""
        with self._cond:
            return [w.process.pid for w in self._idle]

    # -- running --
    # Waiting requests queue in arrival order (``_waiters``); a freed worker goes to the oldest waiter it may serve,
    # so a newcomer never overtakes a request that has waited longer. The ``lane`` workers serve only texts that
    # have not been slow before, and a text may run on them for at most ``lane_limit`` seconds: past that its worker
    # is replaced, the text remembered as slow and the job queued again for the other workers, with the rest of its
    # deadline. So while runaway queries hold every other worker, cheap queries still find a worker at once.
    def _acquire(self, job: QueryJob) -> "tuple[_Worker | None, _Waiter | None]":
        """An idle worker for ``job`` now, or a place in the queue (under the lock)."""
        slow = self._is_slow(job.query)
        with self._cond:
            if self._closed:
                raise WorkerFailed("the query service is shutting down")
            worker = self._pick_idle(slow)
            if worker is not None:
                return worker, None
            waiter = _Waiter(job.query)
            self._waiters.append(waiter)
            return None, waiter

    def _pick_idle(self, slow: bool) -> "_Worker | None":
        """An idle worker that may run a job, the others before the lane's (slow: never the lane's); dead ones are
        dropped and replaced."""
        while True:
            usable = [w for w in sorted(self._idle, key=lambda w: w.lane) if not (slow and w.lane)]
            if not usable:
                return None
            worker = usable[0]
            self._idle.remove(worker)
            if worker.alive() and not worker.conn.poll(0):  # an idle worker that can be read from has hung up
                return worker
            log.warning("query worker %s died while idle (%s); replacing it", worker.process.pid,
                        _how_it_ended(worker.process.poll()))
            self._replace(worker)  # a spare, if one is ready, joins the idle list at once: look again

    def _is_slow(self, query: str) -> bool:
        return query in self._slow

    def _remember_slow(self, query: str) -> None:
        with self._cond:
            self._slow[query] = None
            self._slow.move_to_end(query)
            while len(self._slow) > 10_000:
                self._slow.popitem(last=False)

    def _give_back(self, worker: _Worker) -> None:
        with self._cond:
            if self._closed:
                self._kill(worker)
                return
            for waiter in self._waiters:
                if not (worker.lane and self._is_slow(waiter.query)):  # as known now, not when it queued
                    self._waiters.remove(waiter)
                    waiter.deliver(worker, self)
                    return
            self._idle.append(worker)

    def _withdraw(self, waiter: "_Waiter") -> None:
        with self._cond:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _queue_timeout(self) -> QueueTimeout:
        return QueueTimeout(f"no query worker became free within {self.queue_timeout:g} s (all {self.size} are busy); "
                            f"try again in {self.admission.retry_after} s", self.admission.retry_after)

    def run(self, job: QueryJob, client: str | None = None) -> Serialized:
        deadline, retried = None, False
        with self.admission(client):
            kept = self._kept(job)
            if kept is not None:
                return kept
            while True:
                worker, waiter = self._acquire(job)
                if worker is None:
                    worker = waiter.wait_sync(self.queue_timeout)
                    if worker is None:
                        self._withdraw(waiter)
                        if waiter.worker is not None:  # handed over just as the wait ended
                            worker = waiter.worker
                        else:
                            raise self._queue_timeout()
                started, deadline, limit = self._times(worker, deadline)
                try:
                    worker.conn.send(job)
                    answered = worker.conn.poll(max(0.0, limit - time.monotonic()))
                    if answered:
                        status, payload = worker.conn.recv()
                except (EOFError, OSError):
                    error, retried = self._lost(worker, started, retried)
                    if error is not None:
                        raise error from None
                    continue
                if answered:
                    return self._answered(worker, job, started, status, payload)
                self._overran(worker, job, limit < deadline)  # raises, unless it overran the fast lane only

    async def run_async(self, job: QueryJob, client: str | None = None) -> Serialized:
        """As ``run``, but the event loop itself waits on the worker's socket (no thread per query); cancelled
        (its client went away), the worker running it is replaced at once."""
        loop = asyncio.get_running_loop()
        deadline, retried = None, False
        with self.admission(client):
            kept = self._kept(job)
            if kept is not None:
                return kept
            while True:
                worker, waiter = self._acquire(job)
                if worker is None:
                    worker = await waiter.wait_async(loop, self.queue_timeout, self)
                    if worker is None:
                        raise self._queue_timeout()
                started, deadline, limit = self._times(worker, deadline)
                try:
                    worker.conn.send(job)
                    answered = await self._readable(loop, worker, limit)
                    if answered and worker.pending_size() > 2**20:  # a big answer is read off the loop
                        status, payload = await loop.run_in_executor(None, worker.conn.recv)
                    elif answered:
                        status, payload = worker.conn.recv()
                except (EOFError, OSError):
                    error, retried = self._lost(worker, started, retried)
                    if error is not None:
                        raise error from None
                    continue
                except BaseException:  # cancelled mid-query: the worker's state is unknown, start afresh
                    self._replace(worker)
                    raise
                if answered:
                    return self._answered(worker, job, started, status, payload)
                self._overran(worker, job, limit < deadline)  # raises, unless it overran the fast lane only

    def _times(self, worker: _Worker, deadline: float | None) -> tuple[float, float, float]:
        """Now, the job's deadline (from its first worker on) and when to stop waiting on this worker."""
        started = time.monotonic()
        deadline = deadline or started + self.timeout
        return started, deadline, min(deadline, started + self.lane_limit) if worker.lane else deadline

    def _answered(self, worker: _Worker, job: QueryJob, started: float, status: str, payload):
        if time.monotonic() - started > self.lane_limit:
            self._remember_slow(job.query)
        answer = self._settle(worker, status, payload)
        if self.answers is not None and status == "ok":
            self.answers.put(("query", job), answer, len(answer.body))
        return answer

    def kept(self, job: QueryJob, client: str | None = None) -> Serialized | None:
        if self.answers is None:
            return None
        with self.admission(client):
            return self._kept(job)

    def _kept(self, job: QueryJob) -> Serialized | None:
        """The answer to the same job, if one is kept: it still counts against the limits on queries at once
        (admitted before this is asked), so that a busy endpoint answers the same whether or not it is kept."""
        return None if self.answers is None else self.answers.get(("query", job))

    def _overran(self, worker: _Worker, job: QueryJob, lane_only: bool) -> None:
        """A job that overran: its worker is replaced; past its deadline it raises, past the lane's it queues again."""
        self._remember_slow(job.query)  # first: the worker's replacement must not be handed the same text
        self._replace(worker)
        if not lane_only:
            raise self._timeout()

    @staticmethod
    async def _readable(loop: asyncio.AbstractEventLoop, worker: _Worker, deadline: float) -> bool:
        if worker.conn.poll(0):
            return True
        ready = loop.create_future()
        fd = worker.conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
        try:
            await asyncio.wait_for(ready, max(0.0, deadline - time.monotonic()))
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            loop.remove_reader(fd)
            os.set_blocking(fd, True)  # uvloop (libuv) makes a watched descriptor non-blocking; recv needs it whole

    def _settle(self, worker: _Worker, status: str, payload) -> Serialized | Checked:
        if status == "memory":
            self._replace(worker)
            raise self._too_big()
        self._give_back(worker)
        if status in ("ok", "checked"):
            return payload
        if status == "answer":
            raise AnswerTooLarge.over(payload)
        if status == "format":
            raise NotAcceptable(_not_acceptable(payload))
        raise {"syntax": QuerySyntaxError, "refused": QueryRefused, "error": QueryEvaluationError}[status](payload)

    def _timeout(self) -> QueryTimeout:
        return QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped; narrow it "
                            "down (a LIMIT, more specific patterns, no cross products)")

    def _too_big(self) -> QueryTooBig:
        return QueryTooBig(f"the query needed more than {self.memory_limit_mb} MB of memory and was stopped; "
                           "narrow it down (a LIMIT, more specific patterns, no cross products)")

    def _lost(self, worker: _Worker, sent: float, retried: bool) -> tuple[QueryError | None, bool]:
        """A worker that ended while it had a job is replaced; the job is tried once more on another worker (error
        None) if it had been killed from outside before it could have done much with it (a worker killed while idle,
        found dead only as the job reached it), else the error says how it ended."""
        error, external = self._death(worker)
        self._replace(worker)
        if external and not retried and time.monotonic() - sent < RETRY_WINDOW:
            log.warning("query worker %s was found dead as a job reached it; the job goes to another worker",
                        worker.process.pid)
            return None, True
        return error, retried

    def _death(self, worker: _Worker) -> tuple[QueryError, bool]:
        """What a worker's end (while it ran a job) means: the memory ceiling only when the engine said so as it
        aborted (an allocation refused under RLIMIT_AS); otherwise the signal or exit code, named."""
        try:
            code = worker.process.wait(2)
        except subprocess.TimeoutExpired:
            code = None
        words = worker.last_words()
        if code == -signal.SIGABRT and _ALLOCATION_FAILED.search(words):
            return self._too_big(), False
        ended = _how_it_ended(code)
        log.warning("query worker %s %s%s", worker.process.pid, ended,
                    f"; it wrote: {' '.join(words.split())[-300:]}" if words.strip() else "")
        external = code is not None and -code in (signal.SIGKILL, signal.SIGTERM)
        return WorkerFailed(f"the process running the query {ended}; try again"), external


RETRY_WINDOW = 0.25  # seconds after its job was sent within which a worker killed from outside was likely idle
_ALLOCATION_FAILED = re.compile(r"memory allocation of \d+ bytes failed")  # Rust's message before it aborts


def _how_it_ended(code: int | None) -> str:
    """What a worker's exit code says happened, in words."""
    if code is None:
        return "stopped answering"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else "unknown"
        cause = {signal.SIGKILL: " (from outside: by an operator, or by the system's out-of-memory killer)",
                 signal.SIGTERM: " (from outside: asked to stop)", signal.SIGSEGV: " (it crashed)",
                 signal.SIGABRT: " (it aborted)"}.get(-code, "")
        return f"was killed by signal {-code}, {name}{cause}"
    return f"stopped unexpectedly (exit code {code})"


class _Waiter:
    """A request queued for a worker; ``deliver`` hands it one (called under the pool's lock)."""

    def __init__(self, query: str):
        self.query = query
        self.worker: _Worker | None = None
        self._event = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._future: asyncio.Future | None = None

    def deliver(self, worker: _Worker, pool: "WorkerPool") -> None:
        self.worker = worker
        self._event.set()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake, pool)

    def _wake(self, pool: "WorkerPool") -> None:
        if self._future.done():  # the waiter gave up (deadline, cancelled) as the worker came: pass it on
            pool._give_back(self.worker)
        else:
            self._future.set_result(self.worker)

    def wait_sync(self, timeout: float) -> "_Worker | None":
        self._event.wait(timeout)
        return self.worker

    async def wait_async(self, loop, timeout: float, pool: "WorkerPool") -> "_Worker | None":
        with pool._cond:
            if self.worker is not None:
                return self.worker
            self._loop, self._future = loop, loop.create_future()
        try:
            return await asyncio.wait_for(asyncio.shield(self._future), timeout)
        except (asyncio.TimeoutError, asyncio.CancelledError) as exc:
            with pool._cond:
                if self in pool._waiters:
                    pool._waiters.remove(self)
                # Not handed a worker yet (or its hand-over still pending, which then passes it on): give up.
                if self._future.cancel():
                    if isinstance(exc, asyncio.TimeoutError):
                        return None
                    raise
            worker = self._future.result()  # handed over just as the wait ended
            if isinstance(exc, asyncio.TimeoutError):
                return worker
            pool._give_back(worker)
            raise


def open_runner(settings, store, answers: AnswerCache | None = None) -> Runner:
    """The runner for ``settings``: a worker pool over a dump of the embedded store, or the remote store itself;
    ``answers``: where the embedded pool keeps answers (none are kept in front of a remote store)."""
    limits = {"size": settings.query_workers, "timeout": settings.query_timeout,
              "memory_limit_mb": settings.query_memory_limit, "max_concurrent": settings.max_concurrent_queries,
              "answer_limit_mb": settings.max_answer_size, "allow_network": settings.allow_worker_network,
              "queue_timeout": settings.queue_timeout, "lane_workers": settings.fast_lane_workers,
              "lane_limit": settings.fast_lane_limit, "max_per_client": settings.max_queries_per_client,
              "spares": settings.spare_query_workers, "start_timeout": settings.worker_start_timeout}
    if not isinstance(store, EmbeddedStore):  # the remote server runs the queries; workers check their texts
        return DirectRunner(store, WorkerPool(None, **limits), settings.max_concurrent_queries, settings.query_timeout,
                            answers if settings.remote_read_only else None)
    if store.path is not None:  # built on disk: every worker opens the same folder read-only (or copies a small one)
        return WorkerPool(store.path, copy=store.copied, heal=lambda: _rebuilt_store(settings, store), answers=answers,
                          **limits)
    folder = Path(tempfile.mkdtemp(prefix="aichr-kg-"))
    dump = folder / "graph.nq"
    _dump(store, dump)
    try:
        return WorkerPool(dump, owns_dump_dir=True, heal=lambda: _dump(store, dump), answers=answers, **limits)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _rebuilt_store(settings, store: EmbeddedStore) -> Path:
    """The store folder for new workers once one could not open ``store.path``: built again if damaged or gone.
    The service reads its own copy on, or, if it read from disk, the folder it now names (files it had open
    could have been overwritten)."""
    from aichr_kg.diskstore import repair
    from aichr_kg.sources import extra_files

    path = repair(settings, extra_files(settings), store.path)
    if not store.copied:
        store.reopen(path)
    return path


def _dump(store: EmbeddedStore, dump: Path) -> Path:
    """The in-memory store as the N-Quads file workers load (written again if it was deleted under the service)."""
    dump.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(dump.parent, 0o700)
    partial = dump.with_suffix(".partial")
    store.oxi.dump(str(partial), format=ox.RdfFormat.N_QUADS)
    partial.replace(dump)  # a worker starting meanwhile reads the whole file or none
    return dump
