"""`make bench`: aifkg beside oxigraph and rdflib-endpoint in one run, reported as ratios and percentiles.

Sections: start-up (cold and warm to the first answered query), throughput of the worked-query mix at
1, 16 and 64 concurrent clients (wrk), a soak (benchmarks/soak.py: the worked questions at wrk's pace
beside cheap and expensive uncached queries, with memory over time), and scale (synthetic 10k/100k/1M
triples). Figures go to stdout and to benchmarks/results/<timestamp>.json. Nothing here asserts a time:
machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.load import LoadResult, require_wrk, run_wrk
from benchmarks.scale import run_scale
from benchmarks.servers import RunningServer, start_aifkg, start_oxigraph, start_rdflib_endpoint
from benchmarks.soak import main as soak_main

ROOT = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(f"# {time.strftime('%H:%M:%S')} {message}", flush=True)


def worked_queries() -> list[str]:
    queries = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]
    if not queries:
        raise SystemExit("no worked queries in queries/")
    return queries


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def startup(cache_root: Path) -> list[list[object]]:
    """Cold: empty cache (load, reason, validate, write, start). Warm: the same with the cache in place."""
    cache = cache_root / "startup-cache"
    rows: list[list[object]] = []
    for label, runs in (("cold", 1), ("warm", 5)):
        seconds = []
        for _ in range(runs):
            server = start_aifkg("granian", cache)
            seconds.append(server.started_in)
            server.stop()
        spread = f" (min {min(seconds):.2f}, max {max(seconds):.2f} of {runs})" if runs > 1 else ""
        rows.append([f"aifkg {label}", f"{statistics.median(seconds):.2f}{spread}"])
    return rows


def throughput(cache: Path, clients: list[int], seconds: float, peers: bool) -> tuple[list[list[object]], dict]:
    from aifkg.build import cached_build
    from aifkg.config import settings_from_env

    queries = worked_queries()
    servers: list[RunningServer] = [start_aifkg("granian", cache), start_aifkg("gunicorn", cache)]
    uncached = start_aifkg("granian", cache, env={"AIFKG_RESULT_CACHE_ENTRIES": "0"})
    uncached.name = "aifkg (granian, no cache)"  # every request parsed, guarded and run by a query worker
    servers.append(uncached)
    build = cached_build(settings_from_env(cache_dir=cache))
    assert build is not None
    if peers:
        servers.append(start_oxigraph(build.dataset_path, cache / "oxigraph-store"))
        servers.append(start_rdflib_endpoint(build.dump_path("aifkg.nt")))
    results: dict[str, dict[int, LoadResult]] = {}
    try:
        for server in servers:
            results[server.name] = {}
            run_wrk(server.query_url, queries, 4, min(2.0, seconds))  # warm-up (and fill aifkg's caches)
            for count in clients:
                log(f"{server.name}: {count} clients for {seconds:g} s")
                results[server.name][count] = run_wrk(server.query_url, queries, count, seconds)
    finally:
        for server in servers:
            server.stop()
    rows = []
    for name, by_clients in results.items():
        for count, result in by_clients.items():
            ratio_ox = ratio_rdflib = ""
            if "oxigraph serve-read-only" in results:
                peer = results["oxigraph serve-read-only"][count].requests_per_second
                ratio_ox = f"{result.requests_per_second / max(peer, 0.01):.2f}"
            if "rdflib-endpoint" in results:
                peer = results["rdflib-endpoint"][count].requests_per_second
                ratio_rdflib = f"{result.requests_per_second / max(peer, 0.01):.1f}"
            rows.append(
                [
                    name,
                    count,
                    f"{result.requests_per_second:,.0f}",
                    f"{result.p50_ms:.2f}",
                    f"{result.p90_ms:.2f}",
                    f"{result.p99_ms:.2f}",
                    result.requests,
                    result.errors,
                    ratio_ox,
                    ratio_rdflib,
                ]
            )
    raw = {name: {c: r.__dict__ for c, r in by.items()} for name, by in results.items()}
    return rows, raw


def scale_row(row: dict[str, Any]) -> list[object]:
    """One table row per size: each step's seconds or figure, or why it is missing."""
    steps = {step["step"]: step for step in [*row["cold"], *row["warm"]]}

    def cell(name: str, key: str = "seconds") -> str:
        step = steps.get(name)
        if step is None:
            return "timeout" if "timeout" in steps else "-"
        return "skipped" if "skipped" in step else str(step.get(key, "-"))

    return [
        f"{row['size']:,}",
        cell("parse"),
        cell("reason"),
        cell("reason-reasonable"),
        cell("reason", "same"),
        cell("validate"),
        cell("validate", "peak_mb"),
        cell("warm-load"),
        cell("executor-start"),
        cell("queries", "p50_ms"),
        cell("queries", "p99_ms"),
        cell("served", "p50_ms"),
        cell("served", "children_peak_mb"),
        cell("disk-prepare"),
        cell("disk-open"),
        cell("disk-queries", "p50_ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="wrk duration per run (default 8)")
    parser.add_argument("--clients", default="1,16,64", help="concurrency levels (default 1,16,64)")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="scale sizes in triples")
    parser.add_argument(
        "--reason-limit",
        type=int,
        default=150_000,
        help="largest synthetic graph given to owlrl (it took 75 s at 142k triples)",
    )
    parser.add_argument("--step-timeout", type=float, default=900.0, help="bound for one scale child process")
    parser.add_argument("--skip", default="", help="comma list of sections to skip: startup,throughput,soak,scale")
    parser.add_argument("--no-peers", action="store_true", help="aifkg only")
    parser.add_argument("--soak-seconds", type=float, default=60.0, help="length of the soak (default 60)")
    args = parser.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    report: dict[str, object] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    with tempfile.TemporaryDirectory(prefix="aifkg-bench-") as work:
        cache = Path(work) / "cache"
        if "startup" not in skip:
            log("start-up")
            rows = startup(Path(work))
            print(table(["server", "seconds to first answer (median)"], rows))
            report["startup"] = rows
        if "throughput" not in skip:
            require_wrk()
            log("throughput")
            clients = [int(c) for c in args.clients.split(",")]
            rows, raw = throughput(cache, clients, args.seconds, not args.no_peers)
            print(
                table(
                    [
                        "server",
                        "clients",
                        "req/s",
                        "p50 ms",
                        "p90 ms",
                        "p99 ms",
                        "requests",
                        "errors",
                        "x oxigraph",
                        "x rdflib-endpoint",
                    ],
                    rows,
                )
            )
            report["throughput"] = raw
        if "soak" not in skip:
            require_wrk()
            log(f"soak for {args.soak_seconds:g} s")
            soak_main(["--seconds", str(args.soak_seconds), "--graph", "auto", "--cache", str(cache)])
        if "scale" not in skip:
            log("scale")
            sizes = [int(s) for s in args.sizes.split(",")]
            scale_rows = run_scale(sizes, args.reason_limit, args.step_timeout, repeats=5, progress=log)
            flat = [scale_row(row) for row in scale_rows]
            print(
                table(
                    [
                        "triples",
                        "parse s",
                        "owlrl s",
                        "reasonable s",
                        "same closure",
                        "validate s",
                        "cold peak MB",
                        "load s",
                        "workers ready s",
                        "query p50 ms",
                        "query p99 ms",
                        "via workers p50 ms",
                        "workers peak MB",
                        "disk load s",
                        "disk open s",
                        "disk p50 ms",
                    ],
                    flat,
                )
            )
            report["scale"] = scale_rows
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    target = results / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    log(f"figures written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
