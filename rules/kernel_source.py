"""Generated rule kernels: a rule's judgement written out as Python source, compiled once per ruleset.

The source does what :func:`rules.kernels.interpreted_kernel` does for the same rule, without its
loops over leaves, tuples per outcome and calls per condition node: each leaf's test is written out
(membership and comparisons on a known value inline, the compiled leaf ``T{i}`` only where another
fact may settle an unknown one), then the amount (:mod:`rules.formula_source`), the status and the
match. A plain ``all`` keeps the interpreted order and shortcuts: decisive leaves first, gates only
when the screen left them unsettled, a second failure or a failure with something unknown shuts the
rule at once. Nested ``all``/``any`` conditions evaluate every leaf once, then each node's value;
a condition with ``not`` keeps its interpreted kernel.

Still generic: the generator knows condition operators and formula kinds, never a clause.
``generated_source`` shows what it writes for a rule.
"""

from __future__ import annotations

import bisect
import itertools
from types import CodeType
from typing import TYPE_CHECKING

from rules.conditions import (
    EVENT_PREFIX,
    PYTHON_OPERATORS,
    compile_leaf,
    leaf_missing,
    missing_fact,
    wanted_items,
)
from rules.formula_source import amount_lines
from rules.formulas import Amount, remembered_formula
from rules.kernels import NO_EVENT, Kernel, missing_of, near_misses_by_leaf
from rules.loader import Ruleset
from rules.near_misses import below_lowest_tier, next_tier
from rules.ranges import FigureRange, compare_figures
from rules.results import Match
from rules.schema import AllOf, AnyOf, Condition, Leaf, NotOf, Tiers, iter_leaves

if TYPE_CHECKING:
    from rules.compiled import CompiledRule

def can_generate(compiled: CompiledRule) -> bool:
    """A plain ``all`` of leaves, or nested ``all``/``any`` without ``not``."""
    return compiled.flat is not None or not any(isinstance(node, NotOf) for node in _nodes(compiled.rule.conditions))


def _nodes(cond: Condition) -> list[Condition]:
    if isinstance(cond, AllOf | AnyOf):
        return [cond, *itertools.chain.from_iterable(_nodes(part) for part in _parts(cond))]
    return [cond, *(_nodes(cond.not_) if isinstance(cond, NotOf) else [])]


def _parts(cond: AllOf | AnyOf) -> list[Condition]:
    return cond.all if isinstance(cond, AllOf) else cond.any


MEMBERSHIP = ("has", "has_any", "has_none")


def leaf_constant(leaf: Leaf) -> object:
    """What a leaf's written-out test compares with: the items it looks for, or its value."""
    return wanted_items(leaf) if leaf.op in MEMBERSHIP else leaf.value


def known_value_test_lines(leaf: Leaf, constant: str, target: str) -> list[str] | None:
    """Source that sets ``target`` to the leaf's test on the known (not None) value ``a`` of its fact,
    as :func:`rules.conditions.compile_leaf` would (``constant``: the name holding :func:`leaf_constant`);
    ``None`` for a comparison of two facts."""
    if leaf.op in MEMBERSHIP:
        return [f"{target} = {constant}.isdisjoint(a) is {leaf.op == 'has_none'}"]
    if leaf.op in PYTHON_OPERATORS:
        return ["if a.__class__ is FigureRange:", f"    {target} = compare_figures(a, {leaf.op!r}, {constant})",
                "else:", f"    {target} = a {PYTHON_OPERATORS[leaf.op]} {constant}"]
    return None


def _leaf_test_lines(index: int, leaf: Leaf, target: str = "t") -> list[str]:
    """Source that sets ``target`` to the leaf's three-valued test: written out on a known value; the
    compiled leaf ``T{index}`` when the value is unknown (another fact may settle it: an implied title,
    a bounded part) and for a comparison of two facts."""
    known = known_value_test_lines(leaf, f"V{index}", target)
    if known is None:
        return [f"{target} = T{index}(facts, event)"]
    if leaf.op in MEMBERSHIP or not leaf.fact.startswith(EVENT_PREFIX):  # membership reads the profile list
        read = f"a = get({leaf.fact!r})"
    else:
        read = f"a = None if event is None else event.get({leaf.fact.removeprefix(EVENT_PREFIX)!r})"
    return [read, "if a is None:", f"    {target} = T{index}(facts, event)", "else:", *_indented(known)]


def _indented(lines: list[str], depth: int = 1) -> list[str]:
    return ["    " * depth + line for line in lines]


