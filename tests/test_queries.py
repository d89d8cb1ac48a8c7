"""Every worked competency question in queries/ answered on the real data, its answer pinned.

The pinned answers live in tests/queries/<name>.csv (review a change to one like a change to data). The
questions marked (R) must need reasoning: on the asserted graphs alone their answer differs.
Regenerate the pins after a reviewed data change with: AIFKG_UPDATE_ANSWERS=1 pytest tests/test_queries.py
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from aifkg.build import Build
from aifkg.config import PROJECT_ROOT, Settings
from aifkg.store import QueryRequest, execute, open_store

QUERIES = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
PINS = Path(__file__).parent / "queries"
UPDATE = os.environ.get("AIFKG_UPDATE_ANSWERS") == "1"


def test_there_is_one_query_per_competency_question() -> None:
    assert len(QUERIES) >= 17
    numbers = sorted(int(re.match(r"# Q(\d+)\.", q.read_text()).group(1)) for q in QUERIES)  # type: ignore[union-attr]
    assert numbers == list(range(1, len(QUERIES) + 1))


@pytest.mark.parametrize("path", QUERIES, ids=[q.stem for q in QUERIES])
def test_query_has_a_header(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert re.match(r"# Q\d+\. \S", lines[0]), "first line: # Qn. <the question>"
    assert any(line.startswith("# Answer:") for line in lines[:6]), "a '# Answer:' line says what comes back"


@pytest.fixture(scope="module")
def store(real_build: Build) -> ox.Store:
    return open_store(real_build.dataset_path)


def answer(store: ox.Store, text: str, default_graphs: tuple[str, ...] = ()) -> list[list[str]]:
    outcome = execute(store, QueryRequest(text, "csv", max_rows=100_000, default_graphs=default_graphs))
    return list(csv.reader(io.StringIO(outcome.body.decode("utf-8"))))


@pytest.mark.parametrize("path", QUERIES, ids=[q.stem for q in QUERIES])
def test_answer_is_pinned(store: ox.Store, path: Path) -> None:
    rows = answer(store, path.read_text(encoding="utf-8"))
    pin = PINS / f"{path.stem}.csv"
    if UPDATE:
        with pin.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    assert pin.exists(), f"no pinned answer for {path.name}: review the answer, then pin it (see module docstring)"
    with pin.open(encoding="utf-8", newline="") as handle:
        pinned = list(csv.reader(handle))
    assert normalised(rows) == normalised(pinned)
    assert len(rows) > 1, "a worked question must have an answer on the real data"


def normalised(rows: list[list[str]]) -> list[list[str]]:
    """Header, then rows in a stable order: GROUP_CONCAT order and ORDER BY ties are up to the engine."""

    def cell(value: str) -> str:
        return "; ".join(sorted(value.split("; "))) if "; " in value else value

    header, *body = rows or [[]]
    return [header, *sorted([cell(v) for v in row] for row in body)]


REASONING_QUESTIONS = [q for q in QUERIES if "(R" in q.read_text(encoding="utf-8").split("# Answer:")[0]]


def test_reasoning_questions_are_marked() -> None:
    assert {q.stem.split("-")[0] for q in REASONING_QUESTIONS} == {"03", "07", "09", "11"}


@pytest.mark.parametrize("path", REASONING_QUESTIONS, ids=[q.stem for q in REASONING_QUESTIONS])
def test_reasoning_makes_the_difference(store: ox.Store, real_settings: Settings, path: Path) -> None:
    """If only the ontology and the asserted data are queried, then the answer is poorer than with inferences."""
    text = path.read_text(encoding="utf-8")
    asserted_only = answer(store, text, (real_settings.graph_iri("ontology"), real_settings.graph_iri("data")))
    with_inferences = answer(store, text)
    assert asserted_only != with_inferences
    assert len(asserted_only) < len(with_inferences) or _column_changed(asserted_only, with_inferences)


def _column_changed(before: list[list[str]], after: list[list[str]]) -> bool:
    return {tuple(r) for r in before} != {tuple(r) for r in after}


def _column(rows: list[list[str]], name: str) -> list[str]:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def test_key_facts_of_the_fact_pack(store: ox.Store) -> None:
    """Spot checks against the project's fact pack (rounds and their factories), independent of the pins."""
    read = {q.stem.split("-")[0]: q.read_text(encoding="utf-8") for q in QUERIES}
    factories = answer(store, read["01"])
    assert len(factories) - 1 == 19
    assert {"LitAI", "JAIF", "LUMI AIF", "1HealthAI", "Gaia AI Factory"} <= set(_column(factories, "acronym"))
    rounds = answer(store, read["02"])
    assert dict(zip(_column(rounds, "announced"), _column(rounds, "selections"), strict=True)) == {
        "2024-12-10": "7",
        "2025-03-12": "6",
        "2025-10-10": "6",
        "2025-10-13": "13",
    }
    poland = answer(store, read["03"])
    assert dict(zip(_column(poland, "acronym"), _column(poland, "role"), strict=True)) == {
        "PIAST-AI": "host",
        "Gaia AI Factory": "host",
        "LUMI AIF": "participant",
    }
    assert set(_column(answer(store, read["10"]), "name")) == {"Germany", "Poland", "Spain"}
    antennas = answer(store, read["08"])
    assert len(antennas) - 1 == 13
    lumi_antennas = {row[2] for row in antennas[1:] if "LUMI AIF" in row[3]}
    assert {"Belgium", "Iceland", "Latvia", "Switzerland"} <= lumi_antennas


