"""Query worker processes: the only place queries are parsed and run, so any query can be stopped by killing
its process.

pyoxigraph's `query()` has no timeout and cannot be cancelled, and rdflib's parser (the guard) can spend
seconds on a long flat expression; both run in worker processes that the web worker kills on the time limit.

Each web worker starts one *zygote*: a spawned process that loads the store and imports the guard once, then
forks a query worker whenever the web worker asks. Forking costs milliseconds and the workers share the
zygote's memory copy-on-write, so:
- the pool grows on demand up to `max_size` (one worker per request thread: a request never waits for a
  worker while the others run slow queries; the kernel shares the CPU between them, so a cheap query still
  finishes quickly during a storm of slow ones) and shrinks back to `size` idle workers;
- a killed worker is replaced in milliseconds, not by reloading the store;
- a worker found dead before it was given a query is replaced and the query retried (it never started);
- a query that has used 50 ms of CPU is lowered in priority (nice 10), so short queries overtake long ones
  (and raised again afterwards where the system allows it, else its worker is replaced).
If the zygote itself dies it is spawned again. Every process dies with its parent (PR_SET_PDEATHSIG): web
worker -> zygote -> query workers, so no query outlives the web worker that asked for it.
Without a dataset the workers only parse (the queries run on another endpoint, remote.py).
With an on-disk store the zygote does not open it (RocksDB runs threads, and threads do not survive a fork);
each query worker opens it read-only after the fork instead.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path
from typing import Any

from aifkg.store import (
    NotRepresentable,
    QueryFailed,
    QueryOutcome,
    QueryRequest,
    TooManyRows,
    execute,
    open_store,
    open_store_read_only,
)

PR_SET_PDEATHSIG = 1
WARM_UP_QUERY = (
    "PREFIX ex: <http://example.org/> SELECT DISTINCT ?s (COUNT(?o) AS ?n) FROM NAMED <http://example.org/g> "
    'WHERE { ?s ex:p/ex:q* ?o OPTIONAL { GRAPH ?g { ?o ?p "x"@en } } FILTER(REGEX(STR(?o), "a") && ?o != 1) '
    "MINUS { ?s a ex:C } } GROUP BY ?s HAVING (COUNT(?o) > 1) ORDER BY DESC(?n) LIMIT 10"
)
_SPAWNER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="aifkg-spawner")
ZYGOTE_ATTEMPTS = 3
STARTED = b"started"
GROW_AFTER = 0.01  # seconds to wait for a busy worker before forking another: quick queries free one sooner
DEMOTE_AFTER = 0.05  # CPU seconds a query runs at normal priority; typical queries here take a few ms
DEMOTE_CHECK = 0.1  # how often a running query's CPU time is looked at
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STARVED_SHARE = 0.05  # CPU time, as a share of the limit, under which a query at its deadline was starved
STARVED_GRACE = 3  # a starved query may run this many times the limit
CORES = os.cpu_count() or 1
DEMOTED_NICE = 10  # the kernel then gives a normal-priority process about nine times its CPU share


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was stopped."""


class ExecutorUnavailable(Exception):
    """No worker could take the query in time, or a worker died."""


