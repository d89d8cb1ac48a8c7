"""A build: load, reason, validate, and write the dataset, its dumps and its numbers to a cache folder.

The folder's name is a hash of every input file and of the engine's build format, so an unchanged restart
finds the finished build and skips reasoning. A build is written to a temporary folder and renamed into
place in one step: a reader never sees half a build, and a crash leaves only a temporary folder behind.
The manifest records the size and SHA-256 of every file; a cached build is reused (or followed from the
`current` pointer) only when every file matches, otherwise it is rebuilt, never served.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from aifkg import __version__
from aifkg.config import Settings
from aifkg.errors import BuildError, ValidationFailed
from aifkg.graph import fingerprint
from aifkg.jsonld import compact_document, make_context
from aifkg.namespace import prefix_table
from aifkg.stats import GraphStats, compute_stats

if TYPE_CHECKING:
    from aifkg.pipeline import Progress

__all__ = ["Build", "BuildError", "ValidationFailed", "build_key", "cached_build", "current_build", "run_build"]

BUILD_FORMAT = "5"
MANIFEST = "build.json"
LOCK_FILE = "build.lock"  # held while a build is written (run_build), so builders of one cache take turns
DATASET_FILE = "dataset.nq"
WARNINGS_FILE = "warnings.json"  # the SHACL warnings of the validation, for /gaps (no validation at serve time)
DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "aifkg.ttl": ox.RdfFormat.TURTLE,
    "aifkg.nt": ox.RdfFormat.N_TRIPLES,
    "aifkg.trig": ox.RdfFormat.TRIG,
    "aifkg.nq": ox.RdfFormat.N_QUADS,
    "aifkg.jsonld": ox.RdfFormat.JSON_LD,
}
BUILD_FILES = (
    DATASET_FILE,
    WARNINGS_FILE,
    *(f"dumps/{name}" for name in DUMP_FORMATS),
)  # what the manifest vouches for
DIGEST = "sha256"  # with the CPU's SHA extensions: 1.2 GB/s measured here, blake2b 0.7 GB/s
KEY_PATTERN = re.compile(r"[0-9a-f]{24}")  # a build key, so `current` cannot name a path


class DamagedBuild(Exception):
    """A build folder that must not be served (a file missing or changed, the manifest unreadable)."""


@dataclass(frozen=True)
class Build:
    """A finished build on disk."""

    folder: Path
    key: str
    built_at: str
    stats: GraphStats
    warnings: int
    seconds: dict[str, float]

    @property
    def dataset_path(self) -> Path:
        return self.folder / DATASET_FILE

    def dump_path(self, name: str) -> Path:
        return self.folder / "dumps" / name

    @property
    def warnings_path(self) -> Path:
        """JSON: a list of {"focus", "path", "message"}, one per SHACL warning of the build's validation."""
        return self.folder / WARNINGS_FILE


ENGINE_MODULES = (
    "build.py",
    "pipeline.py",
    "graph.py",
    "reasoning.py",
    "validation.py",
    "stats.py",
    "jsonld.py",
)


def engine_fingerprint() -> str:
    """Hash of the modules that shape a build: changing the engine invalidates cached builds."""
    digest = hashlib.sha256()
    for name in ENGINE_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def build_key(settings: Settings) -> str:
    salt = f"{BUILD_FORMAT}|{__version__}|{engine_fingerprint()}|{settings.base_iri}"
    return fingerprint((settings.ontology_dir, settings.data_dir, settings.shapes_dir), salt)[:24]


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, DIGEST).hexdigest()


# Files found intact by this process, or by the process it was forked from, by stat identity: the web workers
# that `aifkg serve` forks do not hash again what it verified a moment before. A write changes mtime and ctime,
# and ctime cannot be set back, so the same identity means the same bytes; a file changed less than RACY_NS
# before its hash is not remembered, as its timestamps may not have moved since (git's "racily clean" rule).
_intact_files: dict[Path, tuple[tuple[int, ...], str]] = {}
RACY_NS = 5_000_000_000


