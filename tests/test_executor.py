"""Query workers: answers come back, a runaway query is killed, the pool recovers."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

import aifkg.executor as executor_module
from aifkg.build import Build
from aifkg.executor import QueryExecutor, QueryTimeout, Refused
from aifkg.store import QueryFailed, QueryRequest, TooManyRows, execute, open_store, prepare_disk_store

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


def test_the_guard_runs_in_a_worker_and_is_stopped_at_the_limit(executor: QueryExecutor) -> None:
    """rdflib's parser spends seconds on a long flat expression: the parse is killed like a slow query."""
    info = executor.check("SELECT * { ?s ?p ?o }", 64, timeout=5)
    assert info.form == "SELECT"
    with pytest.raises(Refused) as refused:
        executor.check("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 64, timeout=5)
    assert refused.value.status == 400 and "SERVICE" in refused.value.message
    bomb = "SELECT (" + "+".join(["1"] * 6000) + " AS ?x) {}"
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        executor.check(bomb, 64, timeout=0.5)
    assert time.monotonic() - started < 3
    assert executor.check("ASK {}", 64, timeout=5).form == "ASK"


def test_pool_grows_under_concurrency_and_shrinks_back(build: Build) -> None:
    """Slow queries do not make a cheap one wait: a worker is forked for it, and extras retire afterwards."""
    pool = QueryExecutor(build.dataset_path, size=1, max_size=4)
    pool.warm_up()
    try:
        errors: list[BaseException] = []

        def slow() -> None:
            try:
                pool.run(QueryRequest(SLOW, "json", 10), timeout=1.5)
            except QueryTimeout as error:
                errors.append(error)

        threads = [threading.Thread(target=slow) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert b"true" in pool.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=5).body
        cheap_seconds = time.monotonic() - started
        for thread in threads:
            thread.join()
        assert len(errors) == 3  # each slow one stopped at its limit
        assert cheap_seconds < 1.0, cheap_seconds  # answered while all three slow ones still ran
        assert pool._idle.qsize() == 1  # back to `size` idle workers
    finally:
        pool.close()


def test_dead_idle_workers_and_a_dead_zygote_fail_no_query(executor: QueryExecutor) -> None:
    """Killed while idle (OOM killer, an operator): the next query is answered by a fresh worker."""
    idle = executor._idle.get_nowait()
    executor._idle.put(idle)
    os.kill(idle.pid, signal.SIGKILL)
    assert b"true" in executor.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=5).body
    zygote = executor._zygote
    assert zygote is not None and zygote.process.pid
    os.kill(zygote.process.pid, signal.SIGKILL)
    zygote.process.join(5)
    assert b"true" in executor.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=30).body
    assert executor.zygote_starts == 2


def test_workers_share_an_on_disk_store(build: Build, tmp_path: Path) -> None:
    """With a store location each forked worker opens the RocksDB store read-only: same answers."""
    location = prepare_disk_store(build.dataset_path, tmp_path / "store")
    pool = QueryExecutor(build.dataset_path, size=2, max_size=3, location=location)
    pool.warm_up()
    try:
        request = QueryRequest("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", "csv", 10)
        answers = [pool.run(request, timeout=10).body for _ in range(3)]
        assert answers == [execute(open_store(build.dataset_path), request).body] * 3
    finally:
        pool.close()


MEDIUM = (
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STRLEN(CONCAT(STR(?c), STR(?f), STR(?i))) > 0) }"
)


def _priorities_while(pool: QueryExecutor, query: str, timeout: float) -> tuple[dict[int, int], list[BaseException]]:
    """Run `query` in a thread; 0.5 s in, the nice value of each of the zygote's workers."""
    assert pool._zygote is not None
    zygote = pool._zygote.process.pid
    errors: list[BaseException] = []

    def run() -> None:
        try:
            pool.run(QueryRequest(query, "csv", 10), timeout=timeout)
        except QueryTimeout as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    workers = [int(pid) for path in Path(f"/proc/{zygote}/task").glob("*/children") for pid in path.read_text().split()]
    priorities = {pid: os.getpriority(os.PRIO_PROCESS, pid) for pid in workers}
    thread.join()
    return priorities, errors


def test_a_query_using_the_cpu_is_lowered_in_priority(build: Build) -> None:
    """After 50 ms of CPU a query's worker runs at nice 10, so short queries get the CPU first; a worker
    stopped at the time limit is replaced by one at normal priority."""
    pool = QueryExecutor(build.dataset_path, size=1, max_size=2)
    pool.warm_up()
    try:
        priorities, errors = _priorities_while(pool, SLOW, timeout=1.5)
        assert len(errors) == 1  # stopped at the limit
        assert sorted(priorities.values()) == [10], priorities  # the one busy worker, demoted
        assert b"true" in pool.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=5).body
        fresh = pool._idle.queue[0].pid
        assert fresh not in priorities and os.getpriority(os.PRIO_PROCESS, fresh) == 0
    finally:
        pool.close()


@pytest.mark.parametrize("restorable", [True, False], ids=["priority restored", "not permitted"])
def test_a_demoted_worker_is_reused_at_normal_priority_or_replaced(
    build: Build, monkeypatch: pytest.MonkeyPatch, restorable: bool
) -> None:
    """A query that used the CPU but finished: its worker goes back to nice 0 and is reused where the system
    allows raising a priority (a reused worker has no copy-on-write faults to pay), else it is replaced."""
    if restorable and os.geteuid() != 0 and os.getpriority(os.PRIO_PROCESS, 0) == 0:
        try:  # can this user raise a priority again (RLIMIT_NICE)? find out on ourselves
            os.setpriority(os.PRIO_PROCESS, 0, 1)
            os.setpriority(os.PRIO_PROCESS, 0, 0)
        except OSError:
            pytest.skip("this user may not raise a process's priority")
    if not restorable:
        monkeypatch.setattr(executor_module, "_restore_priority", lambda worker: False)
    pool = QueryExecutor(build.dataset_path, size=1, max_size=1)
    pool.warm_up()
    try:
        priorities, errors = _priorities_while(pool, MEDIUM, timeout=30)
        assert not errors and sorted(priorities.values()) == [10], priorities
        (ran,) = priorities
        assert b"true" in pool.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=5).body
        idle = pool._idle.queue[0].pid
        assert os.getpriority(os.PRIO_PROCESS, idle) == 0
        assert (idle == ran) is restorable
    finally:
        pool.close()


def test_a_starved_query_is_not_mistaken_for_an_expensive_one(executor: QueryExecutor) -> None:
    """A worker that got no CPU by the deadline (here: stopped with SIGSTOP, as an overloaded machine might
    starve it) gets up to three times the limit; one that never runs is still stopped."""
    worker = executor._idle.queue[0]
    os.kill(worker.pid, signal.SIGSTOP)
    threading.Timer(0.8, os.kill, (worker.pid, signal.SIGCONT)).start()
    started = time.monotonic()
    assert b"true" in executor.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=0.5).body
    assert 0.7 < time.monotonic() - started < 1.5
    stuck = executor._idle.queue[0]
    os.kill(stuck.pid, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        executor.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=0.5)
    assert 1.4 < time.monotonic() - started < 4
    assert b"true" in executor.run(QueryRequest("ASK { ?s ?p ?o }", "json", 10), timeout=5).body
