"""The indicators: ids, names, the "why" and "how it is counted" shown next to each, and
their kind (the twelve of INDICATORS.md, and the two intake indicators of issue 14).

Names and whys are in the catalogue (English source, bokmål translation), so that a
response speaks the caller's language.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


class Kind(enum.StrEnum):
    """How the value reads: a percentage, a count, a median or a difference in points."""

    PERCENTAGE = "percentage"
    COUNT = "count"
    MEDIAN = "median"
    POINTS = "points"


@dataclass(frozen=True)
class Indicator:
    """One indicator's identity and explanation."""

    id: str
    name: LazyString
    why: LazyString
    kind: Kind
    #: How it is counted, in plain words, and what its n counts (from INDICATORS.md).
    counted: LazyString
    #: On a section's dashboard unless the section chooses otherwise.
    default: bool = False

    @property
    def is_count(self) -> bool:
        """Counts get the secondary suppression rule."""
        return self.kind is Kind.COUNT


INDICATORS: tuple[Indicator, ...] = (
    Indicator("contact_share", _l("Responsible contact's share of main visits"),
              _l("Users trust services where they meet familiar faces; the responsible "
                 "contact is the \"glue\" between the user and the team."),
              Kind.PERCENTAGE,
              _l("For each user with a completed main visit in the four weeks: the share of "
                 "those visits made by the person who was their responsible contact at the "
                 "time. The figure is the average of those shares, each user weighing the "
                 "same. n is the number of users counted."), default=True),
    Indicator("contact_rule", _l("Responsible contact at least every Nth main visit"),
              _l("The long-standing rule that the responsible contact makes at least every "
                 "7th main visit, kept as a guide, not a stopwatch."), Kind.PERCENTAGE,
              _l("Each user's completed main visits in the four weeks, in order: the user is "
                 "counted as kept when no run of N visits in a row (a section setting, 7 "
                 "unless chosen otherwise) went without their responsible contact. Users "
                 "with fewer than N main visits are left out. n is the number of users "
                 "counted.")),
    Indicator("distinct_staff_14d", _l("Different staff met in 14 days"),
              _l("The number of different people who come through the door is what users "
                 "notice first; fewer faces means more continuity."), Kind.MEDIAN,
              _l("For each user with a completed visit in the last 14 days: how many "
                 "different people made those visits. The figure is the middle value (the "
                 "median) of those users. n is the number of users counted."), default=True),
    Indicator("what_matters_coverage", _l("Users asked \"What matters to you?\""),
              _l("What matters to the user is meant to be the starting point of every "
                 "service; asking it only counts if the answer is written down and used."),
              Kind.PERCENTAGE,
              _l("Users who have had the service for at least 14 days: the share who have an "
                 "answer to «What matters to you?» written down. n is the number of those "
                 "users."), default=True),
    Indicator("followups_up_to_date", _l("Goal follow-ups up to date"),
              _l("Setting goals is easy; coming back to ask how it is going is what the "
                 "studies found missing."), Kind.PERCENTAGE,
              _l("Every active goal: up to date when its last follow-up (or its start) plus "
                 "the goal's follow-up interval, and the section's days of grace, has not "
                 "passed. n is the number of active goals."), default=True),
    Indicator("followups_done", _l("Follow-up evaluations done"),
              _l("A plain count of the evaluations the team has actually made, the number "
                 "the trust model's controls were built around."), Kind.COUNT,
              _l("The number of follow-ups recorded in the four weeks, whoever recorded "
                 "them. n is the same number.")),
    Indicator("user_voice", _l("User's own evaluation recorded"),
              _l("Staff believed users took part, yet nobody asked users whether they got "
                 "the help they expected, could influence it, or were satisfied. Each "
                 "check-in asks them."), Kind.PERCENTAGE,
              _l("Follow-ups in the four weeks: the share where the user (or someone "
                 "speaking for them) answered at least one of the three questions about the "
                 "help. n is the number of follow-ups. Below, how many answered yes, partly "
                 "and no to each."), default=True),
    Indicator("goal_progress", _l("Goals with meaningful progress"),
              _l("Results for the user, not activity, are what the controls should follow."),
              Kind.PERCENTAGE,
              _l("Goals with a rating at the start and at least one rating since: progress "
                 "when the user's latest rating of how well they manage is at least 2 points "
                 "above the start. n is the number of such goals."), default=True),
    Indicator("caseload_over_cap", _l("Responsible contacts above caseload cap"),
              _l("A responsible contact can only follow up so many users closely; the cap "
                 "is a section setting."), Kind.COUNT,
              _l("Everyone who is responsible contact for at least one user: how many are "
                 "responsible for more users than the section's cap. n is the number of "
                 "responsible contacts.")),
    Indicator("users_without_contact", _l("Users without a responsible contact"),
              _l("Every user should know who their responsible contact is, from the first "
                 "day."), Kind.COUNT,
              _l("Users with the service today who have no responsible contact today. n is "
                 "the number of users with the service today.")),
    Indicator("decision_coverage", _l("Long-term services with a team decision"),
              _l("Services expected to last more than 14 days rest on a decision made by the "
                 "team together with the user, written as a goal for the user rather than a "
                 "task list."), Kind.PERCENTAGE,
              _l("Users who have had the service for at least 14 days: the share with a team "
                 "decision in force today. n is the number of those users.")),
    Indicator("proxy_followup_gap",
              _l("Follow-up gap for users who need someone to speak for them"),
              _l("A strong focus on mastery can leave the most vulnerable users behind; "
                 "those who cannot say what matters to them must not get fewer follow-ups."),
              Kind.POINTS,
              _l("The share of goals followed up in time for users who do not need someone "
                 "to speak for them, minus the share for those who do, in percentage points; "
                 "above zero means those who need someone are behind. n is the number of "
                 "active goals of users who need someone to speak for them.")),
    Indicator("intake_on_time", _l("New users with a contact and \"What matters?\" in time"),
              _l("Trust starts at intake: a person who knows who their responsible contact "
                 "is, and who was asked what matters to them from the first days, starts "
                 "the service as its centre."), Kind.PERCENTAGE,
              _l("Users who started in the four weeks, once their deadlines have passed: "
                 "the share who had a responsible contact and an answer to «What matters to "
                 "you?» within the section's days for each. n is the number of those "
                 "users.")),
    Indicator("referral_to_start_days", _l("Days from referral to start"),
              _l("How long a person waits for help after asking for it; the median over "
                 "the users who started in the period."), Kind.MEDIAN,
              _l("Users who started in the four weeks after a referral: the days from the "
                 "referral to the start of the service, as the middle value (the median). n "
                 "is the number of those users.")),
)

BY_ID = {indicator.id: indicator for indicator in INDICATORS}
DEFAULT_DASHBOARD = tuple(i.id for i in INDICATORS if i.default)
MAX_DASHBOARD = 6
#: Below this many units a value is not shown to section leaders and administrators.
K_ANONYMITY = 5
