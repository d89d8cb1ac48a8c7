"""A build: load, reason, validate, and write the dataset, its dumps and its numbers to a cache folder.

The folder's name is a hash of every input file and of the engine's build format, so an unchanged restart
finds the finished build and skips reasoning. A build is written to a temporary folder and renamed into
place in one step: a reader never sees half a build, and a crash leaves only a temporary folder behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from aifkg import __version__
from aifkg.config import Settings
from aifkg.graph import SourceGraphs, fingerprint, load_sources
from aifkg.stats import GraphStats, compute_stats

if TYPE_CHECKING:
    from aifkg.validation import ValidationReport

BUILD_FORMAT = "3"
MANIFEST = "build.json"
DATASET_FILE = "dataset.nq"
DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "aifkg.ttl": ox.RdfFormat.TURTLE,
    "aifkg.nt": ox.RdfFormat.N_TRIPLES,
    "aifkg.trig": ox.RdfFormat.TRIG,
    "aifkg.nq": ox.RdfFormat.N_QUADS,
    "aifkg.jsonld": ox.RdfFormat.JSON_LD,
}

Progress = Callable[[str], None]


class BuildError(Exception):
    """The inputs cannot become a servable build; the message says why."""


class ValidationFailed(BuildError):
    """The reasoned graph violates the shapes; `report` holds the findings."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__("the data does not conform to the shapes:\n" + report.describe())
        self.report = report


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


ENGINE_MODULES = ("build.py", "graph.py", "reasoning.py", "validation.py", "stats.py")


def engine_fingerprint() -> str:
    """Hash of the modules that shape a build: changing the engine invalidates cached builds."""
    digest = hashlib.sha256()
    for name in ENGINE_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def build_key(settings: Settings) -> str:
    salt = f"{BUILD_FORMAT}|{__version__}|{engine_fingerprint()}|{settings.reasoner}|{settings.base_iri}"
    return fingerprint((settings.ontology_dir, settings.data_dir, settings.shapes_dir), salt)[:24]


def _read_manifest(folder: Path, key: str) -> Build | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("key") != key or not (folder / DATASET_FILE).is_file():
            return None
        if (folder / DATASET_FILE).stat().st_size != manifest["dataset_bytes"]:
            return None
        return Build(
            folder=folder,
            key=key,
            built_at=manifest["built_at"],
            stats=GraphStats.from_dict(manifest["stats"]),
            warnings=manifest["warnings"],
            seconds=manifest["seconds"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


CURRENT = "current"


def mark_current(settings: Settings, build: Build) -> None:
    """Point `current` at a good build, in one atomic rename: readers see the old or the new, never half."""
    pointer = settings.cache_dir / CURRENT
    staging = pointer.with_name(f".{CURRENT}-{os.getpid()}")
    staging.write_text(build.key, encoding="utf-8")
    os.replace(staging, pointer)


def current_build(settings: Settings) -> Build | None:
    """The last build that passed validation (what a restarting worker serves), if it is intact."""
    try:
        key = (settings.cache_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not key.isalnum():
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


def write_build(folder: Path, quads: list[ox.Quad], prefixes: dict[str, str]) -> None:
    """The dataset and its dumps; Turtle and N-Triples hold the union, the others keep the graphs."""
    (folder / "dumps").mkdir(parents=True)
    ox.serialize(quads, folder / DATASET_FILE, format=ox.RdfFormat.N_QUADS)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    for name, rdf_format in DUMP_FORMATS.items():
        target = folder / "dumps" / name
        if rdf_format.supports_datasets:
            ox.serialize(quads, target, format=rdf_format, prefixes=prefixes)
        elif rdf_format == ox.RdfFormat.N_TRIPLES:
            ox.serialize(triples, target, format=rdf_format)
        else:
            ox.serialize(triples, target, format=rdf_format, prefixes=prefixes)


def run_build(settings: Settings, progress: Progress = lambda _: None, force: bool = False) -> Build:
    """Return the cached build for the inputs, or make it: load, reason, validate, write."""
    # Reasoning and validation pull in owlrl and pyshacl: imported only when a build really runs, so a
    # warm start (and every query worker) stays light.
    from aifkg.reasoning import infer_with_timeout
    from aifkg.validation import validate_graph

    key = build_key(settings)
    final = settings.cache_dir / "builds" / key
    if not force:
        existing = _read_manifest(final, key)
        if existing is not None:
            progress(f"cached build {key} ({existing.stats.total_triples} triples)")
            mark_current(settings, existing)
            return existing
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    progress("loading ontology, data and shapes")
    try:
        sources: SourceGraphs = load_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    except Exception as error:
        raise BuildError(str(error)) from error
    seconds["load"] = time.perf_counter() - started

    progress(f"reasoning with {settings.reasoner} over {len(sources.ontology) + len(sources.data)} triples")
    mark = time.perf_counter()
    try:
        closure = infer_with_timeout(sources.ontology, sources.data, settings.reasoner, settings.reasoning_timeout)
    except Exception as error:
        raise BuildError(f"reasoning failed: {error}") from error
    seconds["reason"] = time.perf_counter() - mark
    graphs = {"ontology": sources.ontology, "data": sources.data, "inferred": closure.inferred}

    progress(f"validating {sum(len(g) for g in graphs.values())} triples against {len(sources.shapes)} shape triples")
    mark = time.perf_counter()
    union = Graph()
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    report = validate_graph(union, sources.shapes)
    seconds["validate"] = time.perf_counter() - mark
    if not report.conforms:
        raise ValidationFailed(report)

    progress("writing dataset and dumps")
    mark = time.perf_counter()
    stats = compute_stats(graphs, settings.base_iri + "ontology#")
    prefixes = {prefix: str(ns) for prefix, ns in sources.ontology.namespaces() if prefix}
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=final.parent))
    try:
        write_build(staging, _to_quads(graphs, settings.graph_iris), prefixes)
        seconds["write"] = time.perf_counter() - mark
        seconds["total"] = time.perf_counter() - started
        built_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        manifest = {
            "key": key,
            "built_at": built_at,
            "stats": stats.to_dict(),
            "warnings": len(report.warnings),
            "seconds": {k: round(v, 3) for k, v in seconds.items()},
            "inferred_dropped": closure.dropped,
            "dataset_bytes": (staging / DATASET_FILE).stat().st_size,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        os.rename(staging, final)
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
