"""Five typical queries, from a cheap lookup to GROUP BY, and the texts the throughput modes send.

Each query is sent with a LIMIT far above its number of rows, so the answer and the work are those of the
query without it. Repeated mode sends one text again and again (any cache may replay it); distinct mode
gives every request its own LIMIT, so no cache keyed by the text (or by its parsed form) can replay it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_BASE = 1_000_000  # far above the row count of any query here (distinct texts use 14-digit limits)
LITAI = "https://w3id.org/aifactories/id/factory/litai"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class TypicalQuery:
    name: str
    kind: str  # what it exercises, for the tables
    text: str  # without a LIMIT

    def with_limit(self, limit: int) -> str:
        return f"{self.text.rstrip()}\nLIMIT {limit}"

    @property
    def repeated_text(self) -> str:
        return self.with_limit(LIMIT_BASE)

    def distinct_prefix(self, run: int) -> str:
        """The text up to the last nine digits of its LIMIT, tagged with the load run (1 to 9999).

        A load generator appends nine digits unique to the request within the run, so no two requests of a
        whole benchmark share a text: not within a run, nor with an earlier run (a warm-up) of the same query.
        """
        if not 1 <= run <= 9999:
            raise ValueError(f"run tag {run} outside 1..9999")
        return f"{self.text.rstrip()}\nLIMIT 1{run:04d}"


def _worked(name: str) -> str:
    return (ROOT / "queries" / name).read_text(encoding="utf-8")


def typical_queries() -> list[TypicalQuery]:
    return [
        TypicalQuery(
            "label", "lookup: one subject, one property", f"SELECT ?label WHERE {{ <{LITAI}> <{RDFS_LABEL}> ?label }}"
        ),
        TypicalQuery("describe", "lookup: every property of one subject", f"SELECT ?p ?o WHERE {{ <{LITAI}> ?p ?o }}"),
        TypicalQuery("07-partnerships", "joins, OPTIONAL, EXISTS", _worked("07-partnerships.rq")),
        TypicalQuery("01-factories", "paths, OPTIONAL, GROUP BY", _worked("01-factories.rq")),
        TypicalQuery("10-countries", "GROUP BY, HAVING", _worked("10-countries-hosting-several.rq")),
    ]
