"""Throughput of the five typical queries in two modes, on every server in turn, and the per-stage costs.

Modes (texts from benchmarks/typical.py):
- repeated: GET of one fixed text per query, so any cache may replay it (aifkg's response cache does);
- distinct: POST application/sparql-query, every request's text its own (wrk and a Lua generator), so no
  cache keyed by the text or by its parsed form can replay one.
Servers, all running at once and taking turns query by query, on the same N-Quads: aifkg as `aifkg serve`
starts it (default settings, HTTP only: nothing here imports the engine), `oxigraph serve-read-only
--union-default-graph`, the floor app (benchmarks/floor_app.py) and rdflib-endpoint. Each server first
answers every query once and its row count is compared with pyoxigraph's in-process answer, so a fast wrong
answer does not count.
"""

from __future__ import annotations

import itertools
import json
import math
import statistics
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.load import LoadResult, distinct_script, mix_script, run_wrk_script
from benchmarks.servers import (
    RunningServer,
    start_aifkg,
    start_floor,
    start_oxigraph,
    start_rdflib_endpoint,
)
from benchmarks.stages import EngineCost
from benchmarks.typical import TypicalQuery

MODES = ("repeated", "distinct")
AIFKG, OXIGRAPH, FLOOR, RDFLIB = "aifkg", "oxigraph", "floor", "rdflib-endpoint"
SERVERS = (AIFKG, OXIGRAPH, FLOOR, RDFLIB)
SETTLE_QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
CACHES = {
    "repeated": (
        "repeated texts, GET: any cache may replay them. aifkg's whole-response cache answers every request "
        "after the first (the mode measures it); oxigraph, the floor and rdflib-endpoint keep no answers"
    ),
    "distinct": (
        "distinct texts, POST application/sparql-query, every request's text unique (see 'texts'): no cache "
        "replayed one. aifkg's response cache (GET only), answer cache and verdict cache all miss; the other "
        "servers keep no answers"
    ),
}


@dataclass(frozen=True)
class Cell:
    server: str
    mode: str
    query: str
    clients: int
    result: LoadResult


