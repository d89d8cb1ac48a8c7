"""Query workers: the processes that parse, run and serialise every query, so any query can be stopped by
killing its process and none can open a network connection.

pyoxigraph's `query()` has no timeout and cannot be cancelled, and it would follow SERVICE over HTTP; so a
query runs in a worker process that the web worker kills at the deadline, and that process has given up
the right to create sockets (sandbox.py) before it ever sees a query.

Each web worker spawns one *zygote*: a fresh process that loads the store, runs a warm-up query, installs
the network filter, and then forks a query worker whenever asked (milliseconds; the workers share the
zygote's memory copy-on-write). A request takes one message to a worker and one reply back:
- admission: at most `max_size` queries run at once, and at most `queue_limit` more wait for a worker;
  past that the request is refused at once (Overloaded: 503 with Retry-After), not queued without bound;
- the pool keeps `size` workers idle and grows on demand to `max_size` (one per request thread) when no
  worker frees up within GROW_AFTER, so a cheap query never waits long behind slow ones (the kernel shares
  the CPU between them); extra workers retire after standing idle for `idle_retire` seconds;
- one deadline per request, from admission: waiting for a worker, parsing, running and serialising all
  count. At the deadline the worker is killed (QueryTimeout: 503) and a new one forked in the background;
- a query that has used DEMOTE_AFTER seconds of CPU is niced, so the kernel runs short queries first (CPU
  time, not wall time: under load every query takes longer, and only expensive ones should yield);
- a worker that dies before it replies is replaced and the query tried once more on a fresh one (one killed
  while idle, or by the OOM killer, fails no query); a second death is an engine failure; a dead zygote is
  spawned again.
Every process dies with its parent (PR_SET_PDEATHSIG), so no query outlives the web worker that asked.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import math
import multiprocessing
import os
import queue
import select
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path
from typing import Any

from aifkg.sandbox import SandboxUnavailable, deny_network
from aifkg.store import (
    EngineFailure,
    NotAcceptable,
    NotRepresentable,
    QueryFailed,
    QueryOutcome,
    QueryRequest,
    QuerySyntaxError,
    TooManyRows,
    execute,
    open_store,
)

PR_SET_PDEATHSIG = 1
WARM_UP_QUERY = (
    "PREFIX ex: <http://example.org/> SELECT DISTINCT ?s (COUNT(?o) AS ?n) FROM NAMED <http://example.org/g> "
    'WHERE { ?s ex:p/ex:q* ?o OPTIONAL { GRAPH ?g { ?o ?p "x"@en } } FILTER(REGEX(STR(?o), "a") && ?o != 1) '
    "MINUS { ?s a ex:C } } GROUP BY ?s HAVING (COUNT(?o) > 1) ORDER BY DESC(?n) LIMIT 10"
)
ZYGOTE_ATTEMPTS = 3
GROW_AFTER = 0.01  # seconds a query waits for a busy worker to free up before another is forked
DEMOTE_AFTER = 0.05  # CPU seconds a query runs at normal priority; typical queries here take a few ms
DEMOTE_CHECK = 0.1  # how often a running query's CPU time is looked at
DEMOTED_NICE = 10  # the kernel then gives a normal-priority process about nine times its CPU share
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# one long-lived thread starts the zygotes: Linux's parent-death signal follows the thread that started a
# child, and request threads come and go
_SPAWNER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="aifkg-spawner")
# what a worker's reply names, back to the exception the engine raised
_ERRORS: dict[str, type[Exception]] = {
    "syntax": QuerySyntaxError,
    "not-acceptable": NotAcceptable,
    "not-representable": NotRepresentable,
    "too-many-rows": TooManyRows,
    "failed": QueryFailed,
    "engine": EngineFailure,
}


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was stopped."""


