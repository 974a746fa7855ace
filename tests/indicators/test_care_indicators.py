"""The what-matters, follow-up, evaluation and progress indicators, worked out by hand."""

from homecare.what_matters.services import record_conversation
from tests.indicators.builders import check_in, day, goal, indicators, user


def asked(service_user, staff, offset):
    record_conversation(user=service_user, recorded_by=staff, conversation_date=day(offset),
                        asked_by=staff, present=["user"], in_own_words="Å klare meg selv")


def test_what_matters_coverage(org):
    a1 = org.staff_a1
    asked(user(org.team_a1, start=-30), a1, -20)      # asked: counts
    asked(user(org.team_a1, start=-30), a1, 1)        # asked only after D
    user(org.team_a1, start=-30)                      # never asked
    user(org.team_a1, start=-10)                      # too new to count
    asked(user(org.team_a1, start=-10), a1, -5)       # asked, but too new to count
    user(org.team_a1, start=-60, service_end=day(-1))  # not active on D
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["what_matters_coverage"]
    # The org's own user_a1 (started D-28, never asked) counts too: 1 of 4.
    assert (result.value, result.n) == (25.0, 4)


def test_followups_up_to_date_and_done(org):
    a1 = org.staff_a1
    someone = user(org.team_a1, start=-90)
    fresh = goal(someone, a1, -20)                    # due D+8: up to date
    goal(someone, a1, -40)                            # no check-ins, due D-12: overdue
    recent = goal(someone, a1, -40)
    check_in(recent, a1, -30)                         # due D-2, grace 7: up to date
    late = goal(someone, a1, -40)
    check_in(late, a1, 1)                             # after D: does not count yet
    goal(someone, a1, -40, status="on_hold")          # not active
    goal(someone, a1, -40, status="achieved", closed=-5)  # closed inside the window
    goal(someone, a1, -40, status="proposed")         # not active
    check_in(fresh, a1, -19)
    # In W, the user rated but not asked for their own evaluation: done all the same.
    check_in(fresh, a1, 0, performance=5, answers=("not_asked",) * 3)
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["followups_up_to_date"]
    assert (result.value, result.n) == (50.0, 4)      # fresh and recent of four active
    done = teams[org.team_a1.id]["followups_done"]
    # In W = [D-27, D]: fresh at D-19 and D; not recent (D-30) nor late (D+1).
    assert (done.value, done.n, done.extras["per_active_goal"]) == (2, 2, 0.5)


def test_user_voice_counts_check_ins_where_the_user_was_asked(org):
    a1 = org.staff_a1
    someone = user(org.team_a1, start=-90)
    followed = goal(someone, a1, -60)
    check_in(followed, a1, -10, answers=("yes", "no", "not_asked"))
    check_in(followed, a1, -8, performance=5, answers=("not_asked",) * 3)
    check_in(followed, a1, -6, answers=("partly", "partly", "yes"))
    check_in(followed, a1, -40, answers=("no", "no", "no"))  # outside the window
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["user_voice"]
    assert (result.value, result.n) == (66.7, 3)
    assert result.extras["answers"] == {
        "got_expected_help": {"yes": 1, "partly": 1, "no": 0},
        "could_influence": {"yes": 0, "partly": 1, "no": 1},
        "satisfied": {"yes": 1, "partly": 0, "no": 0}}


def test_goal_progress_uses_the_latest_rating_by_d(org):
    a1 = org.staff_a1
    someone = user(org.team_a1, start=-90)
    rising = goal(someone, a1, -60, baseline=3)
    check_in(rising, a1, -20, performance=4)
    check_in(rising, a1, -10, performance=5)          # +2: progressed
    falling = goal(someone, a1, -60, baseline=3)
    check_in(falling, a1, -20, performance=6)
    check_in(falling, a1, -5, performance=4)          # latest +1: not
    later = goal(someone, a1, -60, baseline=3)
    check_in(later, a1, 1, performance=9)             # only after D: not counted
    unrated = goal(someone, a1, -60)
    check_in(unrated, a1, -5, performance=8)          # no baseline: not counted
    skipped = goal(someone, a1, -60, baseline=2)
    check_in(skipped, a1, -10, performance=4)
    check_in(skipped, a1, -3)                         # no rating: latest rated is +2
    done = goal(someone, a1, -60, baseline=1)
    check_in(done, a1, -30, performance=3)
    from homecare.goals.services import change_goal_status

    change_goal_status(done, "achieved", on=day(-20))  # any status counts
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["goal_progress"]
    assert (result.value, result.n) == (75.0, 4)


def test_proxy_followup_gap(org):
    a1 = org.staff_a1
    plain = user(org.team_a1, start=-90)
    goal(plain, a1, -20)                              # up to date
    goal(plain, a1, -60)                              # overdue
    proxy = user(org.team_a1, start=-90, needs_proxy=True)
    goal(proxy, a1, -60)
    goal(proxy, a1, -50)                              # both overdue
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["proxy_followup_gap"]
    assert (result.value, result.n) == (50.0, 2)      # 50 % - 0 %, in points


def test_proxy_gap_is_null_without_flagged_users(org):
    goal(user(org.team_a1, start=-90), org.staff_a1, -20)
    teams, _total = indicators(org.team_a1)
    assert teams[org.team_a1.id]["proxy_followup_gap"].value is None