class Refused(Exception):
    """The guard refused the query; `status` and `message` are what the client gets."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, even mid-query (SIGKILL leaves no chance to
    clean up, and an orphan would run its query to the end)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe closing still ends an idle worker
        return
    if os.getppid() != parent or parent == 1:  # the parent died before prctl took effect
        os._exit(0)


def _restore_priority(worker: _Worker) -> bool:
    """Back to normal priority after a demoted query, where allowed (root, CAP_SYS_NICE, or an RLIMIT_NICE
    that permits it): a worker that has run queries is cheaper to reuse than a new fork, whose first queries
    copy every page of the shared store they touch (measured: +30-70 % on a 1M-triple store)."""
    try:
        os.setpriority(os.PRIO_PROCESS, worker.pid, 0)
    except OSError:
        return False
    worker.demoted = False
    return True


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from /proc (None where there is no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# --- inside the processes ----------------------------------------------------------------------------------


def _check(text: str, max_nesting: int) -> tuple[str, Any]:
    from aifkg.sparql import ProtocolError, check_query

    try:
        return "ok", check_query(text, len(text.encode("utf-8", "surrogatepass")), max_nesting)
    except ProtocolError as error:
        return "refused", (error.status, error.message)


def _answer(store: Any, request: QueryRequest) -> tuple[str, Any]:
    try:
        return "ok", execute(store, request)
    except TooManyRows:
        return "too-many-rows", request.max_rows
    except NotRepresentable as error:
        return "not-representable", str(error)
    except QueryFailed as error:
        return "failed", str(error)


def _serve(conn: Connection, open_store_here: Callable[[], Any]) -> None:
    """A query worker: answer ("check", text, max_nesting) and ("run", request) until the socket closes."""
    store = open_store_here()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        conn.send_bytes(STARTED)  # from here on a death is the query's doing: the parent must not retry it
        try:
            reply = _check(*message[1:]) if message[0] == "check" else _answer(store, message[1])
        except Exception as error:  # keep the worker alive; the parent logs and answers 500
            reply = ("crashed", f"{type(error).__name__}: {error}")
        conn.send(reply)


def _zygote_main(control: Connection, dataset_path: str, location: str | None) -> None:
    """Load once, then fork a query worker for every socket the web worker sends."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    from aifkg.sparql import check_query

    # pyparsing prepares its grammar on the first parse (a third of a second here): do it once, before any
    # fork, or every new worker pays it on its first query
    check_query(WARM_UP_QUERY, len(WARM_UP_QUERY), 64)

    if not dataset_path and not location:  # parse-only: the queries themselves run elsewhere (remote.py)

        def opener() -> Any:
            return None
    elif location:
        path = Path(location)  # not opened here: RocksDB starts threads, which a fork would not copy

        def opener() -> Any:
            return open_store_read_only(path)
    else:
        shared = open_store(Path(dataset_path))

        def opener() -> Any:
            return shared

    control.send(("ready", os.getpid()))
    while True:
        try:
            control.recv()
            fd = recv_handle(control)
        except (EOFError, OSError):
            return
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                _die_with_parent()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _serve(Connection(fd), opener)
            finally:
                os._exit(0)
        os.close(fd)
        control.send(("forked", pid))


# --- in the web worker -------------------------------------------------------------------------------------


@dataclass
class _Zygote:
    process: multiprocessing.process.BaseProcess
    control: Connection


@dataclass
class _Worker:
    pid: int
    conn: Connection
    demoted: bool = False
    cpu_at_start: float | None = None


