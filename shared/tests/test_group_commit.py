"""Group commit: what waits while a group is written goes together in the next one, per key;
each caller gets its own result or its own error."""

import asyncio

import pytest

from motcua_shared.storage.group_commit import GroupCommit


class Writer:
    """Records each group; holds every write until `go` is set."""

    def __init__(self, fail_first: bool = False) -> None:
        self.groups: list[tuple[str, list[int]]] = []
        self.go = asyncio.Event()
        self.fail_first = fail_first

    async def __call__(self, key: str, items: list[int]) -> list[int | Exception]:
        self.groups.append((key, items))
        await self.go.wait()
        if self.fail_first and len(self.groups) == 1:
            raise ConnectionError("database away")
        return [ValueError(f"refused {i}") if i < 0 else i * 10 for i in items]

    async def writing(self, count: int) -> None:
        """Until `count` groups have reached the writer."""
        while len(self.groups) < count:
            await asyncio.sleep(0)


async def test_what_waits_goes_together_and_each_caller_gets_its_own_answer():
    groups: GroupCommit[str, int, int] = GroupCommit()
    write = Writer()
    first = asyncio.create_task(groups.submit("u1", 1, write))
    await write.writing(1)
    waiting = [asyncio.create_task(groups.submit("u1", i, write)) for i in (2, -3, 4)]
    other_key = asyncio.create_task(groups.submit("u2", 5, write))
    await write.writing(2)
    assert write.groups == [("u1", [1]), ("u2", [5])]  # another key does not wait for u1
    write.go.set()
    assert await first == 10
    assert await other_key == 50
    assert [await waiting[0], await waiting[2]] == [20, 40]
    with pytest.raises(ValueError, match="refused -3"):
        await waiting[1]
    assert write.groups[2] == ("u1", [2, -3, 4])  # those that waited: one group, in order


async def test_a_failed_write_fails_its_whole_group_and_the_next_group_still_goes():
    groups: GroupCommit[str, int, int] = GroupCommit()
    write = Writer(fail_first=True)
    first = [asyncio.create_task(groups.submit("u", i, write)) for i in (1, 2)]
    await write.writing(1)
    after = asyncio.create_task(groups.submit("u", 3, write))
    write.go.set()
    for task in first:
        with pytest.raises(ConnectionError):
            await task
    assert await after == 30
    assert write.groups == [("u", [1, 2]), ("u", [3])]


async def test_groups_are_at_most_max_group_and_keep_arrival_order():
    groups: GroupCommit[str, int, int] = GroupCommit(max_group=2)
    write = Writer()
    tasks = [asyncio.create_task(groups.submit("u", i, write)) for i in range(5)]
    await write.writing(1)
    write.go.set()
    assert [await task for task in tasks] == [0, 10, 20, 30, 40]
    assert [items for _, items in write.groups] == [[0, 1], [2, 3], [4]]
