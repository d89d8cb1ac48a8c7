"""Pages for exploring the network: search, the overview tables (and their CSV), the map, the timeline and
the lists of each kind of entity (/id/<kind>/). All of them read the catalogue made once per build.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from aifkg.build import Build
from aifkg.config import Settings
from aifkg.web import geo
from aifkg.web.catalogue import THING_KINDS, Catalogue, read_catalogue
from aifkg.web.i18n import format_date, format_number, kind_name, ui_text
from aifkg.web.language import page_language
from aifkg.web.lookup import local_href
from aifkg.web.negotiation import wants_html
from aifkg.web.network_map import NetworkMap, network_map
from aifkg.web.presentation import format_result_number
from aifkg.web.search import Entry, Hit, build_index, group_by_kind, search
from aifkg.web.tables import COLUMNS, FILTERS, apply, filter_options, read_choice, table_rows, to_csv

blueprint = Blueprint("explore", __name__)

TOPOLOGY = Path(__file__).resolve().parent / "static" / "vendor" / "countries-50m.json"
MAP_WIDTHS = {"large": 800.0, "small": 400.0}
SEARCH_LIMIT = 50
SUGGEST_LIMIT = 12
EXTENSION = "aifkg.explore"


@dataclass
class Explorer:
    """The catalogue and search index of the build being served, and the map's country shapes per width."""

    catalogue: Catalogue
    index: list[Entry]
    topology_path: Path = TOPOLOGY
    _shapes: dict[float, list[geo.Shape]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def shapes(self, frame: geo.Frame) -> list[geo.Shape]:
        """Country shapes for a frame, drawn once per width (the first map request pays for it)."""
        with self._lock:
            if frame.width not in self._shapes:
                topology = geo.read_topology(self.topology_path)
                self._shapes[frame.width] = geo.country_shapes(topology, frame) if topology else []
            return self._shapes[frame.width]


def install(app: Flask, settings: Settings, build: Build) -> None:
    """Read the build's catalogue and index it, once, as the app starts; then serve the pages."""
    catalogue = read_catalogue(build.dataset_path, settings.id_base, settings.vocabulary)
    app.extensions[EXTENSION] = Explorer(catalogue, build_index(catalogue))
    app.jinja_env.globals.update(
        local_link=local_href,
        format_date=lambda iso: format_date(iso, page_language()),
        format_number=lambda number: format_number(number, page_language()),
        format_result=lambda lexical, datatype: format_result_number(lexical, datatype, page_language()),
    )
    app.register_blueprint(blueprint)


def explorer() -> Explorer:
    found: Explorer = current_app.extensions[EXTENSION]
    return found


def _html(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def wants_json() -> bool:
    """A program asking for JSON: `format=json`, or an Accept that ranks JSON above HTML."""
    if request.args.get("format") == "json":
        return True
    accepted = request.accept_mimetypes
    return accepted["application/json"] > accepted["text/html"] and accepted.provided


# ---- search ----


def hit_view(catalogue: Catalogue, hit: Hit, language: str) -> dict[str, str]:
    """A hit as the page and the JSON show it: label in the reader's language, and the name that matched."""
    label = catalogue.label(hit.iri, language)
    return {
        "iri": hit.iri,
        "href": local_href(hit.iri),
        "label": label,
        "labelLanguage": catalogue.label_language(hit.iri, language),
        "kind": hit.kind,
        "kindName": kind_name(hit.kind, language),
        "matched": "" if hit.matched == label else hit.matched,
        "matchedLanguage": hit.matched_language,
    }


@blueprint.route("/search")
def search_page() -> Response:
    """Entities by name (labels in every language, other names, acronyms), as a page or as JSON."""
    language = page_language()
    query = request.args.get("q", "").strip()[:200]
    state = explorer()
    limit = SUGGEST_LIMIT if request.args.get("suggest") else SEARCH_LIMIT
    hits = search(state.index, query, limit)
    views = [hit_view(state.catalogue, hit, language) for hit in hits]
    if wants_json():
        body = json.dumps({"query": query, "language": language, "results": views}, ensure_ascii=False)
        response = Response(body, content_type="application/json; charset=utf-8")
        response.headers["Cache-Control"] = "public, max-age=300"
        response.vary.add("Accept")
        response.vary.add("Accept-Language")
        return response
    views_by_iri = {view["iri"]: view for view in views}
    groups = [
        (kind, kind_name(kind, language), [views_by_iri[hit.iri] for hit in group])
        for kind, group in group_by_kind(hits)
    ]
    response = _html(render_template("search.html", query=query, groups=groups, total=len(hits)))
    response.vary.add("Accept")
    return response


# ---- tables ----


def table_page(table: str) -> Response:
    language = page_language()
    t = ui_text(language)
    catalogue = explorer().catalogue
    rows = table_rows(catalogue, table, language)
    choice = read_choice(table, request.args)
    shown = apply(rows, choice)
    headings = {column.key: t["col_" + column.key] for column in COLUMNS[table]}
    if request.args.get("format") == "csv":
        response = Response(to_csv(table, shown, headings), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{table}.csv"'
        response.headers["Cache-Control"] = "public, max-age=300"
        return response
    kept = {name: value for name, value in request.args.items() if name in (*FILTERS, "sort", "order", "lang")}
    return _html(
        render_template(
            "table.html",
            table=table,
            columns=COLUMNS[table],
            headings=headings,
            rows=shown,
            total=len(rows),
            choice=choice,
            options=filter_options(catalogue, rows, language),
            args=kept,
        )
    )


@blueprint.route("/factories")
def factories() -> Response:
    return table_page("factories")


@blueprint.route("/antennas")
def antennas() -> Response:
    return table_page("antennas")


@blueprint.route("/systems")
def systems() -> Response:
    return table_page("systems")


# ---- map ----


@functools.cache
def frame_for(width: float) -> geo.Frame:
    return geo.fit(width)


def small_map_size() -> tuple[float, float]:
    """Width and height of the small map the home page shows."""
    frame = frame_for(MAP_WIDTHS["small"])
    return frame.width, frame.height


def current_map(size: str, language: str) -> NetworkMap:
    state = explorer()
    frame = frame_for(MAP_WIDTHS[size])
    return network_map(state.catalogue, frame, state.shapes(frame), language)


@blueprint.route("/map")
def map_page() -> Response:
    language = page_language()
    drawn = current_map("large", language)
    catalogue = explorer().catalogue
    kinds = {kind: kind_name(kind, language) for _, _, kind in THING_KINDS}
    cities = set(catalogue.entities_of_kind("city"))
    return _html(render_template("map.html", drawn=drawn, catalogue=catalogue, kinds=kinds, city_iris=cities))


@blueprint.route("/map.svg")
def map_image() -> Response:
    """The map as an image (the home page shows the small one); links need the /map page."""
    size = request.args.get("size", "large")
    if size not in MAP_WIDTHS:
        abort(404)
    language = page_language()
    body = render_template("map.svg", drawn=current_map(size, language), standalone=True)
    response = Response(body, content_type="image/svg+xml; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Language")
    return response


@blueprint.route("/map/base.json")
def map_base() -> Response:
    """The /map page's base map for scripts that place their own points on it (the query editor's map
    view): the country outlines as SVG path data in pixels, and the projection's parameters to put any
    longitude and latitude in the same pixels. The same for every build, so it is cached for a day."""
    frame = frame_for(MAP_WIDTHS["large"])
    body = {
        "projection": "lambert-azimuthal-equal-area",
        "centre": list(geo.CENTRE),
        "width": frame.width,
        "height": frame.height,
        "scale": frame.scale,
        "left": frame.left,
        "top": frame.top,
        "shapes": [{"name": shape.name, "d": shape.path} for shape in explorer().shapes(frame)],
    }
    response = Response(json.dumps(body, separators=(",", ":")), content_type="application/json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# ---- timeline ----


@blueprint.route("/timeline")
def timeline() -> Response:
    """Every dated statement the graph has (selection rounds, calls, regulations), oldest first."""
    language = page_language()
    catalogue = explorer().catalogue
    entries = []
    for event in catalogue.events:
        selected = sorted(
            (thing for thing in catalogue.values if event.subject in catalogue.get(thing, "selectedIn")),
            key=lambda thing: catalogue.label(thing, language).casefold(),
        )
        entries.append((event, selected))
    return _html(render_template("timeline.html", entries=entries, catalogue=catalogue))


# ---- kinds ----


@blueprint.route("/id/")
def kinds() -> Response:
    language = page_language()
    catalogue = explorer().catalogue
    listed = [(kind, kind_name(kind, language), count) for kind, count in catalogue.kinds().items()]
    if not _browser():
        return _plain_list(f"/id/{kind}/" for kind, _, _ in listed)
    return _html(render_template("kinds.html", kinds=listed))


@blueprint.route("/id/<kind>/")
def kind_listing(kind: str) -> Response:
    """Every entity of one kind, by name; 404 for a kind the graph does not have."""
    language = page_language()
    catalogue = explorer().catalogue
    members = catalogue.entities_of_kind(kind)
    if not members:
        abort(404)
    if not _browser():
        return _plain_list(members)
    ordered = sorted(members, key=lambda iri: catalogue.label(iri, language).casefold())
    return _html(
        render_template(
            "kind.html", kind=kind, kind_label=kind_name(kind, language), members=ordered, catalogue=catalogue
        )
    )


def _browser() -> bool:
    return wants_html()


def _plain_list(lines: Iterable[str]) -> Response:
    """For programs: one IRI (or path) a line."""
    body = "".join(f"{line}\n" for line in lines)
    response = Response(body, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept")
    return response
