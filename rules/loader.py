"""Load and validate the policy data in ``rules/data/``; fingerprint it as ``ruleset_version``.

A malformed record fails loudly with the file, the rule id and the field, so a typo in the
data can never silently change an answer.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from rules.schema import Document, DocumentFile, Rule
from rules.vocabulary import (
    FactInfo,
    FactTable,
    Vocabulary,
    VocabularyError,
    default_vocabulary,
    load_facts,
    load_vocabulary,
    rule_problems,
)

DATA_DIR = Path(__file__).parent / "data"
DOCUMENT_FILES = ("YZ2025.yaml", "CQ2025.yaml", "CQ2022.yaml", "YZ2021.yaml")
VOCABULARY_FILES = ("vocabulary.yaml", "facts.yaml")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleDataError(ValueError):
    """The policy data is malformed; the message names the file, the rule and the field."""


@dataclass(frozen=True)
class Ruleset:
    documents: dict[str, Document]
    rules: tuple[Rule, ...]
    facts: dict[str, FactInfo]  # profile facts and event keys, by name
    version: str
    vocabulary: Vocabulary = field(default_factory=default_vocabulary)

    @functools.cached_property
    def by_id(self) -> dict[str, Rule]:
        return {rule.rule_id: rule for rule in self.rules}

    @functools.cached_property
    def fact_bounds(self) -> dict[str, str]:
        """fact -> the fact it can never exceed (e.g. blockchain patents ≤ all invention patents)."""
        return {name: info.at_most for name, info in self.facts.items() if info.at_most}

    def document_of(self, rule: Rule) -> Document:
        return self.documents[rule.clause_id.split("-", 1)[0]]

    def level_of(self, rule: Rule) -> str:
        return self.document_of(rule).level

    def window_of(self, rule: Rule):
        return rule.effective or self.document_of(rule).effective


def _read_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RuleDataError(f"{path.name}: not valid YAML: {exc}") from exc


def _describe(path: Path, raw: dict, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = path.name
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            where += f": rule {raw['rules'][loc[1]].get('rule_id', '#' + str(loc[1]))}"
        except (IndexError, AttributeError, KeyError):
            where += f": rule #{loc[1]}"
        loc = loc[2:]
    field = ".".join(str(p) for p in loc) or "(record)"
    return f"{where}: field {field}: {err['msg']}"


def load_document_file(path: Path) -> DocumentFile:
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise RuleDataError(f"{path.name}: expected a mapping with 'document' and 'rules'")
    try:
        return DocumentFile.model_validate(raw)
    except ValidationError as exc:
        raise RuleDataError(_describe(path, raw, exc)) from None


def check_rules(path: Path, parsed: DocumentFile, vocabulary: Vocabulary, table: FactTable) -> None:
    """Every condition and formula of the file names only known facts, ids and fitting operators."""
    for rule in parsed.rules:
        problems = rule_problems(rule, vocabulary, table)
        if problems:
            raise RuleDataError(f"{path.name}: rule {rule.rule_id}: {problems[0]}")


def load_ruleset(data_dir: Path = DATA_DIR) -> Ruleset:
    try:
        vocabulary, table = load_vocabulary(data_dir), load_facts(data_dir)
    except VocabularyError as exc:
        raise RuleDataError(str(exc)) from None
    documents: dict[str, Document] = {}
    rules: list[Rule] = []
    digest = hashlib.sha256()
    for name in DOCUMENT_FILES:
        path = data_dir / name
        parsed = load_document_file(path)
        check_rules(path, parsed, vocabulary, table)
        documents[parsed.document.key] = parsed.document
        rules.extend(parsed.rules)
        digest.update(path.read_bytes())
    for name in VOCABULARY_FILES:
        digest.update((data_dir / name).read_bytes())
    return Ruleset(documents, tuple(rules), {**table.facts, **table.event}, digest.hexdigest()[:16], vocabulary)


_default_dir = DATA_DIR


def use_rules_dir(data_dir: Path | None) -> None:
    """Make :func:`default_ruleset` load ``data_dir`` instead of the packaged rules (None: the packaged
    ones again). Channels call it once at start with the ``AWARDBOT_RULES_DIR`` setting (a test
    ruleset, or rules corrected ahead of a release)."""
    global _default_dir
    chosen = DATA_DIR if data_dir is None else Path(data_dir)
    if chosen != _default_dir:
        _default_dir = chosen
        default_ruleset.cache_clear()


@functools.cache
def default_ruleset() -> Ruleset:
    """The rules in use (the packaged ones unless :func:`use_rules_dir` chose others), loaded once per process."""
    return load_ruleset(_default_dir)


def canonical_json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
