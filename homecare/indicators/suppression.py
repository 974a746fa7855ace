"""Small-number suppression for section leaders and administrators (INDICATORS.md).

A value over fewer than five units is hidden. Where exactly one sibling (a team in a
section) is hidden for a count indicator, the sibling with the next smallest ``n`` is
hidden too, so that the hidden count cannot be found by subtracting from the total.
Counts inside extras (per-question answers, overdue reviews) under five are hidden too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from homecare.indicators.definitions import BY_ID, K_ANONYMITY
from homecare.indicators.parts import Result

#: Extras that are counts of people's records.
COUNT_EXTRAS = ("reviews_overdue", "answers")


@dataclass(frozen=True)
class Shown:
    """A result as one viewer may see it."""

    value: float | int | None
    n: int
    suppressed: bool
    extras: dict = field(default_factory=dict)


def _hide_small_counts(extras: dict) -> dict:
    shown = {}
    for key, value in extras.items():
        if key == "answers":
            shown[key] = {q: {a: (c if c >= K_ANONYMITY else None) for a, c in counts.items()}
                          for q, counts in value.items()}
        elif key in COUNT_EXTRAS:
            shown[key] = value if value >= K_ANONYMITY else None
        else:
            shown[key] = value
    return shown


def _hidden(result: Result) -> Shown:
    return Shown(None, result.n, True, {key: None for key in result.extras})


def show(result: Result, *, suppress: bool) -> Shown:
    """One value, primary suppression only (for a scope with no siblings)."""
    if not suppress:
        return Shown(result.value, result.n, False, dict(result.extras))
    if result.n < K_ANONYMITY:
        return _hidden(result)
    return Shown(result.value, result.n, False, _hide_small_counts(result.extras))


def show_siblings(siblings: dict, *, suppress: bool) -> dict:
    """``{key: {indicator: Result}}`` for sibling scopes → the same with Shown values,
    applying the secondary rule to count indicators across the siblings."""
    shown = {key: {i: show(r, suppress=suppress) for i, r in results.items()}
             for key, results in siblings.items()}
    if not suppress:
        return shown
    indicators = {i for results in siblings.values() for i in results}
    for indicator in indicators:
        if not BY_ID[indicator].is_count:
            continue
        hidden = [k for k in siblings if shown[k][indicator].suppressed]
        if len(hidden) != 1:
            continue
        visible = sorted((siblings[k][indicator].n, str(k), k) for k in siblings
                         if not shown[k][indicator].suppressed)
        if visible:
            key = visible[0][2]
            shown[key][indicator] = _hidden(siblings[key][indicator])
    return shown
