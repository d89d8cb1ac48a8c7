"""The SPARQL 1.1 Protocol at /sparql: GET, POST form, POST application/sparql-query; read-only.

Parameters are read from the query string and, for form posts, the body; a repeated `query` is an error
(the protocol allows exactly one). A GET without a query answers with the Service Description.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from aifkg.export import describe_service
from aifkg.query_text import QueryTextError, TextLimits, check_text
from aifkg.sparql import ProtocolError, ResultFormat, format_by_parameter
from aifkg.web.answers import answer_from, send_answer
from aifkg.web.negotiation import graph_response, negotiated, wants_html
from aifkg.web.pages import query_page
from aifkg.web.runtime import CachedAnswer, Runtime, runtime
from aifkg.web.site import dataset_facts

blueprint = Blueprint("sparql", __name__)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the '{name}' parameter may be given only once")
    return values[0] if values else None


def _chunked() -> bool:
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _body() -> bytes:
    """The raw body, at most max_request_bytes, also when it comes chunked without a Content-Length.

    granian (like werkzeug's development server) decodes chunked bodies and sets `wsgi.input_terminated`:
    the stream ends where the body does, so it is read directly (werkzeug's wrapper would refuse a body of
    exactly the limit), until its end or one byte past the limit; one read may return less than asked.
    granian ends the stream where the chunked framing breaks, so a body broken from its first chunk reads as
    empty and gets a 400 that says so.
    """
    limit = runtime().settings.max_request_bytes
    length = request.content_length
    if length is not None:
        if length > limit:
            raise ProtocolError(413, "the request is too large")
        stream, wanted = request.stream, length
    elif request.environ.get("wsgi.input_terminated"):
        stream, wanted = request.environ["wsgi.input"], limit + 1
    elif _chunked():
        raise ProtocolError(411, "this server cannot read chunked request bodies: send a Content-Length")
    else:
        return b""
    received = bytearray()
    try:
        while len(received) < wanted:
            piece = stream.read(wanted - len(received))
            if not piece:
                break
            received += piece
    except HTTPException:
        raise
    except Exception as error:
        raise ProtocolError(400, "the request body could not be read") from error
    if len(received) > limit:
        raise ProtocolError(413, "the request is too large")
    if not received and _chunked():
        raise ProtocolError(400, "the chunked request body is empty or its chunk framing is broken")
    return bytes(received)


def parameters(raw: bytes, where: str) -> MultiDict[str, str]:
    """Form-encoded parameters, decoded strictly: text that is not UTF-8 is refused, never replaced."""
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the {where} is not valid UTF-8") from error
    except ValueError as error:
        raise ProtocolError(400, f"the {where} could not be read") from error
    return MultiDict(pairs)


def _charset_is_utf8() -> None:
    """The protocol's bodies are UTF-8: a body declared in another charset is refused (415), not guessed."""
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower().replace("_", "-") not in {"utf-8", "utf8"}:
        raise ProtocolError(415, f"the body must be UTF-8, not '{charset[:30]}'")


def _read_request() -> tuple[str | None, tuple[str, ...], tuple[str, ...], str | None]:
    """(query, default-graph-uri values, named-graph-uri values, format) from any allowed request shape."""
    args = parameters(request.query_string, "query string")
    values = args
    query: str | None
    if "update" in args:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
    if request.method == "POST":
        mimetype = request.mimetype
        if not mimetype and not request.content_length and not _chunked():
            raise ProtocolError(400, "no query given: send a 'query' parameter or a query body")
        if mimetype == UPDATE_TYPE:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
        if mimetype not in {QUERY_TYPE, FORM_TYPE}:
            raise ProtocolError(415, f"POST needs {FORM_TYPE} or {QUERY_TYPE}, not '{mimetype[:60]}'")
        _charset_is_utf8()
        if mimetype == QUERY_TYPE:
            if "query" in args:
                raise ProtocolError(400, "a POST with a query body must not also carry a 'query' parameter")
            try:
                query = _body().decode("utf-8")
            except UnicodeError as error:
                raise ProtocolError(400, "the query body is not valid UTF-8") from error
        else:
            values = parameters(_body(), "form body")
            if "update" in values:
                raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
            if "query" in args:
                raise ProtocolError(400, "send 'query' in the form body, not in the URL, when posting a form")
            query = _single(values.getlist("query"), "query")
    else:
        query = _single(args.getlist("query"), "query")

    def both(name: str) -> list[str]:
        return args.getlist(name) + (values.getlist(name) if values is not args else [])

    return query, tuple(both("default-graph-uri")), tuple(both("named-graph-uri")), _single(both("format"), "format")


def formats_for(format_parameter: str | None, accept_header: str) -> tuple[ResultFormat | None, ResultFormat | None]:
    """The format for solutions and the one for graphs: by `format=` when given, else by Accept. Chosen
    before the query runs, as only the engine knows which kind the query returns."""
    if format_parameter:
        chosen: list[ResultFormat | None] = []
        for kind in ("results", "graph"):
            try:
                chosen.append(format_by_parameter(format_parameter, kind))
            except ProtocolError:
                chosen.append(None)
        if chosen == [None, None]:
            format_by_parameter(format_parameter, "results")  # raises the 400 that names the formats
        return chosen[0], chosen[1]
    results, graph = negotiated("results", accept_header), negotiated("graph", accept_header)
    if results is None and graph is None:
        raise ProtocolError(406, "none of the accepted media types is a SPARQL result or RDF format")
    return results, graph


def answer_query(
    state: Runtime,
    query: str,
    default_graphs: tuple[str, ...],
    named_graphs: tuple[str, ...],
    formats: tuple[ResultFormat | None, ResultFormat | None],
) -> CachedAnswer:
    """A client's query, checked (graph IRIs, text limits, SERVICE and updates named) and answered."""
    for iri in default_graphs + named_graphs:
        if not ABSOLUTE_IRI.match(iri) or any(char in iri for char in '<>" {}|\\^`\n'):
            raise ProtocolError(400, "default-graph-uri and named-graph-uri must be absolute IRIs")
    settings = state.settings
    try:
        check_text(query, TextLimits(settings.max_query_bytes, settings.max_nesting))
    except QueryTextError as error:
        raise ProtocolError(403 if error.kind == "update" else 400, error.message) from error
    results_format, graph_format = formats
    return answer_from(
        state,
        query,
        results_format or graph_format,
        other_format=graph_format if results_format else None,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
    )


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """The protocol for what the fast path (sparql_fast.py) leaves to Flask: pages, the Service
    Description, OPTIONS, chunked bodies, and every request in tests that call the route itself."""
    if request.method == "OPTIONS":
        return Response(status=204)
    query, default_graphs, named_graphs, format_parameter = _read_request()
    if query is None:
        if request.method == "POST":
            raise ProtocolError(400, "no query given: send a 'query' parameter or a query body")
        if wants_html():
            return query_page()
        return graph_response(describe_service(dataset_facts()), "Accept")
    formats = formats_for(format_parameter, request.headers.get("Accept", ""))
    return send_answer(answer_query(runtime(), query, default_graphs, named_graphs, formats))