class QueryExecutor:
    """Query workers forked on demand from one loaded zygote; at least `size` kept idle, at most `max_size`."""

    def __init__(
        self,
        dataset_path: Path | None,
        size: int = 1,
        location: Path | None = None,
        start_timeout: float = 120.0,
        max_size: int | None = None,
    ) -> None:
        self.dataset_path = dataset_path
        self.location = location
        self.start_timeout = start_timeout
        self.size = max(size, 1)
        self.max_size = max(max_size or self.size, self.size)
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()  # the warmest worker first
        self._lock = threading.Lock()
        self._zygote_lock = threading.Lock()
        self._zygote: _Zygote | None = None
        self._workers = 0  # idle or busy
        self._closed = False
        self.restarts = 0  # workers replaced after a timeout or a death
        self.zygote_starts = 0

    # zygote ---------------------------------------------------------------------------------------------

    def _spawn_zygote(self) -> _Zygote:
        """Start the zygote from the one long-lived spawner thread: Linux's parent-death signal follows the
        thread that started a child, and request threads come and go."""
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_zygote_main,
            args=(child_end, str(self.dataset_path or ""), str(self.location) if self.location else None),
            daemon=True,
            name="aifkg-query-zygote",
        )
        process.start()
        child_end.close()
        return _Zygote(process, parent_end)

    def _start_zygote(self) -> _Zygote:
        """A ready zygote, retried a few times: one killed while loading (the OOM killer) is not fatal."""
        last = "it did not start"
        for _ in range(ZYGOTE_ATTEMPTS):
            zygote = _SPAWNER.submit(self._spawn_zygote).result()
            self.zygote_starts += 1
            try:
                if zygote.control.poll(self.start_timeout):
                    status, _ = zygote.control.recv()
                    if status == "ready":
                        return zygote
                last = f"it did not answer within {self.start_timeout:g} s"
            except (EOFError, OSError):
                last = f"it exited with {zygote.process.exitcode}"
            self._stop_zygote(zygote)
        raise ExecutorUnavailable(f"the query engine could not start: {last}")

    def _stop_zygote(self, zygote: _Zygote) -> None:
        with contextlib.suppress(Exception):
            zygote.process.kill()
        zygote.process.join(timeout=5)
        zygote.control.close()

    def _fork(self) -> _Worker:
        """A new query worker; the zygote is (re)started when missing or dead."""
        with self._zygote_lock:
            for _ in range(2):
                if self._closed:
                    raise ExecutorUnavailable("the query engine is shutting down")
                if self._zygote is None or not self._zygote.process.is_alive():
                    if self._zygote is not None:
                        self._stop_zygote(self._zygote)
                    self._zygote = None
                    self._zygote = self._start_zygote()
                ours, theirs = socket.socketpair()
                try:
                    self._zygote.control.send("fork")
                    send_handle(self._zygote.control, theirs.fileno(), self._zygote.process.pid or 0)
                    if not self._zygote.control.poll(self.start_timeout):
                        raise OSError("the zygote did not fork")
                    _, pid = self._zygote.control.recv()
                except (EOFError, OSError):
                    ours.close()
                    self._stop_zygote(self._zygote)
                    self._zygote = None
                    continue
                finally:
                    theirs.close()
                return _Worker(pid, Connection(ours.detach()))
        raise ExecutorUnavailable("the query engine could not start a worker")

    # pool -----------------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the zygote and `size` idle workers, so the first query is not the slow one."""
        while (worker := self._grow(self.size)) is not None:
            self._idle.put(worker)

    def _grow(self, limit: int) -> _Worker | None:
        """A newly forked worker if fewer than `limit` exist (the slot is taken before forking), else None."""
        with self._lock:
            if self._workers >= limit:
                return None
            self._workers += 1
        try:
            return self._fork()
        except BaseException:
            with self._lock:
                self._workers -= 1
            raise

    def _acquire(self, wait: float) -> _Worker:
        """An idle live worker (waiting GROW_AFTER for one), else a new one while below max_size, else wait up
        to `wait` s for one to free up. Waiting a little first keeps a burst of quick queries on few workers
        (more processes than cores only add switching); growing keeps slow queries from queueing quick ones."""
        deadline = time.monotonic() + wait
        while True:
            try:
                worker = self._idle.get(timeout=min(GROW_AFTER, max(deadline - time.monotonic(), 0.0)))
            except queue.Empty:  # all busy for a while: slow queries, not a burst of quick ones
                grown = self._grow(self.max_size)
                if grown is not None:
                    return grown
                remaining = deadline - time.monotonic()
                try:
                    worker = self._idle.get(timeout=max(remaining, 0.0))
                except queue.Empty as error:
                    raise ExecutorUnavailable("all query workers are busy; try again shortly") from error
            if not worker.conn.poll(0):  # an idle worker has nothing to say; readable means it is gone
                return worker
            self._discard(worker)
            self.restarts += 1

    def _release(self, worker: _Worker) -> None:
        if self._closed or self._idle.qsize() >= self.size:
            self._discard(worker)  # the pool shrinks back once the rush is over
        else:
            self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.conn.close()
        with self._lock:
            self._workers -= 1

    def _crowded(self) -> bool:
        """Most of our workers busy (more than half of max_size, and more than the cores): then a starved
        query is starved by the others, a storm of slow queries that the limit must end, not by a machine
        busy elsewhere or a burst of quick queries (measured: a cheap one then waits for the storm's end)."""
        return self._workers - self._idle.qsize() > max(self.max_size // 2, CORES)

    def _wait(self, worker: _Worker, deadline: float, timeout: float, demote: bool) -> bool:
        """Wait for the reply until the deadline. A query that has used DEMOTE_AFTER seconds of CPU (looked
        at every DEMOTE_CHECK seconds) is niced, so the kernel gives the CPU to short queries first: a
        multi-level feedback queue made of the scheduler, in which slow queries still get every idle cycle
        and their full time limit. CPU time, not wall time: under load every query takes longer, and only
        the expensive ones should yield. For the same reason a query that got less than STARVED_SHARE of the
        limit in CPU by its deadline, while few of our queries run, was starved by a machine busy elsewhere
        rather than expensive: it gets up to STARVED_GRACE times the limit before it is stopped."""
        extended = False
        while True:
            wait = max(deadline - time.monotonic(), 0.0)
            if worker.conn.poll(wait if worker.demoted else min(DEMOTE_CHECK, wait)):
                return True
            spent = cpu_seconds(worker.pid)
            used = None if spent is None or worker.cpu_at_start is None else spent - worker.cpu_at_start
            if demote and not worker.demoted and (used is None or used >= DEMOTE_AFTER):
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, worker.pid, DEMOTED_NICE)
                worker.demoted = True
            if time.monotonic() >= deadline:
                if extended or used is None or used >= timeout * STARVED_SHARE or self._crowded():
                    return False
                deadline += timeout * (STARVED_GRACE - 1)
                extended = True

    def _call(self, message: tuple[Any, ...], timeout: float, demote: bool = True) -> tuple[str, Any]:
        """Send one message to a worker and wait at most `timeout` s for its reply."""
        for attempt in range(2):
            worker = self._acquire(timeout)
            deadline = time.monotonic() + timeout
            try:
                worker.cpu_at_start = cpu_seconds(worker.pid)
                worker.conn.send(message)
                # not yet running, so no CPU spent: an overloaded machine may delay even this (STARVED_GRACE)
                started = worker.conn.poll(timeout * STARVED_GRACE) and worker.conn.recv_bytes() == STARTED
            except (EOFError, OSError):  # it died before taking the query (killed while idle): try another
                self._discard(worker)
                self.restarts += 1
                if attempt == 0:
                    continue
                raise ExecutorUnavailable("the query worker stopped unexpectedly") from None
            try:
                ready = started and self._wait(worker, deadline, timeout, demote)
                reply: tuple[str, Any] = worker.conn.recv() if ready else ("timeout", None)
            except (EOFError, OSError) as error:
                self._discard(worker)
                self.restarts += 1
                raise ExecutorUnavailable("the query worker stopped unexpectedly") from error
            if reply[0] == "timeout":
                self._discard(worker)
                self.restarts += 1
            elif worker.demoted and not _restore_priority(worker):
                self._discard(worker)  # a fresh fork then, though it pays copy-on-write faults on a big store
            else:
                self._release(worker)
            return reply
        raise AssertionError("unreachable")

    # the two questions ----------------------------------------------------------------------------------

    def check(self, text: str, max_nesting: int, timeout: float) -> Any:
        """The guard's verdict on a query (a QueryInfo), parsed in a worker; raise Refused or QueryTimeout."""
        # not demoted: a long legitimate query can take rdflib 0.1-0.2 s of CPU to parse, and at nice 10 on a
        # busy machine it would not finish; a parser bomb is still stopped at the limit
        status, payload = self._call(("check", text, max_nesting), timeout, demote=False)
        if status == "ok":
            return payload
        if status == "refused":
            raise Refused(*payload)
        if status == "timeout":
            raise QueryTimeout(f"the query took longer than {timeout:g} s to parse and was stopped")
        raise RuntimeError(payload)

    def run(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Answer `request` within `timeout` seconds of work, or raise QueryTimeout."""
        status, payload = self._call(("run", request), timeout)
        if status == "ok":
            return payload
        if status == "timeout":
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        if status == "too-many-rows":
            raise TooManyRows(payload)
        if status == "not-representable":
            raise NotRepresentable(payload)
        if status == "failed":
            raise QueryFailed(payload)
        raise RuntimeError(payload)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._discard(self._idle.get_nowait())
            except queue.Empty:
                break
        with self._zygote_lock:
            if self._zygote is not None:
                self._stop_zygote(self._zygote)
                self._zygote = None
