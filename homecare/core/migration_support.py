"""Alembic options shared by the migration environment and the schema-drift test."""

from __future__ import annotations

from homecare.core.model_base import UTCDateTime


def render_item(type_: str, obj, autogen_context):
    """Write our UTC timestamp type as the plain SQLAlchemy type it stores as.

    Migrations then need no import from the application, which may change later.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


#: Passed to ``context.configure`` by migrations/env.py and by the drift test.
ALEMBIC_OPTIONS = {
    "compare_type": True,
    "compare_server_default": True,
    "render_as_batch": True,  # SQLite can only alter tables by copying them
    "render_item": render_item,
}
