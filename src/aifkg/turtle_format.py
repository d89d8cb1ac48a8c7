"""The canonical layout of the project's Turtle files, so that a diff shows a change of facts, not of layout.

rdflib's own Turtle writer drops every comment, and our files carry section headers and notes (sources,
modelling decisions) that curators rely on. So a file is read twice: rdflib parses the graph, and a small
lexer finds the statements, the subject each one describes and the comments around them. The graph is then
written again in one fixed order, each comment beside what it stood beside. Formatting never changes a
fact: the result must parse to a graph isomorphic to the original (literals compared by their exact lexical
form) and keep every comment's text, or the file is refused (FormatRefused) and left as it is.

Canonical form:
- the prefix declarations once, at the top, sorted by name (`@prefix name: <iri> .`, names padded to 8);
- then the file's introductory comment paragraphs;
- then the sections in file order, each opened by its section comment (`# ---- name ----` and the lines
  that follow it); within a section the subjects sorted by their written name (prefixed name or <IRI>),
  each with the comment lines that preceded it;
- in a subject: `a` first, then rdfs:label, skos:prefLabel, skos:altLabel, then the other predicates sorted
  by written name, one per line, indented by four; the objects sorted, on one line when it fits in 120
  columns, else one per line; blank nodes as nested `[ ... ]` and RDF lists as `( ... )`;
- literals keep their lexical form; integers and booleans are written bare, text with a line break as a
  long string; several statements about one subject become one block.
What the writer cannot reproduce (a blank node used twice or as a top-level subject, `@base`, a prefix
declared twice with different IRIs) is refused rather than guessed at.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

LINE_WIDTH = 120
INDENT = "    "
LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
SECTION_HEADER = re.compile(r"^#\s*-{3,}.*-{3,}\s*$")
LOCAL_NAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
PREFIX_DIRECTIVE = re.compile(r"^(?:@prefix|PREFIX)\s+([^\s:<]*):\s*<([^<>\s]*)>\s*\.?$", re.IGNORECASE)
ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

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
class _Layout:
    prefixes: dict[str, str] = field(default_factory=dict)
    preamble: list[Paragraph] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)


def format_turtle(text: str) -> str:
    """The canonical form of a Turtle document; raises FormatRefused when it cannot be made safely."""
    graph = _parse(text)
    items = _lex(text)
    layout = _layout(items)
    writer = _Writer(graph, layout.prefixes)
    _check_writable(graph, layout)
    formatted = _render(layout, writer)
    if not _same_graph(graph, _parse(formatted)):
        raise FormatRefused("the canonical layout would change the graph")
    if Counter(_comment_texts(items)) != Counter(_comment_texts(_lex(formatted))):
        raise FormatRefused("the canonical layout would lose a comment")
    return formatted


def _same_graph(original: Graph, formatted: Graph) -> bool:
    try:
        return isomorphic(original, formatted)
    except Exception:  # rdflib accepts some invalid IRIs (spaces) on parsing and then cannot hash them
        return False


@contextmanager
def _exact_literals() -> Iterator[None]:
    """rdflib normalises lexical forms by default ("01"^^xsd:integer becomes "1"), which would hide a change.

    The switch is global in rdflib: formatting is for the command line and tests, not for server threads.
    """
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def _parse(text: str) -> Graph:
    graph = Graph(bind_namespaces="none")
    with _exact_literals():
        try:
            graph.parse(data=text, format="turtle")
        except Exception as error:  # rdflib raises many types; the reason is what a curator needs
            reason = " ".join(str(error).split())[:300]
            raise FormatRefused(f"not valid Turtle: {reason}") from error
    return graph


def _lex(text: str) -> list[_Comment | _Statement]:
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


def _comment_texts(items: list[_Comment | _Statement]) -> list[str]:
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


def _layout(items: list[_Comment | _Statement]) -> _Layout:
    """Where each comment goes: the preamble, a section's intro or trailer, or the block of a subject.

    A paragraph on the line just above a statement belongs to its subject; other paragraphs go with the
    next subject too, or, before a section's first subject or at its end, with the section.
    """
    layout = _Layout()
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


def _flush(layout: _Layout, pending: list[Paragraph]) -> None:
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


def _check_writable(graph: Graph, layout: _Layout) -> None:
    """Every named subject must have a block, every blank node must be nested exactly once."""
    written = {block.subject for section in layout.sections for block in section.blocks}
    named = {subject for subject in graph.subjects(unique=True) if not isinstance(subject, BNode)}
    if written != named:
        strays = sorted(str(subject) for subject in written ^ named)[:3]
        raise FormatRefused(f"could not tell which statement describes {', '.join(strays)}")
    uses = Counter(node for node in graph.objects() if isinstance(node, BNode))
    for node in set(graph.subjects()) | set(uses):
        if isinstance(node, BNode) and uses[node] != 1:
            raise FormatRefused(
                f"a blank node is used {uses[node]} times; only nested [ ... ] and ( ... ) are supported"
            )


class _Writer:
    """Writes terms and predicate lists of one graph with the file's own prefixes."""

    def __init__(self, graph: Graph, prefixes: dict[str, str]) -> None:
        self.graph = graph
        self.namespaces = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))

    def name(self, iri: URIRef) -> str:
        for prefix, namespace in self.namespaces:
            if iri.startswith(namespace) and LOCAL_NAME.match(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace) :]}"
        return f"<{iri}>"

    def predicate_key(self, predicate: URIRef) -> tuple[int, str]:
        if predicate == RDF.type:
            return (0, "")
        if predicate in LABELS:
            return (1, str(LABELS.index(predicate)))
        return (2, self.name(predicate))

    def predicates(self, subject: Node, indent: str | None) -> str:
        """`pred obj, obj ;` lines of one subject in canonical order, without the final terminator.

        With no indent (blank nodes inside a list) everything goes on one line.
        """
        objects: dict[URIRef, list[str]] = {}
        for predicate, value in self.graph.predicate_objects(subject):
            if isinstance(predicate, URIRef):  # always, in Turtle
                objects.setdefault(predicate, []).append(self.term(value, indent))
        lines = []
        for predicate in sorted(objects, key=self.predicate_key):
            verb = "a" if predicate == RDF.type else self.name(predicate)
            values = sorted(objects[predicate])
            one_line = f"{indent or ''}{verb} {', '.join(values)}"
            if indent is None or len(values) == 1 or (len(one_line) + 2 <= LINE_WIDTH and "\n" not in one_line):
                lines.append(one_line)
            else:
                lines.append(f"{indent}{verb} " + f",\n{indent}{INDENT}".join(values))
        return (" ; " if indent is None else " ;\n").join(lines)

    def term(self, node: Node, indent: str | None) -> str:
        if isinstance(node, URIRef):
            return "()" if node == RDF.nil else self.name(node)
        if isinstance(node, Literal):
            return self.literal(node)
        members = self.members(node)
        if members is not None:
            return "( " + " ".join(self.term(member, None) for member in members) + " )"
        if indent is None:
            return f"[ {self.predicates(node, None)} ]" if (node, None, None) in self.graph else "[]"
        body = self.predicates(node, indent + INDENT)
        return f"[\n{body}\n{indent}]" if body else "[]"

    def members(self, node: Node) -> list[Node] | None:
        """The items of an RDF list starting at `node`, or None when it is not a plain, unshared list."""
        members: list[Node] = []
        seen: set[Node] = set()
        while node != RDF.nil:
            pairs = set(self.graph.predicate_objects(node))
            firsts = [value for predicate, value in pairs if predicate == RDF.first]
            rests = [value for predicate, value in pairs if predicate == RDF.rest]
            if not isinstance(node, BNode) or node in seen or len(pairs) != 2 or len(firsts) != 1 or len(rests) != 1:
                return None
            seen.add(node)
            members.append(firsts[0])
            node = rests[0]
        return members

    def literal(self, literal: Literal) -> str:
        lexical, datatype = str(literal), literal.datatype
        if datatype == XSD.integer and re.fullmatch(r"0|-?[1-9][0-9]*", lexical):  # what the parser keeps as is
            return lexical
        if datatype == XSD.boolean and lexical in ("true", "false"):
            return lexical
        quoted = _quote(lexical)
        if literal.language:
            return f"{quoted}@{literal.language}"
        return f"{quoted}^^{self.name(datatype)}" if datatype is not None else quoted


