"""The store's side of "ask a person": owners' questions kept like assessment records.

:class:`QuestionStore` is what both back ends offer (:mod:`bot.store.questions_sqlite`,
:mod:`bot.store.questions_redis`, mixed into their stores). ``change_question`` is the one way to
change a stored question: it applies a pure function (:mod:`bot.questions.models`) atomically, so
two staff requests or two delivering workers never both win. Questions have no expiry: like the
records they are the staff's, until the owner forgets the conversation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from bot.questions.models import OwnerQuestion

Change = Callable[[OwnerQuestion], OwnerQuestion | None]
StatusFilter = Literal["open", "answered"] | None


class QuestionStore(ABC):
    @abstractmethod
    async def add_question(self, question: OwnerQuestion) -> bool:
        """Store a new question. Idempotent: an id already stored is left as it is (False)."""

    @abstractmethod
    async def get_question(self, question_id: str) -> OwnerQuestion | None: ...

    @abstractmethod
    async def list_questions(self, status: StatusFilter = None, since: datetime | None = None,
                             limit: int = 1000) -> list[OwnerQuestion]:
        """Questions (of ``status``, created at or after ``since``), newest first, at most ``limit``."""

    @abstractmethod
    async def questions_of(self, conversation_key: str) -> list[OwnerQuestion]:
        """Every question of one conversation, oldest first."""

    @abstractmethod
    async def change_question(self, question_id: str, change: Change) -> tuple[OwnerQuestion | None, bool]:
        """Apply ``change`` to the stored question atomically. ``change`` returns the new question, or
        ``None`` to leave it; its exceptions propagate with nothing written. Returns the question as
        stored afterwards (``None``: no such question) and whether it was changed."""

    @abstractmethod
    async def forget_questions(self, conversation_key: str) -> int:
        """Remove every question of the conversation; how many were removed."""
