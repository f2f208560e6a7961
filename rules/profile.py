"""The enterprise profile: the facts the rules are judged on (CONTRACT §4), validated at the edge.

Every field is optional; a missing field is an *unknown* fact, which the engine treats as
"could go either way". A handful of extension fields and ids (marked ``ext``) let clauses
that the contract's fields cannot express still be judged; they are added, never replacing
a contract name.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt, field_validator
from pydantic_core import PydanticCustomError

from rules.ranges import FigureRange
from rules.vocabulary import default_vocabulary

YUZHONG = "渝中区"
_VOCABULARY = default_vocabulary()  # rules/data/vocabulary.yaml
OUTSIDE_CHONGQING = _VOCABULARY.districts.outside

#: The 38 districts and counties of Chongqing plus the three development zones that register
#: enterprises themselves (两江新区, 西部科学城重庆高新区, 万盛经开区).
CHONGQING_DISTRICTS: tuple[str, ...] = _VOCABULARY.districts.chongqing
CENTRAL_DISTRICTS: tuple[str, ...] = _VOCABULARY.districts.central  # 中心城区 (CONTRACT §2)
DISTRICTS: tuple[str, ...] = _VOCABULARY.all_districts

CERTIFICATIONS: tuple[str, ...] = tuple(_VOCABULARY.certifications)
#: Contract activity ids first, then the extension ids (ext) used by clauses the contract's
#: ids cannot express.
CONTRACT_ACTIVITIES: tuple[str, ...] = tuple(k for k, v in _VOCABULARY.activities.items() if v.contract)
EXTENSION_ACTIVITIES: tuple[str, ...] = tuple(k for k, v in _VOCABULARY.activities.items() if not v.contract)
ACTIVITIES: tuple[str, ...] = CONTRACT_ACTIVITIES + EXTENSION_ACTIVITIES
#: id -> the ids it implies (a first-version media product is a first-version software product)
IMPLIED_ACTIVITIES: dict[str, tuple[str, ...]] = {
    k: v.implies for k, v in _VOCABULARY.activities.items() if v.implies}

EVENT_KINDS: tuple[str, ...] = _VOCABULARY.choices["event_kinds"]
EVENT_LEVELS: tuple[str, ...] = _VOCABULARY.choices["event_levels"]
PLATFORM_LEVELS: tuple[str, ...] = _VOCABULARY.choices["platform_levels"]

#: A figure is exact, or known only as a range (``2000多万``: CONTRACT §6 ``answers``), which the
#: engine compares three-valued (rules/ranges.py).
Amount = Annotated[NonNegativeFloat, Field(allow_inf_nan=False, le=1e13)] | FigureRange
Count = Annotated[NonNegativeInt, Field(le=10_000_000)] | FigureRange


class Event(BaseModel):
    """One event the enterprise hosted in the last year (any key may be missing)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    kind: Literal[EVENT_KINDS] | None = None  # type: ignore[valid-type]
    level: Literal[EVENT_LEVELS] | None = None  # type: ignore[valid-type]
    location_district: str | None = None
    regular: bool | None = None
    cohosted_with_district: bool | None = None
    attendees: Count | None = None
    teams: Count | None = None
    cost_cny: Amount | None = None
    venue_and_lodging_cost_cny: Amount | None = None

    @field_validator("location_district")
    @classmethod
    def _known_district(cls, value: str | None) -> str | None:
        return _check_district(value)


def _check_district(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if value in DISTRICTS:
        return value
    for name in CHONGQING_DISTRICTS:  # "渝中" → "渝中区", "石柱县" → the autonomous county
        if name.startswith(value.rstrip("区县")) and len(value.rstrip("区县")) >= 2:
            return name
    raise PydanticCustomError(
        "unknown_district",
        "'{value}' is not a Chongqing district; accepted: a district or county of Chongqing "
        "(e.g. 渝中区, 江北区, 两江新区) or 'outside_chongqing'",
        {"value": value},
    )


def _check_ids(values: list[str] | None, allowed: tuple[str, ...], what: str) -> list[str] | None:
    if values is None:
        return None
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise PydanticCustomError(
            "unknown_id",
            "unknown {what} id '{value}'; accepted: {accepted}",
            {"what": what, "value": unknown[0], "accepted": ", ".join(allowed)},
        )
    return list(dict.fromkeys(values))


class Profile(BaseModel):
    """What we know about one enterprise. ``None`` means unknown."""

    model_config = ConfigDict(extra="forbid", strict=True)

    district: str | None = None
    is_software_enterprise: bool | None = None
    revenue_cny: Amount | None = None
    revenue_prev_cny: Amount | None = None
    software_revenue_cny: Amount | None = None
    software_revenue_prev_max_cny: Amount | None = None
    software_staff: Count | None = None
    software_staff_prev_max: Count | None = None
    certifications: list[str] | None = None
    new_certifications: list[str] | None = None
    activities: list[str] | None = None
    rnd_reserve_system: bool | None = None
    rnd_expense_cny: Amount | None = None
    rnd_expense_prev_cny: Amount | None = None
    compute_spend_cny: Amount | None = None
    events: list[Event] | None = None
    invention_patents: Count | None = None
    blockchain_invention_patents: Count | None = None
    newly_settled: bool | None = None
    moved_within_chongqing: bool | None = None
    informatisation_investment_cny: Amount | None = None
    # extension fields (ext)
    platform_level: Literal[PLATFORM_LEVELS] | None = None  # type: ignore[valid-type]
    maas_enterprises_served: Count | None = None
    online_platform_investment_cny: Amount | None = None
    refinancing_amount_cny: Amount | None = None
    as_of: dt.date | None = None

    @field_validator("district")
    @classmethod
    def _known_district(cls, value: str | None) -> str | None:
        return _check_district(value)

    @field_validator("certifications", "new_certifications")
    @classmethod
    def _known_certifications(cls, value: list[str] | None) -> list[str] | None:
        return _check_ids(value, CERTIFICATIONS, "certification")

    @field_validator("activities")
    @classmethod
    def _known_activities(cls, value: list[str] | None) -> list[str] | None:
        return _check_ids(value, ACTIVITIES, "activity")

    def facts(self) -> dict[str, object]:
        """The known facts as a plain dict (unknown facts absent), ready for the engine.

        ``new_certifications`` implies held: they are added to ``certifications`` when that
        list is known. An activity adds the ones it implies (``IMPLIED_ACTIVITIES``).
        """
        data = self.model_dump(exclude_none=True, exclude={"as_of"})
        for name in _RANGE_FIELDS:  # keep ranges as FigureRange for the engine's comparisons
            if isinstance(value := getattr(self, name), FigureRange):
                data[name] = value
        if self.events:
            for index, event in enumerate(self.events):
                for name in _EVENT_RANGE_FIELDS:
                    if isinstance(value := getattr(event, name), FigureRange):
                        data["events"][index][name] = value
        new = data.get("new_certifications")
        held = data.get("certifications")
        if new and held is not None:
            data["certifications"] = list(dict.fromkeys([*held, *new]))
        done = data.get("activities")
        if done and any(a in IMPLIED_ACTIVITIES for a in done):
            data["activities"] = list(dict.fromkeys([*done, *(i for a in done for i in IMPLIED_ACTIVITIES.get(a, ()))]))
        return data


_RANGE_FIELDS = tuple(name for name, info in Profile.model_fields.items() if "FigureRange" in str(info.annotation))
_EVENT_RANGE_FIELDS = tuple(name for name, info in Event.model_fields.items() if "FigureRange" in str(info.annotation))
