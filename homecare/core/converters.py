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
