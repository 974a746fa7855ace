"""Additive pieces of an indicator, and turning them into the reported value.

Each query returns parts per team; a section's (or the city's) value is the sum of its
teams' parts, so nothing is averaged twice. Rounding is half-up on exact fractions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median


@dataclass
class Parts:
    """``num`` over ``den``, plus what medians and extras need."""

    num: float = 0
    den: int = 0
    #: Per-user values (for medians), as the database aggregated them.
    values: list = field(default_factory=list)
    #: Staff id -> caseload (a set, so that a person in two teams counts once).
    staff: dict = field(default_factory=dict)
    extra: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        # PostgreSQL's SUM over integers is NUMERIC (Decimal); keep plain numbers.
        self.num = float(self.num) if isinstance(self.num, float | Decimal) and not float(
            self.num).is_integer() else int(self.num)
        self.den = int(self.den)
        self.extra = Counter({key: int(value) for key, value in self.extra.items()})

    def __add__(self, other: Parts) -> Parts:
        return Parts(self.num + other.num, self.den + other.den, self.values + other.values,
                     {**self.staff, **other.staff}, self.extra + other.extra)


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
