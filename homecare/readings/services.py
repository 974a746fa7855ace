"""Writing and reading the team's comments on its numbers, and the leader's answers.

The one place for the rules, called by the pages and the API alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.core.audit import record_refusal
from homecare.core.database import save
from homecare.core.errors import NotFound
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, start_of_local_day
from homecare.core.validation import FieldErrors
from homecare.indicators.definitions import BY_ID, Indicator
from homecare.indicators.snapshots import week_of
from homecare.org.models import Role, Staff, Team
from homecare.policy.access import Action, ReadingsOf, ensure
from homecare.policy.lookup import actor
from homecare.readings.models import MAX_READING_LENGTH, IndicatorReading
from homecare.readings.names import names_in


def _check_names(errors: FieldErrors, text: str, team: Team, author: Staff,
                 no_names: bool) -> None:
    """Refuse a comment by a team member that holds a user's full name; warn about a word
    that is also a name unless the author has said that no one is named. The messages
    never repeat the name, and each refusal is logged against the user it named.

    Only the team's own members are checked: they know their users. A section leader
    sees aggregates only, and answers to their text must not tell them whether a name
    belongs to one of the team's users.
    """
    if team.id not in author.team_ids:
        return
    found = names_in(text, team)
    for user_id in found.named:
        record_refusal("indicator_readings", team.id, user_id, "comment naming the user")
    if found.named:
        errors.add("text", _("The text names someone the team cares for. The section "
                             "leader reads these comments: write about the numbers, not "
                             "about one person."))
    elif found.has_name_word and not no_names:
        errors.add("no_names", _("A word in the text is also the name of someone the team "
                                 "cares for. If no one is named, say so and save again."))


def _answered(errors: FieldErrors, team: Team, answers_id: int | None
              ) -> IndicatorReading | None:
    """The comment or question being answered (always the first of its thread), if it
    is the team's."""
    if answers_id is None:
        return None
    answered = db.session.get(IndicatorReading, answers_id)
    if answered is None or answered.team_id != team.id:
        errors.add("answers_id", _("There is no such comment from this team."))
        return None
    if answered.answers_id is not None:
        answered = db.session.get(IndicatorReading, answered.answers_id)
    return answered


def write_reading(*, team: Team, author: Staff, indicator: str, text: str, today: date,
                  answers_id: int | None = None, no_names: bool = False) -> IndicatorReading:
    """Save a team member's comment on ``indicator`` for this week, the section leader's
    question to the team about it, or an answer to either (the leader's, or the team's
    reply), which joins the answered thread's week.

    The caller has checked that ``author`` may write for ``team`` (``ReadingsOf``).
    Raises ValidationFailed listing every problem; nothing is written then.
    """
    errors = FieldErrors()
    answered = _answered(errors, team, answers_id)
    if answered is not None:
        indicator, week = answered.indicator, answered.week
    else:
        errors.require(indicator in BY_ID, "indicator", _("Choose one of the indicators."))
        week = week_of(today)
    errors.text("text", text, max_length=MAX_READING_LENGTH)
    if not errors:
        _check_names(errors, text, team, author, no_names)
    errors.raise_if_any()
    return save(IndicatorReading(
        team_id=team.id, indicator=indicator, week=week, text=text.strip(),
        author_id=author.id, answers_id=answered.id if answered else None,
        question=answers_id is None and author.role is Role.SECTION_LEADER))


def _first_week(weeks: int, today: date) -> date:
    """The Monday of the oldest of the last ``weeks`` weeks up to ``today``."""
    return week_of(today) - timedelta(weeks=weeks - 1)


@dataclass
class Thread:
    """A team's comment, or the leader's question, and the answers to it, oldest first."""

    comment: IndicatorReading
    answers: list[IndicatorReading] = field(default_factory=list)

    @property
    def last(self) -> IndicatorReading:
        """The latest message of the thread."""
        return self.answers[-1] if self.answers else self.comment

    @property
    def waiting(self) -> bool:
        """A question from the leader that the team has not answered yet."""
        return self.comment.question and all(answer.author_id == self.comment.author_id
                                             for answer in self.answers)


