"""aifkg in front of another SPARQL server: the build's dump loaded into `oxigraph serve-read-only`, aifkg
started with AIFKG_SPARQL_ENDPOINT pointing there. Pages and /sparql answer from that store (a statement
only the remote store holds shows up), the guard still runs here, and a remote that goes away is a 503."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from benchmarks.servers import RunningServer, start_oxigraph

from aifkg.build import run_build
from tests.conftest import mini_settings
from tests.e2e.conftest import LiveServer, mini_args, start_server, stop_server

pytestmark = pytest.mark.e2e
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
ALPHA = "https://example.org/kg/id/factory/alpha"
MARKER = "held only by the remote store"
MARKER_QUAD = (
    f'<{ALPHA}> <http://www.w3.org/2000/01/rdf-schema#comment> "{MARKER}"@en <https://example.org/kg/graph/data> .\n'
)


@dataclass
class Pair:
    aifkg: LiveServer
    remote: RunningServer


def get(url: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def sparql(server: LiveServer, query: str) -> tuple[int, bytes]:
    return get(f"{server.endpoint}?{urllib.parse.urlencode({'query': query})}", "application/sparql-results+json")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    if not OXIGRAPH.exists():
        pytest.skip("the oxigraph server comes with the dev extras")
    folder = tmp_path_factory.mktemp("remote")
    build = run_build(mini_settings(folder / "cache"))
    dump = folder / "remote.nq"
    dump.write_bytes(build.dataset_path.read_bytes() + MARKER_QUAD.encode())
    remote = start_oxigraph(dump, folder / "oxigraph-store")
    server = start_server(
        mini_args(folder / "cache"),
        {"AIFKG_SPARQL_ENDPOINT": remote.query_url, "AIFKG_QUERY_TIMEOUT": "5"},
    )
    yield Pair(server, remote)
    stop_server(server)
    remote.stop()


def test_sparql_answers_come_from_the_remote_store(pair: Pair) -> None:
    query = f"SELECT ?c {{ <{ALPHA}> <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}"
    status, body = sparql(pair.aifkg, query)
    assert status == 200, body
    assert [b["c"]["value"] for b in json.loads(body)["results"]["bindings"]] == [MARKER]
    csv_status, csv_body = get(
        f"{pair.aifkg.endpoint}?{urllib.parse.urlencode({'query': 'SELECT (COUNT(*) AS ?n) { ?s ?p ?o }'})}",
        "text/csv",
    )
    assert csv_status == 200 and csv_body.startswith(b"n\r\n"), csv_body


def test_graph_answers_and_pages_come_from_the_remote_store(pair: Pair) -> None:
    status, turtle = get(pair.aifkg.url + "/id/factory/alpha", "text/turtle")
    assert status == 200 and MARKER.encode() in turtle, turtle[:300]
    status, html = get(pair.aifkg.url + "/id/factory/alpha", "text/html")
    assert status == 200 and MARKER.encode() in html
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{ALPHA}> AS ?s) ?s ?p ?o }}"
    status, body = get(f"{pair.aifkg.endpoint}?{urllib.parse.urlencode({'query': construct})}", "text/turtle")
    assert status == 200 and MARKER.encode() in body, body[:300]


def test_the_guard_still_runs_here(pair: Pair) -> None:
    status, body = sparql(pair.aifkg, "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE" in body
    status, body = sparql(pair.aifkg, "SELECT * WHERE { ?s ?p }")
    assert status == 400 and body.count(b"\n") == 1


def test_a_remote_that_is_gone_is_a_clear_503(pair: Pair) -> None:
    pair.remote.stop()
    status, body = sparql(pair.aifkg, "ASK { ?s ?p 'after the remote stopped' }")
    assert status == 503, body
    assert body == b"the SPARQL endpoint cannot be reached\n"
    health, _ = get(pair.aifkg.url + "/health", "application/json")
    assert health == 200
