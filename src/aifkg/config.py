"""Settings as one frozen dataclass, built from defaults, the environment and the command line.

Everything that makes the engine generic lives here: point `ontology_dir`, `shapes_dir` and `data_dir`
at another folder (and `base_iri` at its namespace) and the same engine serves that graph.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """What the engine needs to know; every field can be set as AIFKG_<FIELD> in the environment."""

    ontology_dir: Path = PROJECT_ROOT / "ontology"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    data_dir: Path = PROJECT_ROOT / "data"
    queries_dir: Path = PROJECT_ROOT / "queries"
    cache_dir: Path = PROJECT_ROOT / ".cache"
    base_iri: str = "https://w3id.org/aifactories/"
    public_url: str = ""  # where clients reach the server, e.g. https://example.org/; empty: http://HOST:PORT/
    reasoning_timeout: float = 600.0
    query_timeout: float = 10.0
    max_rows: int = 100_000
    max_query_bytes: int = 32_768
    max_request_bytes: int = 65_536
    max_nesting: int = 64
    executors: int = 2  # query worker processes kept idle per web worker
    queue_limit: int = 64  # requests per web worker that may wait for a busy query worker; more get 503
    threads: int = 32  # request threads per web worker, each with at most one query worker: measured under a
    # storm of 200 slow queries, 32 kept cheap ones under 2 s where 8 let them queue for 10 s
    web_workers: int = 2
    http_server: str = "granian"  # or "gunicorn" (threaded workers)
    result_cache_entries: int = 2048
    # bytes each of the two answer caches (results, whole responses) may hold per web worker; an answer over
    # an eighth of it is never cached
    result_cache_bytes: int = 32 * 2**20
    host: str = "127.0.0.1"
    port: int = 8000
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def public_base(self) -> str:
        """The server's public URL with a trailing slash: the configured one, else http://host:port/. Never
        taken from a request's Host header, so no response depends on what a client claims."""
        if self.public_url:
            return self.public_url.rstrip("/") + "/"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def id_base(self) -> str:
        return self.base_iri + "id/"

    @property
    def ontology_iri(self) -> str:
        return self.base_iri + "ontology"

    def graph_iri(self, name: str) -> str:
        """IRI of one of the named graphs: ontology, data or inferred."""
        return f"{self.base_iri}graph/{name}"

    @property
    def graph_iris(self) -> dict[str, str]:
        return {name: self.graph_iri(name) for name in ("ontology", "data", "inferred")}


def _coerce(value: str, template: object) -> object:
    if isinstance(template, bool):
        return value.lower() in {"1", "true", "yes", "on"}
    if isinstance(template, int):
        return int(value)
    if isinstance(template, float):
        return float(value)
    if isinstance(template, Path):
        return Path(value).expanduser().resolve()
    return value


def settings_from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, then AIFKG_* variables (HOST and PORT too, for `make run`), then explicit overrides."""
    env = os.environ if environ is None else environ
    base = Settings()
    values: dict[str, Any] = {}
    for item in fields(Settings):
        if item.name == "extra":
            continue
        raw = env.get(f"AIFKG_{item.name.upper()}")
        if raw is None and item.name in {"host", "port"}:
            raw = env.get(item.name.upper())
        if raw not in (None, ""):
            values[item.name] = _coerce(raw, getattr(base, item.name))
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("ontology_dir", "shapes_dir", "data_dir", "queries_dir", "cache_dir"):
        if values.get(key) is not None:
            values[key] = Path(values[key]).expanduser().resolve()
    return replace(base, **values)
