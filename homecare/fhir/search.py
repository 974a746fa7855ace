"""FHIR search over a user's record: the parameters each type takes (one table, which the
CapabilityStatement lists too), their parsing, matching, sorting and paging.

A parameter this server does not know is ignored, as FHIR's lenient handling allows, and
left out of the ``self`` link, which shows exactly what was used; under ``Prefer:
handling=strict`` it is refused with an OperationOutcome. A known parameter with a value
that cannot be understood is always refused (400), and ``_summary`` is done or refused,
never ignored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from homecare.core.timeutil import local_zone
from homecare.fhir.record import FAR_FUTURE, Item

#: Search parameters of the types of a user's record beyond ``patient`` and ``_id``,
#: with their FHIR types; and which of them sort (``_sort``).
PARAMETERS: dict[str, dict[str, str]] = {
    "Patient": {"_id": "token", "name": "string", "identifier": "token"},
    "RelatedPerson": {"relationship": "token"},
    "CareTeam": {"status": "token"},
    "Goal": {"lifecycle-status": "token", "start-date": "date"},
    "Observation": {"code": "token", "date": "date", "focus": "reference"},
    "QuestionnaireResponse": {"status": "token", "authored": "date"},
    "CarePlan": {"status": "token", "date": "date"},
    "Encounter": {"status": "token", "date": "date"},
    "Practitioner": {"_id": "token", "identifier": "token"},
    "Organization": {"_id": "token", "identifier": "token"},
}
SORTS = {"Goal": ("start-date",), "Observation": ("date",),
         "QuestionnaireResponse": ("authored",), "CarePlan": ("date",), "Encounter": ("date",)}
#: The types searched within one user's record (by ``patient``, or ``_id``).
RECORD_SEARCHES = ("RelatedPerson", "CareTeam", "Goal", "Observation",
                   "QuestionnaireResponse", "CarePlan", "Encounter")
#: Elements every resource keeps under ``_elements`` (FHIR: mandatory ones SHOULD stay).
MANDATORY = {"Goal": ("lifecycleStatus", "description", "subject"),
             "CarePlan": ("status", "intent", "subject"), "Encounter": ("status", "class"),
             "Observation": ("status", "code"), "QuestionnaireResponse": ("status",),
             "RelatedPerson": ("patient",)}
SUBSETTED = {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
             "code": "SUBSETTED", "display": "subsetted"}
COMMON = ("_id", "_lastUpdated", "_count", "_offset", "_sort", "_summary", "_elements",
          "_include")
DEFAULT_COUNT, MAX_COUNT = 50, 500
DATE_PREFIXES = ("eq", "ne", "lt", "gt", "le", "ge", "sa", "eb")
_DATE = re.compile(r"^(?P<prefix>[a-z]{2})?(?P<value>[0-9]{4}(-[0-9]{2}(-[0-9]{2}"
                   r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?)$")


def refuse(message: str, field_name: str | None = None) -> BadRequest:
    """A 400 the FHIR API answers as an OperationOutcome naming the parameter."""
    error = BadRequest()
    error.data = {"message": message,
                  "errors": {field_name: [message]} if field_name else None}
    return error


def refuse_unknown(names: Iterable[str]) -> BadRequest:
    """A 400 under ``Prefer: handling=strict`` for parameters this server does not do."""
    names = sorted(set(names))
    message = _("This server does not support the search parameter(s) %(names)s.",
                names=", ".join(names))
    error = BadRequest()
    error.data = {"message": message, "errors": {key: [message] for key in names}}
    return error


@dataclass
class Paging:
    """``_count``, ``_offset`` and ``_summary``, and the parameters kept for the links."""

    count: int = DEFAULT_COUNT
    offset: int = 0
    summary_count: bool = False
    elements: list[str] | None = None
    used: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Criteria:
    """A parsed search of a user's record."""

    paging: Paging
    patient: uuid.UUID | None = None
    ids: set[str] | None = None
    tests: list[Callable[[Item], bool]] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    include_patient: bool = False
    used: list[tuple[str, str]] = field(default_factory=list)

    def matches(self, item: Item) -> bool:
        """Whether the item meets every criterion."""
        return (self.ids is None or item.id in self.ids) and all(t(item) for t in self.tests)

    def order(self, items: list[Item]) -> list[Item]:
        """The items sorted by ``_sort`` (stable: ties keep the record's order)."""
        for name, descending in reversed(self.sort):
            items = sorted(items, key=lambda item, n=name: item.sort.get(n) or date.min,
                           reverse=descending)
        return items


