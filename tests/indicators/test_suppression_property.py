"""An attacker against small-number suppression (issue 33, N2; docs/suppression.md).

The attacker is a section leader or administrator who sees every view the service
gives them — the section with its teams, the city with its sections, every window the
service answers — and knows how the numbers hang together: teams add up to their section,
sections to the city, a question's yes/partly/no add up to the check-ins where the user
was asked (the worst case: every asked user answered all three), and a percentage times
its ``n`` is its numerator. From all of it they solve linear equations for the numbers
the service hid.

The base unknowns are each team's counts in each four-week period; every number a view
shows is a known sum of them. A hidden number is worked out exactly when it lies in the
span of the shown ones; that is checked by Gaussian elimination (over a large prime
field, where a rational dependency between these small integer equations shows up too).
The property: no hidden count under five is ever worked out, whatever the teams hold.
The attacks of the issue are also run one by one, and the attacker is shown to find them
when the suppression is switched off, so that it is not blind.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecare.core.errors import ValidationFailed
from homecare.indicators import suppression
from homecare.indicators.compute import equity
from homecare.indicators.definitions import K_ANONYMITY
from homecare.indicators.parts import PLAIN, PROXY, Parts, Result, percentage
from homecare.indicators.periods import GRID_EPOCH, PERIOD_DAYS, leaders_window
from homecare.indicators.suppression import show_all, show_city

QUESTIONS = ("got_expected_help", "could_influence", "satisfied")
ANSWERS = ("yes", "partly", "no")
PRIME = (1 << 61) - 1


# -- the attacker ---------------------------------------------------------------------

class Span:
    """The linear span of the equations the attacker knows, reduced as they arrive."""

    def __init__(self) -> None:
        self.rows: dict[object, dict] = {}   # pivot variable -> row with 1 at the pivot

    def _reduce(self, vector: dict) -> dict:
        vector = {k: v % PRIME for k, v in vector.items() if v % PRIME}
        for pivot, row in self.rows.items():
            factor = vector.get(pivot)
            if factor:
                for key, value in row.items():
                    vector[key] = (vector.get(key, 0) - factor * value) % PRIME
                vector = {k: v for k, v in vector.items() if v}
        return vector

    def add(self, vector: dict) -> None:
        """Learn that ``vector`` (variable -> coefficient) has a known value."""
        reduced = self._reduce(vector)
        if not reduced:
            return
        pivot = min(reduced, key=repr)
        inverse = pow(reduced[pivot], PRIME - 2, PRIME)
        reduced = {k: v * inverse % PRIME for k, v in reduced.items()}
        for other, row in self.rows.items():
            factor = row.get(pivot)
            if factor:
                for key, value in reduced.items():
                    row[key] = (row.get(key, 0) - factor * value) % PRIME
                self.rows[other] = {k: v for k, v in row.items() if v}
        self.rows[pivot] = reduced

    def knows(self, vector: dict) -> bool:
        """Whether ``vector``'s value follows from what is known."""
        return not self._reduce(vector)


def _sum(units, cell) -> dict:
    """The functional "``cell`` summed over ``units``" (units: (section, team, period))."""
    return {(*unit, cell): 1 for unit in units}


def _plus(*vectors: dict) -> dict:
    total: dict = {}
    for vector in vectors:
        for key, value in vector.items():
            total[key] = total.get(key, 0) + value
    return total


@dataclass
class Attack:
    """What the attacker has seen: known functionals, and the small hidden ones."""

    span: Span = field(default_factory=Span)
    secrets: list = field(default_factory=list)   # (description, functional)

    def saw(self, vector: dict) -> None:
        self.span.add(vector)

    def hidden(self, what: str, vector: dict, true_value: int) -> None:
        if true_value < K_ANONYMITY:
            self.secrets.append((what, vector))

    def derived(self) -> list[str]:
        return [what for what, vector in self.secrets if self.span.knows(vector)]


# -- the data: each team's counts in each period --------------------------------------

@dataclass(frozen=True)
class Counts:
    """One team's counts in one period, for three indicators whose numbers hang together."""

    answers: dict          # question -> {answer: count}; each question sums to ``asked``
    not_asked: int         # check-ins where the user was not asked
    without_contact: int   # users without a responsible contact
    with_contact: int
    groups: dict           # PROXY / PLAIN -> (asked what matters, not asked)

    @property
    def asked(self) -> int:
        return sum(self.answers[QUESTIONS[0]].values())


