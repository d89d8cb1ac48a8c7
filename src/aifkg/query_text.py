"""Linear checks of a query's text, done before any parser sees it.

pyoxigraph is the only SPARQL parser on the request path; these checks exist for two reasons only:
- pyoxigraph crashes its process on very deep nesting, so size and nesting are bounded first;
- a query that names SERVICE, LOAD or an update gets a clear message (400 or 403) instead of the engine's
  error. Safety does not rest on this scan: the query worker cannot open a socket at all (sandbox.py), and
  pyoxigraph's `query()` runs no updates.

The scan reads the text once, token by token, skipping strings, IRIs and comments, after expanding the
`\\u`/`\\U` escapes that SPARQL applies to the whole text (so `\\u0053ERVICE` is seen as SERVICE). The text
the engine runs is the client's, unexpanded: pyoxigraph expands the escapes itself, exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
FLAGGED = UPDATE_KEYWORDS | {"SERVICE"}
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# one token at a time: a comment, a long or short string, an IRI, a variable, a word (keyword or prefixed
# name, with its colon and local part), or any other single character
TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
              |'(?:[^'\\\n\r]|\\.)*'?|"(?:[^"\\\n\r]|\\.)*"?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<variable>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*)
  | (?P<word>[^\W\d][\w.\-\u00B7]*(?::[\w.\-%\\:]*)?|:[\w.\-%\\:]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryTextError(Exception):
    """The text is refused before parsing; `kind` says why: empty, size, nul, escape, nesting, update or
    service."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class TextLimits:
    max_bytes: int
    max_nesting: int


def expand_escapes(text: str) -> str:
    """The text with valid `\\u` and `\\U` escapes replaced by their characters (invalid ones left as they
    are, for the parser to refuse); used only to scan, never handed to the engine."""

    def replace(match: re.Match[str]) -> str:
        return match.group(0) if _outside_unicode(match) else chr(int(match.group(1) or match.group(2), 16))

    return ESCAPE.sub(replace, text) if "\\" in text else text


def _outside_unicode(match: re.Match[str]) -> bool:
    """An escape of no Unicode scalar value: past U+10FFFF, or a surrogate. SPARQL applies escapes to the
    whole text before parsing, so one anywhere (a comment included) makes the query malformed."""
    code = int(match.group(1) or match.group(2), 16)
    return code > 0x10FFFF or 0xD800 <= code <= 0xDFFF


def keywords(text: str) -> list[str]:
    """Bare words outside strings, IRIs and comments, upper-cased (prefixed names and variables excluded)."""
    found = []
    for match in TOKEN.finditer(text):
        word = match.group("word")
        if word and ":" not in word:
            found.append(word.upper())
    return found


def result_kind(text: str) -> str | None:
    """ "results" for a SELECT or ASK, "graph" for a CONSTRUCT or DESCRIBE, from its first query-form keyword
    (after the prologue; a subquery comes later); None when the text has none. For pages: which download
    links fit a query, before anything parses it."""
    for word in keywords(text):
        if word in ("SELECT", "ASK"):
            return "results"
        if word in ("CONSTRUCT", "DESCRIBE"):
            return "graph"
    return None


def nesting_depth(text: str) -> int:
    """Deepest nesting of braces, brackets and parentheses, counted on the raw text (strings too, so it
    never undercounts what the parser will see)."""
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth = max(depth - 1, 0)
    return deepest


def check_text(text: str, limits: TextLimits) -> None:
    """Raise QueryTextError for a text the engine must not see or that names what this endpoint refuses."""
    if not text.strip():
        raise QueryTextError("empty", "the query is empty")
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise QueryTextError("size", f"the query is longer than {limits.max_bytes} bytes: narrow it")
    if "\x00" in text:
        raise QueryTextError("nul", "the query contains a NUL character")
    if any(_outside_unicode(match) for match in ESCAPE.finditer(text)):
        raise QueryTextError("escape", "the query has a \\u or \\U escape outside Unicode")
    expanded = expand_escapes(text)
    if nesting_depth(expanded) > limits.max_nesting:
        raise QueryTextError("nesting", f"the query nests deeper than {limits.max_nesting} levels")
    upper = expanded.upper()
    if not any(word in upper for word in FLAGGED):  # most queries: no word to look at closely
        return
    words = keywords(expanded)
    first = next((word for word in words if word not in {"BASE", "PREFIX"}), "")
    if first in UPDATE_KEYWORDS:
        raise QueryTextError("update", "this endpoint is read-only: SPARQL Update (including LOAD) is refused")
    if "SERVICE" in words:
        raise QueryTextError("service", "SERVICE is not allowed: this endpoint never contacts other services")
