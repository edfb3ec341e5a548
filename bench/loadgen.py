"""HTTP load on 127.0.0.1 only, bounded in requests and in time: wrk when installed, else an asyncio client.

    python bench/loadgen.py --url 'http://127.0.0.1:8000/sparql?query=...' --accept application/sparql-results+json \
        --concurrency 16 --seconds 15 --max-requests 200000

prints one JSON object: requests, requests_per_s (all answers), ok_per_s (2xx answers only: the figure
compared), p50_ms, p99_ms (over all answers), errors (non-2xx and socket errors), non2xx (count by
status), socket_errors and timeouts (no answer within 30 s), tool. ``--url`` repeated makes a mix: each
connection sends them in turn (the load cell of `make bench`).
It runs as its own process, so the load generator never shares an interpreter with a server under test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# The requests, taken in turn by each connection; every status counted; each wrk thread stopped after its
# share of --max-requests (wrk itself is bounded by -d). `done` prints the statuses summed over threads.
WRK_LUA = """
local requests = { %s }
local formatted, sent, answered, limit = {}, 0, 0, %d
local threads = {}
statuses = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  for i, r in ipairs(requests) do formatted[i] = wrk.format("GET", r[1], { ["Accept"] = r[2] }) end
end
function request()
  sent = sent + 1
  return formatted[(sent - 1) %% #formatted + 1]
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  answered = answered + 1
  if answered >= limit then wrk.thread:stop() end
end
function done(summary, latency, reqs)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  io.write("STATUSES")
  for code, n in pairs(total) do io.write(string.format(" %%d=%%d", code, n)) end
  io.write("\\n")
end
"""


def check_target(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {host}: the benchmark targets 127.0.0.1 only")


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(requests: list[tuple[str, str]], concurrency: int, seconds: float, max_requests: int) -> dict:
    threads = min(2, concurrency)
    first = urlsplit(requests[0][0])
    targets = ", ".join("{%s, %s}" % (json.dumps(_target(url)), json.dumps(accept)) for url, accept in requests)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA % (targets, max(1, max_requests // threads)))
    cmd = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(seconds))}s", "--latency",
           "--timeout", "30s", "-s", script.name, f"{first.scheme}://{first.netloc}/"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    Path(script.name).unlink()
    text = proc.stdout
    requests_done = int(re.search(r"(\d+) requests in", text).group(1))
    duration = re.search(r"requests in ([\d.]+\w+),", text).group(1)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)\s*$", text, re.M))  # wrk pads "1.14s "
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()))) if sock else {}
    line = re.search(r"^STATUSES(.*)$", text, re.M)
    statuses = {code: int(n) for code, n in (part.split("=") for part in line.group(1).split())} if line else {}
    elapsed = _ms(duration) / 1000
    return summary("wrk", requests_done, elapsed, statuses, socket_errors,
                   _ms(pct["50"]) if "50" in pct else None, _ms(pct["99"]) if "99" in pct else None, rps)


def _target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def summary(tool: str, answered: int, elapsed: float, statuses: dict, socket_errors: dict, p50, p99, rps=None) -> dict:
    """The figures of one load: 2xx answers per second (compared), p50/p99, every non-2xx by status, socket errors."""
    ok = sum(n for code, n in statuses.items() if str(code).startswith("2"))
    non2xx = {str(code): n for code, n in sorted(statuses.items()) if not str(code).startswith("2")}
    errors = sum(non2xx.values()) + sum(socket_errors.values())
    return {"tool": tool, "requests": answered, "seconds": round(elapsed, 2),
            "requests_per_s": round(rps if rps is not None else answered / elapsed, 1) if elapsed else 0.0,
            "ok_per_s": round(ok / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(p50, 3) if p50 is not None else None, "p99_ms": round(p99, 3) if p99 is not None else None,
            "errors": errors, "non2xx": non2xx, "socket_errors": {k: v for k, v in socket_errors.items() if v},
            "timeouts": socket_errors.get("timeout", 0)}


async def _worker(host: str, port: int, requests: list[bytes], stop_at: float, budget: list[int], latencies: list[float],
                  statuses: dict, socket_errors: dict, timeout: float):
    reader = writer = None
    turn = 0
    try:
        while budget[0] > 0 and time.perf_counter() < stop_at:
            budget[0] -= 1
            request = requests[turn % len(requests)]
            turn += 1
            if writer is None:  # (re)connect: a server may close after any answer
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            try:
                status_line, headers = await asyncio.wait_for(_exchange(reader, writer, request), timeout)
            except (ConnectionError, asyncio.IncompleteReadError, ValueError, asyncio.TimeoutError) as exc:
                kind = "timeout" if isinstance(exc, asyncio.TimeoutError) else "read"
                socket_errors[kind] = socket_errors.get(kind, 0) + 1  # no answer
                writer.close()
                writer = None
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            code = int(status_line.split(b" ")[1])
            statuses[code] = statuses.get(code, 0) + 1
            if headers.get("connection", "").lower() == "close" or status_line.startswith(b"HTTP/1.0"):
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


async def _exchange(reader, writer, request: bytes) -> tuple[bytes, dict]:
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed before answering")
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        key, _, value = line.decode("latin-1").partition(":")
        headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0].strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:  # body delimited by the end of the connection
        await reader.read()
        headers["connection"] = "close"
    return status_line, headers


async def _run_async(requests: list[tuple[str, str]], concurrency: int, seconds: float, max_requests: int) -> dict:
    parts = urlsplit(requests[0][0])
    raw = [(f"GET {_target(url)} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nAccept: {accept}\r\n"
            f"Connection: keep-alive\r\n\r\n").encode() for url, accept in requests]
    latencies: list[float] = []
    statuses: dict = {}
    socket_errors: dict = {}
    started = time.perf_counter()
    budget = [max_requests]
    results = await asyncio.gather(*(_worker(parts.hostname, parts.port, raw[i % len(raw):] + raw[:i % len(raw)], started + seconds,
                                             budget, latencies, statuses, socket_errors, 30.0)
                                     for i in range(concurrency)), return_exceptions=True)
    failed = sum(isinstance(r, Exception) for r in results)
    if failed:
        socket_errors["connect"] = socket_errors.get("connect", 0) + failed
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] if ordered else None
    p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] if ordered else None
    return summary("asyncio", len(latencies), elapsed, statuses, socket_errors, p50, p99)


def load(requests: list[tuple[str, str]], concurrency: int, seconds: float, max_requests: int, tool: str = "auto",
         warmup: float = 0.0) -> dict:
    """Load 127.0.0.1 with these (url, Accept) requests in turn: ``warmup`` seconds not counted, then the cell."""
    for url, _ in requests:
        check_target(url)
    use_wrk = tool == "wrk" or (tool == "auto" and shutil.which("wrk"))

    def once(duration: float) -> dict:
        if use_wrk:
            return run_wrk(requests, concurrency, duration, max_requests)
        return asyncio.run(_run_async(requests, concurrency, duration, max_requests))

    if warmup > 0:
        once(warmup)
    for attempt in (seconds, seconds * 4):  # a cell so short that no answer came back in it is run once more, longer
        figures = once(attempt)
        if figures["requests"] > 0:
            break
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", required=True, help="repeat for a mix: each connection takes them in turn")
    parser.add_argument("--accept", action="append", help="the Accept header of each --url (default */*)")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=0, help="seconds of the same load first, not counted")
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--tool", choices=["auto", "wrk", "asyncio"], default="auto")
    args = parser.parse_args(argv)
    accepts = (args.accept or []) + ["*/*"] * (len(args.url) - len(args.accept or []))
    print(json.dumps(load(list(zip(args.url, accepts)), args.concurrency, args.seconds, args.max_requests, args.tool, args.warmup)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
