"""Start and stop the servers under test: aifkg, oxigraph, rdflib-endpoint, the floor app."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
PROBE = "ASK { ?s ?p ?o }"


@dataclass
class RunningServer:
    name: str
    query_url: str  # the SPARQL endpoint, e.g. http://127.0.0.1:PORT/sparql
    process: subprocess.Popen[bytes]
    started_in: float = 0.0
    extra_pids: list[int] = field(default_factory=list)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answering(url: str, process: subprocess.Popen[bytes], timeout: float = 600.0) -> float:
    """Seconds until the endpoint answers a query (polling, no fixed sleeps)."""
    started = time.perf_counter()
    target = url + "?" + urllib.parse.urlencode({"query": PROBE})
    request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{url}: answered {error.code} to a probe query") from error
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url}: no answer within {timeout} s")


def start_aifkg(cache: Path, env: dict[str, str] | None = None, workers: int | None = 2) -> RunningServer:
    """`aifkg serve` on 127.0.0.1; `workers` None leaves `aifkg serve`'s own default."""
    port = free_port()
    started = time.perf_counter()
    options = ["--host", "127.0.0.1", "--port", str(port), "--cache", str(cache), "--quiet"]
    if workers is not None:
        options += ["--workers", str(workers)]
    process = subprocess.Popen(
        [str(BIN / "aifkg"), "serve", *options],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    wait_until_answering(url, process)
    return RunningServer("aifkg", url, process, time.perf_counter() - started)


def start_floor(dataset: Path, workers: int = 2) -> RunningServer:
    """benchmarks/floor_app.py on granian: pyoxigraph in the web process, nothing else (see its docstring)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "benchmarks.floor_app:app",
        ],
        cwd=ROOT,
        env={**os.environ, "FLOOR_DATASET": str(dataset), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    wait_until_answering(url, process)
    return RunningServer("floor (granian + pyoxigraph)", url, process, time.perf_counter() - started)


def start_oxigraph(dataset: Path, location: Path) -> RunningServer:
    """`oxigraph serve-read-only` on a store loaded from the same N-Quads, union default graph."""
    oxigraph = BIN / "oxigraph"
    started = time.perf_counter()
    if location.exists():
        shutil.rmtree(location)
    subprocess.run(
        [str(oxigraph), "load", "--location", str(location), "--file", str(dataset)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            str(oxigraph),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    wait_until_answering(url, process)
    return RunningServer("oxigraph serve-read-only", url, process, time.perf_counter() - started)


def start_rdflib_endpoint(dump: Path) -> RunningServer:
    """rdflib-endpoint serving the union dump (its default graph then holds every triple)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(dump)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"  # rdflib-endpoint answers SPARQL at its root
    wait_until_answering(url, process)
    return RunningServer("rdflib-endpoint", url, process, time.perf_counter() - started)
