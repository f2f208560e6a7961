"""The stored session record reads and writes as it did before it was parsed in one validation: the same
JSON content, and every record (current, older, damaged) read exactly as the part-by-part reading does."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.session_record import (
    _TRANSCRIPT,
    RECORD_VERSION,
    SessionRecord,
    _load_record_part_by_part,
    load_record,
)
from dialogs.conversation import start, step
from tests.dialogs.test_dialog_properties import texts

AS_OF = dt.date(2026, 11, 24)
ANSWERS = ["渝中区", "是", "national_key_software,high_tech_enterprise", "national_key_software", "1.2亿", "1亿",
           "5200", "4800", "8000万", "6000万", "无", "200万", "yes", "800万", "600万", "3", "1", "no", "English"]


def conversation(locale: str, messages: list[str]) -> list[SessionRecord]:
    """The record after each message, built as the conversation service builds it."""
    state, turn = start(locale, as_of=AS_OF)
    records = [SessionRecord(dialog=state).showing(turn)]
    for text in messages:
        record = records[-1]
        state, turn = step(record.dialog, text)
        records.append(record.said(text).model_copy(update={"dialog": state}).showing(turn))
    return records


def written_before(record: SessionRecord) -> str:
    """How the record was written before pydantic wrote it in one go."""
    return json.dumps({"session_record": RECORD_VERSION, "dialog": record.dialog.model_dump(mode="json"),
                       "transcript": _TRANSCRIPT.dump_python(record.transcript), "options": record.options},
                      ensure_ascii=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["zh-CN", "en"]), st.lists(st.one_of(texts, st.sampled_from(ANSWERS)), max_size=25))
def test_a_record_is_written_and_read_as_before(locale: str, messages: list[str]) -> None:
    for record in conversation(locale, messages):
        text = record.to_json()
        assert json.dumps(json.loads(text), ensure_ascii=False) == written_before(record)  # same keys, order, types
        assert load_record(text) == _load_record_part_by_part(text) == record


def _damaged(change) -> str:  # noqa: ANN001 - a function changing the stored data in place
    record = conversation("zh-CN", ANSWERS[:6])[-1]
    data = json.loads(record.to_json())
    change(data)
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("text", [
    _damaged(lambda data: data["dialog"].pop("schema_version")),  # version 1: migrated
    _damaged(lambda data: data["dialog"].update(schema_version=1, profile={"district": "渝中区"})),
    _damaged(lambda data: data["dialog"]["answers"].update(revenue_cny="a lot")),  # no longer valid: dropped
    _damaged(lambda data: data["dialog"]["answers"].update(no_such_fact=3)),
    _damaged(lambda data: data["dialog"].update(locale="fr")),
    _damaged(lambda data: data["dialog"].update(turn="x")),
    _damaged(lambda data: data["transcript"].__setitem__(0, {"role": "nobody"})),  # dropped alone
    _damaged(lambda data: data.update(transcript=None)),
    _damaged(lambda data: data.update(options={"a": 1, "2": "b"})),
    _damaged(lambda data: data.update(options=None)),
    _damaged(lambda data: data.update(session_record=True)),
    _damaged(lambda data: data.update(session_record=2)),
    _damaged(lambda data: data.update(dialog=None)),
    _damaged(lambda data: data.update(extra="kept out")),
    _damaged(lambda data: data.pop("options")),
    json.dumps(start("en", as_of=AS_OF)[0].model_dump(mode="json")),  # a bare dialog state (before transcripts)
    "{not json", "[]", "null", "",
])
def test_any_other_stored_text_is_read_as_part_by_part(text: str) -> None:
    assert load_record(text) == _load_record_part_by_part(text)
