"""Operating the server as a person does: a port in use fails at once with one line and exit 2; Ctrl-C and
SIGTERM stop every process after browser-like traffic (keep-alive connections, a query still running);
nothing misleading is printed on the way."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import LiveServer, alive, descendants, free_port, mini_args

pytestmark = pytest.mark.e2e

# a query that runs far longer than the test: it is still running when the server is told to stop
ENDLESS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
STOP_BOUND = 20.0  # a hang, not a measurement: a stop takes about 3 s (server.STOP_SECONDS) at most


def serve_command(port: int, cache: Path) -> list[str]:
    return [sys.executable, "-m", "aifkg.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *mini_args(cache)]


def refused_start(port: int, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(serve_command(port, cache), capture_output=True, text=True, timeout=120, check=False)


def assert_port_in_use_line(result: subprocess.CompletedProcess[str], port: int) -> None:
    assert result.returncode == 2, result
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"error: port {port} on 127.0.0.1 is already in use"), result.stderr


def test_a_port_held_by_another_program_fails_at_once(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = refused_start(port, tmp_path / "cache")
    assert_port_in_use_line(result, port)
    assert not (tmp_path / "cache" / "builds").exists(), "it should fail before building anything"


def test_a_port_held_by_aifkg_fails_and_the_first_server_keeps_serving(live_server: LiveServer, tmp_path: Path) -> None:
    """granian listens with SO_REUSEPORT: without the check a second server would share the port."""
    assert_port_in_use_line(refused_start(live_server.port, tmp_path / "cache"), live_server.port)
    with urllib.request.urlopen(live_server.url + "/health", timeout=10) as response:
        assert response.status == 200


@contextlib.contextmanager
def running_in_own_session(cache: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`aifkg serve` as the leader of its own process group, as a shell starts it (so a Ctrl-C reaches every
    process of it and none of the test's)."""
    port = free_port()
    process = subprocess.Popen(
        serve_command(port, cache),
        env={**os.environ, "AIFKG_QUERY_TIMEOUT": "60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else b""
            assert time.monotonic() < deadline, "the server did not start"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        yield process, port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stdout:
            process.stdout.close()


def browse(port: int) -> list[http.client.HTTPConnection]:
    """What a browser leaves behind: keep-alive connections that loaded pages, now idle."""
    connections = []
    for path in ("/", "/sparql", "/ontology", "/id/factory/alpha", "/questions"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers={"Accept": "text/html", "Connection": "keep-alive"})
        response = connection.getresponse()
        response.read()
        assert response.status in (200, 404), (path, response.status)
        connections.append(connection)
    return connections


def ask_without_waiting(port: int) -> socket.socket:
    """A query the server is still working on when it is stopped."""
    body = urllib.parse.urlencode({"query": ENDLESS}).encode()
    pending = socket.create_connection(("127.0.0.1", port), timeout=30)
    pending.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    return pending


@pytest.mark.parametrize("stop", ["Ctrl-C", "SIGTERM"])
def test_a_stop_after_browser_traffic_ends_every_process(stop: str, tmp_path: Path) -> None:
    """Ctrl-C signals the whole process group (what a terminal does); SIGTERM only the server process (what
    a service manager or `kill` does). Either way every process is gone and the port is free again."""
    with running_in_own_session(tmp_path / "cache") as (process, port):
        connections = browse(port)
        pending = ask_without_waiting(port)
        deadline = time.monotonic() + 30
        while len(descendants(process.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)  # web workers, their zygotes and query workers
        tree = descendants(process.pid)
        assert len(tree) >= 4, tree
        if stop == "Ctrl-C":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=STOP_BOUND)
        deadline = time.monotonic() + STOP_BOUND
        while any(alive(pid) for pid in tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in tree if alive(pid)]
        output = process.stdout.read().decode(errors="replace") if process.stdout else ""
        pending.close()
        for connection in connections:
            connection.close()
    assert not left, f"still running after the stop: {left}\n{output}"
    assert returncode == 0, output
    assert "Traceback" not in output and "Python threads" not in output, output
    with socket.socket() as probe:  # the port is free again (a restart can take it)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
