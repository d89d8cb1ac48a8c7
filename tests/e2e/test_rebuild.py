"""A running server swaps to a new build on reload (SIGHUP) only when the build passed; never serves a broken one."""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from aifkg.cli import main
from tests.conftest import MINI, MINI_BASE
from tests.e2e.conftest import LiveServer, start_server, stop_server

pytestmark = pytest.mark.e2e
NEW_COUNTRY = "<https://example.org/kg/id/country/cc> a <https://schema.org/Country> .\n"


def _health(server: LiveServer) -> dict[str, object]:
    with urllib.request.urlopen(server.url + "/health", timeout=5) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _wait_for_build(server: LiveServer, key: str, timeout: float = 60.0) -> None:
    """Until 20 answers in a row (so every worker, not just the first to reload) come from build `key`."""
    deadline = time.monotonic() + timeout
    in_a_row = 0
    while time.monotonic() < deadline:
        try:
            in_a_row = in_a_row + 1 if _health(server)["build"] == key else 0
        except OSError:
            in_a_row = 0
        if in_a_row >= 20:
            return
        time.sleep(0.1)
    raise AssertionError(f"server did not switch to build {key}")


def test_reload_swaps_only_to_a_good_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "src"
    shutil.copytree(MINI, source)
    args = [
        "--ontology",
        str(source / "ontology"),
        "--data",
        str(source / "data"),
        "--shapes",
        str(source / "shapes"),
        "--base-iri",
        MINI_BASE,
        "--cache",
        str(tmp_path / "cache"),
        "--quiet",
    ]
    server = start_server(args, {})
    try:
        first = _health(server)["build"]
        with (source / "data" / "mini-data.ttl").open("a") as handle:
            handle.write(NEW_COUNTRY)
        assert main(["build", *args]) == 0
        second = capsys.readouterr().out.split()[1].rstrip(":")
        assert second != first
        server.process.send_signal(signal.SIGHUP)
        _wait_for_build(server, second)

        (source / "data" / "broken.ttl").write_text("this is not turtle\n")
        assert main(["build", *args]) == 2
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # across the reload, every answer comes from the last good build
            with contextlib.suppress(OSError):
                assert _health(server)["build"] == second, (first, second)
            time.sleep(0.2)
        query = "ASK { <https://example.org/kg/id/country/cc> a <https://schema.org/Country> }"
        with urllib.request.urlopen(server.endpoint + "?query=" + urllib.parse.quote(query), timeout=10) as response:
            assert json.loads(response.read())["boolean"] is True
    finally:
        stop_server(server)
