"""The map of the network: every AI Factory, antenna and computing system at its site, and the links
between antennas and their factories. A pure function from the catalogue and a frame to what the SVG
template draws; things without a site are kept, as `unplaced`, for the table under the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aifkg.web.catalogue import THING_KINDS, Catalogue
from aifkg.web.geo import Frame, Shape

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; one per selection round.
ROUND_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f5f00", "#000000")
NO_ROUND = "#6b6b6b"
SPREAD = 7.0  # pixels between markers that share a site


@dataclass(frozen=True)
class Marker:
    iri: str
    kind: str  # factory, antenna or system
    label: str
    label_language: str
    round: str  # the round's IRI, or ""
    colour: str
    x: float
    y: float
    city: str


@dataclass(frozen=True)
class Link:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class LegendEntry:
    iri: str
    label: str
    colour: str


@dataclass(frozen=True)
class NetworkMap:
    width: float
    height: float
    shapes: list[Shape]
    markers: list[Marker]
    links: list[Link]
    rounds: list[LegendEntry]
    unplaced: list[tuple[str, str]]  # (thing IRI, kind) of things the graph gives no site for


def round_colours(catalogue: Catalogue) -> dict[str, str]:
    """A colour for each selection round, in date order."""
    rounds = catalogue.instances("SelectionRound")
    dated = sorted(rounds, key=lambda r: (catalogue.get(r, "announcedOn") or [""])[0] + r)
    return {r: ROUND_COLOURS[i % len(ROUND_COLOURS)] for i, r in enumerate(dated)}


def network_map(catalogue: Catalogue, frame: Frame, shapes: list[Shape], language: str) -> NetworkMap:
    colours = round_colours(catalogue)
    placed: dict[tuple[float, float], list[tuple[str, str]]] = {}
    unplaced = []
    for _, class_name, kind in THING_KINDS:
        for thing in catalogue.instances(class_name):
            site = catalogue.sites.get(thing)
            if site is None:
                unplaced.append((thing, kind))
                continue
            x, y = frame.project(site.long, site.lat)
            placed.setdefault((round(x, 1), round(y, 1)), []).append((thing, kind))
    markers = []
    for (x, y), things in sorted(placed.items()):
        for index, (thing, kind) in enumerate(things):
            dx = dy = 0.0
            if len(things) > 1:  # side by side around the site, so each can be seen and chosen
                angle = 2 * math.pi * index / len(things)
                dx, dy = SPREAD * math.cos(angle), SPREAD * math.sin(angle)
            rounds = catalogue.get(thing, "selectedIn")
            chosen_round = rounds[0] if rounds else ""
            markers.append(
                Marker(
                    iri=thing,
                    kind=kind,
                    label=catalogue.label(thing, language),
                    label_language=catalogue.label_language(thing, language),
                    round=chosen_round,
                    colour=colours.get(chosen_round, NO_ROUND),
                    x=round(x + dx, 1),
                    y=round(y + dy, 1),
                    city=catalogue.label(catalogue.sites[thing].city, language),
                )
            )
    where = {marker.iri: marker for marker in markers}
    links = [
        Link(where[antenna].x, where[antenna].y, where[factory].x, where[factory].y)
        for antenna in catalogue.instances("AIFactoryAntenna")
        for factory in catalogue.get(antenna, "linkedFactory")
        if antenna in where and factory in where
    ]
    legend = [LegendEntry(r, catalogue.label(r, language), c) for r, c in colours.items()]
    markers.sort(key=lambda m: ({"system": 0, "factory": 1, "antenna": 2}.get(m.kind, 3), m.label.casefold()))
    return NetworkMap(frame.width, frame.height, shapes, markers, links, legend, unplaced)
