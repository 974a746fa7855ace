"""URL converters: ids in paths are bounded like the columns they name."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from homecare.core.schema_fields import MAX_ID


class IdConverter(IntegerConverter):
    """``<id:name>``: 1 to 2^31-1; anything larger is simply not found (404)."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID, **kwargs)


def openapi_id(_converter) -> dict:
    """How ``<id:...>`` is described in the OpenAPI document."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def record_id(raw: str) -> int:
    """A record id from a query string or form, bounded like ``<id:...>``: for
    ``request.args.get(name, type=record_id)``, which turns the ValueError into None."""
    value = int(raw)
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"{raw!r} is not a record id")
    return value
