"""Property: whatever the team sizes and answers, no hidden number can be worked out from
the shown ones and the section total (issue 11, item 5).

The siblings' cells add up to the section's: a hidden cell is derivable exactly when the
section's cell is shown and it is the only hidden one among the siblings. The oracle
below checks that equation for every cell — ``n`` and every count in extras — over
random sections, independently of how ``suppression`` decides what to hide.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from homecare.indicators.compute import equity
from homecare.indicators.definitions import K_ANONYMITY
from homecare.indicators.parts import Parts, Result, percentage
from homecare.indicators.suppression import count_cells, show, show_siblings

QUESTIONS = ("got_expected_help", "could_influence", "satisfied")
ANSWERS = ("yes", "partly", "no")


@st.composite
def team_results(draw) -> dict[str, Result]:
    """One team's user_voice (answers per question), decision_coverage (overdue) and
    what_matters_coverage (split by whether users need a proxy)."""
    n = draw(st.integers(0, 14))
    answers = {}
    for question in QUESTIONS:
        yes = draw(st.integers(0, n))
        partly = draw(st.integers(0, n - yes))
        no = draw(st.integers(0, n - yes - partly))
        answers[question] = {"yes": yes, "partly": partly, "no": no}
    asked = draw(st.integers(0, n))
    decisions = draw(st.integers(0, 14))
    groups = {}
    for group in ("proxy", "plain"):
        den = draw(st.integers(0, 10))
        groups[group] = (draw(st.integers(0, den)), den)
    split = Parts(num=sum(g[0] for g in groups.values()), den=sum(g[1] for g in groups.values()),
                  groups=groups)
    return {
        "what_matters_coverage": Result(percentage(split.num, split.den), split.den,
                                        {"equity": equity(split)}),
        "user_voice": Result(percentage(asked, n), n, {"answers": answers}),
        "decision_coverage": Result(None, decisions,
                                    {"reviews_overdue": draw(st.integers(0, decisions))}),
        "users_without_contact": Result(draw(st.integers(0, n)), n),
    }


def _total(teams: list[dict[str, Result]], indicator: str) -> Result:
    results = [t[indicator] for t in teams]
    cells: dict[tuple, int] = {}
    for result in results:
        for path, count in count_cells(result.extras):
            cells[path] = cells.get(path, 0) + count
    extras: dict = {}
    for path, count in cells.items():
        if len(path) == 1:
            extras[path[0]] = count
        elif len(path) == 2:
            extras.setdefault(path[0], {"gap": None})[path[1]] = {"value": None, "n": count}
        else:
            extras.setdefault(path[0], {}).setdefault(path[1], {})[path[2]] = count
    return Result(None, sum(r.n for r in results), extras)


def _shown_cells(shown, paths) -> dict[tuple, int | None]:
    if shown.suppressed:
        return dict.fromkeys(paths)
    cells = dict(count_cells(shown.extras))
    return {path: (shown.n if path == ("n",) else cells.get(path)) for path in paths}


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(team_results(), min_size=1, max_size=6))
def test_no_hidden_cell_can_be_derived_from_the_shown_ones_and_the_total(teams):
    shown = show_siblings(dict(enumerate(teams)), suppress=True)
    for indicator in teams[0]:
        total_result = _total(teams, indicator)
        total = show(total_result, suppress=True)
        paths = [("n",)] + [path for path, _ in count_cells(total_result.extras)]
        total_cells = _shown_cells(total, paths)
        team_cells = [_shown_cells(shown[k][indicator], paths) for k in range(len(teams))]
        for path in paths:
            hidden = [k for k, cells in enumerate(team_cells) if cells[path] is None]
            if total_cells[path] is not None:
                assert len(hidden) != 1, (indicator, path, hidden)
            else:  # a hidden total cannot be summed up from shown teams either
                assert hidden, (indicator, path)
            # and nothing under five is shown, in a team or the total
            for cells in [*team_cells, total_cells]:
                assert cells[path] is None or cells[path] >= K_ANONYMITY, (indicator, path)
        # within one scope, the equity groups add up to n: never one hidden alone
        for cells in [*team_cells, total_cells]:
            groups = [path for path in paths if path[0] == "equity"]
            hidden = [path for path in groups if cells[path] is None]
            if cells[("n",)] is not None:
                assert len(hidden) != 1, (indicator, hidden)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(team_results(), min_size=1, max_size=6))
def test_a_suppressed_result_shows_no_value_no_n_and_no_extras(teams):
    shown = show_siblings(dict(enumerate(teams)), suppress=True)
    for results in shown.values():
        for result in results.values():
            if result.suppressed:
                assert result.value is None and result.n is None
                assert all(value is None for value in result.extras.values())
            split = result.extras.get("equity")
            for group in ("proxy", "plain") if split else ():
                if split[group]["n"] is None:   # a hidden group shows no value, no gap
                    assert split[group]["value"] is None and split["gap"] is None
