"""The declarative base, column types and mixins every model shares."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, registry
from sqlalchemy.types import TypeDecorator

from homecare.core.timeutil import utcnow

#: Stable constraint names so that Alembic diffs do not depend on the database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp, stored in UTC on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so the value is stored as
    naive UTC and made aware again when read. Naive datetimes are refused: a wall-clock
    time without a zone is a bug waiting for daylight saving time.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a timezone-aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint holding the values."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base with the naming convention and the type map."""

    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), uuid.UUID: sa.Uuid()},
    )


class TimestampMixin:
    """Creation and last-change instants, set by the application in UTC."""

    #: When the row was written first.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the row was last changed.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CareRecordMixin(TimestampMixin):
    """A record about a person receiving care: UUID id and timestamps."""

    #: Public, unguessable id (also chosen by offline clients for visits and check-ins).
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class AdministeredMixin:
    """The organisation's records an administrator changes (accounts, teams, sections):
    every create and update is logged with the fields changed, as care records are."""

    #: Columns whose changes are not administration (sign-in bookkeeping).
    audit_ignores: frozenset[str] = frozenset()
    #: Columns logged under another name (never the value).
    audit_names: dict[str, str] = {}
    #: Relationships whose changes are logged too (team membership).
    audit_relationships: tuple[str, ...] = ()


class VersionedMixin:
    """Optimistic concurrency: ``version`` goes up on every update (served as the ETag)."""

    #: Incremented by SQLAlchemy on each UPDATE; a stale write raises StaleDataError.
    version: Mapped[int] = mapped_column(nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}
