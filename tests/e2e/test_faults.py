"""Faults on the real server: killed web workers and query workers, a corrupted build cache, broken input files.

Processes are found through /proc: web workers are the server process's children, each web worker's zygote
its child started by multiprocessing's spawn, and query workers the zygote's forked children.
Whatever a test leaves behind (an orphaned query worker, say) is killed by pid at its end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from aifkg.build import DATASET_FILE, MANIFEST, Build, run_build
from tests.conftest import MINI, MINI_BASE, mini_settings
from tests.e2e.conftest import alive, free_port, terminate

pytestmark = pytest.mark.e2e
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"


# --- processes ---------------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found: list[int] = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in path.read_text().split()]
    return found


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        for child in children(stack.pop()):
            found.append(child)
            stack.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def kill_all(pids: list[int]) -> None:
    """SIGKILL each of these processes by pid (never 0, 1 or a negative id, which mean groups or init)."""
    for pid in pids:
        if pid <= 1 or pid == os.getpid():
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


# --- a server of our own -----------------------------------------------------------------------------------


@dataclass
class Server:
    """`aifkg serve` on 127.0.0.1; its output is drained (a full pipe would block it) and kept for messages."""

    process: subprocess.Popen[bytes]
    url: str
    output: deque[bytes] = field(default_factory=lambda: deque(maxlen=400))
    seen: set[int] = field(default_factory=set)  # every descendant ever seen, so none outlives the test

    def __post_init__(self) -> None:
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.append(chunk)

    def text(self) -> str:
        return b"".join(self.output).decode("utf-8", "replace")

    def web_workers(self) -> list[int]:
        workers = [p for p in children(self.process.pid) if "multiprocessing" not in cmdline(p) and alive(p)]
        self.seen.update(workers)
        return workers

    def zygotes(self, web_worker: int | None = None) -> list[int]:
        """Each web worker's one spawned child, which loads the store and forks the query workers."""
        webs = [web_worker] if web_worker else self.web_workers()
        found = [z for w in webs for z in children(w) if "spawn_main" in cmdline(z) and alive(z)]
        self.seen.update(found)
        return found

    def query_workers(self, web_worker: int | None = None) -> list[int]:
        found = [q for z in self.zygotes(web_worker) for q in children(z) if alive(q)]
        self.seen.update(found)
        return found

    def settled(self, expected_web_workers: int = 2, per_web_worker: int = 2) -> bool:
        """Every web worker up with all its query workers, and those idle (done loading the store).

        /health answers as soon as one web worker is ready; the others may still be warming up.
        """
        webs = self.web_workers()
        if len(webs) != expected_web_workers:
            return False
        workers = self.query_workers()
        if len(workers) != expected_web_workers * per_web_worker:
            return False
        before = {q: cpu_ticks(q) for q in workers}
        time.sleep(0.3)
        return all(cpu_ticks(q) == ticks for q, ticks in before.items())

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        self.seen.update(descendants(self.process.pid))
        terminate(self.process)
        wait_until(lambda: not any(alive(p) for p in self.seen), 5)
        kill_all([p for p in self.seen if alive(p)])
        if self.process.stdout:
            self.process.stdout.close()


def source_args(root: Path, cache: Path) -> list[str]:
    return [
        "--ontology",
        str(root / "ontology"),
        "--data",
        str(root / "data"),
        "--shapes",
        str(root / "shapes"),
        "--base-iri",
        MINI_BASE,
        "--cache",
        str(cache),
        "--quiet",
    ]


def launch(args: list[str], env: dict[str, str] | None = None, port: int | None = None) -> Server:
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aifkg.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return Server(process=process, url=f"http://127.0.0.1:{port}")


