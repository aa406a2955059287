"""The timeout report names the await a hung task is stopped in, through nested coroutines."""

import asyncio
import io

from motcua_shared.testing.hang_report import print_tasks


async def waits_for_a_message(arrived: asyncio.Event) -> None:
    await arrived.wait()


async def stops_a_consumer(arrived: asyncio.Event) -> None:
    await waits_for_a_message(arrived)


async def test_each_task_is_printed_with_the_chain_of_awaits_it_waits_in() -> None:
    arrived = asyncio.Event()
    stuck = asyncio.create_task(stops_a_consumer(arrived), name="consumer-stop")
    await asyncio.sleep(0)  # let it reach its wait
    out = io.StringIO()
    print_tasks(out)
    arrived.set()
    await stuck

    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("task consumer-stop")) + 1
    chain = [line.rsplit(" in ", 1)[1] for line in lines[start:] if line.startswith("    ")]
    assert chain[:3] == [
        "stops_a_consumer",
        "waits_for_a_message",
        "wait",
    ]


def test_nothing_is_printed_where_no_loop_runs() -> None:
    out = io.StringIO()
    print_tasks(out)
    assert out.getvalue() == ""
