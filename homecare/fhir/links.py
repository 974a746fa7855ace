"""Absolute addresses in FHIR answers: every ``fullUrl`` and link is made from the configured
public address (``HOMECARE_BASE_URL``), never from the request's Host header, which the
client chooses (a forged Host would otherwise put its own address in our answers)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app

#: Where the FHIR API lives under the service's address.
PREFIX = "/fhir/R4"


def fhir_base(base_url: str | None = None) -> str:
    """The FHIR API's base address: ``base_url`` (the export's ``--base-url``), else the
    configured public address, with ``/fhir/R4``."""
    if base_url:
        return base_url.rstrip("/")
    return current_app.config["HOMECARE_BASE_URL"].rstrip("/") + PREFIX


def full_url(base: str, resource_type: str, resource_id: str) -> str:
    """A resource's address under ``base``."""
    return f"{base}/{resource_type}/{resource_id}"


def link(base: str, path: str, params: list[tuple[str, str]]) -> str:
    """An address under ``base`` with its query (``params`` in order, repeated names kept)."""
    query = urlencode(params)
    return f"{base}/{path}" + (f"?{query}" if query else "")
