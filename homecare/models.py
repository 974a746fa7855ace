"""Imports every model so that the metadata (and Alembic) sees the whole schema."""

from homecare.auth.identities import ExternalIdentity, SignInInvitation, UsedNonce
from homecare.auth.sessions import SignInSession
from homecare.auth.throttle import SignInAttempt
from homecare.auth.tokens import ApiToken
from homecare.core.audit import AuditEntry
from homecare.decisions.models import Decision, decision_participants
from homecare.goals.models import CheckIn, Goal
from homecare.indicators.models import IndicatorSnapshot
from homecare.intake.models import Referral
from homecare.org.models import Section, Staff, Team, staff_teams
from homecare.prompts.models import Prompt
from homecare.readings.models import IndicatorReading
from homecare.scheduler.models import JobRun
from homecare.sections.models import SectionSettings, SettingsChange
from homecare.service_users.models import (
    NextOfKin,
    ResponsibleContactAssignment,
    ServiceUser,
    TeamPeriod,
)
from homecare.visits.contact_marks import ContactMark
from homecare.visits.models import Visit, VisitCorrection, VisitToSettle
from homecare.what_matters.models import WhatMattersConversation

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CheckIn",
    "ContactMark",
    "Decision",
    "ExternalIdentity",
    "Goal",
    "IndicatorReading",
    "IndicatorSnapshot",
    "JobRun",
    "NextOfKin",
    "Prompt",
    "Referral",
    "ResponsibleContactAssignment",
    "Section",
    "SectionSettings",
    "ServiceUser",
    "SettingsChange",
    "SignInAttempt",
    "SignInInvitation",
    "SignInSession",
    "Staff",
    "Team",
    "TeamPeriod",
    "UsedNonce",
    "Visit",
    "VisitCorrection",
    "VisitToSettle",
    "WhatMattersConversation",
    "decision_participants",
    "staff_teams",
]
