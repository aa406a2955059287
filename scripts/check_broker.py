"""Say clearly when no RabbitMQ answers at AMQP_URL, before anything starts."""

import asyncio
import sys

import aio_pika


async def check(url: str) -> bool:
    try:
        connection = await aio_pika.connect(url, timeout=5)
        await connection.close()
        return True
    except Exception as exc:
        safe = url.split("@")[-1]
        print(f"No RabbitMQ answers at {safe} ({exc}).\n"
              "Start one (e.g. `rabbitmq-server -detached`) or set AMQP_URL.", file=sys.stderr)
        return False


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(check(sys.argv[1])) else 1)