def _flat_condition_lines(compiled: CompiledRule, skip: str) -> list[str]:
    """A plain ``all``: sets ``value`` and ``missing`` or leaves the scope (``skip``)."""
    flat = compiled.flat or ()
    kept = {id(entry) for entry in compiled.ungated or ()}
    lines = ["failed = -1", "unknown = 0"]
    near_seen = False  # a near-missable leaf came before: it may have failed
    for index, (_, near_missable, leaf, _) in enumerate(flat):
        body = _leaf_test_lines(index, leaf)
        unsettled = (["    if failed >= 0:", f"        {skip}"] if near_seen else []) + [f"    unknown |= {1 << index}"]
        if near_missable:
            body += ["if t is False:", f"    if {'unknown or failed >= 0' if near_seen else 'unknown'}:",
                     f"        {skip}", f"    failed = {index}", "elif t is None:", *unsettled]
            near_seen = True
        else:
            body += ["if t is False:", f"    {skip}", "if t is None:", *unsettled]
        if id(flat[index]) not in kept:  # a gate: the screen saw it hold, unless it left it unsettled
            body = ["if gates_unsettled:", *_indented(body)]
        lines += body
    if near_seen:
        lines += ["if failed >= 0:"]
        if compiled.district_leaf is not None:
            lines += ["    if district_unknown:", f"        {skip}  # fails whatever the district: no near miss"]
        lines += ["    if near is not None and window == 'in_force' and (handler := NEAR[failed]) is not None:",
                  "        handler(near, facts, event, event_index)", f"    {skip}"]
    static = _static_missing(flat)
    lines += ["if unknown:", "    value = None",
              "    missing = " + ("list(MISSING_NAMES[unknown])" if static else "MISSING(unknown, facts, event, event_index)"),
              "else:", "    value = True", "    missing = []"]
    if compiled.district_leaf is not None:
        lines += ["if district_unknown:", "    value = None", "    missing = ['district', *missing]"]
    return lines


def _nested_condition_lines(compiled: CompiledRule, skip: str) -> list[str]:
    """Nested ``all``/``any``: every leaf once, then each node's value (as ``compile_condition``);
    sets ``value`` and ``missing`` or leaves the scope."""
    leaves = list(iter_leaves(compiled.rule.conditions))
    lines: list[str] = []
    for index, leaf in enumerate(leaves):
        lines += _leaf_test_lines(index, leaf, f"t{index}")
    numbers = itertools.count()
    leaf_numbers = itertools.count()
    collect: dict[int, str] = {}  # id(node) -> its value's variable

    def value_of(cond: Condition) -> str:
        if isinstance(cond, Leaf):
            collect[id(cond)] = name = f"t{next(leaf_numbers)}"
            return name
        parts = [value_of(part) for part in _parts(cond)]  # type: ignore[arg-type]
        decisive = isinstance(cond, AnyOf)  # all: one false decides; any: one true
        name = f"v{next(numbers)}"
        lines.append(f"{name} = {decisive} if ({' or '.join(f'{p} is {decisive}' for p in parts)}) else "
                     f"None if ({' or '.join(f'{p} is None' for p in parts)}) else {not decisive}")
        collect[id(cond)] = name
        return name

    root = value_of(compiled.rule.conditions)
    failed = " ".join(f"(t{i} is False) +" for i in range(len(leaves))).rstrip(" +")
    lines += [f"value = {root}",
              "if value is False:",
              f"    if near is not None and window == 'in_force' and {failed} == 1:",
              f"        handler = NEAR[[{', '.join(f't{i}' for i in range(len(leaves)))}].index(False)]",
              "        if handler is not None:",
              "            handler(near, facts, event, event_index)",
              f"    {skip}",
              "missing = []"]

    def missing_lines(cond: Condition) -> list[str]:
        if isinstance(cond, Leaf):
            index = int(collect[id(cond)][1:])
            name = missing_fact(cond)
            add = [f"    if {name!r} not in missing:", f"        missing.append({name!r})"] if name is not None else [
                f"    missing.extend(m for m in leaf_missing(L{index}, facts, event, event_index) if m not in missing)"]
            return [f"if t{index} is None:", *add]
        return [f"if {collect[id(cond)]} is None:",
                *_indented(list(itertools.chain.from_iterable(missing_lines(p) for p in _parts(cond))))]  # type: ignore[arg-type]

    return lines + missing_lines(compiled.rule.conditions)


def _static_missing(flat: tuple[tuple, ...]) -> bool:
    """Does every leaf, unsettled, miss the same fact whatever the profile (then by unknown leaves)?"""
    return len(flat) <= 10 and all(name is not None for _, _, _, name in flat)


def _missing_names(flat: tuple[tuple, ...]) -> dict[int, tuple[str, ...]]:
    """For each set of unsettled leaves (a bitmask), the facts they miss, each once, in leaf order."""
    return {mask: tuple(dict.fromkeys(name for index, (_, _, _, name) in enumerate(flat) if mask >> index & 1))
            for mask in range(1, 1 << len(flat))}


