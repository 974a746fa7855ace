"""Weekly trend charts drawn on the server as SVG geometry (no script, no library).

A person should read the chart at a glance: a labelled value axis, the first and last
week under it, the line broken wherever a week has no value to show, and the weeks
suppressed for small numbers marked as grey bands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from homecare.indicators.definitions import Kind

WIDTH, HEIGHT = 320, 130
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 24


@dataclass
class Chart:
    """Everything a template needs to draw one trend."""

    weeks: list[date]
    y_max: float
    points_by_week: dict[date, dict] = field(default_factory=dict)
    segments: list[str] = field(default_factory=list)
    dots: list[tuple[float, float, dict]] = field(default_factory=list)
    gaps: list[tuple[float, float]] = field(default_factory=list)
    y_ticks: list[tuple[float, float]] = field(default_factory=list)
    x_labels: list[tuple[float, date, str]] = field(default_factory=list)
    #: Points a leader sees: one per four-week period, not per week.
    by_period: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        """No week has a value to draw."""
        return not self.dots


def _top_of_scale(kind: Kind, values: list[float]) -> float:
    if kind is Kind.PERCENTAGE:
        return 100.0
    highest = max((abs(v) for v in values), default=0.0)
    return float(max(1, math.ceil(highest * 1.2)))  # a whole number above the highest


def trend_chart(points: list[dict], weeks: list[date], kind: Kind, *,
                by_period: bool = False) -> Chart:
    """Chart one scope's points over ``weeks`` (the Mondays on the axis: every week, or
    ``by_period`` the end of each four-week period).

    Values of kind POINTS (a difference) can be negative: the axis then runs from
    ``-top`` to ``top`` so that zero sits in the middle.
    """
    by_week = {p["date"]: p for p in points}
    values = [p["value"] for p in points if not p["suppressed"] and p["value"] is not None]
    top = _top_of_scale(kind, values)
    bottom = -top if kind is Kind.POINTS else 0.0
    chart = Chart(weeks=weeks, y_max=top, points_by_week=by_week, by_period=by_period)
    span_x = chart.plot_right - LEFT
    step = span_x / max(1, len(weeks) - 1)

    def x(index: int) -> float:
        return round(LEFT + index * step, 1)

    def y(value: float) -> float:
        return round(chart.plot_bottom - (value - bottom) / (top - bottom)
                     * (chart.plot_bottom - TOP), 1)

    run: list[str] = []
    for index, week in enumerate(weeks):
        point = by_week.get(week)
        if point is None or point["suppressed"] or point["value"] is None:
            if point is not None and point["suppressed"]:
                chart.gaps.append((round(x(index) - step / 2, 1), round(step, 1)))
            if run:
                chart.segments.append(" ".join(run))
            run = []
            continue
        run.append(f"{x(index)},{y(point['value'])}")
        chart.dots.append((x(index), y(point["value"]), point))
    if run:
        chart.segments.append(" ".join(run))
    chart.y_ticks = [(y(v), v) for v in (bottom, (bottom + top) / 2, top)]
    if weeks:
        chart.x_labels = [(x(0), weeks[0], "start"), (x(len(weeks) - 1), weeks[-1], "end")]
    return chart