def _whole(name: str, value: str, highest: int | None = None) -> int:
    if not value.isdigit():
        raise refuse(_("%(name)s must be a whole number, 0 or more.", name=name), name)
    return min(int(value), highest) if highest is not None else int(value)


def _single(pairs: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in pairs if key == name]
    if len(values) > 1:
        raise refuse(_("Give %(name)s once.", name=name), name)
    return values[0] if values else None


def parse_paging(pairs: list[tuple[str, str]]) -> Paging:
    """``_count`` (default 50, at most 500), ``_offset``, ``_summary`` (count or false;
    any other value refused) and ``_elements``."""
    paging = Paging()
    count = _single(pairs, "_count")
    if count is not None:
        paging.count = _whole("_count", count, MAX_COUNT)
    offset = _single(pairs, "_offset")
    if offset is not None:
        paging.offset = _whole("_offset", offset)
    summary = _single(pairs, "_summary")
    if summary not in (None, "count", "false"):
        raise refuse(_("_summary=%(value)s is not supported here: use _summary=count.",
                       value=summary), "_summary")
    paging.summary_count = summary == "count" or paging.count == 0
    if summary:
        paging.used.append(("_summary", summary))
    elements = _single(pairs, "_elements")
    if elements is not None:
        names = [e.strip() for e in elements.split(",") if e.strip()]
        if not names or not all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", n) for n in names):
            raise refuse(_("_elements names elements, separated by commas."), "_elements")
        paging.elements = names
        paging.used.append(("_elements", ",".join(names)))
    return paging


