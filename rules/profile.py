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

YUZHONG = "渝中区"
OUTSIDE_CHONGQING = "outside_chongqing"

#: The 38 districts and counties of Chongqing plus the three development zones that register
#: enterprises themselves (两江新区, 西部科学城重庆高新区, 万盛经开区).
CHONGQING_DISTRICTS: tuple[str, ...] = (
    "渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区",
    "万州区", "黔江区", "涪陵区", "綦江区", "大足区", "长寿区", "江津区", "合川区", "永川区",
    "南川区", "璧山区", "铜梁区", "潼南区", "荣昌区", "开州区", "梁平区", "武隆区",
    "城口县", "丰都县", "垫江县", "忠县", "云阳县", "奉节县", "巫山县", "巫溪县",
    "石柱土家族自治县", "秀山土家族苗族自治县", "酉阳土家族苗族自治县", "彭水苗族土家族自治县",
    "两江新区", "西部科学城重庆高新区", "万盛经开区",
)
DISTRICTS: tuple[str, ...] = CHONGQING_DISTRICTS + (OUTSIDE_CHONGQING,)

CERTIFICATIONS: tuple[str, ...] = (
    "national_key_software",
    "national_little_giant",
    "municipal_key_software",
    "beidouxing",
    "qimingxing",
    "municipal_specialized_sme",
    "high_tech_enterprise",
    "genai_model_filing",
    "openharmony_certificate",
)

#: Contract activity ids first, then the extension ids (ext) used by clauses the contract's
#: ids cannot express.
CONTRACT_ACTIVITIES: tuple[str, ...] = (
    "ai_agent_development",
    "digital_twin_development",
    "ai_consumer_hardware",
    "first_version_software_media",
    "industrial_software_rnd",
    "automotive_software_rnd",
    "satellite_beidou_software",
    "scenario_challenge_winner",
    "compute_infrastructure",
    "maas_platform",
    "public_service_platform",
    "open_source_project",
    "chain_project",
)
EXTENSION_ACTIVITIES: tuple[str, ...] = (
    "moved_into_demo_building",  # ext: newly moved into a 满天星 demonstration building
    "industry_brain_operation",  # ext: operates 产业大脑 / 未来工厂 for the district
    "digital_content_platform",  # ext: builds a shared digital-content / cultural-creative platform
    "industry_academia_project",  # ext: 产学研合作 science and technology project
    "core_software_breakthrough",  # ext: core-technology breakthrough with software copyright
    "industrial_internet_national_project",  # ext: 工业互联网 platform selected as a national project
    "industrial_internet_municipal_project",  # ext: … selected as a municipal project
    "online_platform_project",  # ext: online platform project (上云/上平台) with investment
    "star_market_listing",  # ext: listed on the STAR market (科创板)
    "listed_refinancing",  # ext: listed company raised follow-on capital
    "new_key_technology_project",  # ext: key core-technology project by 揭榜挂帅/赛马 (CQ2022)
    "graduate_founder_startup",  # ext: small/micro software firm run by a first-time graduate founder
    "new_track_business",  # ext: AI / metaverse / space-information new-track business
    "rnd_team_30pct_50plus",  # ext: R&D staff over 30% of employees and at least 50 people
)
ACTIVITIES: tuple[str, ...] = CONTRACT_ACTIVITIES + EXTENSION_ACTIVITIES

EVENT_KINDS = ("conference", "competition")
EVENT_LEVELS = ("national", "municipal", "other")
PLATFORM_LEVELS = ("national", "municipal", "other")

#: A figure is exact, or known only as a range (``2000多万``: CONTRACT §6 ``answers``), which the
#: engine compares three-valued (rules/ranges.py).
Amount = Annotated[NonNegativeFloat, Field(allow_inf_nan=False, le=1e13)] | FigureRange
Count = Annotated[NonNegativeInt, Field(le=10_000_000)] | FigureRange


class Event(BaseModel):
    """One event the enterprise hosted in the last year (any key may be missing)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    kind: Literal["conference", "competition"] | None = None
    level: Literal["national", "municipal", "other"] | None = None
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
    # extension fields (ext)
    platform_level: Literal["national", "municipal", "other"] | None = None
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
        list is known.
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
        return data


_RANGE_FIELDS = tuple(name for name, info in Profile.model_fields.items() if "FigureRange" in str(info.annotation))
_EVENT_RANGE_FIELDS = tuple(name for name, info in Event.model_fields.items() if "FigureRange" in str(info.annotation))
