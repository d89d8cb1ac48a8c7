"""Settings as one frozen dataclass, built from defaults, the environment and the command line.

Every field is read from `AIFKG_<FIELD>` (and `host`/`port` also from HOST and PORT, for `make run`); each
field's metadata holds its meaning, from which docs/settings.md is generated (`aifkg settings --markdown`,
kept equal by tests/test_config.py). In a checkout the source folders default to the checkout's own; an
installed copy (`pip install .`) has no data of its own, so there `--ontology`, `--data` and `--shapes` (or
their variables) are required and a missing one is a one-line error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from aifkg.errors import SettingsError, SourceError
from aifkg.namespace import BASE_IRI, vocabulary_iri


def checkout_root(module_file: Path) -> Path | None:
    """The repository folder when this module runs from a checkout (`src/aifkg/config.py` beside a
    pyproject.toml); None in an installed copy, whose parent folders are Python's own."""
    root = module_file.resolve().parents[2]
    is_checkout = module_file.resolve().parent.parent.name == "src" and (root / "pyproject.toml").is_file()
    return root if is_checkout else None


CHECKOUT = checkout_root(Path(__file__))
PROJECT_ROOT = CHECKOUT  # the checkout, for tests and tools that read its folders (None when installed)


def _source_folder(name: str, option: str) -> Callable[[], Path]:
    """Default of a source folder: the checkout's, or a one-line error naming the option to give."""

    def default() -> Path:
        if CHECKOUT is None:
            raise SourceError(
                f"no {name} folder given: pass {option} DIR (or set AIFKG_{name.upper()}_DIR); "
                "the default exists only in a checkout of aifkg"
            )
        return CHECKOUT / name

    return default


def _cache_folder() -> Path:
    if CHECKOUT is not None:
        return CHECKOUT / ".cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "aifkg"


def _doc(meaning: str, shown: str = "") -> dict[str, str]:
    """A field's metadata: its meaning, and how the docs show a default computed at start."""
    return {"doc": meaning, "shown": shown}


@dataclass(frozen=True)
class Settings:
    """What the engine needs to know; every field can be set as AIFKG_<FIELD> in the environment."""

    ontology_dir: Path = field(
        default_factory=_source_folder("ontology", "--ontology"),
        metadata=_doc(
            "folder of the ontology's RDF files (`--ontology`)",
            "`ontology/` of the checkout; required when installed",
        ),
    )
    shapes_dir: Path = field(
        default_factory=_source_folder("shapes", "--shapes"),
        metadata=_doc(
            "folder of the SHACL shapes (`--shapes`)",
            "`shapes/` of the checkout; required when installed",
        ),
    )
    data_dir: Path = field(
        default_factory=_source_folder("data", "--data"),
        metadata=_doc(
            "folder of the instance data (`--data`)",
            "`data/` of the checkout; required when installed",
        ),
    )
    queries_dir: Path = field(
        default_factory=_source_folder("queries", "AIFKG_QUERIES_DIR"),
        metadata=_doc(
            "folder of the worked questions (`*.rq`) the pages show; a missing folder means none",
            "`queries/` of the checkout; when installed, `queries/` beside the data folder",
        ),
    )
    cache_dir: Path = field(
        default_factory=_cache_folder,
        metadata=_doc(
            "where builds are kept, one folder per hash of the inputs (`--cache`)",
            "`.cache/` of the checkout; when installed, `$XDG_CACHE_HOME/aifkg` or `~/.cache/aifkg`",
        ),
    )
    base_iri: str = field(
        default=BASE_IRI,
        metadata=_doc("namespace of the graph: ontology, instances, graphs (`--base-iri`)"),
    )
    public_url: str = field(
        default="",
        metadata=_doc(
            "where clients reach the server (e.g. https://example.org/), for links in pages and descriptions; "
            "empty: http://HOST:PORT/"
        ),
    )
    reasoning_timeout: float = field(default=600.0, metadata=_doc("seconds reasoning may take before the build fails"))
    query_timeout: float = field(
        default=10.0, metadata=_doc("seconds a query may run before it is stopped with 503 (`--timeout`)")
    )
    max_rows: int = field(default=100_000, metadata=_doc("most result rows (or triples) an answer may have"))
    max_query_bytes: int = field(default=32_768, metadata=_doc("longest query text accepted, in bytes"))
    max_request_bytes: int = field(default=65_536, metadata=_doc("largest request body accepted, in bytes"))
    max_nesting: int = field(default=64, metadata=_doc("deepest nesting of brackets a query may have"))
    executors: int = field(default=2, metadata=_doc("query worker processes kept idle per web worker"))
    queue_limit: int = field(
        default=64, metadata=_doc("requests per web worker that may wait for a busy query worker; more get 503")
    )
    threads: int = field(
        default=32,
        metadata=_doc(
            "request threads per web worker, each with at most one query worker (measured under a storm of "
            "200 slow queries: 32 kept cheap ones under 2 s where 8 let them queue for 10 s)"
        ),
    )
    web_workers: int = field(default=2, metadata=_doc("web worker processes of the HTTP server (`--workers`)"))
    result_cache_entries: int = field(
        default=2048, metadata=_doc("answers kept per web worker; 0 turns the answer caches off")
    )
    result_cache_bytes: int = field(
        default=32 * 2**20,
        metadata=_doc("bytes each of the two answer caches may hold per web worker; a larger answer is not kept"),
    )
    host: str = field(default="127.0.0.1", metadata=_doc("interface the server listens on (`--host`; also `HOST`)"))
    port: int = field(default=8000, metadata=_doc("port the server listens on (`--port`; also `PORT`)"))

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

    @property
    def vocabulary(self) -> str:
        """The namespace of the ontology's terms (`aif:` for the project's own base IRI)."""
        return vocabulary_iri(self.base_iri)

    def graph_iri(self, name: str) -> str:
        """IRI of one of the named graphs: ontology, data or inferred."""
        return f"{self.base_iri}graph/{name}"

    @property
    def graph_iris(self) -> dict[str, str]:
        return {name: self.graph_iri(name) for name in ("ontology", "data", "inferred")}