def _outcome_lines(compiled: CompiledRule, skip: str) -> list[str]:
    """With ``value`` and ``missing`` set: the amount, the status, the match and its stacking group."""
    if compiled.constant:
        lines = ["amount = AMOUNT"]
    else:
        lines = amount_lines(compiled.rule.formula) or ["amount = AMOUNT_OF(facts, event, event_index)"]
        lines += ["if not amount.applies:"]
        if compiled.tiered:
            lines += ["    if near is not None and window == 'in_force' and value:",
                      "        below_lowest_tier(near, ruleset, RULE, facts, event_index)"]
        lines += [f"    {skip}", "if amount.missing:", "    missing = list(dict.fromkeys(missing + amount.missing))"]
    lines += ["if window == 'in_force':", "    status = 'eligible' if value and not missing else 'possible'",
              "else:", "    status = window",
              "match = Match(RULE, LEVEL, status, amount, event_index, False, None, missing)",
              "matches.append(match)",
              "if status == 'eligible':",
              "    key = " + ("(STACKING, event_index)" if compiled.per_event else "KEY"),
              "    group = groups.get(key)",
              "    if group is None:", "        groups[key] = [match]", "    else:", "        group.append(match)"]
    if compiled.tiered:
        lines += ["    if near is not None:", "        next_tier(near, ruleset, match)"]
    return lines


def generated_source(compiled: CompiledRule) -> str:
    """The Python source of the rule's kernel (see :func:`generated_kernel`)."""
    rule = compiled.rule
    name = "".join(c if c.isalnum() else "_" for c in rule.rule_id)
    lines = [f"def kernel_{name}(facts, window_status, district_unknown, gates_unsettled, matches, groups, near):",
             f"    # {rule.rule_id}: {rule.title.get('en')}"[:110],
             "    get = facts.get",
             f"    window = window_status[{compiled.window}]"]
    conditions = _flat_condition_lines if compiled.flat is not None else _nested_condition_lines
    if compiled.per_event:
        lines += ["    events = get('events')",
                  "    if events is None:", "        scopes = NO_EVENT",
                  "    elif not events:", "        return",
                  "    else:", "        scopes = enumerate(events)",
                  "    for event_index, event in scopes:"]
        lines += _indented(conditions(compiled, "continue") + _outcome_lines(compiled, "continue"), 2)
    else:
        lines += ["    event = event_index = None"]
        lines += _indented(conditions(compiled, "return") + _outcome_lines(compiled, "return"))
    return "\n".join(lines) + "\n"


_CODE: dict[tuple[str, str], CodeType] = {}
"""Compiled kernel sources: a ruleset compiled again (another version, a test's variant) mostly repeats them."""
MAX_CODE = 4096


def _compiled_source(source: str, name: str) -> CodeType:
    code = _CODE.get((source, name))
    if code is None:
        if len(_CODE) >= MAX_CODE:
            _CODE.clear()
        code = _CODE[(source, name)] = compile(source, name, "exec")
    return code


def generated_kernel(ruleset: Ruleset, compiled: CompiledRule) -> Kernel:
    """The rule's kernel as generated Python (:func:`can_generate` must hold)."""
    assert can_generate(compiled), f"{compiled.rule.rule_id}: no kernel is generated for a condition with not"
    near_of = near_misses_by_leaf(ruleset, compiled)
    leaves = [entry[2] for entry in compiled.flat] if compiled.flat is not None else list(
        iter_leaves(compiled.rule.conditions))
    tests = [entry[0] for entry in compiled.flat] if compiled.flat is not None else [
        compile_leaf(leaf, ruleset.fact_bounds) for leaf in leaves]
    namespace: dict[str, object] = {
        "FigureRange": FigureRange, "compare_figures": compare_figures, "Match": Match, "NO_EVENT": NO_EVENT,
        "Amount": Amount, "bisect_right": bisect.bisect_right, "leaf_missing": leaf_missing,
        "below_lowest_tier": below_lowest_tier, "next_tier": next_tier, "ruleset": ruleset,
        "RULE": compiled.rule, "LEVEL": compiled.level, "STACKING": compiled.stacking,
        "KEY": (compiled.stacking, None),
        "AMOUNT_OF": compiled.amount if amount_lines(compiled.rule.formula) is None else remembered_formula(
            compiled.rule.formula, ruleset.fact_bounds),
        "NEAR": tuple(near_of.get(id(leaf)) for leaf in leaves),
    }
    if compiled.flat is not None:
        flat = compiled.flat
        if _static_missing(flat):
            namespace["MISSING_NAMES"] = _missing_names(flat)
        else:
            namespace["MISSING"] = lambda unknown, facts, event, event_index: missing_of(
                [entry for index, entry in enumerate(flat) if unknown >> index & 1], facts, event, event_index)
    if compiled.constant:
        namespace["AMOUNT"] = compiled.amount({}, None, None)
    if isinstance(compiled.rule.formula, Tiers):
        namespace["TIERS"] = tuple(compiled.rule.formula.tiers)
        namespace["TIER_LOWS"] = [tier.min for tier in compiled.rule.formula.tiers]
    for index, (test, leaf) in enumerate(zip(tests, leaves, strict=True)):
        namespace[f"T{index}"], namespace[f"V{index}"], namespace[f"L{index}"] = test, leaf_constant(leaf), leaf
    exec(_compiled_source(generated_source(compiled), f"<kernel {compiled.rule.rule_id}>"), namespace)  # noqa: S102
    return next(value for key, value in namespace.items() if key.startswith("kernel_"))  # type: ignore[return-value]