@st.composite
def counts(draw) -> Counts:
    asked = draw(st.integers(0, 12))
    answers = {}
    for question in QUESTIONS:
        yes = draw(st.integers(0, asked))
        partly = draw(st.integers(0, asked - yes))
        answers[question] = {"yes": yes, "partly": partly, "no": asked - yes - partly}
    groups = {group: (draw(st.integers(0, 8)), draw(st.integers(0, 4)))
              for group in (PROXY, PLAIN)}
    return Counts(answers, draw(st.integers(0, 6)), draw(st.integers(0, 7)),
                  draw(st.integers(0, 9)), groups)


def _total(parts: list[Counts]) -> Counts:
    return Counts(
        {q: {a: sum(p.answers[q][a] for p in parts) for a in ANSWERS} for q in QUESTIONS},
        sum(p.not_asked for p in parts), sum(p.without_contact for p in parts),
        sum(p.with_contact for p in parts),
        {g: (sum(p.groups[g][0] for p in parts), sum(p.groups[g][1] for p in parts))
         for g in (PROXY, PLAIN)})


def _results(c: Counts) -> dict[str, Result]:
    """The three indicators' results for some counts, shaped as ``compute.finish``'s."""
    split = Parts(num=sum(g[0] for g in c.groups.values()),
                  den=sum(g[0] + g[1] for g in c.groups.values()),
                  groups={g: (num, num + rest) for g, (num, rest) in c.groups.items()})
    n = c.asked + c.not_asked
    return {
        "user_voice": Result(percentage(c.asked, n), n, {"answers": c.answers}),
        "users_without_contact": Result(c.without_contact,
                                        c.without_contact + c.with_contact),
        "what_matters_coverage": Result(percentage(split.num, split.den), split.den,
                                        {"equity": equity(split)}),
    }


# -- what a view shows, as functionals ------------------------------------------------

def _asked(units) -> dict:
    """The check-ins where the user was asked: the answers to the first question."""
    return _plus(*(_sum(units, ("answers", QUESTIONS[0], a)) for a in ANSWERS))


def _observe(attack: Attack, units, shown: dict, truth: Counts) -> None:
    """Everything one scope's shown results tell, and what they hide."""
    n_voice = _plus(_asked(units), _sum(units, "not_asked"))
    voice = shown["user_voice"]
    for vector, number, true in (
            (n_voice, voice.n, truth.asked + truth.not_asked),
            (_asked(units), voice.value, truth.asked)):
        attack.saw(vector) if number is not None else attack.hidden("voice", vector, true)
    for q in QUESTIONS:
        row = (voice.extras.get("answers") or {}).get(q) or {}
        for a in ANSWERS:
            vector = _sum(units, ("answers", q, a))
            if row.get(a) is not None:
                attack.saw(vector)
            else:
                attack.hidden(f"answers {q} {a}", vector, truth.answers[q][a])
    contact = shown["users_without_contact"]
    without = _sum(units, "without_contact")
    for vector, number, true in (
            (without, contact.value, truth.without_contact),
            (_plus(without, _sum(units, "with_contact")), contact.n,
             truth.without_contact + truth.with_contact)):
        attack.saw(vector) if number is not None else attack.hidden("contact", vector, true)
    coverage = shown["what_matters_coverage"]
    split = coverage.extras.get("equity") or {}
    for group in (PROXY, PLAIN):
        num = _sum(units, (group, "num"))
        den = _plus(num, _sum(units, (group, "rest")))
        shows = (split.get(group) or {}).get("n") is not None
        for vector, true in ((num, truth.groups[group][0]),
                             (den, sum(truth.groups[group]))):
            attack.saw(vector) if shows else attack.hidden(group, vector, true)
    both = [(g, part) for g in (PROXY, PLAIN) for part in ("num", "rest")]
    total_den = _plus(*(_sum(units, key) for key in both))
    total_num = _plus(*(_sum(units, (g, "num")) for g in (PROXY, PLAIN)))
    truth_den = sum(num + rest for num, rest in truth.groups.values())
    truth_num = sum(num for num, _rest in truth.groups.values())
    for vector, number, true in ((total_den, coverage.n, truth_den),
                                 (total_num, coverage.value, truth_num)):
        attack.saw(vector) if number is not None else attack.hidden("coverage", vector, true)


def _what_everyone_knows(attack: Attack, units) -> None:
    """Worst case: every asked user answered all three questions, so each question's
    answers add up to the same number."""
    for unit in units:
        first = _asked([unit])
        for q in QUESTIONS[1:]:
            other = _plus(*(_sum([unit], ("answers", q, a)) for a in ANSWERS))
            attack.saw(_plus(first, {k: -v for k, v in other.items()}))


