"""Reading and changing a section's settings; every change is kept with who and when."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.core.audit import current_actor
from homecare.core.errors import NotFound
from homecare.core.extensions import db
from homecare.core.validation import FieldErrors
from homecare.indicators.definitions import BY_ID, DEFAULT_DASHBOARD, MAX_DASHBOARD
from homecare.org.models import Section, Team
from homecare.policy.access import Action, SettingsOf, ensure
from homecare.policy.lookup import actor
from homecare.sections.models import SectionSettings, SettingsChange
from homecare.sections.thresholds import (
    DEFAULT_SETTINGS,
    SETTING_BOUNDS,
    ControlSettings,
    default_values,
)

#: What a section's settings hold: the indicators shown and every threshold.
FIELDS = ("dashboard_indicators", *SETTING_BOUNDS)


def load_section(section_id: int, action: Action) -> Section:
    """The section whose settings are asked for, if the caller may ``action`` them
    (404 when there is no such section, 403 when the policy says no)."""
    section = db.session.get(Section, section_id)
    if section is None:
        raise NotFound()
    ensure(actor(), action, SettingsOf(section))
    return section


def settings_row(section: Section) -> SectionSettings:
    """The section's settings (the defaults, unsaved, when it never changed them)."""
    row = db.session.get(SectionSettings, section.id)
    return row or SectionSettings(section_id=section.id, dashboard_indicators=list(
        DEFAULT_DASHBOARD), **default_values())


def thresholds(row: SectionSettings) -> ControlSettings:
    """The thresholds the flags and indicators use."""
    return ControlSettings(**{field: getattr(row, field) for field in SETTING_BOUNDS})


def thresholds_by_team(team_ids) -> dict[int, ControlSettings]:
    """Team id -> its section's thresholds (one query)."""
    rows = db.session.execute(
        sa.select(Team.id, SectionSettings)
        .outerjoin(SectionSettings, SectionSettings.section_id == Team.section_id)
        .where(Team.id.in_(list(team_ids))))
    return {team_id: thresholds(row) if row else DEFAULT_SETTINGS for team_id, row in rows}


def _check(errors: FieldErrors, changes: dict) -> None:
    if "dashboard_indicators" in changes:
        chosen = changes["dashboard_indicators"]
        errors.require(len(chosen) <= MAX_DASHBOARD, "dashboard_indicators",
                       _("Choose at most %(n)d indicators.", n=MAX_DASHBOARD))
        errors.require(len(set(chosen)) == len(chosen), "dashboard_indicators",
                       _("Each indicator can be chosen once."))
        errors.require(all(i in BY_ID for i in chosen), "dashboard_indicators",
                       _("Unknown indicator."))
    for field, bounds in SETTING_BOUNDS.items():
        if field in changes:
            bounds.check(errors, field, changes[field])


def update_settings(section: Section, **changes) -> SectionSettings:
    """Change a section's settings and record the change (old and new value per field)."""
    errors = FieldErrors()
    _check(errors, changes)
    errors.raise_if_any()
    row = settings_row(section)
    diff = {field: [getattr(row, field), value] for field, value in changes.items()
            if field in FIELDS and getattr(row, field) != value}
    if not diff:
        return row
    for field, (_old, new) in diff.items():
        setattr(row, field, list(new) if isinstance(new, list) else new)
    db.session.add(row)
    actor = current_actor()
    db.session.add(SettingsChange(section_id=section.id, changed_by_id=getattr(actor, "id", None),
                                  changes=diff))
    db.session.flush()
    return row


def history_query(section: Section) -> sa.Select:
    """The section's settings changes, newest first."""
    return (sa.select(SettingsChange).where(SettingsChange.section_id == section.id)
            .order_by(SettingsChange.at.desc(), SettingsChange.id.desc()))
