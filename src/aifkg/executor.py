"""Query worker processes: the only place queries run, so a query can be stopped by killing its process.

pyoxigraph's `query()` has no timeout and cannot be cancelled, so each worker is a child process that
loads the store once and then answers requests over a pipe. The parent waits at most the time limit; a
worker that has not answered by then is killed and replaced, and the client gets a clear timeout.
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
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from aifkg.store import (
    NotRepresentable,
    QueryFailed,
    QueryOutcome,
    QueryRequest,
    TooManyRows,
    execute,
    open_store,
)

PR_SET_PDEATHSIG = 1
_SPAWNER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="aifkg-spawner")


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was stopped."""


class ExecutorUnavailable(Exception):
    """No worker could take the query in time, or a worker died."""


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its web worker dies, even mid-query (SIGKILL leaves no chance to
    clean up, and an orphan would run its query to the end)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe closing still ends an idle worker
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def _worker_main(conn: Connection, dataset_path: str, location: str | None) -> None:
    """Child process: load the store, then answer (request) -> (status, payload) until the pipe closes."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = open_store(Path(dataset_path), Path(location) if location else None)
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", execute(store, request)))
        except TooManyRows:
            conn.send(("too-many-rows", request.max_rows))
        except NotRepresentable as error:
            conn.send(("not-representable", str(error)))
        except QueryFailed as error:
            conn.send(("failed", str(error)))
        except Exception as error:  # keep the worker alive; the parent logs and answers 500
            conn.send(("crashed", f"{type(error).__name__}: {error}"))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False


class QueryExecutor:
    """A pool of query worker processes sharing one dataset file."""

    def __init__(
        self, dataset_path: Path, size: int = 1, location: Path | None = None, start_timeout: float = 120.0
    ) -> None:
        self.dataset_path = dataset_path
        self.location = location
        self.start_timeout = start_timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self.restarts = 0
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        """Start a worker from the one long-lived spawner thread: Linux's parent-death signal follows the
        thread that started a child, and request threads come and go."""
        return _SPAWNER.submit(self._spawn_here).result()

    def _spawn_here(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child_end, str(self.dataset_path), str(self.location) if self.location else None),
            daemon=True,
            name="aifkg-query-worker",
        )
        process.start()
        child_end.close()
        worker = _Worker(process=process, conn=parent_end)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with contextlib.suppress(Exception):
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def _await_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.conn.poll(self.start_timeout):
            raise ExecutorUnavailable("the query worker did not start")
        try:
            status, _ = worker.conn.recv()
        except (EOFError, OSError) as error:
            raise ExecutorUnavailable("the query worker failed to start") from error
        if status != "ready":
            raise ExecutorUnavailable("the query worker failed to start")
        worker.ready = True

    def warm_up(self) -> None:
        """Wait until every idle worker has loaded the store (so the first query is not the slow one)."""
        workers = []
        while True:
            try:
                workers.append(self._idle.get_nowait())
            except queue.Empty:
                break
        try:
            for worker in workers:
                self._await_ready(worker)
        finally:
            for worker in workers:
                self._idle.put(worker)

    def run(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Answer `request` within `timeout` seconds of work, or raise QueryTimeout."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as error:
            raise ExecutorUnavailable("all query workers are busy; try again shortly") from error
        replacement: _Worker | None = None
        try:
            self._await_ready(worker)
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                replacement = self._spawn()
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            replacement = replacement or self._spawn()
            raise ExecutorUnavailable("the query worker stopped unexpectedly") from error
        finally:
            if replacement is not None:
                self._retire(worker)
                self.restarts += 1
                self._idle.put(replacement)
            else:
                self._idle.put(worker)
        if status == "ok":
            return payload
        if status == "too-many-rows":
            raise TooManyRows(payload)
        if status == "not-representable":
            raise NotRepresentable(payload)
        if status == "failed":
            raise QueryFailed(payload)
        raise RuntimeError(payload)

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._retire(worker)