# -- the service's views, as a leader and an administrator get them ------------------

def _windows_answered(periods: int) -> list[list[int]]:
    """The periods each window a leader might ask for covers, if the service answers it:
    every period alone, every run of periods, and windows ending between two period
    ends. ``leaders_window`` decides, as the API does."""
    ends = [GRID_EPOCH + timedelta(days=PERIOD_DAYS * (i + 1)) for i in range(periods)]
    answered = []
    for last in range(periods):
        for days in (PERIOD_DAYS * k for k in range(1, periods + 1)):
            for shift in (0, 7, 14):
                try:
                    day = leaders_window(ends[last] - timedelta(days=shift), days, ends[-1])
                except ValidationFailed:
                    continue
                answered.append([ends.index(day)])
    return answered


def attack_everything(city: list[list[list[Counts]]], *, engine=show_all,
                      windows=_windows_answered) -> Attack:
    """``city[section][team][period]``: every view of every answered window, attacked."""
    attack = Attack()
    periods = len(city[0][0])
    units_all = [(s, t, p) for s, teams in enumerate(city) for t, per in enumerate(teams)
                 for p in range(len(per))]
    _what_everyone_knows(attack, units_all)
    for covered in windows(periods):
        section_totals = {}
        for s, teams in enumerate(city):
            children = {t: _results(_total([per[p] for p in covered]))
                        for t, per in enumerate(teams)}
            truth = _total([per[p] for per in teams for p in covered])
            section_totals[s] = (_results(truth), truth)
            total_shown, teams_shown = engine(section_totals[s][0], children, suppress=True)
            units = [(s, t, p) for t in range(len(teams)) for p in covered]
            _observe(attack, units, total_shown, truth)
            for t, per in enumerate(teams):
                _observe(attack, [(s, t, p) for p in covered], teams_shown[t],
                         _total([per[p] for p in covered]))
        city_truth = _total([truth for _results_, truth in section_totals.values()])
        city_results = _results(city_truth)
        city_shown = {}
        for indicator, result in city_results.items():
            city_shown[indicator], sections_shown = show_city(indicator, result, {
                s: found[indicator] for s, (found, _truth) in section_totals.items()})
            for s, shown in sections_shown.items():
                # The city view shows each section exactly as its own view: no new equation,
                # but the property must hold that they agree (checked below).
                own = engine(section_totals[s][0], {}, suppress=True)[0][indicator]
                assert shown == own, (indicator, s)
        _observe(attack, [(s, t, p) for s, t, p in units_all if p in covered],
                 city_shown, city_truth)
    return attack


# -- the property ---------------------------------------------------------------------

cities = st.lists(st.lists(st.lists(counts(), min_size=2, max_size=2), min_size=1,
                           max_size=3), min_size=1, max_size=2)


@settings(max_examples=150, deadline=None, database=None)
@given(cities)
def test_no_hidden_count_under_five_can_be_worked_out(app, city):
    with app.test_request_context():
        attack = attack_everything(city)
    assert not attack.derived(), attack.derived()


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.lists(counts(), min_size=1, max_size=1), min_size=1, max_size=5))
def test_nothing_under_five_is_shown_and_a_hidden_result_shows_nothing(teams):
    section = _results(_total([per[0] for per in teams]))
    children = {t: _results(per[0]) for t, per in enumerate(teams)}
    total, shown = show_all(section, children, suppress=True)
    for results in [total, *shown.values()]:
        for result in results.values():
            if result.n is None:
                assert result.suppressed and result.value is None
                assert all(value is None for value in result.extras.values())
            else:
                assert result.n >= K_ANONYMITY
            for count in _shown_counts(result):
                assert count >= K_ANONYMITY


def _shown_counts(shown) -> list[int]:
    found = []
    for row in (shown.extras.get("answers") or {}).values():
        found += [count for count in row.values() if count is not None]
    split = shown.extras.get("equity") or {}
    found += [split[g]["n"] for g in (PROXY, PLAIN) if split.get(g) and split[g]["n"]
              is not None]
    return found


# -- the attacks of issue 33, one by one ----------------------------------------------

def _team(yes=0, partly=0, no=0, not_asked=0, without=0, with_=9) -> Counts:
    answers = {q: {"yes": yes, "partly": partly, "no": no} for q in QUESTIONS}
    return Counts(answers, not_asked, without, with_, {PROXY: (5, 0), PLAIN: (5, 0)})


