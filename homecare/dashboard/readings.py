"""The comment, question and answer forms on the team's page and the leader's dashboard.

Each page handles its own POST with ``posted_reading``, so that a refused comment comes
back on the same page with its text kept and the reason beside it.
"""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField

from homecare.core.converters import record_id
from homecare.core.errors import NotFound, ValidationFailed
from homecare.core.forms import saved
from homecare.core.timeutil import local_today
from homecare.org.models import Team
from homecare.policy.access import Action
from homecare.policy.lookup import actor
from homecare.readings.models import MAX_READING_LENGTH
from homecare.readings.services import readings_team, write_reading


class ReadingForm(FlaskForm):
    """A comment on one indicator, or an answer to one (``answers_id``)."""

    indicator = HiddenField()
    answers_id = HiddenField()
    #: The team written for, where the page shows several (the section's dashboard).
    team_id = HiddenField()
    text = TextAreaField(_l("Our reading"), render_kw={"maxlength": MAX_READING_LENGTH,
                                                      "rows": 3})
    no_names = BooleanField(_l("No one is named in this comment"))

    def key(self) -> tuple[str, str]:
        """Which of the page's forms this is: (indicator, answered comment)."""
        return (self.indicator.data or "", self.answers_id.data or "")


def _answers_id(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return record_id(raw)
    except ValueError:
        raise ValidationFailed.single("answers_id",
                                      _("There is no such comment from this team.")) from None


def posted_team() -> Team:
    """The team a comment form posted on a page of several teams is for, if the caller
    may write for it (else 404 or 403)."""
    try:
        team_id = record_id(request.form.get("team_id", ""))
    except ValueError:
        raise NotFound() from None
    return readings_team(team_id, Action.RECORD)


def posted_reading(team: Team) -> tuple[ReadingForm, bool]:
    """The submitted comment or answer for ``team``, and whether it was saved (the
    caller has checked that the actor may write for the team)."""
    form = ReadingForm()
    if not form.validate_on_submit():
        return form, False
    ok = saved(form, lambda: write_reading(
        team=team, author=actor(), indicator=form.indicator.data, text=form.text.data or "",
        today=local_today(), answers_id=_answers_id(form.answers_id.data),
        no_names=form.no_names.data), aliases={"answers_id": "text", "indicator": "text"})
    if ok:
        flash(_("Your comment is saved."), "success")
    return form, ok
