"""Compression where it is safe: what the tablet keeps, and static files.

On a slow connection the kept day is mostly bytes: HTML compresses to a fifth or less.
But a compressed page that holds a secret (the CSRF token) and text an attacker chose
leaks the secret through its length (BREACH), so not every response may be compressed.

Compressed here are static files (no secrets) and the pages the tablet's worker fetches
to keep (the request carries ``X-Homecare-Keep``, a header a page of another site cannot
make the browser send with the session cookie: a cross-site request with a custom header
needs a CORS preflight, which this service never grants). An attacker can thus neither
make the browser fetch a compressed page nor put text in one. Pages a person opens are
sent as they are. This is done in the app, not in the TLS proxy, because only the app
knows which responses are safe; a proxy in front must not compress ``text/html`` or
``application/json`` itself (README, "On the tablet").
"""

from __future__ import annotations

import gzip

from flask import Response, request

from homecare.core.audit import KEPT_HEADER

#: Smaller responses are sent as they are: the header costs more than it saves.
MIN_BYTES = 1024
COMPRESSIBLE = frozenset({"text/html", "text/css", "text/javascript", "application/javascript",
                          "application/json", "image/svg+xml", "application/manifest+json"})


def _safe_to_compress(response: Response) -> bool:
    if response.mimetype not in COMPRESSIBLE or response.status_code != 200:
        return False
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return False
    if "Content-Encoding" in response.headers:
        return False
    return request.path.startswith("/static/") or request.path == "/sw.js" \
        or KEPT_HEADER in request.headers


def compress(response: Response) -> Response:
    """The response gzipped, if it is safe to compress (after every request)."""
    if not _safe_to_compress(response):
        return response
    response.direct_passthrough = False
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if response.headers.get("ETag"):
        response.set_etag(response.get_etag()[0] + "-gz", weak=True)
    return response
