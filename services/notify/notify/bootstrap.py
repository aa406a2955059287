"""Composition root: settings -> adapters -> use cases -> consumer, dispatcher and outbox relay.

`bootstrap(settings, ops, clock=...)` opens everything the service needs (MongoDB, HTTP
clients for the providers, the RabbitMQ consumer, the background loops, ops' probes and
gauges) into one `Services`, which main.py keeps on `app.state.services`; `Services.stop`
closes it in reverse order. Why one place: every dependency of the service is found here,
as in cosmicpython/code's bootstrap.py.
"""

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
from pymongo import AsyncMongoClient

from motcua_shared.contract.envelope import all_event_models
from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.contract.topology import consumer_spec
from motcua_shared.messaging.consumer import BatchLimits, EventConsumer
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.messaging.outbox_relay import OutboxRelay
from motcua_shared.messaging.relay_lease import RelayLeaderGauge
from motcua_shared.ops.background_tasks import stop_tasks
from motcua_shared.ops.backlog_gauges import OutboxBacklogGauge, QueueDepthGauge
from motcua_shared.ops.health import mongo_ping
from motcua_shared.ops.operations import Operations
from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.vietnam.timeutil import Clock, utcnow

from notify.adapters.email_client import EmailClient
from notify.adapters.message_status_gauge import MessageStatusGauge
from notify.adapters.mongo_event_order import MongoEventOrder
from notify.adapters.mongo_messages import MongoMessageStore
from notify.adapters.mongo_officer_alerts import MongoOfficerAlerts
from notify.adapters.mongo_opt_outs import MongoOptOutStore
from notify.adapters.sms_client import SmsClient
from notify.adapters.zalo_client import ZaloClient
from notify.adapters.zalo_tokens import ZaloTokens
from notify.app.accept_event import AcceptEvent
from notify.app.dispatch import Dispatcher
from notify.app.held_sweeper import HeldSweeper
from notify.app.officer_alerts import AlertOfficers, with_officer_alerts
from notify.app.opt_outs import RecordOptOut
from notify.app.receipts import ApplyReceipt
from notify.app.send_message import SendMessage
from notify.domain.delivery_policy import RetryPolicy
from notify.domain.officer_alerts import DEADLINE_EVENTS
from notify.domain.planning import HANDLED_EVENTS
from notify.domain.quiet_hours import QuietHours
from notify.settings import NotifySettings

# Every dossier event, even one that calls for no message: the event order needs every version.
DOSSIER_EVENTS = tuple(model for model in all_event_models() if model.aggregate == "dossier")


@dataclass
class Services:
    """Everything the API needs, and what has to be stopped."""

    settings: NotifySettings
    ops: Operations
    mongo: AsyncMongoClient
    http: httpx.AsyncClient
    outbox: Outbox
    store: MongoMessageStore
    accept_event: AcceptEvent
    receipts: ApplyReceipt
    record_opt_out: RecordOptOut
    dispatcher: Dispatcher
    relay: OutboxRelay
    consumer: EventConsumer
    tasks: list[asyncio.Task]
    sweeper: HeldSweeper | None = None  # gives up gaps that never fill (issue 15)

    async def stop(self) -> None:
        await self.ops.stop()
        await self.consumer.stop()
        await stop_tasks(*self.tasks)
        await self.relay.stop()
        await self.http.aclose()
        await close_client(self.mongo)


