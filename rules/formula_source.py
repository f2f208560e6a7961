"""Formulas as Python source, for the generated rule kernels (:mod:`rules.kernels`).

For inputs known exactly (no unknown, no range) a percentage, per-unit, sum or tiers formula is
written out as statements that set ``amount``, doing the very float operations of
:func:`rules.formulas.compile_formula`'s closures in the same order; any other input takes the
formula as :func:`rules.formulas.remembered_formula` made it, ``AMOUNT_OF`` (upper bounds over
unknowns, ranges). Fixed, capped and unspecified
formulas are one shared constant and need no source.
"""

from __future__ import annotations

from rules.conditions import EVENT_PREFIX
from rules.formulas import formula_inputs
from rules.schema import Expr, Fixed, Formula, Percentage, PerUnit, Sum, Tiers


def _expr(expr: Expr, variables: dict[str, str]) -> str:
    if isinstance(expr, int | float):
        return repr(float(expr))
    if isinstance(expr, str):
        return f"float({variables[expr]})"
    (op, args), = expr.items()
    parts = [_expr(arg, variables) for arg in args]
    if op == "sub":
        return f"({parts[0]} - {parts[1]})"
    return f"{op}([{', '.join(parts)}])"  # min / max, as the closures call them


def _part(part: Percentage | PerUnit | Fixed, variables: dict[str, str]) -> str:
    if isinstance(part, Fixed):
        return repr(part.amount)
    base = _expr(part.base if isinstance(part, Percentage) else part.count, variables)
    factor = part.rate if isinstance(part, Percentage) else part.amount_per_unit
    value = f"max({base}, 0.0) * {factor!r}"
    return value if part.cap is None else f"min({value}, {part.cap!r})"


def _computed(formula: Percentage | PerUnit | Sum, variables: dict[str, str]) -> str:
    if isinstance(formula, Sum):
        whole = f"sum([{', '.join(_part(part, variables) for part in formula.parts)}])"
    else:
        whole = _part(formula, variables)
    return whole if formula.cap is None else f"min({whole}, {formula.cap!r})"


def amount_lines(formula: Formula) -> list[str] | None:
    """Statements setting ``amount`` (reading get, event, event_index, facts, Amount, AMOUNT_OF,
    bisect_right and, for tiers, TIER_LOWS / TIERS; setting only ``amount`` and the ``x*``, ``figure``,
    ``base``, ``index`` and ``tier`` locals); ``None`` for a constant formula."""
    if not isinstance(formula, Percentage | PerUnit | Sum | Tiers):
        return None
    names = formula_inputs(formula)
    variables = {name: f"x{index}" for index, name in enumerate(names)}
    lines = []
    for name, variable in variables.items():
        if name.startswith(EVENT_PREFIX):
            lines.append(f"{variable} = None if event is None else event.get({name.removeprefix(EVENT_PREFIX)!r})")
        else:
            lines.append(f"{variable} = get({name!r})")
    unsure = " or ".join(f"{v} is None or {v}.__class__ is FigureRange" for v in variables.values())
    lines += [f"if {unsure}:", "    amount = AMOUNT_OF(facts, event, event_index)", "else:"]
    if isinstance(formula, Tiers):
        top = formula.tiers[-1].max
        beyond = "" if top is None else f" or base >= {top!r}"
        lines += [f"    base = float({variables[formula.base]})",
                  "    index = bisect_right(TIER_LOWS, base) - 1",
                  f"    if index < 0{beyond}:",
                  "        amount = Amount(0, [], False, None, base)",
                  "    else:",
                  "        tier = TIERS[index]",
                  "        amount = Amount(tier.amount, [], True, tier, base)"]
    else:
        lines += [f"    figure = {_computed(formula, variables)}",
                  "    amount = Amount(round(figure, 2), [], figure > 0)"]
    return lines
