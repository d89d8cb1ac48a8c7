"""The reader's language, kept across pages: `?lang=` chooses it and a cookie remembers the choice.

The remembered choice is folded into the request's Accept-Language before anything else sees the request
(`RememberedLanguage`, the outermost WSGI layer), so every page that reads Accept-Language follows it and
the response cache, which keys on Accept-Language, keeps English and German pages apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode

from flask import Response, request

LANGUAGES = ("en", "de")
COOKIE = "lang"
YEAR = 365 * 24 * 3600

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def cookie_language(header: str) -> str | None:
    """The language remembered in a Cookie header, when it is one we speak."""
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None and morsel.value in LANGUAGES else None


class RememberedLanguage:
    """WSGI layer: a `lang` cookie (and no `?lang=`) becomes the request's Accept-Language."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        remembered = cookie_language(environ.get("HTTP_COOKIE", ""))
        if remembered is not None and "lang" not in parse_qs(environ.get("QUERY_STRING", "")):
            environ["HTTP_ACCEPT_LANGUAGE"] = remembered
        return self.app(environ, start_response)


def page_language() -> str:
    """`?lang=` wins, then Accept-Language (where the remembered choice is), then English."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def with_language(code: str) -> str:
    """This page's URL (path and query) in another language, for the language switch."""
    args = {name: values for name, values in request.args.lists() if name != "lang"}
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def remember_language(response: Response) -> Response:
    """Remember a `?lang=` choice, and tell caches that pages vary by language."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and cookie_language(request.headers.get("Cookie", "")) != asked:
        response.set_cookie(COOKIE, asked, max_age=YEAR, samesite="Lax", path="/")
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response
