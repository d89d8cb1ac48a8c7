"""A bounded soak: `python -m benchmarks.soak --seconds 60 --clients 8`.

Starts `aifkg serve` on 127.0.0.1 (the project's own graph if `ontology/` and `data/` build, else the small
fixture graph), then runs client threads for a fixed time: cheap queries (distinct, so most reach a query
worker, plus some repeated ones the caches answer) and about 5 % expensive ones (cartesian products,
unbounded paths, regex over built strings, multi-megabyte results), while wrk asks the worked questions
(`--mix-clients` connections) for the bulk of the requests. It reports requests served, failures
among the cheap ones, p50/p99 latency per kind, and the resident memory (VmRSS) of the server and its
children at the start, at each quarter of the run and at the end. Traffic goes only to 127.0.0.1; every
loop is bounded in time and count.
Nothing here asserts: the table is for the record.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load import LoadResult, run_wrk

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
MINI_BASE = "https://example.org/kg/"
MAX_REQUESTS_PER_CLIENT = 200_000
EXPENSIVE = [
    "SELECT (COUNT(*) AS ?n) {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }} # {n}",
    "SELECT (COUNT(*) AS ?n) {{ ?a (<urn:p>|!<urn:p>)* ?b . ?c (<urn:p>|!<urn:p>)* ?d }} # {n}",
    "SELECT * {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} OFFSET 100000000000 LIMIT 1 # {n}",
    "SELECT (COUNT(*) AS ?n) {{ ?s ?p ?o . ?x ?y ?z . BIND(CONCAT(REPLACE(STR(?o), '.', 'aaaaaaaaaa'), '!') AS ?l)"
    " FILTER(REGEX(?l, '(a+)+$')) }} # {n}",
    # one row holding a 4 MB literal: under the row limit, so it is answered (and cached) in full
    "SELECT ?l {{ BIND('aaaaaaaaaa' AS ?x0) BIND(REPLACE(?x0, 'a', 'aaaaaaaaaa') AS ?x1) "
    "BIND(REPLACE(?x1, 'a', 'aaaaaaaaaa') AS ?x2) BIND(REPLACE(?x2, 'a', 'aaaaaaaaaa') AS ?x3) "
    "BIND(REPLACE(?x3, 'a', 'aaaaaaaaaa') AS ?x4) BIND(REPLACE(?x4, 'a', 'aaaaaaaaaa') AS ?x5) "
    "BIND(CONCAT(?x5, ?x5, ?x5, ?x5, '{n}') AS ?l) }}",
]
REPEATED = [
    "ASK {{ ?s ?p ?o }}",
    "SELECT ?c (COUNT(?s) AS ?n) {{ ?s a ?c }} GROUP BY ?c ORDER BY DESC(?n) LIMIT 10",
    "SELECT ?s ?label {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?s LIMIT 20",
]
DISTINCT = [
    "ASK {{ ?s ?p '{tag}-{n}' }}",
    "SELECT ?s ?p {{ ?s ?p ?o FILTER(?o != '{tag}-{n}') }} LIMIT 5",
    "SELECT (COUNT(*) AS ?n) {{ ?s a ?c FILTER(STR(?c) != '{tag}-{n}') }}",
]


@dataclass
class Sample:
    kind: str  # "cheap" or "expensive"
    status: int  # HTTP status; -1 when no answer (connection error, client timeout)
    seconds: float
    size: int
    reason: str = ""  # the answer's first line when a cheap query failed


@dataclass
class Graph:
    label: str
    args: list[str]
    triples: int = 0
    cheap: list[str] = field(default_factory=list)  # extra repeated queries (the worked questions)


def log(message: str) -> None:
    print(f"# {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def choose_graph(which: str, cache: Path, build_timeout: float) -> Graph:
    """The project's own graph when it builds (within `build_timeout`), else the fixture graph."""
    aifkg = str(Path(sys.executable).parent / "aifkg")
    if which in {"auto", "real"}:
        log(f"building the project's graph into {cache} (up to {build_timeout:g} s)")
        try:
            done = subprocess.run(
                [aifkg, "build", "--cache", str(cache), "--quiet"],
                capture_output=True,
                text=True,
                timeout=build_timeout,
                check=False,
            )
            if done.returncode == 0:
                worked = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]
                return Graph("project graph", ["--cache", str(cache)], cheap=worked)
            reason = (done.stderr or done.stdout).strip().splitlines()[:1]
        except subprocess.TimeoutExpired:
            reason = [f"no build within {build_timeout:g} s"]
        if which == "real":
            raise SystemExit(f"the project's graph does not build: {reason}")
        log(f"the project's graph does not build ({' '.join(reason)[:200]}); using the fixture graph")
    mini_args = ["--ontology", str(MINI / "ontology"), "--data", str(MINI / "data"), "--shapes", str(MINI / "shapes")]
    return Graph("fixture graph (tests/fixtures/mini)", [*mini_args, "--base-iri", MINI_BASE, "--cache", str(cache)])


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        for path in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                for child in (int(p) for p in path.read_text().split()):
                    found.append(child)
                    stack.append(child)
    return found


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass(frozen=True)
class Memory:
    """VmRSS in KiB: the server process, its direct children (web workers), the rest (query workers, trackers)."""

    server: int
    web: int
    below: int
    processes: int

    @property
    def total(self) -> int:
        return self.server + self.web + self.below


