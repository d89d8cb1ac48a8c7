"""How a Turtle file is laid out, read without a parser: its statements, the subject each describes, and
the comments around them (section headers, notes), grouped into sections. turtle_format.py writes the graph
again in this layout; rdflib's own reader keeps no comments, so this small lexer is needed beside it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rdflib import URIRef

SECTION_HEADER = re.compile(r"^#\s*-{3,}.*-{3,}\s*$")
PREFIX_DIRECTIVE = re.compile(r"^(?:@prefix|PREFIX)\s+([^\s:<]*):\s*<([^<>\s]*)>\s*\.?$", re.IGNORECASE)

Paragraph = list[str]


class FormatRefused(Exception):
    """The file cannot be written canonically without changing its graph or losing a comment."""


@dataclass
class _Comment:
    text: str
    line: int


@dataclass
class _Statement:
    text: str
    first_line: int
    last_line: int
    comments: list[str]  # comments written inside the statement


@dataclass
class _Paragraph:
    lines: Paragraph
    last_line: int


@dataclass
class _Block:
    subject: URIRef
    detached: list[Paragraph] = field(default_factory=list)  # paragraphs above, separated by a blank line
    attached: Paragraph = field(default_factory=list)  # comment lines directly above the subject


@dataclass
class _Section:
    intro: list[Paragraph]  # the section comment and paragraphs before its first subject
    blocks: list[_Block] = field(default_factory=list)
    trailer: list[Paragraph] = field(default_factory=list)
    implicit: bool = False  # the subjects before the first section comment


@dataclass
class Layout:
    prefixes: dict[str, str] = field(default_factory=dict)
    preamble: list[Paragraph] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)


def lex(text: str) -> list[_Comment | _Statement]:
    """Split a (valid) Turtle document into its comments and its top-level statements, in order."""
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def line_of(position: int) -> int:
        return bisect.bisect_right(line_starts, position)

    items: list[_Comment | _Statement] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
        elif text[position] == "#":
            end = _line_end(text, position)
            comment = _Comment(text[position:end].rstrip(), line_of(position))
            previous = items[-1] if items else None
            if isinstance(previous, _Statement) and previous.last_line == comment.line:
                previous.comments.append(comment.text)  # a comment after a statement belongs to it
            else:
                items.append(comment)
            position = end
        else:
            inner: list[str] = []
            end = _statement_end(text, position, inner)
            items.append(_Statement(text[position:end], line_of(position), line_of(end - 1), inner))
            position = end
    return items


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _statement_end(text: str, position: int, comments: list[str]) -> int:
    """Index after the statement starting at `position`, skipping strings, IRIs and nested brackets."""
    sparql_directive = re.match(r"(?i)(PREFIX|BASE)\s", text[position : position + 7]) is not None
    depth = 0
    while position < len(text):
        char = text[position]
        if char in "\"'":
            position = _string_end(text, position)
        elif char == "<":
            position = text.index(">", position) + 1
            if sparql_directive:
                return position
        elif char == "#":
            end = _line_end(text, position)
            comments.append(text[position:end].rstrip())
            position = end
        elif char == "\\":
            position += 2
        elif char in "[(" or char in "])":
            depth += 1 if char in "[(" else -1
            position += 1
        elif char == "." and depth == 0 and (position + 1 == len(text) or text[position + 1] in " \t\r\n#"):
            return position + 1
        else:
            position += 1
    raise FormatRefused("a statement does not end with '.'")


def _string_end(text: str, position: int) -> int:
    quote = text[position] * 3 if text.startswith(text[position] * 3, position) else text[position]
    position += len(quote)
    while position < len(text):
        if text[position] == "\\":
            position += 2
        elif text.startswith(quote, position):
            return position + len(quote)
        else:
            position += 1
    raise FormatRefused("a string is not closed")


def comment_texts(items: list[_Comment | _Statement]) -> list[str]:
    texts: list[str] = []
    for item in items:
        texts.extend([item.text] if isinstance(item, _Comment) else item.comments)
    return texts


def _paragraphs(items: list[_Comment | _Statement]) -> list[_Paragraph | _Statement]:
    """Comments on consecutive lines become one paragraph; statements stay as they are."""
    entries: list[_Paragraph | _Statement] = []
    for item in items:
        previous = entries[-1] if entries else None
        if isinstance(item, _Statement):
            entries.append(item)
        elif isinstance(previous, _Paragraph) and item.line == previous.last_line + 1:
            previous.lines.append(item.text)
            previous.last_line = item.line
        else:
            entries.append(_Paragraph([item.text], item.line))
    return entries


def _split_at_headers(lines: Paragraph) -> list[Paragraph]:
    """A section comment starts a new part, which keeps the lines below it as the section's description."""
    parts: list[Paragraph] = []
    for line in lines:
        if SECTION_HEADER.match(line) or not parts:
            parts.append([line])
        else:
            parts[-1].append(line)
    return parts