def test_within_one_answer(app):
    # user_voice showed value 77.4 and n 31 (24 asked), «no» 8 and «yes» 12: the hidden
    # «partly» was 24 - 8 - 12 = 4.
    team = _team(yes=12, partly=4, no=8, not_asked=7)
    assert _results(team)["user_voice"].value == 77.4
    other = _team(yes=9, partly=9, no=9, not_asked=3)
    with app.test_request_context():
        attack = attack_everything([[[team, team], [other, other]]])
    assert not attack.derived()
    assert any("partly" in what for what, _vector in attack.secrets)


def _one_by_one(parent, children, *, suppress):
    """The old rule: every count hidden on its own, the secondary rule per count."""
    shown_parent = {i: suppression.show(i, r) for i, r in parent.items()}
    shown = {}
    for key, results in children.items():
        shown[key] = {}
        for indicator, result in results.items():
            value = suppression.show(indicator, result)
            row_hidden = {q: {a: (None if c < K_ANONYMITY else c) for a, c in row.items()}
                          for q, row in (result.extras.get("answers") or {}).items()}
            if row_hidden and value.n is not None:
                value = dataclasses.replace(value, extras={**value.extras,
                                                           "answers": row_hidden})
            shown[key][indicator] = value
    return shown_parent, shown


def test_the_attacker_finds_the_within_one_answer_attack_against_the_old_rule(app):
    team = _team(yes=12, partly=4, no=8, not_asked=7)
    other = _team(yes=9, partly=9, no=9, not_asked=3)
    with app.test_request_context():
        attack = attack_everything([[[team, team], [other, other]]], engine=_one_by_one)
    assert any("partly" in what for what in attack.derived())


def test_across_windows_the_service_answers_only_whole_periods(app):
    # A 56-day window and two adjacent 28-day windows gave a hidden 28-day cell.
    end = GRID_EPOCH + timedelta(days=PERIOD_DAYS * 2)
    with app.test_request_context():
        assert leaders_window(end, PERIOD_DAYS, end) == end
        for day, days in ((end, 56), (end - timedelta(days=1), 28), (end, 14)):
            with pytest.raises(ValidationFailed):
                leaders_window(day, days, end)
    small = _team(yes=5, partly=5, no=5, without=2)
    big = _team(yes=6, partly=6, no=6, without=9)

    def with_the_56_day_window(periods):
        return [[p] for p in range(periods)] + [list(range(periods))]

    with app.test_request_context():
        refused = attack_everything([[[big, small], [big, big]]])
        answered = attack_everything([[[big, small], [big, big]]],
                                     windows=with_the_56_day_window)
    assert not refused.derived()
    assert "contact" in answered.derived()   # what the grid prevents


def test_across_views_a_section_is_the_same_everywhere_and_the_city_hides_instead(app):
    # The all-sections view hid two sections' cells, the section view showed its total
    # with only the basic rule, and the other followed: 63 - 60 = 3.
    small = _team(yes=5, partly=5, no=5, without=3)
    big = _team(yes=6, partly=6, no=6, without=60)
    with app.test_request_context():
        attack = attack_everything([[[small, small]], [[big, big]]])
        city_total = _results(_total([small, big]))["users_without_contact"]
        city, sections = show_city("users_without_contact", city_total, {
            0: _results(small)["users_without_contact"],
            1: _results(big)["users_without_contact"]})
    assert not attack.derived()
    assert sections[1].value == 60 and sections[0].value is None
    assert city.value is None and city.n is not None   # hidden in the total instead


def test_count_values_under_five_are_hidden(app):
    # users_without_contact = 2 was shown as it was.
    result = _results(_team(without=2))["users_without_contact"]
    shown = suppression.show("users_without_contact", result)
    assert (shown.value, shown.n, shown.suppressed) == (None, 11, True)
    assert suppression.show("users_without_contact",
                            _results(_team(without=5))["users_without_contact"]).value == 5


def test_the_property_attacker_is_not_blind(app):
    """With the secondary rule off, random sections give the attacker a hidden count."""
    def primary_only(parent, children, *, suppress):
        return ({i: suppression.show(i, r) for i, r in parent.items()},
                {k: {i: suppression.show(i, r) for i, r in found.items()}
                 for k, found in children.items()})

    leaks = 0
    with app.test_request_context():
        for small, big in itertools.product(range(1, 5), range(5, 9)):
            teams = [_team(without=small), _team(without=big)]
            leaks += bool(attack_everything([[[t, t] for t in teams]],
                                            engine=primary_only).derived())
    assert leaks == 16
