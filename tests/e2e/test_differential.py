"""Differential test: generated queries through /sparql in every format against pyoxigraph run directly.

The reference is a pyoxigraph store loaded from the server's own N-Quads dump (default graph = union of the
named graphs unless the query names a dataset, as the endpoint does). The queries are generated from a fixed
seed over the graph's actual terms, one feature per query in turn (FILTER, OPTIONAL, UNION, MINUS, property
paths, aggregates, subqueries, VALUES, BIND, GRAPH, FROM, FROM NAMED, EXISTS), each asked as SELECT,
CONSTRUCT or ASK. Answers are compared by value: literals by datatype, language and value; blank nodes of
solutions as "some blank node", of graphs by isomorphism; CSV by the text it carries; order only under
ORDER BY (which then orders by a total key, so ties cannot reorder rows).
"""

from __future__ import annotations

import io
import random
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result
from rdflib.term import Identifier
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from tests.e2e.conftest import LiveServer, mini_args, start_server, stop_server

pytestmark = pytest.mark.e2e

SEED = 20261206
QUERY_COUNT = 150
FEATURES = (
    "filter",
    "optional",
    "union",
    "minus",
    "path",
    "aggregate",
    "subquery",
    "values",
    "bind",
    "graph",
    "from",
    "from-named",
    "exists",
)
FORMS = ("select", "construct", "select", "ask", "select")
SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}
OUT = "https://example.org/differential#"


def feature_of(index: int) -> str:
    return FEATURES[index % len(FEATURES)]


