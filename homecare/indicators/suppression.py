"""Small-number suppression for section leaders and administrators (INDICATORS.md).

Every number such a viewer sees passes here: values, ``n``, the counts inside extras
(answers per question, overdue reviews), trends and the CSV, which are built from these.

- **Primary:** a result over fewer than five units is hidden whole — value, ``n`` and
  extras — and a count inside extras under five is hidden on its own.
- **Secondary:** siblings (the teams of a section, the sections of the city) add up to
  a total that is shown. Wherever exactly one sibling's cell is hidden, it could be
  found by subtracting the others from the total, so the visible sibling with the
  smallest count in that cell is hidden too; repeated until no cell stands hidden alone.
  This holds for every cell: ``n`` (stricter than INDICATORS.md, which asks it of count
  indicators only: a hidden team's ``n`` is itself a count) and each count in extras.
- **Equity split:** each group (users with a proxy, the others) is a cell counted by its
  ``n``; a hidden group hides its value and the gap. The two groups add up to the
  result's ``n``, so where one is hidden the other is hidden too.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field, replace

from homecare.indicators.definitions import K_ANONYMITY
from homecare.indicators.parts import PLAIN, PROXY, Result

#: Extras that are counts of people's records.
COUNT_EXTRAS = ("reviews_overdue", "answers")
#: The extra holding the equity split, and its two groups (each a cell counted by ``n``).
EQUITY = "equity"
EQUITY_GROUPS = (PROXY, PLAIN)
#: The cell that stands for the whole result (its ``n``).
WHOLE = ("n",)


@dataclass(frozen=True)
class Shown:
    """A result as one viewer may see it; a suppressed one shows no value, ``n`` or extras."""

    value: float | int | None
    n: int | None
    suppressed: bool
    extras: dict = field(default_factory=dict)


def count_cells(extras: dict) -> Iterator[tuple[tuple, int | None]]:
    """Each count inside extras with its path, e.g. ``("answers", "satisfied", "no")``."""
    for key, value in extras.items():
        if key == EQUITY and value is not None:
            for group in EQUITY_GROUPS:
                yield (key, group), value[group]["n"]
        elif key == "answers":
            for question, counts in (value or {}).items():
                for answer, count in counts.items():
                    yield (key, question, answer), count
        elif key in COUNT_EXTRAS:
            yield (key,), value


def _without_cell(extras: dict, path: tuple) -> dict:
    """``extras`` with the count at ``path`` hidden (an equity group: its value, its
    ``n`` and the gap)."""
    if len(path) == 1:
        return {**extras, path[0]: None}
    if path[0] == EQUITY:
        return {**extras, EQUITY: {**extras[EQUITY], path[1]: {"value": None, "n": None},
                                   "gap": None}}
    key, question, answer = path
    answers = {q: dict(counts) for q, counts in extras[key].items()}
    answers[question][answer] = None
    return {**extras, key: answers}


def _hide_lone_group(extras: dict) -> tuple[dict, bool]:
    """Where one equity group is hidden, hide the other: it and the result's ``n`` would
    give it away. Returns the extras and whether anything changed."""
    split = extras.get(EQUITY)
    if split is None:
        return extras, False
    hidden = [group for group in EQUITY_GROUPS if split[group]["n"] is None]
    if len(hidden) != 1:
        return extras, False
    other = next(group for group in EQUITY_GROUPS if group not in hidden)
    return _without_cell(extras, (EQUITY, other)), True


def _hidden(result: Result) -> Shown:
    return Shown(None, None, True, {key: None for key in result.extras})


def show(result: Result, *, suppress: bool) -> Shown:
    """One value, primary suppression only (for a scope with no siblings)."""
    if not suppress:
        return Shown(result.value, result.n, False, dict(result.extras))
    if result.n < K_ANONYMITY:
        return _hidden(result)
    extras = dict(result.extras)
    for path, count in count_cells(result.extras):
        if count is not None and count < K_ANONYMITY:
            extras = _without_cell(extras, path)
    extras, _changed = _hide_lone_group(extras)
    return Shown(result.value, result.n, False, extras)


def _count_at(n: int | None, extras: dict, path: tuple) -> int | None:
    """The count a cell holds: ``n`` for the whole result, else the one at ``path`` in
    extras (None where it is hidden, or where a hidden result's extras are)."""
    if path == WHOLE:
        return n
    value = extras.get(path[0])
    for step in path[1:]:
        value = value.get(step) if isinstance(value, dict) else None
    # An equity group is counted by its n.
    return value.get("n") if isinstance(value, dict) else value


def _cell(shown: Shown, path: tuple) -> int | None:
    """The count a viewer sees at ``path`` (None when hidden)."""
    return _count_at(shown.n, shown.extras, path)


def _raw(result: Result, path: tuple) -> int:
    """The true count at ``path``, for choosing the smallest sibling to hide."""
    return _count_at(result.n, result.extras, path) or 0


def _hide_one_more(results: dict[Hashable, Result], shown: dict[Hashable, Shown],
                   path: tuple) -> bool:
    """If exactly one sibling hides ``path``, hide it in the visible sibling with the
    smallest count there; whether anything was hidden."""
    visible = [key for key in results if _cell(shown[key], path) is not None]
    if len(results) - len(visible) != 1 or not visible:
        return False
    key = min(visible, key=lambda k: (_raw(results[k], path), str(k)))
    shown[key] = (_hidden(results[key]) if path == WHOLE
                  else replace(shown[key], extras=_without_cell(shown[key].extras, path)))
    return True


def _hide_lone_groups(shown: dict[Hashable, Shown]) -> bool:
    """Apply the equity rule within each sibling; whether anything was hidden."""
    changed = False
    for key, value in shown.items():
        extras, hid = _hide_lone_group(value.extras)
        if hid:
            shown[key] = replace(value, extras=extras)
            changed = True
    return changed


def _secondary(results: dict[Hashable, Result], shown: dict[Hashable, Shown]) -> None:
    """Apply the secondary rule to one indicator across siblings until nothing changes."""
    in_extras = dict.fromkeys(
        path for result in results.values() for path, _count in count_cells(result.extras))
    paths = [WHOLE, *in_extras]
    changed = True
    while changed:
        changed = False
        for path in paths:
            changed |= _hide_one_more(results, shown, path)
        changed |= _hide_lone_groups(shown)


def show_siblings(siblings: dict, *, suppress: bool) -> dict:
    """``{key: {indicator: Result}}`` for sibling scopes → the same with Shown values,
    with primary suppression and the secondary rule across the siblings."""
    shown = {key: {i: show(r, suppress=suppress) for i, r in results.items()}
             for key, results in siblings.items()}
    if not suppress:
        return shown
    indicators = dict.fromkeys(i for results in siblings.values() for i in results)
    for indicator in indicators:
        results = {k: r[indicator] for k, r in siblings.items() if indicator in r}
        per_key = {k: shown[k][indicator] for k in results}
        _secondary(results, per_key)
        for key, value in per_key.items():
            shown[key][indicator] = value
    return shown
