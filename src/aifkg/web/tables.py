"""The overview tables: one row per AI Factory, antenna or computing system, filtered and sorted.

Pure functions over the catalogue: `table_rows` makes the rows, `apply` filters and sorts them by the
choices from the URL (checked against the values the table actually has), `to_csv` writes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from aifkg.web.catalogue import Catalogue

FILTERS = ("country", "round", "focus")
FILTER_PROPERTIES = {"country": "country", "round": "round", "focus": "focus-area"}


@dataclass(frozen=True)
class Value:
    """One value in a cell: its text, the IRI it names (if any), and the language of the text."""

    text: str
    iri: str = ""
    language: str = ""


@dataclass
class Row:
    iri: str
    cells: dict[str, list[Value]]
    facets: dict[str, set[str]] = field(default_factory=dict)  # filter name -> slugs


@dataclass(frozen=True)
class Column:
    key: str
    numeric: bool = False


@dataclass(frozen=True)
class Choice:
    """What the URL asks for, already checked: filters by slug, a known sort column and its order."""

    filters: dict[str, str]
    sort: str
    descending: bool


COLUMNS: dict[str, tuple[Column, ...]] = {
    "factories": (Column("name"), Column("acronym"), Column("country"), Column("round"), Column("announced"),
                  Column("focus"), Column("system"), Column("site")),
    "antennas": (Column("name"), Column("acronym"), Column("country"), Column("factory"), Column("round"),
                 Column("announced"), Column("focus"), Column("site")),
    "systems": (Column("name"), Column("type"), Column("country"), Column("serves"), Column("round"),
                Column("site")),
}  # fmt: skip
CLASSES = {"factories": "AIFactory", "antennas": "AIFactoryAntenna", "systems": "ComputingSystem"}


def slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _named(catalogue: Catalogue, iris: list[str], language: str) -> list[Value]:
    values = [Value(catalogue.label(i, language), i, catalogue.label_language(i, language)) for i in iris]
    return sorted(values, key=lambda v: v.text.casefold())


def countries_of(catalogue: Catalogue, thing: str) -> list[str]:
    """Host countries, and the countries a thing is located in (through its city, by reasoning)."""
    found = set(catalogue.get(thing, "hostCountry"))
    found |= {iri for iri in catalogue.get(thing, "locatedIn") if catalogue.kind_of(iri) == "country"}
    return sorted(found)


def cities_of(catalogue: Catalogue, thing: str) -> list[str]:
    """The cities a thing is located in (with or without coordinates)."""
    return [iri for iri in catalogue.get(thing, "locatedIn") if catalogue.kind_of(iri) == "city"]


def served_by(catalogue: Catalogue, system: str) -> list[str]:
    """The factories and antennas that run on or build a system."""
    users = set(catalogue.get(system, "servesFactory"))
    for thing in catalogue.instances("AIFactory") + catalogue.instances("AIFactoryAntenna"):
        if system in catalogue.get(thing, "hostSystem") or system in catalogue.get(thing, "buildsSystem"):
            users.add(thing)
    return sorted(users)


def system_types(catalogue: Catalogue, system: str) -> list[str]:
    """The most specific of our classes a system has (Supercomputer rather than ComputingSystem)."""
    ours = {c for c in catalogue.types.get(system, set()) if c.startswith(catalogue.ontology)}
    specific = ours - {catalogue.ontology + "ComputingSystem"}
    return sorted(specific or ours)


def table_rows(catalogue: Catalogue, table: str, language: str) -> list[Row]:
    """Every row of one table, unfiltered, in name order."""
    rows = []
    for thing in catalogue.instances(CLASSES[table]):
        if table == "systems":
            users = served_by(catalogue, thing)
            rounds = sorted({r for user in users for r in catalogue.get(user, "selectedIn")})
            focus = sorted({f for user in users for f in catalogue.get(user, "focusArea")})
        else:
            users, rounds, focus = [], catalogue.get(thing, "selectedIn"), catalogue.get(thing, "focusArea")
        countries = countries_of(catalogue, thing)
        site = catalogue.sites.get(thing)
        cells = {
            "name": [Value(catalogue.label(thing, language), thing, catalogue.label_language(thing, language))],
            "acronym": [Value(a) for a in [catalogue.acronym(thing)] if a],
            "country": _named(catalogue, countries, language),
            "round": _named(catalogue, rounds, language),
            "announced": [Value(d) for d in sorted({d for r in rounds for d in catalogue.get(r, "announcedOn")})],
            "focus": _named(catalogue, focus, language),
            "system": _named(
                catalogue,
                sorted({*catalogue.get(thing, "hostSystem"), *catalogue.get(thing, "buildsSystem")}),
                language,
            ),
            "factory": _named(catalogue, catalogue.get(thing, "linkedFactory"), language),
            "type": _named(catalogue, system_types(catalogue, thing), language),
            "serves": _named(catalogue, users, language),
            "site": _named(catalogue, sorted({*([site.city] if site else []), *cities_of(catalogue, thing)}), language),
        }
        facets = {"country": {slug(c) for c in countries}, "round": {slug(r) for r in rounds},
                  "focus": {slug(f) for f in focus}}  # fmt: skip
        rows.append(Row(thing, cells, facets))
    return sorted(rows, key=lambda row: row.cells["name"][0].text.casefold())


def filter_options(catalogue: Catalogue, rows: list[Row], language: str) -> dict[str, list[Value]]:
    """For each filter, the values the rows have (slug as `iri`), by name."""
    options: dict[str, list[Value]] = {}
    for name in FILTERS:
        slugs = {s for row in rows for s in row.facets.get(name, set())}
        base = catalogue.id_base + FILTER_PROPERTIES[name] + "/"
        values = [Value(catalogue.label(base + s, language), s, catalogue.label_language(base + s, language))
                  for s in slugs]  # fmt: skip
        options[name] = sorted(values, key=lambda v: v.text.casefold())
    return options


def read_choice(table: str, args: Mapping[str, str]) -> Choice:
    """The filters and sort order a URL asks for; unknown columns and empty filters are ignored."""
    filters = {name: args[name] for name in FILTERS if args.get(name)}
    keys = [column.key for column in COLUMNS[table]]
    sort = args.get("sort", "name")
    return Choice(filters, sort if sort in keys else "name", args.get("order") == "desc")


def _sort_key(row: Row, column: str) -> tuple[int, str]:
    values = row.cells.get(column, [])
    return (0, " ".join(v.text.casefold() for v in values)) if values else (1, "")


def apply(rows: list[Row], choice: Choice) -> list[Row]:
    """Rows that match every filter, sorted by the chosen column (empty cells last either way)."""
    kept = [row for row in rows if all(value in row.facets.get(name, set()) for name, value in choice.filters.items())]
    filled = [row for row in kept if row.cells.get(choice.sort)]
    empty = [row for row in kept if not row.cells.get(choice.sort)]
    filled.sort(key=lambda row: _sort_key(row, choice.sort), reverse=choice.descending)
    return filled + empty


def to_csv(table: str, rows: list[Row], headings: Mapping[str, str]) -> str:
    """The rows as CSV: the IRI first, then each column's values joined by '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = [column.key for column in COLUMNS[table]]
    writer.writerow(["iri", *(headings.get(key, key) for key in columns)])
    for row in rows:
        writer.writerow([row.iri, *("; ".join(v.text for v in row.cells.get(key, [])) for key in columns)])
    return out.getvalue()
