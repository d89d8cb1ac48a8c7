"""The worked competency questions: the `.rq` files of the queries folder, read when asked.

A file's comment header says what it answers: the question first (`# Q1. Which ...`, possibly over several
lines), then an `# Answer: ...` line on the shape of the answer; then, for German readers, the same as
`# Frage: F1. ...` and `# Antwort: ...`. A page shows the reader's language where the file has it, else
English, marked as such. The folder is read at request time, so a
new or edited query shows up without a restart, and a missing or empty folder simply means no questions.
No Flask here: the pages and the query editor both use these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,100}$")
MAX_BYTES = 64 * 1024
SECTION_MARKERS = (
    ("answer", re.compile(r"^answer\s*:\s*", re.IGNORECASE)),
    ("title_de", re.compile(r"^frage\s*:\s*", re.IGNORECASE)),
    ("answer_de", re.compile(r"^antwort\s*:\s*", re.IGNORECASE)),
)


@dataclass(frozen=True)
class QuestionText:
    """A question's title and answer in one language, and that language (for the page's `lang`)."""

    title: str
    answer: str
    language: str


@dataclass(frozen=True)
class WorkedQuestion:
    """One worked question: `name` is the file stem (and the URL segment), `text` the whole query."""

    name: str
    title: str
    answer: str
    text: str
    title_de: str = ""
    answer_de: str = ""

    def in_language(self, language: str) -> QuestionText:
        """The German title and answer for a German reader where the file gives them, else the English."""
        if language == "de" and self.title_de:
            return QuestionText(self.title_de, self.answer_de or self.answer, "de")
        return QuestionText(self.title, self.answer, "en")


def parse_question(name: str, text: str) -> WorkedQuestion | None:
    """The question of a query file, or None when its first line is not a `# <question>` comment."""
    header: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        header.append(stripped.lstrip("#").strip())
    if not header or not header[0]:
        return None
    parts: dict[str, list[str]] = {"title": [], "answer": [], "title_de": [], "answer_de": []}
    current = "title"
    for line in header:
        for section, marker in SECTION_MARKERS:
            if marker.match(line):
                current, line = section, marker.sub("", line)
                break
        if line:
            parts[current].append(line)
    joined = {section: " ".join(lines) for section, lines in parts.items()}
    if not joined["title"]:
        return None
    return WorkedQuestion(name=name, text=text, **joined)


def read_question(folder: Path, name: str) -> WorkedQuestion | None:
    """The question `name` (a file stem, never a path), or None when there is no such readable file."""
    if not NAME.match(name):
        return None
    path = folder / f"{name}.rq"
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_question(name, text)


def read_questions(folder: Path) -> list[WorkedQuestion]:
    """Every worked question in `folder`, in file-name order; none when the folder does not exist."""
    try:
        paths = sorted(folder.glob("*.rq"))
    except OSError:
        return []
    found = (read_question(folder, path.stem) for path in paths)
    return [question for question in found if question is not None]
