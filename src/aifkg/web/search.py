"""Finding entities by name: labels in every language, alternative names and acronyms.

The index is built once per build from the catalogue (`build_index`) and searched in memory (`search`),
both pure functions: a query string is compared with names, never put into a SPARQL query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from aifkg.web.catalogue import Catalogue

MAX_QUERY_CHARS = 200
NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, accents dropped, every run of other characters one space: "KI-Fabrik" -> "ki fabrik"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return NOT_WORD.sub(" ", plain).strip()


@dataclass(frozen=True)
class Entry:
    iri: str
    kind: str
    key: str  # the normalised name
    name: str  # the name as written
    language: str
    role: str


@dataclass(frozen=True)
class Hit:
    """One entity found, with the name that matched (when it is not the entity's label)."""

    iri: str
    kind: str
    matched: str
    matched_language: str
    role: str
    score: int


def build_index(catalogue: Catalogue) -> list[Entry]:
    """Every name of every entity of ours, normalised, in a stable order."""
    entries = []
    for iri, names in sorted(catalogue.names.items()):
        kind = catalogue.kind_of(iri)
        if kind is None:
            continue
        for name in names:
            key = normalise(name.text)
            if key:
                entries.append(Entry(iri, kind, key, name.text, name.language, name.role))
    return entries


def _score(key: str, words: list[str], query: str) -> int | None:
    """Lower is better: the whole name, its start, a word's start, inside a word, every word somewhere."""
    if key == query:
        return 0
    if key.startswith(query):
        return 1
    padded = " " + key
    if " " + query in padded:
        return 2
    if query in key:
        return 3
    name_words = key.split()
    if all(any(w.startswith(q) for w in name_words) for q in words):
        return 4
    return None


def search(index: list[Entry], query: str, limit: int = 50) -> list[Hit]:
    """Entities whose names match `query` best first (ties: shorter name, then IRI); one hit per entity."""
    wanted = normalise(query[:MAX_QUERY_CHARS])
    if not wanted:
        return []
    words = wanted.split()
    best: dict[str, tuple[int, int, Entry]] = {}
    for entry in index:
        score = _score(entry.key, words, wanted)
        if score is None:
            continue
        rank = (score, len(entry.key))
        known = best.get(entry.iri)
        if known is None or rank < known[:2]:
            best[entry.iri] = (*rank, entry)
    ordered = sorted(best.values(), key=lambda item: (item[0], item[1], item[2].iri))
    return [Hit(e.iri, e.kind, e.name, e.language, e.role, score) for score, _, e in ordered[:limit]]


def group_by_kind(hits: list[Hit]) -> list[tuple[str, list[Hit]]]:
    """Hits grouped by kind; groups in the order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return list(groups.items())