PATH_FIELDS = ("ontology_dir", "shapes_dir", "data_dir", "queries_dir", "cache_dir")


def _kind(name: str) -> type:
    """The type a setting is read as."""
    return get_type_hints(Settings)[name]


def _parse(name: str, raw: str) -> object:
    kind = _kind(name)
    try:
        if kind is Path:
            return Path(raw).expanduser().resolve()
        return kind(raw)
    except ValueError as error:
        raise SettingsError(f"AIFKG_{name.upper()}={raw!r} is not a valid {kind.__name__}") from error


def settings_from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, then AIFKG_* variables (HOST and PORT too, for `make run`), then explicit overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for item in fields(Settings):
        raw = env.get(f"AIFKG_{item.name.upper()}")
        if raw is None and item.name in {"host", "port"}:
            raw = env.get(item.name.upper())
        if raw not in (None, ""):
            values[item.name] = _parse(item.name, raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in PATH_FIELDS:
        if values.get(key) is not None:
            values[key] = Path(values[key]).expanduser().resolve()
    if values.get("queries_dir") is None and CHECKOUT is None and values.get("data_dir") is not None:
        values["queries_dir"] = values["data_dir"].parent / "queries"  # an installed copy: beside the data
    return Settings(**values)


def setting_rows() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) of every setting, in the dataclass's order."""
    rows = []
    for item in fields(Settings):
        rows.append((f"AIFKG_{item.name.upper()}", _shown_default(item), item.metadata["doc"]))
    return rows


def _shown_default(item: Field[Any]) -> str:
    if item.metadata.get("shown"):
        return str(item.metadata["shown"])
    if item.default in (None, ""):
        return "(empty)"
    value = item.default
    return f"`{value:_}`" if isinstance(value, int) and value >= 10_000 else f"`{value}`"


def settings_markdown() -> str:
    """docs/settings.md: the table of every setting, generated from the dataclass."""
    lines = [
        "# Settings",
        "",
        "Every setting is an environment variable (an empty value means the default); the command-line",
        "options named in the table win over them. Generated from `src/aifkg/config.py` by",
        "`aifkg settings --markdown > docs/settings.md`; a test keeps the two equal.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
        *(f"| `{name}` | {default} | {doc} |" for name, default, doc in setting_rows()),
        "",
        "Tests read one more variable: `AIFKG_UPDATE_ANSWERS=1 pytest tests/test_queries.py` rewrites the pinned",
        "answers of the worked questions after a reviewed data change.",
        "",
    ]
    return "\n".join(lines)
