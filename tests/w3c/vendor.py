"""Copy the W3C SPARQL tests aifkg runs out of a checkout of github.com/w3c/rdf-tests.

Usage: python -m tests.w3c.vendor <rdf-tests git directory> [revision]

Only the manifests and the query files they name are copied (no data or result files: the tests here check
that the endpoint accepts or refuses a query, not its answers over the W3C data).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import Graph, URIRef

from tests.w3c.manifests import MF, QT

HERE = Path(__file__).resolve().parent
SPARQL10 = [
    "syntax-sparql1",
    "syntax-sparql2",
    "syntax-sparql3",
    "syntax-sparql4",
    "syntax-sparql5",
    "basic",
    "triple-match",
    "open-world",
    "algebra",
    "bnode-coreference",
    "optional",
    "optional-filter",
    "graph",
    "dataset",
    "type-promotion",
    "cast",
    "boolean-effective-value",
    "bound",
    "expr-builtin",
    "expr-ops",
    "expr-equals",
    "regex",
    "i18n",
    "construct",
    "ask",
    "distinct",
    "sort",
    "solution-seq",
    "reduced",
]
SPARQL11 = [
    "aggregates",
    "bind",
    "bindings",
    "cast",
    "construct",
    "exists",
    "functions",
    "grouping",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
    "syntax-query",
]
SUITES = [f"sparql10/{name}" for name in SPARQL10] + [f"sparql11/{name}" for name in SPARQL11]
EXTRA = ["sparql11/protocol/manifest.ttl"]


def git_show(gitdir: str, revision: str, path: str) -> bytes:
    """One file of the repository at `revision`, by its path under sparql/ (or ../ for the top)."""
    where = path.removeprefix("../") if path.startswith("../") else f"sparql/{path}"
    return subprocess.run(["git", "-C", gitdir, "show", f"{revision}:{where}"], check=True, capture_output=True).stdout


def query_files(manifest: bytes, base: str) -> set[str]:
    """The query files a manifest names: an action that is a file, or the qt:query of an action."""
    graph = Graph().parse(data=manifest, format="turtle", publicID=base)
    names: set[str] = set()
    for action in graph.objects(None, MF.action):
        targets = [action] if isinstance(action, URIRef) else list(graph.objects(action, QT.query))
        names.update(str(target).removeprefix(base) for target in targets)
    return names


def vendor(gitdir: str, revision: str) -> None:
    """Copy the licence (the repository's dual-licence notice, then the full W3C notice), the manifests and
    their queries."""
    licence = git_show(gitdir, revision, "../LICENSE.md") + b"\n" + git_show(gitdir, revision, "sparql10/LICENSE")
    (HERE / "LICENSE").write_bytes(licence)
    for path in EXTRA:
        (HERE / path).parent.mkdir(parents=True, exist_ok=True)
        (HERE / path).write_bytes(git_show(gitdir, revision, path))
    for suite in SUITES:
        base = f"http://vendored.invalid/{suite}/"
        manifest = git_show(gitdir, revision, f"{suite}/manifest.ttl")
        folder = HERE / suite
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.ttl").write_bytes(manifest)
        for name in sorted(query_files(manifest, base)):
            if "/" in name:
                raise SystemExit(f"{suite}: {name} is outside the suite's folder")
            (folder / name).write_bytes(git_show(gitdir, revision, f"{suite}/{name}"))


if __name__ == "__main__":
    vendor(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "HEAD")
