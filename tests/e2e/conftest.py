"""Start the real server (`aifkg serve`: granian, query workers) on 127.0.0.1 and a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.conftest import MINI, mini_source_args

# the browser tests drive Debian's Chromium (`make browser`); Playwright never downloads one
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(args: list[str], env: dict[str, str], startup_timeout: float = 120.0) -> LiveServer:
    """Run `aifkg serve` and poll /health until it answers (no sleeping for a fixed time)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aifkg.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return LiveServer(url=url, process=process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start in time")


def terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process has not gone within 15 s; waits for it either way."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stop_server(server: LiveServer) -> None:
    terminate(server.process)
    if server.process.stdout:
        server.process.stdout.close()


def mini_args(cache: Path) -> list[str]:
    return [*mini_source_args(cache), "--quiet"]


def start_mini_with_questions(cache: Path) -> LiveServer:
    """The server (granian) on the mini graph, with the mini graph's worked questions: what the browser
    tests drive."""
    return start_server(mini_args(cache), {"AIFKG_QUERIES_DIR": str(MINI / "queries"), "AIFKG_QUERY_TIMEOUT": "5"})


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real server."""
    server = start_server(
        mini_args(tmp_path_factory.mktemp("live-cache")),
        {"AIFKG_QUERY_TIMEOUT": "2", "AIFKG_MAX_ROWS": "1000"},
    )
    yield server
    stop_server(server)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_http(port: int, request: bytes, timeout: float = 30.0) -> Reply:
    """Send the bytes as they are (from a thread, so a server that answers before reading everything and
    closes does not block us) and parse the one answer; status -1 when none came."""
    received = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:

        def send() -> None:
            with contextlib.suppress(OSError):  # the server answered and closed early: its answer counts
                connection.sendall(request)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        try:
            while len(received) < 1_000_000:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
        sender.join(timeout)
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError):
        return Reply(-1, {}, bytes(received[:200]))
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body)


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc/<pid>/task/*/children."""
    found, stack = [], [pid]
    while stack:
        for path in Path(f"/proc/{stack.pop()}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                for child in (int(p) for p in path.read_text().split()):
                    found.append(child)
                    stack.append(child)
    return found


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
