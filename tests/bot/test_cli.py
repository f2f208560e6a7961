"""``awardbot assess`` and ``awardbot chat`` from the command line: the contract, and clean errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from locales.text import display_width

PROFILE = {"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 1_200_000_000,
           "revenue_prev_cny": 1_000_000_000}


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, content: str) -> str:
    path = tmp_path / "profile.json"
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_assess_prints_the_contract_json(tmp_path: Path, capsys) -> None:
    code, out, err = run_cli(["assess", "--profile", write(tmp_path, json.dumps(PROFILE)), "--as-of", "2026-11-24",
                              "--format", "json"], capsys)
    assert code == 0 and err == ""
    result = json.loads(out)
    assert {"as_of", "ruleset_version", "matches", "total_max_award_cny"} <= set(result)
    assert result["as_of"] == "2026-11-24"
    tier = next(m for m in result["matches"] if m["rule_id"] == "YZ2025-2.1")
    assert tier["status"] == "eligible" and tier["max_award_cny"] == 5_000_000
    assert set(tier["citation"]) == {"document", "article", "quote", "excerpt"}  # excerpt: additive
    assert tier["citation"]["excerpt"] == "对年营业收入达到 10 亿元（含）—30亿元且保持一定增速的，择优给予最高不超过 500万元的扶持"
    for match in result["matches"]:
        assert {"clause_id", "rule_id", "status", "max_award_cny", "benefit", "citation", "reasons", "missing"} <= set(match)
        assert match["status"] in ("eligible", "possible", "expired", "not_yet_in_force")
        assert match["benefit"] in ("cash", "subsidy", "loan", "support")


def test_assess_text_shows_the_total_first_in_both_languages(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, json.dumps(PROFILE))
    _, zh, _ = run_cli(["assess", "--profile", path, "--as-of", "2026-11-24", "--format", "text"], capsys)
    _, en, _ = run_cli(["assess", "--profile", path, "--as-of", "2026-11-24", "--format", "text", "--locale", "en"],
                       capsys)
    assert "预计最高可申报合计：500 万元" in zh.splitlines()[1]
    assert "Estimated maximum total: CNY 5,000,000" in en.splitlines()[1]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_assess_text_columns_line_up_on_chinese_text(tmp_path: Path, capsys, locale: str) -> None:
    path = write(tmp_path, json.dumps({**PROFILE, "certifications": ["national_key_software"],
                                       "new_certifications": ["national_key_software"]}))
    _, text, _ = run_cli(["assess", "--profile", path, "--as-of", "2026-11-24", "--format", "text",
                          "--locale", locale], capsys)
    lines = text.splitlines()
    table = [line for line in lines[3:] if line and not line.startswith(" ")][:12]  # header and main rows
    assert len(table) >= 5

    def cell_starts(line: str) -> list[int]:
        """Display columns where the 2nd, 3rd … cell of a line begin (cells are separated by 2+ spaces)."""
        return [display_width(line[: match.end()]) for match in re.finditer(r"\s{2,}", line)]

    header = cell_starts(table[0])
    assert len(header) == 3
    for line in table[1:]:
        assert cell_starts(line) == header, line
    assert not re.search(r"\b(YZ|CQ)20\d\d-\d", text)


@pytest.mark.parametrize(("content", "field"), [
    ('{"revenue_cny": -5}', "revenue_cny"),
    ('{"revenue_cny": "lots"}', "revenue_cny"),
    ('{"is_software_enterprise": "yes"}', "is_software_enterprise"),
    ('{"certifications": ["gold_medal"]}', "certifications"),
    ('{"activities": ["mining"]}', "activities"),
    ('{"district": "成都市武侯区"}', "district"),
    ('{"as_of": "tomorrow"}', "as_of"),
    ('{"events": [{"attendees": -1}]}', "events[0].attendees"),
    ('{"revenu_cny": 5}', "revenu_cny"),
    ('{"newly_settled": "yes"}', "newly_settled"),
    ('{"moved_within_chongqing": 1}', "moved_within_chongqing"),
    ('{"informatisation_investment_cny": -1}', "informatisation_investment_cny"),
    ('{"newly_setled": true}', "newly_setled"),
    ('{"certifications": ["tech_based_smes"]}', "certifications"),
    ("not json at all", "JSON"),
    ("[1, 2]", "JSON"),
])
def test_bad_input_exits_2_with_one_line_naming_the_field(tmp_path: Path, capsys, content: str, field: str) -> None:
    code, out, err = run_cli(["assess", "--profile", write(tmp_path, content), "--locale", "en"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and field in err and "Traceback" not in err


def test_assess_accepts_the_fields_and_ids_contract_section_4_added(tmp_path: Path, capsys) -> None:
    profile = {"district": "渝中区", "newly_settled": True, "moved_within_chongqing": False,
               "informatisation_investment_cny": 1_000_000, "certifications": ["tech_based_sme"],
               "activities": ["first_version_software"]}
    code, out, err = run_cli(["assess", "--profile", write(tmp_path, json.dumps(profile)), "--as-of", "2026-11-24",
                              "--format", "json"], capsys)
    assert code == 0 and err == ""
    matches = {m["rule_id"]: m for m in json.loads(out)["matches"]}
    assert matches["YZ2021-5"]["status"] == "eligible"  # 引进 with the 科技型企业 title
    assert matches["YZ2021-7#informatisation"]["max_award_cny"] == 200_000
    assert matches["CQ2022-3.2.2#first-version-software"]["status"] == "expired"


def test_a_missing_file_and_a_bad_date_exit_2(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(["assess", "--profile", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and "nope.json" in err and err.count("\n") == 1
    code, _, err = run_cli(["assess", "--profile", write(tmp_path, "{}"), "--as-of", "2026-02-30"], capsys)
    assert code == 2 and "--as-of" in err and err.count("\n") == 1


def test_the_installed_command_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path, '{"software_staff": 1.5}')
    done = subprocess.run([sys.executable, "-m", "bot.cli", "assess", "--profile", bad], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "software_staff" in done.stderr and "Traceback" not in done.stderr


def test_chat_runs_a_conversation_from_stdin() -> None:
    answers = "重庆市以外\n没有\n"  # outside Chongqing: only whether it hosted an event (YZ2025-9, D1)
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--as-of", "2026-11-24"], input=answers,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "贵企业在哪个区县注册和纳税" in done.stdout and "暂无可计入合计的奖补" in done.stdout
