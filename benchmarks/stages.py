"""pyoxigraph's own cost per query, in this process: the lower bound for any server built on it.

`Store.query` returns lazily, so its own time is parsing and planning; iterating and serialising the
solutions as SPARQL JSON is the evaluation. Every run gets a text of its own (a different LIMIT), as in
the distinct-text throughput mode.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QuerySolutions

from benchmarks.floor_app import load_store
from benchmarks.typical import LIMIT_BASE, TypicalQuery


@dataclass(frozen=True)
class EngineCost:
    query: str
    rows: int
    plan_ms: float  # median of Store.query(text): parse and plan
    evaluate_ms: float  # median of iterating and serialising to SPARQL JSON
    total_ms: float  # median of both together, per run
    total_p99_ms: float


def engine_costs(dataset: Path, queries: list[TypicalQuery], runs: int = 300) -> list[EngineCost]:
    store = load_store(str(dataset))
    costs = []
    for query in queries:
        plan, evaluate, total = [], [], []
        for run in range(runs + 20):  # the first 20 runs warm up and are not counted
            text = query.with_limit(LIMIT_BASE + run + 1)
            began = time.perf_counter()
            result = store.query(text, use_default_graph_as_union=True)
            planned = time.perf_counter()
            assert isinstance(result, QuerySolutions)
            body = result.serialize(format=QueryResultsFormat.JSON)
            ended = time.perf_counter()
            if run >= 20:
                plan.append((planned - began) * 1000)
                evaluate.append((ended - planned) * 1000)
                total.append((ended - began) * 1000)
            del body
        costs.append(
            EngineCost(
                query=query.name,
                rows=_row_count(store.query(query.repeated_text, use_default_graph_as_union=True)),
                plan_ms=statistics.median(plan),
                evaluate_ms=statistics.median(evaluate),
                total_ms=statistics.median(total),
                total_p99_ms=sorted(total)[int(len(total) * 0.99) - 1],
            )
        )
    return costs


def _row_count(result: object) -> int:
    assert isinstance(result, QuerySolutions)
    return sum(1 for _ in result)
