"""Small-number suppression for section leaders and administrators: one design, the same
in every view (docs/suppression.md lists the attacks it withstands).

Every number such a viewer sees passes here: values, ``n``, the counts inside extras,
trends and the CSV, which are built from these. Numbers come in *blocks* that are hidden
together because they add up to something the viewer sees:

- ``WHOLE``: a result's ``n``; hiding it hides the result whole (value, ``n``, extras).
- ``VALUE``: a count indicator's value (users without a contact, contacts over the cap).
- ``("answers", question)``: the yes / partly / no counts of one question. They add up to
  the number of check-ins where the user was asked, which the value times ``n`` gives away, so
  one of them hidden alone would be that number minus the other two.
- ``EQUITY``: the two equity groups, which add up to ``n``.
- ``REVIEWS``: the decisions whose review is overdue.

A block's *mass* is how many units it holds (``n``, the count, the answers, both groups).

- **Primary** (``show``): a block holding a count under ``K_ANONYMITY`` is hidden; ``n``
  under it hides the result whole.
- **Secondary** (``show_scope``): siblings (the teams of a section) add up to their
  parent. Wherever the parent shows a block, the siblings that hide it must be none, or
  at least two holding at least ``K_ANONYMITY`` units together; until that holds, the
  visible sibling with the least mass hides it too. The parent itself is shown as in
  any other view (primary only).
- **The city** (``show_city``): the sections add up to the city, and each section is
  shown as in its own view. A block that any section hides is hidden in the city total
  instead of in another section, so that no view shows a section differently.

Windows are the other half of the design (``periods``): a leader sees windowed figures
only for fixed four-week periods, which no combination of other periods gives.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

from homecare.indicators.definitions import BY_ID, K_ANONYMITY, Kind
from homecare.indicators.parts import PLAIN, PROXY, Result

#: The extra holding the equity split, and its two groups (each a cell counted by ``n``).
EQUITY_GROUPS = (PROXY, PLAIN)
WHOLE = ("n",)
VALUE = ("value",)
EQUITY = ("equity",)
REVIEWS = ("reviews_overdue",)
ANSWERS = "answers"


@dataclass(frozen=True)
class Shown:
    """A result as one viewer may see it; a suppressed one shows no value, ``n`` or extras
    (``suppressed`` with ``n`` shown: its value alone is hidden)."""

    value: float | int | None
    n: int | None
    suppressed: bool
    extras: dict = field(default_factory=dict)


def blocks(indicator: str, result: Result) -> list[tuple]:
    """The blocks of one result, ``WHOLE`` first."""
    found = [WHOLE]
    if BY_ID[indicator].kind is Kind.COUNT:
        found.append(VALUE)
    extras = result.extras
    found += [(ANSWERS, question) for question in extras.get(ANSWERS) or {}]
    if extras.get("equity") is not None:
        found.append(EQUITY)
    if "reviews_overdue" in extras:
        found.append(REVIEWS)
    return found


def counts(result: Result, block: tuple) -> list[int]:
    """The true counts a block holds."""
    if block == WHOLE:
        return [result.n]
    if block == VALUE:
        return [int(result.value or 0)]
    if block == EQUITY:
        return [result.extras["equity"][group]["n"] for group in EQUITY_GROUPS]
    if block == REVIEWS:
        return [result.extras["reviews_overdue"] or 0]
    return list(result.extras[ANSWERS][block[1]].values())


def mass(result: Result, block: tuple) -> int:
    """How many units a block holds."""
    return sum(counts(result, block))


def is_hidden(shown: Shown, block: tuple) -> bool:
    """Whether the viewer is denied the block."""
    extras = shown.extras
    if block == WHOLE:
        return shown.n is None
    if block == VALUE:
        return shown.value is None
    if block == EQUITY:
        return extras.get("equity") is None or extras["equity"][PROXY]["n"] is None
    if block == REVIEWS:
        return extras.get("reviews_overdue") is None
    row = (extras.get(ANSWERS) or {}).get(block[1])
    return row is None or all(count is None for count in row.values())


def hide(shown: Shown, block: tuple) -> Shown:
    """``shown`` with the block hidden (hiding ``WHOLE`` hides every block)."""
    extras = shown.extras
    if block == WHOLE:
        return Shown(None, None, True, dict.fromkeys(extras))
    if is_hidden(shown, block):
        return shown
    if block == VALUE:
        return replace(shown, value=None, suppressed=True)
    if block == EQUITY:
        hidden_group = {"value": None, "n": None}
        return replace(shown, extras={**extras, "equity": {
            PROXY: hidden_group, PLAIN: dict(hidden_group), "gap": None}})
    if block == REVIEWS:
        return replace(shown, extras={**extras, "reviews_overdue": None})
    answers = {question: dict(found) for question, found in extras[ANSWERS].items()}
    answers[block[1]] = dict.fromkeys(answers[block[1]])
    return replace(shown, extras={**extras, ANSWERS: answers})


def show(indicator: str, result: Result, *, suppress: bool = True) -> Shown:
    """One result with the primary rule: every block holding a count under K hidden."""
    shown = Shown(result.value, result.n, False, dict(result.extras))
    if not suppress:
        return shown
    for block in blocks(indicator, result):
        if any(count < K_ANONYMITY for count in counts(result, block)):
            shown = hide(shown, block)
    return shown


def _complete(block: tuple, children: dict[Hashable, Result],
              shown: dict[Hashable, Shown]) -> bool:
    """Make the siblings hiding ``block`` none, or two or more holding K units or more,
    by hiding it in the visible sibling with the least mass; whether anything changed."""
    hiding = [key for key in children if is_hidden(shown[key], block)]
    if not hiding or (len(hiding) >= 2 and sum(
            mass(children[key], block) for key in hiding) >= K_ANONYMITY):
        return False
    visible = [key for key in children if key not in hiding]
    if not visible:
        # The parent then holds as few units as its hidden children: hidden itself.
        return False
    key = min(visible, key=lambda k: (mass(children[k], block), str(k)))
    shown[key] = hide(shown[key], block)
    return True


def show_scope(indicator: str, parent: Result, children: dict[Hashable, Result], *,
               suppress: bool = True) -> tuple[Shown, dict[Hashable, Shown]]:
    """A parent (a section) and its children (its teams), for one indicator: primary
    suppression everywhere, and the secondary rule among the children for every block the
    parent shows."""
    parent_shown = show(indicator, parent, suppress=suppress)
    shown = {key: show(indicator, result, suppress=suppress)
             for key, result in children.items()}
    if not suppress:
        return parent_shown, shown
    every_block = list(dict.fromkeys(block for result in children.values()
                                     for block in blocks(indicator, result)))
    changed = True
    while changed:
        changed = False
        for block in every_block:
            if not is_hidden(parent_shown, block):
                changed |= _complete(block, children, shown)
    return parent_shown, shown


def show_city(indicator: str, city: Result, sections: dict[Hashable, Result]
              ) -> tuple[Shown, dict[Hashable, Shown]]:
    """All sections and their sum: each section as its own view shows it, and the city's
    total without any block a section hides."""
    shown = {key: show(indicator, result) for key, result in sections.items()}
    city_shown = show(indicator, city)
    for block in blocks(indicator, city):
        if any(is_hidden(section, block) for section in shown.values()):
            city_shown = hide(city_shown, block)
    return city_shown, shown


def show_all(parent: dict[str, Result], children: dict[Hashable, dict[str, Result]], *,
             suppress: bool) -> tuple[dict[str, Shown], dict[Hashable, dict[str, Shown]]]:
    """``show_scope`` for every indicator: ``{indicator: Result}`` for the parent and
    ``{key: {indicator: Result}}`` for its children, in the same shapes."""
    parent_shown: dict[str, Shown] = {}
    children_shown: dict[Hashable, dict[str, Shown]] = {key: {} for key in children}
    for indicator, result in parent.items():
        mine = {key: found[indicator] for key, found in children.items()
                if indicator in found}
        parent_shown[indicator], shown = show_scope(indicator, result, mine,
                                                    suppress=suppress)
        for key, value in shown.items():
            children_shown[key][indicator] = value
    return parent_shown, children_shown