async def bootstrap(
    settings: NotifySettings, ops: Operations, *, clock: Clock = utcnow
) -> Services:
    mongo = mongo_client(settings.mongodb_url)
    db = mongo[settings.db_name]
    outbox = Outbox(db["outbox"])
    relay = OutboxRelay(outbox, settings.amqp_url, settings.exchange, **settings.relay_options())
    order = MongoEventOrder(db, keep=timedelta(days=settings.order_keep_days))
    store = MongoMessageStore(
        mongo,
        db,
        outbox,
        ttl=timedelta(days=settings.message_ttl_days),
        on_commit=relay.wake,
        order=order,
    )
    await outbox.ensure_indexes()
    await store.ensure_indexes()
    opt_outs = MongoOptOutStore(db)
    http = httpx.AsyncClient(timeout=settings.http_timeout_seconds)
    quiet = QuietHours(settings.quiet_start, settings.quiet_end, ZoneInfo(settings.timezone))
    tokens = ZaloTokens(
        db["zalo_tokens"],
        http,
        clock,
        oauth_url=settings.zalo_oauth_url,
        app_id=settings.zalo_app_id,
        secret_key=settings.zalo_secret_key,
        access_token=settings.zalo_access_token,
        refresh_token=settings.zalo_refresh_token,
    )
    channels = {
        client.channel: client
        for client in (
            ZaloClient(http, settings.zalo_base_url, tokens),
            SmsClient(
                http,
                settings.sms_url,
                brandname=settings.sms_brandname,
                username=settings.sms_username,
                password=settings.sms_password,
            ),
        )
    }
    receipts = ApplyReceipt(store, clock)
    policy = RetryPolicy(
        settings.zalo_max_attempts,
        settings.sms_max_attempts,
        settings.retry_base_seconds,
        settings.retry_max_seconds,
    )
    send = SendMessage(
        store,
        opt_outs,
        channels,
        clock,
        policy=policy,
        quiet=quiet,
        phone_secret=settings.phone_hmac_key,
        receipts=receipts,
        provider_limits={
            MessageChannel.ZALO: settings.zalo_concurrency,
            MessageChannel.SMS: settings.sms_concurrency,
        },
    )
    dispatcher = Dispatcher(
        store,
        send,
        clock,
        lease=timedelta(seconds=settings.claim_lease_seconds),
        interval=settings.dispatch_interval_seconds,
        sms_gateway_dedupes=settings.sms_gateway_dedupes,
        batch_size=settings.claim_batch_size,
        lanes=settings.dispatch_lanes,
    )
    accept = AcceptEvent(
        store,
        opt_outs,
        clock,
        quiet=quiet,
        lookup_url=settings.lookup_url,
        phone_secret=settings.phone_hmac_key,
        zalo_enabled=settings.zalo_enabled,
        template_ids=settings.zns_template_ids,
        wake=dispatcher.wake,
        order=order,
        max_held=settings.hold_max_events,
    )
    officer_alerts = MongoOfficerAlerts(db, ttl=timedelta(days=settings.message_ttl_days))
    await officer_alerts.ensure_indexes()
    alert_officers = AlertOfficers(
        officer_alerts,
        EmailClient(http, settings.email_url, settings.email_api_key, settings.email_sender),
        clock,
    )
    consumer = EventConsumer(
        consumer_spec(settings.exchange, "notify", partitions=settings.partitions),
        batch_handler=with_officer_alerts(accept.accept_batch, alert_officers),
        events=(*HANDLED_EVENTS, *DEADLINE_EVENTS, *DOSSIER_EVENTS),
        limits=BatchLimits.of(settings),
    )
    sweeper = HeldSweeper(
        order, consumer.dead_letter, clock, timedelta(minutes=settings.hold_max_minutes)
    )
    services = Services(
        settings,
        ops,
        mongo,
        http,
        outbox,
        store,
        accept,
        receipts,
        RecordOptOut(opt_outs, clock, phone_secret=settings.phone_hmac_key),
        dispatcher,
        relay,
        consumer,
        [],
        sweeper,
    )
    relay.start()
    services.tasks = [
        asyncio.create_task(dispatcher.run(), name="notify-dispatcher"),
        asyncio.create_task(sweeper.run(settings.hold_sweep_seconds), name="notify-held-sweeper"),
    ]
    try:
        # The shared consumer hands over batches in queue order; accept_batch puts them in each
        # dossier's version order, holding an early one until the gap fills (a death is known
        # before its survey, "received" goes before "result ready").
        await consumer.start(
            settings.amqp_url, middlewares=[ops.broker_middleware()], metrics=ops.consumer_metrics()
        )
    except BaseException:
        await services.stop()
        raise
    ops.start(
        {"mongodb": mongo_ping(mongo), "rabbitmq": consumer.ping},
        OutboxBacklogGauge(outbox),
        QueueDepthGauge(ops.amqp, consumer.spec),
        MessageStatusGauge(store),
        RelayLeaderGauge(relay.lease),
    )
    return services