def test_key_facts_of_the_fact_check(store: ox.Store) -> None:
    """Spot checks of the corrections of December 2026, independent of the pins."""
    read = {q.stem.split("-")[0]: q.read_text(encoding="utf-8") for q in QUERIES}
    per_factory = answer(store, read["18"])
    linked = dict(zip(_column(per_factory, "acronym"), _column(per_factory, "linkedAntennas"), strict=True))
    assert "BE-AIFA (Belgium)" in linked["JAIF"] and "HunAIFA (Hungary)" in linked["JAIF"]
    assert "BE-AIFA (Belgium)" in linked["LUMI AIF"]
    assert "SKAIAT (Slovakia)" in linked["AI:AT"]
    assert "FAIMA (Moldova)" in linked["PIAST-AI"]
    assert sum(int(n) for n in _column(per_factory, "antennas")) >= 13
    editions = answer(store, read["19"])
    jupiter = [r for r in editions[1:] if r[1] == "JUPITER"]
    assert {(r[2], r[3]) for r in jupiter} == {("JUPITER Booster", "4")}
    assert len(jupiter) == 2, "one entry per edition: June and November 2025"
    assert editions[1][0].startswith("TOP500 list, June 2026"), "newest edition first"
    bids = answer(store, read["20"])
    baltic = [r for r in bids[1:] if r[0] == "Baltic AI GigaFactory"]
    assert len(baltic) == 1
    assert baltic[0][2] == "Poland"
    assert set(baltic[0][3].split("; ")) == {"Estonia", "Latvia", "Lithuania", "Poland"}


# ---- Q17: the map of sites ----

SITE_COUNT = """
PREFIX aif: <https://w3id.org/aifactories/ontology#>
SELECT (COUNT(DISTINCT ?site) AS ?sites) WHERE {
  VALUES ?class { aif:AIFactory aif:AIFactoryAntenna aif:ComputingSystem }
  ?site a ?class
}
"""

POINTS = """
PREFIX geo:  <http://www.opengis.net/ont/geosparql#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name ?wkt WHERE { ?city geo:hasGeometry/geo:asWKT ?wkt ; rdfs:label ?name FILTER(lang(?name) = "en") }
"""


def _map_rows(store: ox.Store) -> list[dict[str, str]]:
    rows = answer(store, (PROJECT_ROOT / "queries" / "17-map-sites.rq").read_text(encoding="utf-8"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_map_lists_every_factory_antenna_and_system_once(store: ox.Store) -> None:
    """One row per site: the query neither drops a site without a city nor repeats one with two names."""
    rows = _map_rows(store)
    sites = [row["site"] for row in rows]
    assert len(sites) == len(set(sites))
    (count,) = _column(answer(store, SITE_COUNT), "sites")
    assert len(sites) == int(count)
    assert {row["kind"] for row in rows} == {
        "AI Factory",
        "AI Factory Antenna",
        "Supercomputer",
        "Quantum computer",
        "Experimental platform",
    }


def test_map_coordinates_are_the_city_points(store: ox.Store) -> None:
    """A placed row has both coordinates in range, and they are the numbers of its city's GeoSPARQL point."""
    points = {
        name: [float(n) for n in wkt.removeprefix("POINT(").removesuffix(")").split()]
        for name, wkt in answer(store, POINTS)[1:]
    }
    placed = [row for row in _map_rows(store) if row["city"]]
    assert placed
    for row in placed:
        lat, long = float(row["lat"]), float(row["long"])
        assert 34 <= lat <= 71 and -25 <= long <= 35, f"{row['label']} is placed outside Europe: {row}"
        assert points[row["city"]] == [long, lat], row
    by_label = {row["label"]: row for row in placed}
    assert (by_label["JUPITER"]["city"], by_label["LUMI"]["city"]) == ("Jülich", "Kajaani")
    assert abs(float(by_label["LUMI"]["lat"]) - 64.23) < 0.01 and abs(float(by_label["LUMI"]["long"]) - 27.73) < 0.01


def test_map_selection_rounds_only_for_factories_and_antennas(store: ox.Store) -> None:
    rows = _map_rows(store)
    for row in rows:
        selected = bool(row["selected"])
        assert selected == (row["kind"] in {"AI Factory", "AI Factory Antenna"}), row
    assert {row["selected"] for row in rows if row["kind"] == "AI Factory"} == {
        "2024-12-10",
        "2025-03-12",
        "2025-10-10",
    }
