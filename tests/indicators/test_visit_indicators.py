"""contact_share, contact_rule and distinct_staff_14d, worked out by hand."""

from homecare.org.models import Role
from homecare.service_users.services import move_to_team
from tests.factories import make_staff
from tests.indicators.builders import contact, day, indicators, user, visit


def test_contact_share_with_a_contact_who_changes_mid_window(org):
    a1, coord = org.staff_a1, org.coordinator_a1
    u1 = user(org.team_a1)
    contact(u1, a1, -40)
    for offset, staff in ((-20, a1), (-15, a1), (-10, coord), (-5, a1)):
        visit(u1, staff, offset)                      # 3 of 4 by the contact: 0.75
    visit(u1, a1, -30)                                # outside the window
    visit(u1, coord, -4, kind="short")                # short visits do not count
    visit(u1, coord, -3, status="missed")             # nor missed ones
    u2 = user(org.team_a1)
    contact(u2, a1, -40)
    contact(u2, coord, -10, hour=12)                  # the contact changes in the window
    for offset, staff in ((-20, a1), (-15, coord), (-5, coord), (-3, a1)):
        visit(u2, staff, offset)                      # 1st and 3rd by the contact then: 0.5
    user(org.team_a1)                                 # no visits: not counted
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["contact_share"]
    assert (result.value, result.n) == (62.5, 2)      # mean(0.75, 0.5)


def test_a_user_counts_for_the_team_they_belong_to_on_d(org):
    a1, a2 = org.staff_a1, org.staff_a2
    moved = user(org.team_a1)
    contact(moved, a1, -25)
    visit(moved, a1, -20)                             # by the contact
    move_to_team(moved, org.team_a2, day(-7))
    visit(moved, a2, -2)                              # not by the contact (still a1)
    teams, total = indicators(org.team_a1, org.team_a2)
    assert teams[org.team_a1.id]["contact_share"].n == 0
    assert (teams[org.team_a2.id]["contact_share"].value,
            teams[org.team_a2.id]["contact_share"].n) == (50.0, 1)
    assert total["contact_share"].n == 1


def test_no_visits_gives_no_value(org):
    teams, _total = indicators(org.team_a1)
    for indicator in ("contact_share", "contact_rule", "distinct_staff_14d"):
        assert (teams[org.team_a1.id][indicator].value,
                teams[org.team_a1.id][indicator].n) == (None, 0)


def test_contact_rule_counts_runs_without_the_contact(org):
    a1, coord = org.staff_a1, org.coordinator_a1
    kept = user(org.team_a1)
    contact(kept, a1, -40)
    for offset, staff in ((-20, a1), (-15, coord), (-10, coord), (-5, a1)):
        visit(kept, staff, offset)                    # longest run without a1: 2 < 3
    broke = user(org.team_a1)
    contact(broke, a1, -40)
    for offset, staff in ((-20, a1), (-15, coord), (-10, coord), (-6, coord), (-2, a1)):
        visit(broke, staff, offset)                   # a run of 3: breach
    few = user(org.team_a1)
    contact(few, a1, -40)
    visit(few, coord, -10)
    visit(few, coord, -5)                             # fewer than N visits: not counted
    teams, _total = indicators(org.team_a1, contact_every_n=3)
    result = teams[org.team_a1.id]["contact_rule"]
    assert (result.value, result.n) == (50.0, 2)
    teams, _total = indicators(org.team_a1)          # N = 7: nobody has seven visits
    assert teams[org.team_a1.id]["contact_rule"].n == 0


def test_contact_rule_counts_a_run_from_before_the_window_by_its_visits_in_it(org):
    """W is days -27 to 0. A run without the contact that began before W counts only
    its visits in W; a run that began in W counts whole."""
    a1, coord = org.staff_a1, org.coordinator_a1
    kept, broke_leading, broke_inside = (user(org.team_a1) for _ in range(3))
    for u in (kept, broke_leading, broke_inside):
        contact(u, a1, -50)
    # Five without a1 in a row, but only two of them in W: kept.
    for offset, staff in ((-40, a1), (-35, coord), (-32, coord), (-30, coord),
                          (-25, coord), (-20, coord), (-15, a1), (-10, coord), (-5, a1)):
        visit(kept, staff, offset)
    # The run began on day -31 and its three visits in W lead it: a breach.
    for offset, staff in ((-40, a1), (-31, coord), (-25, coord), (-20, coord),
                          (-15, coord), (-5, a1)):
        visit(broke_leading, staff, offset)
    # A run of three that began in W, after the contact's visit: a breach.
    for offset, staff in ((-26, a1), (-20, coord), (-15, coord), (-10, coord), (-3, a1)):
        visit(broke_inside, staff, offset)
    teams, _total = indicators(org.team_a1, contact_every_n=3)
    result = teams[org.team_a1.id]["contact_rule"]
    assert (result.value, result.n) == (33.3, 3)
    teams, _total = indicators(org.team_a1, contact_every_n=4)
    assert teams[org.team_a1.id]["contact_rule"].value == 100.0   # no run of 4 in W


def test_contact_rule_uses_the_contact_at_each_visit(org):
    a1, coord = org.staff_a1, org.coordinator_a1
    changed = user(org.team_a1)
    contact(changed, a1, -40)
    contact(changed, coord, -12)
    # a1 was the contact for the first three, coord for the last three.
    for offset, staff in ((-25, a1), (-20, coord), (-15, coord), (-10, coord), (-5, a1),
                          (-3, a1)):
        visit(changed, staff, offset)
    teams, _total = indicators(org.team_a1, contact_every_n=3)
    # Sequence by-contact: yes, no, no, yes, no, no -> longest run 2: kept.
    assert teams[org.team_a1.id]["contact_rule"].value == 100.0


def test_distinct_staff_in_14_days_median(org):
    a1, coord = org.staff_a1, org.coordinator_a1
    third = make_staff(Role.STAFF, teams=[org.team_a1])
    fourth = make_staff(Role.STAFF, teams=[org.team_a1])
    visits = {1: [a1], 2: [a1, coord, a1], 3: [a1, coord, third], 4: [a1, coord, third, fourth]}
    for staff_list in visits.values():
        someone = user(org.team_a1)
        for i, staff in enumerate(staff_list):
            visit(someone, staff, -i, kind="short" if i else "main")
    outside = user(org.team_a1)
    visit(outside, a1, -14)                           # D-14 is outside [D-13, D]
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["distinct_staff_14d"]
    assert (result.value, result.n) == (2.5, 4)      # median of 1, 2, 3, 4
