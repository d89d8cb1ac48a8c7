"""`make bench`: aifkg beside oxigraph, rdflib-endpoint and a floor app in one run, as ratios and percentiles.

Sections: start-up (cold and warm to the first answered query), throughput of five typical queries with
repeated and with distinct texts at 1 and 16 clients beside the floor app, with pyoxigraph's own cost per
stage (wrk; benchmarks/throughput.py), what each answer cache saves a web worker on repeated requests
(benchmarks/caches.py, in-process), a soak (benchmarks/soak.py: the worked questions at wrk's pace
beside cheap and expensive uncached queries, with memory over time), and scale (synthetic 10k/100k/1M
triples). Figures go to stdout and to benchmarks/results/<timestamp>.json. Nothing here asserts a time:
machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import throughput as tp
from benchmarks.caches import main as caches_main
from benchmarks.load import require_wrk
from benchmarks.scale import run_scale
from benchmarks.servers import start_aifkg
from benchmarks.soak import main as soak_main
from benchmarks.stages import engine_costs
from benchmarks.typical import typical_queries

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("startup", "throughput", "caches", "soak", "scale")


def log(message: str) -> None:
    print(f"# {time.strftime('%H:%M:%S')} {message}", flush=True)


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
            server = start_aifkg(cache)
            seconds.append(server.started_in)
            server.stop()
        spread = f" (min {min(seconds):.2f}, max {max(seconds):.2f} of {runs})" if runs > 1 else ""
        rows.append([f"aifkg {label}", f"{statistics.median(seconds):.2f}{spread}"])
    return rows


def throughput(cache: Path, clients: list[int], seconds: float, servers: list[str]) -> dict[str, object]:
    """Both modes on every server, the summary against the goals and the per-stage costs (stdout and JSON)."""
    from aifkg.build import current_build
    from aifkg.config import settings_from_env

    build = current_build(settings_from_env(cache_dir=cache))
    if build is None:  # `aifkg serve` builds on first start; the peers need the build's files now
        start_aifkg(cache, workers=None).stop()
        build = current_build(settings_from_env(cache_dir=cache))
    assert build is not None
    queries = typical_queries()
    log("pyoxigraph in-process, per query (distinct texts)")
    costs = engine_costs(build.dataset_path, queries)
    expected = {cost.query: cost.rows for cost in costs}
    load_before = os.getloadavg()
    starters = tp.starters(cache, build.dataset_path, build.dump_path("aifkg.nt"), servers)
    cells, answers = tp.measure(starters, queries, expected, clients, seconds, log)
    load_after = os.getloadavg()
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    print("rows answered per query (pyoxigraph in-process: " + json.dumps(expected) + ")")
    for name, rows in answers.items():
        mark = "" if rows == expected else "  <- DIFFERS"
        print(f"  {name}: {json.dumps(rows)}{mark}")
    headers = ["query", "clients", "server", "ok req/s", "p50 ms", "p99 ms", "requests", "texts", "errors"]
    for mode in tp.MODES:
        print(f"\n{mode}: {tp.CACHES[mode]}; {seconds:g} s per cell; ok req/s counts 2xx answers only")
        print(table([*headers, "x oxigraph", "x floor"], tp.cell_rows(cells, mode)))
    print("\naifkg over each peer, geometric mean of req/s ratios over the five queries; aifkg's worst p99")
    print("(goals: distinct at 16 clients >= 0.5x oxigraph, aim 1.0x, p99 < 20 ms; repeated >= 5x oxigraph)")
    print(
        table(
            ["mode", "clients", "x oxigraph", "x floor", "x rdflib-endpoint", "max p99 ms", "geomean req/s"],
            tp.summary_rows(cells, queries, clients),
        )
    )
    print("\nstage costs at 1 client, p50 and medians in ms (goal: aifkg - pyoxigraph < 0.3 ms)")
    print(table(tp.STAGE_HEADERS, tp.stage_rows(cells, costs)))
    return {
        "seconds": seconds,
        "clients": clients,
        "load_average": {"before": load_before, "after": load_after},
        "queries": {q.name: {"kind": q.kind, "repeated_text": q.repeated_text} for q in queries},
        "caches": tp.CACHES,
        "rows": {"pyoxigraph": expected, **answers},
        "engine_costs": [asdict(cost) for cost in costs],
        "cells": tp.raw(cells),
    }


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
        cell("validate"),
        cell("validate", "peak_mb"),
        cell("warm-load"),
        cell("executor-start"),
        cell("queries", "p50_ms"),
        cell("queries", "p99_ms"),
        cell("served", "p50_ms"),
        cell("served", "children_peak_mb"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="wrk duration per run (default 8)")
    parser.add_argument("--clients", default="1,16", help="concurrency levels (default 1,16)")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="scale sizes in triples")
    parser.add_argument(
        "--reason-limit",
        type=int,
        default=150_000,
        help="largest synthetic graph given to owlrl (it took 75 s at 142k triples)",
    )
    parser.add_argument("--step-timeout", type=float, default=900.0, help="bound for one scale child process")
    parser.add_argument(
        "--skip", default="", help="comma list of sections to skip: startup,throughput,caches,soak,scale"
    )
    parser.add_argument("--only", default="", help="comma list of the only sections to run (e.g. throughput)")
    parser.add_argument("--no-peers", action="store_true", help="aifkg (and the floor app) only")
    parser.add_argument(
        "--servers", default=",".join(tp.SERVERS), help=f"throughput: servers to run (default {','.join(tp.SERVERS)})"
    )
    parser.add_argument("--soak-seconds", type=float, default=60.0, help="length of the soak (default 60)")
    args = parser.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    only = {s for s in args.only.split(",") if s}
    if only - set(SECTIONS) or skip - set(SECTIONS):
        parser.error(f"sections are {','.join(SECTIONS)}")
    if only:
        skip |= set(SECTIONS) - only
    if not set(args.servers.split(",")) <= set(tp.SERVERS):
        parser.error(f"servers are {','.join(tp.SERVERS)}")
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
            servers = [s for s in args.servers.split(",") if s]
            if args.no_peers:
                servers = [s for s in servers if s in (tp.AIFKG, tp.FLOOR)]
            report["throughput"] = throughput(cache, clients, args.seconds, servers)
        if "caches" not in skip:
            log("what each answer cache saves a web worker (in-process, repeated requests)")
            report["caches"] = caches_main(["--cache", str(cache)])
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
                        "validate s",
                        "cold peak MB",
                        "load s",
                        "workers ready s",
                        "query p50 ms",
                        "query p99 ms",
                        "via workers p50 ms",
                        "workers peak MB",
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
