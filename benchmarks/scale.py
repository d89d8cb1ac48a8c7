"""How build and query costs grow with the graph: 10k, 100k, 1M triples of synthetic data.

Each size runs in child processes so that peak memory (ru_maxrss) is that size's own: one child does the
cold path (parse, reason, validate) step by step, printing a JSON line per finished step so a step cut off
by the time bound still leaves the earlier figures; a second child does the warm path (load the N-Quads
into pyoxigraph, run the worked queries: see warm_child).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import write_synthetic

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(step: str, seconds: float, **extra: object) -> None:
    print(json.dumps({"step": step, "seconds": round(seconds, 3), "peak_mb": round(_rss_mb()), **extra}), flush=True)


def cold_child(folder: str, reason_limit: int, out_nq: str) -> None:
    """Parse, reason with owlrl (when the graph is small enough), write the N-Quads for the warm child,
    validate."""
    import pyoxigraph as ox
    from rdflib import Graph

    from aifkg.graph import parse_files, rdf_files
    from aifkg.reasoning import infer
    from aifkg.validation import validate_graph

    started = time.perf_counter()
    ontology = parse_files(rdf_files(ROOT / "ontology"))
    data = parse_files(rdf_files(Path(folder) / "data"))
    shapes = parse_files(rdf_files(ROOT / "shapes"))
    _emit("parse", time.perf_counter() - started, triples=len(ontology) + len(data))
    inferred = Graph()
    if len(data) <= reason_limit:
        mark = time.perf_counter()
        inferred = infer(ontology, data).inferred
        _emit("reason", time.perf_counter() - mark, inferred=len(inferred))
    else:
        _emit("reason", 0.0, skipped=f"over {reason_limit} triples")
    mark = time.perf_counter()
    quads: list[ox.Quad] = []
    for name, graph in (("ontology", ontology), ("data", data), ("inferred", inferred)):
        graph_name = ox.NamedNode(f"https://w3id.org/aifactories/graph/{name}")
        payload = graph.serialize(format="nt", encoding="utf-8")
        quads.extend(
            ox.Quad(t.subject, t.predicate, t.object, graph_name)
            for t in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)
        )
    ox.serialize(quads, out_nq, format=ox.RdfFormat.N_QUADS)
    _emit("write", time.perf_counter() - mark)  # before validation: the warm path runs even if that times out
    mark = time.perf_counter()
    report = validate_graph(ontology + data + inferred, shapes)
    _emit("validate", time.perf_counter() - mark, violations=len(report.violations))


def _time_queries(run: Callable[[str], object], repeats: int) -> dict[str, float]:
    timings: list[float] = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        for _ in range(repeats):
            mark = time.perf_counter()
            run(text)
            timings.append((time.perf_counter() - mark) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
        "count": len(timings),
        "total_s": round(sum(timings) / 1000, 2),
    }


def warm_child(nq: str, repeats: int) -> None:
    """What a warm server does with a finished build: load the store in memory and time every worked query
    on pyoxigraph alone, then through aifkg's query workers (the executor a web worker owns)."""
    from benchmarks.floor_app import answer, load_store

    started = time.perf_counter()
    store = load_store(nq)
    _emit("warm-load", time.perf_counter() - started, quads=len(store))
    _emit("queries", 0.0, **_time_queries(lambda text: answer(store, text), repeats))
    store.clear()  # give the memory back before the workers load their own copy
    _served(Path(nq), repeats)


def _served(nq: Path, repeats: int) -> None:
    """Every worked query through aifkg's own query workers (the executor a web worker owns)."""
    from aifkg.executor import QueryExecutor
    from aifkg.store import QueryRequest

    def request(text: str) -> QueryRequest:
        return QueryRequest(text, "json", max_rows=10_000_000)

    started = time.perf_counter()
    pool = QueryExecutor(nq, size=2, max_size=2)
    pool.warm_up()  # the zygote loads the store, then two workers are forked
    _emit("executor-start", time.perf_counter() - started)
    served = _time_queries(lambda text: pool.run(request(text), timeout=600), repeats)
    pool.close()
    _emit("served", 0.0, children_peak_mb=round(_children_rss_mb()), **served)


def _children_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _run_child(args: list[str], timeout: float) -> list[dict[str, object]]:
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "benchmarks.scale", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
        )
        output = completed.stdout
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        output += json.dumps({"step": "timeout", "seconds": timeout}) + "\n"
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def run_scale(
    sizes: list[int], reason_limit: int, timeout: float, repeats: int, progress: object = print
) -> list[dict[str, object]]:
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"aifkg-scale-{size}-") as work:
            folder = Path(work)
            write_synthetic(folder, size)
            nq = folder / "dataset.nq"
            progress(f"scale {size:,}: cold path")  # type: ignore[operator]
            cold = _run_child(["cold", str(folder), str(reason_limit), str(nq)], timeout)
            warm: list[dict[str, object]] = []
            if nq.exists():
                progress(f"scale {size:,}: warm path")  # type: ignore[operator]
                warm = _run_child(["warm", str(nq), str(repeats)], timeout)
            rows.append({"size": size, "cold": cold, "warm": warm})
    return rows


if __name__ == "__main__":
    if sys.argv[1] == "cold":
        cold_child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        warm_child(sys.argv[2], int(sys.argv[3]))
