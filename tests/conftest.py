"""Shared fixtures: a small fictional graph (tests/fixtures/mini) built once, an app and a client on it."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aifkg.build import KEY_PATTERN, Build, run_build
from aifkg.config import Settings, settings_from_env
from aifkg.web import create_app

TESTS = Path(__file__).resolve().parent
MINI = TESTS / "fixtures" / "mini"
MINI_BASE = "https://example.org/kg/"
# The session's build of the project's graph is kept here between runs. Like every build it is keyed by a hash
# of its inputs and of the engine's code and verified file by file before reuse, and builders take turns (so
# parallel test workers make it once); a run after a change builds again, and older builds are removed.
# Tests of building itself use fresh folders of their own.
REAL_CACHE = TESTS.parent / ".cache" / "tests" / "real"


def mini_settings(cache_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "ontology_dir": MINI / "ontology",
        "data_dir": MINI / "data",
        "shapes_dir": MINI / "shapes",
        "base_iri": MINI_BASE,
        "cache_dir": cache_dir,
    }
    values.update(overrides)
    return settings_from_env({}, **values)


def mini_source_args(cache: Path, data: Path = MINI / "data") -> list[str]:
    """Command-line options that point aifkg at the mini fixture (or another data folder) and a cache."""
    return [
        "--ontology",
        str(MINI / "ontology"),
        "--data",
        str(data),
        "--shapes",
        str(MINI / "shapes"),
        "--base-iri",
        MINI_BASE,
        "--cache",
        str(cache),
    ]


@pytest.fixture(scope="session")
def mini_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mini-cache")


@pytest.fixture(scope="session")
def settings(mini_cache: Path) -> Settings:
    return mini_settings(mini_cache, query_timeout=3.0, max_rows=50)


@pytest.fixture(scope="session")
def build(settings: Settings) -> Build:
    return run_build(settings)


@pytest.fixture(scope="session")
def real_settings() -> Settings:
    """The project's own graph (ontology/, data/, shapes/), in the tests' build cache."""
    return settings_from_env({}, cache_dir=REAL_CACHE)


@pytest.fixture(scope="session")
def real_build(real_settings: Settings) -> Build:
    """The project's graph, built once for every module that tests on it (and reused by the next run)."""
    build = run_build(real_settings)
    for folder in build.folder.parent.iterdir():
        if folder != build.folder and KEY_PATTERN.fullmatch(folder.name):
            shutil.rmtree(folder, ignore_errors=True)  # a build of earlier inputs or code
    return build


@pytest.fixture(scope="session")
def app(settings: Settings, build: Build) -> Iterator[Flask]:
    application = create_app(settings, build)
    yield application
    application.extensions["aifkg"].executor.close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection attempt."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    probe = Listener()
    yield probe
    probe.close()
