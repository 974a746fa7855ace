"""Additive pieces of an indicator, and turning them into the reported value.

Each query returns parts per team; a section's (or the city's) value is the sum of its
teams' parts, so nothing is averaged twice. Rounding is half-up on exact fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median


@dataclass(slots=True)
class Parts:
    """``num`` over ``den``, plus what medians and extras need."""

    num: float = 0
    den: int = 0
    #: Per-user values (for medians), as the database aggregated them.
    values: list = field(default_factory=list)
    #: Staff id -> caseload (a set, so that a person in two teams counts once).
    staff: dict = field(default_factory=dict)
    #: Named counts (a missing name counts 0).
    extra: dict = field(default_factory=dict)
    #: ``num`` and ``den`` split by whether the user needs a proxy: group -> (num, den).
    groups: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.num = _plain_number(self.num)
        self.den = int(self.den)
        if self.extra:
            self.extra = {key: int(value) for key, value in self.extra.items()}
        if self.groups:
            self.groups = {group: (_plain_number(num), int(den))
                           for group, (num, den) in self.groups.items()}

    def __add__(self, other: Parts) -> Parts:
        return Parts.total((self, other))

    @staticmethod
    def total(many) -> Parts:
        """The sum of several parts in one pass (a section's parts are the sum of its
        teams'; a team's, of its rows)."""
        num, den, values, staff, extra, groups = 0, 0, [], {}, {}, {}
        for parts in many:
            num += parts.num
            den += parts.den
            values += parts.values
            staff.update(parts.staff)
            for key, count in parts.extra.items():
                extra[key] = extra.get(key, 0) + count
            for group, (group_num, group_den) in parts.groups.items():
                so_far = groups.get(group, (0, 0))
                groups[group] = (so_far[0] + group_num, so_far[1] + group_den)
        return Parts(num, den, values, staff, extra, groups)

    def group(self, name: str) -> tuple[float | int, int]:
        """``(num, den)`` of one group (``PROXY`` or ``PLAIN``); zeros when it has none."""
        return self.groups.get(name, (0, 0))


#: The equity groups: users flagged ``needs_proxy``, and the others.
PROXY, PLAIN = "proxy", "plain"


def group_of(needs_proxy: bool) -> str:
    """The equity group of a user with this ``needs_proxy`` flag."""
    return PROXY if needs_proxy else PLAIN


def _plain_number(number) -> float | int:
    """An int where the number is whole, else a float (PostgreSQL's SUM over integers is
    NUMERIC, a Decimal)."""
    if isinstance(number, float | Decimal) and not float(number).is_integer():
        return float(number)
    return int(number)


@dataclass(frozen=True)
class Result:
    """A computed value with the number of units it is over."""

    value: float | int | None
    n: int
    extras: dict = field(default_factory=dict)


def one_decimal(number) -> float:
    """Round half-up to one decimal."""
    return float(Decimal(str(number)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percentage(num, den) -> float | None:
    """``num/den`` as a percentage in [0, 100], one decimal; None when there is nothing."""
    if not den:
        return None
    return one_decimal(Decimal(str(num)) * 100 / Decimal(den))


def median_of(values: list) -> float | None:
    """The ordinary median (mean of the two middle values for an even count)."""
    return float(median(values)) if values else None
