"""Bad input against every service, in-process and on the real broker and Mongo-wire server.

`fuzz_every_operation` drives one service's OpenAPI with schemathesis: for each operation, a
bounded number of generated requests that fit the schema (positive) and that do not (negative),
each sent with a real token through ASGI (`schemathesis.openapi.from_asgi`, which also runs the
app's lifespan: MongoDB, the broker, the consumer and relay loops). Every answer must be below
500 (schemathesis' not_a_server_error), and a 4xx must say why in Vietnamese and English and
leave the service's database exactly as it was (collections compared by count and a hash of
their documents, before and after the request).

schemathesis' own pytest integration (`from_fixture(...).parametrize()`) does not run on
pytest 9.2 (it reads `Function._nodeid`), so each operation runs here as a pytest subtest with
Hypothesis directly, using schemathesis' public strategy, call and check functions.
"""

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import bson
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi

from motcua_shared.contract.dossier_events import (
    Channel,
    DossierReceived,
    DossierStatus,
    ResolutionOutcome,
    ResultReturned,
    ReturnMethod,
)
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.testing.clock import SettableClock
from motcua_shared.vietnam.timeutil import VN_TZ

# Generated requests per operation and per mode (positive, negative). ~25 keeps each service
# well under a minute on two shared cores; raise it for a deeper run.
MAX_EXAMPLES = int(os.environ.get("MOTCUA_BAD_INPUT_EXAMPLES", "25"))

OFFICER_ROLES = ["desk", "specialist", "leader", "admin", "system"]


@dataclass(frozen=True)
class Storage:
    """A service's database, read to tell whether a request stored anything.

    `volatile`: fields that the service's background loops change on their own (the outbox
    relay marks events sent), left out of the comparison. `ignored`: collections a refused
    request writes to on purpose (rate limits counting failures), with the reason why.
    """

    client: MongoClient
    db_name: str
    volatile: Mapping[str, frozenset[str]] = field(default_factory=dict)
    ignored: Mapping[str, str] = field(default_factory=dict)

    def state(self) -> dict[str, tuple[int, str]]:
        """collection → (document count, hash of every document), ignored collections left out."""
        db = self.client[self.db_name]
        state = {}
        for name in sorted(db.list_collection_names()):
            if name in self.ignored or name in BACKGROUND_ONLY:
                continue
            drop = self.volatile.get(name, frozenset())
            digests = sorted(
                hashlib.sha256(
                    bson.encode({k: v for k, v in doc.items() if k not in drop})
                ).hexdigest()
                for doc in db[name].find()
            )
            state[name] = (len(digests), hashlib.sha256("".join(digests).encode()).hexdigest())
        return state


# The relay marks events sent and, in the same write, erases the phone from their stored body
# (motcua_shared.messaging.outbox): changes no request makes. A new outbox entry still counts.
OUTBOX_RELAY_FIELDS = {"outbox": frozenset({"status", "sent_at", "body"})}
# Written only by a background loop, never by a request: the relay takes and renews its outbox's
# lease every second or so (the first time whenever its loop first runs).
BACKGROUND_ONLY = frozenset({"outbox_lease"})


@pytest.fixture
def sync_mongo(mongodb_url: str, db_name: str) -> Iterator[MongoClient]:
    """A blocking client for the test thread (the app runs on schemathesis' ASGI loop);
    the test's database is dropped afterwards."""
    client: MongoClient = MongoClient(mongodb_url)
    try:
        yield client
    finally:
        client.drop_database(db_name)
        client.close()


@contextmanager
def served(app: Any) -> Iterator[schemathesis.schemas.BaseSchema]:
    """Load the app's OpenAPI through ASGI; loading starts its lifespan, stopped on exit."""
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        asgi.shutdown_lifespans()


_ABSENT = object()  # a declared query parameter that was not generated
# The first and last days a date can hold: the generator reaches them only now and then, and
# date arithmetic next to them overflows (a day either side, local time to UTC).
EDGE_DATES = ["0001-01-01", "9999-12-31"]
EDGE_DATETIMES = ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-12:00", "9999-12-31T10:00:00Z"]


def steer(
    schema: Any,
    *,
    path: Mapping[str, list[Any]] | None = None,
    query: Mapping[str, list[Any]] | None = None,
    body: Mapping[str, list[Any]] | None = None,
) -> None:
    """Two times in three, put a value the service knows (a seeded dossier code, a real unit)
    in place of the generated one, so requests get past "not found" to the rules behind it. A
    query parameter the operation declares is steered even when it was not generated."""

    def known(values: Mapping[str, list[Any]], declared: Callable[[Any], set[str]]) -> Callable:
        def flatmap(context: Any, generated: Any) -> st.SearchStrategy:
            if generated is not None and not isinstance(generated, dict):
                return st.just(generated)
            generated = generated or {}
            names = list(generated) + sorted(
                (declared(context.operation) & values.keys()) - generated.keys()
            )
            choices = {name: generated.get(name, _ABSENT) for name in names}
            return st.fixed_dictionaries(
                {
                    name: st.one_of(st.just(value), *[st.sampled_from(values[name])] * 2)
                    if name in values
                    else st.just(value)
                    for name, value in choices.items()
                }
            ).map(
                lambda chosen: {
                    name: value for name, value in chosen.items() if value is not _ABSENT
                }
            )

        return flatmap

    def query_names(operation: Any) -> set[str]:
        return {parameter.name for parameter in operation.query}

    for hook, values, declared in (
        ("flatmap_path_parameters", path, lambda _op: set()),
        ("flatmap_query", query, query_names),
        ("flatmap_body", body, lambda _op: set()),
    ):
        if values:
            schema.hook(hook)(known(values, declared))