def memory(pid: int) -> Memory:
    direct = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            direct += [int(p) for p in path.read_text().split()]
    everyone = descendants(pid)
    web = sum(rss_kib(c) for c in direct)
    below = sum(rss_kib(c) for c in everyone if c not in direct)
    return Memory(rss_kib(pid), web, below, len(everyone) + 1)


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
    response = connection.getresponse()
    return response.status, response.read()


class Client(threading.Thread):
    """One keep-alive connection asking queries until the deadline (or the request cap)."""

    def __init__(self, port: int, deadline: float, share: float, graph: Graph, seed: int, timeout: float) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.deadline = deadline
        self.share = share
        self.random = random.Random(seed)
        self.tag = f"c{seed}"
        self.repeated = [q.format() for q in REPEATED] + graph.cheap
        self.timeout = timeout
        self.samples: list[Sample] = []

    def _query(self, n: int) -> tuple[str, str]:
        if self.random.random() < self.share:
            return "expensive", self.random.choice(EXPENSIVE).format(n=f"{self.tag}-{n}")
        if self.random.random() < 0.3:
            return "cheap", self.random.choice(self.repeated)
        return "cheap", self.random.choice(DISTINCT).format(tag=self.tag, n=n)

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= self.deadline:
                break
            kind, query = self._query(n)
            path = "/sparql?" + urllib.parse.urlencode({"query": query})
            started = time.monotonic()
            try:
                status, body = get(connection, path)
            except (OSError, http.client.HTTPException) as error:
                status, body = -1, repr(error).encode()
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            reason = body[:120].decode("utf-8", "replace").strip() if status != 200 and kind == "cheap" else ""
            self.samples.append(Sample(kind, status, time.monotonic() - started, len(body), reason))
        connection.close()


