"""What the server's own limits cost (``aichr_kg_api.server.LimitedHttp`` against uvicorn's plain httptools
protocol), side by side in one run: the same app served twice in one process, alternating rounds.

    .venv/bin/python bench/server_protocol.py            # about 30 s; figures on stdout

The figure is CPU time per request of the process (server and client threads together; a /sparql query's
worker is another process), which a loaded machine disturbs far less than requests per second do.
"""

import http.client
import statistics
import sys
import threading
import time
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from servers import free_port  # noqa: E402

from aichr_kg.settings import Settings  # noqa: E402
from aichr_kg_api.main import create_app  # noqa: E402
from aichr_kg_api.server import protocol_for  # noqa: E402

PATHS = ["/health", "/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D"]
ROUNDS, REQUESTS = 7, 200


def cpu_per_request(port: int, path: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    started = time.process_time()
    for _ in range(REQUESTS):
        connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
    connection.close()
    return (time.process_time() - started) / REQUESTS * 1e6


def main() -> None:
    settings = Settings(query_workers=1)
    app = create_app(settings)
    ports = {}
    for name, protocol in (("httptools", "httptools"), ("LimitedHttp", protocol_for(settings))):
        ports[name] = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=ports[name], log_level="warning",
                                lifespan="off" if len(ports) > 1 else "on", http=protocol)  # one app, started once
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
    print(f"{'path':40s} {'httptools':>12s} {'LimitedHttp':>12s}  ratio   (µs CPU per request, median of {ROUNDS})")
    for path in PATHS:
        figures = {name: [] for name in ports}
        for round_ in range(ROUNDS):
            for name in (list(ports) if round_ % 2 else list(ports)[::-1]):
                figures[name].append(cpu_per_request(ports[name], path))
        plain, limited = (statistics.median(figures[name]) for name in ports)
        print(f"{path:40s} {plain:12.0f} {limited:12.0f}  {limited / plain:.2f}")


if __name__ == "__main__":
    main()
