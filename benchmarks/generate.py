"""Synthetic graphs in aifkg's vocabulary at a chosen size, for the scale benchmark.

The shape of the real data is kept (factories with host and participating countries, consortium members,
host systems, focus areas, sources, partnerships; organisations in cities in countries) so that reasoning
and the worked queries do the same kind of work; the names are obviously synthetic.
"""

from __future__ import annotations

import random
from pathlib import Path

ID = "https://w3id.org/aifactories/id/"
PREFIXES = """@prefix aif: <https://w3id.org/aifactories/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
TRIPLES_PER_FACTORY = 36  # measured: 487k asserted triples for 13,333 factories with their share of the rest


def _iri(kind: str, slug: str) -> str:
    return f"<{ID}{kind}/{slug}>"


def write_synthetic(folder: Path, target_triples: int, seed: int = 7) -> int:
    """Write data/synthetic.ttl under `folder` with about `target_triples` triples; return the factory count."""
    rng = random.Random(seed)
    factories = max(4, target_triples // TRIPLES_PER_FACTORY)
    countries = [f"c{n:02d}" for n in range(40)]
    focus = [f"{ID}focus-area/synthetic-{n}" for n in range(30)]
    lines = [PREFIXES]
    for code in countries:
        lines.append(
            f'{_iri("country", code)} a schema:Country ; rdfs:label "Land {code}"@de, "Country {code}"@en ; '
            f'skos:prefLabel "Land {code}"@de, "Country {code}"@en ; aif:countryCode "{code.upper()}" .'
        )
    for n, concept in enumerate(focus):
        lines.append(
            f'<{concept}> a skos:Concept ; skos:inScheme aif:FocusAreas ; skos:prefLabel "Area {n}"@en, '
            f'"Bereich {n}"@de ; rdfs:label "Area {n}"@en, "Bereich {n}"@de .'
        )
    for f in range(factories):
        host = rng.choice(countries)
        city, organisation, system, source = (
            _iri("city", f"city-{f}"),
            _iri("organisation", f"org-{f}"),
            _iri("system", f"system-{f}"),
            _iri("source", f"source-{f}"),
        )
        members = [_iri("organisation", f"org-{rng.randrange(factories)}") for _ in range(3)]
        partners = ", ".join(_iri("country", c) for c in rng.sample(countries, 3))
        lines.append(
            f'{_iri("factory", f"factory-{f}")} a aif:AIFactory ; aif:acronym "F{f}" ; '
            f'rdfs:label "Factory {f}"@en, "Fabrik {f}"@de ; aif:hostCountry {_iri("country", host)} ; '
            f"aif:participatingCountry {partners} ; aif:hostingEntity {organisation} ; "
            f"org:hasMember {', '.join(members)} ; aif:hostSystem {system} ; "
            f"aif:focusArea <{rng.choice(focus)}>, <{rng.choice(focus)}> ; "
            f"aif:selectedIn {_iri('round', f'round-{f % 4}')} ; dcterms:source {source} ."
        )
        lines.append(f'{city} a schema:City ; rdfs:label "City {f}"@en ; aif:locatedIn {_iri("country", host)} .')
        lines.append(
            f'{organisation} a org:Organization ; rdfs:label "Organisation {f}"@en ; aif:acronym "O{f}" ; '
            f"aif:locatedIn {city} ; dcterms:source {source} ."
        )
        lines.append(
            f'{system} a aif:Supercomputer ; rdfs:label "System {f}"@en ; aif:operator {organisation} ; '
            f'aif:locatedIn {city} ; aif:peakPerformance "{rng.randint(1, 900)}.5"^^xsd:decimal ; '
            f"dcterms:source {source} ."
        )
        lines.append(
            f'{source} a aif:SourceDocument ; dcterms:title "Source {f}"@en ; '
            f'schema:url <https://example.org/source/{f}> ; dcterms:issued "2025-01-01"^^xsd:date ; '
            f'dcterms:language "en" .'
        )
        if f % 10 == 0 and f + 1 < factories:
            lines.append(
                f'{_iri("partnership", f"partnership-{f}")} a aif:Partnership ; rdfs:label "P{f}"@en ; '
                f"aif:partner {_iri('factory', f'factory-{f}')}, {_iri('factory', f'factory-{f + 1}')} ; "
                f"dcterms:source {source} ."
            )
    for r in range(4):
        lines.append(
            f'{_iri("round", f"round-{r}")} a aif:SelectionRound ; rdfs:label "Round {r}"@en, "Runde {r}"@de ; '
            f'aif:announcedOn "2025-0{r + 1}-10"^^xsd:date .'
        )
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "synthetic.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return factories
