"""The caches: the two answer caches (ResultCache for serialised answers, ResponseCache for whole GET
responses), LRU, bounded in entries and in bytes and never holding one answer over an eighth of the byte
budget; the LRU they share (BoundedLRU), and the gzip copies of dumps kept in it."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask, Response

from aifkg.build import Build
from aifkg.config import Settings, settings_from_env
from aifkg.web import create_app
from aifkg.web.compression import TaggedGzip
from aifkg.web.conditional import accepts_gzip, holds
from aifkg.web.lru import BoundedLRU
from aifkg.web.response_cache import ResponseCache
from aifkg.web.runtime import CachedAnswer, ResultCache

KIB = 1024


def cached_answer(size: int, fill: bytes = b"x") -> CachedAnswer:
    return CachedAnswer(body=fill * size, content_type="text/plain", etag='"e"')


def result_key(name: str) -> tuple[object, ...]:
    return (name, "JSON", (), (), False)


# ResultCache


def test_result_cache_hits_and_counts() -> None:
    cache = ResultCache(capacity=8, max_bytes=64 * KIB)
    answer = cached_answer(100)
    assert cache.get(result_key("a")) is None
    cache.put(result_key("a"), answer)
    assert cache.get(result_key("a")) is answer
    assert (cache.hits, cache.misses, cache.entries) == (1, 1, 1)
    assert cache.total_bytes == ResultCache.size_of(result_key("a"), answer) > 100


def test_result_cache_evicts_least_recently_used_by_bytes() -> None:
    """Room for eight 1 KB answers by bytes (entries allow many more): the ninth evicts the least recently used."""
    size = ResultCache.size_of(result_key("a"), cached_answer(KIB))
    cache = ResultCache(capacity=1000, max_bytes=8 * size + size // 2)
    for name in "abcdefgh":
        cache.put(result_key(name), cached_answer(KIB))
    assert cache.entries == 8
    assert cache.get(result_key("a")) is not None  # "a" is now the most recently used; "b" the least
    cache.put(result_key("i"), cached_answer(KIB))
    assert cache.get(result_key("b")) is None
    assert all(cache.get(result_key(name)) is not None for name in "acdefghi")
    assert cache.entries == 8 and cache.total_bytes <= cache.max_bytes


def test_result_cache_counts_room_for_the_gzipped_copy_and_the_query_text() -> None:
    """A compressible answer (2 KB and more) may get its gzipped copy later: room for it is counted upfront."""
    small, large = cached_answer(KIB), cached_answer(4 * KIB)
    assert not small.compressible and large.compressible
    assert ResultCache.size_of(result_key("a"), large) >= 8 * KIB
    assert len(large.gzip_body()) < 4 * KIB  # never larger than the body where it is made
    long_key = result_key("q" * 30_000)
    assert ResultCache.size_of(long_key, small) >= 30_000 + KIB


def test_result_cache_many_small_answers_with_long_queries_stay_within_bytes() -> None:
    """The D12 case in miniature: thousands of entries allowed, yet the bytes stay bounded."""
    cache = ResultCache(capacity=2048, max_bytes=256 * KIB)
    for i in range(200):
        cache.put(result_key(f"{i} " + "q" * 8 * KIB), cached_answer(8 * KIB))
        assert cache.total_bytes <= cache.max_bytes
    assert 0 < cache.entries < 200
    assert cache.get(result_key("199 " + "q" * 8 * KIB)) is not None


def test_result_cache_does_not_keep_an_answer_over_an_eighth() -> None:
    cache = ResultCache(capacity=8, max_bytes=64 * KIB)
    cache.put(result_key("small"), cached_answer(KIB))
    cache.put(result_key("big"), cached_answer(8 * KIB + 1))  # over 64 KB / 8 = 8 KB once the key counts
    assert cache.get(result_key("big")) is None
    assert cache.get(result_key("small")) is not None  # and the big one flushed nothing
    assert cache.max_entry_bytes == 8 * KIB


def test_result_cache_still_bounded_by_entries() -> None:
    cache = ResultCache(capacity=2, max_bytes=64 * KIB)
    for name in "abc":
        cache.put(result_key(name), cached_answer(10))
    assert cache.entries == 2 and cache.get(result_key("a")) is None


def test_result_cache_replacing_a_key_does_not_count_it_twice() -> None:
    cache = ResultCache(capacity=8, max_bytes=64 * KIB)
    cache.put(result_key("a"), cached_answer(KIB))
    once = cache.total_bytes
    cache.put(result_key("a"), cached_answer(KIB, b"y"))
    assert cache.total_bytes == once and cache.entries == 1
    assert cache.get(result_key("a")) == cached_answer(KIB, b"y")


@pytest.mark.parametrize("capacity, max_bytes", [(0, 64 * KIB), (8, 0)])
def test_result_cache_can_be_switched_off(capacity: int, max_bytes: int) -> None:
    cache = ResultCache(capacity=capacity, max_bytes=max_bytes)
    cache.put(result_key("a"), cached_answer(1))
    assert cache.get(result_key("a")) is None and cache.total_bytes == 0


# ResponseCache


class SizedApp:
    """A WSGI app answering /sparql?n=<bytes> with that many bytes, publicly cacheable; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.calls += 1
        size = int(environ["QUERY_STRING"].split("&")[0].split("=", 1)[1])
        start_response(
            "200 OK",
            [("Content-Type", "text/plain"), ("Cache-Control", "public, max-age=300"), ("ETag", '"t"')],
        )
        return [b"x" * size]


