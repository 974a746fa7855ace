"""Service users, their next of kin, team history and responsible-contact history."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.model_base import CareRecordMixin, VersionedMixin, str_enum
from homecare.org.models import PHONE_LENGTH, Staff, Team

#: How long the reason a service ended may be.
END_REASON_LENGTH = 300


class ServiceType(enum.StrEnum):
    """What the service was expected to be at intake. A team decision is expected once a
    service has lasted 14 days, whatever was expected (``flags.rules.needs_decision_on``)."""

    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"


class Gender(enum.StrEnum):
    """Administrative gender, as FHIR and the national registry record it."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class KinRelationship(enum.StrEnum):
    """What a next of kin is to the user, coded (the relation as entered is kept too)."""

    SPOUSE = "spouse"
    PARTNER = "partner"
    DAUGHTER = "daughter"
    SON = "son"
    CHILD = "child"
    MOTHER = "mother"
    FATHER = "father"
    SISTER = "sister"
    BROTHER = "brother"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    NIECE = "niece"
    NEPHEW = "nephew"
    COUSIN = "cousin"
    DAUGHTER_IN_LAW = "daughter_in_law"
    SON_IN_LAW = "son_in_law"
    FRIEND = "friend"
    NEIGHBOUR = "neighbour"
    GUARDIAN = "guardian"
    OTHER = "other"


class ServiceUser(CareRecordMixin, VersionedMixin, db.Model):
    """A person receiving home care: the subject of every care record.

    ``team_id`` is the current team, kept in step with ``team_periods`` by the service
    layer so that the access policy can check it without reading the history.
    """

    __tablename__ = "service_users"
    __table_args__ = (
        sa.CheckConstraint(
            "service_end IS NULL OR service_end >= service_start", name="service_period"
        ),
    )

    #: Validated fødselsnummer or D-number (11 digits).
    national_id: Mapped[str] = mapped_column(sa.String(11), unique=True)
    #: The name as the user is called, as entered (or made of the parts below).
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: The parts of the name as entered (fornavn, mellomnavn, etternavn); null where only
    #: a whole name was given whose parts it does not tell (``service_users.names``).
    given_name: Mapped[str | None] = mapped_column(sa.String(200))
    middle_name: Mapped[str | None] = mapped_column(sa.String(200))
    family_name: Mapped[str | None] = mapped_column(sa.String(200))
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender, "gender"))
    #: Derived from the national id, never entered separately.
    birth_date: Mapped[date]
    #: The address on one line, as shown on pages (made of the parts below when they
    #: were given: "Bjølsengata 12, 0468 Oslo").
    address: Mapped[str] = mapped_column(sa.String(300))
    #: The address's parts (``service_users.addresses``): street and number, postal code
    #: and place, the municipality's number (kommunenummer, 0301 for Oslo) and the
    #: district (bydel) where the municipality has them.
    address_line: Mapped[str | None] = mapped_column(sa.String(200))
    postal_code: Mapped[str | None] = mapped_column(sa.String(4))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    municipality_number: Mapped[str | None] = mapped_column(sa.String(4))
    district: Mapped[str | None] = mapped_column(sa.String(100))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    service_type: Mapped[ServiceType] = mapped_column(str_enum(ServiceType, "service_type"))
    service_start: Mapped[date]
    service_end: Mapped[date | None]
    #: Why the service ended, in brief (with ``service_end``).
    service_end_reason: Mapped[str | None] = mapped_column(sa.String(END_REASON_LENGTH))
    #: The user's own phone number, if they have one.
    phone: Mapped[str | None] = mapped_column(sa.String(PHONE_LENGTH))
    #: Cannot say what matters to them without someone speaking for them.
    needs_proxy: Mapped[bool] = mapped_column(default=False)
    #: Soft delete: deleted users drop out of every list and indicator.
    deleted_at: Mapped[datetime | None]

    team: Mapped[Team] = relationship()
    next_of_kin: Mapped[list[NextOfKin]] = relationship(
        back_populates="service_user",
        order_by="NextOfKin.position",
        cascade="all, delete-orphan",
    )
    team_periods: Mapped[list[TeamPeriod]] = relationship(
        back_populates="service_user", order_by="TeamPeriod.valid_from"
    )
    contact_assignments: Mapped[list[ResponsibleContactAssignment]] = relationship(
        back_populates="service_user", order_by="ResponsibleContactAssignment.valid_from"
    )

    @property
    def service_user_id(self) -> uuid.UUID:
        """The user a record concerns (the audit log asks every care record this)."""
        return self.id

    @hybrid_method
    def is_active_on(self, day: date) -> bool:
        """Active on a day: service started, not ended, not deleted (INDICATORS.md,
        "Active user on day d"); in a query, the same rule as SQL."""
        return (
            self.deleted_at is None
            and self.service_start <= day
            and (self.service_end is None or self.service_end >= day)
        )

    @is_active_on.expression
    def is_active_on(cls, day) -> sa.ColumnElement[bool]:
        return sa.and_(cls.deleted_at.is_(None),
                       in_service_on(cls.service_start, cls.service_end, day))


def in_service_on(service_start, service_end, day) -> sa.ColumnElement[bool]:
    """The service's dates cover ``day``: the rule of "active on day D" as SQL over any
    columns that hold them (``ServiceUser.is_active_on``, a scoped subquery's)."""
    return sa.and_(service_start <= day, sa.or_(service_end.is_(None), service_end >= day))


class NextOfKin(CareRecordMixin, db.Model):
    """A next of kin (pårørende) to involve where the user wants or needs it."""

    __tablename__ = "next_of_kin"

    service_user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("service_users.id", ondelete="CASCADE"), index=True
    )
    # Before the ``relationship`` column below, whose name hides the function from here on.
    service_user: Mapped[ServiceUser] = relationship(back_populates="next_of_kin")
    #: Order as entered (the first is the one to call first).
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The relation in the words entered ("datter", "nabo i 2. etasje").
    relation: Mapped[str] = mapped_column(sa.String(100))
    #: The relation coded: given, or read from the words where they name one.
    relationship: Mapped[KinRelationship | None] = mapped_column(
        str_enum(KinRelationship, "kin_relationship"))
    phone: Mapped[str] = mapped_column(sa.String(PHONE_LENGTH))
    #: Whether they may speak for the user (answer for them where the user cannot);
    #: null where nobody has said.
    may_speak_for: Mapped[bool | None]


def locking_histories(user_ids, *, key_share: bool = False) -> sa.Select:
    """The statement that serialises changes to users' histories: it locks their rows
    on PostgreSQL, in one order, so that two transactions locking several users cannot
    wait on each other (SQLite serialises writers by itself). ``key_share`` locks
    ``FOR NO KEY UPDATE``, which still lets other transactions insert rows that refer
    to the users (their visits); otherwise ``FOR UPDATE``. ``user_ids`` is a list or
    an expanding bound parameter."""
    people = ServiceUser.__table__
    return (sa.select(people.c.id).where(people.c.id.in_(user_ids)).order_by(people.c.id)
            .with_for_update(key_share=key_share))


class PeriodMixin:
    """A record in force over ``[valid_from, valid_to)``; ``valid_to`` null means still in
    force. ``covers`` is the one definition of "in force at a moment", in Python and in
    SQL (also on aliases, and against a column such as a visit's start)."""

    #: The CHECK every period table carries.
    PERIOD_ORDER = "valid_to IS NULL OR valid_to > valid_from"

    @hybrid_method
    def covers(self, moment) -> bool:
        """Whether the period was in force at ``moment``."""
        return self.valid_from <= moment and (self.valid_to is None or moment < self.valid_to)

    @covers.expression
    @classmethod
    def _covers(cls, moment) -> sa.ColumnElement[bool]:
        return sa.and_(cls.valid_from <= moment,
                       sa.or_(cls.valid_to.is_(None), cls.valid_to > moment))

    @classmethod
    def overlaps(cls, start, end) -> sa.ColumnElement[bool]:
        """SQL: the period was in force at some moment of ``[start, end)``."""
        return sa.and_(cls.valid_from < end, sa.or_(cls.valid_to.is_(None), cls.valid_to > start))


class TeamPeriod(PeriodMixin, CareRecordMixin, db.Model):
    """Which team a user belonged to, over ``[valid_from, valid_to)`` in local dates.

    A user counts for the team whose period covers the reference date; ``valid_to`` null
    is the current period. At most one period per user is open.
    """

    __tablename__ = "service_user_teams"
    __table_args__ = (
        sa.CheckConstraint(PeriodMixin.PERIOD_ORDER, name="period_order"),
        sa.Index(
            "uq_service_user_teams_open",
            "service_user_id",
            unique=True,
            sqlite_where=sa.text("valid_to IS NULL"),
            postgresql_where=sa.text("valid_to IS NULL"),
        ),
        sa.Index("ix_service_user_teams_team_period", "team_id", "valid_from"),
    )

    service_user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("service_users.id"), index=True
    )
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]

    service_user: Mapped[ServiceUser] = relationship(back_populates="team_periods")
    team: Mapped[Team] = relationship()


class ResponsibleContactAssignment(PeriodMixin, CareRecordMixin, db.Model):
    """The responsible contact (tjenesteansvarlig) of a user over ``[valid_from, valid_to)``.

    Assignments form a history; at most one covers any instant. The service layer checks
    overlaps; the database guarantees at most one open assignment per user.
    """

    __tablename__ = "responsible_contacts"
    __table_args__ = (
        sa.CheckConstraint(PeriodMixin.PERIOD_ORDER, name="period_order"),
        sa.Index(
            "uq_responsible_contacts_open",
            "service_user_id",
            unique=True,
            sqlite_where=sa.text("valid_to IS NULL"),
            postgresql_where=sa.text("valid_to IS NULL"),
        ),
        sa.Index("ix_responsible_contacts_user_from", "service_user_id", "valid_from"),
        sa.Index("ix_responsible_contacts_staff", "staff_id", "valid_from"),
    )

    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime | None]
    #: Who made the assignment (a coordinator), for the record.
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))

    service_user: Mapped[ServiceUser] = relationship(back_populates="contact_assignments")
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])



class TransferStatus(enum.StrEnum):
    """Where a transfer request stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class TransferRequest(CareRecordMixin, VersionedMixin, db.Model):
    """A team's request to take over a person another team already serves.

    Made when a coordinator registers someone whose national id is registered in a team
    they may not see: they are told neither that the person exists nor where, and the
    case is not lost either. The user's own team decides (moving the user, or declining
    with a reason); the requesting team sees only what it typed and the answer.
    """

    __tablename__ = "transfer_requests"
    __table_args__ = (
        sa.Index("ix_transfer_requests_user_status", "service_user_id", "status"),
        sa.Index("ix_transfer_requests_to_team_status", "to_team_id", "status"),
    )

    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    #: The team asking to take the user over.
    to_team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    #: The name as the requesting coordinator typed it: all their team is shown of it.
    typed_name: Mapped[str] = mapped_column(sa.String(200))
    #: The day the requesting team wanted services to start.
    wanted_from: Mapped[date]
    status: Mapped[TransferStatus] = mapped_column(
        str_enum(TransferStatus, "transfer_status"), default=TransferStatus.OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None]
    #: Why it was declined, for the requesting team.
    reason: Mapped[str | None] = mapped_column(sa.Text)

    service_user: Mapped[ServiceUser] = relationship()
    to_team: Mapped[Team] = relationship()
    requested_by: Mapped[Staff] = relationship(foreign_keys=[requested_by_id])