@contextlib.contextmanager
def running(args: list[str], env: dict[str, str] | None = None, startup: float = 90.0) -> Iterator[Server]:
    """A healthy server, or a failed test that says what the server printed."""
    server = launch(args, env)
    try:
        if not wait_until(lambda: server.process.poll() is not None or server.healthy(), startup, 0.2):
            pytest.fail(f"server did not answer /health within {startup:g} s; it printed:\n{server.text()[-3000:]}")
        if server.process.poll() is not None:
            pytest.fail(f"server exited with {server.process.returncode}:\n{server.text()[-3000:]}")
        if not wait_until(server.settled, 60, 0.2):
            pytest.fail(f"the server's workers did not settle within 60 s; it printed:\n{server.text()[-3000:]}")
        yield server
    finally:
        server.stop()


def ask(url: str, query: str, timeout: float = 30) -> tuple[int, bytes]:
    """GET /sparql: (status, body); status -1 when the connection failed or timed out."""
    target = f"{url}/sparql?{urllib.parse.urlencode({'query': query})}"
    try:
        with urllib.request.urlopen(target, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()
    except OSError as error:
        return -1, repr(error).encode()


def count_quads(url: str) -> int:
    status, body = ask(url, COUNT_QUADS)
    assert status == 200, (status, body)
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@dataclass
class Load:
    """Client threads asking distinct cheap queries (never cached) until stopped; bounded in count."""

    url: str
    clients: int = 4
    answers: list[tuple[float, int, bytes]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        for _ in range(self.clients):
            thread = threading.Thread(target=self._run, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _run(self) -> None:
        tag = uuid.uuid4().hex[:8]
        for i in range(3000):
            if self._stop.is_set():
                return
            status, body = ask(self.url, f"ASK {{ ?s ?p '{tag}-{i}' }}", timeout=30)
            self.answers.append((time.monotonic(), status, body[:80]))

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=35)


# --- killed processes --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini graph, built once for the servers of this module."""
    folder = tmp_path_factory.mktemp("faults-cache")
    run_build(mini_settings(folder))
    return folder


def test_killed_web_worker_is_replaced_while_serving(cache: Path, build: Build) -> None:
    with running([*source_args(MINI, cache)], {"AIFKG_QUERY_TIMEOUT": "5"}) as server:
        before = server.web_workers()
        assert len(before) == 2, before
        with Load(server.url) as load:
            time.sleep(1.0)
            victim = before[0]
            victim_query_workers = server.query_workers(victim)
            killed_at = time.monotonic()
            kill_all([victim])
            replaced = wait_until(lambda: len(server.web_workers()) == 2 and victim not in server.web_workers(), 30)
            time.sleep(2.0)
        assert replaced, f"no replacement web worker: {server.web_workers()} (killed {victim})"
        assert server.process.poll() is None, server.text()[-2000:]
        after = [a for a in load.answers if a[0] > killed_at]
        server_errors = [a for a in load.answers if a[1] >= 500]
        lost = [a for a in after if a[1] == -1]
        assert not server_errors, server_errors[:3]
        # requests on the killed worker's connections are lost (reset); a client's retry may land there too
        assert len(lost) <= 3 * load.clients, ("more lost requests than the kill explains", lost[:5])
        assert after[-20:] and all(a[1] == 200 for a in after[-20:]), after[-20:]
        assert count_quads(server.url) == build.stats.total_triples  # the mini fixture's whole dataset
        orphans = [q for q in victim_query_workers if alive(q)]
        assert wait_until(lambda: not any(alive(q) for q in victim_query_workers), 10), (
            "query workers of the killed web worker outlived it",
            orphans,
        )


def test_query_worker_dies_with_its_killed_web_worker_mid_query(cache: Path, build: Build) -> None:
    """A web worker killed while its query worker runs a long query: that query worker must not run on alone."""
    env = {"AIFKG_QUERY_TIMEOUT": "30"}
    with running([*source_args(MINI, cache)], env) as server:
        outcome: list[tuple[int, bytes]] = []
        client = threading.Thread(target=lambda: outcome.append(ask(server.url, SLOW, timeout=40)), daemon=True)
        client.start()
        workers = {q: cpu_ticks(q) for q in server.query_workers()}

        def busy() -> int | None:
            spent = {q: cpu_ticks(q) - ticks for q, ticks in workers.items()}
            best = max(spent, key=lambda q: spent[q], default=None)
            return best if best is not None and spent[best] >= 20 else None  # 0.2 s of CPU: it is running

        assert wait_until(lambda: busy() is not None, 15), "no query worker started the slow query"
        runner = busy()
        assert runner is not None
        web = parent(parent(runner))  # query worker -> zygote -> web worker
        assert web in server.web_workers(), (runner, web)
        kill_all([web])
        try:
            gone = wait_until(lambda: not alive(runner), 10)
            assert gone, (
                f"query worker {runner} still runs the query {10} s after its web worker {web} was killed "
                f"(now a child of pid {parent(runner)}, {cpu_ticks(runner) / os.sysconf('SC_CLK_TCK'):.1f} s CPU)"
            )
        finally:
            kill_all([runner] if alive(runner) else [])
        client.join(timeout=45)
        assert wait_until(lambda: count_quads(server.url) == build.stats.total_triples, 30)


@pytest.mark.parametrize("with_zygotes", [False, True], ids=["query workers", "query workers and zygotes"])
def test_killed_query_workers_fail_no_query(cache: Path, with_zygotes: bool) -> None:
    """Every query worker (and zygote) killed while idle: the queries after it are answered (new ones take
    them)."""
    with running([*source_args(MINI, cache)], {"AIFKG_QUERY_TIMEOUT": "5"}) as server:
        victims = server.query_workers()
        assert len(victims) == 4, victims  # 2 web workers x 2 query workers
        if with_zygotes:
            victims += server.zygotes()
        kill_all(victims)
        assert wait_until(lambda: not any(alive(v) for v in victims), 10)
        tag = uuid.uuid4().hex[:8]
        answers = [ask(server.url, f"ASK {{ ?s ?p '{tag}-{i}' }}") for i in range(12)]
        failed = [(i, status, body[:80]) for i, (status, body) in enumerate(answers) if status != 200]
        assert not failed, f"{len(failed)} of 12 queries after the kill failed: {failed}"
        # dead workers are replaced when a request finds them, so a web worker that got no query yet may hold
        # none; none is leaked either
        assert 1 <= len(server.query_workers()) <= 4, server.query_workers()


def test_query_worker_death_during_warm_up_keeps_the_server_up(cache: Path) -> None:
    """A replacement web worker whose zygote dies while loading the store (OOM killer, say):
    the server must retry, not shut down."""
    with running([*source_args(MINI, cache)], {"AIFKG_QUERY_TIMEOUT": "5"}) as server:
        victim = server.web_workers()[0]
        kill_all([victim])
        loading: list[int] = []

        def replacement_loading() -> bool:
            new = [w for w in server.web_workers() if w != victim and w not in server_webs_before]
            loading[:] = [z for w in new for z in server.zygotes(w)]
            return bool(loading)

        server_webs_before = [w for w in server.web_workers() if w != victim]
        assert wait_until(replacement_loading, 30, 0.01), "no replacement web worker started its query workers"
        kill_all(loading)
        time.sleep(3)
        assert server.process.poll() is None, (
            f"the server exited with {server.process.returncode}: {server.text()[-600:]}"
        )
        assert wait_until(server.settled, 60, 0.2), server.text()[-2000:]
        tag = uuid.uuid4().hex[:8]
        answers = [ask(server.url, f"ASK {{ ?s ?p '{tag}-{i}' }}")[0] for i in range(10)]
        assert answers == [200] * 10, answers


# --- a corrupted cache -------------------------------------------------------------------------------------


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _same_size_garbage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = (b"\x00\xffgarbage" * 8)[:64]
    path.write_bytes(bytes(data))


CORRUPTIONS: dict[str, Callable[[Build], None]] = {
    "dataset truncated": lambda build: _truncate(build.folder / DATASET_FILE),
    "dataset garbage, same size": lambda build: _same_size_garbage(build.folder / DATASET_FILE),
    "manifest garbage": lambda build: (build.folder / MANIFEST).write_bytes(b"\x00{not json"),
    "turtle dump truncated": lambda build: _truncate(build.dump_path("aifkg.ttl")),
    "current pointer garbage": lambda build: (build.folder.parent.parent / "current").write_text("../../etc\n"),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_corrupted_cache_is_rebuilt_not_served(tmp_path: Path, corruption: str) -> None:
    build = run_build(mini_settings(tmp_path))
    expected = build.stats.total_triples
    CORRUPTIONS[corruption](build)
    with running(source_args(MINI, tmp_path), {"AIFKG_QUERY_TIMEOUT": "5"}, startup=45) as server:
        assert count_quads(server.url) == expected
        for name, rdf_format in (("aifkg.ttl", ox.RdfFormat.TURTLE), ("aifkg.nq", ox.RdfFormat.N_QUADS)):
            with urllib.request.urlopen(f"{server.url}/dumps/{name}", timeout=10) as response:
                body = response.read()
            try:
                parsed = sum(1 for _ in ox.parse(body, format=rdf_format))
            except SyntaxError as error:
                raise AssertionError(f"/dumps/{name} is served broken: {error}") from error
            assert parsed == expected, (name, parsed)


# --- broken input at start-up ------------------------------------------------------------------------------


BREAKAGES: dict[str, tuple[str, bytes]] = {
    "unterminated string": ("data/mini-data.ttl", b'\n<https://example.org/a> <https://example.org/b> "open .\n'),
    "not turtle at all": ("data/mini-data.ttl", b"\nthis is not turtle\n"),
    "undefined prefix": ("data/mini-data.ttl", b"\nnope:a nope:b nope:c .\n"),
    "invalid UTF-8": ("ontology/mini.ttl", b'\n<https://example.org/a> <https://example.org/b> "\xff\xfe" .\n'),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_broken_input_file_stops_start_up_with_a_readable_error(tmp_path: Path, breakage: str) -> None:
    source = tmp_path / "src"
    shutil.copytree(MINI, source)
    relative, garbage = BREAKAGES[breakage]
    broken = source / relative
    with broken.open("ab") as handle:
        handle.write(garbage)
    port = free_port()
    server = launch(source_args(source, tmp_path / "cache"), port=port)
    listened = False
    try:
        deadline = time.monotonic() + 90
        while server.process.poll() is None and time.monotonic() < deadline:
            with socket.socket() as probe:
                probe.settimeout(0.2)
                listened = listened or probe.connect_ex(("127.0.0.1", port)) == 0
            time.sleep(0.05)
        assert server.process.poll() is not None, "the server started on broken input"
    finally:
        server.stop()
    output = server.text().strip()
    assert server.process.returncode != 0
    assert not listened, "the port was open while the input was broken"
    assert str(broken) in output or broken.name in output, output
    assert "Traceback" not in output and 'File "' not in output, output
    lines = output.splitlines()
    assert 1 <= len(lines) <= 3, output
    reason = output.split(broken.name, 1)[-1].strip(" :\n")
    assert len(reason) > 20 and not reason.endswith(":"), f"no reason after the file name: {output!r}"


# --- the server process itself killed ----------------------------------------------------------------------


def test_killed_server_process_leaves_no_orphans(cache: Path) -> None:
    """SIGKILL to the main process (no chance to stop its workers): every web worker, zygote and query
    worker it started exits on its own within seconds instead of serving on as an orphan."""
    server = launch([*source_args(MINI, cache)], {"AIFKG_QUERY_TIMEOUT": "5"})
    try:
        assert wait_until(lambda: server.healthy() and server.settled(), 90, 0.2), server.text()[-2000:]
        everything = descendants(server.process.pid)
        assert len(everything) >= 2 + 2 + 4, everything  # web workers, zygotes, query workers
        server.process.kill()
        server.process.wait()
        survivors = lambda: [p for p in everything if alive(p)]  # noqa: E731
        assert wait_until(lambda: not survivors(), 15), [(p, cmdline(p)[:80]) for p in survivors()]
    finally:
        server.stop()
