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

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from aifkg.turtle_layout import (
    FormatRefused,
    Layout,
    comment_texts,
    lex,
    read_layout,
)

LINE_WIDTH = 120
INDENT = "    "
LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
LOCAL_NAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def format_turtle(text: str) -> str:
    """The canonical form of a Turtle document; raises FormatRefused when it cannot be made safely."""
    graph = _parse(text)
    items = lex(text)
    layout = read_layout(items)
    writer = _Writer(graph, layout.prefixes)
    _check_writable(graph, layout)
    formatted = _render(layout, writer)
    if not _same_graph(graph, _parse(formatted)):
        raise FormatRefused("the canonical layout would change the graph")
    if Counter(comment_texts(items)) != Counter(comment_texts(lex(formatted))):
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


def _check_writable(graph: Graph, layout: Layout) -> None:
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


def _render(layout: Layout, writer: _Writer) -> str:
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
