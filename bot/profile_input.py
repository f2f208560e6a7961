"""Read a profile at the edge (file, JSON text or dict) and turn every problem into one localised line.

Past this module the profile is a validated :class:`rules.profile.Profile`; a user never sees
a traceback, only which field was wrong and what is accepted.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from locales import t
from rules.loader import default_ruleset
from rules.profile import ACTIVITIES, CERTIFICATIONS, EVENT_KINDS, EVENT_LEVELS, PLATFORM_LEVELS, Profile

PROBLEM_BY_TYPE = {
    "greater_than_equal": "greater_than_equal",
    "less_than_equal": "less_than_equal",
    "float_type": "number", "float_parsing": "number", "finite_number": "number",
    "int_type": "integer", "int_parsing": "integer", "int_from_float": "integer",
    "bool_type": "boolean", "bool_parsing": "boolean",
    "list_type": "list",
    "string_type": "text",
    "date_type": "date", "date_parsing": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "extra_forbidden": "extra_forbidden",
    "unknown_id": "unknown_id",
    "unknown_district": "unknown_district",
    "literal_error": "choice",
    "model_type": "object", "dict_type": "object", "model_attributes_type": "object",
}
EXAMPLE = '{"district": "渝中区", "revenue_cny": 120000000}'


class ProfileInputError(ValueError):
    """Invalid profile input; ``str(error)`` is the one line to show the user."""


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "profile"


def _accepted(loc: tuple, error_type: str, locale: str) -> str:
    names = [p for p in loc if isinstance(p, str)]
    name = names[-1] if names else ""
    if error_type == "extra_forbidden":
        fields = ", ".join(Profile.model_fields) if len(names) == 1 else "kind, level, location_district, …"
        return t(locale, "input_error.accepted.field", fields=fields)
    if name in ("certifications", "new_certifications"):
        return t(locale, "input_error.accepted.ids", ids=", ".join(CERTIFICATIONS))
    if name == "activities":
        return t(locale, "input_error.accepted.ids", ids=", ".join(ACTIVITIES))
    if name == "as_of":
        return t(locale, "input_error.accepted.date")
    if name == "events" and len(names) == 1:
        return t(locale, "input_error.accepted.events")
    choices = {"kind": EVENT_KINDS, "level": EVENT_LEVELS, "platform_level": PLATFORM_LEVELS}.get(name)
    if choices:
        return t(locale, "input_error.accepted.choice", choices=", ".join(choices))
    info = default_ruleset().facts.get(name)
    unit = info.unit if info else "cny"
    return t(locale, f"input_error.accepted.{unit if unit in ('cny', 'count', 'bool', 'district') else 'cny'}")


def describe_validation_error(exc: ValidationError, locale: str) -> str:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    problem_key = PROBLEM_BY_TYPE.get(err["type"], "other")
    shown = json.dumps(err.get("input"), ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 40 else shown[:37] + "…"
    params = {"input": shown, "msg": err["msg"], **(err.get("ctx") or {})}
    problem = t(locale, f"input_error.problems.{problem_key}", **params)
    return t(locale, "input_error.line", field=_field_path(loc), problem=problem,
             accepted=_accepted(loc, err["type"], locale))


def profile_from_json(text: str, locale: str, source: str = "profile") -> Profile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileInputError(t(locale, "input_error.not_json", path=source, line=exc.lineno,
                                  column=exc.colno, example=EXAMPLE)) from None
    if not isinstance(data, dict):
        raise ProfileInputError(t(locale, "input_error.not_object", got=type(data).__name__))
    try:
        return Profile.model_validate_json(text)
    except ValidationError as exc:
        raise ProfileInputError(describe_validation_error(exc, locale)) from None


def load_profile_file(path: str | Path, locale: str) -> Profile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise ProfileInputError(t(locale, "input_error.file_missing", path=str(path))) from None
    except UnicodeDecodeError:
        raise ProfileInputError(t(locale, "input_error.not_json", path=str(path), line=1, column=1,
                                  example=EXAMPLE)) from None
    return profile_from_json(text, locale, source=str(path))