def _quote(lexical: str) -> str:
    """A Turtle string: a long string (line breaks kept) when the text has one, else escaped on one line."""
    if "\n" not in lexical:
        return '"' + "".join(ESCAPES.get(char) or _control(char) for char in lexical) + '"'
    body = []
    for index, char in enumerate(lexical):
        if char == "\\" or char == "\r":
            body.append(ESCAPES[char])
        elif char == '"' and (index + 1 == len(lexical) or lexical[index + 1] == '"'):
            body.append('\\"')  # no run of three quotes, and none next to the closing delimiter
        else:
            body.append(char if char in "\n\t" else _control(char))
    return '"""' + "".join(body) + '"""'


def _control(char: str) -> str:
    return f"\\u{ord(char):04X}" if ord(char) < 0x20 else char


def _render(layout: _Layout, writer: _Writer) -> str:
    lines = [f"@prefix {(name + ':').ljust(8)} <{iri}> ." for name, iri in sorted(layout.prefixes.items())]
    lines.append("")
    for paragraph in layout.preamble:
        lines += [*paragraph, ""]
    for section in layout.sections:
        for paragraph in section.intro:
            lines += [*paragraph, ""]
        for block in sorted(section.blocks, key=lambda block: writer.name(block.subject)):
            for paragraph in block.detached:
                lines += [*paragraph, ""]
            lines += [*block.attached, writer.name(block.subject), writer.predicates(block.subject, INDENT) + " .", ""]
        for paragraph in section.trailer:
            lines += [*paragraph, ""]
    return "\n".join(lines).strip("\n") + "\n"