def _identity(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _check_file(path: Path, expected: object) -> None:
    """Raise DamagedBuild unless `path` is a regular file of the size and digest the manifest gives."""
    if not isinstance(expected, dict):
        raise DamagedBuild(f"{MANIFEST} gives no size and digest for {path.name}")
    size, digest = expected.get("bytes"), expected.get(DIGEST)
    if not isinstance(size, int) or not isinstance(digest, str):
        raise DamagedBuild(f"{MANIFEST} gives no size and digest for {path.name}")
    try:
        before = path.stat()
        if not stat.S_ISREG(before.st_mode):
            raise DamagedBuild(f"{path.name} is not a regular file")
        if before.st_size != size:
            raise DamagedBuild(f"{path.name} has {before.st_size} bytes, not {size}")
        if _intact_files.get(path) == (_identity(before), digest):
            return
        hashed_at = time.time_ns()
        if file_digest(path) != digest:
            raise DamagedBuild(f"{path.name} has changed since it was written ({DIGEST} differs)")
        after = path.stat()
    except OSError as error:
        raise DamagedBuild(f"{path.name}: {error.strerror or error}") from error
    if _identity(after) != _identity(before):
        raise DamagedBuild(f"{path.name} changed while it was being verified")
    if hashed_at - after.st_ctime_ns > RACY_NS:
        _intact_files[path] = (_identity(after), digest)


def _load_build(folder: Path, key: str) -> Build:
    """The build in `folder` once its manifest is this key's and every file matches it; else DamagedBuild."""
    try:
        if folder.resolve().parent != folder.parent.resolve():
            raise DamagedBuild(f"{folder} is a link out of the builds folder")
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        raise DamagedBuild(f"{folder} cannot be resolved: {error}") from error
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DamagedBuild(f"{MANIFEST} is unreadable: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("key") != key:
        raise DamagedBuild(f"{MANIFEST} is not the manifest of build {key}")
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(BUILD_FILES):
        raise DamagedBuild(f"{MANIFEST} does not list the build's files")
    try:
        build = Build(
            folder=folder,
            key=key,
            built_at=str(manifest["built_at"]),
            stats=GraphStats.from_dict(manifest["stats"]),
            warnings=int(manifest["warnings"]),
            seconds=dict(manifest["seconds"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DamagedBuild(f"{MANIFEST} is incomplete: {error!r}") from error
    for name in BUILD_FILES:
        _check_file(folder / name, files[name])
    return build


def _read_manifest(folder: Path, key: str) -> Build | None:
    try:
        return _load_build(folder, key)
    except DamagedBuild:
        return None


CURRENT = "current"


def _one_line(error: OSError) -> str:
    return " ".join((error.strerror or str(error)).split())


def mark_current(settings: Settings, build: Build) -> None:
    """Point `current` at a good build, in one atomic rename: readers see the old or the new, never half."""
    pointer = settings.cache_dir / CURRENT
    try:
        if pointer.read_text(encoding="utf-8").strip() == build.key:
            return  # already current: a warm start writes nothing
    except (OSError, ValueError):
        pass
    staging = pointer.with_name(f".{CURRENT}-{os.getpid()}")
    try:
        staging.write_text(build.key, encoding="utf-8")
        os.replace(staging, pointer)
    except OSError as error:
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
        raise BuildError(
            f"cannot make build {build.key} current in {settings.cache_dir}: {_one_line(error)}"
        ) from error


def current_build(settings: Settings) -> Build | None:
    """The last build that passed validation (what a restarting worker serves), if it is intact."""
    try:
        key = (settings.cache_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # ValueError: not UTF-8
        return None
    if not KEY_PATTERN.fullmatch(key):  # a path ("../../etc") or garbage
        return None
    return _read_manifest(settings.cache_dir / "builds" / key, key)


def cached_build(settings: Settings) -> Build | None:
    """The finished build for the current inputs, if one is on disk and intact."""
    key = build_key(settings)
    return _read_manifest(settings.cache_dir / "builds" / key, key)


def _to_quads(graphs: dict[str, Graph], graph_iris: dict[str, str]) -> list[ox.Quad]:
    """rdflib graphs to oxigraph quads via N-Triples, the one syntax both read the same way."""
    quads: list[ox.Quad] = []
    for name, graph in graphs.items():
        payload = graph.serialize(format="nt", encoding="utf-8")
        graph_name = ox.NamedNode(graph_iris[name])
        quads.extend(
            ox.Quad(t.subject, t.predicate, t.object, graph_name)
            for t in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)
        )
    return quads


def write_build(folder: Path, quads: list[ox.Quad], prefixes: dict[str, str], ontology_namespace: str = "") -> None:
    """The dataset and its dumps; Turtle and N-Triples hold the union, the others keep the graphs. The
    JSON-LD dump is compacted with the context the server publishes at /context.jsonld (carried inline,
    so reading it needs no network)."""
    (folder / "dumps").mkdir(parents=True)
    ox.serialize(quads, folder / DATASET_FILE, format=ox.RdfFormat.N_QUADS)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    for name, rdf_format in DUMP_FORMATS.items():
        target = folder / "dumps" / name
        if rdf_format == ox.RdfFormat.JSON_LD:
            document = compact_document(quads, make_context(quads, ontology_namespace))
            target.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        elif rdf_format.supports_datasets:
            ox.serialize(quads, target, format=rdf_format, prefixes=prefixes)
        elif rdf_format == ox.RdfFormat.N_TRIPLES:
            ox.serialize(triples, target, format=rdf_format)
        else:
            ox.serialize(triples, target, format=rdf_format, prefixes=prefixes)


def _write_failed(folder: Path, error: OSError) -> BuildError:
    return BuildError(f"cannot write the build to {folder}: {_one_line(error)}; the last good build stays current")


def run_build(settings: Settings, progress: Progress = lambda _: None, force: bool = False) -> Build:
    """Return the cached build for the inputs, or make it: load, reason, validate (pipeline.py), write."""
    key = build_key(settings)
    final = settings.cache_dir / "builds" / key
    existing = None if force else _reuse(settings, final, key, progress)
    if existing is not None:
        return existing
    with _build_lock(settings.cache_dir, progress):
        # whoever held the lock may have just made this very build: reuse it rather than write it twice
        existing = None if force else _reuse(settings, final, key, lambda _: None)
        return existing or _make_build(settings, final, key, progress)


def _reuse(settings: Settings, final: Path, key: str, progress: Progress) -> Build | None:
    """The finished build in `final` if it is intact (and then marked current), else None."""
    if not final.exists():
        return None
    mark = time.perf_counter()
    try:
        existing = _load_build(final, key)
    except DamagedBuild as damage:
        progress(f"cached build {key} is damaged ({damage}): building it again")
        return None
    verified = (time.perf_counter() - mark) * 1000
    progress(f"cached build {key} ({existing.stats.total_triples} triples, verified in {verified:.0f} ms)")
    mark_current(settings, existing)
    return existing


@contextlib.contextmanager
def _build_lock(cache_dir: Path, progress: Progress) -> Iterator[None]:
    """One build at a time per cache folder: a second builder (another `aifkg build`, a parallel test
    worker) waits for the first and then finds its result, instead of writing the same folder at once."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle = (cache_dir / LOCK_FILE).open("a+b")
    except OSError as error:
        raise _write_failed(cache_dir, error) from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f"another build is writing to {cache_dir}: waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _make_build(settings: Settings, final: Path, key: str, progress: Progress) -> Build:
    """Load, reason, validate and write the build `key` into `final` (through a staging folder)."""
    # the pipeline pulls in owlrl and pyshacl (0.14 s): imported only when a build really runs, so a warm start
    # (and every query worker) stays light
    from aifkg.pipeline import check

    started = time.perf_counter()
    checked = check(settings, progress)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report)
    report, reasoned = checked.report, checked.reasoned
    graphs = reasoned.graphs
    seconds = dict(checked.seconds)

    progress("writing dataset and dumps")
    mark = time.perf_counter()
    stats = compute_stats(graphs, settings.vocabulary)
    prefixes = prefix_table(settings.base_iri)
    quads = _to_quads(graphs, settings.graph_iris)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=final.parent))
    except OSError as error:
        raise _write_failed(final.parent, error) from error
    # the staging folder's name starts with a dot, which no build key and no `current` pointer matches, so a
    # folder left half-written (disk full, a crash) is never taken for a build
    try:
        write_build(staging, quads, prefixes, settings.vocabulary)
        warnings = [{"focus": f.focus_node, "path": f.result_path or "", "message": f.message} for f in report.warnings]
        (staging / WARNINGS_FILE).write_text(json.dumps(warnings, ensure_ascii=False, indent=1), encoding="utf-8")
        files = {
            name: {"bytes": (staging / name).stat().st_size, DIGEST: file_digest(staging / name)}
            for name in BUILD_FILES
        }
        seconds["write"] = time.perf_counter() - mark
        seconds["total"] = time.perf_counter() - started
        built_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        manifest = {
            "key": key,
            "built_at": built_at,
            "stats": stats.to_dict(),
            "warnings": len(report.warnings),
            "seconds": {k: round(v, 3) for k, v in seconds.items()},
            "inferred_dropped": reasoned.dropped,
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        os.rename(staging, final)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _write_failed(final.parent, error) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(f"built {key}: {stats.total_triples} triples in {seconds['total']:.1f} s")
    build = Build(
        folder=final,
        key=key,
        built_at=built_at,
        stats=stats,
        warnings=len(report.warnings),
        seconds={k: round(v, 3) for k, v in seconds.items()},
    )
    mark_current(settings, build)
    return build
