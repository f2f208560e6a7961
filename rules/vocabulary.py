"""The ids and facts rules and profiles may use, from ``rules/data/vocabulary.yaml`` and ``facts.yaml``,
and the check that every rule condition and formula uses only them.

A typo in a condition (``moved_into_demo_buildin``), a fact no profile has, or a comparison that
does not fit the fact (``has`` on a number, ``gt`` on a title) would otherwise make a rule silently
never match; the loader calls :func:`rule_problems` and fails naming the file and the rule.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rules.schema import EVENT_PREFIX, NUMERIC_OPS, Leaf, Rule, formula_facts, iter_leaves

DATA_DIR = Path(__file__).parent / "data"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class VocabularyError(ValueError):
    """The vocabulary or fact data is malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Districts(_Strict):
    chongqing: tuple[str, ...] = Field(min_length=1)
    central: tuple[str, ...] = Field(min_length=1)
    outside: str

    @model_validator(mode="after")
    def _central_in_chongqing(self) -> Districts:
        stray = set(self.central) - set(self.chongqing)
        if stray:
            raise ValueError(f"central districts not in chongqing: {sorted(stray)}")
        return self


class IdInfo(_Strict):
    contract: bool = False  # named by CONTRACT §4 (outside checks use it)
    implies: tuple[str, ...] = ()  # ids this one implies (media first version → first version)


class Vocabulary(_Strict):
    districts: Districts
    certifications: dict[str, IdInfo]
    activities: dict[str, IdInfo]
    choices: dict[str, tuple[str, ...]]

    @model_validator(mode="after")
    def _implications_known(self) -> Vocabulary:
        for group in (self.certifications, self.activities):
            for name, info in group.items():
                unknown = set(info.implies) - set(group)
                if unknown:
                    raise ValueError(f"{name} implies unknown ids {sorted(unknown)}")
        return self

    @functools.cached_property
    def all_districts(self) -> tuple[str, ...]:
        return (*self.districts.chongqing, self.districts.outside)

    def values(self, name: str) -> tuple[str, ...]:
        """The ids of one vocabulary: ``certifications``, ``activities``, ``districts`` or a choice list."""
        if name == "districts":
            return self.all_districts
        if name in ("certifications", "activities"):
            return tuple(getattr(self, name))
        return self.choices[name]


class FactInfo(_Strict):
    """How a fact is compared, shown, and how far a near miss may reach for it."""

    unit: str  # cny | count | bool | ids | district | choice | events
    values: str | None = None  # the vocabulary an ids / choice fact's values come from
    near_miss: float | None = None  # relative gap still "within reach" for numeric thresholds
    actionable: bool = False  # a title / activity / flag the enterprise could still obtain
    at_most: str | None = None  # another fact this one can never exceed (a part of a whole)


class FactTable(_Strict):
    facts: dict[str, FactInfo]
    event: dict[str, FactInfo]


def _read(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise VocabularyError(f"{path.name}: {exc}") from None


def load_vocabulary(data_dir: Path = DATA_DIR) -> Vocabulary:
    try:
        return Vocabulary.model_validate(_read(data_dir / "vocabulary.yaml"))
    except ValidationError as exc:
        raise VocabularyError(f"vocabulary.yaml: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None


def load_facts(data_dir: Path = DATA_DIR) -> FactTable:
    try:
        return FactTable.model_validate(_read(data_dir / "facts.yaml"))
    except ValidationError as exc:
        raise VocabularyError(f"facts.yaml: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None


@functools.cache
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()


# --- checking rules against the vocabulary ------------------------------------------------------

OPS_BY_UNIT = {
    "cny": NUMERIC_OPS | {"gt_fact"},
    "count": NUMERIC_OPS | {"gt_fact"},
    "bool": frozenset({"is"}),
    "ids": frozenset({"has", "has_any", "has_none"}),
    "district": frozenset({"eq", "ne", "in"}),
    "choice": frozenset({"eq", "ne", "in"}),
    "events": frozenset(),
}


def _fact(name: str, table: FactTable, per_event: bool) -> tuple[FactInfo | None, str | None]:
    if name.startswith(EVENT_PREFIX):
        if not per_event:
            return None, f"event fact {name!r} outside a `for_each: events` rule"
        info = table.event.get(name[len(EVENT_PREFIX):])
    else:
        info = table.facts.get(name)
    return info, None if info else f"unknown fact {name!r}"


def _value_problem(leaf: Leaf, info: FactInfo, vocabulary: Vocabulary, table: FactTable,
                   per_event: bool) -> str | None:
    value = leaf.value
    if leaf.op == "gt_fact":
        other, problem = _fact(value, table, per_event) if isinstance(value, str) else (None, "not a fact")
        return problem or (None if other and other.unit in ("cny", "count") else f"{value!r} is not a figure")
    if leaf.op in NUMERIC_OPS:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"{value!r} is not a number"
    if leaf.op == "is":
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    values = [value] if leaf.op in ("has", "eq", "ne") else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        return f"{value!r} is not {'an id' if leaf.op in ('has', 'eq', 'ne') else 'a list of ids'}"
    allowed = vocabulary.values("districts" if info.unit == "district" else info.values or "")
    unknown = [v for v in values if v not in allowed]
    return f"unknown {info.values or 'district'} id {unknown[0]!r}" if unknown else None


def leaf_problem(leaf: Leaf, vocabulary: Vocabulary, table: FactTable, per_event: bool) -> str | None:
    """Why one comparison cannot be judged as written, or ``None``."""
    info, problem = _fact(leaf.fact, table, per_event)
    if problem or info is None:
        return problem
    if leaf.op not in OPS_BY_UNIT[info.unit]:
        return f"operator {leaf.op!r} does not apply to {leaf.fact!r} ({info.unit})"
    return _value_problem(leaf, info, vocabulary, table, per_event)


def rule_problems(rule: Rule, vocabulary: Vocabulary, table: FactTable) -> list[str]:
    """Every condition leaf and formula input of ``rule`` that the vocabulary does not know."""
    per_event = rule.for_each == "events"
    problems = []
    for leaf in iter_leaves(rule.conditions):
        problem = leaf_problem(leaf, vocabulary, table, per_event)
        if problem:
            problems.append(f"condition [{leaf.fact}, {leaf.op}, {leaf.value}]: {problem}")
    for name in formula_facts(rule.formula):
        info, problem = _fact(name, table, per_event)
        if problem or (info and info.unit not in ("cny", "count")):
            problems.append(f"formula: {problem or f'{name!r} is not a figure'}")
    return problems