@dataclass
class Tally:
    """Answers per operation, printed at the end (`pytest -s`) to show what was reached."""

    statuses: dict[str, dict[int, int]] = field(default_factory=dict)

    def add(self, label: str, status: int) -> None:
        counts = self.statuses.setdefault(label, {})
        counts[status] = counts.get(status, 0) + 1

    def report(self, service: str) -> str:
        total = sum(sum(c.values()) for c in self.statuses.values())
        lines = [f"{service}: {total} requests over {len(self.statuses)} operations"]
        lines += [
            f"  {label:<60} {dict(sorted(counts.items()))}"
            for label, counts in self.statuses.items()
        ]
        return "\n".join(lines)


def fuzz_every_operation(
    schema: Any,
    subtests: Any,
    storage: Storage,
    *,
    headers: Callable[[Any], dict[str, str]],
    max_examples: int = MAX_EXAMPLES,
) -> Tally:
    """Every operation of `schema`, positive then negative cases, each a subtest."""
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:
            if mode is GenerationMode.NEGATIVE and not _has_input(operation):
                continue  # nothing a client sends, so nothing to get wrong
            with subtests.test(msg=f"{operation.label} ({mode.value})"):
                _run(operation, mode, storage, headers, tally, max_examples)
    return tally


def _has_input(operation: Any) -> bool:
    return any(True for _ in operation.iter_parameters()) or len(operation.body) > 0


def _run(
    operation: Any,
    mode: GenerationMode,
    storage: Storage,
    headers: Callable[[Any], dict[str, str]],
    tally: Tally,
    max_examples: int,
) -> None:
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def one_request(case: Any) -> None:
        sent = headers(case)
        before = storage.state()
        response = case.call(headers=sent)
        tally.add(operation.label, response.status_code)
        case.validate_response(response, checks=[not_a_server_error], headers=sent)
        if 400 <= response.status_code < 500:
            _assert_says_why(response, case, sent)
            after = storage.state()
            changed = sorted(
                name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
            )
            assert not changed, (
                f"{response.status_code} answer, yet {changed} changed\n"
                f"{response.text[:500]}\n{case.as_curl_command(headers=sent)}"
            )

    one_request()


def _assert_says_why(response: Any, case: Any, sent: dict[str, str]) -> None:
    """A refusal says what is wrong in Vietnamese and in English (team rule for bad input)."""
    content_type = " ".join(
        response.headers.get("content-type", [])
    )  # schemathesis keeps lists of values
    body = response.json() if "json" in content_type else None
    assert (
        isinstance(body, dict)
        and body.get("error")
        and body.get("message")
        and body.get("message_en")
    ), (
        f"{response.status_code} answer without error/message/message_en: {response.text[:300]}\n"
        f"{case.as_curl_command(headers=sent)}"
    )


def bearer(token: str) -> Callable[[Any], dict[str, str]]:
    return lambda _case: {"Authorization": f"Bearer {token}"}


def quiet_hours_clock() -> SettableClock:
    """notify's clock: today at 22:00 in Vietnam, standing still. A message waits for 07:00 and
    the dispatcher never sends it, so nothing changes behind the requests' backs."""
    today_22h = datetime.now(VN_TZ).replace(hour=22, minute=0, second=0, microsecond=0)
    return SettableClock(today_22h.astimezone(UTC))


def received_event(
    code: str, unit: str, at: datetime, *, phone: str = "+84912345678"
) -> Envelope[Any]:
    """A DossierReceived as intake's relay publishes it (version 1 of the dossier)."""
    payload = DossierReceived(
        unit_name="UBND phường Tân Định",
        province_code="79",
        procedure_code="1.001699",
        procedure_name="Xác nhận mức độ khuyết tật",
        field_code="bao-tro-xa-hoi",
        channel=Channel.DIRECT,
        status=DossierStatus.RECEIVED,
        received_at=at,
        due_at=at + timedelta(days=7),
        officer_id="desk01",
        contact=CitizenContact(phone=phone, consent=True),
    )
    return Envelope.wrap(
        payload,
        aggregate_id=code,
        aggregate_version=1,
        unit_code=unit,
        correlation_id=f"corr-{code}",
        occurred_at=at,
    )


def returned_event(code: str, unit: str, at: datetime, *, version: int = 6) -> Envelope[Any]:
    """A ResultReturned at the desk, approved (what opens a survey)."""
    payload = ResultReturned(
        unit_name="UBND phường Tân Định",
        province_code="79",
        procedure_code="1.001699",
        procedure_name="Xác nhận mức độ khuyết tật",
        field_code="bao-tro-xa-hoi",
        channel=Channel.DIRECT,
        status=DossierStatus.RETURNED,
        received_at=at - timedelta(days=7),
        due_at=at,
        officer_id="desk01",
        method=ReturnMethod.AT_DESK,
        outcome=ResolutionOutcome.APPROVED,
        resolved_at=at,
        returned_at=at,
        contact=CitizenContact(phone="+84912345678", consent=True),
    )
    return Envelope.wrap(
        payload,
        aggregate_id=code,
        aggregate_version=version,
        unit_code=unit,
        correlation_id=f"corr-{code}",
        occurred_at=at,
    )


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll a blocking `check` until it returns something truthy (for the test thread)."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.05)
    return result
