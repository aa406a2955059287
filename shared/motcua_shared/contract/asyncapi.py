"""Generate the AsyncAPI document of the event contract (docs/asyncapi.yaml) with FastStream.

`motcua-asyncapi > docs/asyncapi.yaml` — never edit the YAML by hand; a test checks that the
committed document equals what the contract generates.
"""

import sys
from typing import Any

import yaml
from faststream.rabbit import ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.specification import AsyncAPI

from motcua_shared.contract.envelope import Envelope, all_event_models
from motcua_shared.contract.topology import BINDINGS, ConsumerSpec

EXCHANGE = "motcua.events"
PUBLISHERS = {
    "dossier": "intake",
    "survey": "survey",
    "notification": "notify",
    "feedback": "survey",
}


def build_spec() -> dict[str, Any]:
    broker = RabbitBroker("amqp://guest:guest@localhost:5672/")
    exchange = RabbitExchange(EXCHANGE, type=ExchangeType.TOPIC, durable=True)
    for model in all_event_models():
        broker.publisher(
            routing_key=model.routing_key(),
            exchange=exchange,
            schema=Envelope[model],  # type: ignore[valid-type]
            title=f"{PUBLISHERS[model.aggregate]}:{model.event_type}",
            description=(model.__doc__ or "").strip(),
        )
    for service, keys in BINDINGS.items():
        spec = ConsumerSpec(EXCHANGE, service, keys)

        async def handler(body: bytes) -> None:  # documentation only
            return None

        broker.subscriber(
            RabbitQueue(spec.queue, queue_type=QueueType.QUORUM, routing_key=keys[0]),
            exchange,
            title=f"{service}:events",
            description=f"Quorum queue {spec.queue}, bound to {', '.join(keys)}; "
            f"dead letters in {spec.dead_letter_queue}",
        )(handler)
    document = AsyncAPI(
        broker,
        title="motcua events",
        version="1.0.0",
        description="Events between motcua's intake, notify, survey and reporting services.",
    )
    return document.to_specification().to_jsonable()


def render() -> str:
    return yaml.safe_dump(build_spec(), allow_unicode=True, sort_keys=True)


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
