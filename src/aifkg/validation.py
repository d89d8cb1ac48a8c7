"""SHACL validation of a built graph: one pure entry point and one typed result.

The build validates ontology + asserted data + OWL RL inferences as one graph with pyshacl's
``inference="none"``: reasoning already ran, and running it again inside pyshacl would double the cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, flattened to strings so it prints and compares easily."""

    focus_node: str
    result_path: str | None
    source_shape: str
    constraint_component: str
    severity: str
    message: str
    value: str | None

    def describe(self) -> str:
        """One line a curator can act on: which node, which shape, what is wrong."""
        path = f" {self.result_path}" if self.result_path else ""
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"[{self.severity}] {self.focus_node}{path}: {self.message}{value}  <{self.source_shape}>"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a SHACL run; `conforms` ignores warnings and infos on purpose."""

    conforms: bool
    findings: tuple[Finding, ...]
    report_graph: Graph

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Violation")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity != "Violation")

    def describe(self, limit: int = 50) -> str:
        """A readable report, violations first."""
        ordered = sorted(self.findings, key=lambda f: (f.severity != "Violation", f.focus_node, f.message))
        head = (
            f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)"
            if self.findings
            else "conforms: no findings"
        )
        lines = [head, *(f.describe() for f in ordered[:limit])]
        if len(ordered) > limit:
            lines.append(f"... and {len(ordered) - limit} more")
        return "\n".join(lines)


def _text(node: object) -> str | None:
    return None if node is None else str(node)


def _path_text(graph: Graph, path: object) -> str | None:
    """A property path as text: an IRI, or a sequence `p1 / p2` instead of a blank-node id."""
    if path is None:
        return None
    if isinstance(path, BNode):
        members = list(Collection(graph, path)) if (path, RDF.first, None) in graph else []
        if members:
            return " / ".join(str(m) for m in members)
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
        return "(complex path)"
    return str(path)


def findings_from_report(report_graph: Graph) -> tuple[Finding, ...]:
    """Read sh:ValidationResult nodes of a report graph into Findings, in a stable order."""
    findings = []
    # Top-level results only: pyshacl also records nested sh:detail results (for sh:node) as ValidationResults.
    for result in report_graph.objects(None, SH.result):
        messages = sorted(str(m) for m in report_graph.objects(result, SH.resultMessage))
        severity = report_graph.value(result, SH.resultSeverity)
        findings.append(
            Finding(
                focus_node=str(report_graph.value(result, SH.focusNode)),
                result_path=_path_text(report_graph, report_graph.value(result, SH.resultPath)),
                source_shape=str(report_graph.value(result, SH.sourceShape)),
                constraint_component=str(report_graph.value(result, SH.sourceConstraintComponent)),
                severity=SEVERITY_NAMES.get(severity, str(severity)) if isinstance(severity, URIRef) else "",
                message="; ".join(messages),
                value=_text(report_graph.value(result, SH.value)),
            )
        )
    return tuple(sorted(findings, key=lambda f: (f.focus_node, f.source_shape, f.message)))


def validate_graph(data_graph: Graph, shapes_graph: Graph) -> ValidationReport:
    """Validate `data_graph` (already reasoned) against `shapes_graph`."""
    _, report_graph, _ = pyshacl_validate(
        data_graph,
        shacl_graph=shapes_graph,
        inference="none",
        allow_warnings=True,
        advanced=True,
        abort_on_first=False,
    )
    findings = findings_from_report(report_graph)
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(conforms=conforms, findings=findings, report_graph=report_graph)