def get(cache: ResponseCache, query: str) -> tuple[str, bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = status

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": query}
    body = b"".join(cache(environ, start_response))
    return seen["status"], body


@pytest.fixture()
def sized_app() -> SizedApp:
    return SizedApp()


def test_response_cache_replays_a_hit(sized_app: SizedApp) -> None:
    cache = ResponseCache(sized_app, max_entries=8, max_bytes=64 * KIB)
    first = get(cache, "n=100")
    assert get(cache, "n=100") == first == ("200 OK", b"x" * 100)
    assert sized_app.calls == 1 and cache.entries == 1
    assert cache.total_bytes > 100  # the body, its headers and its key


def test_response_cache_evicts_least_recently_used_by_bytes(sized_app: SizedApp) -> None:
    """Entries allow many more; bytes allow eight 1 KB answers, so the ninth evicts the least recently used."""
    cache = ResponseCache(sized_app, max_entries=1000, max_bytes=9 * KIB)  # each entry ~1.1 KB
    for name in "abcdefgh":
        get(cache, f"n={KIB}&{name}")
    get(cache, f"n={KIB}&a")  # a hit: "a" is now the most recently used, "b" the least
    assert sized_app.calls == 8 and cache.entries == 8
    get(cache, f"n={KIB}&i")
    assert cache.entries == 8 and cache.total_bytes <= cache.max_bytes
    for name in "acdefghi":
        get(cache, f"n={KIB}&{name}")
    assert sized_app.calls == 9  # all still cached
    get(cache, f"n={KIB}&b")
    assert sized_app.calls == 10  # evicted, asked again


def test_response_cache_does_not_keep_a_body_over_an_eighth(sized_app: SizedApp) -> None:
    cache = ResponseCache(sized_app, max_entries=8, max_bytes=64 * KIB)
    assert cache.max_body == 8 * KIB
    get(cache, "n=100")
    big = f"n={8 * KIB + 1}"
    assert get(cache, big) == ("200 OK", b"x" * (8 * KIB + 1))  # answered all the same
    get(cache, big)
    assert sized_app.calls == 3 and cache.entries == 1
    get(cache, "n=100")
    assert sized_app.calls == 3  # the big answer flushed nothing


def test_response_cache_many_answers_stay_within_bytes(sized_app: SizedApp) -> None:
    """2048 entries of 4 KB allowed by count: the bytes still stay under the budget."""
    cache = ResponseCache(sized_app, max_entries=2048, max_bytes=256 * KIB)
    for i in range(400):
        get(cache, f"n={4 * KIB}&i={i}")
        assert cache.total_bytes <= cache.max_bytes
    assert 0 < cache.entries < 400


# Settings and wiring


def test_setting_from_environment() -> None:
    assert settings_from_env({}).result_cache_bytes == 32 * 2**20
    assert settings_from_env({"AIFKG_RESULT_CACHE_BYTES": "1048576"}).result_cache_bytes == 1048576


@pytest.fixture()
def small_cache_app(app: Flask, settings: Settings, build: Build) -> Iterator[Flask]:
    """A second app on the session's build and query workers, with 16 KB per cache (so 2 KB per answer)."""
    small = create_app(replace(settings, result_cache_bytes=16 * KIB), build, executor=app.extensions["aifkg"].executor)
    yield small


def test_app_bounds_both_caches_by_the_setting(small_cache_app: Flask) -> None:
    result_cache = small_cache_app.extensions["aifkg"].cache
    response_cache = small_cache_app.wsgi_app.app  # type: ignore[attr-defined]  # inside the language layer
    assert isinstance(response_cache, ResponseCache)
    assert result_cache.max_bytes == response_cache.max_bytes == 16 * KIB
    client = small_cache_app.test_client()
    accept = {"Accept": "application/sparql-results+json"}
    small = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers=accept)
    assert small.status_code == 200 and result_cache.entries == 1 and response_cache.entries == 1
    # every triple of the mini graph, with a long text: well over 2 KB
    big_query = "SELECT ?s ?p ?o ?text { ?s ?p ?o BIND(CONCAT(STR(?s), STR(?p), STR(?o)) AS ?text) } LIMIT 40"
    for _ in range(2):
        big = client.get("/sparql", query_string={"query": big_query}, headers=accept)
        assert big.status_code == 200 and len(big.data) > 2 * KIB
    assert result_cache.entries == 1 and response_cache.entries == 1  # answered, not kept
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers=accept).data == small.data


