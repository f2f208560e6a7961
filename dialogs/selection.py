"""Multi-select buttons whose selection lives in the dialog state, not in the message.

A channel with toggle buttons (Telegram) applies each press to the stored state through the
store's compare-and-set update, so two fast taps on the same keyboard both count (the keyboard
only shows the selection; it no longer carries it). Submitting the selection is an ordinary
answer: the option ids, comma-separated, or ``none`` when nothing is selected.
"""

from __future__ import annotations

from dialogs.state import DialogState


def toggle_option(state: DialogState, question_key: str, option_id: str) -> tuple[DialogState, list[str]]:
    """Select or unselect ``option_id`` for the question ``question_key`` (ignored unless it is the
    question on screen: a press on an old keyboard changes nothing). Returns the selection."""
    state = state.copied()
    if state.done or state.pending != question_key:
        return state, list(state.draft.get(question_key, []))
    selected = list(state.draft.get(question_key, []))
    if option_id in selected:
        selected.remove(option_id)
    else:
        selected.append(option_id)
    state.draft = {question_key: selected}  # only the question on screen keeps a draft
    return state, selected


def selection(state: DialogState, question_key: str) -> list[str]:
    """The options selected so far for ``question_key``."""
    return list(state.draft.get(question_key, [])) if state.pending == question_key else []
