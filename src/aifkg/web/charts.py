"""Bar charts from SELECT results, drawn as inline SVG by the templates.

Server-side SVG instead of a chart library: it needs no JavaScript and no extra download, it passes the
strict Content-Security-Policy (presentation attributes, no inline style), it shows up in screenshots and
printouts, and its numbers are in the page's HTML next to it as a table for screen readers.

A result is worth a chart when it is a count per thing: one column of whole numbers beside a column that
names the thing, with a handful of rows. No Flask here; labels for IRIs are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"
COUNT_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
MIN_BARS, MAX_BARS = 2, 40
LABEL_WIDTH, BAR_AREA, ROW_HEIGHT, TOP = 320, 380, 26, 8
MAX_LABEL_CHARS = 46  # about what 12px text fits in LABEL_WIDTH: "AI Factory Antennas selection (October 2025)"

Row = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None
    width: float  # in SVG user units, of BAR_AREA
    y: float

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= MAX_LABEL_CHARS else self.label[: MAX_LABEL_CHARS - 1] + "…"


@dataclass(frozen=True)
class BarChart:
    title: str
    label_column: str
    value_column: str
    bars: tuple[Bar, ...]
    label_width: int = LABEL_WIDTH
    bar_area: int = BAR_AREA
    row_height: int = ROW_HEIGHT

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + 60

    @property
    def height(self) -> int:
        return TOP * 2 + self.row_height * len(self.bars)


def _is_count(cell: Mapping[str, str] | None) -> bool:
    if cell is None:
        return False
    return cell.get("type") in {"literal", "typed-literal"} and cell.get("datatype", "") in COUNT_TYPES


def chart_columns(variables: Sequence[str], rows: Sequence[Row]) -> tuple[str, str] | None:
    """(label column, count column) when the result reads as a count per thing, else None."""
    if not MIN_BARS <= len(rows) <= MAX_BARS:
        return None
    counts = [v for v in variables if all(_is_count(row.get(v)) for row in rows)]
    if not counts:
        return None
    value_column = counts[0]
    others = [v for v in variables if v not in counts and all(v in row for row in rows)]
    literal = [v for v in others if all(row[v]["type"] != "uri" for row in rows)]
    named = literal or [v for v in others if all(row[v]["type"] == "uri" for row in rows)]
    if not named:
        return None
    return named[0], value_column


def bar_chart(
    variables: Sequence[str],
    rows: Sequence[Row],
    labels: Mapping[str, str] | None = None,
    link: Callable[[str], str | None] | None = None,
    title: str | None = None,
) -> BarChart | None:
    """A horizontal bar chart of the result, largest first, or None when it is no count per thing.

    `labels` names IRIs (else the IRI is shown), `link` turns an IRI into a href, and the title defaults to
    "<count column> per <label column>".
    """
    columns = chart_columns(variables, rows)
    if columns is None:
        return None
    label_column, value_column = columns
    labels = labels or {}
    items = []
    for row in rows:
        cell = row[label_column]
        is_iri = cell["type"] == "uri"
        name = labels.get(cell["value"], cell["value"]) if is_iri else cell["value"]
        items.append((name, int(row[value_column]["value"]), link(cell["value"]) if is_iri and link else None))
    items.sort(key=lambda item: (-item[1], item[0].lower()))
    largest = max((value for _, value, _ in items), default=0) or 1
    bars = tuple(
        Bar(label=name, value=value, href=href, width=round(BAR_AREA * value / largest, 1), y=TOP + i * ROW_HEIGHT)
        for i, (name, value, href) in enumerate(items)
    )
    title = title or f"{value_column} per {label_column}"
    return BarChart(title=title, label_column=label_column, value_column=value_column, bars=bars)
