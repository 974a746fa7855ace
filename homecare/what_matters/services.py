"""Recording «Hva er viktig for deg?» conversations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.core.database import save
from homecare.core.extensions import db
from homecare.core.text import is_blank
from homecare.core.timeutil import local_today
from homecare.core.validation import FieldErrors
from homecare.org.models import TEAM_ROLES, Staff
from homecare.policy.access import Action
from homecare.policy.idempotency import Creation
from homecare.policy.lookup import (
    actor,
    by_ids,
    named_staff,
    referenced,
)
from homecare.service_users.models import ServiceUser
from homecare.what_matters.models import Present, WhatMattersConversation


def _each_once(present: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(present or []))


def _check_present(errors: FieldErrors, present: Sequence[str]) -> list[str]:
    values = _each_once(present)
    errors.require(bool(values), "present", _("Say who took part in the conversation."))
    known = {p.value for p in Present}
    errors.require(all(v in known for v in values), "present",
                   _("Choose from: the user, next of kin, others."))
    return values


def stored_form(present: Sequence[str], spoken_for_by: str | None) -> dict:
    """``present`` and ``spoken_for_by`` as a conversation keeps them (each person once,
    no surrounding blanks): what a repeated offline PUT is compared with."""
    return {"present": _each_once(present),
            "spoken_for_by": (spoken_for_by or "").strip() or None}


def record_conversation(**fields) -> WhatMattersConversation:
    """Record what matters to the user (fields as for ``build_conversation``)."""
    return save(build_conversation(**fields))


def build_conversation(*, user: ServiceUser, recorded_by: Staff, conversation_date: date,
                       asked_by: Staff, present: Sequence[str], in_own_words: str,
                       spoken_for_by: str | None = None,
                       conversation_id: uuid.UUID | None = None) -> WhatMattersConversation:
    """What matters to the user, in their own words, kept verbatim: checked, not saved;
    raises ValidationFailed listing every problem.

    When the user did not take part, ``spoken_for_by`` must say who answered for them:
    the record has to show whose voice it is.
    """
    errors = FieldErrors()
    values = _check_present(errors, present)
    errors.text("in_own_words", in_own_words, max_length=4000)
    errors.text("spoken_for_by", spoken_for_by, max_length=200, required=False)
    if Present.USER not in values and is_blank(spoken_for_by):
        errors.add("spoken_for_by", _("The user did not take part: say who spoke for them."))
    errors.require(conversation_date <= local_today(), "conversation_date",
                   _("The conversation cannot be dated in the future."))
    errors.require(conversation_date >= user.birth_date, "conversation_date",
                   _("The date is before the user was born."))
    errors.require(asked_by.role in TEAM_ROLES and user.team_id in asked_by.team_ids,
                   "asked_by", _("The person who asked must be a member of the user's team."))
    errors.raise_if_any()
    conversation = WhatMattersConversation(
        id=conversation_id or uuid.uuid4(), service_user_id=user.id,
        conversation_date=conversation_date, asked_by=asked_by, in_own_words=in_own_words,
        recorded_by_id=recorded_by.id, **stored_form(values, spoken_for_by),
    )
    return conversation


def conversations_of(user: ServiceUser) -> list[WhatMattersConversation]:
    """The user's conversations, newest first."""
    return list(db.session.scalars(
        sa.select(WhatMattersConversation)
        .where(WhatMattersConversation.service_user_id == user.id)
        .order_by(WhatMattersConversation.conversation_date.desc(),
                  WhatMattersConversation.created_at.desc())
    ))


def _conversation_arguments(data: dict, conversation_id=None) -> dict:
    """``build_conversation``'s arguments from a body: the user and the person who asked,
    as the caller may name them (else a 422 on the field)."""
    user = referenced(ServiceUser, data["service_user_id"], "service_user_id", Action.RECORD)
    asked_by = referenced(Staff, data["asked_by_id"], "asked_by")
    fields = {k: v for k, v in data.items() if k not in ("service_user_id", "asked_by_id")}
    return {"user": user, "recorded_by": actor(), "asked_by": asked_by,
            "conversation_id": conversation_id, **fields}


def _named_in_conversations(bodies: list[dict]) -> list:
    """The users and askers that conversation bodies name, in two queries."""
    users = {body["service_user_id"] for body in bodies}
    askers = {body["asked_by_id"] for body in bodies}
    return [*by_ids(ServiceUser, users),
            *named_staff(askers)]


#: A conversation recorded under an id its device chose: the page, ``PUT
#: /what-matters/{id}`` and ``POST /sync`` alike.
CONVERSATION_CREATION = Creation(
    model=WhatMattersConversation, through="service_user",
    as_stored=lambda data: {**data, **stored_form(data["present"], data["spoken_for_by"])},
    build=lambda conversation_id, data: build_conversation(
        **_conversation_arguments(data, conversation_id)),
    load_named=_named_in_conversations)