class Overloaded(Exception):
    """Too many queries in flight: refused without waiting, or no worker freed up before the deadline."""


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, even mid-query (an orphan would run its query
    to the end)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # this process's own symbols: libc's among them
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe closing still ends an idle worker
        return
    if os.getppid() != parent or parent == 1:  # the parent died before prctl took effect
        os._exit(0)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from /proc (None where there is no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# --- inside the processes ----------------------------------------------------------------------------------


def _message(request: QueryRequest) -> tuple[Any, ...]:
    """What travels to a worker: the request's own fields as a plain tuple (a third of a dataclass's pickling
    cost); the base IRI and prefixes are the executor's, given to the zygote once."""
    return (
        request.query,
        request.result_format,
        request.other_format,
        request.max_rows,
        request.default_graphs,
        request.named_graphs,
        request.bindings,
    )


def answer_in_worker(store: Any, request: QueryRequest) -> tuple[str, Any]:
    """One query's reply: ("ok", outcome) or (error name, message)."""
    try:
        outcome = execute(store, request)
        return "ok", (outcome.body, outcome.result_format)
    except TooManyRows:
        return "too-many-rows", str(request.max_rows)
    except (QuerySyntaxError, NotAcceptable, NotRepresentable, QueryFailed, EngineFailure) as error:
        name = next(key for key, kind in _ERRORS.items() if isinstance(error, kind))
        return name, str(error)
    except Exception as error:  # keep the worker alive; the web worker answers 500
        return "engine", f"{type(error).__name__}: {error}"


def _serve(conn: Connection, store: Any, base_iri: str | None, prefixes: dict[str, str]) -> None:
    """A query worker: answer each request until the socket closes. Each reply carries the worker's CPU
    time so far, from which the web worker tells how much CPU the next query has used without reading /proc
    first."""
    while True:
        try:
            query, result_format, other_format, max_rows, default_graphs, named_graphs, bindings = conn.recv()
        except (EOFError, OSError):
            return
        request = QueryRequest(
            query, result_format, max_rows, default_graphs, named_graphs, base_iri, prefixes, other_format, bindings
        )
        status, payload = answer_in_worker(store, request)
        conn.send((status, payload, time.process_time()))


def _zygote_main(control: Connection, dataset_path: str, base_iri: str | None, prefixes: dict[str, str]) -> None:
    """Load once, give up networking, then fork a query worker for every socket the web worker sends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server stops us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the spawner until now
    _die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    os.environ["RUST_BACKTRACE"] = "0"  # an engine panic is reported to the client in one line, not logged
    store = open_store(Path(dataset_path))
    # the engine's lazy set-up (regex, plan and serialiser code paths) happens once here, not in every fork
    answer_in_worker(store, QueryRequest(WARM_UP_QUERY, "json", 10))
    try:
        deny_network()
    except SandboxUnavailable as error:
        control.send(("failed", f"the query sandbox could not be installed: {error}"))
        return
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
                _serve(Connection(fd), store, base_iri, prefixes)
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
    poller: select.poll = field(default_factory=select.poll)
    demoted: bool = False
    cpu_used: float = 0.0  # CPU seconds after its last query (a fork starts at zero)
    idle_since: float = 0.0
    slow: bool = False  # its current query has used DEMOTE_AFTER of CPU (counted in _slow_running)

    def __post_init__(self) -> None:
        self.poller.register(self.conn.fileno(), select.POLLIN)

    def readable(self, timeout: float) -> bool:
        """Whether the worker has said something (or closed its end) within `timeout` seconds: one poll(2)
        on a poller made once (Connection.poll builds a selector on every call: a third of the hop's CPU)."""
        return bool(self.poller.poll(max(math.ceil(timeout * 1000), 0)))


class QueryExecutor:
    """Query workers forked from one loaded zygote: `size` kept idle, at most `max_size` running, at most
    `queue_limit` more requests waiting for one."""

    def __init__(
        self,
        dataset_path: Path,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        size: int = 2,
        max_size: int | None = None,
        queue_limit: int = 64,
        start_timeout: float = 120.0,
        idle_retire: float = 30.0,
    ) -> None:
        self.dataset_path = dataset_path
        self.base_iri = base_iri
        self.prefixes = dict(prefixes or {})
        self.size = max(size, 1)
        self.max_size = max(max_size or self.size, self.size)
        self.start_timeout = start_timeout
        self.idle_retire = idle_retire
        self._admission = threading.BoundedSemaphore(self.max_size + max(queue_limit, 0))
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()  # the warmest worker first
        self._lock = threading.Lock()
        self._zygote_lock = threading.Lock()
        self._zygote: _Zygote | None = None
        self._workers = 0  # idle or busy
        self._slow_running = 0  # busy workers whose query has used DEMOTE_AFTER of CPU
        self._closed = False
        self.restarts = 0  # workers replaced after a timeout or a death

    # zygote ---------------------------------------------------------------------------------------------

    def _spawn_zygote(self) -> _Zygote:
        # SIGINT blocked in this (spawner) thread is blocked in the child from its first instruction, so a
        # Ctrl-C while a zygote starts never interrupts its start-up with a traceback; it unblocks it itself
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_zygote_main,
            args=(child_end, str(self.dataset_path), self.base_iri, self.prefixes),
            daemon=True,
            name="aifkg-query-zygote",
        )
        process.start()
        child_end.close()
        return _Zygote(process, parent_end)

    def _start_zygote(self) -> _Zygote:
        """A ready zygote, tried a few times: one killed while loading (the OOM killer) is not fatal."""
        last = "it did not start"
        for _ in range(ZYGOTE_ATTEMPTS):
            zygote = _SPAWNER.submit(self._spawn_zygote).result()
            try:
                if zygote.control.poll(self.start_timeout):
                    status, detail = zygote.control.recv()
                    if status == "ready":
                        return zygote
                    last = str(detail)
                else:
                    last = f"it did not answer within {self.start_timeout:g} s"
            except (EOFError, OSError):
                last = f"it exited with {zygote.process.exitcode}"
            self._stop_zygote(zygote)
        raise Overloaded(f"the query engine could not start: {last}")

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
                    raise Overloaded("the query engine is shutting down")
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
        raise Overloaded("the query engine could not start a worker")

    # pool -----------------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the zygote and `size` idle workers, so the first query is not the slow one."""
        while (worker := self._grow(self.size)) is not None:
            self._idle.put(worker)

    def _replenish(self) -> None:
        """Back to `size` idle workers after one was killed, off the request path."""
        with contextlib.suppress(Exception):
            while not self._closed and self._idle.qsize() < self.size:
                worker = self._grow(self.max_size)
                if worker is None:
                    return
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

    def _acquire(self, deadline: float) -> _Worker:
        """An idle live worker, else the first one freed. While every worker is busy, another is forked
        only below `size` or when a slow query holds one (one that has used DEMOTE_AFTER of CPU): then a
        quick query must not queue behind it, and the kernel shares the CPU between them. A burst of quick
        queries queues on the workers there are instead: more processes than cores only add switching, and
        every fork costs milliseconds and copy-on-write faults."""
        while True:
            try:
                worker = self._idle.get(timeout=min(GROW_AFTER, max(deadline - time.monotonic(), 0.0)))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise Overloaded("all query workers stayed busy until the time limit") from None
                if self._workers < self.size or self._slow_running > 0:
                    grown = self._grow(self.max_size)
                    if grown is not None:
                        return grown
                continue
            if not worker.readable(0):  # an idle worker has nothing to say; readable means it is gone
                return worker
            self._discard(worker)

    def _release(self, worker: _Worker) -> None:
        self._done_slow(worker)
        if worker.demoted:
            try:
                os.setpriority(os.PRIO_PROCESS, worker.pid, 0)  # allowed for root or with CAP_SYS_NICE
                worker.demoted = False
            except OSError:
                self._discard(worker)  # a fresh fork instead of a worker that stays at low priority
                return
        if self._closed:
            self._discard(worker)
            return
        worker.idle_since = time.monotonic()
        self._idle.put(worker)
        self._retire_idle(worker.idle_since - self.idle_retire)

    def _retire_idle(self, before: float) -> None:
        """The pool shrinks back to `size` once extra workers have stood idle for `idle_retire` seconds (the
        least recently used first); keeping them until then spares a fork per request in a steady load."""
        while True:
            with self._idle.mutex:
                spare = self._idle.queue
                if len(spare) <= self.size or spare[0].idle_since > before:
                    return
                oldest = spare.pop(0)
            self._discard(oldest)

    def _done_slow(self, worker: _Worker) -> None:
        """The worker's query is over: it no longer counts as a slow query holding a worker."""
        if worker.slow:
            worker.slow = False
            with self._lock:
                self._slow_running -= 1

    def _discard(self, worker: _Worker) -> None:
        self._done_slow(worker)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.conn.close()
        with self._lock:
            self._workers -= 1
        self.restarts += 1

    def _wait(self, worker: _Worker, deadline: float) -> bool:
        """Wait for the reply until the deadline, nicing the worker once its query has used DEMOTE_AFTER
        seconds of CPU: short queries then overtake it, and it still gets every idle cycle."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return worker.readable(0)
            if worker.readable(remaining if worker.demoted else min(DEMOTE_CHECK, remaining)):
                return True
            spent = cpu_seconds(worker.pid)
            if not worker.demoted and (spent is None or spent - worker.cpu_used >= DEMOTE_AFTER):
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, worker.pid, DEMOTED_NICE)
                worker.demoted = worker.slow = True
                with self._lock:
                    self._slow_running += 1

    def run(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Answer `request` within `timeout` seconds from now, or raise QueryTimeout, Overloaded or the
        engine's error for this query."""
        if not self._admission.acquire(blocking=False):
            raise Overloaded("too many queries are waiting; try again shortly")
        try:
            status, payload = self._ask(request, time.monotonic() + timeout, timeout)
        finally:
            self._admission.release()
        if status == "ok":
            return QueryOutcome(*payload)
        raise _ERRORS[status](payload)

    def _ask(self, request: QueryRequest, deadline: float, timeout: float) -> tuple[str, Any]:
        """One message out, one reply back. A worker that dies before replying (killed while idle, by the
        OOM killer, or by a crash in the engine) is replaced and the query tried once more on a fresh one;
        a second death is the query's doing: an engine failure."""
        for attempt in range(2):
            worker = self._acquire(deadline)
            try:
                worker.conn.send(_message(request))
                if not self._wait(worker, deadline):
                    self._discard(worker)
                    _SPAWNER.submit(self._replenish)
                    raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
                status, payload, worker.cpu_used = worker.conn.recv()
            except (EOFError, OSError):
                self._discard(worker)
                _SPAWNER.submit(self._replenish)
                if attempt == 0:
                    continue
                return "engine", "the query engine crashed on this query"
            self._release(worker)
            return status, payload
        raise AssertionError("unreachable")

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
