"""Computing every indicator for a set of teams: per team, and for all of them together."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from homecare.core.database import CUSTOM_PLANS, planned_as, side_by_side
from homecare.indicators.definitions import INDICATORS
from homecare.indicators.parts import (
    PLAIN,
    PROXY,
    Parts,
    Result,
    median_of,
    one_decimal,
    percentage,
)
from homecare.indicators.queries import ANSWERS, LANES, QUESTIONS, answer_key
from homecare.indicators.scope import Window
from homecare.sections.thresholds import ControlSettings


def _ratio(parts: Parts) -> Result:
    return Result(percentage(parts.num, parts.den), parts.den)


def _gap(plain: float | None, proxy: float | None) -> float | None:
    """Points by which users with a proxy are behind the others (negative: ahead)."""
    if plain is None or proxy is None:
        return None
    return one_decimal(Decimal(str(plain)) - Decimal(str(proxy)))


def equity(parts: Parts) -> dict:
    """The equity split of a percentage: the value and ``n`` for users who need someone
    to speak for them and for the others, and the gap between them in points."""
    values = {group: percentage(*parts.group(group)) for group in (PROXY, PLAIN)}
    split = {group: {"value": values[group], "n": parts.group(group)[1]}
             for group in (PROXY, PLAIN)}
    return split | {"gap": _gap(values[PLAIN], values[PROXY])}


def _split_ratio(parts: Parts, extras: dict | None = None) -> Result:
    """A percentage with its equity split (extra ``equity``)."""
    return Result(percentage(parts.num, parts.den), parts.den,
                  (extras or {}) | {"equity": equity(parts)})


def _caseload(parts: Parts, settings: ControlSettings) -> Result:
    loads = list(parts.staff.values())
    over = sum(1 for load in loads if load > settings.caseload_cap)
    return Result(over, len(loads), {"median_caseload": median_of(loads)})


def _followups_done(done: Parts, active: Parts) -> Result:
    per_goal = None
    if active.den:
        per_goal = float((Decimal(done.num) / Decimal(active.den)).quantize(Decimal("0.01")))
    return Result(done.num, done.den, {"per_active_goal": per_goal})


def user_voice(parts: Parts) -> Result:
    """``user_voice`` from its parts: the share asked, and each question's answers."""
    per_question = {q: {str(a): parts.extra.get(answer_key(q, a), 0) for a in ANSWERS}
                    for q in QUESTIONS}
    return _split_ratio(parts, {"answers": per_question})


def _proxy_gap(parts: Parts) -> Result:
    """INDICATORS.md's ``proxy_followup_gap``: the follow-ups' equity gap as an indicator
    of its own, over the flagged users' goals."""
    split = equity(parts)
    return Result(split["gap"], split[PROXY]["n"])


def finish(parts: dict[str, Parts], settings: ControlSettings) -> dict[str, Result]:
    """Every indicator's result from one scope's parts."""
    decisions = parts["decision_coverage"]
    return {
        "contact_share": _split_ratio(parts["contact_share"]),
        "contact_rule": _ratio(parts["contact_rule"]),
        "distinct_staff_14d": Result(median_of(parts["distinct_staff_14d"].values),
                                     parts["distinct_staff_14d"].den),
        "what_matters_coverage": _split_ratio(parts["what_matters_coverage"]),
        "followups_up_to_date": _split_ratio(parts["followups"]),
        "followups_done": _followups_done(parts["followups_done"], parts["followups"]),
        "user_voice": user_voice(parts["user_voice"]),
        "goal_progress": _split_ratio(parts["goal_progress"]),
        "caseload_over_cap": _caseload(parts["caseloads"], settings),
        "users_without_contact": Result(parts["users_without_contact"].num,
                                        parts["users_without_contact"].den),
        "decision_coverage": Result(percentage(decisions.num, decisions.den), decisions.den,
                                    {"reviews_overdue": decisions.extra.get("reviews_overdue", 0)}),
        "proxy_followup_gap": _proxy_gap(parts["followups"]),
        "intake_on_time": _ratio(parts["intake_on_time"]),
        "referral_to_start_days": Result(median_of(parts["referral_to_start"].values),
                                         parts["referral_to_start"].den),
    }


@dataclass
class Computed:
    """Results per team and for the teams together (plus raw parts, to add up further)."""

    teams: dict[int, dict[str, Result]]
    total: dict[str, Result]
    parts: dict[str, Parts]


def _run_lane(queries, args, connection) -> dict[str, dict[int, Parts]]:
    """One lane's queries, one after the other on ``connection``."""
    # Each statement planned for its own parameters: once a connection had run the
    # dashboard a few times, PostgreSQL switched the contact statement to a generic plan
    # several times slower, and planning one costs far less than that (bench/RESULTS.md,
    # "Measurements behind the code").
    raw: dict[str, dict[int, Parts]] = {}
    with planned_as(connection, CUSTOM_PLANS):
        for query in queries:
            raw.update(query(connection, *args))
    return raw


def _raw(team_ids: list[int], day: date, window_days: int,
         settings: ControlSettings) -> dict[str, dict[int, Parts]]:
    """``{family: {team_id: Parts}}`` for every family, from the lanes side by side."""
    args = (team_ids, Window(day, window_days), settings)
    raw: dict[str, dict[int, Parts]] = {}
    for part in side_by_side([functools.partial(_run_lane, lane, args) for lane in LANES]):
        raw.update(part)
    return raw


def _assemble(raw: dict[str, dict[int, Parts]], team_ids: list[int],
              settings: ControlSettings) -> Computed:
    teams, total_parts = {}, {}
    for name, per_team in raw.items():
        total_parts[name] = Parts.total(per_team[t] for t in team_ids if t in per_team)
    for team_id in team_ids:
        teams[team_id] = finish({name: raw[name].get(team_id, Parts()) for name in raw}, settings)
    return Computed(teams=teams, total=finish(total_parts, settings), parts=total_parts)


def compute(team_ids: list[int], day: date, window_days: int,
            settings: ControlSettings) -> Computed:
    """Every indicator for ``team_ids`` on ``day``: one query per indicator family."""
    return _assemble(_raw(team_ids, day, window_days, settings), team_ids, settings)


def compute_many(scopes: dict, day: date, window_days: int) -> dict:
    """``{key: (team_ids, settings)}`` -> ``{key: Computed}``, e.g. every section at once.

    Sections that share thresholds share one query per indicator family, so the cost of
    all of Oslo is a few large queries instead of fifteen rounds of small ones.
    """
    groups: dict[ControlSettings, list] = defaultdict(list)
    for key, (_team_ids, settings) in scopes.items():
        groups[settings].append(key)
    computed = {}
    for settings, keys in groups.items():
        raw = _raw([t for key in keys for t in scopes[key][0]], day, window_days, settings)
        for key in keys:
            computed[key] = _assemble(raw, scopes[key][0], settings)
    return computed


def combine(computed: list[tuple[Computed, ControlSettings]]) -> dict[str, Result]:
    """Several sections together (each computed with its own settings).

    Caseloads over the cap are counted per section's cap before adding up.
    """
    total = {}
    for name in computed[0][0].parts if computed else ():
        total[name] = Parts.total(c.parts[name] for c, _ in computed)
    if not computed:
        return {indicator.id: Result(None, 0) for indicator in INDICATORS}
    result = finish(total, computed[0][1])
    over = sum(c.total["caseload_over_cap"].value for c, _ in computed)
    result["caseload_over_cap"] = Result(over, result["caseload_over_cap"].n,
                                         result["caseload_over_cap"].extras)
    return result