def read_layout(items: list[_Comment | _Statement]) -> Layout:
    """Where each comment goes: the preamble, a section's intro or trailer, or the block of a subject.

    A paragraph on the line just above a statement belongs to its subject; other paragraphs go with the
    next subject too, or, before a section's first subject or at its end, with the section.
    """
    layout = Layout()
    blocks: dict[URIRef, _Block] = {}
    pending: list[Paragraph] = []  # comment paragraphs not yet given a place
    tail: tuple[Paragraph, int] | None = None  # the last comment paragraph, if pending, and its last line
    for entry in _paragraphs(items):
        if isinstance(entry, _Paragraph):
            for part in _split_at_headers(entry.lines):
                if SECTION_HEADER.match(part[0]):
                    _flush(layout, pending)
                    layout.sections.append(_Section(intro=[part]))
                else:
                    pending.append(part)
            tail = (pending[-1], entry.last_line) if pending else None  # after a section comment: empty
            continue
        if re.match(r"(?i)@?(prefix|base)\s", entry.text):
            _declare(layout.prefixes, entry.text)
            tail = None
            continue
        attached = pending.pop() if tail and tail[1] == entry.first_line - 1 and pending[-1] is tail[0] else []
        tail = None
        if not layout.sections:
            layout.sections.append(_Section(intro=[], implicit=True))
        section = layout.sections[-1]
        above = (layout.preamble if section.implicit else section.intro) if not section.blocks else None
        subject = _subject(entry.text, layout.prefixes)
        if subject not in blocks:
            blocks[subject] = _Block(subject)
            section.blocks.append(blocks[subject])
        block = blocks[subject]
        (block.detached if above is None else above).extend(pending)
        block.attached.extend(attached + entry.comments)
        pending = []
    _flush(layout, pending)
    return layout


def _flush(layout: Layout, pending: list[Paragraph]) -> None:
    """Paragraphs no subject follows: the preamble before anything else, else the current section's end."""
    if not layout.sections:
        layout.preamble.extend(pending)
    elif layout.sections[-1].blocks:
        layout.sections[-1].trailer.extend(pending)
    else:
        layout.sections[-1].intro.extend(pending)
    pending.clear()


def _declare(prefixes: dict[str, str], directive: str) -> None:
    match = PREFIX_DIRECTIVE.match(directive.strip())
    if match is None:
        raise FormatRefused(f"unsupported directive (only @prefix/PREFIX with an absolute IRI): {directive.strip()}")
    name, namespace = match.groups()
    if prefixes.setdefault(name, namespace) != namespace:
        raise FormatRefused(f"prefix {name}: is declared twice with different IRIs")


def _subject(statement: str, prefixes: dict[str, str]) -> URIRef:
    """The IRI a statement is about, from its first token; blank-node subjects are refused."""
    token = statement.split(maxsplit=1)[0]
    if token.startswith("<"):
        return URIRef(token[1 : token.index(">")])
    prefix, colon, local = token.partition(":")
    if not colon or token.startswith(("[", "(", "_:")) or prefix not in prefixes:
        raise FormatRefused(f"a statement's subject is not an IRI (blank nodes must be nested): {token[:60]}")
    return URIRef(prefixes[prefix] + re.sub(r"\\(.)", r"\1", local.rstrip(";,")))
