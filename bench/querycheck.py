"""What the query check costs, before (the hand tokenizer of commit 2308a11, run in the service process) and after
(``querycheck.screen`` in the service process, ``querycheck.check`` in a worker), side by side in one run.

    .venv/bin/python bench/querycheck.py            # about 20 s; figures on stdout

Texts: the HTTP cells' queries (bench/queries/) and the canned queries (queries/*.rq). Also the issue's quadratic
text, and one round trip through a checking worker (an empty store: the check alone, plus the pipe).
"""

import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
OLD_COMMIT = "2308a11"

from aichr_kg import querycheck  # noqa: E402
from aichr_kg.execution import QueryJob, WorkerPool  # noqa: E402


def old_reader():
    """The tokenizer this check replaced, loaded from git (the project's own history)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:src/aichr_kg/querytext.py"],
                            capture_output=True, text=True, check=True).stdout
    spec = importlib.util.spec_from_loader("old_querytext", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, "old_querytext.py", "exec"), module.__dict__)
    return module._read  # uncached, as a first sight of each text


def per_call(fn, text: str, runs: int) -> float:
    """Median seconds of ``fn(text)`` over ``runs`` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            fn(text)
        except ValueError:
            pass
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    read = old_reader()
    texts = {p.stem: p.read_text() for p in sorted((ROOT / "bench" / "queries").glob("*.rq"))}
    texts |= {f"canned/{p.stem}": p.read_text() for p in sorted((ROOT / "queries").glob("*.rq"))}
    print(f"{'text':32} {'chars':>6} {'old read':>11} {'screen':>11} {'check':>11} {'cached':>11}  (median per call)")
    rows = []
    for name, text in texts.items():
        row = (per_call(lambda t: read(t, None), text, 50), per_call(lambda t: querycheck.screen(t, 128), text, 50),
               per_call(lambda t: querycheck._check(t, None), text, 10), per_call(querycheck.check, text, 50))
        rows.append(row)
        print(f"{name:32} {len(text):6} " + " ".join(f"{v * 1e6:9.1f}us" for v in row))
    medians = [statistics.median(col) for col in zip(*rows)]
    print(f"{'median of the texts':32} {'':6} " + " ".join(f"{v * 1e6:9.1f}us" for v in medians))
    print(f"  the service process now spends {medians[1] / medians[0]:.2f}x the old time on a text (screen vs read); "
          f"the worker spends {medians[2] / medians[0]:.0f}x on a text it has not seen (check), "
          f"{medians[3] / medians[0]:.3f}x on one it has")

    for reps in (4000, 8000):
        text = "ASK {} " + "a-" * reps
        print(f"quadratic text, {len(text)} chars: old read {per_call(lambda t: read(t, None), text, 1):.2f} s, "
              f"screen {per_call(lambda t: querycheck.screen(t, 128), text, 3) * 1e3:.2f} ms, "
              f"check {per_call(lambda t: querycheck._check(t, None), text, 3) * 1e3:.2f} ms")
    text = "ASK {} " + "a-" * 49_996
    print(f"quadratic text, {len(text)} chars (at the length limit): screen "
          f"{per_call(lambda t: querycheck.screen(t, 128), text, 3) * 1e3:.2f} ms, "
          f"check {per_call(lambda t: querycheck._check(t, None), text, 3) * 1e3:.2f} ms (old: about 60 s, extrapolated)")

    pool = WorkerPool(None, size=1, timeout=10, memory_limit_mb=512, max_concurrent=4)
    try:
        label = texts["label-lookup"]
        fresh = [label.replace("SELECT", f"SELECT # {i}\n", 1) for i in range(30)]  # unseen: not cached
        unseen = statistics.median(per_call(lambda t: pool.run(QueryJob(t)), t, 1) for t in fresh)
        seen = per_call(lambda t: pool.run(QueryJob(t)), label, 50)
        print(f"round trip through a checking worker (label-lookup): {unseen * 1e3:.2f} ms unseen, "
              f"{seen * 1e3:.2f} ms seen before")
    finally:
        pool.close()

    import smuggling

    url = "http://127.0.0.1:9/"
    print(f"smuggling corpus: {len(smuggling.service(url))} SERVICE calls, {len(smuggling.refused(url))} refused texts "
          f"in all, {len(smuggling.no_fetch(url))} graph-naming texts answered without a fetch; plus hypothesis: "
          "300 generated SERVICE placements (unit), 25 per configuration over HTTP")


if __name__ == "__main__":
    main()
