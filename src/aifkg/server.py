"""The production HTTP server: gunicorn (threaded workers) or granian, each worker owning its query workers.

The build is made (or found in the cache) before any worker starts, so workers only load the finished
dataset. Both servers respawn a worker that dies. Which one is faster here is measured by `make bench`.
"""

from __future__ import annotations

import os
import socket
from dataclasses import fields
from typing import Any

from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from aifkg.build import Build
from aifkg.config import Settings

# gunicorn refuses a longer request line with 414 before the app sees it. Its only larger setting is 0, which
# buffers a request line of any length in memory, so long queries go by POST instead (the 414 says so).
# granian's limit is the URI's (65,534 bytes, fixed in the `http` crate): also 414, with an empty body.
REQUEST_LINE_LIMIT = 8190
PLAIN_ERRORS = {
    400: "the request is not valid HTTP/1.1",
    403: "forbidden",
    414: f"the request line is longer than {REQUEST_LINE_LIMIT} bytes: send long queries with POST",
    417: "expectation failed",
    431: "the request headers are too large",
    500: "internal error; the server logged it",
    501: "this transfer coding is not supported",
}


class _ErrorPage:
    """Stands in for the client socket while gunicorn writes its HTML error page, keeping only the status."""

    def __init__(self, client: socket.socket) -> None:
        self.client = client
        self.status_line = b""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def sendall(self, data: bytes) -> None:
        self.status_line = data.split(b"\r\n", 1)[0]


class PlainErrorWorker(ThreadWorker):
    """gunicorn's threaded worker, but the errors gunicorn answers itself (a request line over the limit, too
    many headers, broken HTTP) are one line of plain text like the app's, not an HTML page."""

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        page = _ErrorPage(client)
        super().handle_error(req, page, addr, exc)  # status, reason and logging stay gunicorn's
        parts = page.status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            return  # gunicorn could not write either (the client is gone)
        status = int(parts[1])
        reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
        body = (PLAIN_ERRORS.get(status) or reason.lower() or "error").encode() + b"\n"
        head = (
            f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n"
        )
        try:
            gunicorn_util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:
            self.log.debug("Failed to send error message.")


class GunicornServer(BaseApplication):
    """gunicorn, configured in code rather than from a file or the command line."""

    def __init__(self, settings: Settings, build: Build) -> None:
        self.settings = settings
        self.build = build
        super().__init__()

    def load_config(self) -> None:
        options: dict[str, Any] = {
            "bind": f"{self.settings.host}:{self.settings.port}",
            "workers": self.settings.web_workers,
            # threads, not sync: a sync worker serves one request at a time, so thirty slow queries or a
            # few clients sending their body slowly held every worker (measured: requests queued past the
            # time limit); gthread reads requests and runs queries on `threads` threads per worker
            "worker_class": PlainErrorWorker,  # gthread, with plain-text error pages
            "threads": self.settings.threads,
            "timeout": int(self.settings.query_timeout) + 30,
            "graceful_timeout": 5,
            "keepalive": 5,
            "limit_request_line": REQUEST_LINE_LIMIT,
            "limit_request_fields": 100,
            "limit_request_field_size": 8190,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "aifkg",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from aifkg.build import current_build
        from aifkg.web import create_app

        return create_app(self.settings, current_build(self.settings) or self.build)


def export_settings(settings: Settings) -> None:
    """Put every setting into AIFKG_* variables so workers started by name rebuild the same Settings."""
    for item in fields(Settings):
        if item.name == "extra":
            continue
        value = getattr(settings, item.name)
        os.environ[f"AIFKG_{item.name.upper()}"] = "" if value is None else str(value)


def run_granian(settings: Settings) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    export_settings(settings)
    # granian forks its workers from this process (Linux): importing the web application here, once, means
    # each worker starts with Flask and the pages already loaded instead of importing them itself (a third
    # of a second of CPU each, on start-up and on every respawn). Only imports: no threads, no processes.
    import aifkg.wsgi  # noqa: F401

    Granian(
        "aifkg.wsgi:create",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.web_workers,
        blocking_threads=settings.threads,
        factory=True,
        respawn_failed_workers=True,
        log_level="warning",  # type: ignore[arg-type]
    ).serve()


def serve(settings: Settings, build: Build) -> int:
    print(
        f"serving {build.stats.total_triples} triples at http://{settings.host}:{settings.port}/ "
        f"(SPARQL: /sparql, server: {settings.http_server})",
        flush=True,
    )
    if settings.http_server == "granian":
        run_granian(settings)
    else:
        GunicornServer(settings, build).run()
    return 0
