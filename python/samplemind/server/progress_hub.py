"""Fans job progress out to WebSocket subscribers: the latest state wins.

Each subscriber has a one-slot mailbox; a new state replaces one the subscriber has
not sent yet, so a slow client skips intermediate states (progress stays monotonic)
and memory per subscriber is constant. Event-loop only.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

State = dict[str, Any]


class ProgressHub:
    def __init__(self) -> None:
        self._mailboxes: defaultdict[str, set[asyncio.Queue[State]]] = defaultdict(set)

    def subscribe(self, job_id: str) -> asyncio.Queue[State]:
        mailbox: asyncio.Queue[State] = asyncio.Queue(maxsize=1)
        self._mailboxes[job_id].add(mailbox)
        return mailbox

    def unsubscribe(self, job_id: str, mailbox: asyncio.Queue[State]) -> None:
        boxes = self._mailboxes.get(job_id)
        if boxes is not None:
            boxes.discard(mailbox)
            if not boxes:
                del self._mailboxes[job_id]

    def publish(self, job_id: str, state: State) -> None:
        for mailbox in list(self._mailboxes.get(job_id, ())):
            deliver(mailbox, state)


def deliver(mailbox: asyncio.Queue[State], state: State) -> None:
    """Puts `state` in the mailbox, replacing an unsent older one."""
    if mailbox.full():
        mailbox.get_nowait()
    mailbox.put_nowait(state)
