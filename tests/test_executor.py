"""Query workers: answers come back, a runaway query is killed, the pool recovers, admission is bounded,
and a worker cannot open a network connection whatever the query says."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aifkg.build import Build
from aifkg.executor import Overloaded, QueryExecutor, QueryTimeout, cpu_seconds
from aifkg.store import EngineFailure, QueryFailed, QueryRequest, QuerySyntaxError, TooManyRows
from tests.conftest import Listener

SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"
ASK = QueryRequest("ASK { ?s ?p ?o }", "json", 10)
MEDIUM = (
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STRLEN(CONCAT(STR(?c), STR(?f), STR(?i))) > 0) }"
)


@pytest.fixture()
def executor(build: Build) -> Iterator[QueryExecutor]:
    pool = QueryExecutor(build.dataset_path, size=1, max_size=4, idle_retire=0.5)
    pool.warm_up()
    yield pool
    pool.close()


def _slow_in_background(pool: QueryExecutor, count: int, timeout: float) -> tuple[list[threading.Thread], list[str]]:
    outcomes: list[str] = []

    def slow() -> None:
        try:
            pool.run(QueryRequest(SLOW, "json", 10), timeout=timeout)
            outcomes.append("answered")
        except QueryTimeout:
            outcomes.append("timeout")
        except Overloaded:
            outcomes.append("overloaded")
        except EngineFailure:
            outcomes.append("crashed")

    threads = [threading.Thread(target=slow) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, outcomes


def _busy_workers(pool: QueryExecutor) -> int:
    return pool._workers - pool._idle.qsize()


def _wait_until(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_answers_a_query(executor: QueryExecutor) -> None:
    outcome = executor.run(QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "csv", 10), timeout=5)
    assert outcome.body.startswith(b"n\r\n")
    assert int(outcome.body.split(b"\r\n")[1]) > 50


def test_format_is_chosen_by_the_kind_of_result(executor: QueryExecutor) -> None:
    """The web layer negotiates before it knows the query's form: the worker picks the format of its kind."""
    both = {"result_format": "csv", "other_format": "ntriples", "max_rows": 10}
    assert executor.run(QueryRequest("SELECT ?s { ?s ?p ?o } LIMIT 1", **both), timeout=5).result_format == "csv"
    graph = executor.run(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", **both), timeout=5)
    assert graph.result_format == "ntriples" and graph.body.count(b"\n") == 1


def test_timeout_kills_and_replaces_the_worker(executor: QueryExecutor) -> None:
    restarts = executor.restarts
    with pytest.raises(QueryTimeout):
        executor.run(QueryRequest(SLOW, "json", 10), timeout=1.0)
    assert executor.restarts == restarts + 1
    assert b"true" in executor.run(ASK, timeout=10).body


def test_engine_errors_come_back_by_name(executor: QueryExecutor) -> None:
    with pytest.raises(TooManyRows):
        executor.run(QueryRequest("SELECT * { ?s ?p ?o }", "json", 5), timeout=5)
    with pytest.raises(QuerySyntaxError):
        executor.run(QueryRequest("SELECT * { ?s ?p ?o } GROUP BY ?s", "json", 5), timeout=5)
    with pytest.raises(QuerySyntaxError):
        executor.run(QueryRequest("SELEKT * {}", "json", 5), timeout=5)
    assert executor.run(QueryRequest("SELECT * { ?s ?p ?o } LIMIT 5", "tsv", 5), timeout=5).body.count(b"\n") == 6


@pytest.mark.slow
def test_pool_grows_under_concurrency_and_shrinks_back(executor: QueryExecutor) -> None:
    """Slow queries do not make a cheap one wait: a worker is forked for it; the extra workers stay while
    the load lasts (no fork per query) and retire once they have stood idle for `idle_retire` seconds."""
    threads, outcomes = _slow_in_background(executor, 3, timeout=5.0)
    _wait_until(lambda: _busy_workers(executor) == 3)
    assert b"true" in executor.run(ASK, timeout=5).body  # answered while the three slow ones run
    assert len(outcomes) == 0, outcomes
    for thread in threads:
        thread.join()
    assert outcomes == ["timeout"] * 3  # each slow one stopped at its own limit (and its worker replaced)
    executor.idle_retire = 60.0
    medium = [threading.Thread(target=executor.run, args=(QueryRequest(MEDIUM, "csv", 10), 60.0)) for _ in range(3)]
    for thread in medium:
        thread.start()
    for thread in medium:
        thread.join()
    assert executor._idle.qsize() >= 3  # finished workers stay idle for a while
    executor.idle_retire = 0.01
    time.sleep(0.05)
    assert b"true" in executor.run(ASK, timeout=5).body
    assert executor._idle.qsize() == 1  # back to `size` idle workers


@pytest.mark.slow
def test_admission_is_bounded(build: Build) -> None:
    """With every worker busy and the queue full, a query is refused at once (Overloaded) rather than
    queued without bound; one that waits for a worker gets it when one frees up."""
    pool = QueryExecutor(build.dataset_path, size=1, max_size=1, queue_limit=1)
    pool.warm_up()
    try:
        threads, outcomes = _slow_in_background(pool, 1, timeout=2.0)
        _wait_until(lambda: _busy_workers(pool) == 1)
        waiting, waited = _slow_in_background(pool, 1, timeout=4.0)  # takes the one queue place
        _wait_until(lambda: pool._admission._value == 0)  # type: ignore[attr-defined]
        with pytest.raises(Overloaded):
            pool.run(ASK, timeout=5)
        for thread in threads + waiting:
            thread.join()
        assert outcomes == ["timeout"] and waited == ["timeout"]  # the waiter ran once the first was stopped
        assert b"true" in pool.run(ASK, timeout=5).body
    finally:
        pool.close()


def test_dead_idle_workers_and_a_dead_zygote_fail_no_query(executor: QueryExecutor) -> None:
    """Killed while idle (OOM killer, an operator): the next query is answered by a fresh worker."""
    idle = executor._idle.queue[-1]
    os.kill(idle.pid, signal.SIGKILL)
    assert b"true" in executor.run(ASK, timeout=5).body
    zygote = executor._zygote
    assert zygote is not None and zygote.process.pid
    while executor._idle.qsize():  # no idle worker left: the next query needs a fork, so a new zygote
        executor._discard(executor._idle.get_nowait())
    os.kill(zygote.process.pid, signal.SIGKILL)
    zygote.process.join(5)
    assert b"true" in executor.run(ASK, timeout=60).body
    assert executor._zygote is not None and executor._zygote.process.pid != zygote.process.pid


def _running_worker(pool: QueryExecutor) -> int:
    """The pid of the worker that is running a query: the one not idle whose CPU time grows (a worker
    being forked to refill the pool is not idle yet either, but uses no CPU)."""
    zygote = pool._zygote
    assert zygote is not None
    tasks = Path(f"/proc/{zygote.process.pid}/task/{zygote.process.pid}/children")
    deadline = time.monotonic() + 15
    seen: dict[int, float] = {}
    while time.monotonic() < deadline:
        idle = {w.pid for w in pool._idle.queue}
        for pid in (int(p) for p in tasks.read_text().split()):
            spent = cpu_seconds(pid)
            if pid in idle or spent is None:
                continue
            if spent - seen.setdefault(pid, spent) > 0.02:
                return pid
        time.sleep(0.01)
    raise AssertionError("no worker is running a query")


@pytest.mark.slow
def test_a_worker_dying_mid_query_is_replaced_and_the_query_tried_again(executor: QueryExecutor) -> None:
    """A worker that dies during a query (killed here, as the OOM killer or a crash in the engine would end
    it): the query runs again on a fresh worker; a second death is an engine failure, and the pool goes on."""
    result: list[object] = []

    def run(query: str) -> None:
        try:
            result.append(executor.run(QueryRequest(query, "csv", 10), timeout=60))
        except BaseException as error:
            result.append(error)

    thread = threading.Thread(target=run, args=(MEDIUM,))
    thread.start()
    _wait_until(lambda: _busy_workers(executor) == 1)
    os.kill(_running_worker(executor), signal.SIGKILL)
    thread.join()
    assert len(result) == 1 and not isinstance(result[0], BaseException), result  # answered by the retry

    result.clear()
    thread = threading.Thread(target=run, args=(SLOW,))
    thread.start()
    for _ in range(2):
        _wait_until(lambda: _busy_workers(executor) == 1)
        os.kill(_running_worker(executor), signal.SIGKILL)
    thread.join()
    assert len(result) == 1 and isinstance(result[0], EngineFailure)
    assert b"true" in executor.run(ASK, timeout=5).body


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * {{ \\u0053ERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * {{ BIND(<http://127.0.0.1:{port}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "PREFIX e: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        "ASK {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}",
    ],
    ids=["plain", "silent", "escaped", "variable", "prefixed", "by name"],
)
def test_a_worker_cannot_connect_anywhere(executor: QueryExecutor, template: str, listener: Listener) -> None:
    """The query reaches the engine unfiltered (no text check here): the listener sees no connection."""
    query = template.format(port=listener.port)
    with contextlib.suppress(QueryFailed, EngineFailure, QuerySyntaxError):
        executor.run(QueryRequest(query, "json", 10), timeout=5)
    time.sleep(0.3)
    assert listener.connections == 0


def test_the_listener_would_see_a_connection(listener: Listener) -> None:
    """The control for the test above: an unsandboxed connection is counted."""
    socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
    _wait_until(lambda: listener.connections == 1)


@pytest.mark.slow
def test_a_query_using_the_cpu_is_lowered_in_priority(executor: QueryExecutor) -> None:
    """Once a query has used 50 ms of CPU its worker runs at nice 10, so short queries get the CPU first.
    Observed, not timed: the nice value is read until it changes or the query ends."""
    threads, outcomes = _slow_in_background(executor, 1, timeout=3.0)
    _wait_until(lambda: _busy_workers(executor) == 1)
    busy = _running_worker(executor)
    _wait_until(lambda: os.getpriority(os.PRIO_PROCESS, busy) == 10, seconds=15)
    for thread in threads:
        thread.join()
    assert outcomes == ["timeout"]
    assert b"true" in executor.run(ASK, timeout=5).body
    assert all(os.getpriority(os.PRIO_PROCESS, w.pid) == 0 for w in executor._idle.queue)
