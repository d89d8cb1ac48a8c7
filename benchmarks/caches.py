"""What each answer cache saves: a web worker's time per repeated request, side by side in one run.

Three set-ups of the same app on the project's graph, called through WSGI in this process (no HTTP, so the
figures are the web worker's own time): both caches (as served), the answer cache alone (the whole-response
layer stepped over), and no cache (`AIFKG_RESULT_CACHE_ENTRIES=0`). Requests repeat one text each, the case
the caches are for; a distinct text misses both caches and is measured by the throughput section.

`.venv/bin/python -m benchmarks.caches [--requests N]`: figures as medians and p99 in microseconds, and
how many times faster each set-up's median is than the no-cache one. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

from aifkg.build import run_build
from aifkg.config import settings_from_env
from aifkg.web import create_app
from aifkg.web.language import RememberedLanguage
from aifkg.web.response_cache import ResponseCache
from benchmarks.typical import LITAI, RDFS_LABEL

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
LOOKUP = f"SELECT ?label WHERE {{ <{LITAI}> <{RDFS_LABEL}> ?label }}"
JSON = "application/sparql-results+json"
REQUESTS: dict[str, dict[str, Any]] = {
    "GET /sparql (a program's lookup)": {
        "path": "/sparql",
        "query_string": urlencode({"query": LOOKUP}),
        "headers": {"Accept": JSON},
    },
    "POST /sparql (the same, as a form)": {
        "path": "/sparql",
        "method": "POST",
        "data": urlencode({"query": LOOKUP}),
        "content_type": "application/x-www-form-urlencoded",
        "headers": {"Accept": JSON},
    },
    "GET /id/factory/litai (a page)": {"path": "/id/factory/litai", "headers": {"Accept": "text/html"}},
}


def _call(app: WSGIApp, environ: dict[str, Any]) -> str:
    status: list[str] = []
    body = app(environ, lambda code, headers, exc_info=None: status.append(code))
    b"".join(body)
    close = getattr(body, "close", None)
    if close is not None:
        close()
    return status[0]


def time_requests(app: WSGIApp, request: dict[str, Any], count: int) -> list[float]:
    """Microseconds per request, each on a fresh environ (made outside the timed part), after a warm-up."""
    timings = []
    for run in range(count + 50):
        environ = EnvironBuilder(**request).get_environ()
        began = time.perf_counter()
        status = _call(app, environ)
        elapsed = (time.perf_counter() - began) * 1e6
        if not status.startswith("200"):
            raise RuntimeError(f"{request['path']} answered {status}")
        if run >= 50:
            timings.append(elapsed)
    return sorted(timings)


def answer_cache_only(app: WSGIApp) -> WSGIApp:
    """The app without its whole-response layer: language layer, then what the response cache wraps."""
    if not isinstance(app, RememberedLanguage) or not isinstance(app.app, ResponseCache):
        raise RuntimeError("the app's WSGI layers are not the ones this benchmark knows")
    return RememberedLanguage(app.app.app)


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.caches", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per cell (default 2000)")
    parser.add_argument("--cache", type=Path, help="build cache folder (default: the checkout's .cache/)")
    args = parser.parse_args(argv)
    settings = settings_from_env({}, **({"cache_dir": args.cache} if args.cache else {}))
    build = run_build(settings, progress=lambda message: print(f"# {message}", flush=True))
    cached = create_app(settings, build)
    uncached = create_app(replace(settings, result_cache_entries=0), build)
    setups: dict[str, WSGIApp] = {
        "both caches": cached.wsgi_app,
        "answer cache only": answer_cache_only(cached.wsgi_app),
        "no cache": uncached.wsgi_app,
    }
    figures: list[dict[str, object]] = []
    try:
        print(f"| request | set-up | p50 µs | p99 µs | p50 speed-up over no cache |  ({args.requests} per cell)")
        print("|---|---|---|---|---|")
        for name, request in REQUESTS.items():
            medians: dict[str, float] = {}
            rows = []
            for setup in ("no cache", "answer cache only", "both caches"):
                timings = time_requests(setups[setup], request, args.requests)
                medians[setup] = statistics.median(timings)
                p99 = timings[int(len(timings) * 0.99) - 1]
                rows.append((setup, medians[setup], p99))
            for setup, median, p99 in rows:
                speedup = medians["no cache"] / median
                print(f"| {name} | {setup} | {median:,.0f} | {p99:,.0f} | {speedup:,.1f}x |")
                figures.append({"request": name, "setup": setup, "p50_us": median, "p99_us": p99})
    finally:
        for app in (cached, uncached):
            app.extensions["aifkg"].executor.close()
    return figures


if __name__ == "__main__":
    main()