@pytest.mark.parametrize("path", ["/id/factory/alpha", "/id/factory/alpha?lang=de", "/ontology"])
def test_pages_of_resources_and_of_the_ontology_are_replayed(
    app: Flask, settings: Settings, build: Build, path: str
) -> None:
    """A resource's page is the same until the next build: the second request comes from the response cache,
    with the same bytes, and renders nothing."""
    fresh = create_app(settings, build, executor=app.extensions["aifkg"].executor)
    response_cache = fresh.wsgi_app.app  # type: ignore[attr-defined]  # inside the language layer
    assert isinstance(response_cache, ResponseCache)
    client = fresh.test_client()
    first = client.get(path, headers={"Accept": "text/html"})
    assert first.status_code == 200 and "public" in first.headers["Cache-Control"]
    assert response_cache.entries == 1
    rendered = fresh.extensions["aifkg"].cache.misses + fresh.extensions["aifkg"].cache.hits
    again = client.get(path, headers={"Accept": "text/html"})
    assert again.data == first.data and response_cache.entries == 1
    assert fresh.extensions["aifkg"].cache.misses + fresh.extensions["aifkg"].cache.hits == rendered  # no query ran


# The LRU under every cache, and the gzip copies of static files and dumps kept in it


def test_bounded_lru_keeps_the_recently_used_within_entries_and_bytes() -> None:
    lru: BoundedLRU[str] = BoundedLRU(max_entries=3, max_bytes=100, max_value_bytes=80)
    for name in "abc":
        assert lru.put(name, name.upper(), 10)
    assert lru.get("a") == "A"  # "b" is now the least recently used
    lru.put("d", "D", 10)  # a fourth entry: the least recently used goes
    assert "b" not in lru and len(lru) == 3 and lru.total_bytes == 30
    assert not lru.put("huge", "H", 81)  # over the bound for one value: refused, nothing evicted
    assert len(lru) == 3
    lru.put("e", "E", 80)  # 110 bytes with "c", "a" and "d": the oldest go until it fits
    assert [name for name in "cade" if name in lru] == ["a", "d", "e"] and lru.total_bytes == 100


def test_bounded_lru_with_no_room_keeps_nothing() -> None:
    lru: BoundedLRU[str] = BoundedLRU(max_entries=0, max_bytes=100)
    assert not lru.put("a", "A", 1) and lru.get("a") is None


def test_a_dump_is_compressed_once_per_etag() -> None:
    tagged = TaggedGzip()
    calls: list[int] = []

    class Body(Response):
        def get_data(self, as_text: bool = False) -> Any:
            calls.append(1)
            return b"<a> <b> <c> .\n" * 500

    first = tagged.body('"dump-1"', Body())
    assert tagged.body('"dump-1"', Body()) == first and len(calls) == 1
    assert gzip.decompress(first) == b"<a> <b> <c> .\n" * 500
    tagged.body('"dump-2"', Body())
    assert len(calls) == 2  # another tag, another build: compressed again


# The conditional-request and compression questions both request paths ask


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),  # named and refused: the wildcard does not bring it back
        ("br, *;q=0", False),
    ],
)
def test_accepts_gzip(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(
    ("header", "etag", "expected"),
    [
        ('"abc"', '"abc"', True),
        ('W/"abc"', '"abc"', True),  # If-None-Match compares weakly
        ('"x", "abc"', 'W/"abc"', True),
        ("*", '"abc"', True),
        ('"abcd"', '"abc"', False),  # a longer tag that contains this one is another tag
        ('"ab"', '"abc"', False),
        ("", '"abc"', False),
    ],
)
def test_holds(header: str, etag: str, expected: bool) -> None:
    assert holds(header, etag) is expected
