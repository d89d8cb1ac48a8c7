"""What the graph does not know yet (/gaps) and what changed since the previous build (/changes).

/gaps lists the SHACL warnings of the build's validation (the "should" rules: a missing homepage, funding,
host) grouped by entity, each a call for a source. The shapes are run again over the build's dataset once
per build and the findings kept in the cache folder, so only the first server start after a build pays.

/changes compares the asserted statements (ontology and data graphs; statements with blank nodes cannot be
matched between builds and are left out) of the build being served with the newest earlier build in the
cache folder. The comparison is made once, when the app is created, and served from memory: as a page, or
as RDF (a TriG or N-Quads changeset with one named graph of added and one of removed statements).
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from aifkg.build import MANIFEST, Build
from aifkg.web.entity import link_target, property_label
from aifkg.web.i18n import ui_text
from aifkg.web.lookup import LANGUAGES, labels_of, reader_language
from aifkg.web.runtime import Runtime, runtime

blueprint = Blueprint("build_insight", __name__)
LOG = logging.getLogger("aifkg.web")
CHANGESET_FORMATS = {
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}


@dataclass(frozen=True)
class Gap:
    """One SHACL warning: what is missing about an entity."""

    focus: str
    path: str
    message: str


@dataclass(frozen=True)
class GapsOf:
    """The gaps of one entity, as the page lists them."""

    iri: str
    label: str
    href: str | None
    gaps: list[Gap]


@dataclass
class EntityChanges:
    subject: str
    added: list[ox.Triple] = field(default_factory=list)
    removed: list[ox.Triple] = field(default_factory=list)


@dataclass(frozen=True)
class Changes:
    """Added and removed statements between the previous build and the current one."""

    current: str
    current_at: str
    previous: str | None = None
    previous_at: str = ""
    added: tuple[ox.Triple, ...] = ()
    removed: tuple[ox.Triple, ...] = ()

    def by_subject(self) -> list[EntityChanges]:
        entities: OrderedDict[str, EntityChanges] = OrderedDict()
        for triples, added in ((self.added, True), (self.removed, False)):
            for triple in triples:
                subject = str(getattr(triple.subject, "value", triple.subject))
                entry = entities.setdefault(subject, EntityChanges(subject))
                (entry.added if added else entry.removed).append(triple)
        return [entities[key] for key in sorted(entities)]


# ---- computing them ----


def asserted_triples(build_folder: Path, graph_iris: list[str]) -> set[ox.Triple]:
    """The statements of the named graphs `graph_iris` in a build's dataset, without blank nodes."""
    wanted = {ox.NamedNode(iri) for iri in graph_iris}
    found: set[ox.Triple] = set()
    for quad in ox.parse(path=str(build_folder / "dataset.nq"), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name not in wanted:
            continue
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            continue
        found.add(ox.Triple(quad.subject, quad.predicate, quad.object))
    return found


def previous_build(builds_folder: Path, current: Build) -> tuple[Path, str, str] | None:
    """(folder, key, built_at) of the newest build in the cache that is older than `current`."""
    candidates = []
    for manifest_path in builds_folder.glob(f"*/{MANIFEST}"):
        folder = manifest_path.parent
        if folder.name == current.key or folder.name.startswith("."):
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            built_at = str(manifest["built_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if built_at <= current.built_at and (folder / "dataset.nq").is_file():
            candidates.append((built_at, folder.name, folder))
    if not candidates:
        return None
    built_at, key, folder = max(candidates)
    return folder, key, built_at


def compare_builds(current: Build, builds_folder: Path, graph_iris: list[str]) -> Changes:
    found = previous_build(builds_folder, current)
    if found is None:
        return Changes(current.key, current.built_at)
    folder, key, built_at = found
    now = asserted_triples(current.folder, graph_iris)
    before = asserted_triples(folder, graph_iris)
    order = str
    return Changes(
        current=current.key,
        current_at=current.built_at,
        previous=key,
        previous_at=built_at,
        added=tuple(sorted(now - before, key=order)),
        removed=tuple(sorted(before - now, key=order)),
    )


def find_gaps(state: Runtime) -> list[Gap]:
    """The build's SHACL warnings, as the build wrote them (validation runs when building, never here)."""
    return [Gap(**item) for item in json.loads(state.build.warnings_path.read_text(encoding="utf-8"))]


# per build folder (one process may serve builds from several cache folders, as the tests do)
_prepared: dict[str, tuple[Changes, list[Gap] | None]] = {}


def prepare(state: Runtime) -> None:
    """Compare with the previous build now (app creation, before workers fork); gaps come on first use."""
    if str(state.build.folder) in _prepared:
        return
    graphs = [state.settings.graph_iri("ontology"), state.settings.graph_iri("data")]
    try:
        changes = compare_builds(state.build, state.build.folder.parent, graphs)
    except (OSError, SyntaxError, ValueError) as error:  # an unreadable earlier build: nothing to compare
        LOG.warning("cannot compare with the previous build: %s", error)
        changes = Changes(state.build.key, state.build.built_at)
    _prepared[str(state.build.folder)] = (changes, None)


def prepared_changes() -> Changes:
    state = runtime()
    prepare(state)
    return _prepared[str(state.build.folder)][0]


def prepared_gaps() -> list[Gap]:
    state = runtime()
    prepare(state)
    changes, gaps = _prepared[str(state.build.folder)]
    if gaps is None:
        gaps = find_gaps(state)
        _prepared[str(state.build.folder)] = (changes, gaps)
    return gaps


# ---- pages ----


def _plain(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _page(template: str, language: str, **values: object) -> Response:
    html = render_template(template, language=language, languages=LANGUAGES, t=ui_text(language), **values)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Content-Language"] = language
    return response


@blueprint.route("/gaps")
def gaps() -> Response:
    language = reader_language()
    found = prepared_gaps()
    grouped: OrderedDict[str, list[Gap]] = OrderedDict()
    for gap in sorted(found, key=lambda g: (g.focus, g.path, g.message)):
        grouped.setdefault(gap.focus, []).append(gap)
    names = labels_of([*grouped, *(gap.path for gap in found if gap.path)], language)
    names.update({gap.path: property_label(gap.path, names.get(gap.path), language) for gap in found if gap.path})
    entities = [GapsOf(focus, names.get(focus, focus), link_target(focus), items) for focus, items in grouped.items()]
    entities.sort(key=lambda entity: entity.label.lower())
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        body = [{"entity": e.iri, "gaps": [g.__dict__ for g in e.gaps]} for e in entities]
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
    return _page("gaps.html", language, entities=entities, names=names, total=len(found))


def changeset(changes: Changes, base_iri: str) -> list[ox.Quad]:
    """The changes as quads: one named graph of added statements, one of removed ones."""
    name = f"{base_iri}changes/{changes.previous or 'none'}/{changes.current}/"
    added, removed = ox.NamedNode(name + "added"), ox.NamedNode(name + "removed")
    quads = [ox.Quad(t.subject, t.predicate, t.object, added) for t in changes.added]
    quads += [ox.Quad(t.subject, t.predicate, t.object, removed) for t in changes.removed]
    return quads


@blueprint.route("/changes")
def changes_page() -> Response:
    changes = prepared_changes()
    wanted = request.args.get("format")
    if wanted is not None:
        media = {"trig": "application/trig", "nquads": "application/n-quads", "html": "text/html"}.get(wanted)
        if media is None:
            return _plain(400, "format must be html, trig or nquads")
    else:
        media = request.accept_mimetypes.best_match(["text/html", *CHANGESET_FORMATS])
        if media is None:
            if request.accept_mimetypes.provided:
                return _plain(406, "none of the accepted types fits: text/html, application/trig, application/n-quads")
            media = "text/html"
    if media in CHANGESET_FORMATS:
        body = ox.serialize(changeset(changes, runtime().settings.base_iri), format=CHANGESET_FORMATS[media])
        response = Response(body or b"", content_type=f"{media}; charset=utf-8")
        response.headers["Vary"] = "Accept"
        return response
    language = reader_language()
    entities = changes.by_subject()
    iris = {e.subject for e in entities} | {t.predicate.value for e in entities for t in e.added + e.removed}
    iris |= {t.object.value for e in entities for t in e.added + e.removed if isinstance(t.object, ox.NamedNode)}
    return _page(
        "changes.html",
        language,
        changes=changes,
        entities=entities,
        names=labels_of(iris, language),
        href=link_target,
    )
