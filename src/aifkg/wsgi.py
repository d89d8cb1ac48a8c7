"""WSGI entry point for servers that import the app by name (`aifkg serve` runs granian on `aifkg.wsgi:create`).

A factory, not a module-level app: importing this module does no work. Settings come from AIFKG_*
variables, which `aifkg serve` exports before it starts the workers. Workers serve the cache's `current`
build: the last one that passed validation. So a reload (SIGHUP) after `aifkg build` swaps to the new build,
and a reload after a failed build keeps serving the last good one.
"""

from __future__ import annotations

import os
import threading
import time

from flask import Flask

from aifkg.build import current_build, run_build
from aifkg.config import settings_from_env
from aifkg.web import create_app


def create() -> Flask:
    _exit_when_orphaned(os.getppid())
    settings = settings_from_env()
    return create_app(settings, current_build(settings) or run_build(settings))


def _exit_when_orphaned(parent: int, every: float = 0.5) -> None:
    """Leave when the server process is gone. granian's main process may exit while a worker is still
    starting (a stop during start-up): such a worker missed the stop signal and would serve on as an
    orphan, with its query workers."""

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(0)  # the zygote and its query workers follow (parent-death signal)

    threading.Thread(target=watch, name="aifkg-orphan-watch", daemon=True).start()
