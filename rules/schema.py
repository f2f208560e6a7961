"""The shape of the policy data: documents, clause records, conditions and formulas.

One YAML file per document under ``rules/data/``. Each rule record puts its citation, its
effective window, its conditions and its formula side by side, the way OpenFisca puts a
``reference:`` next to every parameter. Everything is validated here when the data loads;
the engine then trusts the types.

Conditions are written compactly as ``[fact, op, value]`` triples combined with
``all`` / ``any`` / ``not``; a plain list means ``all``. Facts inside an ``for_each: events``
rule may be ``event.<key>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from typing_extensions import TypeAliasType

Locale = Literal["zh-CN", "en"]
Level = Literal["district", "municipal"]
Benefit = Literal["cash", "subsidy", "loan", "support", "none"]
Beneficiary = Literal[
    "enterprise", "individual", "district_government", "park_operator", "institution",
    "association", "none",
]
Op = Literal[
    "eq", "ne", "in", "gte", "gt", "lte", "lt", "gt_fact", "is", "has", "has_any", "has_none",
]
NUMERIC_OPS = frozenset({"gte", "gt", "lte", "lt"})
EVENT_PREFIX = "event."  # facts of the event in scope in a `for_each: events` rule


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A short text in both locales."""

    zh: str = Field(alias="zh-CN", min_length=1)
    en: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


class Window(Strict):
    """Effective window, both ends inclusive; ``None`` = open."""

    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="to")

    def status_on(self, day: dt.date) -> Literal["in_force", "expired", "not_yet_in_force"]:
        if self.start is not None and day < self.start:
            return "not_yet_in_force"
        if self.end is not None and day > self.end:
            return "expired"
        return "in_force"


class Leaf(Strict):
    """One comparison of a fact with a value (or, for ``gt_fact``, with another fact)."""

    fact: str
    op: Op
    value: object


class AllOf(Strict):
    all: list[Condition]


class AnyOf(Strict):
    any: list[Condition]


class NotOf(Strict):
    not_: Condition = Field(alias="not")


Condition = Annotated[Leaf | AllOf | AnyOf | NotOf, Field(union_mode="left_to_right")]


def iter_leaves(condition: Condition | None) -> Iterator[Leaf]:
    """Every comparison in a condition tree, depth first, left to right (``None``: none)."""
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for part in condition.all if isinstance(condition, AllOf) else condition.any:
            yield from iter_leaves(part)
    elif isinstance(condition, NotOf):
        yield from iter_leaves(condition.not_)


def _conditions_from_yaml(node: object) -> object:
    """Turn the compact YAML form (triples, plain lists) into the models' dict form."""
    if isinstance(node, list) and len(node) == 3 and isinstance(node[0], str) and isinstance(node[1], str):
        return {"fact": node[0], "op": node[1], "value": node[2]}
    if isinstance(node, list):
        return {"all": [_conditions_from_yaml(n) for n in node]}
    if isinstance(node, dict) and len(node) == 1:
        (key, value), = node.items()
        if key in ("all", "any"):
            return {key: [_conditions_from_yaml(n) for n in value]}
        if key == "not":
            return {"not": _conditions_from_yaml(value)}
    return node


# --- formulas -----------------------------------------------------------------------------

#: number | fact | {min|max|sub: [a, b]}
Expr = TypeAliasType("Expr", float | str | dict[str, list["Expr"]])


class Fixed(Strict):
    kind: Literal["fixed"]
    amount: float


class Capped(Strict):
    """"最高不超过 N": any amount up to the cap; ``floor`` where the text gives a range."""

    kind: Literal["capped"]
    cap: float
    floor: float | None = None


class Percentage(Strict):
    kind: Literal["percentage"]
    rate: float = Field(gt=0, le=1)
    base: Expr
    cap: float | None = None


def expr_facts(expr: Expr | None) -> Iterator[str]:
    """The fact names an expression reads."""
    if isinstance(expr, str):
        yield expr
    elif isinstance(expr, dict):
        for args in expr.values():
            for arg in args:
                yield from expr_facts(arg)


class Tier(Strict):
    min: float
    max: float | None = None  # exclusive; None = no upper bound
    amount: float
    excerpt: str | None = None  # the span of the rule's quote this tier rests on (see Rule.excerpt)


