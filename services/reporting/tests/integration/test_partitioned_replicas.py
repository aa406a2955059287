"""Two reporting instances on K = 4 partitions (issue 15): they share the partitions, each
dossier is projected by one of them at a time in version order, and the figures equal the
events: the hand-counted February of test_scripted_month."""

import httpx

from reporting.main import create_app

from .conftest import UNIT_A, UNIT_B, february, leader, publish_events, wait_until_projected
from .test_scripted_month import UNIT_A_FEB, UNIT_B_FEB, figures, one_stop

K = 4


async def test_two_instances_on_four_partitions_give_the_events_figures(
    settings, clock, mongo, amqp_url, exchange_name, amqp_cleanup
):
    settings = settings.model_copy(
        update={
            "partitions": K,
            "consumer_rebalance_seconds": 0.2,
            "consumer_batch_max": 5,
            "consumer_prefetch": 10,
        }
    )
    first, second = create_app(settings, clock=clock), create_app(settings, clock=clock)
    async with first.router.lifespan_context(first):
        async with second.router.lifespan_context(second):
            events = february()
            half = len(events) // 2
            await publish_events(amqp_url, exchange_name, events[:half])
            await publish_events(amqp_url, exchange_name, events[half:])
            await wait_until_projected(mongo, len(events))
            transport = httpx.ASGITransport(app=first)
            async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
                body = await one_stop(
                    http,
                    leader(settings, UNIT_A.code),
                    unit=UNIT_A.code,
                    **{"from": "2026-02-01", "to": "2026-02-28"},
                )
                assert figures(body["total"]) == UNIT_A_FEB
                body = await one_stop(
                    http,
                    leader(settings, UNIT_B.code),
                    unit=UNIT_B.code,
                    **{"from": "2026-02-01", "to": "2026-02-28"},
                )
                assert figures(body["total"]) == UNIT_B_FEB
