"""What crawlers and browsers ask a site for before they read it: robots.txt, a sitemap of every page, and
/favicon.ico (the icon is an SVG under /static).

Every URL here is the configured public URL (settings.public_base), never the request's Host header.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, url_for

from aifkg.web.lookup import label_table
from aifkg.web.runtime import runtime

blueprint = Blueprint("discovery", __name__)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# the pages about the whole graph; every resource's page (/id/...) follows them in the sitemap
SITE_PAGES = (
    "",
    "map",
    "factories",
    "antennas",
    "systems",
    "timeline",
    "questions",
    "ontology",
    "gaps",
    "changes",
    "dumps/",
    ".well-known/void",
    "id/",
)


@blueprint.route("/robots.txt")
def robots() -> Response:
    """Crawlers are welcome on the pages; query URLs are left out (each one is a query the server runs)."""
    base = runtime().settings.public_base
    text = f"User-agent: *\nDisallow: /sparql?\nDisallow: /search?\nAllow: /\nSitemap: {base}sitemap.xml\n"
    response = Response(text, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def sitemap_paths(id_base: str, labelled: list[str]) -> list[str]:
    """Paths of the site's pages: the overview pages, then the page of every labelled resource of ours."""
    resources = sorted("id/" + iri[len(id_base) :] for iri in labelled if iri.startswith(id_base))
    return [*SITE_PAGES, *resources]


@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    state = runtime()
    base = state.settings.public_base
    modified = state.build.built_at[:10]
    paths = sitemap_paths(state.settings.id_base, list(label_table("en")))
    entries = "".join(f"<url><loc>{escape(base + path)}</loc><lastmod>{modified}</lastmod></url>\n" for path in paths)
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'
    response = Response(body, content_type="application/xml; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blueprint.route("/favicon.ico")
def favicon() -> Response:
    response = Response(status=301)
    response.headers["Location"] = url_for("static", filename="favicon.svg")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
