"""The equity split (issue 14, part 3): each indicator where it makes sense, for users who
need someone to speak for them beside the others, and the gap — worked out by hand."""

from homecare.what_matters.services import record_conversation
from tests.indicators.builders import check_in, contact, day, goal, indicators, user, visit

NOT_ASKED = ("not_asked", "not_asked", "not_asked")


def asked(service_user, staff, offset):
    record_conversation(user=service_user, recorded_by=staff, conversation_date=day(offset),
                        asked_by=staff, present=["user"], in_own_words="Å komme meg ut")


def _two_groups(org):
    """Two users without a proxy (plus the org's own user_a1) and two with one."""
    a1, other = org.staff_a1, org.coordinator_a1
    p1 = user(org.team_a1, start=-90)
    contact(p1, a1, -80)
    visit(p1, a1, -10)
    visit(p1, other, -9)                               # share 1/2
    asked(p1, a1, -20)
    g1 = goal(p1, a1, -20, baseline=3)
    check_in(g1, a1, -15, satisfaction=5, answers=NOT_ASKED)
    check_in(g1, a1, -5, performance=6)                # asked; +3: progressed
    p2 = user(org.team_a1, start=-90)                  # no contact: share 0
    visit(p2, a1, -8)
    g2 = goal(p2, a1, -60, baseline=5)
    check_in(g2, a1, -3, performance=6, answers=NOT_ASKED)  # up to date; +1: not
    goal(p2, a1, -50)                                  # overdue, no baseline
    x1 = user(org.team_a1, start=-90, needs_proxy=True)
    contact(x1, a1, -80)
    visit(x1, other, -7)
    visit(x1, other, -6)                               # share 0
    goal(x1, a1, -60, baseline=4)                      # overdue, never rated
    x2 = user(org.team_a1, start=-90, needs_proxy=True)
    contact(x2, a1, -80)
    visit(x2, a1, -5)                                  # share 1
    asked(x2, a1, -30)
    g4 = goal(x2, a1, -60, baseline=4)
    check_in(g4, a1, -4, performance=4, answers=NOT_ASKED)
    check_in(g4, a1, -2, performance=7, answers=("partly", "no", "yes"))  # +3: progressed


def _split(result):
    equity = result.extras["equity"]
    return ((equity["plain"]["value"], equity["plain"]["n"]),
            (equity["proxy"]["value"], equity["proxy"]["n"]), equity["gap"])


def test_each_indicator_is_split_by_whether_the_user_needs_a_proxy(org):
    _two_groups(org)
    teams, _total = indicators(org.team_a1)
    team = teams[org.team_a1.id]
    # Per-user mean of the contact's share: plain (1/2 + 0)/2, proxy (0 + 1)/2.
    assert _split(team["contact_share"]) == ((25.0, 2), (50.0, 2), -25.0)
    assert (team["contact_share"].value, team["contact_share"].n) == (37.5, 4)
    # Asked: p1 of p1, p2, user_a1; x2 of x1, x2.
    assert _split(team["what_matters_coverage"]) == ((33.3, 3), (50.0, 2), -16.7)
    # Up to date: g1, g2 of three plain goals; g4 of two proxy goals.
    assert _split(team["followups_up_to_date"]) == ((66.7, 3), (50.0, 2), 16.7)
    # Check-ins in W where the user was asked: one of three plain, one of two proxy.
    assert _split(team["user_voice"]) == ((33.3, 3), (50.0, 2), -16.7)
    # Rated goals with a baseline: g1 (+3) and g2 (+1) plain, g4 (+3) proxy.
    assert _split(team["goal_progress"]) == ((50.0, 2), (100.0, 1), -50.0)


def test_the_proxy_followup_gap_is_the_followups_split(org):
    _two_groups(org)
    teams, _total = indicators(org.team_a1)
    team = teams[org.team_a1.id]
    gap = team["proxy_followup_gap"]
    assert (gap.value, gap.n) == (16.7, 2)
    assert gap.value == team["followups_up_to_date"].extras["equity"]["gap"]


def test_a_section_adds_up_its_teams_groups(org):
    _two_groups(org)
    asked(user(org.team_a2, start=-90, needs_proxy=True), org.staff_a2, -20)
    teams, total = indicators(org.team_a1, org.team_a2)
    # Team A2: its own user_a2 (plain, not asked) and one proxy user, asked.
    assert _split(teams[org.team_a2.id]["what_matters_coverage"]) == (
        (0.0, 1), (100.0, 1), -100.0)
    # Together: plain 1 of 4, proxy 2 of 3.
    assert _split(total["what_matters_coverage"]) == ((25.0, 4), (66.7, 3), -41.7)


def test_a_group_with_no_one_in_it_has_no_value_and_no_gap(org):
    goal(user(org.team_a1, start=-90), org.staff_a1, -20)
    teams, _total = indicators(org.team_a1)
    assert _split(teams[org.team_a1.id]["followups_up_to_date"]) == (
        (100.0, 1), (None, 0), None)
