"""Group commit: requests that arrive while a group of them is being written wait, then go
together in the next group: one transaction, bulk writes, however many they are.

Why (issue 9: round trips, not work, are the cost): a unit's receipts share its daily counter
document, so they are written one transaction at a time; a provider's delivery receipts each
cost a transaction. Batching what waits keeps one transaction's round trips for the whole
group. A lone request goes at once, so an idle system answers as fast as before.

Per key (a unit, or one key for all), one group is written at a time, in arrival order. Each
request gets its own result, or its own error (the writer returns an exception in its place);
an error of the whole write goes to every request of the group. A request whose caller has
gone (a client that hung up) is still written: its group is already on its way.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")

Write = Callable[[K, list[T]], Awaitable[Sequence[R | Exception]]]


class GroupCommit(Generic[K, T, R]):
    def __init__(self, max_group: int = 100) -> None:
        self.max_group = max_group
        self._waiting: dict[K, list[tuple[T, asyncio.Future[R]]]] = {}
        self._writers: dict[K, asyncio.Task[None]] = {}

    async def submit(self, key: K, item: T, write: Write[K, T, R]) -> R:
        """Write `item` with the others waiting under `key` (`write` gets them in arrival order
        and returns a result or an exception for each, in the same order)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append((item, future))
        if key not in self._writers:
            self._writers[key] = asyncio.create_task(
                self._drain(key, write), name=f"group commit {key}"
            )
        return await future

    async def _drain(self, key: K, write: Write[K, T, R]) -> None:
        try:
            while waiting := self._waiting.get(key):
                group, self._waiting[key] = waiting[: self.max_group], waiting[self.max_group :]
                results: Sequence[R | Exception]
                try:
                    results = await write(key, [item for item, _ in group])
                except Exception as exc:  # the database away: every request of the group fails
                    results = [exc] * len(group)
                for (_, future), result in zip(group, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:  # empty, unless the writer was cancelled (the service stopping)
            for _, future in self._waiting.pop(key, []):
                future.cancel()
            del self._writers[key]
