"""How far the graph is linked to the web of data: the shares `aifkg stats` prints, on small graphs."""

from __future__ import annotations

from rdflib import Graph

from aifkg.namespace import vocabulary_iri
from aifkg.stats import GraphStats, compute_linked, compute_stats, linked_lines

AIF = vocabulary_iri()
PREFIXES = f"""
@prefix aif:    <{AIF}> .
@prefix geo:    <http://www.opengis.net/ont/geosparql#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix wgs:    <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix id:     <https://w3id.org/aifactories/id/> .
"""

PLACED = """
id:city-a a schema:City ; wgs:lat 64.2273 ; wgs:long 27.7285 ; geo:hasGeometry id:point-a ;
    schema:sameAs <http://www.wikidata.org/entity/Q193180> .
id:point-a geo:asWKT "POINT(27.7285 64.2273)"^^geo:wktLiteral .
id:city-b a schema:City .
id:fi a schema:Country ; schema:sameAs <http://www.wikidata.org/entity/Q33> .
id:org-a a org:Organization ; aif:locatedIn id:city-a ; aif:rorId <https://ror.org/04m8m1253> ;
    schema:sameAs <http://www.wikidata.org/entity/Q5014065> .
id:org-b a org:Organization ; aif:locatedIn id:fi ; schema:sameAs <https://en.wikipedia.org/wiki/CSC> .
id:org-c a org:Organization ; aif:locatedIn id:city-b .
id:factory a aif:AIFactory ; aif:locatedIn id:city-a .
id:antenna a aif:AIFactoryAntenna .
id:system a aif:ComputingSystem ; aif:locatedIn id:fi .
"""


def graph(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def test_counts_each_link_with_its_total() -> None:
    linked = compute_linked(graph(PLACED), AIF)
    assert linked["organisations"] == {"Wikidata": [1, 3], "ROR": [1, 3], "city": [1, 3]}
    assert linked["cities"] == {"Wikidata": [1, 2], "coordinates": [1, 2]}
    assert linked["countries"] == {"Wikidata": [1, 1]}
    assert linked["AIFactory"] == {"Wikidata": [0, 1], "city": [1, 1]}
    assert linked["AIFactoryAntenna"] == {"Wikidata": [0, 1], "city": [0, 1]}
    assert linked["ComputingSystem"]["city"] == [0, 1], "a country is not a city: the system cannot be mapped"


def test_a_city_without_a_point_does_not_place_what_is_in_it() -> None:
    """If the city has lat/long but no GeoSPARQL point, then the factory in it does not count as placed."""
    text = PLACED.replace("geo:hasGeometry id:point-a ;", "")
    linked = compute_linked(graph(text), AIF)
    assert linked["cities"]["coordinates"] == [0, 2]
    assert linked["AIFactory"]["city"] == [0, 1]


def test_only_wikidata_entity_iris_and_ror_iris_count() -> None:
    text = PLACED.replace("<https://ror.org/04m8m1253>", "<https://example.org/ror/04m8m1253>")
    linked = compute_linked(graph(text), AIF)
    assert linked["organisations"]["ROR"] == [0, 3]
    assert linked["organisations"]["Wikidata"] == [1, 3], "the Wikipedia page of org-b is not a Wikidata item"


def test_the_ontology_namespace_is_the_builds() -> None:
    """A build under another base IRI counts its own aif: terms (tests/fixtures/mini uses example.org)."""
    other = "https://example.org/kg/ontology#"
    linked = compute_linked(Graph().parse(data=PREFIXES.replace(AIF, other) + PLACED, format="turtle"), other)
    assert linked["organisations"]["ROR"] == [1, 3]
    assert compute_linked(Graph().parse(data=PREFIXES.replace(AIF, other) + PLACED, format="turtle"), AIF)[
        "organisations"
    ]["ROR"] == [0, 3]


def test_stats_carry_the_shares_and_print_them() -> None:
    stats = compute_stats({"data": graph(PLACED)}, AIF)
    assert stats.linked["organisations"]["city"] == [1, 3]
    lines = linked_lines(stats)
    assert any(line.split() == ["organisations", "ROR", "1/3", "33%"] for line in lines)
    assert any(line.split() == ["cities", "coordinates", "1/2", "50%"] for line in lines)
    assert GraphStats.from_dict(stats.to_dict()) == stats


def test_a_build_stored_before_the_shares_existed_still_loads() -> None:
    """Manifests of older builds have no 'linked' key: they load, and print no share lines."""
    raw = compute_stats({"data": graph(PLACED)}, AIF).to_dict()
    del raw["linked"]
    old = GraphStats.from_dict(raw)
    assert old.linked == {} and linked_lines(old) == []


def test_an_empty_kind_prints_a_dash_not_a_division_by_zero() -> None:
    stats = compute_stats({"data": graph("id:x a schema:City .")}, AIF)
    assert stats.linked["organisations"]["ROR"] == [0, 0]
    assert any(line.split() == ["organisations", "ROR", "0/0", "-"] for line in linked_lines(stats))