def form_of(index: int) -> str:
    return FORMS[(index // len(FEATURES)) % len(FORMS)]


# ---- the graph's terms, read from the reference store ----


@dataclass(frozen=True)
class Terms:
    """Sorted lists of what the graph holds, for the generator to draw from."""

    graphs: list[str]
    classes: list[str]
    predicates: list[str]
    subjects: list[str]
    literals: list[str]  # in SPARQL syntax
    chains: list[tuple[str, str]]  # predicate pairs p1/p2 with at least one path
    languages: list[str]


def _column(store: ox.Store, query: str) -> list[Any]:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return [solution[0] for solution in solutions]


def read_terms(store: ox.Store) -> Terms:
    def iris(query: str) -> list[str]:
        return sorted(term.value for term in _column(store, query))

    graphs = sorted(g.value for g in store.named_graphs())
    literals = sorted(str(term) for term in _column(store, "SELECT DISTINCT ?o { ?s ?p ?o FILTER(isLiteral(?o)) }"))
    pairs = store.query(
        "SELECT DISTINCT ?p1 ?p2 { ?a ?p1 ?b . ?b ?p2 ?c FILTER(isIRI(?b)) }", use_default_graph_as_union=True
    )
    assert isinstance(pairs, ox.QuerySolutions)
    return Terms(
        graphs=graphs,
        classes=iris("SELECT DISTINCT ?c { ?s a ?c FILTER(isIRI(?c)) }"),
        predicates=iris("SELECT DISTINCT ?p { ?s ?p ?o }"),
        subjects=iris("SELECT DISTINCT ?s { ?s ?p ?o FILTER(isIRI(?s)) }"),
        literals=literals,
        chains=sorted((row[0].value, row[1].value) for row in pairs),
        languages=sorted(
            {term.language for term in _column(store, "SELECT ?o { ?s ?p ?o }") if getattr(term, "language", None)}
        ),
    )


# ---- the generator ----


@dataclass
class Pattern:
    """A group graph pattern, the variables it binds, and the dataset clause it needs (FROM ...)."""

    where: str
    variables: list[str]
    dataset: str = ""


class Generator:
    """Draws query parts from the graph's terms with one seeded random source per query."""

    def __init__(self, terms: Terms, rng: random.Random) -> None:
        self.terms = terms
        self.rng = rng

    def iri(self, values: list[str]) -> str:
        return f"<{self.rng.choice(values)}>"

    def predicate(self) -> str:
        return self.iri(self.terms.predicates)

    def literal(self) -> str:
        return self.rng.choice(self.terms.literals)

    def term(self) -> str:
        return self.rng.choice([self.iri(self.terms.subjects), self.literal(), self.iri(self.terms.classes)])

    def fragment(self) -> str:
        """A short piece of some term's text, for string functions."""
        text = self.rng.choice(self.terms.subjects + [lit.split('"')[1] for lit in self.terms.literals])
        start = self.rng.randrange(max(len(text) - 3, 1))
        return text[start : start + 3].replace("\\", "").replace('"', "")

    def condition(self, var: str) -> str:
        choices: list[Callable[[], str]] = [
            lambda: f"isLiteral({var})",
            lambda: f"isIRI({var})",
            lambda: f'lang({var}) = "{self.rng.choice(self.terms.languages)}"',
            lambda: f'STRSTARTS(STR({var}), "{self.fragment()}")',
            lambda: f'CONTAINS(LCASE(STR({var})), LCASE("{self.fragment()}"))',
            lambda: f"STRLEN(STR({var})) > {self.rng.randrange(5, 40)}",
            lambda: f"{var} != {self.term()}",
            lambda: f'REGEX(STR({var}), "{self.fragment()}", "i")',
            lambda: f"sameTerm({var}, {self.term()})",
            lambda: f"{var} IN ({self.term()}, {self.term()}, {self.term()})",
        ]
        first = self.rng.choice(choices)()
        if self.rng.random() < 0.3:
            return f"({first} {self.rng.choice(['&&', '||'])} {self.rng.choice(choices)()})"
        return f"!({first})" if self.rng.random() < 0.2 else first

    def filter(self) -> Pattern:
        return Pattern(f"?s {self.predicate()} ?o FILTER({self.condition('?o')})", ["?s", "?o"])

    def optional(self) -> Pattern:
        inner = f"?s {self.predicate()} ?b"
        if self.rng.random() < 0.4:
            inner += f" FILTER({self.condition('?b')})"
        return Pattern(f"?s {self.predicate()} ?a OPTIONAL {{ {inner} }}", ["?s", "?a", "?b"])

    def union(self) -> Pattern:
        if self.rng.random() < 0.5:
            return Pattern(f"{{ ?s {self.predicate()} ?x }} UNION {{ ?s {self.predicate()} ?x }}", ["?s", "?x"])
        classes = self.terms.classes
        return Pattern(f"{{ ?x a {self.iri(classes)} }} UNION {{ ?x a {self.iri(classes)} }}", ["?x"])

    def minus(self) -> Pattern:
        if self.rng.random() < 0.5:
            return Pattern(f"?s a {self.iri(self.terms.classes)} MINUS {{ ?s {self.predicate()} ?o }}", ["?s"])
        return Pattern(f"?s {self.predicate()} ?o MINUS {{ ?s a {self.iri(self.terms.classes)} }}", ["?s", "?o"])

    def path(self) -> Pattern:
        p1, p2 = (f"<{iri}>" for iri in self.rng.choice(self.terms.chains))
        subject = self.iri(self.terms.subjects)
        paths = [
            ("?s", f"{p1}/{p2}"),
            ("?s", f"{p1}+"),
            (subject, f"{p1}*"),
            (subject, f"({p1}|{p2})?"),
            ("?s", f"^{p2}"),
            ("?s", f"({p1}|{p2})"),
            ("?s", f"!({p1}|{p2}|a)"),
            (subject, f"({p1}/{p2})*"),
            ("?s", f"{p1}/^{p1}"),
            (subject, f"!^{p1}"),
        ]
        start, path = self.rng.choice(paths)
        return Pattern(f"{start} {path} ?o", ["?o"] if start == subject else ["?s", "?o"])

    def aggregate(self) -> Pattern:
        aggregates = [
            "(COUNT(?o) AS ?n)",
            "(COUNT(DISTINCT ?o) AS ?d)",
            "(MIN(STR(?o)) AS ?lo)",
            "(MAX(STR(?o)) AS ?hi)",
            "(SUM(STRLEN(STR(?o))) AS ?len)",
            "(AVG(STRLEN(STR(?o))) AS ?avg)",
            "(COUNT(*) AS ?rows)",
        ]
        chosen = self.rng.sample(aggregates, self.rng.randrange(1, 4))
        names = [part.rsplit("AS ", 1)[1].rstrip(")") for part in chosen]
        key, where = self.rng.choice(
            [("?s", f"?s {self.predicate()} ?o"), ("?p", "?s ?p ?o"), ("?c", "?s a ?c . ?s ?p ?o")]
        )
        having = f" HAVING (COUNT(?o) > {self.rng.randrange(0, 3)})" if self.rng.random() < 0.4 else ""
        if self.rng.random() < 0.2:
            return Pattern(f"{{ SELECT {' '.join(chosen)} WHERE {{ {where} }} }}", names)
        select = f"SELECT {key} {' '.join(chosen)} WHERE {{ {where} }} GROUP BY {key}{having}"
        return Pattern(f"{{ {select} }}", [key, *names])

    def subquery(self) -> Pattern:
        if self.rng.random() < 0.5:
            inner = (
                f"SELECT DISTINCT ?s WHERE {{ ?s {self.predicate()} ?o FILTER(isIRI(?s)) }} "
                f"ORDER BY DESC(STR(?s)) LIMIT {self.rng.randrange(1, 6)}"
            )
            return Pattern(f"{{ {inner} }} ?s ?p ?o FILTER(isIRI(?o))", ["?s", "?p", "?o"])
        inner = "SELECT ?c (COUNT(?s) AS ?members) WHERE { ?s a ?c } GROUP BY ?c"
        return Pattern(f"?c {self.predicate()} ?label {{ {inner} }}", ["?c", "?label", "?members"])

    def values(self) -> Pattern:
        constants = [
            "1",
            "-1.0",
            "2.5e0",
            "true",
            '"x"',
            '"Alpha"@en',
            '"2026-12-06"^^<http://www.w3.org/2001/XMLSchema#date>',
            '"42"^^<http://www.w3.org/2001/XMLSchema#long>',
            "UNDEF",
        ]
        rows = " ".join(
            f"({self.iri(self.terms.subjects)} {self.rng.choice([*constants, self.literal()])})"
            for _ in range(self.rng.randrange(1, 5))
        )
        where = f"VALUES (?s ?v) {{ {rows} }} OPTIONAL {{ ?s {self.predicate()} ?o }}"
        return Pattern(where, ["?s", "?v", "?o"])

    def bind(self) -> Pattern:
        expressions = [
            "STRLEN(STR(?o))",
            "STRLEN(STR(?o)) * 2 + 0.5",
            'IF(isIRI(?o), "iri", LANG(?o))',
            'CONCAT(STR(?s), "#")',
            "UCASE(STR(?o))",
            "DATATYPE(?o)",
            'STRDT("2026-12-06", <http://www.w3.org/2001/XMLSchema#date>)',
            'IRI(CONCAT("urn:x:", ENCODE_FOR_URI(STR(?o))))',
            "COALESCE(?nothing, 42)",
            "ABS(-3.5) + ROUND(STRLEN(STR(?s)) / 3)",
            "MD5(STR(?o))",
            "SUBSTR(STR(?o), 2, 3)",
            'STRBEFORE(STR(?s), "/")',
            "xsd:double(STRLEN(STR(?o)))",
            'LANGMATCHES(LANG(?o), "*")',
        ]
        first, second = self.rng.sample(expressions, 2)
        where = f"?s {self.predicate()} ?o BIND({first} AS ?x) BIND({second} AS ?y)"
        return Pattern(where, ["?s", "?x", "?y"])

    def graph(self) -> Pattern:
        if self.rng.random() < 0.5:
            return Pattern(f"GRAPH ?g {{ ?s {self.predicate()} ?o }}", ["?g", "?s", "?o"])
        return Pattern(f"GRAPH {self.iri(self.terms.graphs)} {{ ?s a ?c }}", ["?s", "?c"])

    def from_graphs(self) -> Pattern:
        graphs = self.rng.sample(self.terms.graphs, self.rng.randrange(1, 3))
        dataset = " ".join(f"FROM <{g}>" for g in graphs)
        where = self.rng.choice([f"?s {self.predicate()} ?o", "?s a ?o", f"?s ?p ?o FILTER({self.condition('?o')})"])
        variables = ["?s", "?o"] + (["?p"] if "?p" in where else [])
        return Pattern(where, variables, dataset)

    def from_named(self) -> Pattern:
        graphs = self.rng.sample(self.terms.graphs, self.rng.randrange(1, 3))
        dataset = " ".join(f"FROM NAMED <{g}>" for g in graphs)
        if self.rng.random() < 0.3:
            dataset = f"FROM <{self.rng.choice(self.terms.graphs)}> {dataset}"
            return Pattern("{ ?s a ?c } UNION { GRAPH ?g { ?s a ?c } }", ["?g", "?s", "?c"], dataset)
        return Pattern(f"GRAPH ?g {{ ?s {self.predicate()} ?o }}", ["?g", "?s", "?o"], dataset)

    def exists(self) -> Pattern:
        negation = self.rng.choice(["", "NOT "])
        where = f"?s a {self.iri(self.terms.classes)} FILTER({negation}EXISTS {{ ?s {self.predicate()} ?o }})"
        return Pattern(where, ["?s"])

    def pattern(self, feature: str) -> Pattern:
        builders: dict[str, Callable[[], Pattern]] = {
            "filter": self.filter,
            "optional": self.optional,
            "union": self.union,
            "minus": self.minus,
            "path": self.path,
            "aggregate": self.aggregate,
            "subquery": self.subquery,
            "values": self.values,
            "bind": self.bind,
            "graph": self.graph,
            "from": self.from_graphs,
            "from-named": self.from_named,
            "exists": self.exists,
        }
        return builders[feature]()

    def query(self, feature: str, form: str) -> str:
        pattern = self.pattern(feature)
        dataset = f" {pattern.dataset}" if pattern.dataset else ""
        if form == "ask":
            return f"ASK{dataset} {{ {pattern.where} }}"
        if form == "construct":
            return f"CONSTRUCT {{ {self.template(pattern.variables)} }}{dataset} WHERE {{ {pattern.where} }}"
        return self.select(pattern, dataset)

    def template(self, variables: list[str]) -> str:
        """One blank node per solution holding each variable, or a triple between two of them."""
        if len(variables) >= 2 and self.rng.random() < 0.4:
            return f"{variables[0]} <{OUT}related> {variables[1]}"
        return " . ".join(f"_:row <{OUT}{var[1:]}> {var}" for var in variables)

    def select(self, pattern: Pattern, dataset: str) -> str:
        distinct = "DISTINCT " if self.rng.random() < 0.3 else ""
        variables = " ".join(pattern.variables)
        if self.rng.random() < 0.35:
            no_blanks = " ".join(f"FILTER(!isBlank({var}))" for var in pattern.variables)
            keys = " ".join(f"STR({v}) LANG({v}) STR(DATATYPE({v}))" for v in pattern.variables)
            direction = self.rng.choice(["ASC", "DESC"])
            limit = (
                f" LIMIT {self.rng.randrange(1, 8)} OFFSET {self.rng.randrange(0, 3)}"
                if self.rng.random() < 0.5
                else ""
            )
            return (
                f"SELECT {distinct}{variables}{dataset} WHERE {{ {pattern.where} {no_blanks} }} "
                f"ORDER BY {direction}({keys.split(' ', 1)[0]}) {keys}{limit}"
            )
        return f"SELECT {distinct}{variables}{dataset} WHERE {{ {pattern.where} }}"


def generate(terms: Terms, index: int) -> str:
    """The query number `index`: the same text on every run."""
    rng = random.Random(f"{SEED}-{index}")
    return "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + Generator(terms, rng).query(
        feature_of(index), form_of(index)
    )


# ---- comparing answers ----

SOME_BLANK_NODE = ("blank",)


def from_oxigraph(term: Any) -> Identifier | None:
    """A pyoxigraph term as the rdflib term the client libraries would give."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = None if term.datatype.value == str(XSD.string) else URIRef(term.datatype.value)
    return Literal(term.value, datatype=datatype)


def value_key(term: Identifier | None) -> object:
    """What a full-fidelity format must carry: IRIs, literals by datatype, language and value."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return SOME_BLANK_NODE
    if isinstance(term, Literal):
        datatype = str(term.datatype or (RDF.langString if term.language else XSD.string))
        value = term.value if term.value is not None else str(term)
        try:
            hash(value)
        except TypeError:
            value = str(term)
        return ("literal", datatype, (term.language or "").lower(), value)
    return ("iri", str(term))


def text_key(term: Identifier | None) -> object:
    """What CSV carries: the text of each value (no datatype or language), blank nodes as such."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return SOME_BLANK_NODE
    return str(term)


Rows = list[tuple[object, ...]]
TermRows = list[tuple[Identifier | None, ...]]


def reference_solutions(solutions: ox.QuerySolutions) -> tuple[list[str], TermRows]:
    """The variable names and the rows of pyoxigraph's answer, as rdflib terms."""
    names = [variable.value for variable in solutions.variables]
    return names, [tuple(from_oxigraph(solution[name]) for name in names) for solution in solutions]


def client_rows(result: Result, names: list[str], key: Callable[[Identifier | None], object]) -> Rows:
    """The rows a client library parsed, reduced by `key`, in the reference's variable order."""
    assert [str(v) for v in result.vars or []] == names
    bindings = [{str(variable): value for variable, value in row.items()} for row in result.bindings]
    return [tuple(key(row.get(name)) for name in names) for row in bindings]


def same_rows(expected: Rows, actual: Rows, ordered: bool) -> bool:
    return expected == actual if ordered else Counter(expected) == Counter(actual)


def reference_graph(triples: ox.QueryTriples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add((from_oxigraph(triple.subject), from_oxigraph(triple.predicate), from_oxigraph(triple.object)))  # type: ignore[arg-type]
    return graph


# ---- the server and the reference ----


@dataclass(frozen=True)
class Setup:
    server: LiveServer
    store: ox.Store
    queries: list[str]


@pytest.fixture(scope="module")
def differential(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    """One server on the mini graph; the reference store from its dump; the generated queries."""
    live = start_server(
        mini_args(tmp_path_factory.mktemp("differential-cache")),
        {"AIFKG_MAX_ROWS": "100000"},
    )
    try:
        with urllib.request.urlopen(live.url + "/dumps/aifkg.nq", timeout=30) as response:
            dump = response.read()
        store = ox.Store()
        store.load(dump, format=ox.RdfFormat.N_QUADS)
        terms = read_terms(store)
        yield Setup(live, store, [generate(terms, index) for index in range(QUERY_COUNT)])
    finally:
        stop_server(live)


def ask_engine(store: ox.Store, query: str) -> ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples:
    """pyoxigraph straight: the query's own dataset when it has FROM / FROM NAMED, else the union."""
    if " FROM " in query:
        return store.query(query)
    return store.query(query, use_default_graph_as_union=True)


def fetch(server: LiveServer, query: str, media_type: str, method: str) -> bytes:
    """The server's answer in one media type, by GET or by a form POST."""
    data = urllib.parse.urlencode({"query": query}).encode()
    if method == "GET":
        request = urllib.request.Request(f"{server.endpoint}?{data.decode()}", headers={"Accept": media_type})
    else:
        headers = {"Accept": media_type, "Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(server.endpoint, data=data, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=60)
    except urllib.error.HTTPError as error:
        with error:
            pytest.fail(f"{error.code} for {media_type}: {error.read()[:300]!r}\n{query}")
    with response:
        assert response.status == 200
        assert response.headers["Content-Type"].split(";")[0] == media_type
        body: bytes = response.read()
        return body


def check_select(differential: Setup, query: str, method: str) -> None:
    expected = ask_engine(differential.store, query)
    assert isinstance(expected, ox.QuerySolutions)
    names, rows = reference_solutions(expected)
    ordered = "ORDER BY" in query.rsplit("}", 1)[-1]
    for name, media_type in SELECT_TYPES.items():
        body = fetch(differential.server, query, media_type, method)
        key = text_key if name == "csv" else value_key
        actual = client_rows(Result.parse(io.BytesIO(body), format=name), names, key)
        wanted = [tuple(key(term) for term in row) for row in rows]
        assert same_rows(wanted, actual, ordered), f"{name}: {body[:600]!r}\nexpected {wanted[:10]}"


def check_construct(differential: Setup, query: str, method: str) -> None:
    expected = ask_engine(differential.store, query)
    assert isinstance(expected, ox.QueryTriples)
    graph = reference_graph(expected)
    for name, media_type in GRAPH_TYPES.items():
        body = fetch(differential.server, query, media_type, method)
        actual = Graph().parse(data=body, format=name)
        assert isomorphic(graph, actual), f"{name}: {len(actual)} triples, expected {len(graph)}\n{body[:600]!r}"


def check_ask(differential: Setup, query: str, method: str) -> None:
    expected = ask_engine(differential.store, query)
    assert isinstance(expected, ox.QueryBoolean)
    client = SPARQLWrapper(differential.server.endpoint)
    client.setMethod(method)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is bool(expected)  # type: ignore[index, call-overload]
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == str(bool(expected)).lower()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "index", [pytest.param(i, id=f"{i:03d}-{form_of(i)}-{feature_of(i)}") for i in range(QUERY_COUNT)]
)
def test_server_answers_like_pyoxigraph(differential: Setup, index: int) -> None:
    """The endpoint gives pyoxigraph's own answer to a generated query in every format it offers."""
    query = differential.queries[index]
    method = "GET" if index % 2 else "POST"
    checks = {"select": check_select, "construct": check_construct, "ask": check_ask}
    checks[form_of(index)](differential, query, method)


def test_generated_queries_cover_features_and_find_answers(differential: Setup) -> None:
    """The generator is deterministic, covers every feature with every form, and most queries find
    something (so the comparisons are not between empty answers)."""
    assert differential.queries == [generate(read_terms(differential.store), i) for i in range(QUERY_COUNT)]
    assert {(feature_of(i), form_of(i)) for i in range(QUERY_COUNT)} >= {(f, "select") for f in FEATURES}
    non_empty = 0
    for query in differential.queries:
        answer = ask_engine(differential.store, query)
        if isinstance(answer, ox.QueryBoolean):
            non_empty += bool(answer)
        else:
            non_empty += any(True for _ in answer)
    assert non_empty >= QUERY_COUNT * 0.6, non_empty