def parse_instant(name: str, value: str) -> tuple[str, datetime, datetime]:
    """A date parameter's prefix and the [from, to) instants its value covers (a year,
    a month, a day, or a moment to the precision given; local time if no offset)."""
    found = _DATE.match(value)
    if not found or (found["prefix"] and found["prefix"] not in DATE_PREFIXES):
        raise refuse(_("%(name)s takes a date such as 2026-11-25, after a prefix like "
                       "ge, le, gt, lt, eq, ne, sa or eb.", name=name), name)
    text, zone = found["value"], local_zone()
    try:
        if len(text) == 4:
            low = datetime(int(text), 1, 1, tzinfo=zone)
            high = low.replace(year=low.year + 1)
        elif len(text) == 7:
            low = datetime(int(text[:4]), int(text[5:7]), 1, tzinfo=zone)
            high = (low + timedelta(days=32)).replace(day=1)
        elif len(text) == 10:
            low = datetime.combine(date.fromisoformat(text), time(), tzinfo=zone)
            high = low + timedelta(days=1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            low = moment if moment.tzinfo else moment.replace(tzinfo=zone)
            step = {16: timedelta(minutes=1)}.get(len(text.split("+")[0].split("Z")[0]),
                                                  timedelta(seconds=1))
            high = low + step
    except ValueError:
        raise refuse(_("%(name)s: %(value)s is not a date.", name=name, value=value),
                     name) from None
    return found["prefix"] or "eq", low, high


def date_matches(prefix: str, low: datetime, high: datetime,
                 target: tuple[datetime, datetime]) -> bool:
    """FHIR's date comparison of a search range with a target range ([from, to))."""
    start, end = target
    contains = low <= start and end <= high
    return {"eq": contains, "ne": not contains, "gt": end > high, "lt": start < low,
            "ge": end > high or contains, "le": start < low or contains,
            "sa": start >= high, "eb": end <= low}[prefix]


def _token_test(name: str, value: str) -> Callable[[Item], bool]:
    wanted = set()
    for part in value.split(","):
        system, bar, code = part.rpartition("|")
        wanted.add(part if bar and system else code)
    return lambda item: bool(item.values.get(name, set()) & wanted)


def _reference_test(name: str, value: str) -> Callable[[Item], bool]:
    wanted = {part.rsplit("/", 2)[-2] + "/" + part.rsplit("/", 1)[-1] if "/" in part else part
              for part in value.split(",")}
    return lambda item: bool(item.values.get(name, set()) & wanted)


def _date_test(name: str, value: str, updated: bool = False) -> Callable[[Item], bool]:
    prefix, low, high = parse_instant(name, value)

    def test(item: Item) -> bool:
        if updated:
            if item.updated is None:
                return False
            target = (item.updated, item.updated + timedelta(microseconds=1))
        else:
            target = item.dates.get(name)
            if target is None:
                return False
        return date_matches(prefix, low, high, (target[0], min(target[1], FAR_FUTURE)))
    return test


def patient_id(value: str, name: str = "patient") -> uuid.UUID:
    """The user a ``patient`` reference names: ``<id>``, ``Patient/<id>`` or its URL."""
    raw = value.rsplit("/Patient/", 1)[-1] if "/Patient/" in value else value
    raw = raw.removeprefix("Patient/")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise refuse(_("Give the id of one patient: patient=<id>."), name) from None


def parse_record_search(kind: str, pairs: list[tuple[str, str]], strict: bool) -> Criteria:
    """A search of one type of a user's record: ``patient`` (or ``_id``), the type's own
    parameters, ``_lastUpdated``, ``_sort``, ``_include`` of the patient, and paging."""
    criteria = Criteria(paging=parse_paging(pairs))
    own = PARAMETERS[kind]
    unknown = []
    for name, value in pairs:
        base, _colon, modifier = name.partition(":")
        if name in ("_count", "_offset", "_summary", "_elements", "_format"):
            continue
        if modifier or (base not in own and base not in COMMON and base != "patient"):
            unknown.append(name)
        elif name == "patient":
            if criteria.patient is not None or "," in value:
                raise refuse(_("Give one patient, once: patient=<id>."), "patient")
            criteria.patient = patient_id(value)
            criteria.used.append((name, value))
        elif name == "_id":
            ids = {part.strip() for part in value.split(",") if part.strip()}
            criteria.ids = ids if criteria.ids is None else criteria.ids & ids
            criteria.used.append((name, value))
        elif name == "_sort":
            keys = [(key.lstrip("-"), key.startswith("-")) for key in value.split(",") if key]
            known = [(key, down) for key, down in keys if key in SORTS.get(kind, ())]
            unknown += [f"_sort={key}" for key, _down in keys if key not in SORTS.get(kind, ())]
            if known:
                criteria.sort = known
                criteria.used.append((name, ",".join(("-" if d else "") + k for k, d in known)))
        elif name == "_include":
            if value in (f"{kind}:patient", f"{kind}:subject"):
                criteria.include_patient = True
                criteria.used.append((name, value))
            else:
                unknown.append(f"_include={value}")
        elif name == "_lastUpdated":
            criteria.tests.append(_date_test(name, value, updated=True))
            criteria.used.append((name, value))
        else:
            make = {"token": _token_test, "reference": _reference_test,
                    "date": _date_test}[own[base]]
            criteria.tests.append(make(base, value))
            criteria.used.append((name, value))
    if strict and unknown:
        raise refuse_unknown(unknown)
    if criteria.patient is None and criteria.ids is None:
        raise refuse(_("Give the id of one patient: patient=<id>."), "patient")
    return criteria


def subset(resource: dict, elements: list[str]) -> dict:
    """The resource with only the elements asked for, and those it cannot be without;
    marked SUBSETTED."""
    keep = {"resourceType", "id", "meta", *elements, *MANDATORY.get(resource["resourceType"], ())}
    found = {key: value for key, value in resource.items()
             if key in keep or key.lstrip("_") in keep}
    meta = dict(found.get("meta") or {})
    meta["tag"] = [*meta.get("tag", []), SUBSETTED]
    found["meta"] = meta
    return found


@dataclass
class Page:
    """One page of a search: its items, the total, and the links' parameters."""

    items: list[Item]
    total: int
    paging: Paging
    used: list[tuple[str, str]]


def page(items: list[Item], paging: Paging, used: list[tuple[str, str]]) -> Page:
    """The page ``_offset``/``_count`` asks for (none under ``_summary=count``)."""
    chosen = [] if paging.summary_count else items[paging.offset:paging.offset + paging.count]
    return Page(chosen, len(items), paging, used)


def links(found: Page, base: str, path: str, extra: list[tuple[str, str]] = ()
          ) -> list[dict]:
    """``self``, ``first``, ``previous``, ``next`` and ``last`` for a page, each with
    exactly the parameters used."""
    from homecare.fhir.links import link

    paging = found.paging
    params = [*found.used, *extra, *paging.used]

    def at(offset: int) -> str:
        tail = [("_count", str(paging.count))] + ([("_offset", str(offset))] if offset else [])
        return link(base, path, params + tail)

    result = [{"relation": "self", "url": at(paging.offset)}]
    if paging.summary_count or paging.count == 0:
        return result
    last = max(0, (found.total - 1) // paging.count * paging.count)
    result.append({"relation": "first", "url": at(0)})
    if paging.offset > 0:
        result.append({"relation": "previous", "url": at(max(0, paging.offset - paging.count))})
    if paging.offset + paging.count < found.total:
        result.append({"relation": "next", "url": at(paging.offset + paging.count)})
    result.append({"relation": "last", "url": at(last)})
    return result
