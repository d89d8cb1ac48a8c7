"""The production HTTP server: gunicorn (threaded workers) or granian, each worker owning its query workers.

The build is made (or found in the cache) before any worker starts, so workers only load the finished
dataset. Both servers respawn a worker that dies. Which one is faster here is measured by `make bench`.
"""

from __future__ import annotations

import os
from dataclasses import fields
from typing import Any

from gunicorn.app.base import BaseApplication

from aifkg.build import Build
from aifkg.config import Settings


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
            "worker_class": "gthread",
            "threads": self.settings.threads,
            "timeout": int(self.settings.query_timeout) + 30,
            "graceful_timeout": 5,
            "keepalive": 5,
            "limit_request_line": 8190,
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
