"""The dispatch queue: due messages get dense tickets; a dispatcher claims a window of tickets.

Why tickets. SecantusDB, the embedded Mongo-wire server, fetches every document an index range
matches before it sorts or applies a limit, so "the oldest due messages, sorted, limit 100" costs
the whole backlog there (120-170 ms per claim with 2,000 queued). A query stays flat only if its
index range holds a bounded number of entries, whatever the backlog. So, on the index
(status, queue_pos, not_before):

1. **Ticket** (each message once): a message due when it is stored gets its ticket in the storing
   transaction (`ticket_due`: no write of its own); otherwise (made at night, a retry, a
   release) it is **promoted** when due: a queued message with no ticket (`queue_pos` null) whose
   `not_before` has come gets the next ticket from the counter `dispatch_queue.next`, in
   (not_before, created_at, dossier_seq) order; the counter and the tickets are written in one
   transaction, so every ticket below the counter's value is visible once the counter is.
   Query `{status: queued, queue_pos: null, not_before: {$lte: now}}`: equality, equality, range
   on the index's three keys: it reads only the messages that became due since the last pass.
2. **Claim** (flat): read the counter, then the window `{status: queued, queue_pos: [head,
   head + W)}`: equality + range on the index's two leading keys, at most W entries. One bulk
   conditional update claims them (queued -> sending, our token and lease: a message another
   dispatcher took first is simply not ours), one `$in` read returns what we won.
3. **Per-dossier order**: one `$in` read of the won messages' dossiers; a won message with an
   earlier one of its dossier still queued or sending that is not ours is released (back to
   queued, no ticket, held until that earlier one is due). Checked after the claim, so it holds
   against any other dispatcher: an earlier message seen finished never goes back to the queue.
4. **The head only moves forward**: whatever goes back to queued loses its ticket (a retry, a
   release, a recovered claim) and is promoted again, so no queued message keeps a ticket below
   the head. The head never passes the counter value read before the window.

The citizen hears of each step of the one-stop process (Decree 118/2025/NĐ-CP, Circular
03/2025/TT-VPCP) once, and in the order the steps happened.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from notify.domain.message import Status

QUEUED, SENDING = Status.QUEUED.value, Status.SENDING.value
# Promotion writes at most this many tickets per transaction (one counter update each).
PROMOTE_CHUNK = 500
# A message held behind an earlier one that is being sent now is looked at again at the next
# pass (the dispatcher's interval, or sooner when woken): a hold measured on the clock would
# stand still under a test's clock while the earlier one is recorded.
HOLD_BEHIND_SENDING = timedelta(0)

Transaction = Callable[[Callable[[AsyncClientSession], Awaitable[None]]], Awaitable[None]]


class DispatchQueue:
    def __init__(
        self, messages: AsyncCollection, counters: AsyncCollection, transaction: Transaction
    ) -> None:
        self.messages, self.counters, self.transaction = messages, counters, transaction
        self.head = 0  # lowest ticket that may still be queued, as far as this dispatcher knows

    INDEX = [("status", 1), ("queue_pos", 1), ("not_before", 1)]

    async def claim(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> list[dict[str, Any]]:
        """Up to `limit` due messages, claimed for `token` until `lease_until`, in ticket order."""
        await self.promote(now)
        state = {
            doc["_id"]: doc["pos"]
            async for doc in self.counters.find({"_id": {"$in": ["next", "head"]}})
        }
        written, head = state.get("next", 0), max(self.head, state.get("head", 0))
        won: list[dict[str, Any]] = []
        while head < written and not won:  # empty windows (tickets given up) are skipped
            end = min(head + limit, written)
            window = await self.messages.find(
                {"status": QUEUED, "queue_pos": {"$gte": head, "$lt": end}}
            ).to_list(None)
            if window:
                won = await self._take(window, (head, end), now, lease_until, token)
            head = end
        self.head = head
        if head > state.get("head", 0):
            await self.counters.update_one({"_id": "head"}, {"$max": {"pos": head}}, upsert=True)
        return won

    async def promote(self, now: datetime) -> int:
        """Ticket every message that has become due and has none; returns how many."""
        due = await self.messages.find(
            {"status": QUEUED, "queue_pos": None, "not_before": {"$lte": now}},
            {"not_before": 1, "created_at": 1, "dossier_seq": 1},
        ).to_list(None)
        due.sort(
            key=lambda d: (
                d["not_before"],
                d.get("created_at") or d["not_before"],
                d.get("dossier_seq") or 0,
            )
        )
        for start in range(0, len(due), PROMOTE_CHUNK):
            chunk = due[start : start + PROMOTE_CHUNK]

            async def write(
                session: AsyncClientSession, chunk: list[dict[str, Any]] = chunk
            ) -> None:
                first = await self._reserve(len(chunk), session)
                await self.messages.bulk_write(
                    [
                        UpdateOne(
                            {"_id": doc["_id"], "status": QUEUED, "queue_pos": None},
                            {"$set": {"queue_pos": first + i}},
                        )
                        for i, doc in enumerate(chunk)
                    ],
                    ordered=False,
                    session=session,
                )

            await self.transaction(write)
        return len(due)

    async def ticket_due(
        self, docs: list[dict[str, Any]], now: datetime, session: AsyncClientSession
    ) -> None:
        """Give the messages about to be stored that are due now their tickets, in the order given,
        in the storing transaction: they need no promotion write (the usual case, by day)."""
        due = [doc for doc in docs if doc["status"] == QUEUED and doc["not_before"] <= now]
        if due:
            first = await self._reserve(len(due), session)
            for i, doc in enumerate(due):
                doc["queue_pos"] = first + i

    async def _reserve(self, count: int, session: AsyncClientSession) -> int:
        """The first of `count` new tickets. findAndModify scans its collection on SecantusDB:
        harmless here, the counters collection holds two documents."""
        counter = await self.counters.find_one_and_update(
            {"_id": "next"},
            {"$inc": {"pos": count}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        assert counter is not None  # upserted
        return int(counter["pos"]) - count

    async def _take(
        self,
        window: list[dict[str, Any]],
        tickets: tuple[int, int],
        now: datetime,
        lease_until: datetime,
        token: str,
    ) -> list[dict[str, Any]]:
        """Claim the window read. Conditional on the ticket too: a message that left the window
        and came back queued (given back, retried) has no ticket in it, so every message this
        update claims is still as the window read it, and when it claims them all (the usual
        case) that read is what we won: no second read."""
        ids = [doc["_id"] for doc in window]
        claim = {
            "status": SENDING,
            "claim_token": token,
            "claim_until": lease_until,
            "updated_at": now,
        }
        result = await self.messages.update_many(
            {
                "_id": {"$in": ids},
                "status": QUEUED,
                "queue_pos": {"$gte": tickets[0], "$lt": tickets[1]},
            },
            {"$set": claim},
        )
        if result.modified_count == len(ids):
            won = [doc | claim for doc in window]
        else:
            won = [
                doc
                for doc in await self.messages.find({"_id": {"$in": ids}}).to_list(None)
                if doc["status"] == SENDING and doc.get("claim_token") == token
            ]
        held = await self._behind_others(won, now, token)
        for hold_until, held_ids in held.items():
            await self.release(held_ids, token, not_before=hold_until, at=now)
        released = {i for held_ids in held.values() for i in held_ids}
        # A dossier's messages in the order they were made (the dispatcher sends them in turn).
        return sorted(
            (doc for doc in won if doc["_id"] not in released),
            key=lambda d: (d.get("dossier_code") or d["_id"], d.get("dossier_seq") or 0),
        )

    async def _behind_others(
        self, won: list[dict[str, Any]], now: datetime, token: str
    ) -> dict[datetime, list[str]]:
        """Won messages that must wait for an earlier message of their dossier that is not ours,
        grouped by when to look at them again. A dossier's first message has none before it: only
        the dossiers of later ones are read."""
        codes = sorted(
            {
                d["dossier_code"]
                for d in won
                if d.get("dossier_code") and (d.get("dossier_seq") or 0) > 1
            }
        )
        if not codes:
            return {}
        pending = await self.messages.find(
            {"dossier_code": {"$in": codes}, "status": {"$in": [QUEUED, SENDING]}},
            {"dossier_code": 1, "dossier_seq": 1, "status": 1, "not_before": 1, "claim_token": 1},
        ).to_list(None)
        first_foreign: dict[str, dict[str, Any]] = {}
        for doc in pending:
            if doc.get("dossier_seq") is None or (
                doc["status"] == SENDING and doc.get("claim_token") == token
            ):
                continue
            known = first_foreign.get(doc["dossier_code"])
            if known is None or doc["dossier_seq"] < known["dossier_seq"]:
                first_foreign[doc["dossier_code"]] = doc
        held: dict[datetime, list[str]] = {}
        for doc in won:
            blocker = first_foreign.get(doc.get("dossier_code") or "")
            if (
                blocker is None
                or not doc.get("dossier_seq")
                or blocker["dossier_seq"] > doc["dossier_seq"]
            ):
                continue
            until = (
                max(blocker["not_before"], now)
                if blocker["status"] == QUEUED
                else now + HOLD_BEHIND_SENDING
            )
            held.setdefault(until, []).append(doc["_id"])
        return held

    async def release(
        self, ids: list[str], token: str, *, not_before: datetime, at: datetime
    ) -> None:
        """Give claimed messages back, unsent and untried: queued again without a ticket."""
        if ids:
            await self.messages.update_many(
                {"_id": {"$in": ids}, "status": SENDING, "claim_token": token},
                {
                    "$set": {
                        "status": QUEUED,
                        "queue_pos": None,
                        "not_before": not_before,
                        "claim_token": None,
                        "claim_until": None,
                        "updated_at": at,
                    }
                },
            )
