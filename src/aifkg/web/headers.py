"""The headers every response carries: security headers, and CORS for the paths programs read.

Kept apart from the app factory so that the protocol's fast path (sparql_fast.py) and Flask's responses
send the same ones.
"""

from __future__ import annotations

# Scripts and styles come from this server only; nothing inline runs. The only exceptions are three fixed
# <style> elements that the libraries we serve insert themselves, allowed by hash rather than by
# 'unsafe-inline': YASGUI's table column resizer (its rules, and the drag cursor) and Cytoscape.js (which
# makes its container position: relative). tests/e2e/test_browser.py fails on any CSP violation, so a
# library update that changes one of them shows up there; the new hash is in Chromium's console message.
LIBRARY_STYLE_HASHES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",  # YASGUI column resizer: .grip-resizable{...}
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",  # YASGUI column resizer: *{cursor:col-resize!important}
    "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='",  # Cytoscape.js: .__________cytoscape_container {...}
)
CSP = (
    "default-src 'self'; img-src 'self' data:; "
    f"style-src 'self' {' '.join(LIBRARY_STYLE_HASHES)}; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
)
CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Content-Type, Content-Length"),
)
