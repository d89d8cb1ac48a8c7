"""The errors the engine expects, as domain errors: what went wrong with the graph, never an HTTP status.

Each message is one line a user can act on (a file, a term, a setting). The adapters decide what an error
means to their users: `cli.py` maps them to exit codes, the web layer to HTTP statuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aifkg.validation import ValidationReport


class AifkgError(Exception):
    """Base of every error the engine raises on purpose; anything else is a bug."""


class SettingsError(AifkgError):
    """A setting has a value that cannot be read (a port that is not a number, say)."""


class BuildError(AifkgError):
    """The inputs cannot become a servable build; the message says why."""


class SourceError(BuildError):
    """A source folder or file is missing, unreadable or not valid RDF (or no folder was given at all)."""


class InconsistentGraph(BuildError):
    """OWL RL reasoning found the ontology and data contradictory; `messages` says where."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("inconsistent graph: " + "; ".join(messages))
        self.messages = messages


class ReasoningFailed(BuildError):
    """The reasoner could not finish: past its time limit, input it refuses, a crashed child process."""


class ValidationFailed(BuildError):
    """The reasoned graph violates the shapes; `report` holds the findings."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__("the data does not conform to the shapes:\n" + report.describe())
        self.report = report
