"""The engine adapter: formats by pyoxigraph's own writers, row limits, dataset selection."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from aifkg.store import (
    READY_MARKER,
    QueryFailed,
    QueryRequest,
    TooManyRows,
    execute,
    open_store,
    open_store_read_only,
    prepare_disk_store,
)

G1, G2 = "https://example.org/g1", "https://example.org/g2"


@pytest.fixture()
def store(tmp_path: Path) -> ox.Store:
    dataset = tmp_path / "d.nq"
    lines = [f'<https://example.org/s{i}> <https://example.org/p> "v{i}"@en <{G1}> .' for i in range(10)]
    lines.append(f'<https://example.org/t> <https://example.org/p> "only in g2" <{G2}> .')
    dataset.write_text("\n".join(lines) + "\n")
    return open_store(dataset)


def _rows(outcome_body: bytes) -> list[dict[str, object]]:
    return json.loads(outcome_body)["results"]["bindings"]  # type: ignore[no-any-return]


def test_default_graph_is_the_union(store: ox.Store) -> None:
    assert len(_rows(execute(store, QueryRequest("SELECT * { ?s ?p ?o }", "json", 100)).body)) == 11


def test_protocol_dataset_and_from(store: ox.Store) -> None:
    only_g2 = execute(store, QueryRequest("SELECT * { ?s ?p ?o }", "json", 100, default_graphs=(G2,)))
    assert len(_rows(only_g2.body)) == 1
    with_from = execute(
        store, QueryRequest(f"SELECT * FROM <{G2}> {{ ?s ?p ?o }}", "json", 100, has_dataset_clause=True)
    )
    assert len(_rows(with_from.body)) == 1
    from_unknown = execute(
        store, QueryRequest("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", "json", 100, has_dataset_clause=True)
    )
    assert _rows(from_unknown.body) == []


def test_row_limit_counts_rows_not_bytes(store: ox.Store) -> None:
    assert execute(store, QueryRequest("SELECT * { ?s ?p ?o }", "csv", 11)).rows == 11
    with pytest.raises(TooManyRows):
        execute(store, QueryRequest("SELECT * { ?s ?p ?o }", "csv", 10))
    with pytest.raises(TooManyRows):
        execute(store, QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", "turtle", 10))


def test_graph_formats_round_trip(store: ox.Store) -> None:
    for name, rdflib_format in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")):
        body = execute(store, QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", name, 100)).body
        assert len(Graph().parse(data=body, format=rdflib_format)) == 11


def test_literals_survive_conversion(store: ox.Store) -> None:
    body = execute(store, QueryRequest('SELECT ?o { ?s ?p ?o FILTER(lang(?o) = "en") } LIMIT 1', "xml", 5)).body
    assert b'xml:lang="en"' in body


def test_engine_errors_become_query_failed(store: ox.Store) -> None:
    with pytest.raises(QueryFailed):
        execute(store, QueryRequest("SELECT * { ?s ?p ?o } GROUP BY ?s", "json", 5))


def test_disk_store_is_loaded_once_and_answers_like_memory(tmp_path: Path) -> None:
    """prepare_disk_store loads a build's N-Quads into RocksDB once; workers open it read-only."""
    dataset = tmp_path / "d.nq"
    dataset.write_text(
        "".join(f'<https://example.org/s{i}> <https://example.org/p> "v{i}" <{G1}> .\n' for i in range(25))
    )
    folder = prepare_disk_store(dataset, tmp_path / "stores" / "build-1")
    assert (folder / READY_MARKER).read_text().strip() == "25"
    assert not (tmp_path / "stores" / "build-1.partial").exists()
    stamp = (folder / READY_MARKER).stat().st_mtime_ns
    assert prepare_disk_store(dataset, folder) == folder  # found ready: not loaded again
    assert (folder / READY_MARKER).stat().st_mtime_ns == stamp
    request = QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "csv", 10)
    on_disk = execute(open_store_read_only(folder), request).body
    assert on_disk == execute(open_store(dataset), request).body == b"n\r\n25\r\n"


def test_a_half_loaded_disk_store_is_loaded_again(tmp_path: Path) -> None:
    """A crash mid-load leaves a .partial folder (or a folder without the marker): never opened as is."""
    dataset = tmp_path / "d.nq"
    dataset.write_text(f'<https://example.org/s> <https://example.org/p> "v" <{G1}> .\n')
    folder = tmp_path / "stores" / "build-2"
    (tmp_path / "stores" / "build-2.partial").mkdir(parents=True)
    folder.mkdir()
    (folder / "garbage").write_text("not a database")
    prepare_disk_store(dataset, folder)
    assert not (folder / "garbage").exists()
    assert len(open_store_read_only(folder)) == 1
