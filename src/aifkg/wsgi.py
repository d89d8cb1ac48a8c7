"""WSGI entry point for servers that import the app by name (granian, or `gunicorn aifkg.wsgi:create()`).

A factory, not a module-level app: importing this module does no work. Settings come from AIFKG_*
variables, which `aifkg serve` exports before it starts the workers. Workers serve the cache's `current`
build: the last one that passed validation. So a reload (SIGHUP) after `aifkg build` swaps to the new build,
and a reload after a failed build keeps serving the last good one.
"""

from __future__ import annotations

from flask import Flask

from aifkg.build import current_build, run_build
from aifkg.config import settings_from_env
from aifkg.web import create_app


def create() -> Flask:
    settings = settings_from_env()
    return create_app(settings, current_build(settings) or run_build(settings))
