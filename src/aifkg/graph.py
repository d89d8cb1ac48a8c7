"""Load the Turtle sources into rdflib graphs: the ontology, the asserted data and the shapes.

Parsing goes through rdflib's own Turtle parser: it reads only the files we name (no owl:imports are
followed, no remote contexts) and reports a syntax error with the file and line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from aifkg.errors import SourceError

__all__ = ["SourceError", "SourceGraphs", "fingerprint", "load_sources", "parse_files", "rdf_files", "union_of"]

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads"}


@dataclass(frozen=True)
class SourceGraphs:
    """The three inputs of a build, as parsed graphs."""

    ontology: Graph
    data: Graph
    shapes: Graph


def rdf_files(folder: Path) -> list[Path]:
    """Every RDF file under `folder`, sorted so builds are reproducible."""
    if not folder.is_dir():
        raise SourceError(f"not a folder: {folder}")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in RDF_SUFFIXES)


def parse_files(paths: Iterable[Path]) -> Graph:
    """Parse files into one graph; raise SourceError naming the file on the first bad one."""
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format=RDF_SUFFIXES[path.suffix])
        except Exception as error:  # rdflib raises many types; the file name is what a curator needs
            raise SourceError(f"{path}: {_one_line_reason(error)}") from error
    return graph


def _one_line_reason(error: BaseException) -> str:
    """rdflib's syntax errors span lines ("at line 27 of <>:" then the cause): join them into one."""
    text = " ".join(line.strip() for line in str(error).strip().splitlines() if line.strip())
    return text[:300] if text else type(error).__name__


def load_sources(ontology_dir: Path, data_dir: Path, shapes_dir: Path) -> SourceGraphs:
    """Read the three folders; each must hold at least one RDF file."""
    found = {
        name: rdf_files(folder)
        for name, folder in (("ontology", ontology_dir), ("data", data_dir), ("shapes", shapes_dir))
    }
    for name, paths in found.items():
        if not paths:
            raise SourceError(f"no RDF files in the {name} folder")
    return SourceGraphs(
        ontology=parse_files(found["ontology"]),
        data=parse_files(found["data"]),
        shapes=parse_files(found["shapes"]),
    )


def union_of(graphs: Iterable[Graph]) -> Graph:
    """One graph holding every triple of `graphs` (the default graph the shapes and queries see)."""
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    return union


def fingerprint(folders: Iterable[Path], salt: str = "") -> str:
    """SHA-256 over the relative paths and bytes of every RDF file: the cache key of a build."""
    digest = hashlib.sha256(salt.encode())
    for folder in folders:
        digest.update(b"\0folder\0" + folder.name.encode())
        for path in rdf_files(folder):
            digest.update(b"\0file\0" + str(path.relative_to(folder)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()
