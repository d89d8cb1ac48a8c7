"""The production HTTP server: gunicorn with sync workers, each owning its own query worker process.

The build is made (or found in the cache) before any worker starts, so workers only load the finished
dataset. Sync workers equal to the core count were the steady choice measured here (see pitfalls).
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from aifkg.build import Build
from aifkg.config import Settings


class AifkgServer(BaseApplication):
    """gunicorn, configured in code rather than from a file or the command line."""

    def __init__(self, settings: Settings, build: Build) -> None:
        self.settings = settings
        self.build = build
        super().__init__()

    def load_config(self) -> None:
        options: dict[str, Any] = {
            "bind": f"{self.settings.host}:{self.settings.port}",
            "workers": self.settings.web_workers,
            "worker_class": "sync",
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
        from aifkg.web import create_app

        return create_app(self.settings, self.build)


def serve(settings: Settings, build: Build) -> int:
    print(
        f"serving {build.stats.total_triples} triples at http://{settings.host}:{settings.port}/ (SPARQL: /sparql)",
        flush=True,
    )
    AifkgServer(settings, build).run()
    return 0
