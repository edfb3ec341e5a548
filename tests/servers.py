"""Real servers for the tests: the service under uvicorn in a thread, and an Oxigraph server in a subprocess.

Both listen on a free loopback port and are stopped by whoever started them.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, if only with an error
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not come up within {timeout} s")


class ServiceThread:
    """An ASGI app served by uvicorn on 127.0.0.1 in a background thread (lifespan included), through the
    service's own HTTP protocol with the limits of ``settings`` (default: the defaults), as `aichr-kg serve` does."""

    def __init__(self, app, settings=None):
        from aichr_kg.settings import Settings
        from aichr_kg_api.server import protocol_for

        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on",
                                http=protocol_for(settings or Settings()))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{self.port}", daemon=True)

    def __enter__(self) -> "ServiceThread":
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(30)


class _ServerProcess:
    """A server in a subprocess (``self.process``), stopped by SIGTERM (then SIGKILL) and usable with ``with``."""

    process: subprocess.Popen | None = None
    stop_timeout = 10

    def start(self):
        raise NotImplementedError

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def children(pid: int) -> set[int]:
    """Process ids of the processes whose parent is ``pid`` (a service's query workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


CLI = str(Path(sys.executable).parent / "aichr-kg")


class ServeProcess(_ServerProcess):
    """``aichr-kg serve`` as a user starts it, in a subprocess on a free port, with its settings from ``env``
    (added to this environment without its AICHR_KG_* variables) and its output kept in ``log``."""

    stop_timeout = 30

    def __init__(self, folder: Path, *args: str, env: dict[str, str] | None = None):
        self.folder, self.args, self.port = folder, args, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("AICHR_KG_")}, **(env or {})}
        self.log = folder / f"serve-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> "ServeProcess":
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([CLI, "serve", "--port", str(self.port), *self.args], env=self.env,
                                            cwd=self.folder, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                        return self
                except OSError:
                    time.sleep(0.05)
            raise RuntimeError(f"aichr-kg serve did not come up: {self.output()[-2000:]}")
        except BaseException:
            self.stop()
            raise

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def workers(self) -> set[int]:
        return children(self.process.pid) if self.process is not None else set()


class OxigraphServer(_ServerProcess):
    """``oxigraph serve`` (the CLI from the ``oxigraph`` package) over a folder, stoppable and restartable."""

    def __init__(self, location: Path, timeout_s: int = 30):
        self.location, self.timeout_s = location, timeout_s
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url, self.store_url = f"{self.url}/query", f"{self.url}/store"
        self.process: subprocess.Popen | None = None

    def start(self) -> "OxigraphServer":
        binary = shutil.which("oxigraph") or str(Path(__import__("sys").executable).parent / "oxigraph")
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--timeout-s", str(self.timeout_s)],  # the default graph is the merge push writes (not a bag union)
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(f"{self.url}/query?query=ASK%7B%7D", timeout=30)
        return self



VIRTUOSO_DIR = Path(__file__).resolve().parent.parent / "deploy" / "virtuoso"


class VirtuosoServer(_ServerProcess):
    """Debian's ``virtuoso-t`` in the foreground over a new database in ``location``, on two free ports.

    The ini file is the project's ``deploy/virtuoso/virtuoso.ini`` with this folder and these ports filled
    in; ``deploy/virtuoso/setup.sql`` then hides Virtuoso's own graphs from the anonymous SPARQL user. The
    Graph Store Protocol (``store_url``) takes digest authentication as ``dba`` (the new database's default).
    """

    stop_timeout = 30  # it writes a checkpoint on the way out

    def __init__(self, location: Path):
        self.location = location
        self.port, self.sql_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url = f"{self.url}/sparql"
        self.store_url = f"http://dba:dba@127.0.0.1:{self.port}/sparql-graph-crud-auth"
        self.process: subprocess.Popen | None = None

    def start(self) -> "VirtuosoServer":
        ini = self.location / "virtuoso.ini"
        ini.write_text((VIRTUOSO_DIR / "virtuoso.ini").read_text().format(
            dir=self.location, sql_port=self.sql_port, http_port=self.port))
        self.process = subprocess.Popen(["virtuoso-t", "-c", str(ini), "+foreground"], cwd=self.location,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"{self.query_url}?query=ASK%7B%7D", timeout=120)
            done = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", str(VIRTUOSO_DIR / "setup.sql")],
                                  capture_output=True, text=True, timeout=60)
            if done.returncode or "*** Error" in done.stdout + done.stderr:  # isql reports SQL errors in its output
                raise RuntimeError(f"Virtuoso setup failed: {done.stdout[-500:]} {done.stderr[-500:]}")
        except BaseException:
            self.stop()
            raise
        return self


class NginxServer:
    """Debian's nginx (``make test`` installs it) as a reverse proxy on a free port, from a config in a temp
    folder: ``location PREFIX/`` passes to ``upstream`` with the prefix stripped, as a sub-path deployment does."""

    BINARY = Path("/usr/sbin/nginx")

    def __init__(self, folder: Path, upstream: str, prefix: str, port: int | None = None):
        self.folder, self.port = folder, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        temps = "\n".join(f"    {name}_temp_path {folder}/{name};" for name in ("client_body", "proxy", "fastcgi",
                                                                                  "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
{temps}
    server {{
        listen 127.0.0.1:{self.port};
        location {prefix}/ {{
            proxy_pass {upstream}/;
            proxy_set_header Host $http_host;
            proxy_redirect off;
        }}
    }}
}}
""")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "NginxServer":
        self.process = subprocess.Popen([str(self.BINARY), "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                                         "-e", str(self.folder / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until_up(self.url + "/", timeout=20)
        except TimeoutError:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # the master stops its worker
            self.process.wait(10)
        self.process = None


class Listener:
    """A TCP socket on a free loopback port that records every connection made to it (and answers none).

    Queries that try to make an engine call out name ``url``; a test then asserts ``connections`` is empty.
    """

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, name=f"listener-{self.port}", daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(4096) or b"(connected, sent nothing)")
                except OSError:
                    self.connections.append(b"(connected)")

    def __enter__(self) -> "Listener":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.thread.join(5)
        self.sock.close()


def no_namespace_library(folder: Path) -> Path:
    """A shared library whose ``unshare`` always fails with EPERM: loaded by LD_PRELOAD, a host that refuses
    network namespaces (the workers' ctypes call resolves to it)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError("a C compiler (cc) is needed to simulate a host without network namespaces")
    source, library = folder / "nonetns.c", folder / "nonetns.so"
    source.write_text("#include <errno.h>\nint unshare(int flags) { (void)flags; errno = EPERM; return -1; }\n")
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


class BreakingProxy:
    """A stand-in SPARQL server on a free port that relays every request to a real one (``upstream``) and, while
    ``breaking`` names a way, breaks each 200 answer halfway:

    - ``"error text"``: half the answer, then an error message, and the body ended normally (what ``oxigraph
      serve`` does when a query fails after its first solutions: the client sees a whole-looking 200);
    - ``"dropped"``: half the answer, then the connection closed short of the ``Content-Length`` it announced.
    """

    def __init__(self, upstream: str):
        import http.server

        proxy = self
        self.upstream, self.breaking = upstream.rstrip("/"), None
        self.broken = 0  # answers broken so far

        class Relay(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._relay(None)

            def do_POST(self):
                self._relay(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def do_PUT(self):
                self.do_POST()

            def _relay(self, body):
                forwarded = urllib.request.Request(
                    proxy.upstream + self.path, data=body, method=self.command,
                    headers={k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")})
                try:
                    with urllib.request.urlopen(forwarded, timeout=60) as answer:
                        status, kind, content = answer.status, answer.headers.get("Content-Type", ""), answer.read()
                except urllib.error.HTTPError as exc:
                    status, kind, content = exc.code, exc.headers.get("Content-Type", ""), exc.read()
                way = proxy.breaking if status == 200 and len(content) > 1 else None
                half = content[:len(content) // 2]
                sent = half + b"The SPARQL operation has been cancelled" if way == "error text" else content
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(sent)))
                self.end_headers()
                if way is None:
                    self.wfile.write(content)
                    return
                proxy.broken += 1
                self.wfile.write(half if way == "dropped" else sent)
                if way == "dropped":
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Relay)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url = f"{self.url}/query"
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"proxy-{self.port}", daemon=True)

    def __enter__(self) -> "BreakingProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
