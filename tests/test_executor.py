"""Query workers: answers come back, a runaway query is killed, the pool recovers."""

from __future__ import annotations

import time

import pytest

from aifkg.build import Build
from aifkg.executor import QueryExecutor, QueryTimeout
from aifkg.store import QueryFailed, QueryRequest, TooManyRows

SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"


@pytest.fixture()
def executor(build: Build) -> QueryExecutor:
    pool = QueryExecutor(build.dataset_path, size=1)
    pool.warm_up()
    yield pool  # type: ignore[misc]
    pool.close()


def test_answers_a_query(executor: QueryExecutor) -> None:
    outcome = executor.run(QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "csv", 10), timeout=5)
    assert outcome.body.startswith(b"n\r\n")
    assert int(outcome.body.split(b"\r\n")[1]) > 50


def test_timeout_kills_and_replaces_the_worker(executor: QueryExecutor) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        executor.run(QueryRequest(SLOW, "json", 10), timeout=1.0)
    assert time.monotonic() - started < 5
    assert executor.restarts == 1
    outcome = executor.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=10)
    assert b"true" in outcome.body


def test_row_limit_and_engine_errors(executor: QueryExecutor) -> None:
    with pytest.raises(TooManyRows):
        executor.run(QueryRequest("SELECT * { ?s ?p ?o }", "json", 5), timeout=5)
    with pytest.raises(QueryFailed):
        executor.run(QueryRequest("SELECT * { ?s ?p ?o } GROUP BY ?s", "json", 5), timeout=5)
    assert executor.run(QueryRequest("SELECT * { ?s ?p ?o } LIMIT 5", "tsv", 5), timeout=5).rows == 5