def post_rows(url: str, text: str) -> int | str:
    """Rows of a SELECT answer as JSON, or the failure in a few words."""
    request = urllib.request.Request(
        url,
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return len(json.load(response)["results"]["bindings"])
    except (OSError, ValueError, KeyError) as error:
        return f"failed: {error}"[:120]


def script(url: str, mode: str, query: TypicalQuery, run: int) -> str:
    """wrk's Lua script for one run; `run` (unique in the benchmark) keeps distinct texts apart across runs."""
    if mode == "repeated":
        return mix_script(url, [query.repeated_text])
    return distinct_script(url, query.distinct_prefix(run))


def starters(cache: Path, dataset: Path, dump: Path, names: list[str]) -> dict[str, Callable[[], RunningServer]]:
    """How to start each server named (of SERVERS), in that order."""
    known: dict[str, Callable[[], RunningServer]] = {
        AIFKG: lambda: start_aifkg(cache, workers=None),
        OXIGRAPH: lambda: start_oxigraph(dataset, cache / "oxigraph-store"),
        FLOOR: lambda: start_floor(dataset),
        RDFLIB: lambda: start_rdflib_endpoint(dump),
    }
    return {name: known[name] for name in names}


def settle(url: str, timeout: float = 300.0) -> None:
    """Wait until the server has worked off what a finished wrk run left in flight (a slow server may hold
    seconds of queued requests), so that it does not eat into the next run: a cheap query must come back."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if isinstance(post_rows(url, SETTLE_QUERY), int):
            return
        time.sleep(0.1)


def measure(
    servers: dict[str, Callable[[], RunningServer]],
    queries: list[TypicalQuery],
    expected_rows: dict[str, int],
    clients: list[int],
    seconds: float,
    progress: Callable[[str], None],
) -> tuple[list[Cell], dict[str, dict[str, int | str]]]:
    """Every server, mode, query and client count once; a short warm-up run before each (query, mode).

    All servers run at once and take turns query by query, so that the figures compared in one row of a
    table were taken minutes apart at most, under the same background load (the machine may be shared).
    """
    runs = itertools.count(1)
    cells: list[Cell] = []
    answers: dict[str, dict[str, int | str]] = {}
    running: dict[str, RunningServer] = {}
    try:
        for name, start in servers.items():
            running[name] = start()
            answers[name] = {q.name: post_rows(running[name].query_url, q.repeated_text) for q in queries}
            progress(f"{name}: rows {answers[name]} (pyoxigraph: {expected_rows})")
        for mode, query in itertools.product(MODES, queries):
            for name, server in running.items():
                url = server.query_url
                settle(url)
                run_wrk_script(url, script(url, mode, query, next(runs)), 2, 1.0)  # caches, workers, connections
                for count in clients:
                    settle(url)
                    progress(f"{name}: {mode} {query.name}, {count} clients, {seconds:g} s")
                    result = run_wrk_script(url, script(url, mode, query, next(runs)), count, seconds)
                    cells.append(Cell(name, mode, query.name, count, result))
    finally:
        for server in running.values():
            server.stop()
    return cells, answers


def _geomean(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(max(v, 1e-9)) for v in values)) if values else float("nan")


def _find(cells: list[Cell], server: str, mode: str, query: str, clients: int) -> LoadResult | None:
    for cell in cells:
        if (cell.server, cell.mode, cell.query, cell.clients) == (server, mode, query, clients):
            return cell.result
    return None


def _ms(result: LoadResult, value: float) -> str:
    return f"{value:.2f}" if result.requests else "none done"


def _ratio(result: LoadResult, peer: LoadResult | None) -> str:
    return f"{result.answered_per_second / peer.answered_per_second:.2f}" if peer and peer.answered_per_second else ""


def cell_rows(cells: list[Cell], mode: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for cell in sorted((c for c in cells if c.mode == mode), key=lambda c: (c.query, c.clients)):
        result = cell.result
        rows.append(
            [
                cell.query,
                cell.clients,
                cell.server,
                f"{result.answered_per_second:,.0f}",
                _ms(result, result.p50_ms),
                _ms(result, result.p99_ms),
                result.requests,
                "" if result.distinct_texts is None else result.distinct_texts,
                result.errors,
                _ratio(result, _find(cells, OXIGRAPH, mode, cell.query, cell.clients)),
                _ratio(result, _find(cells, FLOOR, mode, cell.query, cell.clients)),
            ]
        )
    return rows


def summary_rows(cells: list[Cell], queries: list[TypicalQuery], clients: list[int]) -> list[list[object]]:
    """Per mode and client count: geometric means over the queries of aifkg's req/s over each peer's."""
    rows: list[list[object]] = []
    for mode, count in itertools.product(MODES, clients):
        line: list[object] = [mode, count]
        for peer in (OXIGRAPH, FLOOR, RDFLIB):
            ratios = []
            for query in queries:
                ours = _find(cells, AIFKG, mode, query.name, count)
                theirs = _find(cells, peer, mode, query.name, count)
                if ours and theirs and theirs.answered_per_second:
                    ratios.append(ours.answered_per_second / theirs.answered_per_second)
            line.append(f"{_geomean(ratios):.2f}" if len(ratios) == len(queries) else "")
        ours_all = [r for q in queries if (r := _find(cells, AIFKG, mode, q.name, count))]
        done = [r for r in ours_all if r.requests]
        worst = f"{max(r.p99_ms for r in done):.2f}" if done else "-"
        line.append(worst if len(done) == len(ours_all) else f"{worst} (and a cell with none done)")
        line.append(f"{_geomean([r.answered_per_second for r in ours_all]):,.0f}")
        rows.append(line)
    return rows


STAGE_HEADERS = [
    "query",
    "rows",
    "Store.query()",
    "iterate + JSON",
    "pyoxigraph",
    "floor p50",
    "aifkg replay p50",
    "aifkg p50",
    "floor - pyoxigraph",
    "aifkg query path",
    "aifkg - pyoxigraph",
    "aifkg - floor",
]


def stage_rows(cells: list[Cell], costs: list[EngineCost]) -> list[list[object]]:
    """At one client, in ms: pyoxigraph alone (in this process), the floor app and aifkg (distinct texts),
    aifkg replaying a cached answer (repeated texts: its HTTP and web layer alone), and what each adds.
    "aifkg query path" is aifkg's distinct p50 less its replay p50 and less pyoxigraph: what it spends on a
    new query beyond its web layer and the engine (admission, the query worker, checks)."""
    rows: list[list[object]] = []
    added: list[tuple[float, float, float]] = []
    for cost in costs:
        floor = _find(cells, FLOOR, "distinct", cost.query, 1)
        ours = _find(cells, AIFKG, "distinct", cost.query, 1)
        replay = _find(cells, AIFKG, "repeated", cost.query, 1)
        if not (floor and ours and replay and floor.requests and ours.requests and replay.requests):
            continue
        path = ours.p50_ms - replay.p50_ms - cost.total_ms
        added.append((path, ours.p50_ms - cost.total_ms, ours.p50_ms - floor.p50_ms))
        figures = [cost.plan_ms, cost.evaluate_ms, cost.total_ms, floor.p50_ms, replay.p50_ms, ours.p50_ms]
        figures += [floor.p50_ms - cost.total_ms, *added[-1]]
        rows.append([cost.query, cost.rows, *(f"{f:.3f}" for f in figures)])
    if rows:
        medians = [f"{statistics.median(column):.3f}" for column in zip(*added, strict=True)]
        rows.append(["median", "", "", "", "", "", "", "", "", *medians])
    return rows


def raw(cells: list[Cell]) -> list[dict[str, object]]:
    return [{**{k: v for k, v in asdict(c).items() if k != "result"}, **asdict(c.result)} for c in cells]