def threads_for(team_ids: list[int], *, weeks: int, today: date
                ) -> dict[tuple[int, str, date], list[Thread]]:
    """``{(team_id, indicator, week): [threads]}`` for the last ``weeks`` weekly
    snapshots up to ``today``, in one query."""
    if not team_ids:
        return {}
    rows = db.session.scalars(
        sa.select(IndicatorReading)
        .where(IndicatorReading.team_id.in_(team_ids),
               IndicatorReading.week >= _first_week(weeks, today))
        .order_by(IndicatorReading.written_at, IndicatorReading.id))
    threads: dict[int, Thread] = {}
    answers = []
    for reading in rows:
        if reading.answers_id is None:
            threads[reading.id] = Thread(reading)
        else:
            answers.append(reading)
    for answer in answers:
        if answer.answers_id in threads:
            threads[answer.answers_id].answers.append(answer)
    keyed: dict[tuple[int, str, date], list[Thread]] = defaultdict(list)
    for thread in threads.values():
        comment = thread.comment
        keyed[(comment.team_id, comment.indicator, comment.week)].append(thread)
    return keyed


def readings_query(team: Team, *, weeks: int, today: date):
    """The team's comments and answers of the last ``weeks`` weeks, newest first."""
    return (sa.select(IndicatorReading)
            .where(IndicatorReading.team_id == team.id,
                   IndicatorReading.week >= _first_week(weeks, today))
            .order_by(IndicatorReading.written_at.desc(), IndicatorReading.id.desc()))


#: How far back the pages show the conversation about the numbers: the four weeks a
#: figure covers.
CONVERSATION_DAYS = 28


def _root(reading) -> sa.ColumnElement:
    """The first message of the thread a reading belongs to."""
    return sa.func.coalesce(reading.answers_id, reading.id)


def conversations(team_ids: list[int], *, days: int, today: date
                  ) -> dict[tuple[int, str], list[Thread]]:
    """``{(team_id, indicator): [threads]}``: every thread with a message written in the
    last ``days`` days up to ``today``, and every question from the leader the team has
    not answered yet, however old; the thread with the latest message first (one query).

    A thread stays in its week's row of the trend; here it is the conversation, which
    goes on across weeks (a question on Friday answered on Monday)."""
    if not team_ids:
        return {}
    since = start_of_local_day(today - timedelta(days=days - 1))
    message, reply = sa.orm.aliased(IndicatorReading), sa.orm.aliased(IndicatorReading)
    unanswered = sa.and_(message.question, ~sa.exists().where(
        reply.answers_id == message.id, reply.author_id != message.author_id))
    live = sa.select(_root(message)).where(message.team_id.in_(team_ids),
                                           sa.or_(message.written_at >= since, unanswered))
    rows = db.session.scalars(
        sa.select(IndicatorReading).where(_root(IndicatorReading).in_(live))
        .order_by(IndicatorReading.written_at, IndicatorReading.id))
    threads: dict[int, Thread] = {}
    for reading in rows:   # oldest first: a thread's first message comes before its answers
        if reading.answers_id is None:
            threads[reading.id] = Thread(reading)
        elif reading.answers_id in threads:
            threads[reading.answers_id].answers.append(reading)
    keyed: dict[tuple[int, str], list[Thread]] = defaultdict(list)
    for thread in sorted(threads.values(), key=lambda t: t.last.written_at, reverse=True):
        keyed[(thread.comment.team_id, thread.comment.indicator)].append(thread)
    return keyed


def open_questions(team: Team) -> list[tuple[Indicator, Thread]]:
    """The leader's questions to the team no one has answered yet, oldest first (the
    team board shows them, so that the team meeting takes them up)."""
    found = conversations([team.id], days=1, today=local_today())
    return sorted(((BY_ID[indicator], thread) for (_team, indicator), threads in found.items()
                   for thread in threads if thread.waiting and indicator in BY_ID),
                  key=lambda pair: pair[1].comment.written_at)


def recent_readings(team: Team, today: date) -> list[tuple[Indicator, Thread]]:
    """The team's conversations about its numbers of the last ``CONVERSATION_DAYS``
    days, by indicator (the board's "our reading" card)."""
    found = conversations([team.id], days=CONVERSATION_DAYS, today=today)
    return [(BY_ID[indicator], thread) for (_team, indicator), threads in sorted(found.items())
            for thread in threads if indicator in BY_ID]


def readings_team(team_id: int, action: Action) -> Team:
    """The team whose readings the caller may view or write (else 404 or 403)."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound()
    ensure(actor(), action, ReadingsOf(team))
    return team
