"""HTTP edge cases against the real server, once on each HTTP server: chunked request bodies, the request
limit, long request lines, and the error pages the HTTP server writes itself.

Requests are raw bytes over a socket to 127.0.0.1, as only a hand-written client sends some of them.
"""

from __future__ import annotations

import io
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.e2e.conftest import LiveServer, Reply, mini_args, raw_http, start_server, stop_server

pytestmark = pytest.mark.e2e
MAX_REQUEST_BYTES = 65_536
MAX_QUERY_BYTES = 32_768
COMMON_REQUEST_LINE_LIMIT = 8190  # what most HTTP servers accept in a request line


@dataclass(frozen=True)
class Server:
    live: LiveServer
    name: str

    @property
    def port(self) -> int:
        return int(self.live.url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build cache for both servers of the module: the mini graph is built once."""
    return tmp_path_factory.mktemp("http-edges-cache")


@pytest.fixture(scope="module")
def server(cache: Path) -> Iterator[Server]:
    live = start_server(
        mini_args(cache),
        {"AIFKG_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES), "AIFKG_MAX_QUERY_BYTES": str(MAX_QUERY_BYTES)},
    )
    yield Server(live, "granian")
    stop_server(live)


def chunked_post(content_type: str, chunks: list[bytes], framing: bytes | None = None) -> bytes:
    """A POST /sparql with a chunked body of `chunks` (or, for broken framing, `framing` as it is)."""
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    if framing is not None:
        return head + framing
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks if chunk)
    return head + body + b"0\r\n\r\n"


def in_pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def ask_result(reply: Reply) -> bool:
    assert reply.status == 200, reply
    value = json.loads(reply.body)["boolean"]
    assert isinstance(value, bool)
    return value


def assert_plain_error(reply: Reply, statuses: set[int]) -> None:
    assert reply.status in statuses, reply
    assert b"Traceback" not in reply.body and b"<html" not in reply.body.lower(), reply
    if reply.body:
        assert reply.headers.get("content-type", "").startswith("text/plain"), reply
        assert reply.body.count(b"\n") == 1, reply


QUERY_TYPE = "application/sparql-query"
FORM_TYPE = "application/x-www-form-urlencoded"
TRUE_QUERY = b"ASK { ?factory a <https://example.org/kg/ontology#AIFactory> }"
FALSE_QUERY = b"ASK { ?s ?p 'no such literal in the mini graph' }"


@pytest.mark.parametrize("piece", [1, 7, 1000])
def test_chunked_query_body_is_answered(server: Server, piece: int) -> None:
    """The whole body arrives, in one chunk or in many: a true ASK and a false one get their own answers."""
    assert ask_result(raw_http(server.port, chunked_post(QUERY_TYPE, in_pieces(TRUE_QUERY, piece)))) is True
    assert ask_result(raw_http(server.port, chunked_post(QUERY_TYPE, in_pieces(FALSE_QUERY, piece)))) is False


def test_chunked_form_body_is_answered(server: Server) -> None:
    form = urllib.parse.urlencode({"query": TRUE_QUERY.decode()}).encode()
    assert ask_result(raw_http(server.port, chunked_post(FORM_TYPE, in_pieces(form, 5)))) is True


@pytest.mark.parametrize("content_type", [QUERY_TYPE, FORM_TYPE])
def test_chunked_body_over_the_limit_is_413(server: Server, content_type: str) -> None:
    prefix = b"query=" if content_type == FORM_TYPE else b""
    body = prefix + b"ASK {}" + b"#" * 100 * 1024
    reply = raw_http(server.port, chunked_post(content_type, in_pieces(body, 1024)))
    assert_plain_error(reply, {413})


def length_post(body: bytes) -> bytes:
    head = (
        "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + body


@pytest.mark.parametrize("framing", ["chunked", "Content-Length"])
def test_body_at_the_limit_is_read_one_byte_more_is_413(server: Server, framing: str) -> None:
    """Exactly max_request_bytes is read (and then refused as a query over max_query_bytes); one more, 413."""

    def post(body: bytes) -> bytes:
        return chunked_post(QUERY_TYPE, in_pieces(body, 4096)) if framing == "chunked" else length_post(body)

    at_limit = b"ASK {}" + b" " * (MAX_REQUEST_BYTES - 6)
    reply = raw_http(server.port, post(at_limit))
    assert_plain_error(reply, {400})
    assert b"longer than" in reply.body
    assert_plain_error(raw_http(server.port, post(at_limit + b" ")), {413})


BROKEN_CHUNKS = {
    "size not hex": b"ZZZ\r\nASK {}\r\n0\r\n\r\n",
    "data before the first size": b"ASK {}" + b"400\r\n" + b"#" * 1024 + b"\r\n0\r\n\r\n",
    "chunk longer than its size": b"3\r\nASK {}\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("content_type", [QUERY_TYPE, FORM_TYPE])
@pytest.mark.parametrize("name", list(BROKEN_CHUNKS))
def test_broken_chunked_framing_is_a_4xx(server: Server, content_type: str, name: str) -> None:
    reply = raw_http(server.port, chunked_post(content_type, [], framing=BROKEN_CHUNKS[name]))
    assert_plain_error(reply, set(range(400, 500)))


def get_request(query: str) -> bytes:
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    return (
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


def test_get_under_the_request_line_limit_is_answered(server: Server) -> None:
    query = "ASK { ?s ?p '" + "a" * 7000 + "' }"
    request = get_request(query)
    assert len(request.split(b"\r\n", 1)[0]) < COMMON_REQUEST_LINE_LIMIT
    assert ask_result(raw_http(server.port, request)) is False


def test_long_get_is_refused_in_plain_text_and_post_answers(server: Server) -> None:
    """A query near max_query_bytes, percent-encoded, is past granian's request-line limit: 414, not an HTML
    page (granian's has no body); the same query by POST is answered."""
    query = "ASK { ?s ?p '" + "é" * ((MAX_QUERY_BYTES - 100) // 2) + "' }"
    assert len(query.encode()) < MAX_QUERY_BYTES
    reply = raw_http(server.port, get_request(query))
    assert_plain_error(reply, {414})
    posted = raw_http(server.port, chunked_post(QUERY_TYPE, in_pieces(query.encode(), 8192)))
    assert ask_result(posted) is False


@pytest.mark.parametrize(
    "request_bytes, statuses",
    [
        (b"\x00\xff GARBAGE\r\n\r\n", {400}),
        (
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: -5\r\nConnection: close\r\n\r\nASK{}",
            {400},
        ),
        (
            b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + b"".join(b"X-Header-%d: value\r\n" % i for i in range(200))
            + b"Connection: close\r\n\r\n",
            {400, 431},
        ),
    ],
    ids=["binary request line", "negative content length", "too many headers"],
)
def test_errors_of_the_http_server_are_plain_text(server: Server, request_bytes: bytes, statuses: set[int]) -> None:
    reply = raw_http(server.port, request_bytes)
    assert_plain_error(reply, statuses)


@pytest.mark.parametrize(
    "environ, status",
    [({"wsgi.input_terminated": True}, 200), ({}, 411)],
    ids=["server ends the stream", "server cannot"],
)
def test_chunked_body_needs_a_server_that_ends_the_stream(client: FlaskClient, environ: dict, status: int) -> None:  # type: ignore[type-arg]
    """Under a WSGI server that does not decode chunked bodies (no `wsgi.input_terminated`), 411 with a
    reason rather than reading an unbounded stream or treating the body as empty."""
    response = client.post(
        "/sparql",
        input_stream=io.BytesIO(TRUE_QUERY),
        headers={"Content-Type": QUERY_TYPE, "Transfer-Encoding": "chunked", "Accept": "application/json"},
        environ_overrides=environ,
    )
    assert response.status_code == status, response.data
    if status == 411:
        assert response.data.count(b"\n") == 1 and b"Content-Length" in response.data
