"""Staff accounts linked to the municipality's identity provider (single sign-on).

A staff account is linked to one account at the provider by the pair (issuer, subject):
the ``sub`` claim, which the provider never reassigns. The first time, the link is made
by an administrator's invitation: a one-time link for one account, which the person opens
and follows to the provider. Nothing else links an account — not a display name, not an
e-mail address (both can change hands). Roles and teams stay here, set by
administrators.

The nonces of ID tokens already used are kept a while, so that an ID token (or a
replayed sign-in carrying one) is accepted once only.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.core.extensions import db
from homecare.core.model_base import AdministeredMixin
from homecare.core.timeutil import utcnow
from homecare.org.models import Staff


class ExternalIdentity(AdministeredMixin, db.Model):
    """A staff account's account at the identity provider."""

    __tablename__ = "staff_identities"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "subject", name="uq_staff_identities_issuer_subject"),
        sa.UniqueConstraint("staff_id", "issuer", name="uq_staff_identities_staff_issuer"),
    )
    audit_ignores = frozenset({"last_sign_in_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    #: The provider's issuer URL, as its ID tokens name it.
    issuer: Mapped[str] = mapped_column(sa.String(255))
    #: The provider's ``sub`` for the person: stable, never reassigned, not a name.
    subject: Mapped[str] = mapped_column(sa.String(255))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]

    staff: Mapped[Staff] = relationship()


class SignInInvitation(AdministeredMixin, db.Model):
    """A one-time link that lets one person link their provider account to one staff
    account. Only a hash of its secret is kept; it ends when used or expired."""

    __tablename__ = "sign_in_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"), index=True)
    #: SHA-256 of the secret in the link, hex.
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The administrator who made it (null: made on the command line).
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])


class UsedNonce(db.Model):
    """The nonce of an ID token that has signed someone in (its SHA-256)."""

    __tablename__ = "sign_in_nonces"

    nonce_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
