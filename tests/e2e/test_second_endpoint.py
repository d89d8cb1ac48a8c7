"""The published dumps run on another SPARQL server: loaded into `oxigraph serve-read-only`, a worked
question gives the same answer there as on aifkg's own engine."""

from __future__ import annotations

import csv
import io
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from benchmarks.servers import start_oxigraph

from aifkg.build import run_build
from aifkg.config import PROJECT_ROOT, settings_from_env
from aifkg.store import QueryRequest, execute, open_store

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
    server = start_oxigraph(build.dump_path("aifkg.nq"), tmp_path / "oxigraph-store")
    try:
        query = QUESTION.read_text(encoding="utf-8")
        url = server.query_url + "?" + urllib.parse.urlencode({"query": query})
        with urllib.request.urlopen(
            urllib.request.Request(url, headers={"Accept": "text/csv"}), timeout=10
        ) as response:
            remote = response.read()
        local = execute(open_store(build.dataset_path), QueryRequest(query, "csv", 10_000)).body
        assert _csv_rows(remote) == _csv_rows(local)
        assert len(_csv_rows(remote)) > 1
    finally:
        server.stop()
