"""The pipeline, written once: load the sources, reason (OWL RL), validate (SHACL).

Every command goes through here: `aifkg validate` and `aifkg reason` directly, the others through the build
(build.py), which writes what `check` returns. Failures are domain errors (errors.py): a missing or broken
file is a SourceError, a contradiction an InconsistentGraph, a reasoner that cannot finish ReasoningFailed.
Violations are not an error here: they are in the report, and the caller decides what they mean.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph

from aifkg.config import Settings
from aifkg.errors import InconsistentGraph, ReasoningFailed
from aifkg.graph import SourceGraphs, load_sources, union_of
from aifkg.validation import ValidationReport, validate_graph

Progress = Callable[[str], None]


def no_progress(_: str) -> None:
    """The default progress: say nothing."""


@dataclass(frozen=True)
class Reasoned:
    """The sources and what reasoning added to them."""

    sources: SourceGraphs
    inferred: Graph
    dropped: int  # trivial or invalid triples the reasoner made and the closure left out

    @property
    def graphs(self) -> dict[str, Graph]:
        """The three named graphs of a build, by name."""
        return {"ontology": self.sources.ontology, "data": self.sources.data, "inferred": self.inferred}


@dataclass(frozen=True)
class Checked:
    """The reasoned graph and its SHACL report."""

    reasoned: Reasoned
    report: ValidationReport
    seconds: dict[str, float]


def load(settings: Settings, progress: Progress = no_progress) -> SourceGraphs:
    progress("loading ontology, data and shapes")
    return load_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)


def reason(settings: Settings, sources: SourceGraphs, progress: Progress = no_progress) -> Reasoned:
    """The OWL RL closure of ontology + data in a child process bounded by `reasoning_timeout`."""
    # owlrl is imported only when reasoning really runs, so a warm start (and every query worker) stays light
    from aifkg.reasoning import InconsistencyError, infer_with_timeout

    progress(f"reasoning with owlrl over {len(sources.ontology) + len(sources.data)} triples")
    try:
        closure = infer_with_timeout(sources.ontology, sources.data, settings.reasoning_timeout, settings.base_iri)
    except InconsistencyError as error:
        raise InconsistentGraph(error.messages) from error
    except Exception as error:  # a timeout, input owlrl refuses, a child that died: named, one line
        raise ReasoningFailed(f"reasoning failed: {' '.join(str(error).split())}") from error
    return Reasoned(sources=sources, inferred=closure.inferred, dropped=closure.dropped)


def validate(reasoned: Reasoned, progress: Progress = no_progress) -> ValidationReport:
    """SHACL over ontology + data + inferred as one graph (reasoning already ran: pyshacl infers nothing)."""
    graphs = reasoned.graphs
    progress(
        f"validating {sum(len(g) for g in graphs.values())} triples against {len(reasoned.sources.shapes)} "
        "shape triples"
    )
    return validate_graph(union_of(graphs.values()), reasoned.sources.shapes)


def check(settings: Settings, progress: Progress = no_progress) -> Checked:
    """Load, reason and validate, timing each step."""
    seconds: dict[str, float] = {}
    mark = time.perf_counter()
    sources = load(settings, progress)
    seconds["load"] = time.perf_counter() - mark
    mark = time.perf_counter()
    reasoned = reason(settings, sources, progress)
    seconds["reason"] = time.perf_counter() - mark
    mark = time.perf_counter()
    report = validate(reasoned, progress)
    seconds["validate"] = time.perf_counter() - mark
    return Checked(reasoned=reasoned, report=report, seconds=seconds)
