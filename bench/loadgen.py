"""HTTP load on 127.0.0.1 only, bounded in requests and in time: wrk when installed, else an asyncio client.

    python bench/loadgen.py --url 'http://127.0.0.1:8000/sparql?query=...' --accept application/sparql-results+json \
        --concurrency 16 --seconds 15 --max-requests 200000

prints one JSON object: requests, requests_per_s (all answers), ok_per_s (2xx answers only: the figure
compared), p50_ms, p99_ms (over all answers), errors (non-2xx and socket errors), tool.
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
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# Stops each wrk thread after its share of --max-requests (wrk itself is bounded by -d).
WRK_LUA = """
local count, limit = 0, %d
function response(status, headers, body)
  count = count + 1
  if count >= limit then wrk.thread:stop() end
end
"""


def check_target(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {host}: the benchmark targets 127.0.0.1 only")


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url: str, accept: str, concurrency: int, seconds: float, max_requests: int) -> dict:
    threads = min(2, concurrency)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA % max(1, max_requests // threads))
    cmd = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(seconds))}s", "--latency",
           "--timeout", "30s", "-s", script.name, "-H", f"Accept: {accept}", url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    text = proc.stdout
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    duration = re.search(r"requests in ([\d.]+\w+),", text).group(1)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)\s*$", text, re.M))  # wrk pads "1.14s "
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in sock.groups()) if sock else 0)
    elapsed = _ms(duration) / 1000
    return {"tool": "wrk", "requests": requests, "seconds": round(elapsed, 2), "requests_per_s": round(rps, 1),
            "ok_per_s": round(max(0, requests - errors) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(_ms(pct["50"]), 3) if "50" in pct else None, "p99_ms": round(_ms(pct["99"]), 3) if "99" in pct else None,
            "errors": errors}


async def _worker(host: str, port: int, request: bytes, stop_at: float, budget: list[int], latencies: list[float], errors: list[int]):
    reader = writer = None
    try:
        while budget[0] > 0 and time.perf_counter() < stop_at:
            budget[0] -= 1
            if writer is None:  # (re)connect: a server may close after any answer
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            try:
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
                        size = int((await reader.readline()).strip(), 16)
                        await reader.readexactly(size + 2)
                        if size == 0:
                            break
                else:  # body delimited by the end of the connection
                    await reader.read()
                    headers["connection"] = "close"
            except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                errors[1] += 1  # socket error: no answer
                writer.close()
                writer = None
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if not status_line.split(b" ")[1].startswith(b"2"):
                errors[0] += 1
            if headers.get("connection", "").lower() == "close" or status_line.startswith(b"HTTP/1.0"):
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


async def _run_async(url: str, accept: str, concurrency: int, seconds: float, max_requests: int) -> dict:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (f"GET {target} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nAccept: {accept}\r\n"
               f"Connection: keep-alive\r\n\r\n").encode()
    latencies: list[float] = []
    errors = [0, 0]  # non-2xx answers, socket errors
    started = time.perf_counter()
    budget = [max_requests]
    results = await asyncio.gather(*(_worker(parts.hostname, parts.port, request, started + seconds, budget, latencies, errors)
                                     for _ in range(concurrency)), return_exceptions=True)
    errors[1] += sum(isinstance(r, Exception) for r in results)
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [float("nan")]
    return {"tool": "asyncio", "requests": len(latencies), "seconds": round(elapsed, 2),
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "ok_per_s": round(max(0, len(latencies) - errors[0]) / elapsed, 1), "p50_ms": round(ordered[len(ordered) // 2], 3),
            "p99_ms": round(ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)], 3), "errors": errors[0] + errors[1]}


def load(url: str, accept: str, concurrency: int, seconds: float, max_requests: int, tool: str = "auto") -> dict:
    check_target(url)
    for attempt in (seconds, seconds * 4):  # a cell so short that no answer came back in it is run once more, longer
        if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
            figures = run_wrk(url, accept, concurrency, attempt, max_requests)
        else:
            figures = asyncio.run(_run_async(url, accept, concurrency, attempt, max_requests))
        if figures["requests"] > 0:
            break
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--accept", default="*/*")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--tool", choices=["auto", "wrk", "asyncio"], default="auto")
    args = parser.parse_args(argv)
    print(json.dumps(load(args.url, args.accept, args.concurrency, args.seconds, args.max_requests, args.tool)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
