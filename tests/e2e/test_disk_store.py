"""The server on an on-disk store (AIFKG_STORE_LOCATION): loaded once into RocksDB for the build it serves,
opened read-only by every query worker of every web worker, answering as the in-memory store does."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from aifkg.build import run_build
from aifkg.store import READY_MARKER
from tests.conftest import mini_settings
from tests.e2e.conftest import mini_args, start_server, stop_server

pytestmark = pytest.mark.e2e
COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def test_server_answers_from_a_disk_store(tmp_path: Path) -> None:
    build = run_build(mini_settings(tmp_path / "cache"))
    stores = tmp_path / "stores"
    server = start_server(mini_args(tmp_path / "cache"), {"AIFKG_STORE_LOCATION": str(stores)})
    try:
        url = f"{server.endpoint}?{urllib.parse.urlencode({'query': COUNT})}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            count = int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])
    finally:
        stop_server(server)
    assert count == build.stats.total_triples
    assert (stores / build.key / READY_MARKER).read_text().strip() == str(count)
    assert sorted(p.name for p in stores.iterdir() if not p.name.startswith(".")) == [build.key]
