"""The published dumps run on another SPARQL server: loaded into `oxigraph serve-read-only`, a worked
question gives the same answer there as on aifkg's own engine."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from aifkg.build import run_build
from aifkg.config import PROJECT_ROOT, settings_from_env
from aifkg.sparql import check_query
from aifkg.store import QueryRequest, execute, open_store
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
QUESTION = PROJECT_ROOT / "queries" / "10-countries-hosting-several.rq"


def _csv_rows(body: bytes) -> list[tuple[str, ...]]:
    """Rows in a stable order, GROUP_CONCAT parts sorted: both orders are up to each engine."""
    rows = csv.reader(io.StringIO(body.decode("utf-8")))
    return sorted(tuple("; ".join(sorted(cell.split("; "))) for cell in row) for row in rows)


@pytest.mark.skipif(not OXIGRAPH.exists(), reason="the oxigraph server comes with the dev extras")
def test_dumps_answer_the_same_on_oxigraph_server(tmp_path: Path) -> None:
    build = run_build(settings_from_env({}, cache_dir=tmp_path / "cache"))
    location = tmp_path / "oxigraph-store"
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(build.dump_path("aifkg.nq"))],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(OXIGRAPH),
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
    try:
        query = QUESTION.read_text(encoding="utf-8")
        url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    remote = response.read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        info = check_query(query, 100_000, 64)
        local = execute(open_store(build.dataset_path), QueryRequest(info.text, "csv", 10_000)).body
        assert _csv_rows(remote) == _csv_rows(local)
        assert len(_csv_rows(remote)) > 1
    finally:
        server.terminate()
        server.wait(timeout=10)
    shutil.rmtree(location, ignore_errors=True)
