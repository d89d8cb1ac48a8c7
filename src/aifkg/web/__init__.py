"""The Flask application factory: settings in, a WSGI app serving one build out.

Creating the app starts its query workers; importing this package does nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from aifkg.build import Build, run_build
from aifkg.config import Settings, settings_from_env
from aifkg.executor import QueryExecutor
from aifkg.namespace import prefix_table
from aifkg.sparql import ProtocolError, download_name
from aifkg.web import (
    build_insight,
    discovery,
    explore,
    json_documents,
    linked_data,
    pages,
    site,
    sparql_routes,
    static_files,
)
from aifkg.web.compression import compress
from aifkg.web.headers import CORS_HEADERS, SECURITY_HEADERS
from aifkg.web.i18n import ui_text
from aifkg.web.language import RememberedLanguage, page_language, remember_language, with_language
from aifkg.web.negotiation import wants_html
from aifkg.web.response_cache import ResponseCache
from aifkg.web.runtime import ResultCache, Runtime
from aifkg.web.sparql_fast import ProtocolFastPath
from aifkg.web.static_files import VersionedStatic

LOG = logging.getLogger("aifkg.web")
CORS_PATHS = ("/sparql", "/id/", "/ontology", "/.well-known/void", "/dumps/", "/context.jsonld")


def _plain(status: int, message: str) -> Response:
    """Errors are one line of text: no traceback, no HTML to escape, nothing about the server's insides."""
    response = Response(
        message.strip().splitlines()[0][:500] + "\n", status=status, content_type="text/plain; charset=utf-8"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _without_trailing_slash(app: Flask) -> Response | None:
    """A permanent redirect from `/questions/` to `/questions` (and the like) when only the second is a page."""
    path = request.path
    if request.method not in ("GET", "HEAD") or len(path) < 2 or not path.endswith("/"):
        return None
    try:
        app.url_map.bind("localhost").match(path[:-1], method="GET")
    except HTTPException:
        return None
    query = request.query_string.decode("latin-1")
    response = Response(status=308)
    response.headers["Location"] = path[:-1] + (f"?{query}" if query else "")
    return response


def _add_headers(response: Response) -> Response:
    headers = response.headers
    if request.args.get("format") and response.status_code == 200 and response.content_type:
        # a link that asks for a format is a download: name the file ("litai.nt", not "litai")
        name = download_name(request.path, response.content_type)
        if name:
            headers.setdefault("Content-Disposition", f'inline; filename="{name}"')
    for name, value in SECURITY_HEADERS:
        headers.setdefault(name, value)
    if request.path.startswith(CORS_PATHS):
        for name, value in CORS_HEADERS:
            headers[name] = value
        if request.method == "OPTIONS":
            headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
            headers["Access-Control-Max-Age"] = "86400"
    return response


def make_executor(settings: Settings, build: Build) -> QueryExecutor:
    """Query workers over this build's store: `executors` kept idle, one per request thread at most (a
    request never waits for a worker while others run slow queries), `queue_limit` more requests waiting.
    Relative IRIs resolve against the endpoint's public URL; the prefix table is predefined."""
    return QueryExecutor(
        build.dataset_path,
        base_iri=settings.public_base + "sparql",
        prefixes=prefix_table(settings.base_iri),
        size=settings.executors,
        max_size=max(settings.threads, settings.executors),
        queue_limit=settings.queue_limit,
    )


def create_app(
    settings: Settings | None = None,
    build: Build | None = None,
    executor: QueryExecutor | None = None,
    config: dict[str, Any] | None = None,
) -> Flask:
    """Build (or reuse) the dataset, start query workers, and wire the blueprints."""
    settings = settings or settings_from_env()
    build = build or run_build(settings)
    if executor is None:
        executor = make_executor(settings, build)
        executor.warm_up()
    app = VersionedStatic(__name__)
    static_files.install(app)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    prefixes = prefix_table(settings.base_iri)
    app.extensions["aifkg"] = Runtime(
        settings=settings,
        build=build,
        executor=executor,
        cache=ResultCache(settings.result_cache_entries, max_bytes=settings.result_cache_bytes),
        prefixes=prefixes,
    )
    app.register_blueprint(site.blueprint)
    app.register_blueprint(sparql_routes.blueprint)
    app.register_blueprint(linked_data.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(json_documents.blueprint)
    app.register_blueprint(build_insight.blueprint)
    app.register_blueprint(discovery.blueprint)
    build_insight.prepare(app.extensions["aifkg"])  # the gaps and the changes since the last build, once
    explore.install(app, settings, build)
    app.jinja_env.globals["switch_language"] = with_language
    app.context_processor(lambda: {"t": ui_text(page_language()), "language": page_language()})
    app.after_request(_add_headers)
    app.after_request(remember_language)
    app.after_request(compress)  # registered last, so it runs first: headers above see the final body

    @app.errorhandler(ProtocolError)
    def protocol_error(error: ProtocolError) -> Response:
        response = _plain(error.status, error.message)
        if error.status == 503:
            response.headers["Retry-After"] = "2"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        moved = _without_trailing_slash(app) if error.code == 404 else None
        if moved is not None:
            return moved
        if error.code == 404 and request.method == "GET" and wants_html():
            page = render_template("not_found.html")
            response = Response(page, status=404, content_type="text/html; charset=utf-8")
            response.headers["Cache-Control"] = "no-store"
            return response
        messages = {
            404: "not found",
            405: "method not allowed",
            413: "the request is too large",
            431: "the request headers are too large",
        }
        return _plain(error.code or 500, messages.get(error.code or 500, error.name.lower()))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        LOG.exception("unexpected error on %s %s", request.method, request.path)
        return _plain(500, "internal error; the server logged it")

    app.wsgi_app = ProtocolFastPath(app.wsgi_app, app.extensions["aifkg"])  # type: ignore[method-assign]
    if settings.result_cache_entries > 0:
        app.wsgi_app = ResponseCache(  # type: ignore[method-assign]
            app.wsgi_app, max_entries=settings.result_cache_entries, max_bytes=settings.result_cache_bytes
        )
    app.wsgi_app = RememberedLanguage(app.wsgi_app)  # type: ignore[method-assign]  # outermost: before the cache
    return app
