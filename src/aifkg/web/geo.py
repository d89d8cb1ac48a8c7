"""Country shapes and points on a map of Europe, drawn as SVG path data on the server (no script needed).

The shapes are Natural Earth's, as the TopoJSON of the npm package world-atlas that `make assets` copies
into the static folder. Everything here is pure: decode the topology, project longitude and latitude
with a Lambert azimuthal equal-area projection centred on Europe, and write rounded path data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

Point = tuple[float, float]
Ring = list[Point]

CENTRE = (10.0, 52.0)  # longitude, latitude of the projection's centre
EXTENT = ((-25.0, 34.0), (45.0, 71.5))  # south-west and north-east corners that must be on the map
KEEP = ((-45.0, 20.0), (75.0, 85.0))  # shapes outside this box are not drawn at all


@dataclass(frozen=True)
class Frame:
    """A projection fitted to a width: projected units to pixels, origin at the top-left corner."""

    width: float
    height: float
    scale: float
    left: float
    top: float

    def project(self, long: float, lat: float) -> Point:
        x, y = laea(long, lat)
        return ((x - self.left) * self.scale, (self.top - y) * self.scale)


def laea(long: float, lat: float) -> Point:
    """Lambert azimuthal equal-area projection around CENTRE, on the unit sphere."""
    lam, phi = math.radians(long - CENTRE[0]), math.radians(lat)
    phi0 = math.radians(CENTRE[1])
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2 / max(1 + cos_c, 1e-9))
    return (
        k * math.cos(phi) * math.sin(lam),
        k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam)),
    )


def fit(width: float) -> Frame:
    """The frame that shows all of EXTENT (its edges sampled, as they curve) at `width` pixels."""
    (west, south), (east, north) = EXTENT
    edge: list[Point] = []
    for step in range(21):
        t = step / 20
        long, lat = west + (east - west) * t, south + (north - south) * t
        edge += [laea(long, south), laea(long, north), laea(west, lat), laea(east, lat)]
    xs, ys = [p[0] for p in edge], [p[1] for p in edge]
    scale = width / (max(xs) - min(xs))
    return Frame(width, round((max(ys) - min(ys)) * scale, 1), scale, min(xs), max(ys))


def decode_arcs(topology: dict[str, object]) -> list[Ring]:
    """The topology's arcs as absolute longitude/latitude points (TopoJSON stores quantised deltas)."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:  # type: ignore[attr-defined]
        points: Ring = []
        x = y = 0.0
        for position in arc:
            if transform:
                x, y = x + position[0], y + position[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]  # type: ignore[index]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(position[0]), float(position[1])))
        arcs.append(points)
    return arcs


def ring_points(indices: Sequence[int], arcs: list[Ring]) -> Ring:
    """One ring from arc indices (a negative index ~i is arc i reversed); shared end points once."""
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc if not ring else arc[1:])
    return ring


def polygons_of(geometry: dict[str, object]) -> list[list[Sequence[int]]]:
    kind, arcs = geometry.get("type"), geometry.get("arcs")
    if kind == "Polygon":
        return [arcs]  # type: ignore[list-item]
    if kind == "MultiPolygon":
        return list(arcs)  # type: ignore[call-overload]
    return []


def _in_keep(ring: Ring) -> bool:
    (west, south), (east, north) = KEEP
    return any(west <= long <= east and south <= lat <= north for long, lat in ring)


def clip(ring: Ring, low: Point, high: Point) -> Ring:
    """Sutherland-Hodgman: the part of a ring (in pixels) inside the box from `low` to `high`."""
    for axis, bound, keep_below in ((0, low[0], False), (0, high[0], True), (1, low[1], False), (1, high[1], True)):
        if not ring:
            break

        def inside(p: Point, axis: int = axis, bound: float = bound, below: bool = keep_below) -> bool:
            return p[axis] <= bound if below else p[axis] >= bound

        def crossing(a: Point, b: Point, axis: int = axis, bound: float = bound) -> Point:
            t = (bound - a[axis]) / (b[axis] - a[axis])
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))

        result: Ring = []
        for i, current in enumerate(ring):
            previous = ring[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(crossing(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(crossing(previous, current))
        ring = result
    return ring


def path_data(rings: Iterable[Ring], frame: Frame, min_step: float = 1.0, margin: float = 4.0) -> str:
    """SVG path data for rings in pixels: clipped to the frame (with a margin), one decimal, points closer
    than `min_step` to the last one kept dropped."""
    parts = []
    low, high = (-margin, -margin), (frame.width + margin, frame.height + margin)
    for ring in rings:
        kept: list[Point] = []
        for x, y in clip([frame.project(long, lat) for long, lat in ring], low, high):
            if not kept or abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= min_step:
                kept.append((x, y))
        if len(kept) < 3:
            continue
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class Shape:
    name: str
    path: str


def country_shapes(topology: dict[str, object], frame: Frame) -> list[Shape]:
    """The countries near Europe as path data, in the topology's order."""
    arcs = decode_arcs(topology)
    shapes = []
    countries = topology["objects"]["countries"]["geometries"]  # type: ignore[index]
    for geometry in countries:
        rings = [ring_points(r, arcs) for polygon in polygons_of(geometry) for r in polygon]
        rings = [ring for ring in rings if _in_keep(ring)]
        path = path_data(rings, frame)
        if path:
            shapes.append(Shape(str((geometry.get("properties") or {}).get("name", "")), path))
    return shapes


def read_topology(path: Path) -> dict[str, object] | None:
    """The TopoJSON file, or None when `make assets` has not put it there (the map then has no shapes)."""
    try:
        loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded
