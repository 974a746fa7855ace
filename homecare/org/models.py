"""Sections, teams and staff accounts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from homecare.core.extensions import db
from homecare.core.model_base import AdministeredMixin, TimestampMixin, str_enum


class Role(enum.StrEnum):
    """What a staff account may do; see the access policy in ``policy.access``."""

    ADMIN = "admin"
    SECTION_LEADER = "section_leader"
    COORDINATOR = "coordinator"
    STAFF = "staff"


class Profession(enum.StrEnum):
    """The professions of an interdisciplinary home-care team."""

    NURSE = "nurse"
    HEALTH_WORKER = "health_worker"
    HOME_HELPER = "home_helper"
    CASE_OFFICER = "case_officer"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    PHYSIOTHERAPIST = "physiotherapist"
    OTHER = "other"


#: Roles that work with individual service users, inside their own teams.
TEAM_ROLES = frozenset({Role.STAFF, Role.COORDINATOR})

staff_teams = sa.Table(
    "staff_teams",
    db.metadata,
    sa.Column("staff_id", sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_staff_teams_team_id", "team_id"),
)


class Section(AdministeredMixin, TimestampMixin, db.Model):
    """A section (seksjon/enhet) of a city district: several teams under one leader."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Display name, unique across the service.
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)

    teams: Mapped[list[Team]] = relationship(back_populates="section", order_by="Team.name")


#: The longest phone number a team or a next of kin may have (free text: "+47 22 …").
PHONE_LENGTH = 40


class Team(AdministeredMixin, TimestampMixin, db.Model):
    """A small interdisciplinary team that owns a geographic area."""

    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("section_id", "name", name="uq_teams_section_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id"), index=True)
    #: The number users and next of kin call (printed on the user's own plan).
    phone: Mapped[str | None] = mapped_column(sa.String(PHONE_LENGTH))
    #: The unit's number in Enhetsregisteret (9 digits), where the team is registered.
    organisation_number: Mapped[str | None] = mapped_column(sa.String(9))

    section: Mapped[Section] = relationship(back_populates="teams")
    members: Mapped[list[Staff]] = relationship(
        secondary=staff_teams, back_populates="teams", order_by="Staff.full_name"
    )


class Staff(AdministeredMixin, TimestampMixin, db.Model):
    """A staff account: a person who signs in, with one role.

    Staff and coordinators belong to one or more teams; a section leader belongs to one
    section; an admin to neither. Also the flask-login user object.
    """

    __tablename__ = "staff"
    audit_ignores = frozenset({"last_login_at", "session_token"})
    audit_names = {"password_hash": "password"}
    audit_relationships = ("teams",)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Sign-in name, stored lower-case so that sign-in ignores case.
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "staff_role"))
    profession: Mapped[Profession | None] = mapped_column(str_enum(Profession, "profession"))
    #: The person's number in Helsepersonellregisteret, for authorised health personnel.
    hpr_number: Mapped[str | None] = mapped_column(sa.String(9), index=True, unique=True)
    #: The section a section leader leads (null for other roles).
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sections.id"), index=True)
    #: scrypt hash (Werkzeug); never the password itself.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: A deactivated account cannot sign in; its history stays.
    active: Mapped[bool] = mapped_column(default=True)
    #: Changes when the password changes or the account is deactivated, which ends every
    #: session signed in with the old one (flask-login "alternative id").
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    last_login_at: Mapped[datetime | None] = mapped_column()
    #: Set when an administrator resets the password: the person must choose their own
    #: at the next sign-in before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False,
                                                       server_default=sa.false())

    section: Mapped[Section | None] = relationship()
    teams: Mapped[list[Team]] = relationship(
        secondary=staff_teams, back_populates="members", order_by="Team.name"
    )

    # flask-login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """flask-login: deactivated accounts are signed out and cannot sign in."""
        return self.active

    def get_id(self) -> str:
        """flask-login: the session carries the session token, not the numeric id."""
        return self.session_token

    @property
    def team_ids(self) -> frozenset[int]:
        """Ids of the teams this person works in (empty for leaders and admins)."""
        return frozenset(team.id for team in self.teams)

    def set_password(self, password: str) -> None:
        """Store a new password hash. Ending the sessions and tokens signed in with the old
        one is ``auth.sessions.end_all``'s work, which resets and changes call."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() \
            else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def end_sessions(self) -> None:
        """Change the session token, which every browser's flask-login cookie carries."""
        self.session_token = secrets.token_urlsafe(32)

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)
