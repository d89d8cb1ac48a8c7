"""WSGI entry point for servers that import the app by name (granian, or `gunicorn aifkg.wsgi:create()`).

A factory, not a module-level app: importing this module does no work. Settings come from AIFKG_*
variables, which `aifkg serve` exports before it starts the workers; the build is found in the cache.
"""

from __future__ import annotations

from flask import Flask

from aifkg.build import run_build
from aifkg.config import settings_from_env
from aifkg.web import create_app


def create() -> Flask:
    settings = settings_from_env()
    return create_app(settings, run_build(settings))