class Tiers(Strict):
    kind: Literal["tiers"]
    base: str
    tiers: list[Tier] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered_and_contiguous(self) -> Tiers:
        for lower, upper in zip(self.tiers, self.tiers[1:], strict=False):
            if lower.max != upper.min:
                raise ValueError(f"tiers must be contiguous and ascending: {lower.max} then {upper.min}")
        return self


class PerUnit(Strict):
    kind: Literal["per_unit"]
    amount_per_unit: float
    count: Expr
    cap: float | None = None


class Sum(Strict):
    kind: Literal["sum"]
    parts: list[Percentage | PerUnit | Fixed] = Field(min_length=1)
    cap: float | None = None


class Unspecified(Strict):
    """No amount fixed by the text (择优给予奖励, 给予一定支持, a loan, …)."""

    kind: Literal["unspecified"]
    limit_cny: float | None = None  # e.g. the loan ceiling, shown but never summed


Formula = Annotated[
    Fixed | Capped | Percentage | Tiers | PerUnit | Sum | Unspecified, Field(discriminator="kind")
]


def formula_facts(formula: Formula) -> Iterator[str]:
    """The fact names a formula reads (tier base, percentage base, per-unit count, sum parts)."""
    if isinstance(formula, Tiers):
        yield formula.base
    for part in formula.parts if isinstance(formula, Sum) else [formula]:
        if isinstance(part, Percentage):
            yield from expr_facts(part.base)
        elif isinstance(part, PerUnit):
            yield from expr_facts(part.count)


def is_excerpt_of(excerpt: str, quote: str) -> bool:
    """``excerpt`` is one or more verbatim pieces of ``quote``, in order, joined by "…"."""
    position = 0
    for piece in excerpt.split(EXCERPT_GAP):
        found = quote.find(piece, position) if piece else -1
        if found < 0:
            return False
        position = found + len(piece)
    return True


EXCERPT_GAP = "…"


# --- records ------------------------------------------------------------------------------


class Rule(Strict):
    rule_id: str
    clause_id: str
    article: str
    quote: str = Field(min_length=4)
    #: the span of ``quote`` that decides the award: verbatim pieces of it, in order, joined by "…"
    excerpt: str | None = None
    title: Text
    summary: Text
    beneficiary: Beneficiary
    responsible_unit: str | None = None
    effective: Window | None = None  # None: the document's window
    conditions: Condition | None = None
    formula: Formula
    benefit: Benefit
    rewards: str | None = None  # stacking subject; None: the rule is its own subject
    for_each: Literal["events"] | None = None
    caveats: list[str] = []
    readings: list[str] = []

    @field_validator("conditions", mode="before")
    @classmethod
    def _compact_conditions(cls, value: object) -> object:
        return _conditions_from_yaml(value) if value is not None else None

    @model_validator(mode="after")
    def _ids_agree(self) -> Rule:
        if self.rule_id != self.clause_id and not self.rule_id.startswith(self.clause_id + "#"):
            raise ValueError(f"rule_id {self.rule_id!r} must be {self.clause_id!r} or {self.clause_id!r}#…")
        if self.beneficiary == "enterprise" and self.conditions is None:
            raise ValueError("a rule an enterprise can claim needs conditions")
        tiers = self.formula.tiers if isinstance(self.formula, Tiers) else []
        for where, excerpt in [("excerpt", self.excerpt), *((f"tier {t.min:g}", t.excerpt) for t in tiers)]:
            if excerpt is not None and not is_excerpt_of(excerpt, self.quote):
                raise ValueError(f"{where}: {excerpt!r} is not verbatim pieces of the quote, in order")
        return self


class Provision(Strict):
    """A numbered item that is not a support measure (scope, stacking, entry into force …)."""

    label: str
    quote: str
    summary: Text


class Document(Strict):
    key: str
    number: str
    title: Text
    level: Level
    issuer: str
    effective: Window
    stacking_quote: str | None = None
    provisions: list[Provision] = []


class DocumentFile(Strict):
    document: Document
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules_belong(self) -> DocumentFile:
        seen: set[str] = set()
        for rule in self.rules:
            if not rule.clause_id.startswith(self.document.key + "-"):
                raise ValueError(f"{rule.rule_id}: clause id must start with {self.document.key}-")
            if rule.rule_id in seen:
                raise ValueError(f"{rule.rule_id}: duplicate rule_id")
            seen.add(rule.rule_id)
        return self
