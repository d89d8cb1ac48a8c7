"""The SPARQL 1.1 Protocol at /sparql: GET, POST form, POST application/sparql-query; read-only.

Parameters are read from the query string and, for form posts, the body; a repeated `query` is an error
(the protocol allows exactly one). A GET without a query answers with the Service Description.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, g, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from aifkg.export import describe_service
from aifkg.sparql import ProtocolError, QueryInfo, ResultFormat, form_kind, format_by_parameter
from aifkg.web.answers import answer, send_answer
from aifkg.web.negotiation import choose_format, graph_response, wants_html
from aifkg.web.pages import query_page
from aifkg.web.runtime import runtime
from aifkg.web.site import dataset_facts

blueprint = Blueprint("sparql", __name__)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the '{name}' parameter may be given only once")
    return values[0] if values else None


def _form() -> MultiDict[str, str]:
    """The form body; a body the HTTP server cannot read (broken chunked encoding) is the client's error.

    A chunked form (no Content-Length) is read through _body(): werkzeug would silently cut it at the
    request limit instead of refusing it with 413.
    """
    try:
        if request.content_length is None and _chunked():
            if "chunked_form" not in g:
                body = _body()
                parser = request.make_form_data_parser()
                _, g.chunked_form, _ = parser.parse(io.BytesIO(body), FORM_TYPE, len(body), request.mimetype_params)
            form: MultiDict[str, str] = g.chunked_form
            return form
        return request.form
    except (HTTPException, ProtocolError):
        raise
    except Exception as error:
        raise ProtocolError(400, "the request body could not be read") from error


def _chunked() -> bool:
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _body() -> bytes:
    """The raw body, at most max_request_bytes, also when it comes chunked without a Content-Length.

    Both HTTP servers decode chunked bodies and set `wsgi.input_terminated`: their stream ends where the
    body does, so it is read directly (werkzeug's wrapper would refuse a body of exactly the limit), until
    its end or one byte past the limit; one read may return less than asked. gunicorn raises on broken
    chunked framing (a 400 here); granian ends the stream where the framing breaks, so a body broken from
    its first chunk reads as empty and gets a 400 that says so.
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


def _read_request() -> tuple[str | None, tuple[str, ...], tuple[str, ...], str | None]:
    """(query, default-graph-uri values, named-graph-uri values, format) from any allowed request shape."""
    args = request.args
    if "update" in args or (request.mimetype == FORM_TYPE and "update" in _form()):
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
    if request.method == "POST":
        mimetype = request.mimetype
        if not mimetype and not request.content_length and not _chunked():
            raise ProtocolError(400, "no query given: send a 'query' parameter or a query body")
        if mimetype == UPDATE_TYPE:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
        if mimetype == QUERY_TYPE:
            if "query" in args:
                raise ProtocolError(400, "a POST with a query body must not also carry a 'query' parameter")
            try:
                query: str | None = _body().decode(request.mimetype_params.get("charset", "utf-8"))
            except (UnicodeError, LookupError) as error:
                raise ProtocolError(400, "the query body is not valid UTF-8") from error
            values = args
        elif mimetype == FORM_TYPE:
            values = _form()
            if "query" in args:
                raise ProtocolError(400, "send 'query' in the form body, not in the URL, when posting a form")
            query = _single(values.getlist("query"), "query")
        else:
            raise ProtocolError(415, f"POST needs {FORM_TYPE} or {QUERY_TYPE}, not '{mimetype[:60]}'")
        default_graphs = tuple(
            args.getlist("default-graph-uri") + (values.getlist("default-graph-uri") if values is not args else [])
        )
        named_graphs = tuple(
            args.getlist("named-graph-uri") + (values.getlist("named-graph-uri") if values is not args else [])
        )
        result_format = _single(
            args.getlist("format") + (values.getlist("format") if values is not args else []), "format"
        )
        return query, default_graphs, named_graphs, result_format
    return (
        _single(args.getlist("query"), "query"),
        tuple(args.getlist("default-graph-uri")),
        tuple(args.getlist("named-graph-uri")),
        _single(args.getlist("format"), "format"),
    )


def _pick_format(info: QueryInfo, format_parameter: str | None) -> ResultFormat:
    kind = form_kind(info.form)
    if format_parameter:
        return format_by_parameter(format_parameter, kind)
    chosen = choose_format(kind)
    if chosen is None:
        raise ProtocolError(406, f"none of the accepted media types fits a {info.form} result")
    return chosen


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    query, default_graphs, named_graphs, format_parameter = _read_request()
    if query is None:
        if request.method == "POST":
            raise ProtocolError(400, "no query given: send a 'query' parameter or a query body")
        if wants_html():
            return query_page()
        return graph_response(describe_service(dataset_facts()), "Accept")
    for iri in default_graphs + named_graphs:
        if not iri.strip() or any(char in iri for char in '<>" {}|\\^`\n'):
            raise ProtocolError(400, "default-graph-uri and named-graph-uri must be IRIs")
    info = runtime().check(query)
    result_format = _pick_format(info, format_parameter)
    result = answer(
        info.text,
        result_format,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        has_dataset_clause=info.has_dataset_clause,
    )
    return send_answer(result)
