"""Where the service spends a cell's time: py-spy over every process of `aichr-kg serve` while the cell's load runs.

    .venv/bin/pip install py-spy         # on PyPI; not a dependency of the project
    python bench/profile.py --scale 1e5 --cell label --concurrency 1 --seconds 10
    python bench/profile.py --scale 1e6 --cell entity-html --concurrency 16 --remote

Uses the project `make bench` generated and built under --workdir (run it, or one scale of it, first),
starts the service on the same storage as the bench does (or in front of a fresh ``oxigraph serve``
with ``--remote``), runs the cell's load with bench/loadgen.py and py-spy at once, and prints the
shares of on-CPU samples: by function (inclusive, the first 25) and by the function the sample was in
(own time). The raw stacks stay in the workdir (``profile-CELL-cC.txt``) for a flame graph.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cells  # noqa: E402
import engines  # noqa: E402
import run  # noqa: E402
from loadgen import load  # noqa: E402


# Frames a waiting thread is sampled in: the event loop in its selector, a query worker reading its next job.
IDLE_LEAVES = {"Runner.run (runners.py)", "BaseEventLoop.run_forever (base_events.py)", "select (selectors.py)",
               "BaseEventLoop._run_once (base_events.py)", "Condition.wait (threading.py)", "Event.wait (threading.py)"}


def _frame(text: str) -> str:
    """'function (path/file.py:12)' -> 'function (file.py)'."""
    if " (" not in text:
        return text.strip()
    name, _, where = text.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1].rstrip(')')})"


def idle(frames: list[str]) -> bool:
    if frames[-1] in IDLE_LEAVES:
        return True
    waiting_worker = any(f.startswith("worker_entry") for f in frames) and "_recv" in frames[-1] \
        and not any("Pool" in f for f in frames)
    return waiting_worker


def ours(frame: str) -> bool:
    where = frame.rpartition(" (")[2]
    return any(where.startswith(p) or f"/{p}" in where for p in ("aichr_kg/", "aichr_kg_api/"))


def shares(raw: Path, top: int = 25) -> str:
    """Shares of the on-CPU samples (idle ones left out): inclusive for the project's own functions (where a
    request's time goes, by the code that spends it), and own time for any function."""
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = waiting = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        raw_frames = [f for f in stack.split(";") if not f.startswith("process ") and not f.startswith(" worker_entry")]
        frames = [_frame(f) for f in raw_frames]
        if not frames or idle(frames):
            waiting += n
            continue
        total += n
        for frame in {_frame(f) for f in raw_frames if ours(f)}:
            inclusive[frame] += n
        own[frames[-1]] += n
    lines = [f"{total} on-CPU samples ({waiting} idle ones left out)"]
    for title, counter in (("the project's functions, inclusive", inclusive), ("any function, own time", own)):
        lines.append(f"\n{title}:")
        lines += [f"{100 * n / max(total, 1):5.1f} %  {frame}" for frame, n in counter.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1e5", choices=[s for s in run.SCALES if s != "curated"])
    parser.add_argument("--cell", default="label", choices=cells.CELLS)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--remote", action="store_true", help="the service in front of oxigraph serve")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp") / "aichr-kg-bench")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    work = args.workdir / args.scale
    project, dump = work / "project", work / "dump.nq"
    if not dump.exists():
        raise SystemExit(f"{dump} is missing: run `make bench BENCH_SCALES={args.scale}` (or bench/run.py) first")
    storage = run.storage_for(args.scale, "auto")
    upstream = None
    try:
        if args.remote:
            upstream = engines.oxigraph(work, dump, storage, 600)
            server = engines.remote(project, work, upstream, args.workers, 600)
        else:
            server = engines.aichr_kg(project, work, storage, args.workers, 600)
        try:
            cell = cells.for_server("remote" if args.remote else "aichr-kg", server.base, server.endpoint, project)[args.cell]
            load([(cell.url, cell.accept)], args.concurrency, 2, 100_000)  # warm-up
            raw = work / f"profile-{args.cell}-c{args.concurrency}{'-remote' if args.remote else ''}.txt"
            figures: dict = {}
            loader = threading.Thread(target=lambda: figures.update(
                load([(cell.url, cell.accept)], args.concurrency, args.seconds + 1, 1_000_000)))
            loader.start()
            subprocess.run([spy, "record", "--pid", str(server.pid), "--subprocesses", "--nonblocking", "--rate", "100",
                            "--duration", str(int(args.seconds)), "--format", "raw", "--output", str(raw)],
                           check=True, capture_output=True, timeout=args.seconds + 60)
            loader.join()
        finally:
            server.stop()
    finally:
        if upstream is not None:
            upstream.stop()
    print(f"{args.cell} c{args.concurrency} at {args.scale}{' (remote)' if args.remote else ''}: "
          f"{figures.get('ok_per_s')} req/s, p50 {figures.get('p50_ms')} ms, p99 {figures.get('p99_ms')} ms (under py-spy)")
    print(shares(raw))
    print(f"\nraw stacks: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
