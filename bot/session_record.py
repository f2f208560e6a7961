"""What the store keeps under a conversation key: the pure dialog state and a bounded transcript.

The dialog (``dialogs``) knows only its state; the transcript — what the channel showed and what the
user said, turn by turn — is the channel side's, so a reloaded web page can show the whole
conversation again (``GET /api/sessions/{id}`` → ``history``). Both are written in one
compare-and-set update, so they never disagree. Stored text is
``{"session_record": 1, "dialog": <DialogState JSON>, "transcript": [...]}``; a bare dialog state
(stored before transcripts existed) still reads, with an empty transcript.

Every turn reads the record the turn before wrote and writes it back one exchange longer;
:class:`RecentRecords` keeps the last records written in this process with their text, so that reading
one back (the same text) costs a comparison instead of parsing the whole transcript again, and writing
it serialises only the entries added.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError

from dialogs.result_text import result_messages
from dialogs.state import SCHEMA_VERSION, DialogState, json_object, load_state, state_from_data
from dialogs.turn import Turn
from rules.profile import Profile

RECORD_VERSION = 1
MAX_ENTRIES = 200  # the oldest entries go first
MAX_ENTRY_CHARS = 4000
REMEMBERED_RECORDS = 256
"""Records :class:`RecentRecords` keeps (about 60 KB each at the end of a conversation, 15 MB in all): the
conversations active at once in one process."""


class TranscriptEntry(BaseModel):
    """One bubble: a bot message, the user's answer (as shown: option labels, not ids), or a result.

    ``turn`` is the number of the turn the entry belongs to (a user entry: the turn it answered);
    ``lang`` the language it is written in.
    """

    role: Literal["bot", "user", "result"]
    text: str
    lang: Literal["zh-CN", "en"]
    turn: int


class SessionRecord(BaseModel):
    """The dialog state, the transcript, and the options of the question on screen (to echo answers)."""

    dialog: DialogState
    transcript: list[TranscriptEntry] = []
    options: dict[str, str] = {}  # option id → label of the question on screen

    def to_json(self) -> str:
        return self._json_with(_TRANSCRIPT.dump_json(self.transcript[-MAX_ENTRIES:]).decode())

    def _json_with(self, transcript_json: str) -> str:
        """The stored text, given the JSON of ``transcript[-MAX_ENTRIES:]``: what the model
        :class:`_StoredRecord` would write (pydantic's compact JSON, keys in its order)."""
        return (f'{{"session_record":{RECORD_VERSION},"dialog":{self.dialog.model_dump_json()},'
                f'"transcript":{transcript_json},"options":{_OPTIONS.dump_json(self.options).decode()}}}')

    def showing(self, turn: Turn) -> SessionRecord:
        """The record after ``turn`` is shown: its entries appended, its options on screen."""
        options = {option.id: option.label for option in turn.expects.options} if turn.expects else {}
        return self.model_copy(update={"transcript": [*self.transcript, *shown_entries(turn)][-MAX_ENTRIES:],
                                       "options": options})

    def said(self, text: str, lang: str | None = None) -> SessionRecord:
        """The record after the user sent ``text`` in answer to the turn on screen (``lang``: the
        language it is in, when not the conversation's — "English" switching to English)."""
        locale = lang or self.dialog.locale
        entry = TranscriptEntry(role="user", text=_clip(self._as_labels(text, locale)), lang=locale,
                                turn=self.dialog.turn)
        return self.model_copy(update={"transcript": [*self.transcript, entry]})

    def history(self) -> list[dict[str, Any]]:
        """The entries of the turns before the one on screen (that one is shown from the turn itself)."""
        return [entry.model_dump() for entry in self.transcript if entry.turn < self.dialog.turn]

    def _as_labels(self, text: str, locale: str) -> str:
        parts = [part.strip() for part in text.split(",")]
        if not self.options or not all(part in self.options for part in parts):
            return text
        return ("、" if locale != "en" else ", ").join(self.options[part] for part in parts)


class _StoredRecord(BaseModel):
    """The stored text as :meth:`SessionRecord.to_json` writes it: parsed and validated in one go."""

    session_record: Literal[1]
    dialog: DialogState
    transcript: list[TranscriptEntry]
    options: dict[str, str]


def load_record(text: str | None) -> SessionRecord | None:
    """The record stored in ``text``; ``None`` when there is none or its dialog state is unreadable."""
    if not text:
        return None
    try:  # every turn reads one: the usual record (current schema, every part valid) in one validation
        stored = _StoredRecord.model_validate_json(text)
    except ValidationError:
        stored = None
    if stored is not None and _current(stored.dialog):
        return SessionRecord(dialog=stored.dialog, transcript=stored.transcript, options=stored.options)
    return _load_record_part_by_part(text)


def _current(state: DialogState) -> bool:
    """Stored at the current schema with every answer still valid: nothing for :func:`state_from_data` to
    migrate or drop."""
    if "schema_version" not in state.model_fields_set or state.schema_version != SCHEMA_VERSION:
        return False
    try:
        Profile.model_validate(state.answers)
    except ValidationError:
        return False
    return True


def _load_record_part_by_part(text: str) -> SessionRecord | None:
    """Any other record: an older dialog state migrated, a damaged transcript entry or answer dropped alone."""
    data = json_object(text)
    if data is None:
        return None
    if data.get("session_record") != RECORD_VERSION:
        state = load_state(text)  # a bare dialog state, stored before transcripts existed
        return SessionRecord(dialog=state) if state else None
    dialog = data.get("dialog")
    state = state_from_data(dialog if isinstance(dialog, dict) else None)
    if state is None:
        return None
    entries = data.get("transcript") or []
    try:  # the usual case, in one validation
        transcript = _TRANSCRIPT.validate_python(entries)
    except ValidationError:
        transcript = []
        for entry in entries:
            try:
                transcript.append(TranscriptEntry.model_validate(entry))
            except ValidationError:
                continue  # one damaged entry never loses the conversation
    options = data.get("options")
    options = {str(k): str(v) for k, v in options.items()} if isinstance(options, dict) else {}
    return SessionRecord(dialog=state, transcript=transcript, options=options)


_TRANSCRIPT = TypeAdapter(list[TranscriptEntry])
_OPTIONS = TypeAdapter(dict[str, str])


@dataclass(frozen=True, slots=True)
class _Written:
    text: str
    record: SessionRecord  # a copy nobody else holds
    entries: tuple[TranscriptEntry, ...]  # the transcript as written (entries are never changed in place)
    transcript_json: str


class RecentRecords:
    """The records last written under each key, with their stored text (at most ``size`` keys, the
    least recently used forgotten first).

    :meth:`load` of the text last written under a key gives that record without parsing; any other
    text (written by another process, or by an older version) is parsed by :func:`load_record`. So
    the result is always what :func:`load_record` reads from the text: a record round-trips through
    its JSON unchanged, and only copies of it are handed out (the dialog's containers copied, as the
    dialog's own steps copy them), except to a reader that promises to only read. :meth:`dump` writes :meth:`SessionRecord.to_json`, serialising only
    the transcript entries added since the record was last written under the key."""

    def __init__(self, size: int = REMEMBERED_RECORDS) -> None:
        self.size = size
        self._written: OrderedDict[str, _Written] = OrderedDict()

    def load(self, key: str, text: str | None, *, read_only: bool = False) -> SessionRecord | None:
        """``read_only``: the caller only reads the record and hands its dialog to the dialog's
        functions (which copy the state before changing it): it gets the remembered record itself."""
        written = self._written.get(key)
        if written is None or not text or written.text != text:
            return load_record(text)
        self._written.move_to_end(key)
        return written.record if read_only else _copy(written.record)

    def dump(self, key: str, record: SessionRecord) -> str:
        entries = record.transcript[-MAX_ENTRIES:]
        before = self._written.get(key)
        if before is None or not before.entries or not _starts_with(entries, before.entries):
            transcript_json = _TRANSCRIPT.dump_json(entries).decode()
        elif len(entries) == len(before.entries):
            transcript_json = before.transcript_json  # nothing added
        else:  # the entries written before, then the new ones: "[a,b]" + "[c]" → "[a,b,c]"
            added = _TRANSCRIPT.dump_json(entries[len(before.entries):]).decode()
            transcript_json = f"{before.transcript_json[:-1]},{added[1:]}"
        text = record._json_with(transcript_json)
        self._written[key] = _Written(text, _copy(record), tuple(entries), transcript_json)
        self._written.move_to_end(key)
        if len(self._written) > self.size:
            self._written.popitem(last=False)
        return text

    def forget(self, key: str) -> None:
        self._written.pop(key, None)


def _starts_with(entries: Sequence[TranscriptEntry], start: Sequence[TranscriptEntry]) -> bool:
    return len(start) <= len(entries) and all(a is b for a, b in zip(start, entries, strict=False))


def _copy(record: SessionRecord) -> SessionRecord:
    return SessionRecord.model_construct(dialog=record.dialog.copied(), transcript=list(record.transcript),
                                         options=dict(record.options))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ENTRY_CHARS else text[: MAX_ENTRY_CHARS - 1] + "…"


def result_start(turn: Turn) -> int | None:
    """Where the text rendering of the assessment starts in ``turn.messages`` (None: not there)."""
    if not turn.done or turn.result is None:
        return None
    rendered = result_messages(turn.result, turn.locale)
    count = len(rendered)
    if count and turn.messages[-count:] == rendered:
        return len(turn.messages) - count
    return None


def shown_entries(turn: Turn) -> list[TranscriptEntry]:
    """What a turn showed: its messages; a finished assessment as one ``result`` entry with its total
    instead of its text rendering (clients show the result itself)."""
    result_from = result_start(turn)
    messages = turn.messages if result_from is None else turn.messages[:result_from]
    entries = [TranscriptEntry(role="bot", text=_clip(m), lang=turn.locale, turn=turn.turn) for m in messages]
    if result_from is not None and turn.result is not None:
        entries.append(TranscriptEntry(role="result", text=turn.result.total_text, lang=turn.locale, turn=turn.turn))
    return entries
