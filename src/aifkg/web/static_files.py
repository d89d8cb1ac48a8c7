"""Static files with versioned URLs, so browsers keep them for a year and never ask again.

Every `url_for("static", ...)` gets `v=<hash of the file's bytes>`: a new version of a file has a new URL,
so a page never mixes an old script with a new one, and a URL with a version can be cached as immutable.
A request without a version (someone typed the URL) is revalidated as before.
"""

from __future__ import annotations

import hashlib
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _version(path: Path, size: int, modified_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def version_of(folder: str, filename: str) -> str | None:
    """A short hash of the file's bytes (remembered per size and modification time), None if there is none.
    Called for every static URL a page builds: one stat, and a hash only when the file changed."""
    if ".." in Path(filename).parts:
        return None
    path = Path(folder) / filename
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return _version(path, status.st_size, status.st_mtime_ns)


class VersionedStatic(Flask):
    """Flask whose static URLs carry their file's version, and whose versioned static answers are immutable."""

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        return YEAR if request.args.get("v") else None


def install(app: Flask) -> None:
    """Add the version to every static URL the app's templates and code build with url_for."""

    @app.after_request
    def immutable(response: Response) -> Response:
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.immutable = True
        return response

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values and app.static_folder:
            version = version_of(app.static_folder, values["filename"])
            if version:
                values["v"] = version
