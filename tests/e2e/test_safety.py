"""Safety on the running server: time limits that really stop work, and no file or network access."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import Listener
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e
SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"


def _get(server: LiveServer, query: str, timeout: float = 30) -> tuple[int, bytes]:
    url = f"{server.endpoint}?{urlencode({'query': query})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def test_slow_query_gets_503_while_others_are_answered(live_server: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["status"], outcome["body"] = _get(live_server, SLOW)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    cheap = [_get(live_server, f"ASK {{ ?s ?p {i} }}") for i in range(20)]
    thread.join()
    assert all(status == 200 for status, _ in cheap)
    assert outcome["status"] == 503
    assert b"longer than 2 s" in outcome["body"]  # type: ignore[operator]
    assert outcome["seconds"] < 10  # type: ignore[operator]
    assert _get(live_server, "ASK { ?s ?p ?o }")[0] == 200


def test_from_never_reads_a_local_file(live_server: LiveServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<https://example.org/secret> <https://example.org/p> 'leaked' .\n")
    for clause in (f"FROM <{secret.as_uri()}>", f"FROM NAMED <{secret.as_uri()}>"):
        status, body = _get(live_server, f"SELECT * {clause} {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}")
        assert status == 200
        assert b"leaked" not in body and b"secret" not in body


def test_nothing_opens_a_connection(live_server: LiveServer, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/data.ttl"
    attempts = [
        (f"SELECT * FROM <{target}> {{ ?s ?p ?o }}", 200),
        (f"SELECT * FROM NAMED <{target}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", 200),
        (f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", 400),
        (f"SELECT * {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}", 400),
        (f"SELECT * {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}", 400),
        (f"LOAD <{target}>", 403),
        (f"DESCRIBE <{target}>", 200),
    ]
    for query, expected in attempts:
        status, body = _get(live_server, query)
        assert status == expected, (query, body)
    time.sleep(0.5)
    assert listener.connections == 0


def test_deep_nesting_is_refused_not_crashing(live_server: LiveServer) -> None:
    deep = "SELECT * " + "{" * 3000 + "}" * 3000
    assert _get(live_server, deep)[0] in {400, 414}  # refused by the guard, or too long for a request line
    request = urllib.request.Request(
        live_server.endpoint, data=deep.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400 and b"nests deeper" in refused.value.read()
    refused.value.close()
    assert _get(live_server, "ASK {}")[0] == 200
