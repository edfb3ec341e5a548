"""One settings object for the library, the CLI and the service.

Values come from arguments or from ``AICHR_KG_*`` environment variables, read when a
``Settings`` is created (never at import), so tests build their own.
"""

import ipaddress
import os
import socket
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aichr_kg.namespaces import DEFAULT_BASE
from aichr_kg.resources import project_root

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000  # where `aichr-kg serve` listens unless told otherwise


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aichr-kg"


def listening_url(host: str, port: int, root_path: str = "") -> str:
    """The URL of a service listening on ``host:port`` under ``root_path``: what its absolute links name when
    ``public_url`` is unset. A wildcard address (0.0.0.0, ::) names the machine by its host name; an IPv6
    address is bracketed."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a name
    return f"http://{host}:{port}{root_path.rstrip('/')}/"


class StoreKind(str, Enum):
    embedded = "embedded"
    remote = "remote"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AICHR_KG_", extra="forbid")

    base: str = Field(DEFAULT_BASE, description="URI base of every entity, ontology term, shape and graph.")
    root: Path = Field(default_factory=project_root, description="Folder holding ontology/, data/, shapes/, queries/.")
    dist: Path = Field(Path("dist"), description="Where `build` writes the dumps.")
    store: StoreKind = StoreKind.embedded
    endpoint: str | None = Field(None, description="Query URL of a remote SPARQL 1.1 server (store=remote).")
    endpoint_passthrough: bool = Field(
        True, description="Pass the remote server's answers on as they come when it wrote the format asked (Oxigraph); "
                          "false: ask it for SPARQL JSON / N-Triples only and write every format here (Virtuoso).")
    update_endpoint: str | None = Field(None, description="Graph Store Protocol URL of the remote server, for `load`.")
    remote_read_only: bool = Field(
        False, description="The remote server holds this build as `aichr-kg load` wrote it and nothing else writes to "
                           "it: its answers are then kept as in front of the embedded store (AICHR_KG_ANSWER_CACHE_SIZE). "
                           "Restart the service after loading the server again.")
    union_graph: bool = Field(
        False, description="`load` writes the merge of the named graphs (each distinct triple once) into a named graph "
                           "of its own instead of the server's default graph; the service sends it as the default graph "
                           "of every query naming none: for a server whose default graph is always the union of its "
                           "graphs, repeating a triple once per graph holding it (Virtuoso).")
    query_timeout: float = Field(10.0, gt=0, le=600, description="Seconds a query may run before it is stopped.")
    max_query_length: int = Field(100_000, gt=0, description="Longest query text, in characters (longer: 413).")
    max_query_nesting: int = Field(
        128, gt=0, le=1000, description="Deepest nesting of brackets ({ ( [) in a query text, checked in linear time "
                                        "before it is parsed (deeper: 400).")
    max_answer_size: int = Field(100, gt=0, description="Largest answer to one query, in MB; a longer one is stopped "
                                 "as it is written and refused.")
    allow_worker_network: bool = Field(
        False, description="Start even where the kernel will not put query workers in an empty network namespace; "
                           "the query check alone then keeps queries from reaching other hosts.")
    max_html_rows: int = Field(1000, gt=0)
    page_size: int = Field(500, gt=0, le=10_000, description="Incoming links per page of an entity's document (every entity of the curated graph fits on one, so its page prints whole).")
    graph_page_size: int = Field(500, gt=0, le=100_000, description="Triples per HTML page of a named graph.")
    search_limit: int = Field(20, gt=0, description="Search results returned when the request names no limit.")
    max_search_limit: int = Field(100, gt=0, description="Most search results one request may ask for.")
    releases_dir: Path | None = Field(
        None, description="Folder of released dumps kept for citation, one sub-folder per data version "
                          "(VERSION/aichr-kg-VERSION.ttl, ...; `aichr-kg build --release` writes them), served at /download/VERSION/.")
    cache_dir: Path | None = Field(None, description="Where the download dumps are written; unset: a temporary folder.")
    public_url: str | None = Field(
        None, description="URL the service is reached at, root path included (https://example.org/kg/): the base of "
                          "every absolute link it writes (service description, VoID, sitemap, permalinks); unset: "
                          "`aichr-kg serve` derives it once, at start-up, from the address it listens on "
                          "(listening_url). Never taken from a request's Host header.")
    max_concurrent_queries: int = Field(32, gt=0, description="Queries running or waiting at once (each service process); "
                                        "more get 503 with Retry-After.")
    max_queries_per_client: int | None = Field(
        8, gt=0, description="Queries one client address may have running or waiting at once (more get 429 with "
                             "Retry-After); None: no such limit.")
    queue_timeout: float = Field(5.0, gt=0, le=600, description="Seconds a query may wait for a free worker (apart "
                                 "from query_timeout, which starts when it gets one); longer: 503 with Retry-After.")
    fast_lane_workers: int = Field(
        1, ge=0, description="Query workers kept for texts that have not been slow, so that cheap queries find a "
                             "worker while runaway ones hold the others (at most query_workers - 1).")
    fast_lane_limit: float = Field(
        0.5, gt=0, description="Seconds a query may run on a fast-lane worker; past that it is moved to the other "
                               "workers (with the rest of its deadline) and its text is remembered as slow.")
    worker_start_timeout: float = Field(
        60.0, gt=0, le=3600, description="Seconds a starting query worker may take to open the graph and say it is "
                                         "ready (a large graph copied into memory, a loaded machine) before it is "
                                         "counted as failed.")
    spare_query_workers: int = Field(
        1, ge=0, le=8, description="Worker processes kept started beside query_workers, each taking at once the place "
                                   "of one that was stopped (a runaway query, a dead worker) while its successor starts.")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Addresses of reverse proxies whose X-Forwarded-For / -Proto headers are "
                                          "believed (the client address the per-client limit counts); empty: none.")
    max_header_size: int = Field(65_536, ge=1024, le=1_048_576, description="Largest request line plus headers, in "
                                 "bytes; longer: 414 for a long request line (a GET's query: send it by POST), else 431.")
    keep_alive_timeout: float = Field(5.0, gt=0, description="Seconds an idle keep-alive connection stays open.")
    request_read_timeout: float = Field(
        10.0, gt=0, le=600, description="Seconds a client may take to send a whole request (line, headers, body) from "
                                        "its first byte; slower: 408 and the connection closed (slowloris).")
    max_connections: int = Field(
        512, gt=0, description="Connections open, or requests being answered, at once (each service process); a "
                               "request beyond: 503 with Retry-After. Keep it under the open-file limit.")
    query_workers: int = Field(3, gt=0, le=64, description="Worker processes running /sparql queries on the embedded store.")
    query_memory_limit: int = Field(1024, ge=128, description="Memory (MB of address space) a query may take on top of "
                                    "the graph its worker holds before it is stopped.")
    extra: list[Path] = Field(default_factory=list, description="Extra RDF files served beside the graph.")
    validation_cache: Path | None = Field(
        default_factory=lambda: _user_cache() / "validated",
        description="Folder remembering, by content hash, inputs that passed validation, so an unchanged graph is "
                    "not validated twice (build, then serve); None: validate every time.")
    store_cache: Path | None = Field(
        default_factory=lambda: _user_cache() / "stores",
        description="Folder keeping each built graph as an on-disk store, by content hash, which the service and its "
                    "query workers open read-only (one copy, ready at once); None: every process builds in memory.")
    memory_copy_limit: int = Field(
        300_000, ge=0, description="A built store on disk of up to this many quads is copied into each process's memory "
                                   "(queries run 2-5x faster; ~1 s per 10^5 quads to copy); a larger one is read from "
                                   "disk, one copy shared by every process.")
    extra_graph_base: str | None = Field(
        None, description="Named graph of a triples-only extra file: this IRI + the file name; unset: the file's file: URI.")
    root_path: str = Field("", description="Path prefix the service is reached under behind a reverse proxy "
                           "(/kg): every link, redirect, asset and API-doc URL carries it; empty: served at /.")
    cache_max_age: int = Field(3600, ge=0, description="Seconds HTTP caches may keep an answer (Cache-Control max-age); "
                               "answers carry an ETag of the build, so a client can ask again cheaply (304).")
    answer_cache_size: int = Field(
        64, ge=0, description="MB of answers each service process keeps (entity documents, canned questions, /sparql "
                              "GETs), exact because the built graph is read-only; 0: none. Not used in front of a "
                              "remote server, whose graph may change under the service.")
    compress_min_bytes: int = Field(1024, ge=0, description="Answers at least this long are sent compressed "
                                    "(brotli or gzip) to clients that accept it.")
    locale: str = Field("en", pattern=r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$",
                        description="Language of the pages' words (interface strings), as a catalogue names it: en, id, "
                                    "th, pt_BR...; English (the words as written) by default.")
    locale_dir: Path | None = Field(
        None, description="Folder of compiled catalogues (LOCALE/LC_MESSAGES/messages.mo) looked in before the "
                          "package's own api/aichr_kg_api/locale/.")
    content_security_policy: str = Field(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        description="Content-Security-Policy header sent with every HTML response.")

    @field_validator("base")
    @classmethod
    def _base_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not value.endswith("/"):
            raise ValueError("base must be an http(s) URI ending in '/'")
        return value

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        value = value.rstrip("/")
        if value and (not value.startswith("/") or any(c in value for c in "?#\"\' <>")):
            raise ValueError("root_path must be a path starting with '/' (like /kg), without ?, # or quotes")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
                or any(c in value for c in "\"'<>\\ {}|^`") or not value.isprintable():
            raise ValueError("public_url must be an http(s) URL without query, fragment, quotes or spaces "
                             "(https://example.org/kg/)")
        return value if value.endswith("/") else value + "/"

    @field_validator("endpoint", "update_endpoint")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def _remote_needs_endpoint(self) -> "Settings":
        if self.store is StoreKind.remote and not self.endpoint:
            raise ValueError("store=remote needs endpoint (the query URL of the SPARQL server)")
        return self

    @property
    def public(self) -> str:
        """The base of absolute links, ending in '/': ``public_url``, or the address `aichr-kg serve` listens on by
        default. Fixed for the life of the service, so no request can change what its links name."""
        return self.public_url or listening_url(DEFAULT_HOST, DEFAULT_PORT, self.root_path)

    def released_versions(self) -> list[str]:
        if self.releases_dir is None or not self.releases_dir.is_dir():
            return []
        return sorted(p.name for p in self.releases_dir.iterdir() if p.is_dir())

    def release_file(self, version: str, filename: str) -> Path | None:
        """A kept release's file, or None (never a path outside ``releases_dir``)."""
        if self.releases_dir is None or version not in self.released_versions() or "/" in filename or filename.startswith("."):
            return None
        path = self.releases_dir / version / filename
        return path if path.is_file() else None

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"
