"""Response headers that keep a health record's pages from being framed, sniffed or cached.

Nothing on our pages comes from elsewhere, so the content security policy allows only
this origin; pages carry personal data, so shared caches must not keep them.
"""

from __future__ import annotations

from flask import Flask, Response, current_app

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

#: Production only: browsers reach the service over HTTPS alone for a year.
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Add the headers to every response; keep personal pages out of caches."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if current_app.config.get("HOMECARE_HSTS"):
            response.headers["Strict-Transport-Security"] = HSTS
        if not response.headers.get("Cache-Control") and response.mimetype != "text/css":
            response.headers["Cache-Control"] = "no-store"
        return response
