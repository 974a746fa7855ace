"""Caseloads, users without a contact, and decision coverage, worked out by hand."""

from homecare.decisions.services import record_decision, update_decision
from homecare.service_users.services import contact_history
from tests.indicators.builders import at, contact, day, indicators, user


def end_contact(service_user, offset):
    """End the open assignment (as when a contact leaves the user)."""
    open_one = next(a for a in contact_history(service_user) if a.valid_to is None)
    open_one.valid_to = at(offset)


def test_caseload_over_cap(org):
    a1, coord = org.staff_a1, org.coordinator_a1
    for _ in range(3):
        contact(user(org.team_a1), a1, -30)           # a1: three active users
    contact(user(org.team_a1), coord, -30)            # coord: one
    contact(user(org.team_a1, service_end=day(-1)), a1, -30)  # ended before D
    gone = user(org.team_a1)
    contact(gone, coord, -30)
    end_contact(gone, -3)                             # no longer coord's on D
    coord.teams.append(org.team_b1)                   # also works in another section,
    contact(user(org.team_b1), coord, -30)            # and holds one user there
    teams, _total = indicators(org.team_a1, caseload_cap=2)
    result = teams[org.team_a1.id]["caseload_over_cap"]
    # The cap is about the person: coord holds two, one of them outside the scope.
    assert (result.value, result.n, result.extras["median_caseload"]) == (1, 2, 2.5)


def test_users_without_a_contact_as_d_ends(org):
    a1 = org.staff_a1
    contact(user(org.team_a1), a1, -30)               # has one
    user(org.team_a1)                                 # never had one
    ended = user(org.team_a1)
    contact(ended, a1, -30)
    end_contact(ended, -3)                            # lost it before D
    contact(user(org.team_a1), a1, 1)                 # gets one only after D
    user(org.team_a1, service_end=day(-1))            # not active
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["users_without_contact"]
    # Four users above are active, plus the org's user_a1 (no contact): 4 of 5.
    assert (result.value, result.n) == (4, 5)


def decide(service_user, org, valid_from, review, **fields):
    return record_decision(user=service_user, created_by=org.coordinator_a1,
                           decided_on=day(valid_from), participants=[org.coordinator_a1],
                           user_participated=True, goal_statement="Mål", services="Tjenester",
                           reasons="Grunner", valid_from=day(valid_from), review_on=day(review),
                           **fields)


def test_decision_coverage_and_overdue_reviews(org):
    covered = user(org.team_a1, start=-40)
    decide(covered, org, -30, -1)                     # in force; review overdue
    revoked = user(org.team_a1, start=-40)
    update_decision(decide(revoked, org, -30, 60), status="revoked")
    expired = user(org.team_a1, start=-40)
    decide(expired, org, -30, -20, valid_to=day(-1))
    future = user(org.team_a1, start=-40)
    decide(future, org, 1, 60)                        # not yet in force on D
    user(org.team_a1, start=-40)                      # none
    user(org.team_a1, start=-5)                       # too new to count
    ended = user(org.team_a1, start=-20, service_end=day(-1))
    decide(ended, org, -15, -1)                       # overdue, but not active on D
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["decision_coverage"]
    # Counted: the five above started D-40 plus the org's user_a1 (D-28): 1 of 6.
    assert (result.value, result.n, result.extras["reviews_overdue"]) == (16.7, 6, 1)