class MixLoad(threading.Thread):
    """The worked questions (answered from the caches after their first run) at wrk's pace, for the whole
    soak: the bulk of the requests, beside the Python clients' cheap and expensive ones."""

    def __init__(self, port: int, queries: list[str], clients: int, seconds: float) -> None:
        super().__init__(daemon=True)
        self.args = (f"http://127.0.0.1:{port}/sparql", queries, clients, seconds)
        self.result: LoadResult | None = None

    def run(self) -> None:
        self.result = run_wrk(*self.args)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def start_server(graph: Graph, query_timeout: float, workdir: Path) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    log_path = workdir / "server.log"
    with log_path.open("wb") as output:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "aifkg"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--quiet",
                *graph.args,
            ],
            env={**os.environ, "AIFKG_QUERY_TIMEOUT": str(query_timeout)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}:\n{log_path.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200:
                graph.triples = int(json.loads(body)["triples"])
                return process, port, log_path
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not answer /health within 600 s")


def settle(pid: int, timeout: float = 60) -> None:
    """Until the server's processes stop using CPU (every web worker done loading its query workers)."""
    deadline = time.monotonic() + timeout

    def ticks() -> int:
        total = 0
        for process in [pid, *descendants(pid)]:
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total

    while time.monotonic() < deadline:
        before = ticks()
        time.sleep(0.5)
        if ticks() - before <= 2:
            return


def stop_server(process: subprocess.Popen[bytes], seen: set[int]) -> None:
    seen.update(descendants(process.pid))
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    time.sleep(0.5)
    for pid in sorted(seen):  # anything of ours still running (an orphaned query worker): by pid only
        if pid > 1 and Path(f"/proc/{pid}").exists():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def health(port: int) -> dict[str, object]:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/health")
        data: dict[str, object] = json.loads(connection.getresponse().read())
        connection.close()
        return data
    except (OSError, ValueError):
        return {}


def report(samples: list[Sample], seconds: float, memories: list[tuple[str, Memory]]) -> str:
    lines = [
        f"{'kind':<10} {'requests':>9} {'200':>8} {'4xx':>6} {'503':>6} {'other':>6} {'p50 ms':>9} {'p99 ms':>9}"
        f" {'max ms':>9}"
    ]
    for kind in ("cheap", "expensive", "all"):
        chosen = [s for s in samples if kind in {"all", s.kind}]
        latencies = [s.seconds * 1000 for s in chosen]
        ok = sum(s.status == 200 for s in chosen)
        client_errors = sum(400 <= s.status < 500 for s in chosen)
        unavailable = sum(s.status == 503 for s in chosen)
        other = len(chosen) - ok - client_errors - unavailable
        lines.append(
            f"{kind:<10} {len(chosen):>9} {ok:>8} {client_errors:>6} {unavailable:>6} {other:>6} "
            f"{percentile(latencies, 0.5):>9.1f} {percentile(latencies, 0.99):>9.1f} "
            f"{max(latencies, default=float('nan')):>9.1f}"
        )
    cheap_failed = sum(s.status != 200 for s in samples if s.kind == "cheap")
    reasons = Counter(f"{s.status} {s.reason}" for s in samples if s.kind == "cheap" and s.status != 200)
    lines.append(
        f"served {len(samples)} requests in {seconds:.1f} s ({len(samples) / seconds:.0f}/s); "
        f"cheap failures: {cheap_failed}"
        + "".join(f"\n  {count} x {reason}" for reason, count in reasons.most_common(5))
    )
    lines.append(f"{'RSS MiB':<10} {'server':>9} {'web wkrs':>9} {'below':>9} {'total':>9} {'processes':>10}")
    for label, taken in memories:
        lines.append(
            f"{label:<10} {taken.server / 1024:>9.1f} {taken.web / 1024:>9.1f} {taken.below / 1024:>9.1f} "
            f"{taken.total / 1024:>9.1f} {taken.processes:>10}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients ask (default 60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--expensive", type=float, default=0.05, help="share of expensive queries (default 0.05)")
    parser.add_argument("--graph", choices=("auto", "real", "mini"), default="auto")
    parser.add_argument("--query-timeout", type=float, default=2.0, help="the server's query time limit (default 2)")
    parser.add_argument("--cache", type=Path, help="build cache (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--mix-clients",
        type=int,
        default=16,
        help="wrk connections asking the worked questions beside the clients (0: none; needs wrk)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 3600 or not 1 <= args.clients <= 256:
        parser.error("--seconds must be in (0, 3600] and --clients in [1, 256]")

    with tempfile.TemporaryDirectory(prefix="aifkg-soak-") as scratch:
        workdir = Path(scratch)
        graph = choose_graph(args.graph, args.cache or workdir / "cache", build_timeout=900)
        log(f"starting aifkg on the {graph.label}")
        process, port, log_path = start_server(graph, args.query_timeout, workdir)
        seen: set[int] = set()
        try:
            settle(process.pid)
            seen.update(descendants(process.pid))
            start = memory(process.pid)
            log(f"{graph.triples} triples; {args.clients} clients for {args.seconds:g} s")
            began = time.monotonic()
            deadline = began + args.seconds
            clients = [
                Client(
                    port, deadline, args.expensive, graph, args.seed * 1000 + i, timeout=args.query_timeout * 10 + 10
                )
                for i in range(args.clients)
            ]
            for client in clients:
                client.start()
            mix = MixLoad(port, graph.cheap, args.mix_clients, args.seconds)
            if args.mix_clients and graph.cheap:
                mix.start()
            during: list[tuple[str, Memory]] = []
            for quarter in (1, 2, 3):  # memory while the load runs: flat, or growing to a bound and staying
                time.sleep(max(began + args.seconds * quarter / 4 - time.monotonic(), 0.0))
                during.append((f"{quarter * 25}%", memory(process.pid)))
            for client in clients:
                client.join(timeout=args.seconds + args.query_timeout * 10 + 30)
            if mix.is_alive():
                mix.join(timeout=args.seconds + 60)
            elapsed = time.monotonic() - began
            seen.update(descendants(process.pid))
            end = memory(process.pid)
            state = health(port)
            alive = process.poll() is None
        finally:
            stop_server(process, seen)
        samples = [s for c in clients for s in c.samples]
        tracebacks = log_path.read_text(errors="replace").count("Traceback")
    print(
        f"soak: {args.seconds:g} s, {args.clients} clients, {graph.label} ({graph.triples} triples), "
        f"query limit {args.query_timeout:g} s, {args.expensive:.0%} expensive"
    )
    print(report(samples, elapsed, [("start", start), *during, ("end", end)]))
    if mix.result is not None:
        r = mix.result
        print(
            f"worked-question mix beside them (wrk, {args.mix_clients} connections): {r.requests} requests "
            f"({r.requests_per_second:,.0f}/s), {r.errors} failed, p50 {r.p50_ms:.2f} ms, p99 {r.p99_ms:.2f} ms"
            + (f" ({r.error_detail})" if r.error_detail else "")
        )
    print(
        f"server alive at the end: {alive}; query worker restarts (one web worker): "
        f"{state.get('executor_restarts', '?')}; tracebacks in the server log: {tracebacks}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
