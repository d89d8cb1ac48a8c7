"""Start the real server (`aifkg serve`, gunicorn, query workers) on 127.0.0.1 and a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import mini_source_args


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"


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


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.process.stdout:
        server.process.stdout.close()


def mini_args(cache: Path) -> list[str]:
    return [*mini_source_args(cache), "--quiet"]


@pytest.fixture(scope="session", params=["granian", "gunicorn"])
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real server, once with each HTTP server aifkg supports."""
    server = start_server(
        [*mini_args(tmp_path_factory.mktemp("live-cache")), "--server", request.param],
        {"AIFKG_QUERY_TIMEOUT": "2", "AIFKG_MAX_ROWS": "1000"},
    )
    yield server
    stop_server(server)
