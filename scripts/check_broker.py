"""Say clearly when no RabbitMQ answers at AMQP_URL, before anything starts; and, when
MOTCUA_PARTITIONS > 1, when its consistent-hash exchange plugin is not enabled."""

import asyncio
import os
import sys
import uuid

import aio_pika

PLUGIN = "rabbitmq_consistent_hash_exchange"


async def check(url: str) -> bool:
    safe = url.split("@")[-1]
    try:
        connection = await aio_pika.connect(url, timeout=5)
    except Exception as exc:
        print(
            f"No RabbitMQ answers at {safe} ({exc}).\n"
            "Start one (e.g. `rabbitmq-server -detached`) or set AMQP_URL.",
            file=sys.stderr,
        )
        return False
    try:
        if int(os.environ.get("MOTCUA_PARTITIONS", "1") or "1") > 1 and not await _hashes(
            connection
        ):
            print(
                f"MOTCUA_PARTITIONS > 1 needs the {PLUGIN} plugin on the broker at {safe}: "
                f"`rabbitmq-plugins enable {PLUGIN}` there (scripts/enable_broker_plugins.sh does "
                "it on this machine's broker), or run with MOTCUA_PARTITIONS=1.",
                file=sys.stderr,
            )
            return False
        return True
    finally:
        await connection.close()


async def _hashes(connection: aio_pika.abc.AbstractConnection) -> bool:
    """A throwaway consistent-hash exchange can be declared (the broker knows the type)."""
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            f"motcua.check.{uuid.uuid4().hex[:8]}",
            "x-consistent-hash",
            auto_delete=True,
            durable=False,
        )
        await exchange.delete()
        await channel.close()
        return True
    except Exception:
        return False


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(check(sys.argv[1])) else 1)
