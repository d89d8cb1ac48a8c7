"""The benchmark's own parts: its texts ask what the queries ask, the floor app answers, and the wrk script
really sends a different body with every request. No timing here."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from benchmarks.floor_app import make_app
from benchmarks.load import distinct_script, parse_wrk_output, run_wrk_script
from benchmarks.scale import run_scale
from benchmarks.typical import LITAI, typical_queries
from pyoxigraph import QueryResultsFormat, RdfFormat, Store
from werkzeug.test import Client

GRAPH = f"""
@prefix aif: <https://w3id.org/aifactories/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{LITAI}> a aif:AIFactory ; rdfs:label "LitAI Factory"@en, "KI-Fabrik LitAI"@de ; aif:acronym "LitAI" ;
    aif:hostCountry <urn:lt> ; aif:selectedIn <urn:round> .
<urn:second> a aif:AIFactory ; aif:acronym "Second" ; aif:hostCountry <urn:lt> ; aif:selectedIn <urn:round> .
<urn:lt> rdfs:label "Lithuania"@en .
<urn:round> aif:announcedOn "2025-10-10"^^xsd:date .
"""


@pytest.fixture(scope="module")
def store() -> Store:
    graph = Store()
    graph.load(GRAPH.encode(), format=RdfFormat.TURTLE)
    return graph


def answer(store: Store, text: str) -> bytes:
    return store.query(text, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)


def test_repeated_and_distinct_texts_ask_what_the_query_asks(store: Store) -> None:
    for query in typical_queries():
        plain = answer(store, query.text)
        assert answer(store, query.repeated_text) == plain, query.name
        assert answer(store, query.distinct_prefix(7) + "000000001") == plain, query.name
        assert query.distinct_prefix(7) != query.distinct_prefix(8)
    rows = {q.name: len(json.loads(answer(store, q.text))["results"]["bindings"]) for q in typical_queries()}
    assert rows["label"] == 2 and rows["describe"] == 6 and rows["10-countries"] == 1 and rows["01-factories"] == 2


def test_floor_app_answers_get_and_post_and_refuses_nonsense(store: Store) -> None:
    client = Client(make_app(lambda: store))
    query = typical_queries()[0].repeated_text
    posted = client.post("/sparql", data=query, content_type="application/sparql-query")
    got = client.get("/sparql", query_string={"query": query})
    assert posted.status_code == got.status_code == 200
    assert posted.data == got.data == answer(store, query)
    refused = client.post("/sparql", data="SELECT nonsense", content_type="application/sparql-query")
    assert refused.status_code == 400 and refused.data.count(b"\n") == 1


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    bodies: ClassVar[list[str]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with self.lock:
            self.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by `make bench`")
def test_wrk_script_sends_a_different_text_with_every_request() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        prefix = typical_queries()[2].distinct_prefix(42)
        result = run_wrk_script(url, distinct_script(url, prefix), 2, 1)
    finally:
        server.shutdown()
        server.server_close()
    bodies = Recorder.bodies
    assert result.requests > 10 and result.errors == 0
    assert len(bodies) >= result.requests and result.distinct_texts is not None
    assert len(set(bodies)) == len(bodies) and result.distinct_texts >= len(bodies)
    assert all(body.startswith(prefix) and body[len(prefix) :].isdigit() for body in bodies)


def test_wrk_report_is_read_with_seconds_and_trailing_spaces() -> None:
    lines = ["  Latency Distribution", "     50%    1.78s ", "     90%  812.00us", "     99%    2.01ms"]
    lines += ["  16 requests in 3.10s, 19.57KB read", "  Non-2xx or 3xx responses: 2", "Requests/sec:      5.16"]
    report = "\n".join([*lines, "distinct texts: 33", ""])
    result = parse_wrk_output(report)
    assert (result.p50_ms, result.p90_ms, result.p99_ms) == (1780.0, 0.812, 2.01)
    assert (result.requests, result.errors, result.requests_per_second, result.distinct_texts) == (16, 2, 5.16, 33)
    assert result.answered_per_second == pytest.approx(5.16 * 14 / 16)


@pytest.mark.slow
def test_scale_section_runs_every_step_on_a_small_synthetic_graph() -> None:
    """The scale section drives the engine's own API (reasoning, the executor): it must keep up with it."""
    (row,) = run_scale([300], reason_limit=10_000, timeout=300, repeats=1, progress=lambda _: None)
    steps = {step["step"]: step for step in [*row["cold"], *row["warm"]]}  # type: ignore[misc, union-attr]
    assert {"parse", "reason", "write", "validate", "warm-load", "queries", "executor-start", "served"} <= set(steps)
    assert not any("skipped" in step or step["step"] == "timeout" for step in steps.values())
    assert steps["served"]["count"] == steps["queries"]["count"] > 0
